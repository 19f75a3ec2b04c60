"""The check use cases refuse with codes (``CheckRefusal``) and facts, never sentences; a
refused press is still audited, although the refusal is raised (it is raised after the
transaction that wrote the audit row)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.services.check_results import CheckNotice, CheckRefusal, Notice, Shown
from bot.services.checks import CheckService
from bot.services.errors import RefusedError
from bot.services.patient_refusals import PatientRefusal
from bot.services.staff import StaffView
from bot.telegram import words
from bot.telegram.words import checks as check_words
from storage.db import Database
from storage.models import Assessment, AuditLog, Role
from tests.support import factories
from tests.support.clock import FakeClock


@pytest.fixture
def setting(db: Database, clock: FakeClock) -> tuple[CheckService, StaffView, StaffView, int]:
    ward = factories.ward(db)
    nurse = factories.staff(db, 501, "Nurse Ada", Role.NURSE, [ward])
    other = factories.staff(db, 502, "Nurse Bea", Role.NURSE, [ward])
    patient = factories.patient(db, ward, "Bed 4")
    checks = CheckService(db, clock, ZoneInfo("Europe/Berlin"))
    return (
        checks,
        StaffView(nurse, 501, "Nurse Ada", Role.NURSE, (ward,)),
        StaffView(other, 502, "Nurse Bea", Role.NURSE, (ward,)),
        patient,
    )


def _started(checks: CheckService, nurse: StaffView, patient: int) -> Shown:
    shown = checks.start(nurse, patient_id=patient)
    assert isinstance(shown, Shown)
    return shown


def test_an_unknown_patient_is_a_code_worded_as_before(
    setting: tuple[CheckService, StaffView, StaffView, int],
) -> None:
    checks, nurse, _, _ = setting
    with pytest.raises(RefusedError) as refused:
        checks.start(nurse, label="Bed 99")
    assert refused.value.code is PatientRefusal.UNKNOWN and refused.value.facts == {}
    assert words.refusal(refused.value) == "No such patient on your wards. /patients lists them."


def test_a_press_by_another_nurse_is_refused_and_audited(
    db: Database, setting: tuple[CheckService, StaffView, StaffView, int]
) -> None:
    checks, nurse, other, patient = setting
    view = _started(checks, nurse, patient).view
    with pytest.raises(RefusedError) as refused:
        checks.press(other, view.assessment_id, view.version, "alert")
    assert refused.value.code is CheckRefusal.NOT_YOURS
    with db.session() as session:
        actions = [row.action for row in session.exec(select(AuditLog)).all()]
    assert "check.press_not_holder" in actions


def test_a_stale_and_a_forged_press_are_refused_with_their_codes(
    db: Database, setting: tuple[CheckService, StaffView, StaffView, int]
) -> None:
    checks, nurse, _, patient = setting
    view = _started(checks, nurse, patient).view
    moved = checks.press(nurse, view.assessment_id, view.version, "alert").view
    with pytest.raises(RefusedError) as stale:
        checks.press(nurse, view.assessment_id, view.version, "drowsy")
    assert stale.value.code is CheckRefusal.STALE
    with pytest.raises(RefusedError) as forged:
        checks.press(nurse, view.assessment_id, moved.version, "pray")
    assert forged.value.code is CheckRefusal.INVALID_BUTTON
    with db.session() as session:
        invalid = session.exec(
            select(AuditLog).where(AuditLog.action == "check.press_invalid")
        ).one()
    assert invalid.detail["pressed"] == "pray"


def test_notices_are_codes_with_facts_and_keep_their_words(
    setting: tuple[CheckService, StaffView, StaffView, int],
) -> None:
    checks, nurse, _, patient = setting
    view = _started(checks, nurse, patient).view
    view = checks.press(nurse, view.assessment_id, view.version, "alert").view
    view = checks.press(nurse, view.assessment_id, view.version, "year.c").view
    shown = checks.press(nurse, view.assessment_id, view.version, "done")
    assert shown.notice is not None and shown.notice.code is CheckNotice.ANSWER_EVERY_ITEM
    assert shown.notice.items == ("month", "city", "hospital")
    assert check_words.notice(shown.notice) == "Answer every item first (month, city, hospital)."
    again = checks.start(nurse, patient_id=patient)
    assert isinstance(again, Shown) and again.resumed
    assert check_words.notice(again.notice) == "Resuming your check."
    typed = checks.free_text(nurse, "hello")
    assert typed is not None and typed.notice is not None
    assert check_words.notice(typed.notice) == "Please answer with the buttons."


# The sentences as they were when the services worded them (issue 12 moved them, unchanged).
BEFORE = {
    CheckRefusal.STALE: "This check has moved on; use the latest message.",
    CheckRefusal.FINISHED: "This check is already finished.",
    CheckRefusal.NOT_YOURS: "This check belongs to another nurse.",
    CheckRefusal.INVALID_BUTTON: "That button is not part of this check.",
    CheckRefusal.ALREADY_DONE: "This check has already been done.",
    CheckRefusal.PROMPT_MOVED_ON: "This prompt has moved on; nothing was snoozed.",
    CheckRefusal.CANNOT_WAIT: "The charge nurse has been alerted; this can no longer wait.",
}


@pytest.mark.parametrize("code", list(CheckRefusal))
def test_every_check_refusal_keeps_its_words(code: CheckRefusal) -> None:
    assert words.refusal(RefusedError(code)) == BEFORE[code]


@pytest.mark.parametrize(
    ("notice", "text"),
    [
        (Notice(CheckNotice.TAKEN_OVER), "You now hold this check."),
        (Notice(CheckNotice.TYPE_TEMPERATURE), "Type the temperature in C, e.g. 38.4"),
        (
            Notice(CheckNotice.TEMPERATURE_NOT_A_NUMBER, typed="hot"),
            "'hot' is not a temperature: type the temperature in C, 34.0 to 43.0 (e.g. 38.4).",
        ),
        (
            Notice(CheckNotice.TEMPERATURE_OUT_OF_RANGE, typed="45"),
            "'45' is outside 34.0-43.0 C: type the temperature in C, 34.0 to 43.0 (e.g. 38.4).",
        ),
    ],
)
def test_notices_keep_their_words(notice: Notice, text: str) -> None:
    assert check_words.notice(notice) == text


def test_a_typed_temperature_out_of_range_is_a_notice_with_what_was_typed(
    db: Database, setting: tuple[CheckService, StaffView, StaffView, int]
) -> None:
    checks, nurse, _, patient = setting
    view = _started(checks, nurse, patient).view
    with db.session() as session:  # this check asks the CRS questions, at the temperature
        row = session.get(Assessment, view.assessment_id)
        assert row is not None
        row.answers = {**row.answers, "crs_ask": True}
        row.step = "temperature"
    shown = checks.free_text(nurse, " 45 ")
    assert shown is not None and shown.notice == Notice(
        CheckNotice.TEMPERATURE_OUT_OF_RANGE, typed="45"
    )
