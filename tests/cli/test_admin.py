"""``neurocheck ward|invite|patient`` through the installed console script."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli.common import ROLES
from bot.clock import system_clock
from bot.sandbox.fake_telegram import FakeTelegram
from bot.services.wards import WardService
from storage.db import Database
from storage.models import Invite, Patient, Role
from tests.support.cli import run_cli

TOKEN = "123456:CLI-test-token"
CODE = re.compile(r"^Code: ([A-Za-z0-9_-]+)$", re.MULTILINE)


@pytest.fixture
def env(db: Database) -> dict[str, str]:
    return {"NEUROCHECK_DATABASE_URL": db.url, "NO_PROXY": "127.0.0.1,localhost"}


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as server:
        yield server


@pytest.fixture
def ward(db: Database) -> None:
    WardService(db, system_clock).add("H7", "Haematology 7")


def stored_invite(db: Database, code: str) -> Invite:
    with db.session() as session:
        return session.exec(
            select(Invite).where(Invite.code_hash == hashlib.sha256(code.encode()).hexdigest())
        ).one()


def test_roles_match_the_model() -> None:
    assert tuple(role.value for role in Role) == ROLES


def test_ward_add_and_list(tmp_path: Path, env: dict[str, str]) -> None:
    added = run_cli("ward", "add", "h7", "Haematology", "7", cwd=tmp_path, env=env)
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "ward H7 (Haematology 7) added"
    run_cli("ward", "add", "A2", "Adolescents", cwd=tmp_path, env=env)
    again = run_cli("ward", "add", "H7", "Other", cwd=tmp_path, env=env)
    assert again.returncode == 1 and again.stderr.strip() == "neurocheck: ward H7 already exists"
    listed = run_cli("ward", "list", cwd=tmp_path, env=env)
    assert listed.stdout.splitlines() == ["A2\tAdolescents", "H7\tHaematology 7"]


def test_admin_commands_refuse_an_outdated_schema(tmp_path: Path, scratch_url: str) -> None:
    result = run_cli(
        "ward",
        "add",
        "H7",
        "Haematology 7",
        cwd=tmp_path,
        env={"NEUROCHECK_DATABASE_URL": scratch_url},
    )
    assert result.returncode == 2
    assert "neurocheck db upgrade" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.usefixtures("ward")
async def test_invite_prints_a_deep_link_with_the_bots_name(
    tmp_path: Path, env: dict[str, str], tg: FakeTelegram, db: Database
) -> None:
    env |= {"NEUROCHECK_BOT_TOKEN": TOKEN, "NEUROCHECK_BOT_API_URL": tg.base_url}
    result = await asyncio.to_thread(
        run_cli, "invite", "--role", "admin", "--ward", "H7", "--hours", "24", cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    code = CODE.search(result.stdout)
    assert code, result.stdout
    assert f"Link: https://t.me/neurocheck_test_bot?start={code[1]}" in result.stdout
    assert "Invite as admin on ward H7 (Haematology 7)" in result.stdout
    assert len(code[1]) <= 64
    invite = stored_invite(db, code[1])
    assert invite.role == Role.ADMIN and invite.used_at is None
    assert invite.expires_at - invite.created_at == dt.timedelta(hours=24)
    assert [c.method for c in tg.calls] == ["getMe"]


@pytest.mark.usefixtures("ward")
def test_invite_without_a_token_prints_the_code_only(
    tmp_path: Path, env: dict[str, str], db: Database
) -> None:
    result = run_cli("invite", "--role", "nurse", "--ward", "H7", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    code = CODE.search(result.stdout)
    assert code, result.stdout
    assert f"send /start {code[1]} to the bot" in result.stdout
    assert "https://" not in result.stdout
    (line,) = result.stderr.strip().splitlines()
    assert "no link" in line and "NEUROCHECK_BOT_TOKEN is not set" in line
    assert stored_invite(db, code[1]).role == Role.NURSE


@pytest.mark.usefixtures("ward")
async def test_invite_with_a_rejected_token_never_prints_the_token(
    tmp_path: Path, env: dict[str, str], tg: FakeTelegram
) -> None:
    wrong = "999:wrong-token-of-someone"
    env |= {"NEUROCHECK_BOT_TOKEN": wrong, "NEUROCHECK_BOT_API_URL": tg.base_url}
    result = await asyncio.to_thread(
        run_cli, "invite", "--role", "nurse", "--ward", "H7", cwd=tmp_path, env=env
    )
    assert result.returncode == 0 and CODE.search(result.stdout)
    assert "rejected" in result.stderr
    assert wrong not in result.stdout + result.stderr


@pytest.mark.usefixtures("ward")
def test_invite_with_an_unreachable_api_prints_the_code(
    tmp_path: Path, env: dict[str, str]
) -> None:
    with socket.socket() as probe:  # a port on which nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env |= {
        "NEUROCHECK_BOT_TOKEN": TOKEN,
        "NEUROCHECK_BOT_API_URL": f"http://127.0.0.1:{port}/bot",
    }
    result = run_cli("invite", "--role", "nurse", "--ward", "H7", cwd=tmp_path, env=env)
    assert result.returncode == 0 and CODE.search(result.stdout)
    assert "could not reach the Bot API" in result.stderr


@pytest.mark.usefixtures("ward")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--ward", "H9"], "no ward 'H9'"),
        (["--ward", "H7", "--hours", "0"], "1 to 336 hours"),
    ],
)
def test_invite_refusals(
    tmp_path: Path, env: dict[str, str], argv: list[str], message: str
) -> None:
    result = run_cli("invite", "--role", "nurse", *argv, cwd=tmp_path, env=env)
    assert result.returncode == 1 and message in result.stderr, result.stderr
    assert "Code:" not in result.stdout


def test_invite_rejects_an_unknown_role(tmp_path: Path, env: dict[str, str]) -> None:
    result = run_cli("invite", "--role", "surgeon", "--ward", "H7", cwd=tmp_path, env=env)
    assert result.returncode == 2 and "invalid choice" in result.stderr


@pytest.mark.usefixtures("ward")
def test_patient_add_and_list(tmp_path: Path, env: dict[str, str], db: Database) -> None:
    added = run_cli(
        "patient", "add", "--ward", "H7", "--label", "Bed 4 AB", "--dob", "1958-03-02",
        "--weight", "45+", "--flag", "TP53 mutation", "--flag", "developmental delay",
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "Admitted Bed 4 AB to ward H7" in added.stdout
    assert "HIGH RISK" in added.stdout and "Screening tool: CAPD" in added.stdout
    with db.session() as session:
        (patient,) = session.exec(select(Patient)).all()
    assert patient.risk_flags == ["TP53 mutation", "developmental delay"] and patient.use_capd

    refused = run_cli(
        "patient", "add", "--ward", "H7", "--label", "MRN 1234567", "--dob", "1958-03-02",
        "--weight", "<45", cwd=tmp_path, env=env,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "never a name or record number" in refused.stderr

    listed = run_cli("patient", "list", "--ward", "h7", cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    assert "Bed 4 AB" in listed.stdout and "no check yet" in listed.stdout
    assert "MRN" not in listed.stdout
    unknown = run_cli("patient", "list", "--ward", "H9", cwd=tmp_path, env=env)
    assert unknown.returncode == 1 and "no ward 'H9'" in unknown.stderr


def test_ward_settings_show_change_and_refuse(tmp_path: Path, scratch_url: str) -> None:
    env = {"NEUROCHECK_DATABASE_URL": scratch_url}
    assert run_cli("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    assert run_cli("ward", "add", "H7", "Haematology", "7", cwd=tmp_path, env=env).returncode == 0
    shown = run_cli("ward", "settings", "H7", cwd=tmp_path, env=env)
    assert shown.returncode == 0
    assert "cadence.routine_hours=8" in shown.stdout and "shift_changes=07:00,19:00" in shown.stdout
    changed = run_cli(
        "ward",
        "settings",
        "h7",
        "cadence.routine_hours=6",
        "shift_changes=07:00,15:00,23:00",
        "escalation.critical.second_channel=3",
        "webhook_url=https://gateway.h7.example/page",
        cwd=tmp_path,
        env=env,
    )
    assert changed.returncode == 0, changed.stderr
    assert "second_channel 3" in changed.stdout
    assert "webhook_url=https://gateway.h7.example/page" in changed.stdout
    assert "cadence.routine_hours=6" in changed.stdout
    assert "shift_changes=07:00,15:00,23:00" in changed.stdout
    for bad, named in (
        ("cadence.routine_hours=0", "routine_hours"),
        ("cadence.abnormal_hours=9", "abnormal_hours"),
        ("cadence.colour=blue", "unknown ward setting"),
        ("shift_changes=7am", "shift_changes"),
        ("webhook_url=gateway.h7", "webhook_url: an http:// or https:// URL"),
    ):
        refused = run_cli("ward", "settings", "H7", bad, cwd=tmp_path, env=env)
        assert refused.returncode == 2, bad
        assert named in refused.stderr and len(refused.stderr.strip().splitlines()) == 1, bad
    back = run_cli("ward", "settings", "H7", "cadence.routine_hours=", cwd=tmp_path, env=env)
    assert "cadence.routine_hours=8" in back.stdout
    assert "shift_changes=07:00,15:00,23:00" in back.stdout
