"""The ``neurocheck`` command as an operator runs it: in-process through the console script's
entry point, and once as the installed script itself (and ``python -m bot``)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import NEUROCHECK, run_cli

README = Path(__file__).resolve().parents[2] / "README.md"


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in (
        "run",
        "grade",
        "db",
        "ward",
        "invite",
        "patient",
        "plan",
        "duty",
        "oncall",
        "health",
        "staff",
        "audit",
    ):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.MULTILINE), command


def test_every_command_is_documented_in_the_readme(tmp_path: Path) -> None:
    readme = README.read_text()
    for command in (
        "run",
        "grade",
        "db upgrade",
        "db current",
        "ward add",
        "ward list",
        "ward settings",
        "invite",
        "patient add",
        "patient list",
        "plan add",
        "plan event",
        "plan show",
        "duty add",
        "duty list",
        "oncall import",
        "health",
        "staff list",
        "staff deactivate",
        "staff reactivate",
        "staff role",
    ):
        assert f"neurocheck {command}" in readme, command
        assert run_cli(*command.split(), "--help", cwd=tmp_path).returncode == 0


def test_run_without_token_exits_with_one_line(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "NEUROCHECK_BOT_TOKEN" in lines[0] and "@BotFather" in lines[0]


def test_invalid_setting_fails_without_traceback(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path, env={"NEUROCHECK_TIMEZONE": "Europe/Atlantis"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "NEUROCHECK_TIMEZONE" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_db_upgrade_then_current(tmp_path: Path, scratch_url: str) -> None:
    env = {"NEUROCHECK_DATABASE_URL": scratch_url}
    before = run_cli("db", "current", cwd=tmp_path, env=env)
    assert before.returncode == 1 and "empty database" in before.stdout
    upgraded = run_cli("db", "upgrade", cwd=tmp_path, env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "database at revision" in upgraded.stdout
    after = run_cli("db", "current", cwd=tmp_path, env=env)
    assert after.returncode == 0, after.stdout


def test_run_no_migrate_refuses_an_outdated_schema(tmp_path: Path, scratch_url: str) -> None:
    env = {"NEUROCHECK_DATABASE_URL": scratch_url, "NEUROCHECK_BOT_TOKEN": "123:abc"}
    result = run_cli("run", "--no-migrate", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "neurocheck db upgrade" in result.stderr


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["db"], "neurocheck db: the following arguments are required: DB_COMMAND"),
        (["bogus"], "neurocheck: argument COMMAND: invalid choice: 'bogus' (choose from 'run',"),
    ],
)
def test_malformed_command_is_one_line(tmp_path: Path, argv: list[str], line: str) -> None:
    """argparse's usage block is for ``--help``; a mistake gets the one line that names it."""
    result = run_cli(*argv, cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(line), result.stderr


@pytest.mark.parametrize("command", [[NEUROCHECK], [sys.executable, "-m", "bot"]])
def test_the_installed_script_runs(tmp_path: Path, command: list[str]) -> None:
    """The one smoke test of the real process: the console script and ``python -m bot``
    reach the same entry point that the in-process tests call."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEUROCHECK_")}
    result = subprocess.run(  # noqa: S603
        [*command, "db", "current"],
        cwd=tmp_path,
        env=clean | {"NEUROCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("current: empty database; latest: ")
