"""What physicians do with an alert: view it, decide, attribute a finding elsewhere, list the
open ones. Acknowledgement itself is covered with the escalation chain (test_escalations)."""

from __future__ import annotations

import datetime as dt
from functools import partial

from sqlmodel import col, select

from bot.clinical import Domain, Urgency
from bot.services.alerts import Acknowledged, AlertService, AlertView
from bot.services.escalations import MISSED_CHECK, EscalationRunner
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import (
    ClinicalEvent,
    ClinicalEventKind,
    EscalationStatus,
    GradeResult,
    Role,
)
from tests.services.test_escalations import (
    BACKUP,
    ICE_8,
    NO_ALERT,
    NURSE,
    PRIMARY,
    T0,
    Team,
    alerts,
    audits,
    deliver,
    escalation,
    graded_check,
    messages,
    missed_check,
    open_alert,
    refusal_of,
    run_at,
    runner,
    team,
)
from tests.support import factories
from tests.support.clock import FakeClock

__all__ = ["alerts", "runner", "team"]  # fixtures shared with test_escalations

LATER = T0 + dt.timedelta(minutes=7)


def check_alert(db: Database, team: Team) -> int:
    """A HIGH alert raised by the nurse's ICE 8 check at T0."""
    grade = graded_check(db, team, T0)
    return open_alert(db, team.patient, Urgency.HIGH, grade_result_id=grade)


def grade_rows(db: Database) -> list[GradeResult]:
    with db.session() as session:
        return list(session.exec(select(GradeResult).order_by(col(GradeResult.id))).all())


def acknowledged(alerts: AlertService, team: Team, escalation_id: int, who: int = PRIMARY) -> None:
    assert isinstance(alerts.acknowledge(team.view(who), escalation_id, "ack"), Acknowledged)


# -- view ---------------------------------------------------------------------------------------


def test_the_view_of_a_check_alert_names_the_check_and_its_grade(
    db: Database, team: Team, alerts: AlertService
) -> None:
    escalation_id = check_alert(db, team)
    view = alerts.view(escalation_id)
    assert view is not None
    assert (view.escalation_id, view.urgency, view.status) == (
        escalation_id,
        Urgency.HIGH,
        EscalationStatus.OPEN,
    )
    assert (view.label, view.ward_code, view.created_at) == ("Bed 4", "H7", T0)
    assert view.reasons == ("grade_rose",) and view.source == "check"
    assert view.result is not None and view.result.icans_grade == 1
    assert view.check is not None and view.check.holder_name == "Nurse Ada"
    assert (view.reported_by, view.reported_at) == ("Nurse Ada", T0)
    assert view.attributable == (Domain.ICE,)
    assert view.regraded is None and view.acknowledged_by is None and view.decisions == ()
    assert view.previous is None and view.seizures == 0


def test_the_view_compares_with_the_check_before(
    db: Database, team: Team, alerts: AlertService
) -> None:
    normal = {**ICE_8, "ice": dict.fromkeys(ICE_8["ice"], "correct")}
    graded_check(db, team, T0 - dt.timedelta(hours=4), normal)
    view = alerts.view(check_alert(db, team))
    assert view is not None and view.previous is not None
    assert view.previous.at == T0 - dt.timedelta(hours=4)
    assert view.previous.result.icans_grade == 0


def test_the_view_of_an_event_alert_names_the_event_and_who_reported_it(
    db: Database, team: Team, alerts: AlertService
) -> None:
    seen = T0 - dt.timedelta(minutes=10)
    with db.session() as session:
        event = ClinicalEvent(
            patient_id=team.patient,
            kind=ClinicalEventKind.SEIZURE,
            detail={"finding": "focal seizure, resolved"},
            occurred_at=seen,
            reported_by_id=team.ids[NURSE],
            reported_at=T0,
        )
        session.add(event)
        session.flush()
        grade = GradeResult(
            patient_id=team.patient,
            event_id=event.id,
            ruleset="test",
            icans_grade=3,
            domain_grades={"seizure": 3},
            recorded_seizure="resolved_rapidly",
            graded_at=T0,
        )
        session.add(grade)
        session.flush()
        grade_id = grade.id
    escalation_id = open_alert(
        db, team.patient, Urgency.CRITICAL, reasons=["seizure"], grade_result_id=grade_id
    )
    view = alerts.view(escalation_id)
    assert view is not None
    assert (view.event_finding, view.reported_by, view.reported_at) == (
        "focal seizure, resolved",
        "Nurse Ada",
        seen,
    )
    assert view.check is None and view.seizures == 1
    assert view.attributable == (), "an event has no check to re-grade"
    acknowledged(alerts, team, escalation_id)
    [told] = messages(db, "alert_ack_nurse")
    assert told.chat_id == NURSE


