"""Compact callback data for inline buttons: ``<kind>:<target id>:<version>:<action>``.

Telegram allows 64 bytes. The version is the target row's version when the button was drawn,
so a doubled, stale or replayed press is recognised by the service (version mismatch) and
changes nothing. Anything that does not parse is forged or from an older release, and so is
an id no row can have (the database's integers stop at 2^31 - 1; a bigger one used to crash
the handler on PostgreSQL): every handler parses here, so this is the one place that checks.

Callback data is chosen by the client, not by Telegram: a modified app can send any data
from any message. ``offered`` checks the data against the buttons the message carries now
(Telegram sends the message with the press), for presses that must come from the message
that offered them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, MaybeInaccessibleMessage

MAX_BYTES = 64
MAX_ID = 2**31 - 1
"""The largest id or version a row can have (a 32-bit signed INTEGER on PostgreSQL)."""
_PATTERN = re.compile(r"^([a-z]{1,2}):(\d{1,12}):(\d{1,6}):([A-Za-z0-9_.\-]{1,40})$")


@dataclass(frozen=True)
class Callback:
    kind: str
    target: int
    version: int
    action: str

    def encode(self) -> str:
        data = f"{self.kind}:{self.target}:{self.version}:{self.action}"
        if len(data.encode()) > MAX_BYTES or not _PATTERN.match(data):
            raise ValueError(f"callback data {data!r} is not encodable")
        return data


def parse(data: str | None) -> Callback | None:
    """The decoded press, or None for anything malformed (treated as forged)."""
    if not data:
        return None
    match = _PATTERN.match(data)
    if match is None:
        return None
    kind, target, version, action = match.groups()
    if int(target) > MAX_ID or int(version) > MAX_ID:
        return None
    return Callback(kind=kind, target=int(target), version=int(version), action=action)


def offered(message: MaybeInaccessibleMessage | None, data: str | None) -> bool:
    """Whether ``data`` is one of the buttons ``message`` shows now: false for data forged on
    another message and for a button the bot has since removed (a replay)."""
    markup = getattr(message, "reply_markup", None)
    if not data or not isinstance(markup, InlineKeyboardMarkup):
        return False
    return any(button.callback_data == data for row in markup.inline_keyboard for button in row)
