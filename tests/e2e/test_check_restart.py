"""A check survives a restart: the state is in the database, not in the process."""

from __future__ import annotations

from sqlmodel import select

from bot.config import Settings
from bot.sandbox.fake_telegram import FakeTelegram
from storage.db import Database
from storage.models import GradeResult, Role
from tests.e2e.conftest import running_bot
from tests.e2e.test_check import tap
from tests.support import factories
from tests.support.clock import FakeClock


async def test_check_resumes_after_a_restart(
    tg: FakeTelegram, db: Database, settings: Settings, clock: FakeClock
) -> None:
    ward_id = factories.ward(db)
    factories.staff(db, 501, "Nurse Ada", Role.NURSE, [ward_id])
    factories.patient(db, ward_id, "Bed 4")
    nurse = tg.user(501)
    async with running_bot(settings, db, clock):
        await nurse.send("/check Bed 4")
        question = await tap(nurse, await nurse.next_message(), "Alert", "Year ✓", "Month ✗")
    # The process is gone; a new one (new Application, new connection pool) takes over.
    async with running_bot(settings, db, clock):
        question = await tap(
            nurse,
            question,
            "City ✓",
            "Hospital ✓",
            "Done",
            "2 named",
            "Command ✓",
            "Writing ✓",
            "Attention ✓",
            "Done",
            "No seizure",
            "None of these",
            "None of these",
            "Skip",
            "Submit",
        )
    assert "ICE: 8/10" in (question.text or "")
    with db.session() as session:
        grade = session.exec(select(GradeResult)).one()
    assert (grade.ice_score, grade.icans_grade) == (8, 1)
