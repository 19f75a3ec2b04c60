"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has no time zone type: a naive value read back would silently be local time on one
machine and UTC on another. ``UTCDateTime`` refuses naive datetimes on the way in and always
returns timezone-aware UTC on the way out, on both databases.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetime; naive input is a programming error, not a guess."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware value")
        utc = value.astimezone(dt.UTC)
        # SQLite stores text; store naive UTC so that string comparison orders correctly.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


def enum_type(enum_cls: type[StrEnum]) -> sa.Enum:
    """Store an enum as its value in a VARCHAR: no native PG enum to migrate when values grow."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
    )


def utcnow() -> dt.datetime:
    """Only for row defaults; services pass ``now`` explicitly."""
    return dt.datetime.now(dt.UTC)


def json_default() -> Any:
    return {}
