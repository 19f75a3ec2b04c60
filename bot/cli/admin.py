"""``neurocheck ward|invite|patient``: what an administrator does from the server's shell.

The first administrator comes from here (``neurocheck invite --role admin``); after that,
admins invite from the chat. Each command is a function taking settings, a database, a clock
and output streams, so that tests call it directly as well as through the console script.
Imports are deferred so that ``neurocheck --help`` and ``neurocheck grade`` stay fast.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from bot.cli.common import ROLES, fail, with_db
from bot.clinical.protocols import CadenceSettings
from bot.clock import system_clock
from bot.config import Settings, SettingsError

if TYPE_CHECKING:
    from bot.clock import Clock
    from storage.db import Database

GETME_TIMEOUT_SECONDS = 10.0


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ward = sub.add_parser("ward", help="wards: add, list (wards exist before invites)")
    ward_sub = ward.add_subparsers(dest="ward_command", metavar="WARD_COMMAND", required=True)
    add = ward_sub.add_parser("add", help="add a ward, e.g. 'neurocheck ward add H7 Haematology 7'")
    add.add_argument("code", metavar="CODE", help="short ward code, e.g. H7")
    add.add_argument("name", metavar="NAME", nargs="+", help="the ward's name")
    add.set_defaults(func=_cmd_ward_add)
    ward_sub.add_parser("list", help="list the wards").set_defaults(func=_cmd_ward_list)
    settings = ward_sub.add_parser(
        "settings",
        help="show or change a ward's check cadence and shift changes",
        description="Without KEY=VALUE, show what the ward runs with. KEY is shift_changes "
        f"(local HH:MM list, e.g. 07:00,19:00), cadence.NAME ({', '.join(_cadence_names())}) "
        "crs.ask (on or off: the CRS questions of the check round) "
        "or escalation.URGENCY.STEP; an empty VALUE returns to the default.",
    )
    settings.add_argument("code", metavar="CODE", help="the ward, e.g. H7")
    settings.add_argument("changes", metavar="KEY=VALUE", nargs="*")
    settings.set_defaults(func=_cmd_ward_settings)

    invite = sub.add_parser(
        "invite",
        help="create a one-time invite link for a member of staff",
        description="Create a one-time invite for ROLE on ward CODE and print its Telegram "
        "link (https://t.me/<bot>?start=<code>) and code. The first admin is invited here.",
    )
    invite.add_argument("--role", required=True, choices=ROLES)
    invite.add_argument("--ward", required=True, metavar="CODE", help="the ward, e.g. H7")
    invite.add_argument(
        "--hours",
        type=int,
        default=None,
        help="how long the invite stays valid (default: NEUROCHECK_INVITE_TTL_HOURS, 72)",
    )
    invite.set_defaults(func=_cmd_invite)

    patient = sub.add_parser("patient", help="patients: add, list")
    patient_sub = patient.add_subparsers(
        dest="patient_command", metavar="PATIENT_COMMAND", required=True
    )
    padd = patient_sub.add_parser(
        "add",
        help="admit a patient (known only by a ward label)",
        description="Admit a patient. The label is a bed, initials or study code: never a "
        "name or record number.",
    )
    padd.add_argument("--ward", required=True, metavar="CODE")
    padd.add_argument("--label", required=True, metavar="LABEL", help="e.g. 'Bed 4 AB'")
    padd.add_argument("--dob", required=True, metavar="YYYY-MM-DD", help="date of birth")
    padd.add_argument("--weight", required=True, metavar="45+|<45", help="weight band")
    padd.add_argument(
        "--flag",
        action="append",
        default=[],
        metavar="FLAG",
        help="clinician risk flag, repeatable (e.g. 'TP53 mutation', 'use CAPD')",
    )
    padd.set_defaults(func=_cmd_patient_add)
    plist = patient_sub.add_parser("list", help="list active patients")
    plist.add_argument("--ward", metavar="CODE", help="only this ward")
    plist.set_defaults(func=_cmd_patient_list)


# -- the commands, callable from tests ----------------------------------------------------


def ward_add(
    db: Database,
    code: str,
    name: str,
    *,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from bot.services.errors import RefusedError
    from bot.services.wards import WardService
    from bot.telegram.words import refusal

    try:
        ward = WardService(db, clock or system_clock).add(code, name)
    except RefusedError as error:
        return fail(refusal(error), err)
    print(f"ward {ward.code} ({ward.name}) added", file=out or sys.stdout)
    return 0


def ward_list(db: Database, *, out: TextIO | None = None) -> int:
    from bot.services.wards import WardService

    out = out or sys.stdout
    wards = WardService(db, system_clock).list()
    if not wards:
        print("no wards yet: add one with 'neurocheck ward add CODE NAME'", file=out)
    for ward in wards:
        print(f"{ward.code}\t{ward.name}", file=out)
    return 0


def invite(
    settings: Settings,
    db: Database,
    *,
    role: str,
    ward_code: str,
    hours: int | None = None,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Create the invite first; then ask the Bot API for the bot's name to build the link."""
    from bot.services.enrolment import EnrolmentService
    from bot.services.errors import RefusedError
    from bot.telegram.enrolment import deep_link
    from bot.telegram.patients import local_time
    from bot.telegram.words import refusal
    from storage.models import Role

    out, err = out or sys.stdout, err or sys.stderr
    service = EnrolmentService(
        db, clock or system_clock, default_ttl_hours=settings.invite_ttl_hours
    )
    try:
        created = service.create_invite(role=Role(role), ward_code=ward_code, hours=hours)
    except RefusedError as error:
        return fail(f"{refusal(error)}; the wards are listed by 'neurocheck ward list'", err)
    until = f"{local_time(created.expires_at, settings.zone)} ({settings.timezone})"
    print(
        f"Invite as {role.replace('_', ' ')} on ward {created.ward_code} "
        f"({created.ward_name}), single use, valid until {until}.",
        file=out,
    )
    username, why_not = bot_username(settings)
    if username is not None:
        print(f"Link: {deep_link(username, created.code)}", file=out)
        print(f"Code: {created.code}", file=out)
        print(f"Open the link, or send /start {created.code} to the bot.", file=out)
    else:
        print(f"Code: {created.code}", file=out)
        print(f"The new member should send /start {created.code} to the bot.", file=out)
        print(f"neurocheck: no link, only the code: {why_not}", file=err)
    return 0


