"""Wards: they exist before anyone can be invited to one."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from bot.clinical import Urgency
from bot.clinical.policy import ESCALATING, FIELDS, PolicyError, describe, policy_for
from bot.clinical.protocols import CadenceSettings, ProtocolError
from bot.clock import Clock
from bot.services.errors import RefusedError
from bot.services.patient_refusals import WardRefusal
from storage.db import Database
from storage.models import Ward
from storage.repositories import audit
from storage.repositories import wards as wards_repo

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,15}$")
MAX_NAME = 120


@dataclass(frozen=True)
class WardView:
    id: int
    code: str
    name: str


def ward_view(ward: Ward) -> WardView:
    assert ward.id is not None
    return WardView(id=ward.id, code=ward.code, name=ward.name)


def normalise_code(code: str) -> str:
    """Ward codes are case-insensitive and stored upper-case ("h7" is "H7")."""
    return code.strip().upper()


class WardService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def add(self, code: str, name: str) -> WardView:
        code, name = normalise_code(code), " ".join(name.split())
        if not _CODE.match(code):
            raise RefusedError(WardRefusal.CODE_INVALID, ward=code)
        if not name or len(name) > MAX_NAME:
            raise RefusedError(WardRefusal.NAME_LENGTH, max_name=MAX_NAME)
        with self._db.session() as session:
            if wards_repo.by_code(session, code) is not None:
                raise RefusedError(WardRefusal.EXISTS, ward=code)
            ward = wards_repo.add(session, code=code, name=name)
            audit.record(
                session,
                at=self._clock(),
                action="ward.added",
                entity="ward",
                entity_id=ward.id,
                ward_id=ward.id,
                code=code,
                name=name,
            )
            return ward_view(ward)

    def configure(self, code: str, changes: Mapping[str, str]) -> dict[str, object]:
        """Change a ward's overrides (``cadence.<name>`` numbers, ``shift_changes``); an empty
        value removes an override. Everything is validated before anything is stored, and
        the change is audited with the settings before and after."""
        with self._db.session() as session:
            ward = wards_repo.by_code(session, normalise_code(code))
            if ward is None:
                raise RefusedError(WardRefusal.MISSING, ward=normalise_code(code))
            before = dict(ward.settings)
            after = apply_setting_changes(before, changes)
            if after != before:
                ward.settings = after
                audit.record(
                    session,
                    at=self._clock(),
                    action="ward.settings_changed",
                    entity="ward",
                    entity_id=ward.id,
                    ward_id=ward.id,
                    before=before,
                    after=after,
                )
            return effective_settings(after)

    def list(self) -> tuple[WardView, ...]:
        with self._db.session() as session:
            return tuple(ward_view(ward) for ward in wards_repo.all_wards(session))


DEFAULT_SHIFT_CHANGES: Final = ("07:00", "19:00")  # a ward sets its own: shift_changes
_SHIFT = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def apply_setting_changes(current: Mapping[str, Any], changes: Mapping[str, str]) -> dict[str, Any]:
    """The ward's settings with ``changes`` applied, or a refusal naming the bad key."""
    settings = dict(current)
    cadence = dict(settings.get("cadence", {}))
    escalation = {u: dict(v) for u, v in settings.get("escalation", {}).items()}
    for key, raw in changes.items():
        value = raw.strip()
        if key == "shift_changes":
            times = [t.strip() for t in value.split(",") if t.strip()]
            if any(not _SHIFT.match(t) for t in times):
                raise RefusedError(WardRefusal.SHIFT_CHANGES)
            settings["shift_changes"] = times
            if not times:
                settings.pop("shift_changes")
        elif key == CRS_ASK:
            settings["crs"] = _crs_ask(dict(settings.get("crs", {})), value)
            if not settings["crs"]:
                settings.pop("crs")
        elif key == "webhook_url":
            settings.update(_webhook(value))
            if not value:
                settings.pop("webhook_url", None)
        elif key in ESCALATION_KEYS:
            _, urgency, name = key.split(".")
            escalation.setdefault(urgency, {})[name] = value or None
        elif key.startswith("cadence.") and key[len("cadence.") :] in CADENCE_FIELDS:
            name = key[len("cadence.") :]
            if not value:
                cadence.pop(name, None)
            elif not value.isdigit():
                raise RefusedError(WardRefusal.WHOLE_NUMBER, key=key, value=value)
            else:
                cadence[name] = int(value)
        else:
            raise RefusedError(WardRefusal.UNKNOWN_SETTING, key=key)
    try:
        CadenceSettings().with_overrides(cadence)
    except ProtocolError as exc:
        raise RefusedError(WardRefusal.CADENCE, detail=str(exc)) from None
    settings["cadence"] = cadence
    if not cadence:
        settings.pop("cadence")
    settings["escalation"] = _escalation_overrides(escalation)
    if not settings["escalation"]:
        settings.pop("escalation")
    return settings


def _crs_ask(crs: dict[str, Any], value: str) -> dict[str, Any]:
    """``crs.ask=off`` switches the CRS questions of the check round off; on (or empty)
    restores the default, which is to ask."""
    word = value.lower()
    if word in ("", "on"):
        crs.pop("ask", None)
    elif word == "off":
        crs["ask"] = False
    else:
        raise RefusedError(WardRefusal.CRS_ASK, value=value)
    return crs


def _webhook(value: str) -> dict[str, str]:
    """The ward's paging gateway: where unacknowledged alerts are posted (or nothing)."""
    if not value:
        return {}
    if not value.startswith(("https://", "http://")) or len(value) > 500 or " " in value:
        raise RefusedError(WardRefusal.WEBHOOK)
    return {"webhook_url": value}


def _escalation_overrides(
    escalation: Mapping[str, Mapping[str, Any]],
) -> dict[str, dict[str, Any]]:
    """Validated overrides; an empty value drops an override ("off" switches a role off)."""
    kept: dict[str, dict[str, Any]] = {}
    for urgency, fields in escalation.items():
        values = {k: v for k, v in fields.items() if v is not None}
        try:
            policy_for(Urgency(urgency), values)
        except PolicyError as exc:
            raise RefusedError(WardRefusal.ESCALATION, urgency=urgency, detail=str(exc)) from None
        if values:
            kept[urgency] = values
    return kept


def effective_settings(settings: Mapping[str, Any]) -> dict[str, object]:
    """What the ward runs with: defaults, with its overrides applied."""
    cadence = CadenceSettings().with_overrides(settings.get("cadence", {}))
    shown: dict[str, object] = {f"cadence.{f}": getattr(cadence, f) for f in CADENCE_FIELDS}
    shown["shift_changes"] = ",".join(settings.get("shift_changes", DEFAULT_SHIFT_CHANGES))
    shown[CRS_ASK] = "on" if settings.get("crs", {}).get("ask", True) else "off"
    shown["webhook_url"] = settings.get("webhook_url", "-")
    overrides = settings.get("escalation", {})
    for urgency in ESCALATING:
        shown[f"escalation.{urgency.value}"] = describe(
            policy_for(urgency, overrides.get(urgency.value))
        )
    return shown


CRS_ASK: Final = "crs.ask"
CADENCE_FIELDS = tuple(f.name for f in dataclasses.fields(CadenceSettings))
ESCALATION_KEYS = frozenset(f"escalation.{u.value}.{f}" for u in ESCALATING for f in FIELDS)
