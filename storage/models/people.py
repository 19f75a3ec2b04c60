"""Wards, staff, their invitations and duties (and the tally of strangers' refusals)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models.columns import big, created, enum, json_dict, ts
from storage.models.enums import Duty, Role
from storage.types import UTCDateTime


class Ward(SQLModel, table=True):
    """A ward; ``settings`` holds its overrides of cadence and escalation defaults."""

    __tablename__ = "ward"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=120)
    settings: dict[str, Any] = json_dict()
    created_at: dt.datetime = created()


class Staff(SQLModel, table=True):
    """An enrolled Telegram account. Deactivated rather than deleted: the audit refers to it."""

    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    telegram_user_id: int = big(unique=True)
    chat_id: int = big()
    display_name: str = Field(max_length=120)
    role: Role = enum(Role)
    active: bool = Field(default=True)
    created_at: dt.datetime = created()
    # When the person's last update was handled, written at most every few minutes
    # (bot.services.staff.SEEN_EVERY), so that the hot path stays read-only.
    last_seen_at: dt.datetime | None = ts(nullable=True)
    deactivated_at: dt.datetime | None = ts(nullable=True)
    # A second channel for alerts nobody acknowledges in Telegram (bot.services.second_channel):
    # "email" (sent by SMTP) or "pager" (a number the ward's webhook gateway pages).
    contact_channel: str | None = Field(default=None, max_length=16)
    contact_address: str | None = Field(default=None, max_length=254)
    # The language the bot speaks to this person ("en", "zh_Hans"; bot.telegram.i18n): from
    # Telegram's language_code at enrolment, changed with /language. None: English.
    language: str | None = Field(default=None, max_length=16)


class StaffWard(SQLModel, table=True):
    __tablename__ = "staff_ward"
    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    ward_id: int = Field(foreign_key="ward.id", primary_key=True)


class Invite(SQLModel, table=True):
    """A one-time enrolment code. Only its hash is stored, so a database leak enrols nobody."""

    __tablename__ = "invite"
    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    role: Role = enum(Role)
    ward_id: int = Field(foreign_key="ward.id")
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: dt.datetime = created()
    expires_at: dt.datetime = ts()
    used_at: dt.datetime | None = ts(nullable=True)
    used_by_id: int | None = Field(default=None, foreign_key="staff.id")


class DutyAssignment(SQLModel, table=True):
    """Who is on duty (nurses) or on call (physicians) for a ward, and when."""

    __tablename__ = "duty_assignment"
    __table_args__ = (sa.Index("ix_duty_ward_duty_start", "ward_id", "duty", "starts_at"),)
    id: int | None = Field(default=None, primary_key=True)
    ward_id: int = Field(foreign_key="ward.id")
    staff_id: int = Field(foreign_key="staff.id")
    duty: Duty = enum(Duty)
    starts_at: dt.datetime = ts()
    ends_at: dt.datetime = ts()
    is_override: bool = Field(default=False)
    created_by_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: dt.datetime = created()


class RefusalTally(SQLModel, table=True):
    """Refusals of one unknown Telegram account in one hour, after the first.

    The first refusal of the hour is an audit row; the rest only count here, so a stranger
    hammering the bot cannot grow the trail without bound. When the hour is over the count is
    appended to the trail as one summary row and this row is deleted: audit rows stay
    append-only, and the trail grows by at most two rows per stranger and hour.
    """

    __tablename__ = "refusal_tally"
    telegram_id: int = Field(sa_type=sa.BigInteger, primary_key=True)
    hour: dt.datetime = Field(sa_type=UTCDateTime, primary_key=True)
    count: int = Field(default=1)
    last_at: dt.datetime = ts()
