"""Datetimes, JSON and Telegram ids round-trip identically on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from storage.db import Database
from storage.models import AuditLog, Role, Staff, Ward
from storage.repositories import audit

BERLIN = ZoneInfo("Europe/Berlin")


def _staff(tg_id: int, created: dt.datetime) -> Staff:
    return Staff(
        telegram_user_id=tg_id,
        chat_id=tg_id,
        display_name="Nurse A",
        role=Role.NURSE,
        created_at=created,
    )


@pytest.mark.parametrize(
    "written",
    [
        dt.datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN),  # just after the spring-forward gap
        dt.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN),  # second 02:30 in autumn
        dt.datetime(2026, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
    ],
)
def test_datetime_round_trips_as_the_same_instant_in_utc(
    db: Database, written: dt.datetime
) -> None:
    with db.session() as session:
        session.add(_staff(42, written))
    with db.session() as session:
        read = session.exec(select(Staff)).one().created_at
    assert read == written.astimezone(dt.UTC)  # PEP 495: fold=1 never equals across zones
    assert read.tzinfo == dt.UTC
    assert read.utcoffset() == dt.timedelta(0)


def test_naive_datetime_is_refused(db: Database) -> None:
    with pytest.raises(sa.exc.StatementError, match="naive datetime"), db.session() as session:
        session.add(_staff(1, dt.datetime(2026, 1, 1, 12)))  # noqa: DTZ001
        session.flush()


def test_datetimes_order_by_instant_not_by_text(db: Database) -> None:
    early_local = dt.datetime(2026, 6, 1, 9, tzinfo=BERLIN)  # 07:00 UTC
    later_utc = dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC)
    with db.session() as session:
        session.add(_staff(1, later_utc))
        session.add(_staff(2, early_local))
    with db.session() as session:
        rows = session.exec(select(Staff).order_by(col(Staff.created_at)))
        ids = [s.telegram_user_id for s in rows]
    assert ids == [2, 1]


def test_telegram_ids_beyond_32_bits_and_json_round_trip(db: Database) -> None:
    big = 7_912_345_678_901
    settings = {"cadence": {"routine_hours": 8}, "labels": ["Bed 4", "ÄÖ"]}
    with db.session() as session:
        session.add(_staff(big, dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
        session.add(Ward(code="H7", name="Haematology 7", settings=settings))
    with db.session() as session:
        assert session.exec(select(Staff)).one().telegram_user_id == big
        assert session.exec(select(Ward)).one().settings == settings


def test_audit_log_is_append_only(db: Database) -> None:
    with db.session() as session:
        audit.record(session, at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), action="test.written")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.session() as session:
        session.connection().execute(sa.text("UPDATE audit_log SET action = 'tampered'"))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.session() as session:
        session.connection().execute(sa.text("DELETE FROM audit_log"))
    with db.session() as session:
        assert session.exec(select(AuditLog.action)).all() == ["test.written"]