def test_the_view_of_a_missed_check_alert_says_when_it_was_due(
    db: Database, team: Team, alerts: AlertService
) -> None:
    check = missed_check(db, team)
    escalation_id = open_alert(
        db, team.patient, Urgency.NORMAL, source=MISSED_CHECK, scheduled_check_id=check
    )
    view = alerts.view(escalation_id)
    assert view is not None
    assert view.missed_due_at == T0 - dt.timedelta(hours=1)
    assert view.result is None and view.check is None


def test_there_is_no_view_of_an_unknown_alert(db: Database, alerts: AlertService) -> None:
    assert alerts.view(12345) is None


# -- decisions ----------------------------------------------------------------------------------


def test_a_decision_needs_an_acknowledgement_first(
    db: Database, team: Team, alerts: AlertService
) -> None:
    escalation_id = check_alert(db, team)
    assert (
        refusal_of(lambda: alerts.decide(team.view(PRIMARY), escalation_id, "hold"))
        == "Acknowledge the alert first."
    )
    assert audits(db, "escalation.decision") == []


def test_a_decision_is_recorded_shown_and_edits_every_copy(
    db: Database,
    team: Team,
    runner: EscalationRunner,
    clock: FakeClock,
    alerts: AlertService,
) -> None:
    escalation_id = check_alert(db, team)
    run_at(runner, clock)
    deliver(db, clock, message_id=31)
    acknowledged(alerts, team, escalation_id)
    edits_before = len(messages(db, "alert_edit"))
    clock.now = LATER
    view = alerts.decide(team.view(BACKUP), escalation_id, "hold")
    assert isinstance(view, AlertView)
    assert view.decisions == ((LATER, "hold", "Dr Bex"),)
    [decision] = audits(db, "escalation.decision")
    assert (decision.actor_staff_id, decision.detail["decision"]) == (team.ids[BACKUP], "hold")
    edits = messages(db, "alert_edit")[edits_before:]
    assert [(m.chat_id, m.payload["decide"]) for m in edits] == [(PRIMARY, True)]


def test_decisions_accumulate_in_order(db: Database, team: Team, alerts: AlertService) -> None:
    escalation_id = check_alert(db, team)
    acknowledged(alerts, team, escalation_id)
    alerts.decide(team.view(PRIMARY), escalation_id, "hold")
    view = alerts.decide(team.view(PRIMARY), escalation_id, "dexamethasone")
    assert isinstance(view, AlertView)
    assert [d for _, d, _ in view.decisions] == ["hold", "dexamethasone"]


def test_an_unknown_decision_or_a_stranger_is_rejected(
    db: Database, team: Team, alerts: AlertService
) -> None:
    escalation_id = check_alert(db, team)
    acknowledged(alerts, team, escalation_id)
    assert refusal_of(lambda: alerts.decide(team.view(PRIMARY), escalation_id, "pray")) == NO_ALERT
    elsewhere = factories.ward(db, "H8", "Haematology 8")
    stranger = StaffView(999, 999, "Dr Oz", Role.PHYSICIAN, (elsewhere,))
    assert refusal_of(lambda: alerts.decide(stranger, escalation_id, "hold")) == NO_ALERT
    assert audits(db, "escalation.decision") == []


# -- attribution --------------------------------------------------------------------------------


