"""Each person's language: from their Telegram app at enrolment, changed with /language."""

from __future__ import annotations

from sqlmodel import select

from bot.services.enrolment import EnrolmentService
from bot.services.staff import StaffService
from bot.services.wards import WardService
from storage.db import Database
from storage.models import AuditLog, Role
from tests.support.clock import FakeClock


def _redeem(enrolment: EnrolmentService, telegram_id: int, language: str | None) -> int:
    code = enrolment.create_invite(role=Role.NURSE, ward_code="H7").code
    return enrolment.redeem(
        code,
        telegram_user_id=telegram_id,
        chat_id=telegram_id,
        display_name="Ada",
        language=language,
    ).staff_id


def test_enrolment_sets_the_language_and_a_choice_stays(
    wards: WardService, enrolment: EnrolmentService, db: Database, clock: FakeClock
) -> None:
    wards.add("H7", "Haematology 7")
    staff = StaffService(db, clock)
    staff_id = _redeem(enrolment, 501, "zh_Hans")
    view = staff.find_active(501)
    assert view is not None and view.id == staff_id and view.language == "zh_Hans"

    assert staff.set_language(staff_id, "en") is True
    assert staff.set_language(staff_id, "en") is False, "the same language is no change"
    _redeem(enrolment, 501, "zh_Hans")  # another invite: the choice made stays
    view = staff.find_active(501)
    assert view is not None and view.language == "en"

    with db.session() as session:
        rows = session.exec(select(AuditLog).where(AuditLog.action == "staff.language")).all()
    assert [(r.actor_staff_id, r.detail) for r in rows] == [
        (staff_id, {"old": "zh_Hans", "new": "en"})
    ]


def test_an_account_without_a_language_has_none(
    wards: WardService, enrolment: EnrolmentService, db: Database, clock: FakeClock
) -> None:
    wards.add("H7", "Haematology 7")
    _redeem(enrolment, 502, None)
    view = StaffService(db, clock).find_active(502)
    assert view is not None and view.language is None
