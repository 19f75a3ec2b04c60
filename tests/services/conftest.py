"""Services against the real database (SQLite, or PostgreSQL when configured), fixed clock."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services.enrolment import EnrolmentService
from bot.services.staff import StaffView
from bot.services.wards import WardService
from storage.db import Database
from storage.models import Role
from storage.repositories import staff as staff_repo
from tests.support.clock import FakeClock

START = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def wards(db: Database, clock: FakeClock) -> WardService:
    return WardService(db, clock)


@pytest.fixture
def enrolment(db: Database, clock: FakeClock) -> EnrolmentService:
    return EnrolmentService(db, clock, default_ttl_hours=72)


def enrol(
    enrolment: EnrolmentService, telegram_id: int, role: Role, ward: str, name: str = "Sim"
) -> int:
    """An enrolled member of staff, made the way people are: an invite, then /start."""
    code = enrolment.create_invite(role=role, ward_code=ward).code
    return enrolment.redeem(
        code, telegram_user_id=telegram_id, chat_id=telegram_id, display_name=name
    ).staff_id


def view_of(db: Database, staff_id: int) -> StaffView:
    """The actor as the adapters hand it to a service (active or not: the service decides)."""
    with db.session() as session:
        staff = staff_repo.by_id(session, staff_id)
        assert staff is not None
        wards = staff_repo.ward_ids(session, staff_id)
        return StaffView(staff_id, staff.telegram_user_id, staff.display_name, staff.role, wards)
