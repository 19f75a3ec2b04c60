"""Real ``neurocheck run`` processes against the in-test fake Telegram server."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.sandbox.fake_telegram import FakeTelegram
from tests.e2e.conftest import TOKEN

NEUROCHECK = str(Path(sys.executable).with_name("neurocheck"))


def bot_env(tg: FakeTelegram, database_url: str, **extra: str) -> dict[str, str]:
    """The operator's environment: no NEUROCHECK_* setting of the developer's leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEUROCHECK_")}
    return (
        env
        | {
            "NEUROCHECK_BOT_TOKEN": TOKEN,
            "NEUROCHECK_BOT_API_URL": tg.base_url,
            "NEUROCHECK_DATABASE_URL": database_url,
            "NEUROCHECK_SCHEDULER_INTERVAL_SECONDS": "5",
            "NO_PROXY": "127.0.0.1,localhost",
        }
        | {f"NEUROCHECK_{key.upper()}": value for key, value in extra.items()}
    )


class BotProcess:
    """One ``neurocheck`` process; its output (stdout and stderr) is collected as it comes."""

    def __init__(self, name: str, process: asyncio.subprocess.Process) -> None:
        self.name = name
        self.process = process
        self.lines: list[str] = []
        self._changed = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, name: str, env: dict[str, str], cwd: Path, *args: str) -> BotProcess:
        process = await asyncio.create_subprocess_exec(
            NEUROCHECK,
            *(args or ("run",)),
            cwd=cwd,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        return cls(name, process)

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            self.lines.append(raw.decode(errors="replace"))
            self._changed.set()
        self._changed.set()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    async def wait_for(self, text: str, timeout: float = 30.0) -> float:  # noqa: ASYNC109
        """Until a line containing ``text`` is printed; returns the loop time it was seen."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not any(text in line for line in self.lines):
            if self._reader.done():
                raise AssertionError(f"{self.name} ended before {text!r}:\n{self.output}")
            self._changed.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"{self.name} never printed {text!r}:\n{self.output}")
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                continue
        return loop.time()

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine or container dies."""
        self.process.kill()

    async def stop(self) -> int:
        """SIGTERM, then the exit status (0 expected from a clean shutdown)."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await self.finished()

    async def finished(self, timeout: float = 30.0) -> int:  # noqa: ASYNC109
        try:
            await asyncio.wait_for(self.process.wait(), timeout)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        await self._reader
        assert self.process.returncode is not None
        return self.process.returncode
