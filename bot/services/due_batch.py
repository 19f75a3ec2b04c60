"""What a scheduler pass loads once per batch of due checks instead of once per row.

A batch of up to 200 claimed checks needs their patients, their wards and the duty lists of
those wards: three queries in all (``storage.repositories.duty_lists``), not two lookups and
one or two duty queries per row. The messages are collected and inserted in one statement at
the end (``outbox.enqueue_many``). The rare fallbacks (no nurse on duty: every charge nurse
of the ward, then its admins) are asked once per ward and remembered for the batch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from bot.clinical.ladder import PROMPT, REMIND
from bot.services import outbox
from storage.models import Patient, Role, ScheduledCheck, Staff, Ward
from storage.repositories import duty_lists
from storage.repositories import staff as staff_repo


class Batch:
    def __init__(self, session: Session, rows: Sequence[ScheduledCheck], now: dt.datetime) -> None:
        self.session = session
        self.now = now
        self.patients = duty_lists.patients_by_id(session, (r.patient_id for r in rows))
        ward_ids = {p.ward_id for p in self.patients.values()}
        self.wards = duty_lists.wards_by_id(session, ward_ids)
        self._duty = duty_lists.nursing_by_ward(session, ward_ids=ward_ids, at=now)
        self._by_role: dict[tuple[int, Role], Sequence[Staff]] = {}
        self._queued: list[outbox.Queued] = []

    def patient(self, row: ScheduledCheck) -> Patient:
        return self.patients[row.patient_id]

    def ward(self, patient: Patient) -> Ward | None:
        return self.wards.get(patient.ward_id)

    def recipients(self, ward_id: int, level: int) -> Sequence[Staff]:
        """The nurses on duty for a prompt or reminder (the charge nurses when none is), the
        charge nurses for the charge level; the ward's admins as the last resort (somebody
        must hear of a due or missed check)."""
        duty = self._duty[ward_id]
        people: Sequence[Staff] = duty.on_duty if level in (PROMPT, REMIND) else []
        people = people or duty.charge_on_duty or self._role(ward_id, Role.CHARGE_NURSE)
        return people or self._role(ward_id, Role.ADMIN)

    def _role(self, ward_id: int, role: Role) -> Sequence[Staff]:
        key = (ward_id, role)
        if key not in self._by_role:
            self._by_role[key] = staff_repo.on_ward_with_role(
                self.session, ward_id=ward_id, role=role
            )
        return self._by_role[key]

    def queue(self, staff: Staff, payload: dict[str, Any], dedupe_key: str) -> None:
        self._queued.append(
            outbox.Queued(
                to=outbox.Recipient.of(staff),
                purpose="check_prompt",
                payload=payload,
                dedupe_key=dedupe_key,
            )
        )

    def flush(self) -> None:
        """Insert the batch's messages, in the batch's transaction."""
        outbox.enqueue_many(self.session, self._queued, now=self.now)
        self._queued.clear()
