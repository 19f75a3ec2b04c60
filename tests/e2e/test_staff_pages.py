"""A physician deactivated while paged, end to end: the admin removes him with ``/staff``, the
chain moves on to the backup at once (not at the backup's minute), and his copy of the alert
can no longer be acknowledged."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram
from bot.telegram import texts
from storage.db import Database
from storage.models import DeliveryStatus, EscalationDelivery
from tests.e2e.test_escalation import (
    ADMIN,
    BACKUP,
    NURSE,
    PRIMARY,
    escalation,
    grade_1_paged,
    settled,
    ward,  # noqa: F401 (fixture)
)
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck", "ward")


async def test_a_deactivated_physicians_page_moves_the_chain_to_the_backup_now(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock
) -> None:
    nurse, primary, backup, admin = (tg.user(t) for t in (NURSE, PRIMARY, BACKUP, ADMIN))
    alert = await grade_1_paged(nurse, primary, clock)
    await settled(db)
    clock.advance(minutes=2)  # high: the backup is due at 15 minutes

    await admin.send("/staff")
    listing = await admin.next_message()
    await admin.press(listing, "Deactivate Dr Pim")
    confirm = await admin.next_message()
    await admin.press(confirm, "Yes, remove")
    done = await admin.wait_edit(confirm)
    assert done.text == "Dr Pim is deactivated: 1 running duty ended; 1 page withdrawn."

    backup_copy = await backup.next_message()
    assert "HIGH: Bed 4" in (backup_copy.text or "")
    press = await primary.press(alert, "Acknowledge")
    answer = await primary.wait_answer(press)
    assert answer.text == texts.NOT_ENROLLED and answer.show_alert
    await settled(db)  # the outbox marks the backup's page sent just after it arrives
    with db.session() as session:
        pages = session.exec(
            select(EscalationDelivery.chat_id, EscalationDelivery.status).order_by(
                col(EscalationDelivery.id)
            )
        ).all()
    assert [tuple(p) for p in pages] == [
        (PRIMARY, DeliveryStatus.SKIPPED),
        (BACKUP, DeliveryStatus.SENT),
    ]
    assert escalation(db).acknowledged_at is None