def test_attributing_a_finding_elsewhere_regrades_as_a_new_row(
    db: Database, team: Team, clock: FakeClock, alerts: AlertService
) -> None:
    escalation_id = check_alert(db, team)
    clock.now = LATER
    view = alerts.attribute(team.view(PRIMARY), escalation_id, "ice")
    assert isinstance(view, AlertView)
    old, new = grade_rows(db)
    assert (old.current, old.icans_grade, old.attributed_elsewhere) == (False, 1, [])
    assert (new.current, new.icans_grade, new.attributed_elsewhere) == (True, 0, ["ice"])
    assert (new.supersedes_id, new.graded_by_id, new.graded_at) == (
        old.id,
        team.ids[PRIMARY],
        old.graded_at,
    )
    assert new.assessment_id == old.assessment_id
    assert "Staff 701" in (new.attribution_reason or "")
    assert view.regraded is not None and view.regraded.icans_grade == 0
    assert view.result is not None and view.result.icans_grade == 1, "the alert's own grade stays"
    assert view.attributable == ()
    [audit] = audits(db, "grade.attributed")
    assert (audit.detail["icans_grade_before"], audit.detail["icans_grade_after"]) == (1, 0)
    assert escalation(db, escalation_id).grade_result_id == old.id


def test_a_regrade_keeps_the_checks_crs_grade(
    db: Database, team: Team, clock: FakeClock, alerts: AlertService
) -> None:
    """Attribution re-reads the neuro findings; the CRS observations stay as they were, so
    the board and the next check's comparison still find the CRS grade on the current row."""
    escalation_id = check_alert(db, team)
    with db.session() as session:
        row = session.exec(select(GradeResult)).one()
        row.crs_grade, row.temperature_c = 2, 38.6
        row.crs_inputs = {"hypotension": "fluids_only", "oxygen": "none", "treated": False}
    clock.now = LATER
    assert isinstance(alerts.attribute(team.view(PRIMARY), escalation_id, "ice"), AlertView)
    old, new = grade_rows(db)
    assert (new.current, new.crs_grade, new.temperature_c) == (True, 2, 38.6)
    assert new.crs_inputs == old.crs_inputs


def test_only_a_physician_may_attribute(db: Database, team: Team, alerts: AlertService) -> None:
    escalation_id = check_alert(db, team)
    answer = refusal_of(lambda: alerts.attribute(team.view(NURSE), escalation_id, "ice"))
    assert "Only a physician" in answer
    assert len(grade_rows(db)) == 1


def test_a_finding_is_attributed_once_and_only_one_that_counts(
    db: Database, team: Team, alerts: AlertService
) -> None:
    escalation_id = check_alert(db, team)
    physician = team.view(PRIMARY)
    assert isinstance(alerts.attribute(physician, escalation_id, "ice"), AlertView)
    for domain in ("ice", "seizure", "nonsense"):
        answer = refusal_of(partial(alerts.attribute, physician, escalation_id, domain))
        assert "cannot be attributed" in answer, domain
    assert len(grade_rows(db)) == 2


def test_an_alert_without_a_check_has_nothing_to_attribute(
    db: Database, team: Team, alerts: AlertService
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.HIGH)
    answer = refusal_of(lambda: alerts.attribute(team.view(PRIMARY), escalation_id, "ice"))
    assert "cannot be attributed" in answer


# -- open alerts --------------------------------------------------------------------------------


def test_open_alerts_lists_climbing_and_run_out_alerts_of_my_wards_newest_first(
    db: Database,
    team: Team,
    runner: EscalationRunner,
    clock: FakeClock,
    alerts: AlertService,
) -> None:
    beds = [team.patient] + [factories.patient(db, team.ward, f"Bed {n}") for n in (5, 6, 7)]
    exhausted = open_alert(db, beds[0], Urgency.NORMAL, T0)
    for minute in (0, 30, 61):
        run_at(runner, clock, minutes=minute)
    assert escalation(db, exhausted).status is EscalationStatus.EXHAUSTED
    climbing = open_alert(db, beds[1], Urgency.HIGH, T0 + dt.timedelta(minutes=62))
    acked = open_alert(db, beds[2], Urgency.HIGH, T0 + dt.timedelta(minutes=63))
    acknowledged(alerts, team, acked)
    info = open_alert(db, beds[3], Urgency.INFO, T0 + dt.timedelta(minutes=64))
    run_at(runner, clock, minutes=64)
    assert escalation(db, info).status is EscalationStatus.CLOSED
    elsewhere = factories.ward(db, "H8", "Haematology 8")
    open_alert(db, factories.patient(db, elsewhere, "Bed 1"), Urgency.CRITICAL)
    listed = alerts.open_alerts(team.view(PRIMARY))
    assert [v.escalation_id for v in listed] == [climbing, exhausted]
    assert [v.label for v in listed] == ["Bed 5", "Bed 4"]
