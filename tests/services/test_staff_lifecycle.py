"""The staff lifecycle against the real database: deactivation takes effect in one transaction
(access, duties, pages, held checks, queued messages, the menu), per-ward removal, reactivation,
role changes, refusals, the list and the last-seen stamp."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from bot.clinical import Urgency
from bot.services.checks import CheckService, Held, Shown
from bot.services.errors import RefusedError
from bot.services.escalations import EscalationRunner
from bot.services.menus import MenuService
from bot.services.staff import SEEN_EVERY, StaffService, StaffView
from bot.services.staff_admin import StaffAdminService, StaffRefusal
from storage.db import Database
from storage.models import (
    Assessment,
    AssessmentStatus,
    CheckStatus,
    DeliveryStatus,
    Duty,
    DutyAssignment,
    OutboundMessage,
    OutboxStatus,
    Role,
    ScheduledCheck,
    Staff,
    StaffWard,
)
from tests.services.test_escalations import (
    ADMIN,
    BACKUP,
    NURSE,
    PRIMARY,
    T0,
    Team,
    audits,
    deliver,
    deliveries,
    escalation,
    make_team,
    new_pages,
    open_alert,
    run_at,
)
from tests.support import factories
from tests.support.clock import FakeClock

HOUR = dt.timedelta(hours=1)
BERLIN_ZONE = "Europe/Berlin"
REASON = "removed in the chat by Admin Al"  # what the chat adapter writes for Al


@pytest.fixture
def team(db: Database) -> Team:
    return make_team(db, on_call=(PRIMARY, BACKUP))


@pytest.fixture
def admin(db: Database, clock: FakeClock) -> StaffAdminService:
    return StaffAdminService(db, clock)


@pytest.fixture
def runner(db: Database, clock: FakeClock) -> EscalationRunner:
    return EscalationRunner(db, clock)


def duties_of(db: Database, staff_id: int) -> list[tuple[int, Duty, dt.datetime, dt.datetime]]:
    with db.session() as session:
        rows = session.exec(
            select(DutyAssignment)
            .where(DutyAssignment.staff_id == staff_id)
            .order_by(col(DutyAssignment.starts_at))
        ).all()
        return [(r.ward_id, r.duty, r.starts_at, r.ends_at) for r in rows]


def queued(db: Database, chat_id: int, purpose: str) -> list[OutboundMessage]:
    with db.session() as session:
        return list(
            session.exec(
                select(OutboundMessage).where(
                    OutboundMessage.chat_id == chat_id, OutboundMessage.purpose == purpose
                )
            ).all()
        )


def test_a_deactivated_nurse_is_refused_and_her_duties_end_now(
    db: Database, team: Team, admin: StaffAdminService, clock: FakeClock
) -> None:
    nurse = team.ids[NURSE]
    factories.duty(db, team.ward, nurse, Duty.NURSE, T0 - 2 * HOUR)  # running: 06:00-18:00
    factories.duty(db, team.ward, nurse, Duty.NURSE, T0 + 22 * HOUR)  # planned: tomorrow
    staff = StaffService(db, clock)
    assert staff.find_active(NURSE) is not None
    clock.now = T0 + HOUR

    change = admin.deactivate(NURSE, ward_code=None, reason="left the hospital")

    assert change.action == "deactivated" and not change.person.active
    assert change.effects.duties_ended == 1 and change.effects.duties_cancelled == 1
    assert staff.find_active(NURSE) is None
    assert staff.run_as(NURSE, lambda s: s.id) is None
    assert duties_of(db, nurse) == [(team.ward, Duty.NURSE, T0 - 2 * HOUR, clock.now)]
    [row] = audits(db, "staff.deactivated")
    assert row.entity_id == nurse and row.detail["reason"] == "left the hospital"
    assert row.detail["via"] == "cli" and row.detail["duties_cancelled"] == 1
    assert [a.detail["duty"] for a in audits(db, "duty.ended_early")] == ["nurse"]
    assert len(audits(db, "duty.cancelled")) == 1
    assert len(queued(db, NURSE, "menu")) == 1, "her menu is removed"
    with db.session() as session:
        kept = session.exec(select(StaffWard).where(StaffWard.staff_id == nurse)).all()
        assert len(kept) == 1, "memberships stay, so that a reactivation restores them"


def test_messages_still_queued_to_a_deactivated_person_are_dropped(
    db: Database, team: Team, admin: StaffAdminService, clock: FakeClock
) -> None:
    from bot.services import outbox

    with db.session() as session:
        outbox.enqueue(
            session,
            chat_id=NURSE,
            purpose="ward_board",
            payload={"staff_id": team.ids[NURSE]},
            dedupe_key="board:x",
            now=T0,
        )
    change = admin.deactivate(NURSE, ward_code=None, reason="left")
    assert change.effects.messages_dropped == 1
    [board] = queued(db, NURSE, "ward_board")
    assert board.status is OutboxStatus.FAILED and board.error == "recipient withdrawn"
    [menu] = queued(db, NURSE, "menu")
    assert menu.status is OutboxStatus.PENDING


def test_a_deactivated_physicians_pending_page_skips_to_the_next_step(
    db: Database, team: Team, admin: StaffAdminService, runner: EscalationRunner, clock: FakeClock
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.HIGH)  # primary now, backup at 15
    run_at(runner, clock)
    [page] = deliveries(db, escalation_id)
    assert page.chat_id == PRIMARY and page.status is DeliveryStatus.PENDING
    clock.now = T0 + dt.timedelta(minutes=1)

    change = admin.deactivate(PRIMARY, ward_code=None, reason="left")

    assert change.effects.pages_withdrawn == 1 and change.effects.duties_ended == 1
    [page] = deliveries(db, escalation_id)
    assert page.status is DeliveryStatus.SKIPPED
    [message] = queued(db, PRIMARY, "alert")
    assert message.status is OutboxStatus.FAILED, "the page never leaves"
    assert escalation(db, escalation_id).next_step_at == clock.now, "the chain moves on now"
    assert new_pages(db, runner, clock, clock.now) == {BACKUP}
    [withdrawn] = audits(db, "escalation.page_withdrawn")
    assert withdrawn.detail["staff_id"] == team.ids[PRIMARY]


def test_a_page_already_read_by_a_deactivated_physician_moves_the_chain_on(
    db: Database, team: Team, admin: StaffAdminService, runner: EscalationRunner, clock: FakeClock
) -> None:
    escalation_id = open_alert(db, team.patient, Urgency.HIGH)
    run_at(runner, clock)
    deliver(db, clock)
    assert escalation(db, escalation_id).next_step_at == T0 + dt.timedelta(minutes=10)
    clock.now = T0 + dt.timedelta(minutes=2)
    admin.deactivate(PRIMARY, ward_code=None, reason="left")
    assert escalation(db, escalation_id).next_step_at == clock.now
    assert new_pages(db, runner, clock, clock.now) == {BACKUP}


def test_a_page_of_a_colleague_still_out_keeps_the_chain_waiting(
    db: Database, team: Team, admin: StaffAdminService, runner: EscalationRunner, clock: FakeClock
) -> None:
    second = factories.staff(db, 704, "Dr Inez", Role.PHYSICIAN, [team.ward])
    factories.duty(db, team.ward, second, Duty.PRIMARY, T0 - HOUR)
    escalation_id = open_alert(db, team.patient, Urgency.HIGH)
    run_at(runner, clock)
    admin.deactivate(PRIMARY, ward_code=None, reason="left")
    assert escalation(db, escalation_id).next_step_at == T0 + dt.timedelta(minutes=10)


def test_removal_from_one_ward_of_several_takes_only_that_ward(
    db: Database, team: Team, admin: StaffAdminService, runner: EscalationRunner, clock: FakeClock
) -> None:
    h8 = factories.ward(db, "H8", "Haematology 8")
    primary = team.ids[PRIMARY]
    with db.session() as session:
        session.add(StaffWard(staff_id=primary, ward_id=h8))
    factories.duty(db, h8, primary, Duty.PRIMARY, T0 - HOUR)
    h8_patient = factories.patient(db, h8, "Bed 1")
    on_h7 = open_alert(db, team.patient, Urgency.HIGH)
    on_h8 = open_alert(db, h8_patient, Urgency.HIGH)
    run_at(runner, clock)

    change = admin.deactivate(PRIMARY, ward_code="h8", reason="moved to H7 only")

    assert change.action == "ward_removed" and change.ward_codes == ("H8",)
    assert change.person.active and change.person.ward_codes == ("H7",)
    assert StaffService(db, clock).find_active(PRIMARY) is not None
    assert [(w, d) for w, d, _, end in duties_of(db, primary) if end > clock.now] == [
        (team.ward, Duty.PRIMARY)
    ]
    assert [d.status for d in deliveries(db, on_h7)] == [DeliveryStatus.PENDING]
    assert [d.status for d in deliveries(db, on_h8)] == [DeliveryStatus.SKIPPED]
    [row] = audits(db, "staff.ward_removed")
    assert row.detail["wards"] == ["H8"] and row.detail["pages_withdrawn"] == 1


def test_a_check_held_by_a_deactivated_nurse_is_released_for_takeover(
    db: Database, team: Team, admin: StaffAdminService, clock: FakeClock
) -> None:
    from zoneinfo import ZoneInfo

    checks = CheckService(db, clock, ZoneInfo(BERLIN_ZONE))
    with db.session() as session:
        row = ScheduledCheck(
            patient_id=team.patient,
            due_at=T0,
            status=CheckStatus.PROMPTED,
            prompted_at=T0,
            reminder_level=1,
            next_action_at=T0 + dt.timedelta(minutes=15),
        )
        session.add(row)
        session.flush()
        check_id = row.id
    started = checks.start(team.view(NURSE), patient_id=team.patient, scheduled_check_id=check_id)
    assert isinstance(started, Shown)
    charge = StaffView(team.ids[502], 502, "Charge Nurse Bea", Role.CHARGE_NURSE, (team.ward,))
    before = checks.start(charge, patient_id=team.patient)
    assert isinstance(before, Held) and not before.released
    clock.now = T0 + dt.timedelta(minutes=5)

    assert admin.deactivate(NURSE, ward_code=None, reason="left").effects.checks_released == 1

    with db.session() as session:
        scheduled = session.get(ScheduledCheck, check_id)
        assert scheduled is not None
        assert scheduled.status is CheckStatus.PROMPTED and scheduled.assessment_id is None
        assert scheduled.next_action_at == clock.now, "the nurses on duty are reminded now"
    held = checks.start(charge, patient_id=team.patient, scheduled_check_id=check_id)
    assert isinstance(held, Held), "the answers so far stay, to be taken over"
    assert held.released
    taken = checks.take_over(charge, held.assessment_id, held.version)
    assert isinstance(taken, Shown)
    with db.session() as session:
        scheduled = session.get(ScheduledCheck, check_id)
        assessment = session.get(Assessment, held.assessment_id)
        assert scheduled is not None and assessment is not None
        assert scheduled.status is CheckStatus.IN_PROGRESS
        assert scheduled.assessment_id == assessment.id
        assert assessment.status is AssessmentStatus.IN_PROGRESS
        assert assessment.holder_id == team.ids[502]
    assert len(audits(db, "check.released")) == 1


def test_reactivation_restores_access_and_the_menu(
    db: Database, team: Team, admin: StaffAdminService, clock: FakeClock
) -> None:
    admin.deactivate(NURSE, ward_code=None, reason="long leave")
    change = admin.reactivate(NURSE, ward_code=None)
    assert change.action == "reactivated" and change.person.ward_codes == ("H7",)
    assert StaffService(db, clock).find_active(NURSE) is not None
    assert len(queued(db, NURSE, "menu")) == 2
    assert len(audits(db, "staff.reactivated")) == 1
    with pytest.raises(RefusedError) as refused:
        admin.reactivate(NURSE, ward_code=None)
    assert refused.value.code is StaffRefusal.ALREADY_ACTIVE


def test_reactivation_onto_a_ward_adds_it(
    db: Database, team: Team, admin: StaffAdminService
) -> None:
    factories.ward(db, "H8", "Haematology 8")
    change = admin.reactivate(NURSE, ward_code="H8")
    assert change.action == "ward_added" and change.person.ward_codes == ("H7", "H8")


def test_a_role_change_ends_the_duties_the_new_role_cannot_hold(
    db: Database, team: Team, admin: StaffAdminService, clock: FakeClock
) -> None:
    factories.duty(db, team.ward, team.ids[PRIMARY], Duty.PRIMARY, T0 + 2 * HOUR)
    change = admin.change_role(PRIMARY, Role.ADMIN)
    assert change.previous_role is Role.PHYSICIAN and change.person.role is Role.ADMIN
    assert change.effects.duties_ended == 1 and change.effects.duties_cancelled == 1
    [row] = audits(db, "staff.role_changed")
    assert row.detail["old"] == "physician" and row.detail["new"] == "admin"
    assert len(queued(db, PRIMARY, "menu")) == 1
    assert admin.change_role(PRIMARY, Role.ADMIN).action == "unchanged"


@pytest.mark.parametrize(
    ("telegram_id", "ward", "reason", "code"),
    [
        (999, None, "left", StaffRefusal.UNKNOWN_PERSON),
        (NURSE, "ZZ", "left", StaffRefusal.UNKNOWN_WARD),
        (NURSE, "H8", "left", StaffRefusal.NOT_ON_WARD),
        (NURSE, None, "   ", StaffRefusal.REASON_REQUIRED),
    ],
)
def test_bad_requests_are_refused_with_a_code_and_change_nothing(
    db: Database,
    team: Team,
    admin: StaffAdminService,
    telegram_id: int,
    ward: str | None,
    reason: str,
    code: StaffRefusal,
) -> None:
    factories.ward(db, "H8", "Haematology 8")
    with pytest.raises(RefusedError) as refused:
        admin.deactivate(telegram_id, ward_code=ward, reason=reason)
    assert refused.value.code is code
    assert audits(db, "staff.deactivated") == [] and audits(db, "staff.ward_removed") == []


def test_deactivating_twice_is_refused(db: Database, team: Team, admin: StaffAdminService) -> None:
    admin.deactivate(NURSE, ward_code=None, reason="left")
    with pytest.raises(RefusedError) as refused:
        admin.deactivate(NURSE, ward_code=None, reason="left")
    assert refused.value.code is StaffRefusal.ALREADY_INACTIVE


def test_the_list_shows_everyone_or_a_wards_members(
    db: Database, team: Team, admin: StaffAdminService, clock: FakeClock
) -> None:
    h8 = factories.ward(db, "H8", "Haematology 8")
    factories.staff(db, 601, "Zoe Other", Role.NURSE, [h8])
    StaffService(db, clock).find_active(NURSE)
    admin.deactivate(BACKUP, ward_code=None, reason="left")
    rows = {r.telegram_user_id: r for r in admin.everyone()}
    assert len(rows) == 7
    assert rows[NURSE].last_seen_at == T0 and rows[PRIMARY].last_seen_at is None
    assert not rows[BACKUP].active and rows[BACKUP].deactivated_at == T0
    assert rows[601].ward_codes == ("H8",)
    assert [r.telegram_user_id for r in admin.everyone("h8")] == [601]


def test_last_seen_is_written_at_most_every_few_minutes(
    db: Database, team: Team, clock: FakeClock
) -> None:
    staff = StaffService(db, clock)

    def seen() -> dt.datetime | None:
        with db.session() as session:
            row = session.get(Staff, team.ids[NURSE])
            assert row is not None
            return row.last_seen_at

    staff.find_active(NURSE)
    assert seen() == T0
    clock.now = T0 + SEEN_EVERY - dt.timedelta(seconds=1)
    staff.run_as(NURSE, lambda s: s.id)
    assert seen() == T0
    clock.now = T0 + SEEN_EVERY
    staff.run_as(NURSE, lambda s: s.id)
    assert seen() == clock.now


def test_an_admin_in_the_chat_removes_someone_from_the_admins_wards_only(
    db: Database, team: Team, admin: StaffAdminService
) -> None:
    h8 = factories.ward(db, "H8", "Haematology 8")
    with db.session() as session:
        session.add(StaffWard(staff_id=team.ids[NURSE], ward_id=h8))
    al = StaffView(team.ids[ADMIN], ADMIN, "Admin Al", Role.ADMIN, (team.ward,))
    change = admin.deactivate_by(al, team.ids[NURSE], reason=REASON)
    assert change.action == "ward_removed" and change.person.ward_codes == ("H8",)
    [row] = audits(db, "staff.ward_removed")
    assert row.actor_staff_id == team.ids[ADMIN] and row.detail["via"] == "chat"


def test_in_the_chat_only_an_admin_of_the_persons_ward_may_deactivate(
    db: Database, team: Team, admin: StaffAdminService
) -> None:
    h8 = factories.ward(db, "H8", "Haematology 8")
    other_admin = factories.staff(db, 802, "Admin Bo", Role.ADMIN, [h8])
    bo = StaffView(other_admin, 802, "Admin Bo", Role.ADMIN, (h8,))
    al = StaffView(team.ids[ADMIN], ADMIN, "Admin Al", Role.ADMIN, (team.ward,))
    cases = [
        (bo, team.ids[NURSE], StaffRefusal.NOT_YOUR_STAFF),
        (team.view(PRIMARY), team.ids[NURSE], StaffRefusal.NOT_ADMIN),
        (al, team.ids[ADMIN], StaffRefusal.SELF),
    ]
    for actor, target, code in cases:
        with pytest.raises(RefusedError) as refused:
            admin.deactivate_by(actor, target, reason=REASON)
        assert refused.value.code is code
    admin.deactivate_by(al, team.ids[NURSE], reason=REASON)
    with pytest.raises(RefusedError) as refused:
        admin.deactivate_by(al, team.ids[NURSE], reason=REASON)
    assert refused.value.code is StaffRefusal.ALREADY_INACTIVE
    assert admin.reactivate_by(al, team.ids[NURSE]).action == "reactivated"


def test_start_up_queues_every_menu_once_per_release(
    db: Database, team: Team, clock: FakeClock
) -> None:
    """A restart or a second instance of the same release queues nothing more; a release
    whose command lists differ queues everyone again."""
    assert MenuService(db, clock).queue_all("release-1") == 6
    assert MenuService(db, clock).queue_all("release-1") == 0
    assert MenuService(db, clock).queue_all("release-2") == 6
    target = MenuService(db, clock).target(team.ids[NURSE])
    assert target is not None and target.role is Role.NURSE and target.chat_id == NURSE


def test_the_rota_gap_warning_fires_when_the_primary_is_deactivated(
    db: Database, team: Team, admin: StaffAdminService, clock: FakeClock
) -> None:
    from zoneinfo import ZoneInfo

    from bot.services import rota_gaps

    factories.plan(db, team.patient, T0 - 30 * HOUR, created_at=T0 - 30 * HOUR)
    factories.duty(db, team.ward, team.ids[PRIMARY], Duty.PRIMARY, T0 + 11 * HOUR)
    with db.session() as session:
        assert rota_gaps.warn_gaps(session, clock.now, ZoneInfo(BERLIN_ZONE)) == 0
    clock.now = T0 + HOUR
    admin.deactivate(PRIMARY, ward_code=None, reason="left")
    with db.session() as session:
        assert rota_gaps.warn_gaps(session, clock.now, ZoneInfo(BERLIN_ZONE)) == 2
    [warned] = audits(db, "oncall.gap_warned")
    assert warned.ward_id == team.ward and warned.detail["gap_end"] is None
