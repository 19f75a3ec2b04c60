"""A check left without an answer is closed (``CheckService.abandon_idle``), and its nurse is
told through the outbox, in the transaction that closes it: the check's message is redrawn
as closed and a notice says nothing was recorded. Like every scheduled message, both are
rows first, sent and retried by the outbox's sender and worded by bot/telegram."""

from __future__ import annotations

import datetime as dt
from typing import Final

from sqlmodel import Session

from bot.services import outbox
from bot.services.outbox import Recipient

EDIT_PURPOSE: Final = "check_abandoned_edit"  # the check's own message, redrawn as closed
NOTICE_PURPOSE: Final = "check_abandoned"  # the nurse's notice


def queue(
    session: Session,
    *,
    assessment_id: int,
    label: str,
    chat_id: int | None,
    holder_id: int | None = None,
    message_id: int | None,
    idle_minutes: int,
    now: dt.datetime,
) -> None:
    """Queue the redraw and the notice (nothing when the check never reached a chat)."""
    if chat_id is None:
        return
    to = Recipient.telegram(chat_id, holder_id)  # the nurse: said in her language
    if message_id is not None:
        outbox.enqueue(
            session,
            to=to,
            purpose=EDIT_PURPOSE,
            payload={"assessment_id": assessment_id, "message_id": message_id},
            dedupe_key=f"{EDIT_PURPOSE}:{assessment_id}",
            now=now,
        )
    outbox.enqueue(
        session,
        to=to,
        purpose=NOTICE_PURPOSE,
        payload={"label": label, "idle_minutes": idle_minutes},
        dedupe_key=f"{NOTICE_PURPOSE}:{assessment_id}",
        now=now,
    )
