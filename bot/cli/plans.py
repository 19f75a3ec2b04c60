"""``neurocheck plan|duty``: infusion plans and duty shifts from the server's shell.

Same rules, texts and audit as the chat (``bot/services/plans.py``, ``bot/services/duty.py``);
times are entered and shown in the hospital's zone (``NEUROCHECK_TIMEZONE``). Each command
is a function taking settings, a database, a clock and output streams, so that tests call it
directly as well as through the console script.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING, TextIO

from bot.cli.common import TIME_HELP, fail, with_db
from bot.clock import system_clock
from bot.config import Settings

if TYPE_CHECKING:
    from bot.clock import Clock
    from bot.services.duty import ShiftView
    from bot.services.plans import PlanService
    from storage.db import Database

KINDS = ("start", "step_up", "hold", "restart", "stop", "end_cycle")
"""The values of ``storage.models.InfusionEventKind`` (so the parser needs no database import)."""
ON_CALL_DUTIES = ("primary", "backup", "attending")
"""The physicians' values of ``storage.models.Duty`` (so the parser needs no database import)."""


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    plan = sub.add_parser("plan", help="infusion plans: add, event, show")
    plan_sub = plan.add_subparsers(dest="plan_command", metavar="PLAN_COMMAND", required=True)
    add = plan_sub.add_parser(
        "add",
        help="start a patient's next cycle (ends their current plan)",
        description="Create an infusion plan (one cycle). A start now or in the past means "
        "the infusion is running; a start in the future means it is planned.",
    )
    _patient_arguments(add)
    add.add_argument("--protocol", required=True, metavar="rr|mrd", help="protocol code")
    add.add_argument("--cycle", required=True, type=int, metavar="N", help="cycle number")
    add.add_argument("--start", required=True, metavar="TIME", help=TIME_HELP)
    add.set_defaults(func=_cmd_plan_add)
    event = plan_sub.add_parser(
        "event",
        help="record an infusion event on the patient's current plan",
        description="Record what happened to the infusion: start (of a planned cycle), "
        "step_up, hold (give --reason), restart, stop (discontinued), end_cycle.",
    )
    _patient_arguments(event)
    event.add_argument("--kind", required=True, choices=KINDS)
    event.add_argument(
        "--reason",
        metavar="R",
        help="why (required for hold): neurotoxicity, crs, infection, line, other or a few words",
    )
    event.add_argument(
        "--at", metavar="TIME", default=None, help=f"when (default now): {TIME_HELP}"
    )
    event.set_defaults(func=_cmd_plan_event)
    show = plan_sub.add_parser("show", help="show a patient's plan as the chat shows it")
    _patient_arguments(show)
    show.set_defaults(func=_cmd_plan_show)

    duty = sub.add_parser("duty", help="duty shifts: add, list")
    duty_sub = duty.add_subparsers(dest="duty_command", metavar="DUTY_COMMAND", required=True)
    dadd = duty_sub.add_parser(
        "add",
        help="plan a shift for a member of staff on a ward",
        description="Plan a shift: nurses and charge nurses are on duty (they get the ward's "
        "check prompts); physicians are on call, as primary (the default), backup or "
        "attending. At most 72 hours.",
    )
    dadd.add_argument("--ward", required=True, metavar="CODE")
    dadd.add_argument("--telegram-id", required=True, type=int, metavar="N")
    dadd.add_argument("--from", dest="starts", required=True, metavar="TIME", help=TIME_HELP)
    dadd.add_argument("--to", dest="ends", required=True, metavar="TIME", help=TIME_HELP)
    dadd.add_argument(
        "--as",
        dest="duty",
        choices=ON_CALL_DUTIES,
        default=None,
        help="physicians only: the on-call duty (default primary)",
    )
    dadd.add_argument(
        "--override",
        action="store_true",
        help="physicians only: replace whoever else holds that duty on the ward meanwhile",
    )
    dadd.set_defaults(func=_cmd_duty_add)
    dlist = duty_sub.add_parser("list", help="the ward's shifts that are not over yet")
    dlist.add_argument("--ward", required=True, metavar="CODE")
    dlist.set_defaults(func=_cmd_duty_list)


