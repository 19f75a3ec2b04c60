"""``neurocheck run`` refuses a webhook or monitoring setup it cannot honour, in one line."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.support.cli import run_cli

TOKEN = {"NEUROCHECK_BOT_TOKEN": "123:abc"}
SECRET = "a" * 40


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--webhook", "https://ward.example/hook"], {}, "NEUROCHECK_WEBHOOK_SECRET"),
        (["--webhook", "http://ward.example/hook"], {"NEUROCHECK_WEBHOOK_SECRET": SECRET}, "https"),
        (["--webhook", "https://w.example/h"], {"NEUROCHECK_WEBHOOK_SECRET": "short"}, "32 to 256"),
    ],
)
def test_webhook_without_what_it_needs_is_one_line(
    tmp_path: Path, args: list[str], env: dict[str, str], says: str
) -> None:
    result = run_cli("run", *args, cwd=tmp_path, env=TOKEN | env)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("neurocheck: ") and says in line


def test_monitoring_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = TOKEN | {
            "NEUROCHECK_HTTP_PORT": str(port),
            "NEUROCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
        }
        result = run_cli("run", cwd=tmp_path, env=env)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert f"cannot listen on 127.0.0.1:{port} (NEUROCHECK_HTTP_PORT)" in line
    assert "Traceback" not in result.stderr


def test_bot_api_unreachable_at_start_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # bound, never listening: connections are refused
        env = TOKEN | {
            "NEUROCHECK_BOT_API_URL": f"http://127.0.0.1:{port}/bot",
            "NEUROCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
            "NEUROCHECK_LOG_LEVEL": "WARNING",
            "NO_PROXY": "127.0.0.1",
        }
        result = run_cli("run", cwd=tmp_path, env=env)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(
        f"neurocheck: cannot start: could not reach the Bot API at http://127.0.0.1:{port}/bot "
        "(NEUROCHECK_BOT_API_URL, the network)"
    )
