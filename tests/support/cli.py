"""Run the ``neurocheck`` console script in-process, through its real entry point.

Starting a process costs seconds per command on this machine; ``bot.cli.main.main`` is the very
function the console script calls, so argument parsing, settings and exit codes are the same.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main as cli


@dataclass(frozen=True)
class Ran:
    status: int
    out: str
    err: str


def run_main(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *argv: str,
    cwd: Path,
    env: dict[str, str] | None = None,
) -> Ran:
    """Call ``neurocheck ARGV`` with only ``env``'s NEUROCHECK_* settings, in ``cwd``."""
    for name in list(os.environ):
        if name.startswith("NEUROCHECK_"):
            monkeypatch.delenv(name)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(cwd)
    capsys.readouterr()
    try:
        cli.main(list(argv))
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else 1
    else:
        status = 0
    captured = capsys.readouterr()
    return Ran(status, captured.out, captured.err)
