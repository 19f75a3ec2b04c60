"""The nurse's submitted check follows its alert: who was paged and when, who acknowledged.

Without it the summary would keep saying what to do ("call the physician") after the bot has
already paged someone, and the nurse would not know whom. The edit is queued in the outbox in
the transaction of the change it reports (a page delivered, an acknowledgement, a decision).
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlmodel import Session

from bot.services import outbox
from storage.models import Escalation
from storage.repositories import alerts as alerts_repo

PURPOSE: Final = "check_followup"


def queue_edit(session: Session, escalation: Escalation, now: dt.datetime, *, change: str) -> None:
    """Queue an edit of the nurse's check message to the alert's current reach."""
    check = alerts_repo.raising_check(session, escalation)
    if check is None or check.chat_id is None or check.message_id is None:
        return
    outbox.enqueue(
        session,
        # The nurse holding the check: her message, said in her language.
        to=outbox.Recipient.telegram(check.chat_id, check.holder_id),
        purpose=PURPOSE,
        payload={"escalation_id": escalation.id, "message_id": check.message_id},
        dedupe_key=f"{PURPOSE}:{escalation.id}:{change}",
        now=now,
    )
