"""Wards: they exist before anyone can be invited to one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.services.staff import Clock
from storage.db import Database
from storage.models import Ward
from storage.repositories import audit
from storage.repositories import wards as wards_repo

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,15}$")
MAX_NAME = 120


class WardError(ValueError):
    """A ward request that cannot be carried out; the message is meant for the operator."""


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
            raise WardError(
                f"ward code {code!r} is not valid: 1-16 letters, digits, '-' or '_' "
                "starting with a letter or digit, e.g. H7"
            )
        if not name or len(name) > MAX_NAME:
            raise WardError(f"the ward name must be 1-{MAX_NAME} characters")
        with self._db.session() as session:
            if wards_repo.by_code(session, code) is not None:
                raise WardError(f"ward {code} already exists")
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

    def list(self) -> tuple[WardView, ...]:
        with self._db.session() as session:
            return tuple(ward_view(ward) for ward in wards_repo.all_wards(session))
