"""How stored values appear in an export: times in the hospital's zone, people and patients
by name and label, or, pseudonymised, by keys that mean nothing outside this one export.

Pseudonymisation is keyed by a random secret made for each export and never stored: the same
patient gets the same identifier and the same time shift everywhere in one export (so tables
join and intervals hold), and unrelated ones in the next export (so two exports cannot be
linked). Each patient's times move by a whole number of days, 30 to 365 either way, drawn from
that key: intervals are kept exactly and so is the hour of the day (night checks stay night
checks), while the calendar dates are gone. Free text (notes, risk flags, reasons) and staff
names are left out, because no rule can promise they hold no name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Mapping, Sequence
from typing import Final
from zoneinfo import ZoneInfo

from storage.models import Role

Cell = str | int | float | bool | list[str] | None
Row = dict[str, Cell]
KEY_BYTES: Final = 32
AGE_TOP_CODE: Final = 90


class Present:
    """One export's way of writing its values; ``key`` None means not pseudonymised."""

    def __init__(
        self,
        zone: ZoneInfo,
        staff: Mapping[int, tuple[str, Role]],
        *,
        pseudonymise: bool = False,
        key: bytes | None = None,
        fhir_system: str = "urn:neurocheck:ward-label",
    ) -> None:
        self.zone = zone
        self.fhir_system = fhir_system
        self._staff = staff
        self._key = (key or secrets.token_bytes(KEY_BYTES)) if pseudonymise else None

    @property
    def pseudonymised(self) -> bool:
        return self._key is not None

    def _digest(self, text: str) -> bytes:
        assert self._key is not None
        return hmac.new(self._key, text.encode(), hashlib.sha256).digest()

    # -- patients -------------------------------------------------------------------------

    def patient(self, patient_id: int, label: str) -> str:
        """The ward label, or ``P-`` and 12 hex digits stable within this export."""
        if self._key is None:
            return label
        return "P-" + self._digest(f"patient:{patient_id}").hex()[:12]

    def patient_id(self, patient_id: int) -> int | None:
        return None if self._key is not None else patient_id

    def age(self, years: int) -> int:
        return min(years, AGE_TOP_CODE) if self._key is not None else years

    def shift(self, patient_id: int) -> dt.timedelta:
        """This patient's time shift: zero, or a whole number of days (30-365 either way)."""
        if self._key is None:
            return dt.timedelta()
        draw = int.from_bytes(self._digest(f"shift:{patient_id}")[:4], "big")
        days = 30 + draw % 336
        return dt.timedelta(days=days if draw & (1 << 31) else -days)

    def at(self, value: dt.datetime | None, patient_id: int) -> dt.datetime | None:
        """The instant as exported: in the hospital's zone, shifted when pseudonymised."""
        if value is None:
            return None
        return (value + self.shift(patient_id)).astimezone(self.zone)

    def time(self, value: dt.datetime | None, patient_id: int) -> str | None:
        shown = self.at(value, patient_id)
        return None if shown is None else shown.isoformat()

    # -- other rows -----------------------------------------------------------------------

    def ref(self, kind: str, row_id: int | None) -> str | int | None:
        """A row's id, or a key for it that holds only within this export."""
        if row_id is None or self._key is None:
            return row_id
        return f"{kind[0].upper()}-" + self._digest(f"{kind}:{row_id}").hex()[:12]

    def who(self, prefix: str, staff_id: int | None) -> Row:
        """The three columns naming a member of staff: id, name, role."""
        if staff_id is None:
            return {f"{prefix}_id": None, f"{prefix}_name": None, f"{prefix}_role": None}
        name, role = self._staff.get(staff_id, ("?", None))
        return {
            f"{prefix}_id": self.ref("staff", staff_id),
            f"{prefix}_name": None if self._key is not None else name,
            f"{prefix}_role": role.value if role else None,
        }

    def text(self, value: str | None) -> str | None:
        """Free text, left out of a pseudonymised export."""
        return None if self._key is not None else value

    def texts(self, values: Sequence[str]) -> list[str]:
        return [] if self._key is not None else list(values)
