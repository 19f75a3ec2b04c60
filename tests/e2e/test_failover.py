"""Several instances: one leader polls, a SIGKILLed leader is replaced within 10 s, nothing is
lost or sent twice; on SQLite a second instance is refused. Real processes, real databases."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from bot.sandbox.fake_telegram import FakeTelegram
from storage.db import Database
from storage.models import Duty, EscalationDelivery, OutboundMessage, OutboxStatus, Role
from tests.conftest import TEST_DB_ENV
from tests.e2e.conftest import TOKEN
from tests.e2e.processes import BotProcess, bot_env
from tests.support import factories

POSTGRES = os.environ.get(TEST_DB_ENV, "").startswith("postgres")
WARDS = 30
NURSE, PHYSICIAN = 5000, 7000
LEADS = "polling Telegram for updates"
FAILOVER_LIMIT = 10.0


def seed_overdue_wards(db: Database, tg: FakeTelegram) -> None:
    """Every ward has a nurse on duty, a physician on call and a patient whose baseline check
    fell due three hours ago: each start brings a late prompt per nurse and a missed-check
    page (with its chart) per physician, all at the first scheduler pass."""
    now = dt.datetime.now(dt.UTC)
    for number in range(WARDS):
        ward = factories.ward(db, f"W{number}", f"Ward {number}")
        tg.user(NURSE + number, f"Nurse{number}")
        tg.user(PHYSICIAN + number, f"Doctor{number}")
        nurse = factories.staff(db, NURSE + number, f"Nurse {number}", Role.NURSE, [ward])
        doctor = factories.staff(db, PHYSICIAN + number, f"Dr {number}", Role.PHYSICIAN, [ward])
        factories.duty(db, ward, nurse, Duty.NURSE, now - dt.timedelta(hours=4))
        factories.duty(db, ward, doctor, Duty.PRIMARY, now - dt.timedelta(hours=4), 24)
        patient = factories.patient(db, ward, f"Bed {number}", dt.date(1970, 1, 1))
        start = now - dt.timedelta(hours=2)
        factories.plan(db, patient, start, created_at=start - dt.timedelta(hours=2))


def outbox(db: Database) -> list[OutboundMessage]:
    with db.session() as session:
        return list(session.exec(select(OutboundMessage).order_by(col(OutboundMessage.id))))


async def until(probe: object, timeout: float, what: str) -> None:  # noqa: ASYNC109
    """Wait for a condition on the database or the fake (checked every 50 ms)."""
    assert callable(probe)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not probe():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


@pytest.fixture
async def instances(
    tg: FakeTelegram, db: Database, tmp_path: Path
) -> AsyncIterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for bot in started:
        await bot.stop()


@pytest.mark.skipif(not POSTGRES, reason="failover between instances needs PostgreSQL")
async def test_killed_leader_is_replaced_within_10_s_and_nothing_is_lost_or_doubled(
    tg: FakeTelegram, db: Database, tmp_path: Path, instances: list[BotProcess]
) -> None:
    seed_overdue_wards(db, tg)
    env = bot_env(tg, db.url)
    first = await BotProcess.start("first", env, tmp_path)
    instances.append(first)
    await first.wait_for(LEADS)
    second = await BotProcess.start("second", env, tmp_path)
    instances.append(second)
    await second.wait_for("Application started")  # running, claiming, and following

    # Kill the leader as soon as the first prompts and pages reach Telegram.
    await until(lambda: tg.calls_to("sendMessage"), 30, "the first messages")
    assert not [f for f in tg.failures if f.status == 409]  # the follower never polled
    first.kill()
    killed_at = asyncio.get_running_loop().time()
    assert await first.finished() != 0
    assert LEADS not in second.output

    visitor = tg.user(777, first_name="Visitor")
    await visitor.send("/help")
    await visitor.next_message(FAILOVER_LIMIT + 5)
    answered_at = asyncio.get_running_loop().time()
    assert answered_at - killed_at < FAILOVER_LIMIT, second.output
    assert LEADS in second.output

    # Rows the dead leader had leased are sent again once their lease runs out (2 minutes).
    # Let the survivor send everything else and stop; move time on past the lease instead of
    # waiting for it; a third instance sends the rest. These rows are the only possible
    # repeats: a message sent just before the SIGKILL, not yet marked sent.
    def settled() -> bool:
        now = dt.datetime.now(dt.UTC)
        return all(
            m.status is not OutboxStatus.PENDING or (m.claimed_until or now) > now
            for m in outbox(db)
        )

    await until(settled, 30, "the survivor to send all it can")
    assert await second.stop() == 0
    leased = sum(m.status is OutboxStatus.PENDING for m in outbox(db))
    with db.session() as session:
        session.execute(
            sa.update(OutboundMessage)
            .where(col(OutboundMessage.status) == OutboxStatus.PENDING)
            .values(  # two minutes on: leases and any retry back-off have run out
                claimed_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1),
                next_attempt_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1),
            )
        )
    third = await BotProcess.start("third", env, tmp_path)
    instances.append(third)
    await third.wait_for("Application started")
    await until(
        lambda: all(m.status is not OutboxStatus.PENDING for m in outbox(db)),
        90,
        f"every message sent: {[(m.id, m.purpose, m.status) for m in outbox(db)]}",
    )

    rows = [m for m in outbox(db) if m.purpose != "menu"]  # each start publishes the menus
    assert Counter(m.purpose for m in rows) == {
        "check_prompt": WARDS,
        "alert": WARDS,
        "alert_chart": WARDS,  # each first page is followed by its chart
    }
    sent = [(c["chat_id"], c["text"].split("\n")[0]) for c in tg.calls_to("sendMessage")]
    per_message = Counter(sent)
    nurses = {chat for chat, _ in per_message if NURSE <= int(chat) < NURSE + WARDS}
    doctors = {chat for chat, _ in per_message if PHYSICIAN <= int(chat) < PHYSICIAN + WARDS}
    assert len(nurses) == len(doctors) == WARDS  # nothing lost
    repeats = sum(count - 1 for count in per_message.values())
    assert repeats <= leased, per_message  # at most the Telegram window: sent, not yet marked
    with db.session() as session:
        pages = session.exec(select(EscalationDelivery)).all()
    assert len(pages) == WARDS and {p.status for p in pages} == {"sent"}
    assert await third.stop() == 0
    for bot in (second, third):
        assert "Traceback" not in bot.output, bot.output


async def test_second_instance_on_one_sqlite_file_is_refused(
    tg: FakeTelegram, tmp_path: Path, instances: list[BotProcess]
) -> None:
    env = bot_env(tg, f"sqlite:///{tmp_path / 'ward.db'}")
    first = await BotProcess.start("first", env, tmp_path)
    instances.append(first)
    await first.wait_for(LEADS)
    second = await BotProcess.start("second", env, tmp_path)
    assert await second.finished() == 2
    [line] = second.lines
    assert line.startswith("neurocheck: another 'neurocheck run' is already using ")
    assert "ward.db" in line and "SQLite allows one instance" in line
    # The first is untouched and still answers.
    visitor = tg.user(778, first_name="Visitor")
    await visitor.send("/help")
    assert "Neurocheck" in ((await visitor.next_message(10)).text or "")
    assert await first.stop() == 0
    assert "Traceback" not in first.output


async def test_another_poller_with_the_token_is_one_line_a_minute_not_tracebacks(
    tg: FakeTelegram, tmp_path: Path, instances: list[BotProcess]
) -> None:
    """Telegram ends a poll with 409 when another process polls with the same token (a stray
    instance, or a leader that has not yet noticed it lost its lock)."""
    bot = await BotProcess.start("bot", bot_env(tg, f"sqlite:///{tmp_path / 'w.db'}"), tmp_path)
    instances.append(bot)
    await bot.wait_for(LEADS)
    async with httpx.AsyncClient() as stray:
        for _ in range(5):  # each stray poll ends the bot's pending poll with 409
            polls = len(tg.calls_to("getUpdates"))
            await until(lambda n=polls: len(tg.calls_to("getUpdates")) > n, 30, "a bot poll")
            await stray.post(f"{tg.base_url}{TOKEN}/getUpdates", data={"timeout": "0"})
    await until(lambda: len([f for f in tg.failures if f.status == 409]) >= 5, 30, "409s")
    assert await bot.stop() == 0
    conflicts = [line for line in bot.lines if "409 Conflict" in line]
    assert len(conflicts) == 1, bot.output
    assert "another process is polling with this bot's token" in conflicts[0]
    assert "Traceback" not in bot.output and "ERROR" not in bot.output, bot.output


async def test_telegram_failing_at_start_delays_polling_without_tracebacks(
    tg: FakeTelegram, tmp_path: Path, instances: list[BotProcess]
) -> None:
    tg.inject_error("deleteWebhook", status=502, times=2)  # polling starts with deleteWebhook
    bot = await BotProcess.start("bot", bot_env(tg, f"sqlite:///{tmp_path / 'w.db'}"), tmp_path)
    instances.append(bot)
    await bot.wait_for(LEADS)
    assert len(tg.calls_to("deleteWebhook")) == 3
    visitor = tg.user(781, first_name="Visitor")
    await visitor.send("/help")
    assert "Neurocheck" in ((await visitor.next_message(10)).text or "")
    assert await bot.stop() == 0
    assert "Traceback" not in bot.output, bot.output
