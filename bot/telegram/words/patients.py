"""Words of the patients area's refusals (see ``bot.telegram.words``), in the reader's
language; the examples of a command stay as typed."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final

from bot.telegram.i18n import ENGLISH, N_, gettext

NO_SUCH_PATIENT: Final = N_("No such patient on your wards. /patients lists them.")
"""``patient.unknown``: also the answer for another ward's patient, so it gives nothing away."""
NOT_ON_WARD: Final = N_("There is no such patient on your ward.")
"""``patient.not_on_ward``: the same, as the discharge and a patient's buttons say it."""
AND: Final = N_(" and ")
"""Between two wards: "H7 and H8"."""


def _ambiguous(label: str, wards: Sequence[str], command: str, language: str = ENGLISH) -> str:
    template = N_(
        "{label} is on wards {wards}: put the ward code first, e.g. /{command} {ward}, {label}"
    )
    return gettext(language, template).format(
        label=label,
        wards=gettext(language, AND).join(wards),
        command=command,
        ward=wards[0],
    )


def _ward_choice(wards: Sequence[str], language: str = ENGLISH) -> str:
    template = N_(
        "You are on wards {wards}: put the ward code first, "
        "e.g. /admit {ward}, Bed 4 AB, 1958-03-02, 45+"
    )
    return gettext(language, template).format(
        wards=gettext(language, ", ").join(wards), ward=wards[0]
    )


def _not_your_ward(ward: str, own: Sequence[str], language: str = ENGLISH) -> str:
    template = N_("You are not on ward {ward}; your wards: {own}.")
    return gettext(language, template).format(ward=ward, own=gettext(language, ", ").join(own))


NOT_ALLOWED: Final[Mapping[str, str]] = {
    "admit": N_("Your role may not admit patients."),
    "discharge": N_("Your role may not discharge patients."),
}


def _not_allowed(action: str, language: str = ENGLISH) -> str:
    words = NOT_ALLOWED.get(action)
    return gettext(language, words) if words else f"Your role may not {action} patients."


REFUSALS: dict[str, str | Callable[..., str]] = {
    "patient.unknown": NO_SUCH_PATIENT,
    "patient.not_on_ward": NOT_ON_WARD,
    "patient.ambiguous": _ambiguous,
    "patient.label_length": N_(
        "The label must be 1 to {max_label} characters: use a bed, initials or study code "
        "— never a name or record number."
    ),
    "patient.label_not_text": N_("The label has characters that are not text: {label!r}."),
    "patient.label_record_number": N_(
        "The label {label!r} looks like a record number. For the label, use a bed, initials "
        "or study code — never a name or record number."
    ),
    "patient.label_in_use": N_(
        "Ward {ward} already has an active patient labelled {label!r}; "
        "choose another label (or discharge that patient first)."
    ),
    "patient.date_format": N_(
        "{text!r} is not a date of birth: write YYYY-MM-DD or DD.MM.YYYY, e.g. 1958-03-02."
    ),
    "patient.date_future": N_("The date of birth {dob} is in the future."),
    "patient.date_too_old": N_("The date of birth {dob} gives an age over {max_age}."),
    "patient.weight_band": N_("{text!r} is not a weight band: write 45+ or <45."),
    "patient.flag_length": N_("A risk flag must be 1 to {max_flag} characters."),
    "patient.flag_record_number": N_(
        "The flag {flag!r} looks like a record number; flags are clinical facts "
        "such as 'TP53 mutation'."
    ),
    "patient.too_many_flags": N_("At most {max_flags} risk flags."),
    "patient.not_allowed": _not_allowed,
    "patient.no_ward": N_(
        "You are not on any ward yet: ask your ward administrator for an invite."
    ),
    "patient.ward_choice": _ward_choice,
    "patient.not_your_ward": _not_your_ward,
}
