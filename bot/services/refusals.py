"""A stranger's refusals: one audit row per person and hour, however hard they knock.

Every refusal used to be an audit row, so anyone could grow the trail without bound by
sending messages. Now the first refusal of each hour is an audit row, the rest are counted in
``refusal_tally`` (a plain counter, not part of the trail), and when that hour is over its
count is appended as one ``access.refused.summary`` row and the counter deleted. Audit rows
are never updated, so the chain stays honest; the trail grows by at most two rows per
stranger and hour. Closed hours are summarised whenever anybody is refused, and by the
scheduler's first pass of each hour (``bot.services.runner``), so the count of a stranger who
stopped knocking is in the trail within the hour after theirs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from storage.repositories import audit
from storage.repositories import refusals as refusals_repo


def hour_of(at: dt.datetime) -> dt.datetime:
    return at.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def record(
    session: Session,
    *,
    telegram_id: int,
    what: str,
    now: dt.datetime,
    action: str = "access.refused",
    **detail: Any,
) -> bool:
    """Count a refusal; True when it was written to the trail (the first of the hour).

    ``action`` and ``detail`` describe that first row (an unknown invite code is
    ``invite.refused``); later refusals of the hour, of any kind, are only counted.
    """
    hour = hour_of(now)
    close_hours(session, now=now)
    first = refusals_repo.count(session, telegram_id=telegram_id, hour=hour, at=now)
    if first:
        audit.record(
            session,
            at=now,
            action=action,
            actor_telegram_id=telegram_id,
            what=what,
            counted_from=hour.isoformat(),  # later ones this hour: the summary row's count
            **detail,
        )
    return first


def close_hours(session: Session, *, now: dt.datetime) -> int:
    """Append the summary of every finished hour with more than one refusal; how many."""
    written = 0
    for tally in refusals_repo.claim_closed(session, before=hour_of(now)):
        if tally.count > 1:
            audit.record(
                session,
                at=now,
                action="access.refused.summary",
                actor_telegram_id=tally.telegram_id,
                hour=tally.hour.isoformat(),
                refusals=tally.count,
                last_at=tally.last_at.isoformat(),
            )
            written += 1
        refusals_repo.delete(session, tally)
    return written
