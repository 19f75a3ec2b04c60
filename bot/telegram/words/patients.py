"""Words of the patients area's refusals (see ``bot.telegram.words``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Final

NO_SUCH_PATIENT: Final = "No such patient on your wards. /patients lists them."
"""``patient.unknown``: also the answer for another ward's patient, so it gives nothing away."""
NOT_ON_WARD: Final = "There is no such patient on your ward."
"""``patient.not_on_ward``: the same, as the discharge and a patient's buttons say it."""
LABEL_REMINDER: Final = "use a bed, initials or study code — never a name or record number"


def _ambiguous(label: str, wards: Sequence[str], command: str) -> str:
    return (
        f"{label} is on wards {' and '.join(wards)}: put the ward code first, "
        f"e.g. /{command} {wards[0]}, {label}"
    )


def _ward_choice(wards: Sequence[str]) -> str:
    return (
        f"You are on wards {', '.join(wards)}: put the ward code first, "
        f"e.g. /admit {wards[0]}, Bed 4 AB, 1958-03-02, 45+"
    )


def _not_your_ward(ward: str, own: Sequence[str]) -> str:
    return f"You are not on ward {ward}; your wards: " + ", ".join(own) + "."


def _date_future(dob: dt.date) -> str:
    return f"The date of birth {dob.isoformat()} is in the future."


def _date_too_old(dob: dt.date, max_age: int) -> str:
    return f"The date of birth {dob.isoformat()} gives an age over {max_age}."


REFUSALS: dict[str, str | Callable[..., str]] = {
    "patient.unknown": NO_SUCH_PATIENT,
    "patient.not_on_ward": NOT_ON_WARD,
    "patient.ambiguous": _ambiguous,
    "patient.label_length": "The label must be 1 to {max_label} characters: "
    + LABEL_REMINDER
    + ".",
    "patient.label_not_text": lambda label: (
        f"The label has characters that are not text: {label!r}."
    ),
    "patient.label_record_number": lambda label: (
        f"The label {label!r} looks like a record number. For the label, {LABEL_REMINDER}."
    ),
    "patient.label_in_use": lambda ward, label: (
        f"Ward {ward} already has an active patient labelled {label!r}; "
        "choose another label (or discharge that patient first)."
    ),
    "patient.date_format": lambda text: (
        f"{text!r} is not a date of birth: write YYYY-MM-DD or DD.MM.YYYY, e.g. 1958-03-02."
    ),
    "patient.date_future": _date_future,
    "patient.date_too_old": _date_too_old,
    "patient.weight_band": lambda text: f"{text!r} is not a weight band: write 45+ or <45.",
    "patient.flag_length": "A risk flag must be 1 to {max_flag} characters.",
    "patient.flag_record_number": lambda flag: (
        f"The flag {flag!r} looks like a record number; flags are clinical facts "
        "such as 'TP53 mutation'."
    ),
    "patient.too_many_flags": "At most {max_flags} risk flags.",
    "patient.not_allowed": "Your role may not {action} patients.",
    "patient.no_ward": "You are not on any ward yet: ask your ward administrator for an invite.",
    "patient.ward_choice": _ward_choice,
    "patient.not_your_ward": _not_your_ward,
}
