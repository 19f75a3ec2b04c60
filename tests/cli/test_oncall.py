"""``neurocheck duty add --as/--override`` and ``neurocheck oncall import`` through the installed
console script (the system clock), and as functions with a fixed clock."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.cli import oncall as cli_oncall
from bot.config import Settings
from storage.db import Database
from storage.models import AuditLog, Duty, DutyAssignment, Role
from tests.support import factories
from tests.support.cli import run_cli
from tests.support.clock import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
DOC_A, DOC_B, NURSE = 701, 702, 501
HEADER = "ward,duty,telegram_id,start,end,override\n"


@pytest.fixture
def env(db: Database) -> dict[str, str]:
    return {"NEUROCHECK_DATABASE_URL": db.url, "NEUROCHECK_TIMEZONE": "Europe/Berlin"}


@pytest.fixture
def ward(db: Database) -> int:
    ward_id = factories.ward(db, "H7", "Haematology 7")
    factories.staff(db, DOC_A, "Dr Ann", Role.PHYSICIAN, [ward_id])
    factories.staff(db, DOC_B, "Dr Ben", Role.PHYSICIAN, [ward_id])
    factories.staff(db, NURSE, "Nurse Nia", Role.NURSE, [ward_id])
    return ward_id


def local(at: dt.datetime) -> str:
    """A time as typed, with its offset so that the test never lands in a clock change."""
    return at.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M %z")


def soon(hours: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(second=0, microsecond=0) + dt.timedelta(hours=hours)


def rows(db: Database) -> list[DutyAssignment]:
    with db.session() as session:
        return list(session.exec(select(DutyAssignment).order_by(col(DutyAssignment.id))).all())


def planned_audits(db: Database) -> list[AuditLog]:
    with db.session() as session:
        found = session.exec(select(AuditLog).order_by(col(AuditLog.id))).all()
        return [a for a in found if a.action == "duty.planned"]


@pytest.mark.usefixtures("ward")
def test_duty_add_as_backup_and_as_an_override(
    tmp_path: Path, env: dict[str, str], db: Database
) -> None:
    span = ["--from", local(soon(1)), "--to", local(soon(13))]
    primary = run_cli("duty", "add", "--ward", "H7", "--telegram-id", str(DOC_A), *span,
                      cwd=tmp_path, env=env)  # fmt: skip
    assert primary.returncode == 0, primary.stderr
    assert primary.stdout.startswith("Shift planned: Dr Ann (primary) on ward H7, ")
    backup = run_cli("duty", "add", "--ward", "H7", "--telegram-id", str(DOC_A), *span,
                     "--as", "backup", cwd=tmp_path, env=env)  # fmt: skip
    assert backup.stdout.startswith("Shift planned: Dr Ann (backup) on ward H7, "), backup.stderr
    takeover = run_cli("duty", "add", "--ward", "H7", "--telegram-id", str(DOC_B),
                       "--from", local(soon(2)), "--to", local(soon(4)), "--as", "primary",
                       "--override", cwd=tmp_path, env=env)  # fmt: skip
    assert takeover.returncode == 0, takeover.stderr
    assert takeover.stdout.startswith("Shift planned: Dr Ben (primary, override) on ward H7, ")
    assert [(r.duty, r.is_override) for r in rows(db)] == [
        (Duty.PRIMARY, False),
        (Duty.BACKUP, False),
        (Duty.PRIMARY, True),
    ]
    assert [
        (a.detail["duty"], a.detail["override"], a.detail["via"]) for a in planned_audits(db)
    ] == [
        ("primary", False, "cli"),
        ("backup", False, "cli"),
        ("primary", True, "cli"),
    ]
    listed = run_cli("duty", "list", "--ward", "H7", cwd=tmp_path, env=env)
    assert "\tprimary (override)\tDr Ben (telegram id 702)\tplanned" in listed.stdout


@pytest.mark.usefixtures("ward")
def test_duty_add_refuses_physician_duties_for_nurses_in_one_line(
    tmp_path: Path, env: dict[str, str], db: Database
) -> None:
    span = ["--from", local(soon(1)), "--to", local(soon(2))]
    for extra, words in (
        (["--as", "primary"], "Nurse Nia is nurse: only physicians are on call (primary)."),
        (["--override"], "An override is for physicians on call"),
    ):
        refused = run_cli("duty", "add", "--ward", "H7", "--telegram-id", str(NURSE), *span,
                          *extra, cwd=tmp_path, env=env)  # fmt: skip
        assert refused.returncode == 1 and words in refused.stderr, refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1
    wrong = run_cli("duty", "add", "--ward", "H7", "--telegram-id", str(DOC_A), *span,
                    "--as", "nurse", cwd=tmp_path, env=env)  # fmt: skip
    assert wrong.returncode == 2 and "invalid choice: 'nurse'" in wrong.stderr
    assert rows(db) == []


@pytest.mark.usefixtures("ward")
def test_oncall_import_all_rows_then_nothing_new(
    tmp_path: Path, env: dict[str, str], db: Database
) -> None:
    rota = tmp_path / "rota.csv"
    rota.write_text(
        HEADER
        + f"H7,primary,{DOC_A},{local(soon(1))},{local(soon(13))},\n"
        + f"H7,primary,{DOC_B},{local(soon(13))},{local(soon(25))},no\n"
        + f"H7,attending,{DOC_B},{local(soon(1))},{local(soon(49))},\n"
    )
    dry = run_cli("oncall", "import", str(rota), "--dry-run", cwd=tmp_path, env=env)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout == "dry run: 3 would be added, 0 already there\n"
    assert rows(db) == []
    first = run_cli("oncall", "import", str(rota), cwd=tmp_path, env=env)
    assert (first.returncode, first.stdout) == (0, "3 added, 0 already there\n"), first.stderr
    again = run_cli("oncall", "import", str(rota), cwd=tmp_path, env=env)
    assert again.stdout == "0 added, 3 already there\n"
    assert len(rows(db)) == 3
    assert {a.detail["via"] for a in planned_audits(db)} == {"csv"}


@pytest.mark.usefixtures("ward")
def test_oncall_import_with_bad_lines_writes_nothing_and_exits_2(
    tmp_path: Path, env: dict[str, str], db: Database
) -> None:
    rota = tmp_path / "rota.csv"
    rota.write_text(
        HEADER
        + f"H7,primary,{DOC_A},{local(soon(1))},{local(soon(13))},\n"
        + f"H7,chief,{DOC_A},{local(soon(1))},{local(soon(13))},\n"
        + f"H7,primary,{NURSE},{local(soon(1))},{local(soon(13))},\n"
    )
    result = run_cli("oncall", "import", str(rota), cwd=tmp_path, env=env)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "line 3: 'chief' is not an on-call duty: primary, backup, attending.",
        f"neurocheck: {rota}: nothing imported",
    ]  # the file's own problems first: the database is asked only about a clean file
    rota.write_text(HEADER + f"H7,primary,{NURSE},{local(soon(1))},{local(soon(13))},\n")
    result = run_cli("oncall", "import", str(rota), cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "line 2: Nurse Nia is nurse: only physicians are on call (primary)."
    )
    missing = run_cli("oncall", "import", str(tmp_path / "nope.csv"), cwd=tmp_path, env=env)
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert rows(db) == [] and planned_audits(db) == []


def test_oncall_import_as_a_function_with_a_fixed_clock(
    tmp_path: Path, db: Database, ward: int
) -> None:
    settings = Settings(database_url=db.url, timezone="Europe/Berlin")
    clock = FakeClock(dt.datetime(2026, 3, 28, 12, 0, tzinfo=dt.UTC))
    rota = tmp_path / "rota.csv"
    rota.write_text(  # across the spring clock change (02:00 -> 03:00 on 29 March)
        "\ufeff" + HEADER + f"h7,primary,{DOC_A},28.03.2026 20:00,29.03.2026 08:00,yes\n"
    )
    out, err = io.StringIO(), io.StringIO()
    status = cli_oncall.oncall_import(settings, db, path=rota, clock=clock, out=out, err=err)
    assert (status, out.getvalue(), err.getvalue()) == (0, "1 added, 0 already there\n", "")
    (row,) = rows(db)
    assert row.ward_id == ward and row.is_override
    assert row.ends_at - row.starts_at == dt.timedelta(hours=11)  # one hour skipped
