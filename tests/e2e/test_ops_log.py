"""The operator's log: one INFO line per check submitted, alert opened, page sent and
acknowledgement (ids and ward, never a label); a handler error is logged once, with its
traceback, and the person is told."""

from __future__ import annotations

import logging

import pytest

from bot.cli import run as cli_run
from bot.config import Settings
from bot.sandbox.fake_telegram import FakeTelegram
from bot.services.checks import CheckService
from bot.services.history import HistoryService
from bot.telegram import texts
from storage.db import Database
from tests.e2e.test_escalation import NURSE, PRIMARY, grade_1_paged, settled, ward  # noqa: F401
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck", "ward")


def ops_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "neurocheck.ops"]


async def test_one_line_per_step_of_the_loop_and_no_label(
    tg: FakeTelegram, clock: FakeClock, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    alert = await grade_1_paged(nurse, primary, clock)
    await primary.press(alert, "Acknowledge")
    await primary.wait_edit(alert)
    await settled(db)
    lines = ops_lines(caplog)
    # One transaction writes the second check and opens the alert: those two in either order.
    assert lines[0].startswith("check submitted assessment=1 patient=1 ward=1 grade=0 ")
    assert {line.split(" assessment=")[0].split(" escalation=")[0] for line in lines[1:3]} == {
        "check submitted",
        "alert opened",
    }
    assert "alert opened escalation=1 ward=1 urgency=high source=check" in lines[1:3]
    assert (
        "check submitted assessment=2 patient=1 ward=1 grade=1 complete=True urgency=high"
        in lines[1:3]
    )
    assert lines[3].startswith("page sent escalation=1 delivery=1 staff=")
    assert lines[4].startswith("alert acknowledged escalation=1 staff=")
    assert len(lines) == 5
    assert not [r for r in caplog.records if "Bed 4" in r.getMessage()]


async def test_a_handler_error_is_told_and_logged_once(
    tg: FakeTelegram, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the history query broke")

    monkeypatch.setattr(HistoryService, "history", broken)
    nurse = tg.user(NURSE)
    await nurse.send("/history Bed 4")
    assert (await nurse.next_message()).text == texts.HANDLER_ERROR
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None
    assert "the history query broke" in str(errors[0].exc_info[1])


async def test_a_button_error_is_told_in_a_pop_up(
    tg: FakeTelegram, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the history query broke")

    monkeypatch.setattr(HistoryService, "history", broken)
    nurse = tg.user(NURSE)
    await nurse.send("/history")
    picker = await nurse.next_message()
    await nurse.press(picker, picker.button_texts()[0][0])
    # The picker answered the press before the history broke: the chat is told instead.
    assert (await nurse.next_message()).text == texts.HANDLER_ERROR
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1


async def test_an_unanswered_press_that_fails_gets_a_pop_up(
    tg: FakeTelegram, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the check service broke")

    monkeypatch.setattr(CheckService, "press", broken)
    nurse = tg.user(NURSE)
    await nurse.send("/check Bed 4")
    question = await nurse.next_message()
    press = await nurse.press(question, "Alert")
    answer = await nurse.wait_answer(press)
    assert answer.text == texts.HANDLER_ERROR and answer.show_alert
    await nurse.assert_no_message()
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1


def test_the_scheduler_logs_only_its_problems(db: Database) -> None:
    scheduler = logging.getLogger("apscheduler")
    before = scheduler.level
    try:
        cli_run.configure_logging(Settings(database_url=db.url, log_level="INFO"))
        assert scheduler.getEffectiveLevel() == logging.WARNING
        assert not scheduler.isEnabledFor(logging.INFO)
    finally:
        scheduler.setLevel(before)