def bot_username(settings: Settings) -> tuple[str | None, str]:
    """The bot's username from getMe, or None and why not (never echoing the token)."""
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut
    from telegram.request import HTTPXRequest

    try:
        token = settings.require_token()
    except SettingsError:
        return None, "NEUROCHECK_BOT_TOKEN is not set"

    async def ask() -> str:
        request = HTTPXRequest(connect_timeout=5.0, read_timeout=5.0, pool_timeout=5.0)
        async with Bot(token, base_url=settings.bot_api_url, request=request) as bot:
            return bot.username

    try:
        return asyncio.run(asyncio.wait_for(ask(), GETME_TIMEOUT_SECONDS)), ""
    except InvalidToken:
        return None, f"the Bot API at {settings.bot_api_url} rejected NEUROCHECK_BOT_TOKEN"
    except (TimedOut, TimeoutError):
        return None, (
            f"the Bot API at {settings.bot_api_url} did not answer in time "
            "(NEUROCHECK_BOT_API_URL, the network)"
        )
    except (NetworkError, OSError) as error:
        return None, (
            f"could not reach the Bot API at {settings.bot_api_url} "
            f"(NEUROCHECK_BOT_API_URL, the network): {error}"
        )
    except TelegramError as error:  # anything else Telegram says; its text has no token
        return None, f"the Bot API refused getMe ({type(error).__name__})"


def patient_add(
    settings: Settings,
    db: Database,
    *,
    ward_code: str,
    label: str,
    date_of_birth: str,
    weight_band: str,
    flags: Sequence[str] = (),
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from bot.services.errors import RefusedError
    from bot.services.patients import PatientService
    from bot.telegram.patients import admitted_text
    from bot.telegram.words import refusal

    service = PatientService(db, clock or system_clock, zone=settings.zone)
    try:
        view = service.admit(
            ward_code=ward_code,
            label=label,
            date_of_birth=date_of_birth,
            weight_band=weight_band,
            risk_flags=flags,
        )
    except RefusedError as error:
        return fail(refusal(error), err)
    print(f"{admitted_text(view)}\n(patient id {view.id})", file=out or sys.stdout)
    return 0


def patient_list(
    settings: Settings,
    db: Database,
    *,
    ward_code: str | None = None,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """The same rendering as ``/patients`` in the chat."""
    from bot.protocols import load_protocols
    from bot.services.errors import RefusedError
    from bot.services.patients import PatientService
    from bot.telegram.patients import patient_blocks
    from bot.telegram.words import refusal

    # The protocols give the dose and the cycle's length, exactly as the chat's board shows.
    service = PatientService(
        db, clock or system_clock, zone=settings.zone, protocols=load_protocols()
    )
    try:
        patients = service.list_active(ward_code)
    except RefusedError as error:
        return fail(refusal(error), err)
    lines = patient_blocks(patients, settings.zone) or ["no active patients"]
    print("\n".join(lines), file=out or sys.stdout)
    return 0


# -- argparse glue --------------------------------------------------------------------------


def _cmd_ward_add(args: argparse.Namespace) -> int:
    return with_db(lambda _settings, db: ward_add(db, args.code, " ".join(args.name)))


def _cmd_ward_settings(args: argparse.Namespace) -> int:
    return with_db(lambda _settings, db: ward_settings(db, args.code, args.changes))


def ward_settings(
    db: Database, code: str, changes: Sequence[str], *, out: TextIO | None = None
) -> int:
    """Show or change a ward's settings; a bad key or value changes nothing (exit 2)."""
    from bot.services.errors import RefusedError
    from bot.services.wards import WardService
    from bot.telegram.words import refusal

    out = out or sys.stdout
    pairs = dict(change.partition("=")[::2] for change in changes)
    if any("=" not in change for change in changes):
        print("neurocheck: write each change as KEY=VALUE", file=sys.stderr)
        return 2
    try:
        effective = WardService(db, system_clock).configure(code, pairs)
    except RefusedError as exc:
        print(f"neurocheck: {refusal(exc)}", file=sys.stderr)
        return 2
    for key, value in effective.items():
        print(f"{key}={value}", file=out)
    return 0


def _cmd_ward_list(_args: argparse.Namespace) -> int:
    return with_db(lambda _settings, db: ward_list(db))


def _cmd_invite(args: argparse.Namespace) -> int:
    return with_db(
        lambda settings, db: invite(
            settings, db, role=args.role, ward_code=args.ward, hours=args.hours
        )
    )


def _cmd_patient_add(args: argparse.Namespace) -> int:
    return with_db(
        lambda settings, db: patient_add(
            settings,
            db,
            ward_code=args.ward,
            label=args.label,
            date_of_birth=args.dob,
            weight_band=args.weight,
            flags=args.flag,
        )
    )


def _cmd_patient_list(args: argparse.Namespace) -> int:
    return with_db(lambda settings, db: patient_list(settings, db, ward_code=args.ward))


def _cadence_names() -> list[str]:
    """Every cadence setting a ward may change, named in the command's help."""
    return [field.name for field in dataclasses.fields(CadenceSettings)]
