"""The ward board: ``/patients``, the board at a shift change, and what ``/admit`` answers,
in the reader's language (the command line's ``patient add`` and ``patient list`` are English).

The patient list is rendered by ``patient_entry`` alone, so that a new column is added in one
place.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from telegram.constants import MessageLimit

from bot.clinical.risk import HIGH_RISK_AGE
from bot.clinical.tool import tool_for_age
from bot.services.board import BoardInfo
from bot.services.patients import PatientService, PatientView
from bot.telegram import texts
from bot.telegram.i18n import ENGLISH, N_, gettext
from bot.telegram.patient_texts import (
    day_time,
    joined,
    local_time,
    no_patients,
    say,
)
from bot.telegram.plan_texts import cadence
from storage.models import WeightBand


def weight_text(band: WeightBand, language: str = ENGLISH) -> str:
    words = N_("45 kg or more") if band == WeightBand.AT_LEAST_45KG else N_("under 45 kg")
    return gettext(language, words)


def risk_text(view: PatientView, language: str = ENGLISH) -> str:
    """``HIGH RISK (age 65 or more, TP53 mutation)``, or ``not high risk``."""
    if not view.high_risk:
        return gettext(language, N_("not high risk"))
    age = [say(language, N_("age {age} or more"), age=HIGH_RISK_AGE)]
    why = (age if view.age_years >= HIGH_RISK_AGE else []) + list(view.risk_flags)
    return say(language, N_("HIGH RISK ({why})"), why=joined(why, language))


def last_check_text(view: PatientView, zone: ZoneInfo, language: str = ENGLISH) -> str:
    grade = view.last_grade
    if grade is None:
        return gettext(language, N_("no check yet"))
    if grade.tool == "capd":
        score = f"CAPD {grade.capd_score}" if grade.capd_score is not None else "CAPD -"
    else:
        score = f"ICE {grade.ice_score}/10" if grade.ice_score is not None else "ICE -"
    icans = (
        say(language, N_("ICANS grade {grade}"), grade=grade.icans_grade)
        if grade.icans_grade is not None
        else "ICANS -"
    )
    partial = "" if grade.complete else gettext(language, ", ") + gettext(language, "incomplete")
    return say(
        language,
        N_("last check {at}: {score}, {icans}{partial}"),
        at=local_time(grade.graded_at, zone, language),
        score=score,
        icans=icans,
        partial=partial,
    )


def tool_text(view: PatientView) -> str:
    return tool_for_age(view.age_years, developmental_delay=view.use_capd).value.upper()


def patient_entry(view: PatientView, zone: ZoneInfo, language: str = ENGLISH) -> str:
    """One patient of the list: the only place that decides what a row shows."""
    head = say(
        language,
        N_("• {label}: {age} y, {weight}, {tool}, {risk}"),
        label=view.label,
        age=view.age_years,
        weight=weight_text(view.weight_band, language),
        tool=tool_text(view),
        risk=risk_text(view, language),
    )
    lines = [head, f"  {last_check_text(view, zone, language)}"]
    if view.board is not None:
        lines += [f"  {line}" for line in board_lines(view.board, zone, language)]
    return "\n".join(lines)


def shift_board(
    patients: PatientService, staff_id: int, zone: ZoneInfo, language: str = ENGLISH
) -> str:
    """The board an incoming nurse gets at a shift change (first message's worth)."""
    listing = patients.list_for_staff(staff_id)
    parts = render_patient_list(listing.patients, listing.ward_codes, zone, language)
    more = N_("(More: /patients shows the whole board.)")
    tail = "\n" + gettext(language, more) if len(parts) > 1 else ""
    return gettext(language, N_("Shift change: your ward board.")) + f"\n{parts[0]}{tail}"


def _cycle_words(info: BoardInfo, language: str) -> str:
    facts = {"cycle": info.cycle, "protocol": info.protocol, "day": info.day}
    if not info.day:
        return say(language, N_("cycle {cycle} ({protocol}), not started"), **facts)
    if info.cycle_days:
        template = N_("cycle {cycle} ({protocol}), day {day} of {days}")
        return say(language, template, days=info.cycle_days, **facts)
    return say(language, N_("cycle {cycle} ({protocol}), day {day}"), **facts)


def board_lines(info: BoardInfo, zone: ZoneInfo, language: str = ENGLISH) -> list[str]:
    """Cycle, day and dose; the next check, or how long it is overdue."""
    lines = []
    if info.cycle is not None:
        where = _cycle_words(info, language)
        state = gettext(language, N_("ON HOLD")) if info.held else info.dose
        if state:
            where = say(language, N_("{where}: {state}"), where=where, state=state)
        lines.append(where)
    if info.next_due is not None:
        due = day_time(info.next_due, zone, language)
        why = ""
        if info.cadence:
            named = cadence(info.cadence, info.cadence_hours, language)
            why = say(language, N_(" ({cadence})"), cadence=named)
        if info.in_progress:
            lines.append(say(language, N_("check due {due}: in progress{why}"), due=due, why=why))
        elif info.overdue_minutes:
            template = N_("OVERDUE: check due {due} ({minutes} min){why}")
            lines.append(say(language, template, due=due, minutes=info.overdue_minutes, why=why))
        else:
            lines.append(say(language, N_("next check {due}{why}"), due=due, why=why))
    if info.crs_grade is not None and info.crs_at is not None:
        at = day_time(info.crs_at, zone, language)
        temperature = (
            gettext(language, ", ") + f"{info.temperature_c:.1f} °C"
            if info.temperature_c is not None
            else ""
        )
        template = N_("CRS grade {grade}{temperature} ({at})")
        lines.append(say(language, template, grade=info.crs_grade, temperature=temperature, at=at))
    return lines


def render_patient_list(
    views: Sequence[PatientView],
    ward_codes: tuple[str, ...],
    zone: ZoneInfo,
    language: str = ENGLISH,
) -> list[str]:
    """The list as messages of at most 4096 characters, split between patients."""
    if not views:
        return [no_patients(ward_codes, language)]
    return split_blocks(patient_blocks(views, zone, language), language=language)


def patient_blocks(
    views: Sequence[PatientView], zone: ZoneInfo, language: str = ENGLISH
) -> list[str]:
    """A heading per ward, then one entry per patient."""
    blocks: list[str] = []
    for code in sorted({v.ward_code for v in views}):
        on_ward = [v for v in views if v.ward_code == code]
        heading = N_("Ward {ward}: {count} active patient(s)")
        blocks.append(say(language, heading, ward=code, count=len(on_ward)))
        blocks.extend(patient_entry(v, zone, language) for v in on_ward)
    return blocks


def split_blocks(
    blocks: Sequence[str],
    limit: int = MessageLimit.MAX_TEXT_LENGTH,
    *,
    language: str = ENGLISH,
) -> list[str]:
    """Join blocks with newlines into messages under ``limit``, noting each continuation."""
    note = "\n" + gettext(language, texts.LIST_SPLIT_NOTE)
    messages: list[str] = []
    current = ""
    for block in blocks:
        block = block[: limit - len(note) - 1]
        candidate = f"{current}\n{block}" if current else block
        if len(candidate) + len(note) > limit:
            messages.append(current + note)
            candidate = block
        current = candidate
    messages.append(current)
    return messages


def admitted_text(view: PatientView, language: str = ENGLISH) -> str:
    flags = joined(list(view.risk_flags), language) or gettext(language, "none")
    return say(
        language,
        N_(
            "Admitted {label} to ward {ward}.\n"
            "Age {age}, weight {weight}.\n"
            "Risk flags: {flags}.\n"
            "Risk: {risk}.\n"
            "Screening tool: {tool}.\n\n"
            "Next: the baseline neuro check, before the first dose."
        ),
        label=view.label,
        ward=view.ward_code,
        age=view.age_years,
        weight=weight_text(view.weight_band, language),
        flags=flags,
        risk=risk_text(view, language),
        tool=tool_text(view),
    )
