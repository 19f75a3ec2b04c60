"""Run the ``neurocheck`` console script in-process, through its real entry point.

Starting a process costs seconds per command on this machine; ``bot.cli.main.main`` is the
very function the console script calls, so argument parsing, settings and exit codes are the
same. One smoke test (tests/cli/test_main.py) still runs the installed script as a process.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli.main import main

NEUROCHECK = str(Path(sys.executable).with_name("neurocheck"))
"""The installed console script, for the tests that need a process of their own."""


@dataclass(frozen=True)
class Ran:
    status: int
    out: str
    err: str

    # The names of ``subprocess.CompletedProcess``, which the older tests read.
    @property
    def returncode(self) -> int:
        return self.status

    @property
    def stdout(self) -> str:
        return self.out

    @property
    def stderr(self) -> str:
        return self.err


def run_cli(*argv: str, cwd: Path, env: Mapping[str, str] | None = None, stdin: str = "") -> Ran:
    """``neurocheck ARGV`` with only ``env``'s NEUROCHECK_* settings, in ``cwd``, reading
    ``stdin``; the environment, folder and standard streams are restored afterwards."""
    out, err = io.StringIO(), io.StringIO()
    with (
        _environment(env or {}),
        _folder(cwd),
        _stdin(stdin),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        status = _status(argv)
    return Ran(status, out.getvalue(), err.getvalue())


def run_main(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *argv: str,
    cwd: Path,
    env: dict[str, str] | None = None,
) -> Ran:
    """The same for a test that already holds ``monkeypatch`` and ``capsys``."""
    for name in list(os.environ):
        if name.startswith("NEUROCHECK_"):
            monkeypatch.delenv(name)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(cwd)
    capsys.readouterr()
    status = _status(argv)
    captured = capsys.readouterr()
    return Ran(status, captured.out, captured.err)


def _status(argv: tuple[str, ...]) -> int:
    """The exit status as the shell would see it (``sys.exit("text")`` prints the text, 1)."""
    try:
        main(list(argv))
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            return exit_.code or 0
        print(exit_.code, file=sys.stderr)
        return 1
    return 0


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith("NEUROCHECK_")]:
        del os.environ[name]
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _folder(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


@contextlib.contextmanager
def _stdin(text: str) -> Iterator[None]:
    before = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = before
