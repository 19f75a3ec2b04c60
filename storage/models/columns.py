"""Column helpers shared by the tables: UTC timestamps, Telegram's big ids, enums, JSON."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from storage.types import JSONType, UTCDateTime, enum_type, utcnow


def ts(*, index: bool = False, nullable: bool = False) -> Any:
    """A UTC timestamp column."""
    return Field(sa_type=UTCDateTime, index=index, nullable=nullable)


def created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def big(*, index: bool = False, unique: bool = False, nullable: bool = False) -> Any:
    """Telegram ids exceed 32 bits."""
    return Field(sa_type=sa.BigInteger, index=index, unique=unique, nullable=nullable)


def enum(enum_cls: type[StrEnum], default: StrEnum | None = None, *, index: bool = False) -> Any:
    if default is None:
        return Field(sa_type=enum_type(enum_cls), index=index, nullable=False)
    return Field(default=default, sa_type=enum_type(enum_cls), index=index, nullable=False)


def json_dict() -> Any:
    return Field(default_factory=dict, sa_type=JSONType, nullable=False)


def json_list() -> Any:
    return Field(default_factory=list, sa_type=JSONType, nullable=False)
