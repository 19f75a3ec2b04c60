"""The webhook channel: a signed JSON document posted to a ward's paging or SMS gateway.

The signature is HMAC-SHA256, keyed with ``NEUROCHECK_PAGING_WEBHOOK_SECRET``, over
``<timestamp>.<body>`` (the timestamp is sent in ``X-Neurocheck-Timestamp``, Unix seconds),
as hex in ``X-Neurocheck-Signature: sha256=<hex>``: the gateway recomputes it and refuses a
stale timestamp, so a forged or replayed page is refused. ``X-Neurocheck-Delivery`` is the
same on every retry of one message, so the gateway can drop a repeat.

A 2xx is delivered; a 429, a 5xx or no answer is tried again (the outbox backs off); any
other answer (a 4xx: wrong URL, refused signature) will not get better and is given up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any, Final

import httpx

from bot.channels.words import page_text
from bot.services.outbox import GiveUpError, OutboxItem, TryLaterError

TIMEOUT: Final = 10.0
MAX_RETRY_AFTER: Final = dt.timedelta(minutes=5)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``timestamp.body``."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def document(item: OutboxItem) -> dict[str, Any]:
    """The JSON the gateway receives (README: "For hospital IT")."""
    facts = item.payload
    doc: dict[str, Any] = {
        "event": f"alert.{facts['event']}",
        "delivery": item.id,
        "alert": facts["escalation_id"],
        "ward": facts["ward"],
        "urgency": facts["urgency"],
        "minutes": facts["minutes"],
        "at": facts["at"],
        "pagers": list(facts.get("pagers") or []),
        "text": page_text(facts),
    }
    if facts.get("acknowledged_by"):
        doc["acknowledged_by"] = facts["acknowledged_by"]
    return doc


class WebhookSender:
    def __init__(
        self, secret: str | None, clock: Callable[[], dt.datetime], timeout: float = TIMEOUT
    ) -> None:
        self._secret = secret
        self._clock = clock
        self._timeout = timeout

    async def send(self, item: OutboxItem) -> None:
        if not self._secret:
            raise GiveUpError(
                "NEUROCHECK_PAGING_WEBHOOK_SECRET is not set: the webhook cannot be signed"
            )
        if not item.address:
            raise GiveUpError("no webhook URL")
        body = json.dumps(document(item), separators=(",", ":"), sort_keys=True).encode()
        stamp = str(int(self._clock().timestamp()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Neurocheck",
            "X-Neurocheck-Timestamp": stamp,
            "X-Neurocheck-Signature": f"sha256={signature(self._secret, stamp, body)}",
            "X-Neurocheck-Delivery": str(item.id),
        }
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(item.address, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise TryLaterError(f"webhook unreachable: {type(exc).__name__} {exc}".strip()) from exc
        code = response.status_code
        if 200 <= code < 300:
            return
        if code == 429 or code >= 500:
            raise TryLaterError(f"webhook answered {code}", _retry_after(response))
        raise GiveUpError(f"webhook answered {code}")


def _retry_after(response: httpx.Response) -> dt.timedelta | None:
    """The gateway's Retry-After in seconds, within reason; else the outbox's own backoff."""
    value = response.headers.get("Retry-After", "")
    if not value.isdigit():
        return None
    return min(MAX_RETRY_AFTER, dt.timedelta(seconds=int(value)))
