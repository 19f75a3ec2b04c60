"""Counting a stranger's refusals per hour (``refusal_tally``), outside the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import RefusalTally


def count(session: Session, *, telegram_id: int, hour: dt.datetime, at: dt.datetime) -> bool:
    """Count one refusal in ``hour``; True when it is the first of that hour for the person.

    Insert-or-nothing first, so two first refusals at once (PostgreSQL) cannot both win.
    """
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = session.execute(
        dialect.insert(RefusalTally)
        .values(telegram_id=telegram_id, hour=hour, count=1, last_at=at)
        .on_conflict_do_nothing()
        .returning(col(RefusalTally.count))
    ).first()
    if inserted is not None:
        return True
    session.execute(
        sa.update(RefusalTally)
        .where(col(RefusalTally.telegram_id) == telegram_id, col(RefusalTally.hour) == hour)
        .values(count=col(RefusalTally.count) + 1, last_at=at)
    )
    return False


def claim_closed(session: Session, *, before: dt.datetime) -> Sequence[RefusalTally]:
    """Tallies of hours that ended before ``before``, locked (skipping any another
    transaction is closing at the same moment)."""
    return session.exec(
        select(RefusalTally)
        .where(col(RefusalTally.hour) < before)
        .order_by(col(RefusalTally.hour), col(RefusalTally.telegram_id))
        .with_for_update(skip_locked=True)
    ).all()


def delete(session: Session, tally: RefusalTally) -> None:
    session.delete(tally)
