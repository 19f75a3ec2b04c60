"""CRS in the check round end to end: the nurse's taps, the stored grade, the physician's alert."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from bot.services.wards import WardService
from storage.db import Database
from storage.models import AssessmentAnswer, AuditLog, Escalation, GradeResult, Patient
from tests.e2e.test_check import NORMAL_ADULT_CHECK, start, tap
from tests.e2e.test_escalation import NURSE, PRIMARY, ward
from tests.support import factories
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck")
__all__ = ["ward"]  # the escalation tests' ward: a nurse, physicians on call, Bed 4

ICANS_NORMAL = NORMAL_ADULT_CHECK[:-1]  # every ICANS tap up to the note
"""ICE 10, nothing else: ICANS grade 0."""


@pytest.fixture
def on_infusion(db: Database, clock: FakeClock, ward: int) -> int:
    """Bed 4 started relapsed/refractory cycle 1 an hour ago: its hospital days, the
    intensive window, in which every check asks the CRS questions."""
    with db.session() as session:
        patient = session.exec(select(Patient)).one()
        patient_id = patient.id or 0
    start = clock() - dt.timedelta(hours=1)
    factories.plan(db, patient_id, start, created_at=start)
    return patient_id


def graded(db: Database) -> GradeResult:
    with db.session() as session:
        return session.exec(select(GradeResult).order_by(col(GradeResult.id).desc())).first()  # type: ignore[return-value]


async def to_temperature(nurse: SimUser) -> SentMessage:
    question = await tap(nurse, await start(nurse, "Bed 4"), *ICANS_NORMAL)
    assert "CRS. Temperature now" in (question.text or "")
    return question


@pytest.mark.usefixtures("on_infusion")
async def test_fever_and_one_vasopressor_is_crs_grade_3_and_a_critical_alert_with_both_grades(
    tg: FakeTelegram, db: Database
) -> None:
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    question = await to_temperature(nurse)
    assert question.button_texts()[:2] == [
        ["36.5 °C", "37.0 °C", "37.5 °C"],
        ["38.0 °C", "38.5 °C"],
    ]
    summary = await tap(
        nurse, question, "38.5 °C", "BP: one vasopressor", "O2: none", "None of these given"
    )
    summary = await tap(nurse, summary, "Skip")
    text = summary.text or ""
    assert "CRS: 38.5 °C, one vasopressor, no oxygen, no antipyretic/tocilizumab/steroid" in text
    assert "ICANS grade 0 · CRS grade 3 (ASTCT)" in text
    done = await tap(nurse, summary, "Submit")
    assert "CRITICAL: paging the physician on call now" in (done.text or "")

    row = graded(db)
    assert (row.icans_grade, row.crs_grade, row.temperature_c) == (0, 3, 38.5)
    assert row.crs_inputs == {
        "hypotension": "one_vasopressor",
        "oxygen": "none",
        "treated": False,
        "flags": [],
    }
    alert = await primary.next_message()
    alert_text = alert.text or ""
    assert alert_text.startswith("🔴 CRITICAL: Bed 4 (ward H7)")
    assert (
        "Why: CRS grade 3 or 4; CRS grade rose; first fever (38.0 °C or more) this cycle"
        in alert_text
    )
    assert "ICANS grade 0 · CRS grade 3 (ASTCT)" in alert_text
    with db.session() as session:
        escalation = session.exec(select(Escalation)).one()
        stored = {
            a.item: a.value
            for a in session.exec(select(AssessmentAnswer)).all()
            if a.item in ("temperature", "pressure", "oxygen", "treated")
        }
        submitted = session.exec(select(AuditLog).where(AuditLog.action == "check.submitted")).one()
    assert escalation.urgency == "critical"
    assert escalation.reasons == ["crs_3_or_4", "crs_rose", "first_fever"]
    assert stored == {
        "temperature": "38.5",
        "pressure": "one_vasopressor",
        "oxygen": "none",
        "treated": "no",
    }
    assert submitted.detail["crs_grade"] == 3 and submitted.detail["temperature_c"] == 38.5
    await nurse.send("/patients")
    board = await reply_with(nurse, "Bed 4")
    assert "CRS grade 3, 38.5 °C (24 Nov 09:00)" in board
    await nurse.send("/timeline Bed 4")
    trail = await reply_with(nurse, "Check submitted")
    assert "Check submitted by Nurse Ada: ICANS 0 (ICE 10), CRS grade 3, 38.5 °C" in trail
    await nurse.send("/history Bed 4")
    history = await reply_with(nurse, "latest grade 0")
    assert "24 Nov 09:00 · ICE 10 · CRS grade 3, 38.5 °C · grade 0 · Nurse Ada" in history


async def reply_with(user: SimUser, wanted: str) -> str:
    """The text of the next message to ``user`` that contains ``wanted``."""
    for _ in range(10):
        text = (await user.next_message()).text or ""
        if wanted in text:
            return text
    raise AssertionError(f"no message with {wanted!r}")


@pytest.mark.usefixtures("on_infusion")
async def test_a_treated_afebrile_patient_is_graded_by_the_engines_rule(
    tg: FakeTelegram, db: Database
) -> None:
    """After an antipyretic or tocilizumab fever is no longer required: 37.0 C with fluids
    is grade 2 (the hypotension row), and the rise from no CRS is paged as high."""
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    question = await to_temperature(nurse)
    summary = await tap(
        nurse,
        question,
        "37.0 °C",
        "BP: responds to fluids",
        "O2: none",
        "Given: antipyretic, tocilizumab or steroid",
        "Skip",
    )
    assert "ICANS grade 0 · CRS grade 2 (ASTCT)" in (summary.text or "")
    await tap(nurse, summary, "Submit")
    row = graded(db)
    assert (row.crs_grade, row.temperature_c, row.crs_inputs["treated"]) == (2, 37.0, True)
    alert = await primary.next_message()
    assert (alert.text or "").startswith("🟠 HIGH: Bed 4")
    assert "Why: CRS grade rose" in (alert.text or "")


@pytest.mark.usefixtures("on_infusion")
async def test_a_typed_temperature_is_validated_and_the_next_buttons_sit_around_it(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    nurse = tg.user(NURSE)
    await to_temperature(nurse)
    await nurse.send("45")
    assert "outside 34.0-43.0 C" in ((await nurse.next_message()).text or "")
    again = await nurse.next_message()
    assert "CRS. Temperature now?" in (again.text or "")
    await nurse.send("38,1")
    pressure = await nurse.next_message()
    assert "CRS. Blood pressure" in (pressure.text or "")
    summary = await tap(nurse, pressure, "BP: no support", "O2: none", "None of these given")
    await tap(nurse, summary, "Skip", "Submit")
    assert graded(db).crs_grade == 1  # fever alone
    clock.advance(hours=8)
    question = await to_temperature(nurse)
    assert "last recorded 38.1 °C" in (question.text or "")
    assert question.button_texts()[0] == ["37.6 °C", "38.1 °C", "38.6 °C"]


@pytest.mark.usefixtures("ward")
async def test_outside_an_intensive_window_an_adhoc_check_does_not_ask(
    tg: FakeTelegram, db: Database
) -> None:
    """No plan: no intensive window, so the note follows the ICANS domains directly."""
    nurse = tg.user(NURSE)
    question = await tap(nurse, await start(nurse, "Bed 4"), *ICANS_NORMAL)
    assert "Optional: type a note" in (question.text or "")
    summary = await tap(nurse, question, "Skip")
    assert "CRS" not in (summary.text or "")
    await tap(nurse, summary, "Submit")
    assert graded(db).crs_grade is None


@pytest.mark.usefixtures("on_infusion")
async def test_a_ward_that_switched_crs_off_is_not_asked(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    WardService(db, clock).configure("H7", {"crs.ask": "off"})
    nurse = tg.user(NURSE)
    question = await tap(nurse, await start(nurse, "Bed 4"), *ICANS_NORMAL)
    assert "Optional: type a note" in (question.text or "")
    await tap(nurse, question, "Skip", "Submit")
    assert graded(db).crs_grade is None
