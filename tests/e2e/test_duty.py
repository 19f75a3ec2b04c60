"""Duty end to end: /onduty, /duty and /offduty for several people on two wards."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot.sandbox.fake_telegram import FakeTelegram, SimUser
from bot.telegram import duty_texts
from storage.db import Database
from storage.models import AuditLog, Duty, DutyAssignment, Role, Ward
from storage.repositories import duty as duty_repo
from tests.e2e.test_enrolment import enrol_by_chat, wards  # noqa: F401 (fixture)
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck", "wards")

NURSE, CHARGE, PHYSICIAN, NURSE_H8 = 501, 502, 701, 601


async def ask(user: SimUser, text: str) -> str:
    await user.send(text)
    return (await user.next_message()).text or ""


def ward_id(db: Database, code: str) -> int:
    with db.session() as session:
        ward = session.exec(select(Ward).where(Ward.code == code)).one()
        assert ward.id is not None
        return ward.id


async def test_nurses_go_on_and_off_duty_and_see_who_is_on(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    nurse = await enrol_by_chat(tg, db, clock, NURSE, Role.NURSE, "H7")
    charge = await enrol_by_chat(tg, db, clock, CHARGE, Role.CHARGE_NURSE, "H7")
    other = await enrol_by_chat(tg, db, clock, NURSE_H8, Role.NURSE, "H8")
    physician = await enrol_by_chat(tg, db, clock, PHYSICIAN, Role.PHYSICIAN, "H7")
    h7 = ward_id(db, "H7")

    text = await ask(nurse, "/onduty")
    assert text.startswith("You are on duty on ward H7 until 24 Nov 2026 21:00.")
    assert "/offduty ends it" in text
    assert "until 24 Nov 2026 17:00" in await ask(charge, "/onduty 8h")

    clock.advance(hours=1)
    again = await ask(nurse, "/onduty 4")
    assert "until 24 Nov 2026 21:00" in again and "was extended" in again  # not shortened
    with db.session() as session:
        rows = session.exec(select(DutyAssignment).order_by(col(DutyAssignment.id))).all()
        assert [(r.staff_id is not None, r.duty) for r in rows] == [
            (True, Duty.NURSE),
            (True, Duty.CHARGE_NURSE),
        ]
        on = duty_repo.on_duty(session, ward_id=h7, at=clock.now)
        assert [s.telegram_user_id for s in on] == [NURSE, CHARGE]

    board = await ask(physician, "/duty")
    assert board.splitlines() == [
        "Ward H7 (Haematology 7), on duty now:",
        "• Nurse 501 (nurse) until 24 Nov 2026 21:00",
        "• Charge_Nurse 502 (charge nurse) until 24 Nov 2026 17:00",
        "Charge nurse: Charge_Nurse 502",
    ]
    assert await ask(other, "/duty") == (
        "Ward H8 (Haematology 8), on duty now:\n"
        "• nobody, and no charge nurse is enrolled: check prompts reach NO ONE\n"
        "Charge nurse: none enrolled on this ward"
    )

    clock.advance(minutes=30)
    assert await ask(charge, "/offduty") == "You are off duty on ward H7 since 24 Nov 2026 10:30."
    board = await ask(nurse, "/duty")
    assert "Charge_Nurse 502 (charge" not in board
    assert "Charge nurse: none on duty; alerts go to Charge_Nurse 502" in board
    assert await ask(charge, "/offduty") == "You were not on duty; nothing changed."
    with db.session() as session:
        charge_nurses = duty_repo.charge_nurses(session, ward_id=h7, at=clock.now)
        assert [s.telegram_user_id for s in charge_nurses] == [CHARGE]  # the fallback
        audits = session.exec(select(AuditLog.action).order_by(col(AuditLog.id))).all()
    assert [a for a in audits if a.startswith("duty.")] == [
        "duty.on",
        "duty.on",
        "duty.on",
        "duty.off",
    ]

    refused = await ask(physician, "/onduty")
    assert refused == "Only nurses and charge nurses go on duty from the chat."
    for wrong in ("/onduty 30", "/onduty 0", "/onduty soon"):
        assert await ask(nurse, wrong) == duty_texts.ONDUTY_USAGE
    assert "off duty on ward H7" in await ask(nurse, "/offduty")
    assert "• nobody: check prompts go to the charge nurses of the ward" in await ask(
        nurse, "/duty"
    )
    await other.assert_no_message()
