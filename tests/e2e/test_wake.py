"""The wake-up (issue 21): a prompt leaves when its check falls due, not at the next poll.

The bot runs with its own timers here (the other end-to-end tests remove them and run passes
at chosen instants). The safety tick is 30 s, so a prompt within a few seconds can only
come from the wake-up.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from bot import app as app_module
from bot import scheduler as scheduler_module
from bot.config import Settings
from bot.sandbox.fake_telegram import FakeTelegram
from storage.db import Database
from storage.models import (
    CheckKind,
    CheckStatus,
    Duty,
    OutboundMessage,
    OutboxStatus,
    Role,
    ScheduledCheck,
)
from storage.repositories import due
from tests.support import factories

NURSE = 611


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@pytest.fixture
async def running(settings: Settings, db: Database) -> AsyncIterator[app_module.Neurocheck]:
    """The bot on the real clock with its timers (the start-up menus need not go out)."""
    wired = app_module.build(settings, db)
    application = wired.application
    async with application:
        await application.start()
        yield wired
        await application.stop()


def check_due_at(db: Database, patient_id: int, at: dt.datetime) -> None:
    """Another writer (an instance, the command line) adds a check falling due at ``at``."""
    with db.engine.begin() as conn:
        conn.execute(
            sa.insert(ScheduledCheck).values(
                patient_id=patient_id,
                due_at=at,
                next_action_at=at,
                kind=CheckKind.ROUTINE,
                status=CheckStatus.DUE,
                reminder_level=0,
                late=False,
                created_at=now(),
            )
        )


async def test_a_check_written_elsewhere_is_prompted_within_seconds_of_its_time(
    tg: FakeTelegram, db: Database, running: app_module.Neurocheck
) -> None:
    ward = factories.ward(db)
    nurse = factories.staff(db, NURSE, "Nurse Ida", Role.NURSE, [ward])
    factories.duty(db, ward, nurse, Duty.NURSE, now() - dt.timedelta(hours=1))
    patient = factories.patient(db, ward, "Bed 2")
    await asyncio.sleep(1.5)  # the wake-up has looked and found nothing due
    due_at = now() + dt.timedelta(seconds=2)
    check_due_at(db, patient, due_at)
    message = await tg.user(NURSE).next_message(timeout=10)
    late = time.time() - due_at.timestamp()
    assert "Neuro check due for Bed 2" in (message.text or "")
    assert -0.5 < late < 3.0


async def test_a_nudge_from_another_thread_wakes_the_scheduler_at_once(
    tg: FakeTelegram,
    db: Database,
    running: app_module.Neurocheck,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As after a plan change (a baseline check due now): with the poll stretched to 20 s,
    only the nudge can bring the prompt within seconds."""
    monkeypatch.setattr(scheduler_module, "WAKE_POLL_SECONDS", 20.0)
    ward = factories.ward(db)
    nurse = factories.staff(db, NURSE, "Nurse Ida", Role.NURSE, [ward])
    factories.duty(db, ward, nurse, Duty.NURSE, now() - dt.timedelta(hours=1))
    patient = factories.patient(db, ward, "Bed 5")
    await asyncio.sleep(1.5)  # the first wake-up has run and sleeps 20 s
    check_due_at(db, patient, now())
    await asyncio.to_thread(running.scheduler.nudge)
    message = await tg.user(NURSE).next_message(timeout=5)
    assert "Neuro check due for Bed 5" in (message.text or "")


def test_the_earliest_due_instant_skips_leased_messages_until_their_lease_ends(
    db: Database,
) -> None:
    at = dt.datetime(2026, 11, 24, 8, tzinfo=dt.UTC)
    with db.session() as session:
        assert due.earliest(session) is None
    ward = factories.ward(db)
    check_due_at(db, factories.patient(db, ward, "Bed 3"), at + dt.timedelta(hours=2))
    with db.session() as session:
        session.add(
            OutboundMessage(
                chat_id=1,
                purpose="text",
                payload={},
                dedupe_key="leased",
                status=OutboxStatus.PENDING,
                next_attempt_at=at,
                claimed_until=at + dt.timedelta(minutes=2),
                created_at=at,
            )
        )
    with db.session() as session:
        assert due.earliest(session) == at + dt.timedelta(minutes=2)
