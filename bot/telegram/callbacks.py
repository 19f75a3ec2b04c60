"""Compact callback data for inline buttons: ``<kind>:<target id>:<version>:<action>``.

Telegram allows 64 bytes. The version is the target row's version when the button was drawn,
so a doubled, stale or replayed press is recognised by the service (version mismatch) and
changes nothing. Anything that does not parse is forged or from an older release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
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
    return Callback(kind=kind, target=int(target), version=int(version), action=action)
