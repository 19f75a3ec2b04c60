"""The second channel end to end: the real Application over the fake Bot API server, a real
HTTP gateway (aiohttp) and a real SMTP server (aiosmtpd) in the test process, the clock moved
by hand. An alert nobody acknowledges leaves Telegram at the policy's minute, signed and
without patient or finding; an acknowledgement stops it and tells the gateway."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from pydantic import SecretStr
from sqlmodel import col, select

from bot.app import Neurocheck
from bot.config import Settings
from bot.sandbox.fake_telegram import FakeTelegram
from bot.services.staff_contact import ContactService
from bot.services.wards import WardService
from storage.db import Database
from storage.models import AuditLog, Duty, EscalationStatus, Role, Staff
from tests.e2e.conftest import running_bot
from tests.e2e.test_check import tap
from tests.e2e.test_escalation import escalation, settled
from tests.e2e.test_timeline import timeline
from tests.support import factories
from tests.support.clock import FakeClock
from tests.support.receivers import (
    HttpReceiver,
    Received,
    SmtpSink,
    free_port,
    http_receiver,
    smtp_server,
)

NURSE, PRIMARY, BACKUP, ATTENDING = 501, 701, 702, 703
SECRET = "test-webhook-secret"
PAGER_MAIL = "4711@pager.h7.example"


@pytest.fixture
async def gateway() -> AsyncIterator[HttpReceiver]:
    async with http_receiver() as receiver:
        yield receiver


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with smtp_server() as sink:
        yield sink


@pytest.fixture
def wired_settings(settings: Settings, gateway: HttpReceiver, smtp: SmtpSink) -> Settings:
    return settings.model_copy(
        update={
            "paging_webhook_secret": SecretStr(SECRET),
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_starttls": False,  # aiosmtpd offers no TLS here; production keeps STARTTLS on
            "heartbeat_url": f"{gateway.base_url}/heartbeat",
        }
    )


@pytest.fixture
def ward(db: Database, clock: FakeClock, gateway: HttpReceiver) -> int:
    """H7 with a nurse, three physicians on call and the gateway as its webhook; the backup
    has a pager e-mail address, the attending a pager number, the primary nothing."""
    ward_id = factories.ward(db)
    people = {NURSE: ("Nurse Ada", Role.NURSE)}
    people |= {PRIMARY: ("Dr Pim", Role.PHYSICIAN), BACKUP: ("Dr Bex", Role.PHYSICIAN)}
    people |= {ATTENDING: ("Dr Ava", Role.PHYSICIAN)}
    ids = {t: factories.staff(db, t, name, role, [ward_id]) for t, (name, role) in people.items()}
    since = clock() - dt.timedelta(hours=1)
    for tid, duty in ((PRIMARY, Duty.PRIMARY), (BACKUP, Duty.BACKUP), (ATTENDING, Duty.ATTENDING)):
        factories.duty(db, ward_id, ids[tid], duty, since)
    factories.patient(db, ward_id, "Bed 4")
    WardService(db, clock).configure("H7", {"webhook_url": f"{gateway.base_url}/page"})
    contacts = ContactService(db, clock)
    contacts.set(BACKUP, "email", PAGER_MAIL)
    contacts.set(ATTENDING, "pager", "4712")
    return ward_id


@pytest.fixture
async def bot(
    wired_settings: Settings, db: Database, clock: FakeClock, ward: int
) -> AsyncIterator[Neurocheck]:
    async with running_bot(wired_settings, db, clock) as wired:
        yield wired


async def seizure(tg: FakeTelegram) -> None:
    """A critical alert (a seizure reported by the nurse); the primary's page read."""
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    tg.user(BACKUP), tg.user(ATTENDING)  # their chats exist: Telegram can reach them
    await nurse.send("/event Bed 4")
    confirm = await tap(nurse, await nurse.next_message(), "Seizure over 5 minutes")
    await tap(nurse, confirm, "Report now")
    assert "CRITICAL: Bed 4" in ((await primary.next_message()).text or "")


async def at(bot: Neurocheck, db: Database, clock: FakeClock, **delta: float) -> None:
    await settled(db)
    clock.advance(**delta)
    await bot.tick()
    await settled(db)


