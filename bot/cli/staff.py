"""``neurocheck staff list|deactivate|reactivate|role``: the staff lifecycle from the server.

Rotas need Telegram ids (``duty add --telegram-id``, the on-call CSV); ``staff list`` shows
them. Deactivating takes effect at once, also in a running bot (it reads the database on
every update). Bad input gets one line on stderr and exit status 2, argparse's own errors
included. Like the other admin commands, each is a function that tests call directly.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, TextIO

from bot.cli.common import ROLES, with_db
from bot.clock import system_clock
from bot.config import Settings

if TYPE_CHECKING:
    from bot.clock import Clock
    from storage.db import Database

BAD_INPUT = 2
MAX_TELEGRAM_ID = 2**63 - 1
HEADER = "name\trole\twards\ttelegram id\tenrolled\tlast seen\tstatus"


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    staff = sub.add_parser(
        "staff", help="staff: list, deactivate, reactivate, role, contact (with Telegram ids)"
    )
    staff_sub = staff.add_subparsers(dest="staff_command", metavar="STAFF_COMMAND", required=True)
    listing = staff_sub.add_parser(
        "list", help="everyone enrolled: name, role, wards, Telegram id, enrolled, last seen"
    )
    listing.add_argument("--ward", metavar="CODE", help="only this ward's members")
    listing.set_defaults(func=_cmd_list)

    off = staff_sub.add_parser(
        "deactivate",
        help="remove someone at once (or only from one ward with --ward)",
        description="Access ends at once; running duties end now and planned ones are "
        "cancelled; pages move on to the next step; checks they hold go back to the nurses "
        "on duty. With --ward, only that ward's membership, duties and pages.",
    )
    off.add_argument("--telegram-id", required=True, metavar="N")
    off.add_argument("--ward", metavar="CODE", help="only this ward (of several)")
    off.add_argument("--reason", required=True, metavar="TEXT", help="kept in the audit trail")
    off.set_defaults(func=_cmd_deactivate)

    on = staff_sub.add_parser(
        "reactivate", help="give a deactivated person access again (or add a ward with --ward)"
    )
    on.add_argument("--telegram-id", required=True, metavar="N")
    on.add_argument("--ward", metavar="CODE", help="put them on this ward as well")
    on.set_defaults(func=_cmd_reactivate)

    role = staff_sub.add_parser(
        "role",
        help="change someone's role (duties the new role cannot hold end now)",
    )
    role.add_argument("--telegram-id", required=True, metavar="N")
    role.add_argument("--role", required=True, metavar="|".join(ROLES))
    role.set_defaults(func=_cmd_role)

    contact = staff_sub.add_parser(
        "contact",
        help="set someone's second channel for unacknowledged alerts (e-mail or pager)",
        description="An alert still unacknowledged at the ward policy's second_channel minute "
        "also goes to the e-mail address (by SMTP) or the pager number (through the ward's "
        "webhook) of whoever the current step pages. No patient label or finding is sent.",
    )
    contact.add_argument("--telegram-id", required=True, metavar="N")
    how = contact.add_mutually_exclusive_group(required=True)
    how.add_argument("--email", metavar="ADDRESS", help="e-mail or e-mail-to-pager address")
    how.add_argument("--pager", metavar="NUMBER", help="pager number, paged by the ward's webhook")
    how.add_argument("--clear", action="store_true", help="Telegram only again")
    contact.set_defaults(func=_cmd_contact)


def _bad(message: str, err: TextIO | None) -> int:
    print(f"neurocheck: {message}", file=err or sys.stderr)
    return BAD_INPUT


def _telegram_id(text: str) -> int | None:
    text = text.strip()
    if not text.isdigit() or not 0 < int(text) <= MAX_TELEGRAM_ID:
        return None
    return int(text)


def staff_list(
    settings: Settings,
    db: Database,
    *,
    ward_code: str | None = None,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from bot.services.errors import RefusedError
    from bot.services.staff_admin import StaffAdminService
    from bot.telegram.staff_texts import when
    from bot.telegram.words import refusal

    try:
        rows = StaffAdminService(db, clock or system_clock).everyone(ward_code)
    except RefusedError as error:
        return _bad(refusal(error), err)
    out = out or sys.stdout
    if not rows:
        print("nobody enrolled yet: invite them with 'neurocheck invite'", file=out)
        return 0
    print(HEADER, file=out)
    zone = settings.zone
    for row in rows:
        status = "active" if row.active else f"deactivated {when(row.deactivated_at, zone)}"
        fields = (
            row.display_name,
            row.role.value,
            ",".join(row.ward_codes) or "-",
            str(row.telegram_user_id),
            when(row.enrolled_at, zone),
            when(row.last_seen_at, zone),
            status,
        )
        print("\t".join(fields), file=out)
    return 0


def staff_change(
    db: Database,
    command: str,
    *,
    telegram_id: str,
    ward_code: str | None = None,
    reason: str = "",
    role: str = "",
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """``deactivate``, ``reactivate`` or ``role``: one line saying what changed, or why not."""
    from bot.services.enrolment import parse_role
    from bot.services.errors import RefusedError
    from bot.services.staff_admin import StaffAdminService
    from bot.telegram.staff_texts import change_text
    from bot.telegram.words import refusal

    person = _telegram_id(telegram_id)
    if person is None:
        return _bad(f"--telegram-id must be a positive whole number, not {telegram_id!r}", err)
    service = StaffAdminService(db, clock or system_clock)
    try:
        if command == "deactivate":
            change = service.deactivate(person, ward_code=ward_code, reason=reason)
        elif command == "reactivate":
            change = service.reactivate(person, ward_code=ward_code)
        else:
            new_role = parse_role(role)
            if new_role is None:
                return _bad(f"--role must be one of {', '.join(ROLES)}, not {role!r}", err)
            change = service.change_role(person, new_role)
    except RefusedError as error:
        return _bad(refusal(error), err)
    print(change_text(change), file=out or sys.stdout)
    return 0


def staff_contact(
    db: Database,
    *,
    telegram_id: str,
    email: str | None = None,
    pager: str | None = None,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Set or clear (neither ``email`` nor ``pager``) someone's second channel."""
    from bot.services.errors import RefusedError
    from bot.services.staff_contact import ContactService
    from bot.telegram.staff_texts import contact_text
    from bot.telegram.words import refusal

    person = _telegram_id(telegram_id)
    if person is None:
        return _bad(f"--telegram-id must be a positive whole number, not {telegram_id!r}", err)
    channel, address = ("email", email) if email is not None else ("pager", pager)
    try:
        change = ContactService(db, clock or system_clock).set(
            person, channel if address is not None else None, address
        )
    except RefusedError as error:
        return _bad(refusal(error), err)
    print(contact_text(change), file=out or sys.stdout)
    return 0


# -- argparse glue --------------------------------------------------------------------------


def _cmd_list(args: argparse.Namespace) -> int:
    return with_db(lambda settings, db: staff_list(settings, db, ward_code=args.ward))


def _cmd_deactivate(args: argparse.Namespace) -> int:
    return with_db(
        lambda _settings, db: staff_change(
            db,
            "deactivate",
            telegram_id=args.telegram_id,
            ward_code=args.ward,
            reason=args.reason,
        )
    )


def _cmd_reactivate(args: argparse.Namespace) -> int:
    return with_db(
        lambda _settings, db: staff_change(
            db, "reactivate", telegram_id=args.telegram_id, ward_code=args.ward
        )
    )


def _cmd_role(args: argparse.Namespace) -> int:
    return with_db(
        lambda _settings, db: staff_change(db, "role", telegram_id=args.telegram_id, role=args.role)
    )


def _cmd_contact(args: argparse.Namespace) -> int:
    return with_db(
        lambda _settings, db: staff_contact(
            db, telegram_id=args.telegram_id, email=args.email, pager=args.pager
        )
    )
