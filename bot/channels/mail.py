"""The e-mail channel: SMTP to a person's e-mail or pager address (many pagers take e-mail).

smtplib in a worker thread: a few messages an hour need no asynchronous SMTP client. A
recipient the server refuses (5xx) is given up; anything else (server down, a 4xx, a
timeout) is tried again by the outbox.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Final

from bot.channels.words import page_text, subject
from bot.config import Settings
from bot.services.outbox import GiveUpError, OutboxItem, TryLaterError

TIMEOUT: Final = 15.0


@dataclass(frozen=True)
class EmailSender:
    host: str | None
    port: int
    starttls: bool
    username: str | None
    password: str | None
    sender: str

    @classmethod
    def from_settings(cls, settings: Settings) -> EmailSender:
        password = settings.smtp_password
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=password.get_secret_value() if password else None,
            sender=settings.smtp_from,
        )

    async def send(self, item: OutboxItem) -> None:
        if not self.host:
            raise GiveUpError("NEUROCHECK_SMTP_HOST is not set: no e-mail can be sent")
        if not item.address:
            raise GiveUpError("no e-mail address")
        message = EmailMessage()
        message["Subject"] = subject(item.payload)
        message["From"] = self.sender
        message["To"] = item.address
        text = page_text(item.payload)
        # Plain 7-bit lines when possible: pager gateways read the body as it comes.
        message.set_content(text, cte="7bit" if text.isascii() else None)
        await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        assert self.host is not None
        try:
            with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise GiveUpError(f"recipient refused: {_first(exc.recipients)}") from exc
        except smtplib.SMTPResponseException as exc:
            reason = exc.smtp_error
            text = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
            error = f"SMTP {exc.smtp_code}: {text}"
            if 500 <= exc.smtp_code < 600:
                raise GiveUpError(error) from exc
            raise TryLaterError(error) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TryLaterError(f"SMTP server unreachable: {type(exc).__name__} {exc}") from exc


def _first(refused: dict[str, tuple[int, bytes]]) -> str:
    for address, (code, reason) in refused.items():
        return f"{address} ({code} {reason.decode(errors='replace')})"
    return "?"
