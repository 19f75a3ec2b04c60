"""The webhook and e-mail senders against real servers on 127.0.0.1: what is delivered, what
is tried again and what is given up (the outbox acts on the difference)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.channels.mail import EmailSender
from bot.channels.webhook import WebhookSender, signature
from bot.services.outbox import GiveUpError, OutboxItem, TryLaterError
from tests.support.receivers import free_port, http_receiver, smtp_server

NOW = dt.datetime(2026, 11, 24, 8, 5, tzinfo=dt.UTC)
FACTS = {
    "event": "unacknowledged",
    "escalation_id": 42,
    "ward": "H7",
    "urgency": "critical",
    "minutes": 5,
    "at": NOW.isoformat(),
}


def item(channel: str, address: str | None, **extra: Any) -> OutboxItem:
    return OutboxItem(7, "token", 0, "second_channel", {**FACTS, **extra}, 1, channel, address)


def mailer(port: int, host: str | None = "127.0.0.1") -> EmailSender:
    return EmailSender(host, port, False, None, None, "neurocheck@h7.example")


async def test_webhook_429_is_tried_again_after_the_gateways_retry_after() -> None:
    async with http_receiver() as gateway:
        gateway.statuses = [429]
        with pytest.raises(TryLaterError) as raised:
            await WebhookSender("s", lambda: NOW).send(item("webhook", gateway.base_url + "/p"))
    assert raised.value.delay is None  # aiohttp's plain 429 names no delay: outbox backoff


async def test_webhook_without_a_secret_is_given_up_unsent() -> None:
    async with http_receiver() as gateway:
        with pytest.raises(GiveUpError, match="NEUROCHECK_PAGING_WEBHOOK_SECRET"):
            await WebhookSender(None, lambda: NOW).send(item("webhook", gateway.base_url))
        assert gateway.requests == []


async def test_email_is_delivered_with_the_words_and_nothing_else() -> None:
    with smtp_server() as sink:
        await mailer(sink.port).send(item("email", "4711@pager.h7.example"))
    [mail] = sink.mails
    assert mail.recipients == ["4711@pager.h7.example"]
    assert "Subject: Neurocheck: CRITICAL alert #42 on ward H7" in mail.content
    assert "not acknowledged for 5 min. Open Telegram or call the ward. Alert #42." in mail.content


async def test_email_to_a_server_that_is_down_is_tried_again() -> None:
    with pytest.raises(TryLaterError, match="SMTP server unreachable"):
        await mailer(free_port()).send(item("email", "dr@h7.example"))


async def test_email_without_a_server_configured_is_given_up() -> None:
    with pytest.raises(GiveUpError, match="NEUROCHECK_SMTP_HOST"):
        await mailer(25, host=None).send(item("email", "dr@h7.example"))


class Refusing:
    async def handle_RCPT(  # noqa: N802 (aiosmtpd's name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        return "550 no such mailbox"


async def test_email_to_a_refused_recipient_is_given_up() -> None:
    port = free_port()
    controller: Any = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with pytest.raises(GiveUpError, match=r"recipient refused: gone@h7\.example"):
            await mailer(port).send(item("email", "gone@h7.example"))
    finally:
        controller.stop()


def readme_verify() -> Any:
    """The signature check the README gives hospital IT, run as they would copy it."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = re.search(r"\(replays\):\s*```python\n(.+?)```", readme, re.DOTALL)
    assert block, "README lost its signature example"
    namespace: dict[str, Any] = {}
    exec(block.group(1), namespace)  # noqa: S102 (our own README)
    return namespace["verify"]


async def test_the_readme_signature_check_accepts_a_page_and_refuses_a_forgery() -> None:
    verify = readme_verify()
    async with http_receiver() as gateway:
        now = dt.datetime.now(dt.UTC)
        await WebhookSender("secret", lambda: now).send(item("webhook", gateway.base_url))
    [page] = gateway.requests
    assert verify(b"secret", page.headers, page.body)
    assert not verify(b"other", page.headers, page.body)
    assert not verify(b"secret", page.headers, page.body.replace(b"H7", b"H8"))
    old = str(int(now.timestamp()) - 3600)  # a replay: correctly signed, an hour old
    stale = {"X-Neurocheck-Timestamp": old}
    stale["X-Neurocheck-Signature"] = "sha256=" + signature("secret", old, page.body)
    assert not verify(b"secret", stale, page.body)
