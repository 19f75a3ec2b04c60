"""The words of duty and on call (``/onduty``, ``/offduty``, ``/duty``, ``/oncall``), in the
reader's language.

English is the source (``N_`` marks) and reads as it always has: moments as "24 Nov 2026
21:00", duties by their typed names (primary, backup, attending). Chinese names the on-call
duties as wards do (一线, 二线, 三线) and writes moments as "11月24日 21:00".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final
from zoneinfo import ZoneInfo

from bot.services.duty import WardDuty
from bot.services.roster import Gap, Holding, WardRoster
from bot.telegram import i18n, texts
from bot.telegram.i18n import ENGLISH, N_, gettext

DUTY_NAMES: Final = {
    "nurse": N_("nurse"),
    "charge_nurse": N_("charge nurse"),
    "primary": N_("primary"),
    "backup": N_("backup"),
    "attending": N_("attending"),
}
"""A duty as a sentence names it ("on call as primary")."""
DUTY_HEADINGS: Final = {
    "primary": N_("Primary"),
    "backup": N_("Backup"),
    "attending": N_("Attending"),
}
"""A duty at the head of a rota line ("• Primary: ...")."""

MAX_TEXT: Final = 4000
"""Below Telegram's 4096 characters: a long rota goes out as several messages."""


def moment(at: dt.datetime, zone: ZoneInfo, language: str = ENGLISH) -> str:
    """ "24 Nov 2026 21:00" in English (as always), "11月24日 21:00" in Chinese (a duty
    ends within days: no year)."""
    return i18n.moment(at, zone, language, english=i18n.ENGLISH_DAY_YEAR)


def listed(items: Sequence[str], language: str = ENGLISH) -> str:
    """Ward codes or names, as the language lists them ("H7, H8"; "H7，H8")."""
    return gettext(language, ", ").join(items)


def duty_name(duty: str, language: str = ENGLISH) -> str:
    """A duty in a sentence: the typed name in English, the ward's word otherwise."""
    return gettext(language, DUTY_NAMES[duty]) if duty in DUTY_NAMES else duty


def _heading(duty: str, language: str) -> str:
    return gettext(language, DUTY_HEADINGS[duty]) if duty in DUTY_HEADINGS else duty.title()


