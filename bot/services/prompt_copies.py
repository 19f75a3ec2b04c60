"""The check prompts already in people's chats follow the check: once it is started nobody
should press Start or Snooze on it again, once it is submitted it says so, and when it is
cancelled (or closed unanswered, or released because its nurse was deactivated) its buttons
come back, because the check is due again.

The edits are queued in the outbox in the same transaction as the change they describe, so
they are sent (and retried) like any message, and never claim something that was rolled back.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlmodel import Session

from bot.services import outbox
from storage.models import Assessment, Staff
from storage.repositories import schedule as schedule_repo

PURPOSE: Final = "prompt_update"
STARTED, SUBMITTED, CANCELLED, ABANDONED = "started", "submitted", "cancelled", "abandoned"
RELEASED: Final = "released"  # its nurse was deactivated: it waits for a colleague


def queue_update(
    session: Session,
    assessment: Assessment,
    state: str,
    *,
    now: dt.datetime,
    grade: int | None = None,
    complete: bool = True,
    skip_staff_id: int | None = None,
) -> int:
    """Queue an edit of every sent copy of the check's prompts (but those in the chat of
    ``skip_staff_id``: someone who has left is told nothing more); returns how many."""
    if assessment.scheduled_check_id is None:
        return 0
    holder = session.get(Staff, assessment.holder_id)
    copies = [
        copy
        for copy in schedule_repo.sent_prompts(session, check_id=assessment.scheduled_check_id)
        if skip_staff_id is None or copy.staff_id != skip_staff_id
    ]
    for copy in copies:
        assert copy.id is not None and copy.message_id is not None
        outbox.enqueue(
            session,
            to=outbox.Recipient.telegram(copy.chat_id, copy.staff_id),
            purpose=PURPOSE,
            payload={
                "message_id": copy.message_id,
                "prompt": copy.payload,
                "state": state,
                "by": holder.display_name if holder is not None else "",
                "at": now.isoformat(),
                "grade": grade,
                "complete": complete,
            },
            dedupe_key=f"{PURPOSE}:{copy.id}:{assessment.id}:{state}",
            now=now,
        )
    return len(copies)
