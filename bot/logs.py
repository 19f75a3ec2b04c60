"""Logging for the ``neurocheck`` command: secrets never reach a log line, at any level.

The Bot API puts the token in every URL (``.../bot<token>/getUpdates``), and
python-telegram-bot repeats it in ``InvalidToken``'s message. httpx logs each request URL at
INFO and httpcore its connection at DEBUG, so those loggers stay at WARNING; and a filter on
every handler rewrites any token it finds (the configured one, or anything shaped like a
token) in the message, its arguments and its traceback. Patient labels travel in message
texts, which python-telegram-bot logs only at DEBUG (request parameters): INFO and above
carry no label.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "<redacted>"
TOKEN_SHAPE = re.compile(r"(?<![0-9])[0-9]{3,}:[A-Za-z0-9_-]{20,}")
"""What a Bot API token looks like: the bot id, a colon, a long base64url secret."""
QUIET = ("httpx", "httpcore")


class RedactSecrets(logging.Filter):
    """Replaces the secrets (and anything token-shaped) in a record before it is written."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_SHAPE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit: log the template
            message = str(record.msg)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure(level: str, secrets: Iterable[str] = ()) -> RedactSecrets:
    """Root logging at ``level`` with the redacting filter on every handler."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    redact = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    return redact