class _Say:
    """``gettext`` bound to one reader's language."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, message: str) -> str:
        return gettext(self.language, message)


# -- /onduty, /offduty ----------------------------------------------------------------------

ONDUTY_USAGE: Final = N_("Usage: /onduty [hours], 1 to 24 (12 if left out). Example: /onduty 8")
_ON_DUTY: Final = N_(
    "You are on duty on ward {wards} until {until}. "
    "Neuro-check prompts for these wards come to you."
)
_SHIFT_EXTENDED: Final = N_("(Your running shift on {wards} was extended.)")
_ON_DUTY_END: Final = N_("/offduty ends it, /duty shows who else is on.")
_OFF_DUTY: Final = N_("You are off duty on ward {wards} since {at}.")
_WAS_NOT_ON: Final = N_("You were not on duty; nothing changed.")
_NEXT_SHIFT: Final = N_(" Your next planned shift starts {next_shift}.")


def on_duty(
    ward_codes: tuple[str, ...], until: str, extended: tuple[str, ...], language: str = ENGLISH
) -> str:
    lines = [gettext(language, _ON_DUTY).format(wards=listed(ward_codes, language), until=until)]
    if extended:
        lines.append(gettext(language, _SHIFT_EXTENDED).format(wards=listed(extended, language)))
    lines.append(gettext(language, _ON_DUTY_END))
    return "\n".join(lines)


def off_duty(
    ward_codes: tuple[str, ...], at: str, next_shift: str | None, language: str = ENGLISH
) -> str:
    text = (
        gettext(language, _OFF_DUTY).format(wards=listed(ward_codes, language), at=at)
        if ward_codes
        else gettext(language, _WAS_NOT_ON)
    )
    if next_shift is None:
        return text
    return text + gettext(language, _NEXT_SHIFT).format(next_shift=next_shift)


# -- /duty ----------------------------------------------------------------------------------

_BOARD_WARD: Final = N_("Ward {ward} ({name}), on duty now:")
_BOARD_SHIFT: Final = N_("• {name} ({duty}) until {until}")
_NOBODY_CHARGE_GETS_IT: Final = N_("• nobody: check prompts go to the charge nurses of the ward")
_NOBODY_AT_ALL: Final = N_("• nobody, and no charge nurse is enrolled: check prompts reach NO ONE")
_CHARGE_ON: Final = N_("Charge nurse: {names}")
_CHARGE_OFF: Final = N_("Charge nurse: none on duty; alerts go to {names}")
_CHARGE_NONE: Final = N_("Charge nurse: none enrolled on this ward")
_ON_CALL_NOW: Final = N_("On call: {holders}")
_HOLDER: Final = N_("{name} until {until}")


def duty_text(wards: tuple[WardDuty, ...], zone: ZoneInfo, language: str = ENGLISH) -> str:
    """Each ward: who is on duty now and until when, the charge nurse, who is on call."""
    if not wards:
        return gettext(language, texts.NO_WARD)
    say = _Say(language)
    blocks: list[str] = []
    for ward in wards:
        lines = [say(_BOARD_WARD).format(ward=ward.ward_code, name=ward.ward_name)]
        lines += [
            say(_BOARD_SHIFT).format(
                name=s.name,
                duty=duty_name(s.duty.value, language),
                until=moment(s.ends_at, zone, language),
            )
            for s in ward.on_duty
        ] or [say(_NOBODY_CHARGE_GETS_IT if ward.charge_nurses else _NOBODY_AT_ALL)]
        charge = listed(ward.charge_nurses, language)
        if ward.charge_on_duty:
            lines.append(say(_CHARGE_ON).format(names=charge))
        elif ward.charge_nurses:
            lines.append(say(_CHARGE_OFF).format(names=charge))
        else:
            lines.append(say(_CHARGE_NONE))
        if ward.on_call:
            holders = listed(
                [
                    say(_HOLDER).format(name=s.name, until=moment(s.ends_at, zone, language))
                    for s in ward.on_call
                ],
                language,
            )
            lines.append(say(_ON_CALL_NOW).format(holders=holders))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


# -- /oncall --------------------------------------------------------------------------------

ONCALL_USAGE: Final = N_(
    "Usage: /oncall shows who is on call; physicians: /oncall primary|backup|attending <hours, "
    "1 to 24> [override], e.g. /oncall primary 12"
)
ONCALL_FOR_OTHERS: Final = N_(
    "To put someone else on call, use the server: neurocheck duty add --ward <code> "
    "--telegram-id <id> --as primary|backup|attending --from <time> --to <time> [--override]"
)
ONCALL_FIX: Final = N_(
    "a physician sends /oncall primary <hours>, or plan it with neurocheck duty add"
)
_ON_CALL: Final = N_("You are on call as {duty} on ward {wards} until {until}.")
_OVERRIDES: Final = N_("This overrides whoever else is {duty} there until then.")
_ON_CALL_EXTENDED: Final = N_("(Your running on-call period on {wards} was extended.)")
_ON_CALL_END: Final = N_("/oncall shows the rota.")


def on_call(
    ward_codes: tuple[str, ...],
    duty: str,
    until: str,
    override: bool,
    extended: tuple[str, ...],
    language: str = ENGLISH,
) -> str:
    say, named = _Say(language), duty_name(duty, language)
    lines = [say(_ON_CALL).format(duty=named, wards=listed(ward_codes, language), until=until)]
    if override:
        lines.append(say(_OVERRIDES).format(duty=named))
    if extended:
        lines.append(say(_ON_CALL_EXTENDED).format(wards=listed(extended, language)))
    lines.append(say(_ON_CALL_END))
    return "\n".join(lines)


_ROTA_WARD: Final = N_("Ward {ward} ({name}), on call now:")
_ROTA_NOW: Final = N_("• {duty}: {holders}")
_ROTA_NEXT: Final = N_("Next 24 hours:")
_ROTA_CHANGE: Final = N_("• {at} {duty}: {holders}")
_ROTA_NO_CHANGE: Final = N_("No changes in the next 24 hours.")
_ROTA_GAPS: Final = N_("⚠ No primary on call {spans}: {fix}.")
_NOBODY: Final = N_("nobody")
_HOLDERS: Final = N_("{names}{override} until {until}")
_OVERRIDE_MARK: Final = N_(" (override)")
_GAP_OPEN: Final = N_("from {start}, and none is planned after that")
_GAP: Final = N_("from {start} to {end}")
_GAPS_JOINED: Final = N_("; ")


def oncall_text(
    wards: tuple[WardRoster, ...], zone: ZoneInfo, language: str = ENGLISH
) -> list[str]:
    """Each ward's rota: the holders now, the changes in 24 hours, a warning for any hour of
    the next 12 without a primary. One message, or several when it would be too long."""
    if not wards:
        return [gettext(language, texts.NO_WARD)]
    messages: list[str] = []
    for block in (_ward_rota(ward, zone, language) for ward in wards):
        if messages and len(messages[-1]) + len(block) + 2 <= MAX_TEXT:
            messages[-1] += "\n\n" + block
        else:
            messages.append(block)
    return messages


def _ward_rota(ward: WardRoster, zone: ZoneInfo, language: str) -> str:
    say = _Say(language)
    lines = [say(_ROTA_WARD).format(ward=ward.ward_code, name=ward.ward_name)]
    lines += [
        say(_ROTA_NOW).format(
            duty=_heading(held.duty.value, language), holders=_holders(held, zone, language)
        )
        for held in ward.now
    ]
    if ward.changes:
        lines.append(say(_ROTA_NEXT))
        lines += [
            say(_ROTA_CHANGE).format(
                at=moment(held.start, zone, language),
                duty=duty_name(held.duty.value, language),
                holders=_holders(held, zone, language),
            )
            for held in ward.changes
        ]
    else:
        lines.append(say(_ROTA_NO_CHANGE))
    if ward.primary_gaps:
        spans = say(_GAPS_JOINED).join(_gap(gap, zone, language) for gap in ward.primary_gaps)
        lines.append(say(_ROTA_GAPS).format(spans=spans, fix=say(ONCALL_FIX)))
    return "\n".join(lines)


def _holders(held: Holding, zone: ZoneInfo, language: str) -> str:
    if not held.names:
        return gettext(language, _NOBODY)
    return gettext(language, _HOLDERS).format(
        names=listed(held.names, language),
        override=gettext(language, _OVERRIDE_MARK) if held.override else "",
        until=moment(held.end, zone, language),
    )


def _gap(gap: Gap, zone: ZoneInfo, language: str) -> str:
    start = moment(gap.start, zone, language)
    if gap.end is None:
        return gettext(language, _GAP_OPEN).format(start=start)
    return gettext(language, _GAP).format(start=start, end=moment(gap.end, zone, language))
