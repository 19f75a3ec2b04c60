"""Reads of the scheduler's rows that the sandbox's clock controls need.

The sandbox moves its clock to "the next due check" and, before any jump, waits until no
queued message is being sent: a jump past the outbox's lease while a send is in flight would
let the next pass claim that message again, which in real time cannot happen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session, col, func, select

from storage.models import CheckStatus, OutboundMessage, ScheduledCheck
from storage.repositories import outbox as outbox_repo


def next_unprompted_due(session: Session, *, after: dt.datetime) -> dt.datetime | None:
    """The earliest due time after ``after`` of a check not prompted yet (None: there is
    none). A check already due but not prompted (nobody to tell) is the scheduler's to retry,
    not a place to move the clock to."""
    return session.exec(
        select(func.min(ScheduledCheck.due_at)).where(
            ScheduledCheck.status == CheckStatus.DUE, col(ScheduledCheck.due_at) > after
        )
    ).one()


def outbox_sending(session: Session) -> bool:
    """Whether a queued message is claimed by a sender right now."""
    claimed = session.exec(
        select(OutboundMessage.id).where(col(OutboundMessage.claim_token).is_not(None)).limit(1)
    ).first()
    return claimed is not None


def sent_prompts(session: Session, *, check_id: int) -> Sequence[OutboundMessage]:
    """Every prompt, reminder and alert sent for this scheduled check (each person's copy),
    oldest first: the copies whose buttons must change when the check starts or ends."""
    return outbox_repo.sent_with_prefix(
        session, purpose="check_prompt", prefix=f"check:{check_id}:"
    )
