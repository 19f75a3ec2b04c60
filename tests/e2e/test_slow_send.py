"""A message Telegram accepts but answers late must not go out twice.

The fake server carries the sendMessage out at once and answers 5.5 s later, beyond
python-telegram-bot's default 5 s read timeout: with that timeout the sender gave up, queued
the prompt again and the nurse got it twice (5 of 5 in the fault-injection run).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram
from bot.services import outbox
from bot.telegram import prompts
from storage.db import Database
from storage.models import OutboundMessage
from tests.e2e.test_schedule import NURSE, patient  # noqa: F401  (the fixture)
from tests.support.clock import FakeClock


@pytest.mark.usefixtures("patient")
async def test_a_prompt_answered_late_reaches_the_nurse_once(
    tg: FakeTelegram, neurocheck: Neurocheck, db: Database, clock: FakeClock
) -> None:
    nurse = tg.user(NURSE)
    await neurocheck.rescheduler_sweep()
    tg.answer_late("sendMessage", 5.5)
    await neurocheck.tick()
    prompt = await nurse.next_message()
    assert "Baseline check due for Bed 4" in (prompt.text or "")
    with db.session() as session:
        [row] = session.exec(select(OutboundMessage)).all()
    assert (row.status, row.attempts, row.message_id) == ("sent", 1, prompt.message_id)
    clock.advance(minutes=2)
    await neurocheck.tick()
    await nurse.assert_no_message(within=0.5)


def test_a_send_gives_up_before_another_sender_may_take_its_row_over() -> None:
    waits = prompts.SEND_CONNECT_TIMEOUT + prompts.SEND_WRITE_TIMEOUT + prompts.SEND_READ_TIMEOUT
    assert dt.timedelta(seconds=waits) < outbox.LEASE
    assert prompts.SEND_READ_TIMEOUT > 5.0  # longer than the default that sent twice
