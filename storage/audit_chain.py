"""The audit trail's hash chain: each row's hash covers its content and the previous hash.

Append-only triggers stop the bot's role from changing the trail; the chain makes a change by
anyone else (the owner disabling a trigger, a restore from an edited dump) visible, because
every later hash stops matching. The serialisation is canonical JSON (sorted keys, no spaces,
ASCII, UTC timestamps with microseconds) of exactly what the database stores, so the hash a
writer computes is the one a verifier recomputes from the row it reads back, on SQLite and
PostgreSQL alike. The row id is not part of it: ids are given by the database at insert, and
the chain's order (by id) already catches a row removed or moved.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
"""The "previous hash" of the first row."""


@dataclass(frozen=True)
class ChainedFields:
    """What one audit row says; the hash is computed over these and the previous hash."""

    at: dt.datetime
    action: str
    actor_staff_id: int | None
    actor_telegram_id: int | None
    entity: str | None
    entity_id: int | None
    patient_id: int | None
    ward_id: int | None
    detail: dict[str, Any]


def normalise_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """The detail as the database gives it back (enums to strings, tuples to lists, keys to
    strings), so that writer and verifier hash the same value."""
    loaded: dict[str, Any] = json.loads(json.dumps(detail, allow_nan=False))
    return loaded


def canonical(previous: str, row: ChainedFields) -> bytes:
    """The bytes hashed for ``row`` after a row whose hash is ``previous``."""
    if row.at.tzinfo is None:
        raise ValueError("audit time must be timezone-aware")
    body = {
        "previous": previous,
        "at": row.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "action": row.action,
        "actor_staff_id": row.actor_staff_id,
        "actor_telegram_id": row.actor_telegram_id,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "patient_id": row.patient_id,
        "ward_id": row.ward_id,
        "detail": row.detail,
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return text.encode("ascii")


def chain_hash(previous: str, row: ChainedFields) -> str:
    """SHA-256 (hex) of the row's canonical form chained to ``previous``."""
    return hashlib.sha256(canonical(previous, row)).hexdigest()