def _patient_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ward", required=True, metavar="CODE", help="the ward, e.g. H7")
    parser.add_argument("--label", required=True, metavar="LABEL", help="e.g. 'Bed 4 AB'")


# -- the commands, callable from tests ----------------------------------------------------


def plan_add(
    settings: Settings,
    db: Database,
    *,
    ward_code: str,
    label: str,
    protocol: str,
    cycle: int,
    start: str,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from bot.services.errors import RefusedError
    from bot.telegram import plan_texts
    from bot.telegram.plans import plan_text
    from bot.telegram.words import refusal

    service = _plans(settings, db, clock)
    try:
        created = service.create(
            label=label, protocol=protocol, cycle=cycle, starts_at=start, ward_code=ward_code
        )
    except RefusedError as error:
        return fail(refusal(error), err)
    lines = [plan_texts.plan_created(created.already_existed, None)]
    if created.ended is not None:
        old = created.ended
        lines.append(f"Cycle {old.cycle_number} ({old.protocol}) is now {old.status.value}.")
    lines += ["", plan_text(created.plan, settings.zone), f"(plan id {created.plan.id})"]
    print("\n".join(lines), file=out or sys.stdout)
    return 0


def plan_event(
    settings: Settings,
    db: Database,
    *,
    ward_code: str,
    label: str,
    kind: str,
    reason: str | None = None,
    at: str | None = None,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from bot.services.errors import RefusedError
    from bot.services.patient_refusals import PlanRefusal
    from bot.telegram.patients import local_time
    from bot.telegram.plans import event_line
    from bot.telegram.words import refusal
    from bot.telegram.words.plans import new_cycle_held, reason_words

    service = _plans(settings, db, clock)
    try:
        recorded = service.record_for_patient(
            label=label, kind=kind, ward_code=ward_code, reason=reason, at=at
        )
    except RefusedError as error:
        if error.code is not PlanRefusal.NEW_CYCLE_NEEDED:
            return fail(refusal(error), err)
        facts = error.facts
        return fail(
            f"{new_cycle_held(**facts)} Start cycle {facts['next_cycle']} instead: neurocheck "
            f"plan add --ward {ward_code} --label '{facts['label']}' --protocol "
            f'{facts["protocol"]} --cycle {facts["next_cycle"]} --start "YYYY-MM-DD HH:MM"',
            err,
        )
    event, plan = recorded.event, recorded.plan
    print(
        f"Recorded for {plan.patient_label} at {local_time(event.at, settings.zone)}: "
        f"{event_line(event.kind, reason_words(event.reason))}. "
        f"The infusion is now {plan.status.value}.",
        file=out or sys.stdout,
    )
    return 0


def plan_show(
    settings: Settings,
    db: Database,
    *,
    ward_code: str,
    label: str,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from bot.services.errors import RefusedError
    from bot.telegram import plan_texts
    from bot.telegram.plans import plan_text
    from bot.telegram.words import refusal

    service = _plans(settings, db, clock)
    try:
        shown = service.show(label=label, ward_code=ward_code)
    except RefusedError as error:
        return fail(refusal(error), err)
    text = (
        plan_texts.no_plan(shown.label, shown.ward_code)
        if shown.plan is None
        else plan_text(shown.plan, settings.zone)
    )
    print(text, file=out or sys.stdout)
    return 0


def duty_add(
    settings: Settings,
    db: Database,
    *,
    ward_code: str,
    telegram_id: int,
    starts: str,
    ends: str,
    duty: str | None = None,
    override: bool = False,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from bot.services.duty import DutyService
    from bot.services.errors import RefusedError
    from bot.telegram.words import refusal

    service = DutyService(db, clock or system_clock, zone=settings.zone)
    try:
        added = service.add_shift(
            ward_code=ward_code,
            telegram_user_id=telegram_id,
            starts_at=starts,
            ends_at=ends,
            duty=duty,
            override=override,
        )
    except RefusedError as refused:
        return fail(refusal(refused), err)
    shift = added.shift
    what = "already planned" if added.already_existed else "planned"
    print(
        f"Shift {what}: {shift.name} ({_duty_words(shift)}) on ward "
        f"{shift.ward_code}, {_span(shift.starts_at, shift.ends_at, settings)} "
        f"({settings.timezone}).",
        file=out or sys.stdout,
    )
    return 0


def duty_list(
    settings: Settings,
    db: Database,
    *,
    ward_code: str,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from bot.services.duty import DutyService
    from bot.services.errors import RefusedError
    from bot.telegram.words import refusal

    now_of = clock or system_clock
    service = DutyService(db, now_of, zone=settings.zone)
    try:
        shifts = service.shifts(ward_code)
    except RefusedError as refused:
        return fail(refusal(refused), err)
    out = out or sys.stdout
    if not shifts:
        print(f"no current or planned shifts on {ward_code.strip().upper()}", file=out)
    now = now_of()
    for shift in shifts:
        print(
            "\t".join(
                (
                    _span(shift.starts_at, shift.ends_at, settings),
                    shift.duty.value + (" (override)" if shift.override else ""),
                    f"{shift.name} (telegram id {shift.telegram_user_id})",
                    "on duty now" if shift.covers(now) else "planned",
                )
            ),
            file=out,
        )
    return 0


# -- argparse glue --------------------------------------------------------------------------


def _cmd_plan_add(args: argparse.Namespace) -> int:
    return with_db(
        lambda settings, db: plan_add(
            settings,
            db,
            ward_code=args.ward,
            label=args.label,
            protocol=args.protocol,
            cycle=args.cycle,
            start=args.start,
        )
    )


def _cmd_plan_event(args: argparse.Namespace) -> int:
    return with_db(
        lambda settings, db: plan_event(
            settings,
            db,
            ward_code=args.ward,
            label=args.label,
            kind=args.kind,
            reason=args.reason,
            at=args.at,
        )
    )


def _cmd_plan_show(args: argparse.Namespace) -> int:
    return with_db(
        lambda settings, db: plan_show(settings, db, ward_code=args.ward, label=args.label)
    )


def _cmd_duty_add(args: argparse.Namespace) -> int:
    return with_db(
        lambda settings, db: duty_add(
            settings,
            db,
            ward_code=args.ward,
            telegram_id=args.telegram_id,
            starts=args.starts,
            ends=args.ends,
            duty=args.duty,
            override=args.override,
        )
    )


def _cmd_duty_list(args: argparse.Namespace) -> int:
    return with_db(lambda settings, db: duty_list(settings, db, ward_code=args.ward))


def _plans(settings: Settings, db: Database, clock: Clock | None) -> PlanService:
    """Wired as ``bot.app.build`` wires it: the shipped protocols, and a plan change
    recomputes the patient's next check at once (the running bot picks up the row)."""
    from bot.services.plans import PlanService
    from bot.services.schedule import Rescheduler, ScheduleRules

    now = clock or system_clock
    rules = ScheduleRules.shipped(settings.zone)
    rescheduler = Rescheduler(db, now, rules)
    return PlanService(
        db,
        now,
        zone=settings.zone,
        protocols=rules.protocols,
        on_change=rescheduler.patient_changed,
    )


def _duty_words(shift: ShiftView) -> str:
    words = shift.duty.value.replace("_", " ")
    return f"{words}, override" if shift.override else words


def _span(start: dt.datetime, end: dt.datetime, settings: Settings) -> str:
    fmt = "%d %b %Y %H:%M"
    return f"{start.astimezone(settings.zone):{fmt}} to {end.astimezone(settings.zone):{fmt}}"