def verified(request: Received) -> dict[str, Any]:
    """The document, after checking its signature as the README tells hospital IT to."""
    stamp = request.headers["X-Neurocheck-Timestamp"]
    expected = hmac.new(
        SECRET.encode(), stamp.encode() + b"." + request.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(request.headers["X-Neurocheck-Signature"], f"sha256={expected}")
    document: dict[str, Any] = json.loads(request.body)
    return document


def audit_rows(db: Database, prefix: str) -> list[AuditLog]:
    with db.session() as session:
        return list(
            session.exec(
                select(AuditLog)
                .where(col(AuditLog.action).startswith(prefix))
                .order_by(col(AuditLog.id))
            ).all()
        )


async def test_unacknowledged_critical_reaches_the_gateway_and_the_pager_at_the_minute(
    tg: FakeTelegram,
    bot: Neurocheck,
    db: Database,
    clock: FakeClock,
    gateway: HttpReceiver,
    smtp: SmtpSink,
) -> None:
    await seizure(tg)
    opened = escalation(db)
    await at(bot, db, clock, minutes=4, seconds=59)
    assert gateway.to("/page") == [] and smtp.mails == []
    await at(bot, db, clock, seconds=1)  # minute 5: the backup joins, and the alert leaves
    [page] = gateway.to("/page")
    document = verified(page)
    assert document == {
        "event": "alert.unacknowledged",
        "delivery": document["delivery"],
        "alert": opened.id,
        "ward": "H7",
        "urgency": "critical",
        "minutes": 5,
        "at": "2026-11-24T08:05:00+00:00",
        "pagers": [],  # the attending (a pager number) is not paged before minute 10
        "text": f"Neurocheck: CRITICAL alert on ward H7 not acknowledged for 5 min. "
        f"Open Telegram or call the ward. Alert #{opened.id}.",
    }
    assert int(page.headers["X-Neurocheck-Timestamp"]) == int(clock().timestamp())
    [mail] = smtp.mails
    assert mail.recipients == [PAGER_MAIL]
    assert "Neurocheck: CRITICAL alert on ward H7 not acknowledged for 5 min" in mail.content
    assert f"Alert #{opened.id}." in mail.content
    for sent in (page.body.decode(), mail.content):
        assert "Bed 4" not in sent and "eizure" not in sent  # nothing clinical leaves Telegram
    audited = audit_rows(db, "escalation.second_channel")
    assert [r.action for r in audited] == [
        "escalation.second_channel",
        *["escalation.second_channel_delivered"] * 2,
    ]
    assert audited[0].detail["event"] == "unacknowledged"
    assert sorted(r.detail["channel"] for r in audited[1:]) == ["email", "webhook"]


async def test_acknowledgement_tells_the_gateway_and_stops_further_pages(
    tg: FakeTelegram,
    bot: Neurocheck,
    db: Database,
    clock: FakeClock,
    gateway: HttpReceiver,
    smtp: SmtpSink,
) -> None:
    await seizure(tg)
    await at(bot, db, clock, minutes=5)
    assert len(gateway.to("/page")) == 1 and len(smtp.mails) == 1
    backup = tg.user(BACKUP)
    alert = await backup.next_message()
    assert "CRITICAL: Bed 4" in (alert.text or "")
    press = await backup.press(alert, "Acknowledge")
    await backup.wait_answer(press)
    await bot.tick()
    await settled(db)
    follow_up = verified(gateway.to("/page")[1])
    assert follow_up["event"] == "alert.acknowledged"
    assert follow_up["acknowledged_by"] == "Dr Bex"
    assert follow_up["alert"] == escalation(db).id
    await at(bot, db, clock, minutes=30)  # past the attending's minute and the give-up
    assert len(gateway.to("/page")) == 2 and len(smtp.mails) == 1
    assert escalation(db).status is EscalationStatus.ACKNOWLEDGED


async def test_acknowledged_in_time_nothing_leaves_telegram(
    tg: FakeTelegram,
    bot: Neurocheck,
    db: Database,
    clock: FakeClock,
    gateway: HttpReceiver,
    smtp: SmtpSink,
) -> None:
    await seizure(tg)
    primary = tg.user(PRIMARY)
    alert = next(m for m in primary.messages if "CRITICAL" in (m.text or ""))
    await primary.wait_answer(await primary.press(alert, "Acknowledge"))
    await at(bot, db, clock, minutes=30)
    assert gateway.to("/page") == [] and smtp.mails == []


@pytest.mark.parametrize("down", ["answers 503", "refuses connections"])
async def test_a_gateway_that_is_down_is_retried_then_audited_and_telegram_goes_on(
    tg: FakeTelegram,
    bot: Neurocheck,
    db: Database,
    clock: FakeClock,
    gateway: HttpReceiver,
    down: str,
) -> None:
    gateway.statuses = [503]
    if down == "refuses connections":
        url = f"http://127.0.0.1:{free_port()}/page"  # nothing listens there
        WardService(db, clock).configure("H7", {"webhook_url": url})
    await seizure(tg)
    attending = tg.user(ATTENDING)
    for _ in range(16):  # the outbox backs off 2, 4 ... 128 s: the 8th attempt is at 15 min
        await at(bot, db, clock, minutes=1)
    if down == "answers 503":
        assert len(gateway.to("/page")) == 8  # tried eight times, then given up
    [failed] = audit_rows(db, "escalation.second_channel_failed")
    assert failed.detail["channel"] == "webhook"
    error = failed.detail["error"]
    assert error.startswith("gave up after 8 attempts: webhook ")
    assert ("answered 503" if down == "answers 503" else "unreachable: ConnectError") in error
    # The Telegram chain did not wait for the gateway: the attending was paged at minute 10.
    assert any("CRITICAL: Bed 4" in (m.text or "") for m in attending.messages)
    assert [r.detail["channel"] for r in audit_rows(db, "escalation.second_channel_deli")] == [
        "email"
    ]
    shown = "\n".join(m.text or "" for m in await timeline(tg.user(PRIMARY), "Bed 4"))
    number = escalation(db).id
    assert (
        f"Alert #{number} not acknowledged for 5 min: off Telegram to Dr Bex, and the ward's "
        "webhook (Dr Pim: no second channel)" in shown
    )
    assert f"Alert #{number}: delivered by e-mail of Dr Bex" in shown
    assert f"Alert #{number}: NOT delivered by the ward's webhook: gave up after 8" in shown


async def test_a_refused_webhook_is_given_up_at_once(
    tg: FakeTelegram, bot: Neurocheck, db: Database, clock: FakeClock, gateway: HttpReceiver
) -> None:
    gateway.statuses = [401]
    await seizure(tg)
    await at(bot, db, clock, minutes=5)
    await at(bot, db, clock, minutes=5)
    assert len(gateway.to("/page")) == 1
    failed = [r for r in audit_rows(db, "escalation.second_channel_failed")]
    assert [r.detail["error"] for r in failed] == ["webhook answered 401"]


async def test_the_heartbeat_stops_when_a_step_is_overdue(
    tg: FakeTelegram, bot: Neurocheck, db: Database, clock: FakeClock, gateway: HttpReceiver
) -> None:
    assert bot.heartbeat is not None
    assert await bot.heartbeat.beat() is True
    assert [r.method for r in gateway.to("/heartbeat")] == ["GET"]
    await seizure(tg)
    await settled(db)
    clock.advance(minutes=11)  # no pass ran: the step due at minute 5 is 6 minutes late
    assert await bot.heartbeat.beat() is False
    assert len(gateway.to("/heartbeat")) == 1
    await bot.tick()  # the bot catches up: the monitor hears it again
    await settled(db)
    assert await bot.heartbeat.beat() is True
    assert len(gateway.to("/heartbeat")) == 2


async def test_an_alert_keeps_its_policy_and_a_chain_that_runs_out_leaves_telegram(
    tg: FakeTelegram,
    bot: Neurocheck,
    db: Database,
    clock: FakeClock,
    gateway: HttpReceiver,
    smtp: SmtpSink,
) -> None:
    wards = WardService(db, clock)
    wards.configure("H7", {"escalation.critical.second_channel": "off"})
    await seizure(tg)
    wards.configure("H7", {"escalation.critical.second_channel": "3"})  # this alert keeps "off"
    for _ in range(19):
        await at(bot, db, clock, minutes=1)
    await at(bot, db, clock, seconds=59)
    assert gateway.to("/page") == [] and smtp.mails == []
    await at(bot, db, clock, seconds=1)  # minute 20: nobody acknowledged, the chain ran out
    [page] = gateway.to("/page")
    document = verified(page)
    assert (document["event"], document["minutes"]) == ("alert.exhausted", 20)
    assert document["pagers"] == ["4712"]  # the attending, paged by the last step
    assert document["text"].startswith("Neurocheck: CRITICAL alert on ward H7 not acknowledged")
    assert [m.recipients for m in smtp.mails] == [[PAGER_MAIL]]
    assert escalation(db).status is EscalationStatus.EXHAUSTED


async def test_a_page_still_being_retried_is_withdrawn_by_the_acknowledgement(
    tg: FakeTelegram,
    bot: Neurocheck,
    db: Database,
    clock: FakeClock,
    gateway: HttpReceiver,
) -> None:
    gateway.statuses = [503, 200]  # the page fails once; the gateway is back for what follows
    await seizure(tg)
    await at(bot, db, clock, minutes=5)
    primary = tg.user(PRIMARY)
    alert = next(m for m in primary.messages if "CRITICAL" in (m.text or ""))
    await primary.wait_answer(await primary.press(alert, "Acknowledge"))
    await at(bot, db, clock, minutes=10)
    events = [verified(r)["event"] for r in gateway.to("/page")]
    assert events == ["alert.unacknowledged", "alert.acknowledged"]  # the page was not retried
    [withdrawn] = audit_rows(db, "escalation.second_channel_withdrawn")
    assert withdrawn.detail["count"] == 1


async def test_an_admin_sets_a_second_channel_in_the_chat(
    tg: FakeTelegram, bot: Neurocheck, db: Database, clock: FakeClock, ward: int
) -> None:
    factories.staff(db, 801, "Admin Al", Role.ADMIN, [ward])
    other = factories.ward(db, "H8", "Haematology 8")
    factories.staff(db, 901, "Dr Elsewhere", Role.PHYSICIAN, [other])
    admin, nurse = tg.user(801), tg.user(NURSE)
    exchanges = (
        (
            admin,
            f"/staff contact {PRIMARY} pager +49 4711",
            "Dr Pim: unacknowledged alerts also go on pager +494711.",
        ),
        (
            admin,
            f"/staff contact {PRIMARY} email pim@h7.example",
            "Dr Pim: unacknowledged alerts also go by e-mail to pim@h7.example.",
        ),
        (
            admin,
            f"/staff contact {BACKUP} clear",
            "Dr Bex has no second channel: alerts reach them in Telegram only.",
        ),
        (
            admin,
            f"/staff contact {PRIMARY} pager call-me",
            "'call-me' is not a pager number (digits, optionally a leading +)",
        ),
        (admin, "/staff contact 901 pager 4713", "That person is not on any of your wards."),
        (
            admin,
            "/staff contact Pim pager 4713",
            "Usage: /staff contact <Telegram id> email "
            "<address> | pager <number> | clear (the id is in the /staff list)",
        ),
        (nurse, f"/staff contact {PRIMARY} clear", None),
    )
    for user, command, answer in exchanges:
        await user.send(command)
        reply = (await user.next_message()).text or ""
        if answer is not None:
            assert reply == answer, command
        else:
            assert "pager" not in reply and "e-mail" not in reply  # a nurse is refused
    with db.session() as session:
        people = {s.telegram_user_id: s for s in session.exec(select(Staff)).all()}
    assert (people[PRIMARY].contact_channel, people[PRIMARY].contact_address) == (
        "email",
        "pim@h7.example",
    )
    assert people[BACKUP].contact_channel is None
    assert (people[901].contact_channel, people[ATTENDING].contact_address) == (None, "4712")
