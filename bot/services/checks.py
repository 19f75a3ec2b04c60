"""Use cases of the neuro check: start, answer, take over, submit. One transaction each.

The conversation's state is the ``assessment`` row (see ``bot/clinical/check_flow.py``);
every press carries the row's version, so a doubled, stale or replayed press changes nothing,
and any process (after a restart, or a second instance) can take the next press. The row is
locked for the update (``FOR UPDATE`` on PostgreSQL; SQLite transactions begin IMMEDIATE).

A refused request raises ``RefusedError`` (``CheckRefusal``) once its audit row is written:
the refusal is decided inside the transaction and raised after it, so the audit survives.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.clinical import Tool, check_flow, select_tool
from bot.clock import Clock
from bot.services import abandoned, check_input, check_scheduled, crs_round
from bot.services.check_input import stamp, touch
from bot.services.check_results import (
    HINT_NOTICES,
    CheckNotice,
    CheckRefusal,
    CheckView,
    Held,
    Loaded,
    Notice,
    PressResult,
    Shown,
    StartResult,
    build_view,
    raised,
    tool_of,
)
from bot.services.check_submit import submit
from bot.services.errors import RefusedError
from bot.services.patient_refusals import PatientRefusal
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import (
    Assessment,
    AssessmentStatus,
    Patient,
    PatientStatus,
    Staff,
)
from storage.repositories import assessments as assessments_repo
from storage.repositories import audit
from storage.repositories import patients as patients_repo
from storage.repositories import staff as staff_repo

if TYPE_CHECKING:
    from bot.services.schedule import ScheduleRules

__all__ = [  # the results live in check_results; callers import them from here too
    "CheckRefusal",
    "CheckService",
    "CheckView",
    "Held",
    "PressResult",
    "Shown",
    "StartResult",
]

NOTE_MAX_CHARS = 1000


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
                raise RefusedError(PatientRefusal.UNKNOWN)
            running = assessments_repo.in_progress_of_patient(session, patient_id=patient.id)
            if running is not None:
                return self._running(session, actor, running, patient)
            tool = self._tool(patient, now)
            assessment = Assessment(
                patient_id=patient.id,
                scheduled_check_id=scheduled_check_id,
                holder_id=actor.id,
                step=check_flow.CONSCIOUSNESS,
                tool=tool.value,
                answers=check_flow.start(tool).answers,
                is_baseline=baseline,
                started_at=now,
                updated_at=now,
            )
            session.add(assessment)
            session.flush()
            check_scheduled.link(session, assessment, now)
            crs_round.open_round(session, assessment, patient, now, self._rules)
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
            loaded = Loaded(assessment, patient, holder)
            return Shown(build_view(session, loaded), new_message=True)

    @staticmethod
    def _running(
        session: Session, actor: StaffView, running: Assessment, patient: Patient
    ) -> StartResult:
        """The patient's check is under way: the actor's own (resume it) or another's."""
        holder = session.get(Staff, running.holder_id)
        assert holder is not None
        if running.holder_id == actor.id:
            view = build_view(session, Loaded(running, patient, holder))
            return Shown(view, notice=Notice(CheckNotice.RESUMING), new_message=True, resumed=True)
        return Held(
            running.id or 0,
            running.version,
            patient.label,
            holder.display_name,
            running.updated_at,
            released=_released(session, holder, patient),
        )

    def take_over(self, actor: StaffView, assessment_id: int, version: int) -> PressResult:
        """Explicit take-over of another nurse's check; both are told."""
        now = self._clock()
        with self._db.session() as session:
            shown = self._take_over(session, actor, assessment_id, version, now)
        return raised(shown)

    def _take_over(
        self, session: Session, actor: StaffView, assessment_id: int, version: int, now: dt.datetime
    ) -> Shown | RefusedError:
        loaded = self._load(session, assessment_id)
        if loaded is None or loaded.patient.ward_id not in actor.ward_ids:
            self._refuse(session, actor, assessment_id, "takeover_forbidden", now)
            return RefusedError(PatientRefusal.UNKNOWN)
        assessment = loaded.assessment
        if assessment.status is not AssessmentStatus.IN_PROGRESS:
            return RefusedError(CheckRefusal.FINISHED)
        if assessment.version != version:
            return RefusedError(CheckRefusal.STALE)
        # A holder who has left is not told (nor shown the patient's label again).
        released = _released(session, loaded.holder, loaded.patient)
        displaced = None if released else build_view(session, loaded)
        previous_holder = assessment.holder_id
        assessment.holder_id = actor.id
        check_scheduled.relink(session, assessment)
        touch(assessment, now)
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
        view = build_view(session, Loaded(assessment, loaded.patient, holder))
        notice = Notice(CheckNotice.TAKEN_OVER)
        return Shown(view, notice=notice, new_message=True, displaced=displaced)

    # -- answering ------------------------------------------------------------------------

    def press(self, actor: StaffView, assessment_id: int, version: int, action: str) -> PressResult:
        now = self._clock()
        with self._db.session() as session:
            shown = self._press(session, actor, assessment_id, version, action, now)
        return raised(shown)

    def _press(
        self,
        session: Session,
        actor: StaffView,
        assessment_id: int,
        version: int,
        action: str,
        now: dt.datetime,
    ) -> Shown | RefusedError:
        loaded = self._load(session, assessment_id)
        if loaded is None or loaded.patient.ward_id not in actor.ward_ids:
            self._refuse(session, actor, assessment_id, "press_forbidden", now)
            return RefusedError(PatientRefusal.UNKNOWN)
        assessment = loaded.assessment
        if assessment.status is not AssessmentStatus.IN_PROGRESS:
            return RefusedError(CheckRefusal.FINISHED)
        if assessment.holder_id != actor.id:
            self._refuse(session, actor, assessment_id, "press_not_holder", now)
            return RefusedError(CheckRefusal.NOT_YOURS)
        if assessment.version != version and not check_flow.is_row_answer(assessment.step, action):
            return RefusedError(CheckRefusal.STALE)
        state = check_flow.FlowState(assessment.step, tool_of(assessment), assessment.answers)
        try:
            outcome = check_flow.apply(state, action)
        except check_flow.InvalidActionError:
            self._refuse(session, actor, assessment_id, "press_invalid", now, pressed=action)
            return RefusedError(CheckRefusal.INVALID_BUTTON)
        if outcome.submit:
            loaded.graded = submit(session, loaded, actor, now, self._rules)
            return Shown(build_view(session, loaded))
        if outcome.cancel:
            self._cancel(session, loaded, actor, state.step, now)
            return Shown(build_view(session, loaded))
        if outcome.state.step != assessment.step or outcome.state.answers != state.answers:
            stamp(outcome.state.answers, state.step, actor, now)
            assessments_repo.save_step(
                session, assessment, step=outcome.state.step, answers=outcome.state.answers, at=now
            )
        hint = outcome.hint
        notice = None if hint is None else Notice(HINT_NOTICES[hint.code], items=hint.items)
        return Shown(build_view(session, loaded), notice=notice)

    @staticmethod
    def _cancel(
        session: Session, loaded: Loaded, actor: StaffView, step: str, now: dt.datetime
    ) -> None:
        assessment = loaded.assessment
        assessment.status = AssessmentStatus.CANCELLED
        touch(assessment, now)
        check_scheduled.finish(session, assessment, None)
        audit.record(
            session,
            at=now,
            action="check.cancelled",
            actor_staff_id=actor.id,
            entity="assessment",
            entity_id=assessment.id,
            patient_id=loaded.patient.id,
            ward_id=loaded.patient.ward_id,
            step=step,
            scheduled_check_id=assessment.scheduled_check_id,
        )

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
            assessment = assessments_repo.open_of_holder(session, holder_id=actor.id, lock=True)
            if assessment is None:
                return None
            loaded = self._load(session, assessment.id or 0)
            assert loaded is not None
            return check_input.typed(session, loaded, actor, now, note=note, photo=photo_file_id)

    def open_check(self, actor: StaffView) -> CheckView | None:
        """The actor's open check (the newest), for /cancel; changes nothing."""
        with self._db.session() as session:
            assessment = assessments_repo.open_of_holder(session, holder_id=actor.id)
            loaded = self._load(session, assessment.id or 0) if assessment is not None else None
            return build_view(session, loaded) if loaded is not None else None

    def view(self, assessment_id: int) -> CheckView | None:
        """A check as it stands now (for a queued message about it, drawn when sent)."""
        with self._db.session() as session:
            loaded = self._load(session, assessment_id)
            return build_view(session, loaded) if loaded is not None else None

    def remember_message(self, assessment_id: int, chat_id: int, message_id: int) -> None:
        """The message that shows the question, so later answers edit it in place."""
        with self._db.session() as session:
            assessment = session.get(Assessment, assessment_id, with_for_update=True)
            if assessment is not None:
                assessment.chat_id = chat_id
                assessment.message_id = message_id

    # -- housekeeping ---------------------------------------------------------------------

    def abandon_idle(self, idle_minutes: int) -> list[CheckView]:
        """Close checks left untouched; each holder is told through the outbox."""
        now = self._clock()
        cutoff = now - dt.timedelta(minutes=idle_minutes)
        with self._db.session() as session:
            views = []
            for assessment in assessments_repo.idle_since(session, cutoff=cutoff):
                assessment.status = AssessmentStatus.ABANDONED
                touch(assessment, now)
                check_scheduled.finish(session, assessment, None)
                loaded = self._load(session, assessment.id or 0)
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
                view = build_view(session, loaded)
                abandoned.queue(
                    session,
                    assessment_id=view.assessment_id,
                    label=view.label,
                    chat_id=view.chat_id,
                    holder_id=assessment.holder_id,
                    message_id=view.message_id,
                    idle_minutes=idle_minutes,
                    now=now,
                )
                views.append(view)
            return views

    # -- helpers --------------------------------------------------------------------------

    @staticmethod
    def _patient(
        session: Session, actor: StaffView, *, label: str | None, patient_id: int | None
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
    def _load(session: Session, assessment_id: int) -> Loaded | None:
        """The check, its patient and its holder in one query; only the check row is locked."""
        row = assessments_repo.load(session, assessment_id=assessment_id)
        return None if row is None else Loaded(*row)

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


def _released(session: Session, holder: Staff, patient: Patient) -> bool:
    """The holder of a check was deactivated or left the patient's ward (their check was
    released for takeover: services.offboarding)."""
    return not holder.active or patient.ward_id not in staff_repo.ward_ids(session, holder.id or 0)
