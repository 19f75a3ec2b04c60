"""The monitoring face over real HTTP: /healthz is the watcher's verdict, /metrics counts what
the bot does and reads how late the work is."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import select

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram
from bot.web import HttpFace
from storage.db import Database
from storage.models import Escalation, EscalationStatus, Patient, Urgency
from tests.e2e.processes import BotProcess, bot_env
from tests.e2e.test_escalation import PRIMARY, grade_1_paged, settled, ward
from tests.support.clock import FakeClock

__all__ = ["ward"]  # the fixture, used by name
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def face(db: Database, clock: FakeClock) -> Iterator[str]:
    served = HttpFace(db, clock, BERLIN)
    served.start("127.0.0.1", 0)
    yield f"http://127.0.0.1:{served.port}"
    served.stop()


def sample(url: str, name: str, **labels: str) -> float:
    """One sample of /metrics, read as Prometheus reads it."""
    body = httpx.get(f"{url}/metrics").text
    for family in text_string_to_metric_families(body):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    raise AssertionError(f"{name} {labels} not in /metrics:\n{body}")


def overdue_step(db: Database, clock: FakeClock, ward_id: int, minutes: int) -> None:
    """An open alert whose next step fell due ``minutes`` ago and was not taken."""
    with db.session() as session:
        patient = session.exec(select(Patient).where(Patient.ward_id == ward_id)).one()
        session.add(
            Escalation(
                patient_id=patient.id or 0,
                ward_id=ward_id,
                urgency=Urgency.HIGH,
                reasons=["grade_rose"],
                status=EscalationStatus.OPEN,
                next_step_at=clock.now - dt.timedelta(minutes=minutes),
                created_at=clock.now - dt.timedelta(minutes=minutes),
            )
        )


def test_healthz_is_200_until_an_escalation_step_is_overdue_then_503_with_the_reason(
    face: str, db: Database, clock: FakeClock, ward: int
) -> None:
    ok = httpx.get(f"{face}/healthz")
    assert (ok.status_code, ok.text) == (200, "ok: nothing overdue by more than 5 min\n")
    overdue_step(db, clock, ward, minutes=3)  # late, but within the grace
    assert httpx.get(f"{face}/healthz").status_code == 200
    assert sample(face, "neurocheck_overdue_seconds", work="escalation steps") == 180
    clock.advance(minutes=4)
    late = httpx.get(f"{face}/healthz")
    assert late.status_code == 503
    assert (
        late.text == "overdue: escalation steps: 1, the oldest due 2026-11-24 08:57 (7 min ago)\n"
    )
    assert sample(face, "neurocheck_overdue_seconds", work="escalation steps") == 420
    assert sample(face, "neurocheck_overdue_seconds", work="outgoing messages") == 0
    assert sample(face, "neurocheck_database_up") == 1
    assert httpx.get(f"{face}/elsewhere").status_code == 404


def test_healthz_is_503_when_the_database_cannot_be_read(tmp_path: Path, clock: FakeClock) -> None:
    gone = Database(f"sqlite:///{tmp_path / 'no' / 'such' / 'folder.db'}")
    served = HttpFace(gone, clock, BERLIN)
    served.start("127.0.0.1", 0)
    try:
        url = f"http://127.0.0.1:{served.port}"
        answer = httpx.get(f"{url}/healthz")
        assert answer.status_code == 503
        assert answer.text.startswith("cannot read the database: ")
        assert "Traceback" not in answer.text and answer.text.count("\n") == 1
        assert sample(url, "neurocheck_database_up") == 0
    finally:
        served.stop()
        gone.dispose()


async def test_pages_and_acknowledgement_latency_are_counted(
    tg: FakeTelegram, neurocheck: Neurocheck, face: str, db: Database, clock: FakeClock, ward: int
) -> None:
    pages_before = sample(face, "neurocheck_messages_sent_total", purpose="alert")
    acks_before = sample(face, "neurocheck_acknowledgement_seconds_count", urgency="high")
    nurse, primary = tg.user(501), tg.user(PRIMARY)
    alert = await grade_1_paged(nurse, primary, clock)
    await settled(db)
    assert sample(face, "neurocheck_messages_sent_total", purpose="alert") == pages_before + 1
    # The page sent, the nurse's summary is edited to say who was paged: a message of its own
    # that the outbox sends a moment later. The depth falls to 0 once it has.
    for _ in range(100):
        if sample(face, "neurocheck_outbox_pending") == 0:
            break
        await asyncio.sleep(0.05)
    assert sample(face, "neurocheck_outbox_pending") == 0
    clock.advance(minutes=4)
    await primary.wait_answer(await primary.press(alert, "Acknowledge"))
    assert (
        sample(face, "neurocheck_acknowledgement_seconds_count", urgency="high") == acks_before + 1
    )
    le_300 = sample(face, "neurocheck_acknowledgement_seconds_bucket", urgency="high", le="300.0")
    le_120 = sample(face, "neurocheck_acknowledgement_seconds_bucket", urgency="high", le="120.0")
    assert le_300 - le_120 >= 1  # four minutes: in the (120, 300] bucket


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_running_bot_serves_healthz_and_says_it_leads(
    tg: FakeTelegram, tmp_path: Path
) -> None:
    port = free_port()
    env = bot_env(tg, f"sqlite:///{tmp_path / 'ward.db'}", http_port=str(port))
    bot = await BotProcess.start("bot", env, tmp_path)
    try:
        await bot.wait_for("polling Telegram for updates")
        url = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient() as client:
            health = await client.get(f"{url}/healthz")
            assert (health.status_code, health.text) == (
                200,
                "ok: nothing overdue by more than 5 min\n",
            )
            body = (await client.get(f"{url}/metrics")).text
        assert "neurocheck_leader 1.0" in body
        assert "neurocheck_outbox_pending 0.0" in body
    finally:
        assert await bot.stop() == 0
    assert "Traceback" not in bot.output
