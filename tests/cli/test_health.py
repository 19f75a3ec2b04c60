"""``neurocheck health``, the watcher: overdue work in the database, read from outside the bot.

The scenario tests make the work with the real services (an alert opened as a submit opens
it, the escalation pass, the outbox) and move a fake clock instead of sleeping; the console
script is run as an operator or a container health check runs it.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import health as cli_health
from bot.clinical import Urgency
from bot.config import Settings
from bot.services.escalations import EscalationRunner
from bot.services.outbox import Outbox
from storage.db import Database
from storage.models import CheckStatus, Escalation, ScheduledCheck
from tests.services.test_escalations import T0, make_team, open_alert
from tests.support.cli import run_cli
from tests.support.clock import FakeClock


def health(db: Database, clock: FakeClock, grace_minutes: int = 5) -> tuple[int, list[str]]:
    out = io.StringIO()
    settings = Settings(database_url=db.url, timezone="Europe/Berlin")
    status = cli_health.health(settings, db, grace_minutes=grace_minutes, clock=clock, out=out)
    return status, out.getvalue().splitlines()


def scheduled_check(
    db: Database, patient_id: int, status: CheckStatus, next_action_at: dt.datetime | None
) -> None:
    with db.session() as session:
        session.add(
            ScheduledCheck(
                patient_id=patient_id, due_at=T0, next_action_at=next_action_at, status=status
            )
        )


def test_nothing_to_do_is_healthy(db: Database) -> None:
    assert health(db, FakeClock(T0)) == (0, ["ok: nothing overdue by more than 5 min"])


def test_an_escalation_nobody_runs_is_reported_until_a_pass_runs_it(db: Database) -> None:
    team = make_team(db)
    clock = FakeClock(T0)
    open_alert(db, team.patient, Urgency.CRITICAL)  # the primary is due a page at T0

    clock.now = T0 + dt.timedelta(minutes=5)
    assert health(db, clock)[0] == 0  # late, but within the grace

    clock.now = T0 + dt.timedelta(minutes=6)
    status, lines = health(db, clock)
    assert status == cli_health.OVERDUE
    assert lines == ["overdue: escalation steps: 1, the oldest due 2026-11-24 09:00 (6 min ago)"]

    report = EscalationRunner(db, clock).run_due()  # a bot instance comes back
    assert report.pages >= 1
    assert health(db, clock)[0] == 0


def test_pages_queued_but_never_sent_are_reported(db: Database) -> None:
    team = make_team(db)
    clock = FakeClock(T0)
    open_alert(db, team.patient, Urgency.CRITICAL)
    EscalationRunner(db, clock).run_due()  # the page is queued at T0 ...

    outbox = Outbox(db, clock)
    for minute in (1, 3, 6):  # ... and every attempt to send it fails (Telegram unreachable)
        clock.now = T0 + dt.timedelta(minutes=minute)
        EscalationRunner(db, clock).run_due()
        for item in outbox.claim():
            assert outbox.retry(item, "network error")
    clock.now = T0 + dt.timedelta(minutes=7)
    status, lines = health(db, clock)
    assert status == cli_health.OVERDUE
    assert "overdue: outgoing messages: 1, the oldest due 2026-11-24 09:00 (7 min ago)" in lines

    clock.now = T0 + dt.timedelta(minutes=8)
    for item in outbox.claim():
        assert outbox.sent(item, message_id=1)
    assert not any("outgoing messages" in line for line in health(db, clock)[1])


def test_a_check_prompt_nobody_sent_is_reported(db: Database) -> None:
    scheduled_check(db, make_team(db).patient, CheckStatus.DUE, next_action_at=T0)
    status, lines = health(db, FakeClock(T0 + dt.timedelta(minutes=30)), grace_minutes=10)
    assert status == cli_health.OVERDUE
    assert lines == [
        "overdue: check prompts and reminders: 1, the oldest due 2026-11-24 09:00 (30 min ago)"
    ]


def test_a_second_channel_nobody_sent_is_reported(db: Database) -> None:
    team = make_team(db)
    open_alert(db, team.patient, Urgency.CRITICAL)  # off Telegram at T0 + 5 min if unanswered
    with db.session() as session:  # the page is out, but no pass has run since
        for escalation in session.exec(select(Escalation)).all():
            escalation.next_step_at = T0 + dt.timedelta(hours=1)
    status, lines = health(db, FakeClock(T0 + dt.timedelta(minutes=11)))
    assert status == cli_health.OVERDUE
    assert lines == [
        "overdue: second-channel pages: 1, the oldest due 2026-11-24 09:05 (6 min ago)"
    ]


def test_a_done_check_is_not_overdue(db: Database) -> None:
    scheduled_check(db, make_team(db).patient, CheckStatus.DONE, next_action_at=None)
    assert health(db, FakeClock(T0 + dt.timedelta(hours=3)))[0] == 0


def test_console_script_on_a_current_database(tmp_path: Path, db: Database) -> None:
    result = run_cli("health", cwd=tmp_path, env={"NEUROCHECK_DATABASE_URL": db.url})
    assert (result.returncode, result.stdout) == (0, "ok: nothing overdue by more than 5 min\n")


def test_console_script_when_the_database_cannot_be_read(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'neurocheck.db'}"
    result = run_cli("health", cwd=tmp_path, env={"NEUROCHECK_DATABASE_URL": url})
    assert result.returncode == cli_health.UNREADABLE
    assert result.stderr.startswith("neurocheck: cannot read the database: ")
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("grace", ["0", "-3", "five", "٣"])
def test_a_bad_grace_is_a_usage_error(tmp_path: Path, grace: str) -> None:
    result = run_cli("health", "--grace", grace, cwd=tmp_path)
    assert result.returncode == 2
    assert "whole number of minutes" in result.stderr
