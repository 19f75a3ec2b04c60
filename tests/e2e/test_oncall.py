"""/oncall end to end: physicians go on call (and override), everyone sees the rota, strangers
are refused, and a gap in the primary rota reaches the charge nurse once."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram, SimUser
from bot.services import rota_gaps
from bot.services.duty import DutyService
from bot.telegram import duty_texts, texts
from storage.db import Database
from storage.models import AuditLog, Duty, DutyAssignment, OutboundMessage, Role, Ward
from tests.e2e.test_enrolment import enrol_by_chat, wards  # noqa: F401 (fixture)
from tests.support import factories
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck", "wards")

DOC_A, DOC_B, NURSE, CHARGE, STRANGER = 701, 702, 501, 502, 9001


async def ask(user: SimUser, text: str) -> str:
    await user.send(text)
    return (await user.next_message()).text or ""


def ward_id(db: Database, code: str) -> int:
    with db.session() as session:
        ward = session.exec(select(Ward).where(Ward.code == code)).one()
        assert ward.id is not None
        return ward.id


async def test_physicians_go_on_call_and_everyone_sees_the_rota(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    ann = await enrol_by_chat(tg, db, clock, DOC_A, Role.PHYSICIAN, "H7")
    ben = await enrol_by_chat(tg, db, clock, DOC_B, Role.PHYSICIAN, "H7")
    nurse = await enrol_by_chat(tg, db, clock, NURSE, Role.NURSE, "H7")

    assert await ask(ann, "/oncall primary 12") == (
        "You are on call as primary on ward H7 until 24 Nov 2026 21:00.\n/oncall shows the rota."
    )
    assert await ask(ben, "/oncall backup 8h") == (
        "You are on call as backup on ward H7 until 24 Nov 2026 17:00.\n/oncall shows the rota."
    )
    clock.advance(hours=1)
    assert await ask(ben, "/oncall primary 2 override") == (
        "You are on call as primary on ward H7 until 24 Nov 2026 12:00.\n"
        "This overrides whoever else is primary there until then.\n"
        "/oncall shows the rota."
    )
    assert (await ask(nurse, "/oncall")).splitlines() == [
        "Ward H7 (Haematology 7), on call now:",
        "• Primary: Physician 702 (override) until 24 Nov 2026 12:00",
        "• Backup: Physician 702 until 24 Nov 2026 17:00",
        "• Attending: nobody",
        "Next 24 hours:",
        "• 24 Nov 2026 12:00 primary: Physician 701 until 24 Nov 2026 21:00",
        "• 24 Nov 2026 17:00 backup: nobody",
        "• 24 Nov 2026 21:00 primary: nobody",
        "⚠ No primary on call from 24 Nov 2026 21:00, and none is planned after that: "
        f"{duty_texts.ONCALL_FIX}.",
    ]
    again = await ask(ann, "/oncall primary 12")  # extends, from now (10:00): until 22:00
    assert "until 24 Nov 2026 22:00" in again and "(Your running on-call period on H7" in again
    with db.session() as session:
        found = session.exec(select(DutyAssignment).order_by(col(DutyAssignment.id))).all()
        assert [(r.staff_id is not None, r.duty, r.is_override) for r in found] == [
            (True, Duty.PRIMARY, False),
            (True, Duty.BACKUP, False),
            (True, Duty.PRIMARY, True),
        ]
        vias = session.exec(select(AuditLog).where(AuditLog.action == "duty.planned")).all()
        assert [a.detail["via"] for a in vias] == ["chat"] * 4


async def test_wrong_people_and_wrong_arguments_get_one_line(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    ann = await enrol_by_chat(tg, db, clock, DOC_A, Role.PHYSICIAN, "H8")
    nurse = await enrol_by_chat(tg, db, clock, NURSE, Role.NURSE, "H7")
    stranger = tg.user(STRANGER, first_name="Stranger")
    assert await ask(stranger, "/oncall") == texts.NOT_ENROLLED
    assert await ask(stranger, "/oncall primary 8") == texts.NOT_ENROLLED
    assert await ask(nurse, "/oncall primary 8") == (
        "Only physicians put themselves on call from the chat."
    )
    for wrong in (
        "/oncall primary",
        "/oncall primary 0",
        "/oncall primary 25",
        "/oncall chief 8",
        "/oncall 8 primary",
        "/oncall primary 8 please",
        "/oncall primary 8 override now",
    ):
        assert await ask(ann, wrong) == duty_texts.ONCALL_USAGE, wrong
    assert await ask(ann, "/oncall primary 8 702") == duty_texts.ONCALL_FOR_OTHERS
    assert "\n" not in duty_texts.ONCALL_USAGE and "\n" not in duty_texts.ONCALL_FOR_OTHERS
    with db.session() as session:
        assert session.exec(select(DutyAssignment)).first() is None
    board = await ask(ann, "/oncall")
    assert board.startswith("Ward H8 (Haematology 8), on call now:\n• Primary: nobody\n")
    assert "No changes in the next 24 hours." in board
    await stranger.assert_no_message()


async def test_a_gap_in_the_primary_rota_reaches_the_charge_nurse_once(
    tg: FakeTelegram, db: Database, clock: FakeClock, neurocheck: Neurocheck
) -> None:
    ann = await enrol_by_chat(tg, db, clock, DOC_A, Role.PHYSICIAN, "H7")
    charge = await enrol_by_chat(tg, db, clock, CHARGE, Role.CHARGE_NURSE, "H7")
    nurse = await enrol_by_chat(tg, db, clock, NURSE, Role.NURSE, "H7")
    h7 = ward_id(db, "H7")
    patient = factories.patient(db, h7, "Bed 4")
    factories.plan(db, patient, clock.now, created_at=clock.now)  # running from now
    assert "until 24 Nov 2026 21:00" in await ask(ann, "/oncall primary 12")

    report = await neurocheck.tick()  # covered for exactly the next 12 hours
    assert report is not None and report.gap_warnings == 0
    assert charge.unread() == []

    clock.advance(minutes=30)  # now 20:00 UTC (21:00 in Berlin) is within 12 hours
    first = await neurocheck.tick()
    second = await neurocheck.tick()
    assert first is not None and first.gap_warnings == 1
    assert second is not None and second.gap_warnings == 0
    (warning,) = charge.unread()
    assert (warning.text or "").startswith(
        "⚠ Ward H7 (Haematology 7) will have no primary physician on call from "
        "24 Nov 2026 21:00 and none is planned after that"
    )
    assert "/oncall primary <hours>" in (warning.text or "")
    assert nurse.unread() == [] and ann.unread() == []

    # The gap is filled from the server: no further warning, and the rota has no warning line.
    await enrol_by_chat(tg, db, clock, DOC_B, Role.PHYSICIAN, "H7")
    DutyService(db, clock, zone=ZoneInfo("Europe/Berlin")).add_shift(
        ward_code="H7",
        telegram_user_id=DOC_B,
        starts_at="24.11.2026 21:00",
        ends_at="25.11.2026 09:00",
    )
    third = await neurocheck.tick()
    assert third is not None and third.gap_warnings == 0
    assert charge.unread() == []
    assert "⚠" not in await ask(charge, "/oncall")
    with db.session() as session:
        keys = session.exec(
            select(OutboundMessage.dedupe_key).where(OutboundMessage.purpose == rota_gaps.PURPOSE)
        ).all()
        warned = session.exec(select(AuditLog).where(AuditLog.action == "oncall.gap_warned"))
        assert len(list(warned)) == 1
    assert [key.split(":")[0] for key in keys if key] == ["oncall-gap"]
