"""``neurocheck staff list|deactivate|reactivate|role``: in-process through the entry point
(argparse, settings, the schema check, the service), and once through the console script."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import main as cli
from storage.db import Database
from storage.models import AuditLog, Duty, DutyAssignment, Role, Staff
from tests.support import factories
from tests.support.cli import run_cli


@pytest.fixture
def team(db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, int]:
    for key in ("NEUROCHECK_BOT_TOKEN", "NEUROCHECK_LOG_LEVEL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("NEUROCHECK_DATABASE_URL", db.url)
    monkeypatch.setenv("NEUROCHECK_TIMEZONE", "Europe/Berlin")
    monkeypatch.chdir(tmp_path)  # no stray .env
    h7, h8 = factories.ward(db), factories.ward(db, "H8", "Haematology 8")
    nurse = factories.staff(db, 501, "Ada Lovelace", Role.NURSE, [h7, h8])
    factories.staff(db, 701, "Dr Pim", Role.PHYSICIAN, [h7])
    return {"H7": h7, "H8": h8, "nurse": nurse}


def neurocheck(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        cli.main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_list_shows_names_roles_wards_ids_enrolled_and_last_seen(
    capsys: pytest.CaptureFixture[str], team: dict[str, int]
) -> None:
    status, out, err = neurocheck(capsys, "staff", "list")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == "name\trole\twards\ttelegram id\tenrolled\tlast seen\tstatus"
    ada = lines[1].split("\t")
    assert ada[:4] == ["Ada Lovelace", "nurse", "H7,H8", "501"]
    assert ada[5:] == ["never", "active"]
    dt.datetime.strptime(ada[4], "%Y-%m-%d %H:%M")  # noqa: DTZ007 (local time, as printed)
    status, out, _ = neurocheck(capsys, "staff", "list", "--ward", "h8")
    assert [line.split("\t")[0] for line in out.splitlines()[1:]] == ["Ada Lovelace"]


def test_deactivate_from_one_ward_then_altogether_then_reactivate(
    capsys: pytest.CaptureFixture[str], team: dict[str, int], db: Database
) -> None:
    now = dt.datetime.now(dt.UTC)
    factories.duty(db, team["H8"], team["nurse"], Duty.NURSE, now - dt.timedelta(hours=1))
    factories.duty(db, team["H7"], team["nurse"], Duty.NURSE, now + dt.timedelta(hours=2))
    status, out, err = neurocheck(
        capsys, "staff", "deactivate", "--telegram-id", "501", "--ward", "H8", "--reason", "moved"
    )
    assert (status, err) == (0, "")
    assert out == "Ada Lovelace is off H8 (still on H7): 1 running duty ended.\n"
    status, out, _ = neurocheck(
        capsys, "staff", "deactivate", "--telegram-id", "501", "--reason", "left"
    )
    assert out == "Ada Lovelace is deactivated: 1 planned duty cancelled.\n"
    with db.session() as session:
        assert len(session.exec(select(DutyAssignment)).all()) == 1
        ada = session.exec(select(Staff).where(Staff.telegram_user_id == 501)).one()
        assert not ada.active
        actions = session.exec(select(AuditLog.action)).all()
    assert {"staff.ward_removed", "staff.deactivated"} <= set(actions)
    status, out, _ = neurocheck(capsys, "staff", "reactivate", "--telegram-id", "501")
    assert (status, out) == (0, "Ada Lovelace is active again as nurse on H7.\n")
    status, out, _ = neurocheck(
        capsys, "staff", "role", "--telegram-id", "701", "--role", "charge-nurse"
    )
    assert (
        out
        == "Dr Pim is now charge nurse (was physician): no duties, pages or checks to hand over.\n"
    )


def test_contact_sets_changes_and_clears_the_second_channel(
    capsys: pytest.CaptureFixture[str], team: dict[str, int], db: Database
) -> None:
    status, out, err = neurocheck(
        capsys, "staff", "contact", "--telegram-id", "701", "--email", "4711@pager.h7.example"
    )
    assert (status, err) == (0, "")
    assert out == "Dr Pim: unacknowledged alerts also go by e-mail to 4711@pager.h7.example.\n"
    status, out, _ = neurocheck(
        capsys, "staff", "contact", "--telegram-id", "701", "--pager", "+49 30-4711"
    )
    assert out == "Dr Pim: unacknowledged alerts also go on pager +49304711.\n"
    with db.session() as session:
        pim = session.exec(select(Staff).where(Staff.telegram_user_id == 701)).one()
        assert (pim.contact_channel, pim.contact_address) == ("pager", "+49304711")
    status, out, _ = neurocheck(capsys, "staff", "contact", "--telegram-id", "701", "--clear")
    assert out == "Dr Pim has no second channel: alerts reach them in Telegram only.\n"
    with db.session() as session:
        pim = session.exec(select(Staff).where(Staff.telegram_user_id == 701)).one()
        assert (pim.contact_channel, pim.contact_address) == (None, None)
        changes = session.exec(
            select(AuditLog).where(AuditLog.action == "staff.contact_changed")
        ).all()
    assert [c.detail["channel"] for c in changes] == ["email", "pager", None]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("deactivate", "--telegram-id", "999", "--reason", "x"),
            "neurocheck: nobody with Telegram id 999 is enrolled; 'neurocheck staff list' "
            "shows who is",
        ),
        (
            ("deactivate", "--telegram-id", "50x", "--reason", "x"),
            "neurocheck: --telegram-id must be a positive whole number, not '50x'",
        ),
        (
            ("deactivate", "--telegram-id", "501", "--ward", "Q1", "--reason", "x"),
            "neurocheck: there is no ward 'Q1'; 'neurocheck ward list' shows them",
        ),
        (
            ("deactivate", "--telegram-id", "701", "--ward", "H8", "--reason", "x"),
            "neurocheck: Dr Pim is not on ward H8",
        ),
        (
            ("deactivate", "--telegram-id", "501", "--reason", " "),
            "neurocheck: give a reason (--reason), it goes into the audit trail",
        ),
        (
            ("deactivate", "--telegram-id", "501"),
            "neurocheck staff deactivate: the following arguments are required: --reason",
        ),
        (
            ("role", "--telegram-id", "501", "--role", "surgeon"),
            "neurocheck: --role must be one of nurse, charge_nurse, physician, admin, "
            "not 'surgeon'",
        ),
        (
            ("contact", "--telegram-id", "501", "--email", "ada at h7"),
            "neurocheck: 'ada at h7' is not an e-mail address (name@host.domain)",
        ),
        (
            ("contact", "--telegram-id", "501", "--pager", "47x1"),
            "neurocheck: '47x1' is not a pager number (digits, optionally a leading +)",
        ),
        (
            ("contact", "--telegram-id", "999", "--pager", "4711"),
            "neurocheck: nobody with Telegram id 999 is enrolled; 'neurocheck staff list' "
            "shows who is",
        ),
        (
            ("contact", "--telegram-id", "501", "--pager", "4711", "--email", "a@b.org"),
            "neurocheck staff contact: argument --email: not allowed with argument --pager",
        ),
        (
            ("reactivate", "--telegram-id", "501"),
            "neurocheck: Ada Lovelace is already active there",
        ),
        (
            ("list", "--ward", "Q1"),
            "neurocheck: there is no ward 'Q1'; 'neurocheck ward list' shows them",
        ),
        (
            ("fire", "--telegram-id", "501"),
            "neurocheck staff: argument STAFF_COMMAND: invalid choice: 'fire' (choose from "
            "'list', 'deactivate', 'reactivate', 'role', 'contact')",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2_and_changes_nothing(
    capsys: pytest.CaptureFixture[str],
    team: dict[str, int],
    db: Database,
    args: tuple[str, ...],
    message: str,
) -> None:
    status, out, err = neurocheck(capsys, "staff", *args)
    assert (status, out, err) == (2, "", message + "\n")
    with db.session() as session:
        assert all(s.active for s in session.exec(select(Staff)).all())
        assert session.exec(select(AuditLog)).all() == []


def test_the_console_script_gives_one_line_too(tmp_path: Path, db: Database) -> None:
    factories.ward(db)
    env = {"NEUROCHECK_DATABASE_URL": db.url}
    result = run_cli(
        "staff", "role", "--telegram-id", "7", "--role", "nurse", cwd=tmp_path, env=env
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "neurocheck: nobody with Telegram id 7 is enrolled; 'neurocheck staff list' shows who is"
    ]
