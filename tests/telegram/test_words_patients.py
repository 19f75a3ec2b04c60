"""The patients, plans, wards and invites refusals read exactly as the services used to word
them (the sentences moved to bot/telegram/words; not one of them changed)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.services.enrolment import InviteRefusal
from bot.services.errors import RefusalCode, RefusedError
from bot.services.events import EventRefusal
from bot.services.patient_refusals import PatientRefusal, PlanRefusal, WardRefusal
from bot.telegram.words import refusal

BERLIN = ZoneInfo("Europe/Berlin")
AT = dt.datetime(2026, 11, 24, 9, 30, tzinfo=BERLIN)
LAST = dt.datetime(2026, 11, 24, 8, 0, tzinfo=BERLIN)

SAID = [
    (PatientRefusal.UNKNOWN, {}, "No such patient on your wards. /patients lists them."),
    (PatientRefusal.NOT_ON_WARD, {}, "There is no such patient on your ward."),
    (
        PatientRefusal.AMBIGUOUS,
        {"label": "Bed 4", "wards": ("H7", "H8"), "command": "plan"},
        "Bed 4 is on wards H7 and H8: put the ward code first, e.g. /plan H7, Bed 4",
    ),
    (
        PatientRefusal.LABEL_LENGTH,
        {"max_label": 32},
        "The label must be 1 to 32 characters: use a bed, initials or study code — never a "
        "name or record number.",
    ),
    (
        PatientRefusal.WARD_CHOICE,
        {"wards": ("H7", "H8")},
        "You are on wards H7, H8: put the ward code first, e.g. /admit H7, Bed 4 AB, "
        "1958-03-02, 45+",
    ),
    (
        PatientRefusal.NOT_YOUR_WARD,
        {"ward": "H9", "own": ("H7", "H8")},
        "You are not on ward H9; your wards: H7, H8.",
    ),
    (
        PatientRefusal.DATE_TOO_OLD,
        {"dob": dt.date(1895, 11, 23), "max_age": 130},
        "The date of birth 1895-11-23 gives an age over 130.",
    ),
    (PatientRefusal.NOT_ALLOWED, {"action": "discharge"}, "Your role may not discharge patients."),
    (
        PlanRefusal.START_RANGE,
        {"start": AT, "days": 90, "ahead": True},
        "The start 24 Nov 2026 09:30 is more than 90 days ahead.",
    ),
    (
        PlanRefusal.NOT_NOW,
        {
            "label": "Bed 4",
            "at": AT,
            "status": "held",
            "kind": "step_up",
            "possible": ("restart", "stop", "end_cycle"),
        },
        "The infusion of Bed 4 is held: step up cannot be recorded now (possible: restart, "
        "stop, end cycle).",
    ),
    (
        PlanRefusal.EVENT_BEFORE_LAST,
        {"label": "Bed 4", "at": LAST, "last_kind": "end_cycle", "last_at": AT},
        "24 Nov 2026 08:00 is before the last event (end cycle at 24 Nov 2026 09:30): events "
        "are recorded in the order they happened.",
    ),
    (
        PlanRefusal.REASON_MISSING,
        {"reasons": ("neurotoxicity", "crs", "infection", "line", "other")},
        "Give the reason for the hold: neurotoxicity, crs, infection, line, other, or a word.",
    ),
    (
        PlanRefusal.NEW_CYCLE_NEEDED,
        {
            "label": "Bed 4",
            "protocol": "rr",
            "next_cycle": 2,
            "held_since": LAST,
            "held_days": 8,
        },
        "The infusion of Bed 4 was held since 24 Nov 2026 08:00 (8 days). An interruption of "
        "more than 7 days starts a new cycle, so no restart was recorded. Start cycle 2 "
        "instead: /plan Bed 4 new rr 2 <start time>",
    ),
    (WardRefusal.UNKNOWN, {"ward": "H99"}, "There is no ward 'H99'."),
    (
        WardRefusal.ESCALATION,
        {"urgency": "high", "detail": "primary: a whole number"},
        "escalation.high: primary: a whole number",
    ),
    (
        InviteRefusal.HOURS,
        {"hours": 0, "max_hours": 336},
        "an invite is valid for 1 to 336 hours, not 0",
    ),
    (EventRefusal.UNKNOWN_FINDING, {}, "That is not an event this bot records."),
]


@pytest.mark.parametrize(("code", "facts", "words"), SAID, ids=[c.value for c, _, _ in SAID])
def test_the_words_are_the_old_ones(
    code: RefusalCode, facts: dict[str, object], words: str
) -> None:
    assert refusal(RefusedError(code, **facts)) == words


def test_an_unknown_setting_lists_the_settings() -> None:
    said = refusal(RefusedError(WardRefusal.UNKNOWN_SETTING, key="cadence.nope"))
    assert said.startswith("unknown ward setting 'cadence.nope'; settings: shift_changes, ")
    assert said.endswith("(minutes after the alert, or off)")


def test_the_audit_keeps_the_short_invite_reason() -> None:
    assert InviteRefusal.NOT_ADMIN.rule == "not_admin"
