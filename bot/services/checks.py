"""Use cases of the neuro check: start, answer, take over, submit. One transaction each.

The conversation's state is the ``assessment`` row (see ``flow.py``); every press carries the
row's version, so a doubled, stale or replayed press changes nothing, and any process (after
a restart, or a second instance) can take the next press. The row is locked for the update
(``FOR UPDATE`` on PostgreSQL; SQLite transactions begin IMMEDIATE).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from bot.clinical import (
    CrsResult,
    IcansResult,
    Tool,
    Triggers,
    escalation,
    grade_icans,
    select_tool,
)
from bot.clinical.crs_triggers import join
from bot.services import (
    abandoned,
    crs_round,
    escalations,
    flow,
    flow_crs,
    grades,
    oplog,
    prompt_copies,
)
from bot.services.grades import GradeSummary
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import (
    Assessment,
    AssessmentAnswer,
    AssessmentStatus,
    CheckStatus,
    Patient,
    PatientStatus,
    ScheduledCheck,
    Staff,
)
from storage.repositories import audit
from storage.repositories import patients as patients_repo
from storage.repositories import staff as staff_repo

if TYPE_CHECKING:
    from bot.services.schedule import ScheduleRules

Clock = Callable[[], dt.datetime]
NOTE_MAX_CHARS = 1000
EARLY_START = dt.timedelta(hours=1)  # a check this close to its due time counts for it


@dataclass(frozen=True)
class CheckView:
    """Everything the Telegram layer needs to draw the current question or the result."""

    assessment_id: int
    version: int
    step: str
    tool: Tool
    label: str
    status: AssessmentStatus
    holder_name: str
    answers: Mapping[str, Any]
    is_baseline: bool
    note: str | None
    has_photo: bool
    chat_id: int | None
    message_id: int | None
    grade: IcansResult | None = None
    previous: GradeSummary | None = None
    baseline: GradeSummary | None = None
    triggers: Triggers | None = None
    crs: CrsResult | None = None  # when the check asked the CRS questions


@dataclass(frozen=True)
class Shown:
    """The check goes on: draw ``view`` (edit the tracked message, or send a new one)."""

    view: CheckView
    notice: str | None = None
    new_message: bool = False
    displaced: CheckView | None = None  # the previous holder's view after a take-over
    resumed: bool = False  # the actor's own check, already open: lead back to its question


@dataclass(frozen=True)
class Rejected:
    """Nothing changed; tell the person why (a pop-up for a press, a reply for a command)."""

    notice: str


@dataclass(frozen=True)
class Held:
    """Somebody else holds the check on this patient; offer an explicit take-over."""

    assessment_id: int
    version: int
    label: str
    holder_name: str
    since: dt.datetime
    released: bool = False  # the holder was deactivated or left the ward: take it over


StartResult = Shown | Rejected | Held
PressResult = Shown | Rejected


@dataclass
class _Loaded:
    assessment: Assessment
    patient: Patient
    holder: Staff
    extra: dict[str, Any] = field(default_factory=dict)


# Built once, not per press: building a statement and its cache key is CPU spent in the
# worker thread on every press (with the staff lookup's, 0.2 of 0.95 ms; bench_press).
_LOAD = (
    select(Assessment, Patient, Staff)
    .join(Patient, col(Patient.id) == Assessment.patient_id)
    .join(Staff, col(Staff.id) == Assessment.holder_id)
    .where(Assessment.id == bindparam("assessment_id"))
    .with_for_update(of=Assessment)
)

STALE = "This check has moved on; use the latest message."
FINISHED = "This check is already finished."
NOT_YOURS = "This check belongs to another nurse."
NO_PATIENT = "No such patient on your wards. /patients lists them."


class CheckService:
    def __init__(
        self, db: Database, clock: Clock, zone: ZoneInfo, rules: ScheduleRules | None = None
    ) -> None:
        self._db = db
        self._clock = clock
        self._zone = zone
        self._rules = rules  # None: no scheduling (the check alone, as in some tests)

    # -- starting -------------------------------------------------------------------------

    def start(
        self,
        actor: StaffView,
        *,
        label: str | None = None,
        patient_id: int | None = None,
        baseline: bool = False,
        scheduled_check_id: int | None = None,
    ) -> StartResult:
        """Start a check, or resume the actor's own, or report who holds it."""
        now = self._clock()
        with self._db.session() as session:
            patient = self._patient(session, actor, label=label, patient_id=patient_id)
            if patient is None or patient.id is None:
                return Rejected(NO_PATIENT)
            running = self._in_progress(session, patient.id)
            if running is not None:
                holder = session.get(Staff, running.holder_id)
                assert holder is not None
                if running.holder_id == actor.id:
                    view = self._view(session, _Loaded(running, patient, holder))
                    return Shown(
                        view, notice="Resuming your check.", new_message=True, resumed=True
                    )
                return Held(
                    _id(running),
                    running.version,
                    patient.label,
                    holder.display_name,
                    running.updated_at,
                    released=_released(session, holder, patient),
                )
            assessment = Assessment(
                patient_id=patient.id,
                scheduled_check_id=scheduled_check_id,
                holder_id=actor.id,
                step=flow.CONSCIOUSNESS,
                tool=self._tool(patient, now).value,
                answers=flow.start(self._tool(patient, now)).answers,
                is_baseline=baseline,
                started_at=now,
                updated_at=now,
            )
            session.add(assessment)
            session.flush()
            self._link_scheduled(session, assessment, now)
            self._ask_crs(session, assessment, patient, now)
            audit.record(
                session,
                at=now,
                action="check.started",
                actor_staff_id=actor.id,
                entity="assessment",
                entity_id=assessment.id,
                patient_id=patient.id,
                ward_id=patient.ward_id,
                baseline=baseline,
            )
            holder = session.get(Staff, actor.id)
            assert holder is not None
            return Shown(
                self._view(session, _Loaded(assessment, patient, holder)), new_message=True
            )

    def take_over(self, actor: StaffView, assessment_id: int, version: int) -> PressResult:
        """Explicit take-over of another nurse's check; both are told."""
        now = self._clock()
        with self._db.session() as session:
            loaded = self._load(session, assessment_id)
            if loaded is None or loaded.patient.ward_id not in actor.ward_ids:
                self._refuse(session, actor, assessment_id, "takeover_forbidden", now)
                return Rejected(NO_PATIENT)
            assessment = loaded.assessment
            if assessment.status is not AssessmentStatus.IN_PROGRESS:
                return Rejected(FINISHED)
            if assessment.version != version:
                return Rejected(STALE)
            # A holder who has left is not told (nor shown the patient's label again).
            released = _released(session, loaded.holder, loaded.patient)
            displaced = None if released else self._view(session, loaded)
            previous_holder = assessment.holder_id
            assessment.holder_id = actor.id
            self._relink_scheduled(session, assessment)
            self._touch(assessment, now)
            audit.record(
                session,
                at=now,
                action="check.taken_over",
                actor_staff_id=actor.id,
                entity="assessment",
                entity_id=assessment_id,
                patient_id=loaded.patient.id,
                ward_id=loaded.patient.ward_id,
                from_staff_id=previous_holder,
            )
            holder = session.get(Staff, actor.id)
            assert holder is not None
            view = self._view(session, _Loaded(assessment, loaded.patient, holder))
            return Shown(
                view, notice="You now hold this check.", new_message=True, displaced=displaced
            )

    # -- answering ------------------------------------------------------------------------

    def press(self, actor: StaffView, assessment_id: int, version: int, action: str) -> PressResult:
        now = self._clock()
        with self._db.session() as session:
            loaded = self._load(session, assessment_id)
            if loaded is None or loaded.patient.ward_id not in actor.ward_ids:
                self._refuse(session, actor, assessment_id, "press_forbidden", now)
                return Rejected(NO_PATIENT)
            assessment = loaded.assessment
            if assessment.status is not AssessmentStatus.IN_PROGRESS:
                return Rejected(FINISHED)
            if assessment.holder_id != actor.id:
                self._refuse(session, actor, assessment_id, "press_not_holder", now)
                return Rejected(NOT_YOURS)
            if assessment.version != version and not flow.is_row_answer(assessment.step, action):
                return Rejected(STALE)
            state = flow.FlowState(assessment.step, _tool_of(assessment), assessment.answers)
            try:
                outcome = flow.apply(state, action)
            except flow.InvalidActionError:
                self._refuse(session, actor, assessment_id, "press_invalid", now, pressed=action)
                return Rejected("That button is not part of this check.")
            if outcome.submit:
                return self._submit(session, loaded, actor, now)
            if outcome.cancel:
                assessment.status = AssessmentStatus.CANCELLED
                self._touch(assessment, now)
                self._finish_scheduled(session, assessment, None)
                audit.record(
                    session,
                    at=now,
                    action="check.cancelled",
                    actor_staff_id=actor.id,
                    entity="assessment",
                    entity_id=assessment_id,
                    patient_id=loaded.patient.id,
                    ward_id=loaded.patient.ward_id,
                    step=state.step,
                    scheduled_check_id=assessment.scheduled_check_id,
                )
                return Shown(self._view(session, loaded))
            if outcome.state.step != assessment.step or outcome.state.answers != state.answers:
                self._stamp(outcome.state.answers, state.step, actor, now)
                assessment.step = outcome.state.step
                assessment.answers = outcome.state.answers
                self._touch(assessment, now)
            return Shown(self._view(session, loaded), notice=outcome.message)

    def free_text(self, actor: StaffView, text: str) -> Shown | None:
        """Text while a check is open: the note at the note step, else show the question again."""
        return self._input(actor, note=text.strip()[:NOTE_MAX_CHARS])

    def photo(self, actor: StaffView, file_id: str) -> Shown | None:
        """A photo of the handwriting sample, kept by its Telegram file id."""
        return self._input(actor, photo_file_id=file_id)

    def _input(
        self, actor: StaffView, *, note: str | None = None, photo_file_id: str | None = None
    ) -> Shown | None:
        now = self._clock()
        with self._db.session() as session:
            assessment = session.exec(
                select(Assessment)
                .where(
                    Assessment.holder_id == actor.id,
                    Assessment.status == AssessmentStatus.IN_PROGRESS,
                )
                .order_by(col(Assessment.updated_at).desc())
                .with_for_update()
            ).first()
            if assessment is None:
                return None
            loaded = self._load(session, _id(assessment))
            assert loaded is not None
            if assessment.step == flow_crs.TEMPERATURE and note is not None:
                return self._typed_temperature(session, loaded, actor, note, now)
            if assessment.step != flow.NOTE:
                return Shown(
                    self._view(session, loaded),
                    new_message=True,
                    notice="Please answer with the buttons.",
                )
            if note:
                assessment.note = note
            if photo_file_id:
                assessment.photo_file_id = photo_file_id
            self._touch(assessment, now)
            return Shown(self._view(session, loaded), new_message=True)

    def _typed_temperature(
        self, session: Session, loaded: _Loaded, actor: StaffView, text: str, now: dt.datetime
    ) -> Shown:
        """A typed temperature answers the temperature question as its button would."""
        assessment = loaded.assessment
        try:
            value = flow_crs.parse_temperature(text)
        except flow_crs.TemperatureError as exc:
            return Shown(
                self._view(session, loaded),
                new_message=True,
                notice=f"{exc}: type the temperature in C, 34.0 to 43.0 (e.g. 38.4).",
            )
        state = flow.FlowState(assessment.step, _tool_of(assessment), assessment.answers)
        outcome = flow.apply(state, flow_crs.temperature_action(value))
        self._stamp(outcome.state.answers, state.step, actor, now)
        assessment.step, assessment.answers = outcome.state.step, outcome.state.answers
        self._touch(assessment, now)
        return Shown(self._view(session, loaded), new_message=True)

    def open_check(self, actor: StaffView) -> CheckView | None:
        """The actor's open check (the newest), for /cancel; changes nothing."""
        with self._db.session() as session:
            assessment = session.exec(
                select(Assessment)
                .where(
                    Assessment.holder_id == actor.id,
                    Assessment.status == AssessmentStatus.IN_PROGRESS,
                )
                .order_by(col(Assessment.updated_at).desc())
            ).first()
            loaded = self._load(session, _id(assessment)) if assessment is not None else None
            return self._view(session, loaded) if loaded is not None else None

    def view(self, assessment_id: int) -> CheckView | None:
        """A check as it stands now (for a queued message about it, drawn when sent)."""
        with self._db.session() as session:
            loaded = self._load(session, assessment_id)
            return self._view(session, loaded) if loaded is not None else None

    def remember_message(self, assessment_id: int, chat_id: int, message_id: int) -> None:
        """The message that shows the question, so later answers edit it in place."""
        with self._db.session() as session:
            assessment = session.get(Assessment, assessment_id, with_for_update=True)
            if assessment is not None:
                assessment.chat_id = chat_id
                assessment.message_id = message_id

    # -- submitting -----------------------------------------------------------------------

    def _submit(
        self, session: Session, loaded: _Loaded, actor: StaffView, now: dt.datetime
    ) -> Shown:
        assessment, patient = loaded.assessment, loaded.patient
        tool = _tool_of(assessment)
        result = grade_icans(flow.to_assessment(assessment.answers, tool))
        previous = grades.previous_check(session, _id(patient))
        baseline = grades.baseline_check(session, patient)
        crs_change = crs_round.change(session, patient, assessment.answers, now)
        triggers = join(
            escalation(
                baseline.result if baseline else None,
                previous.result if previous else None,
                result,
            ),
            crs_change,
        )
        by = assessment.answers.get("by", {})
        at = assessment.answers.get("at", {})
        for row in flow.answered_items(assessment.answers, tool):
            step = _step_of(row.item)
            session.add(
                AssessmentAnswer(
                    assessment_id=_id(assessment),
                    item=row.item,
                    value=row.value,
                    reason=row.reason,
                    answered_by_id=int(by.get(step, actor.id)),
                    answered_at=dt.datetime.fromisoformat(at[step]) if step in at else now,
                )
            )
        grade_row = grades.to_row(
            result, patient_id=_id(patient), at=now, assessment_id=_id(assessment)
        )
        crs = crs_change.result if crs_change else None
        crs_round.store(grade_row, assessment.answers, crs)
        session.add(grade_row)
        assessment.status = AssessmentStatus.SUBMITTED
        assessment.submitted_at = now
        self._touch(assessment, now)
        if assessment.is_baseline:
            patient.baseline_assessment_id = assessment.id
        self._finish_scheduled(session, assessment, CheckStatus.DONE)
        prompt_copies.queue_update(
            session,
            assessment,
            prompt_copies.SUBMITTED,
            now=now,
            grade=result.icans_grade,
            complete=result.complete,
        )
        session.flush()
        escalations.escalate(
            session, patient, triggers, now, source="check", grade_result_id=grade_row.id
        )
        if assessment.scheduled_check_id is not None:
            escalations.close_missed_check(session, assessment.scheduled_check_id, now)
        if self._rules is not None:
            self._rules.reschedule(session, patient, now)
        audit.record(
            session,
            at=now,
            action="check.submitted",
            actor_staff_id=actor.id,
            entity="assessment",
            entity_id=assessment.id,
            patient_id=patient.id,
            ward_id=patient.ward_id,
            icans_grade=result.icans_grade,
            complete=result.complete,
            ice_score=result.ice_score,
            capd_score=result.capd_score,
            urgency=triggers.urgency.value,
            reasons=[r.value for r in triggers.reasons],
            grade_result_id=grade_row.id,
            ruleset=result.ruleset,
            crs_grade=grade_row.crs_grade,
            temperature_c=grade_row.temperature_c,
        )
        oplog.after_commit(
            session,
            "check submitted",
            assessment=assessment.id,
            patient=patient.id,
            ward=patient.ward_id,
            grade=result.icans_grade,
            complete=result.complete,
            urgency=triggers.urgency.value,
        )
        loaded.extra.update(grade=result, previous=previous, baseline=baseline, triggers=triggers)
        return Shown(self._view(session, loaded))

    # -- housekeeping ---------------------------------------------------------------------

    def abandon_idle(self, idle_minutes: int) -> list[CheckView]:
        """Close checks left untouched; each holder is told through the outbox."""
        now = self._clock()
        cutoff = now - dt.timedelta(minutes=idle_minutes)
        with self._db.session() as session:
            idle = session.exec(
                select(Assessment)
                .where(
                    Assessment.status == AssessmentStatus.IN_PROGRESS,
                    col(Assessment.updated_at) <= cutoff,
                )
                .with_for_update()
            ).all()
            views = []
            for assessment in idle:
                assessment.status = AssessmentStatus.ABANDONED
                self._touch(assessment, now)
                self._finish_scheduled(session, assessment, None)
                loaded = self._load(session, _id(assessment))
                assert loaded is not None
                audit.record(
                    session,
                    at=now,
                    action="check.abandoned",
                    entity="assessment",
                    entity_id=assessment.id,
                    patient_id=assessment.patient_id,
                    ward_id=loaded.patient.ward_id,
                    idle_minutes=idle_minutes,
                )
                view = self._view(session, loaded)
                abandoned.queue(
                    session,
                    assessment_id=view.assessment_id,
                    label=view.label,
                    chat_id=view.chat_id,
                    message_id=view.message_id,
                    idle_minutes=idle_minutes,
                    now=now,
                )
                views.append(view)
            return views

    # -- helpers --------------------------------------------------------------------------

    @staticmethod
    def _link_scheduled(session: Session, assessment: Assessment, now: dt.datetime) -> None:
        """A check started for a due (or soon due) scheduled check fulfils it, however started."""
        query = select(ScheduledCheck).where(
            ScheduledCheck.patient_id == assessment.patient_id,
            col(ScheduledCheck.status).in_((CheckStatus.DUE, CheckStatus.PROMPTED)),
        )
        if assessment.scheduled_check_id is not None:
            query = query.where(ScheduledCheck.id == assessment.scheduled_check_id)
        else:
            query = query.where(col(ScheduledCheck.due_at) <= now + EARLY_START)
        row = session.exec(query.order_by(col(ScheduledCheck.due_at)).with_for_update()).first()
        if row is None:
            assessment.scheduled_check_id = None
            return
        row.status, row.assessment_id = CheckStatus.IN_PROGRESS, assessment.id
        assessment.scheduled_check_id = row.id
        prompt_copies.queue_update(session, assessment, prompt_copies.STARTED, now=now)

    def _ask_crs(
        self, session: Session, assessment: Assessment, patient: Patient, now: dt.datetime
    ) -> None:
        """Whether this check asks the CRS questions is decided once, when it starts."""
        scheduled = (
            session.get(ScheduledCheck, assessment.scheduled_check_id)
            if assessment.scheduled_check_id is not None
            else None
        )
        if crs_round.should_ask(session, patient, scheduled, now, self._rules):
            assessment.answers = {
                **assessment.answers,
                **crs_round.opening_answers(session, patient),
            }

    @staticmethod
    def _relink_scheduled(session: Session, assessment: Assessment) -> None:
        """A check released when its holder left (services.offboarding) gave its scheduled
        check back to the ladder; taking it over fulfils that check again."""
        if assessment.scheduled_check_id is None:
            return
        row = session.get(ScheduledCheck, assessment.scheduled_check_id, with_for_update=True)
        unstarted = (CheckStatus.DUE, CheckStatus.PROMPTED)
        if row is not None and row.assessment_id is None and row.status in unstarted:
            row.status, row.assessment_id = CheckStatus.IN_PROGRESS, assessment.id

    @staticmethod
    def _finish_scheduled(
        session: Session, assessment: Assessment, status: CheckStatus | None
    ) -> None:
        """Done on submit; on cancel or abandon (None) the row goes back to its ladder."""
        if assessment.scheduled_check_id is None:
            return
        row = session.get(ScheduledCheck, assessment.scheduled_check_id, with_for_update=True)
        if row is None or row.status is not CheckStatus.IN_PROGRESS:
            return
        if status is not None:
            row.status, row.next_action_at = status, None
        else:
            row.status = CheckStatus.DUE if row.prompted_at is None else CheckStatus.PROMPTED
            row.assessment_id = None
            state = (
                prompt_copies.CANCELLED
                if assessment.status is AssessmentStatus.CANCELLED
                else prompt_copies.ABANDONED
            )
            prompt_copies.queue_update(session, assessment, state, now=assessment.updated_at)

    def _patient(
        self, session: Session, actor: StaffView, *, label: str | None, patient_id: int | None
    ) -> Patient | None:
        if patient_id is not None:
            patient = session.get(Patient, patient_id)
            if patient is None or patient.ward_id not in actor.ward_ids:
                return None
            return patient if patient.status is PatientStatus.ACTIVE else None
        return patients_repo.active_by_label(session, ward_ids=actor.ward_ids, label=label or "")

    def _tool(self, patient: Patient, now: dt.datetime) -> Tool:
        """ICE or CAPD by age on the hospital's calendar day, or the clinician's override."""
        return select_tool(
            on=now.astimezone(self._zone).date(),
            date_of_birth=patient.date_of_birth,
            developmental_delay=patient.use_capd,
        )

    @staticmethod
    def _in_progress(session: Session, patient_id: int) -> Assessment | None:
        return session.exec(
            select(Assessment)
            .where(
                Assessment.patient_id == patient_id,
                Assessment.status == AssessmentStatus.IN_PROGRESS,
            )
            .with_for_update()
        ).first()

    @staticmethod
    def _load(session: Session, assessment_id: int) -> _Loaded | None:
        """The check, its patient and its holder in one query; only the check row is locked."""
        row = session.exec(_LOAD, params={"assessment_id": assessment_id}).first()
        return None if row is None else _Loaded(*row)

    @staticmethod
    def _touch(assessment: Assessment, now: dt.datetime) -> None:
        assessment.version += 1
        assessment.updated_at = now

    @staticmethod
    def _stamp(answers: dict[str, Any], step: str, actor: StaffView, now: dt.datetime) -> None:
        """Who answered each step, and when: stored with every answer on submit."""
        answers.setdefault("by", {})[step] = actor.id
        answers.setdefault("at", {})[step] = now.isoformat()

    @staticmethod
    def _refuse(
        session: Session,
        actor: StaffView,
        assessment_id: int,
        why: str,
        now: dt.datetime,
        **detail: Any,
    ) -> None:
        audit.record(
            session,
            at=now,
            action=f"check.{why}",
            actor_staff_id=actor.id,
            entity="assessment",
            entity_id=assessment_id,
            **detail,
        )

    def _view(self, session: Session, loaded: _Loaded) -> CheckView:
        assessment, patient = loaded.assessment, loaded.patient
        tool = _tool_of(assessment)
        grade = loaded.extra.get("grade")
        previous = loaded.extra.get("previous")
        baseline = loaded.extra.get("baseline")
        if grade is None and assessment.step in (flow.SUMMARY, flow.EDIT):
            grade = grade_icans(flow.to_assessment(assessment.answers, tool))
            previous = grades.previous_check(session, _id(patient))
            baseline = grades.baseline_check(session, patient)
        return CheckView(
            assessment_id=_id(assessment),
            version=assessment.version,
            step=assessment.step,
            tool=tool,
            label=patient.label,
            status=assessment.status,
            holder_name=loaded.holder.display_name,
            answers=assessment.answers,
            is_baseline=assessment.is_baseline,
            note=assessment.note,
            has_photo=assessment.photo_file_id is not None,
            chat_id=assessment.chat_id,
            message_id=assessment.message_id,
            grade=grade,
            previous=previous,
            baseline=baseline,
            triggers=loaded.extra.get("triggers"),
            crs=crs_round.result(assessment.answers),
        )


def _step_of(item: str) -> str:
    """The conversation step in which a stored item was answered."""
    if item in ("year", "month", "city", "hospital"):
        return flow.ORIENTATION
    if item.startswith("naming"):
        return flow.NAMING
    if item in ("command", "writing", "attention"):
        return flow.TASKS
    if item.startswith("motor_"):
        return flow.MOTOR
    if item.startswith("icp_"):
        return flow.ICP
    if item == "capd":
        return flow.CAPD_STEPS[0]
    return item  # consciousness, seizure and each CAPD question are steps of their own


def _tool_of(assessment: Assessment) -> Tool:
    """Set when the check starts; a check without one is corrupt, never silently ICE."""
    if assessment.tool is None:
        raise ValueError(f"assessment {assessment.id} has no tool")
    return Tool(assessment.tool)


def _released(session: Session, holder: Staff, patient: Patient) -> bool:
    """The holder of a check was deactivated or left the patient's ward (their check was
    released for takeover: services.offboarding)."""
    return not holder.active or patient.ward_id not in staff_repo.ward_ids(session, holder.id or 0)


def _id(row: Assessment | Patient) -> int:
    assert row.id is not None
    return row.id
