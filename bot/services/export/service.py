"""The export use case: check the request, audit it, then stream a ward's period out.

Reading happens in one snapshot (``Database.snapshot``): a consistent state that takes no
write lock, so a long export never delays a prompt or a page. The audit row is written in
its own short transaction before anything is read, so an export that fails half-way is on
record too; a second row says what was written once it is complete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.clinical.protocols import CadenceSettings
from bot.clock import Clock
from bot.services.errors import RefusedError
from bot.services.export import writers
from bot.services.export.files import Folder
from bot.services.export.loader import Window, batches
from bot.services.export.present import Present
from bot.services.export.refusals import ExportRefusal
from bot.services.export.summary import Summary
from bot.services.export.writers import Format as Format  # re-exported
from bot.services.staff import StaffView
from storage.db import Database
from storage.models import Role, Ward
from storage.repositories import audit
from storage.repositories import export as export_repo
from storage.repositories import wards as wards_repo

Progress = Callable[[int, int], None]  # (patients done, patients in all)


@dataclass(frozen=True)
class ExportRequest:
    ward_code: str | None  # None: the actor's only ward
    first_day: dt.date
    last_day: dt.date  # inclusive
    format: Format
    target: Path | None = None  # a folder, or the zip file; None for the summary alone
    zip: bool = False
    pseudonymise: bool = False
    actor: StaffView | None = None  # None: the server's command line
    via: str = "cli"


@dataclass(frozen=True)
class ExportResult:
    summary: Summary
    target: Path | None
    counts: Mapping[str, int] = field(default_factory=dict)


class ExportService:
    def __init__(
        self, db: Database, clock: Clock, zone: ZoneInfo, *, fhir_system: str, page: int = 200
    ) -> None:
        self._db = db
        self._clock = clock
        self._zone = zone
        self._fhir_system = fhir_system
        self._page = page

    def run(self, request: ExportRequest, progress: Progress | None = None) -> ExportResult:
        if request.last_day < request.first_day:
            raise RefusedError(ExportRefusal.PERIOD, first=request.first_day, last=request.last_day)
        target = request.target if request.format is not Format.SUMMARY else None
        if target is not None and target.exists():
            raise RefusedError(ExportRefusal.TARGET_EXISTS, path=str(target))
        ward_id = self._audit_start(request)
        window = Window(
            ward_id,
            self._midnight(request.first_day),
            self._midnight(request.last_day + dt.timedelta(days=1)),
        )
        folder = None if target is None else Folder(target, zip_it=request.zip)
        try:
            result = self._export(request, window, folder, progress)
        except BaseException:
            if folder is not None:
                folder.abandon()
            raise
        self._audit_done(request, ward_id, result)
        return result

    def _midnight(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(0), tzinfo=self._zone).astimezone(dt.UTC)

    def _audit_start(self, request: ExportRequest) -> int:
        """Refuse an unknown ward; put the export on record, or the refusal of a non-admin."""
        with self._db.session() as session:
            ward = self._ward(session, request)
            actor = request.actor
            allowed = actor is None or (actor.role is Role.ADMIN and ward.id in actor.ward_ids)
            audit.record(
                session,
                at=self._clock(),
                action="export.started" if allowed else "export.refused",
                actor_staff_id=actor.id if actor else None,
                entity="ward",
                entity_id=ward.id,
                ward_id=ward.id,
                **self._facts(request),
            )
        if not allowed:  # on record, then refused
            raise RefusedError(ExportRefusal.NOT_ADMIN, ward=ward.code)
        return ward.id or 0

    @staticmethod
    def _ward(session: Session, request: ExportRequest) -> Ward:
        if request.ward_code is None:
            ids = request.actor.ward_ids if request.actor else ()
            if len(ids) != 1:
                raise RefusedError(ExportRefusal.WARD_REQUIRED, wards=len(ids))
            found = wards_repo.by_id(session, ids[0])
        else:
            found = wards_repo.by_code(session, request.ward_code)
        if found is None or found.id is None:
            raise RefusedError(ExportRefusal.UNKNOWN_WARD, ward=request.ward_code)
        return found

    def _audit_done(self, request: ExportRequest, ward_id: int, result: ExportResult) -> None:
        with self._db.session() as session:
            audit.record(
                session,
                at=self._clock(),
                action="export.completed",
                actor_staff_id=request.actor.id if request.actor else None,
                entity="ward",
                entity_id=ward_id,
                ward_id=ward_id,
                patients=result.summary.patients,
                rows=dict(result.counts),
                **self._facts(request),
            )

    @staticmethod
    def _facts(request: ExportRequest) -> dict[str, Any]:
        return {
            "format": request.format.value,
            "first_day": request.first_day.isoformat(),
            "last_day": request.last_day.isoformat(),
            "pseudonymised": request.pseudonymise,
            "zip": request.zip,
            "via": request.via,
            "target": request.target.name if request.target else None,
        }

    def _export(
        self,
        request: ExportRequest,
        window: Window,
        folder: Folder | None,
        progress: Progress | None,
    ) -> ExportResult:
        now = self._clock()
        with self._db.snapshot() as session:
            ward = wards_repo.by_id(session, window.ward_id)
            assert ward is not None
            on_time = dt.timedelta(minutes=_cadence(ward).remind_nurse_minutes)
            present = Present(
                self._zone,
                export_repo.staff_directory(session),
                pseudonymise=request.pseudonymise,
                fhir_system=self._fhir_system,
            )
            summary = Summary(
                ward.code, request.first_day, request.last_day, self._zone.key, request.pseudonymise
            )
            total = export_repo.count_patients(
                session, ward_id=window.ward_id, start=window.start, end=window.end
            )
            writer = writers.make(request.format, folder, present, on_time, now)
            with writer:
                for batch in batches(session, window, self._page):
                    for patient in batch:
                        writer.add(patient)
                        summary.add(patient, on_time_within=on_time, now=now)
                    if progress is not None:
                        progress(summary.patients, total)
            counts = writer.counts
        if folder is not None:
            with folder.open("summary.txt") as handle:
                handle.write(summary.text() + "\n")
            folder.close()
        return ExportResult(summary, folder.target if folder else None, counts)


def _cadence(ward: Ward) -> CadenceSettings:
    overrides = ward.settings.get("cadence", {})
    return CadenceSettings().with_overrides(overrides) if overrides else CadenceSettings()
