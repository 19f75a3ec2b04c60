"""``neurocheck sandbox`` as its user runs it: one subprocess from start to Ctrl-C, and its
refusals (in process) as one line on stderr with exit status 2."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from bot.cli import main as cli
from tests.support.cli import NEUROCHECK


def test_starts_prints_its_page_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    """Also: a ward's settings in the environment reach neither its database nor Telegram."""
    kept, ward = tmp_path / "kept.db", tmp_path / "ward.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEUROCHECK_")} | {
        "NEUROCHECK_DATABASE_URL": f"sqlite:///{ward}",
        "NEUROCHECK_BOT_TOKEN": "123456:a-real-looking-token",
        "NEUROCHECK_BOT_API_URL": "http://192.0.2.1/bot",  # unroutable: would hang, not pass
    }
    command = [NEUROCHECK, "sandbox", "--port", "0", "--db", str(kept)]
    with subprocess.Popen(  # noqa: S603
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            assert process.stdout is not None
            banner = [process.stdout.readline() for _ in range(3)]
            assert "invented patients" in banner[0], banner
            match = re.search(r"open (http://127\.0\.0\.1:\d+/)", banner[1])
            assert match, banner
            state = httpx.get(f"{match.group(1)}api/state", timeout=10).json()
            names = [who["name"] for phone in state["phones"] for who in phone["people"]]
            assert names == ["Nurse Ana", "Charge Nurse Ben", "Admin Eve", "Dr Chen", "Dr Diaz"]
            assert "(kept)" in banner[2]
        finally:
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert kept.exists() and not ward.exists()


def refusal(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exited:
        cli.main(["sandbox", *args])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("neurocheck: "), err
    return err


def test_refuses_an_existing_database_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "ward.db"
    existing.write_bytes(b"a ward's data")
    assert "already exists" in refusal(capsys, "--db", str(existing))
    assert existing.read_bytes() == b"a ward's data"
    assert "no folder" in refusal(capsys, "--db", str(tmp_path / "missing" / "x.db"))


def test_refuses_a_port_in_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        err = refusal(capsys, "--port", str(port), "--db", str(tmp_path / "s.db"))
    assert f"127.0.0.1:{port}: the port is in use" in err


def test_refuses_a_language_it_does_not_speak(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["sandbox", "--language", "fr"])
    assert exited.value.code == 2
    assert capsys.readouterr().err == (
        "neurocheck sandbox: argument --language: invalid choice: 'fr' (choose from 'en', 'zh')\n"
    )


def test_is_in_the_help() -> None:
    assert "sandbox" in cli.build_parser().format_help()
