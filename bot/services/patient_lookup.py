"""Finding the patient a person names, within the wards they may see: shared by the plan and
patient services so that "no such patient" and "which ward?" are decided one way.

A patient of another ward gets the same refusal as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session

from bot.services.errors import RefusedError
from bot.services.patient_refusals import PatientRefusal, WardRefusal
from bot.services.wards import normalise_code
from storage.models import Patient, Ward
from storage.repositories import patients as patients_repo
from storage.repositories import wards as wards_repo


def named_ward(session: Session, ward_code: str | None, *, lock: bool = False) -> Ward:
    """The ward the operator names (the command line), or a refusal."""
    if ward_code is None:
        raise RefusedError(WardRefusal.REQUIRED)
    ward = wards_repo.by_code(session, ward_code, lock=lock)
    if ward is None or ward.id is None:
        raise RefusedError(WardRefusal.UNKNOWN, ward=normalise_code(ward_code))
    return ward


def active_patient(
    session: Session,
    *,
    wards: Mapping[int, Ward],
    label: str,
    command: str,
    unknown: PatientRefusal = PatientRefusal.UNKNOWN,
    lock: bool = False,
) -> Patient:
    """The one active patient labelled ``label`` on ``wards`` (locked when asked).

    Two wards may share a label: then the person is asked to put the ward code first, the
    way ``/<command>`` takes it.
    """
    found = patients_repo.active_with_label(
        session, ward_ids=list(wards), label=" ".join(label.split())
    )
    if not found:
        raise RefusedError(unknown)
    if len(found) > 1:
        raise RefusedError(
            PatientRefusal.AMBIGUOUS,
            label=found[0].label,
            wards=tuple(wards[p.ward_id].code for p in found),
            command=command,
        )
    patient = found[0]
    if lock:
        assert patient.id is not None
        locked = patients_repo.by_id(session, patient.id, lock=True)
        assert locked is not None
        patient = locked
    return patient
