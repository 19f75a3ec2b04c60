"""End-to-end fixtures: the real PTB Application polling the fake Bot API server over HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bot import app as app_module
from bot.config import Settings
from bot.sandbox.fake_telegram import FakeTelegram
from storage.db import Database
from tests.support.clock import FakeClock

TOKEN = "123456:TEST-token"


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token=TOKEN) as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC))


@pytest.fixture
def settings(tg: FakeTelegram, db: Database) -> Settings:
    return Settings(
        bot_token=TOKEN,
        database_url=db.url,
        bot_api_url=tg.base_url,
        bot_api_file_url=tg.base_file_url,
        timezone="Europe/Berlin",
    )


@pytest.fixture
async def neurocheck(
    settings: Settings, db: Database, clock: FakeClock
) -> AsyncIterator[app_module.Neurocheck]:
    async with running_bot(settings, db, clock) as wired:
        yield wired


@asynccontextmanager
async def running_bot(
    settings: Settings, db: Database, clock: FakeClock
) -> AsyncIterator[app_module.Neurocheck]:
    """The bot, started by hand as ``run_polling`` would (which also runs post_init)."""
    wired = app_module.build(settings, db, clock=clock)
    application = wired.application
    # Tests run the housekeeping themselves at the instants they choose (no racing timer).
    assert application.job_queue is not None
    for job in application.job_queue.jobs():
        job.schedule_removal()
    async with application:
        await app_module.register_commands(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        yield wired
        await application.updater.stop()
        await application.stop()
