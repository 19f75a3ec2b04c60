"""``neurocheck plan|duty`` through the installed console script (the system clock), and as
functions with a fixed clock where a test needs a particular day (the clock changes)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.cli import admin as cli_admin
from bot.cli import plans as cli_plans
from bot.config import Settings
from bot.services.schedule import Rescheduler, ScheduleRules
from storage.db import Database
from storage.models import (
    AuditLog,
    Duty,
    DutyAssignment,
    InfusionEvent,
    InfusionEventKind,
    InfusionPlan,
    PlanStatus,
    Role,
    ScheduledCheck,
)
from tests.support import factories
from tests.support.cli import run_cli
from tests.support.clock import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
NURSE, ADMIN = 501, 100


@pytest.fixture
def env(db: Database) -> dict[str, str]:
    return {"NEUROCHECK_DATABASE_URL": db.url, "NEUROCHECK_TIMEZONE": "Europe/Berlin"}


@pytest.fixture
def ward(db: Database) -> int:
    ward_id = factories.ward(db, "H7", "Haematology 7")
    factories.patient(db, ward_id, "Bed 4")
    return ward_id


def local(at: dt.datetime) -> str:
    """A time as typed, with its offset so that the test never lands in a clock change."""
    return at.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M %z")


def ago(**delta: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(**delta)


def plan_rows(db: Database) -> list[InfusionPlan]:
    with db.session() as session:
        return list(session.exec(select(InfusionPlan).order_by(col(InfusionPlan.id))).all())


@pytest.mark.usefixtures("ward")
def test_plan_add_event_and_show(tmp_path: Path, env: dict[str, str], db: Database) -> None:
    start = ago(hours=3)
    added = run_cli(
        "plan", "add", "--ward", "h7", "--label", "bed 4", "--protocol", "rr", "--cycle", "1",
        "--start", local(start), cwd=tmp_path, env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("Plan created.\n\nBed 4, ward H7: infusion plan\n")
    assert "Status: running" in added.stdout and "start · server" in added.stdout
    (plan,) = plan_rows(db)
    assert plan.status is PlanStatus.RUNNING and plan.created_by_id is None
    with db.session() as session:  # the command line schedules the checks as the bot would
        assert session.exec(select(ScheduledCheck)).first() is not None

    step = run_cli(
        "plan", "event", "--ward", "H7", "--label", "Bed 4", "--kind", "step_up",
        "--at", local(ago(hours=2)), cwd=tmp_path, env=env,
    )  # fmt: skip
    assert step.returncode == 0, step.stderr
    assert "dose step-up. The infusion is now running." in step.stdout
    hold = run_cli(
        "plan", "event", "--ward", "H7", "--label", "Bed 4", "--kind", "hold",
        "--reason", "CRS", cwd=tmp_path, env=env,
    )  # fmt: skip
    assert hold.returncode == 0, hold.stderr
    assert "hold (CRS). The infusion is now held." in hold.stdout

    shown = run_cli("plan", "show", "--ward", "H7", "--label", "Bed 4", cwd=tmp_path, env=env)
    assert shown.returncode == 0, shown.stderr
    assert "Status: held since" in shown.stdout
    assert shown.stdout.count(" · server") == 3
    with db.session() as session:
        kinds = session.exec(select(InfusionEvent.kind).order_by(col(InfusionEvent.at))).all()
        actions = session.exec(select(AuditLog).order_by(col(AuditLog.id))).all()
    assert list(kinds) == [
        InfusionEventKind.START,
        InfusionEventKind.STEP_UP,
        InfusionEventKind.HOLD,
    ]
    assert [a.detail.get("via") for a in actions if a.action.startswith("plan.")] == ["cli"] * 3


@pytest.mark.usefixtures("ward")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["plan", "show", "--ward", "H9", "--label", "Bed 4"], "There is no ward 'H9'."),
        (["plan", "show", "--ward", "H7", "--label", "Bed 9"], "No such patient on your wards."),
        (
            ["plan", "event", "--ward", "H7", "--label", "Bed 4", "--kind", "hold"],
            "has no current infusion plan",
        ),
        (
            ["plan", "add", "--ward", "H7", "--label", "Bed 4", "--protocol", "xx",
             "--cycle", "1", "--start", "now"],
            "'xx' is not a protocol: use mrd or rr.",
        ),
        (
            ["plan", "add", "--ward", "H7", "--label", "Bed 4", "--protocol", "rr",
             "--cycle", "1", "--start", "2026-03-29 02:30"],
            "2026-03-29 02:30 does not exist in Europe/Berlin",
        ),
        (
            ["plan", "add", "--ward", "H7", "--label", "Bed 4", "--protocol", "rr",
             "--cycle", "1", "--start", "25.10.2026 02:30"],
            "'2026-10-25 02:30 +01:00' (the second, after the change)",
        ),
    ],
)  # fmt: skip
def test_plan_refusals_exit_1_with_one_line(
    tmp_path: Path, env: dict[str, str], db: Database, argv: list[str], message: str
) -> None:
    result = run_cli(*argv, cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stdout
    assert result.stdout == "" and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("neurocheck: ") and message in line
    assert plan_rows(db) == []


@pytest.mark.usefixtures("ward")
def test_plan_show_without_a_plan(tmp_path: Path, env: dict[str, str]) -> None:
    shown = run_cli("plan", "show", "--ward", "H7", "--label", "Bed 4", cwd=tmp_path, env=env)
    assert shown.returncode == 0 and "has no infusion plan yet" in shown.stdout


def test_the_same_autumn_time_with_its_offset_is_accepted(ward: int, db: Database) -> None:
    settings = Settings(database_url=db.url, timezone="Europe/Berlin")
    clock = FakeClock(dt.datetime(2026, 10, 20, 8, 0, tzinfo=dt.UTC))
    out, err = io.StringIO(), io.StringIO()

    def add(start: str) -> int:
        return cli_plans.plan_add(
            settings, db, ward_code="H7", label="Bed 4", protocol="rr", cycle=1, start=start,
            clock=clock, out=out, err=err,
        )  # fmt: skip

    assert add("2026-10-25 02:30") == 1 and "happens twice" in err.getvalue()
    assert add("2026-10-25 02:30 +01:00") == 0, err.getvalue()
    assert "Start: 25 Oct 2026 02:30" in out.getvalue() and "Status: planned" in out.getvalue()
    (plan,) = plan_rows(db)
    assert plan.starts_at == dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)


def test_a_restart_after_a_long_hold_names_the_command_for_a_new_cycle(
    ward: int, db: Database
) -> None:
    settings = Settings(database_url=db.url, timezone="Europe/Berlin")
    clock = FakeClock(dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC))
    out, err = io.StringIO(), io.StringIO()

    def event(kind: str, reason: str | None = None) -> int:
        return cli_plans.plan_event(
            settings, db, ward_code="H7", label="Bed 4", kind=kind, reason=reason,
            clock=clock, out=out, err=err,
        )  # fmt: skip

    assert cli_plans.plan_add(
        settings, db, ward_code="H7", label="Bed 4", protocol="rr", cycle=1, start="now",
        clock=clock, out=out, err=err,
    ) == 0  # fmt: skip
    assert event("hold", "infection") == 0
    clock.advance(days=9)
    assert event("restart") == 1
    assert "neurocheck plan add --ward H7 --label 'Bed 4' --protocol rr --cycle 2" in (
        err.getvalue()
    )
    assert "/plan" not in err.getvalue()


def test_duty_add_and_list(tmp_path: Path, env: dict[str, str], db: Database) -> None:
    ward_id = factories.ward(db, "H7", "Haematology 7")
    factories.staff(db, NURSE, "Nurse Ada", Role.NURSE, [ward_id])
    factories.staff(db, ADMIN, "Admin Al", Role.ADMIN, [ward_id])
    tomorrow = (dt.datetime.now(BERLIN) + dt.timedelta(days=1)).strftime("%Y-%m-%d")
    added = run_cli(
        "duty", "add", "--ward", "h7", "--telegram-id", str(NURSE),
        "--from", f"{tomorrow} 09:00", "--to", f"{tomorrow} 21:00", cwd=tmp_path, env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("Shift planned: Nurse Ada (nurse) on ward H7, ")
    assert "09:00 to" in added.stdout and "21:00 (Europe/Berlin)." in added.stdout
    now = run_cli(
        "duty", "add", "--ward", "H7", "--telegram-id", str(NURSE),
        "--from", local(ago(hours=1)), "--to", local(ago(hours=-2)), cwd=tmp_path, env=env,
    )  # fmt: skip
    assert now.returncode == 0, now.stderr

    listed = run_cli("duty", "list", "--ward", "H7", cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("\tnurse\tNurse Ada (telegram id 501)\ton duty now")
    assert lines[1].endswith("\tnurse\tNurse Ada (telegram id 501)\tplanned")
    with db.session() as session:
        rows = session.exec(select(DutyAssignment)).all()
    assert {r.duty for r in rows} == {Duty.NURSE} and len(rows) == 2

    for argv, message in (
        (["--telegram-id", str(ADMIN)], "Admin Al is admin"),
        (["--telegram-id", "999"], "Nobody enrolled has Telegram id 999"),
        (["--telegram-id", str(NURSE), "--ward", "H9"], "There is no ward 'H9'."),
    ):
        arguments = {"--ward": "H7", "--from": f"{tomorrow} 09:00", "--to": f"{tomorrow} 10:00"}
        arguments |= dict(zip(argv[::2], argv[1::2], strict=True))
        flat = [part for pair in arguments.items() for part in pair]
        refused = run_cli("duty", "add", *flat, cwd=tmp_path, env=env)
        assert refused.returncode == 1 and message in refused.stderr, refused.stderr

    empty = run_cli("duty", "list", "--ward", "H8", cwd=tmp_path, env=env)
    assert empty.returncode == 1 and "There is no ward 'H8'." in empty.stderr


def test_day_4_of_consolidation_shows_the_ward_watch(ward: int, db: Database) -> None:
    """The case report's day 4: the plan and the board say which cadence is running."""
    settings = Settings(database_url=db.url, timezone="Europe/Berlin")
    start = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
    clock = FakeClock(start - dt.timedelta(hours=3))
    factories.patient(db, ward, "Bed 5", dt.date(1997, 6, 1))  # 29: not high risk
    out, err = io.StringIO(), io.StringIO()
    added = cli_plans.plan_add(
        settings, db, ward_code="H7", label="Bed 5", protocol="mrd", cycle=1,
        start="2026-11-24 09:00", clock=clock, out=out, err=err,
    )  # fmt: skip
    assert added == 0, err.getvalue()
    nurse = factories.staff(db, NURSE, "Nurse Ada", Role.NURSE, [ward])
    (plan,) = plan_rows(db)
    assert plan.patient_id is not None
    factories.normal_check(db, plan.patient_id, nurse, start - dt.timedelta(hours=2), baseline=True)
    factories.normal_check(db, plan.patient_id, nurse, start + dt.timedelta(hours=66))
    clock.now = start + dt.timedelta(hours=70)  # 27 Nov, 07:00 in Berlin: day 4
    started = cli_plans.plan_event(
        settings, db, ward_code="H7", label="Bed 5", kind="start", at="2026-11-24 09:00",
        clock=clock, out=out, err=err,
    )  # fmt: skip
    assert started == 0, err.getvalue()
    Rescheduler(db, clock, ScheduleRules.shipped(BERLIN)).patient_changed(plan.patient_id)
    out = io.StringIO()
    shown = cli_plans.plan_show(settings, db, ward_code="H7", label="Bed 5", clock=clock, out=out)
    assert shown == 0
    assert "Next check: 27 Nov 2026 15:00 (ward watch, every 12 h)" in out.getvalue()
    out = io.StringIO()
    assert cli_admin.patient_list(settings, db, ward_code="H7", clock=clock, out=out) == 0
    board = out.getvalue()
    assert "cycle 1 (mrd), day 4 of 28: 28 mcg/day" in board
    assert "next check 27 Nov 15:00 (ward watch, every 12 h)" in board
