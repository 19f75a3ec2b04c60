"""The ward of the seed case report, as the scenario tests drive it: people, taps, the clock.

Everyone works through Telegram (the fake server); time moves only when a test moves it, and
the scheduler runs when a test ticks it, exactly as the real bot's timer would at that instant.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import col, select

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from storage.db import Database
from storage.models import (
    AuditLog,
    CheckStatus,
    Duty,
    Escalation,
    GradeResult,
    OutboundMessage,
    Role,
    ScheduledCheck,
)
from tests.e2e.test_check import tap
from tests.support import factories
from tests.support.clock import FakeClock

NURSE, CHARGE, PRIMARY, BACKUP = 501, 502, 701, 702
ON_DUTY_HOURS = 24 * 14  # the whole story: nobody's shift ends in the middle of it


def ice(orientation: int, named: int, command: bool, writing: bool, attention: bool) -> list[str]:
    """The taps of the ICE items: `orientation` of year, month, city, hospital correct."""
    places = ("Year", "Month", "City", "Hospital")
    marks = [f"{p} {'✓' if i < orientation else '✗'}" for i, p in enumerate(places)]
    tasks = [
        f"{name} {'✓' if ok else '✗'}"
        for name, ok in (("Command", command), ("Writing", writing), ("Attention", attention))
    ]
    return [*marks, "Done", f"{named} named", *tasks, "Done"]


def check_taps(
    consciousness: str = "Alert",
    cognition: list[str] | None = None,
    *,
    motor: tuple[str, ...] = (),
) -> tuple[str, ...]:
    """A whole check: consciousness, the ICE, no seizure, motor findings, no ICP, no note."""
    items = ice(4, 3, True, True, True) if cognition is None else cognition
    moves = [*motor, "Done"] if motor else ["None of these"]
    return (consciousness, *items, "No seizure", *moves, "None of these", "Skip")


NORMAL = check_taps()
"""ICE 10, alert, nothing else: grade 0."""
UNAROUSABLE = ("Unarousable", "No seizure", "None of these", "None of these", "Skip")


@dataclass
class Ward:
    """The seed's ward: a nurse and a charge nurse on duty, a primary and a backup on call."""

    tg: FakeTelegram
    bot: Neurocheck
    db: Database
    clock: FakeClock
    ward_id: int
    nurse: SimUser
    charge: SimUser
    primary: SimUser
    prompts: list[tuple[dt.datetime, str]] = field(default_factory=list)

    # -- the clock and the scheduler ------------------------------------------------------

    async def settle(self) -> None:
        """Wait until no message is on its way (the fake clock may jump a lease)."""
        for _ in range(250):
            with self.db.session() as session:
                busy = session.exec(
                    select(OutboundMessage.id).where(col(OutboundMessage.claim_token).is_not(None))
                ).first()
            if busy is None:
                return
            await asyncio.sleep(0.02)
        raise AssertionError("a message stayed claimed for 5 s")

    async def tick_at(self, moment: dt.datetime) -> None:
        await self.settle()
        self.clock.now = max(self.clock.now, moment)
        await self.bot.tick()

    # -- what the nurse sees and does -------------------------------------------------------

    async def receive(self, user: SimUser, wanted: Callable[[str], bool]) -> SentMessage:
        """The next message to `user` that `wanted` accepts; ward boards and notices on the
        way are read past, as a nurse would."""
        for _ in range(20):
            message = await user.next_message()
            if wanted(message.text or message.caption or ""):
                return message
        raise AssertionError(f"{user.name}: no wanted message among the next 20")

    async def prompted_check(self, label: str, taps: tuple[str, ...]) -> ScheduledCheck:
        """Wait for the patient's next check to fall due, then answer its prompt."""
        row = self.open_check()
        await self.tick_at(row.due_at)
        prompt = await self.receive(self.nurse, lambda t: f"check due for {label}" in t)
        self.prompts.append((self.clock.now, row.kind.value))
        await self.nurse.press(prompt, "Start check")
        question = await self.receive(self.nurse, lambda t: "Level of consciousness?" in t)
        await tap(self.nurse, question, *taps, "Submit")
        return row

    async def board(self) -> str:
        await self.nurse.send("/patients")
        return (await self.receive(self.nurse, lambda t: t.startswith("Ward H7"))).text or ""

    async def plan_event(self, label: str, button: str) -> str:
        """A nurse records an infusion event on /plan with its two taps."""
        await self.nurse.send(f"/plan {label}")
        view = await self.receive(self.nurse, lambda t: "infusion plan" in t)
        confirm = await tap(self.nurse, view, button)
        done = await tap(self.nurse, confirm, "Confirm")
        return done.text or ""

    async def event(self, label: str, finding: str) -> None:
        await self.nurse.send(f"/event {label}")
        menu = await self.receive(self.nurse, lambda t: label in t)
        await tap(self.nurse, await tap(self.nurse, menu, finding), "Report now")

    # -- what the physician sees and does ---------------------------------------------------

    async def alert(self, head: str) -> SentMessage:
        """The next alert to the primary whose text starts with `head` (its chart skipped)."""
        return await self.receive(self.primary, lambda t: t.startswith(head))

    async def acknowledge(self, alert: SentMessage, *decisions: str) -> SentMessage:
        await self.primary.press(alert, "Acknowledge")
        alert = await self.primary.wait_edit(alert)
        for decision in decisions:
            await self.primary.press(alert, decision)
            alert = await self.primary.wait_edit(alert)
        return alert

    # -- what the database holds ------------------------------------------------------------

    def open_check(self) -> ScheduledCheck:
        with self.db.session() as session:
            return session.exec(
                select(ScheduledCheck).where(
                    col(ScheduledCheck.status).in_((CheckStatus.DUE, CheckStatus.PROMPTED))
                )
            ).one()

    def grades(self) -> list[tuple[int | None, int | None, bool]]:
        """(ICE, ICANS grade, complete) of every current grade, oldest first."""
        with self.db.session() as session:
            rows = session.exec(
                select(GradeResult).where(col(GradeResult.current)).order_by(col(GradeResult.id))
            ).all()
        return [(r.ice_score, r.icans_grade, r.complete) for r in rows]

    def escalations(self) -> list[tuple[str, str]]:
        """(urgency, source) of every alert, oldest first."""
        with self.db.session() as session:
            rows = session.exec(select(Escalation).order_by(col(Escalation.id))).all()
        return [(r.urgency.value, r.source) for r in rows]

    def decisions(self) -> list[str]:
        with self.db.session() as session:
            rows = session.exec(
                select(AuditLog)
                .where(AuditLog.action == "escalation.decision")
                .order_by(col(AuditLog.id))
            ).all()
        return [str(r.detail.get("decision")) for r in rows]


def seed_ward(
    tg: FakeTelegram, bot: Neurocheck, db: Database, clock: FakeClock
) -> tuple[Ward, int]:
    ward_id = factories.ward(db)
    people = {
        NURSE: ("Nurse Ada", Role.NURSE, Duty.NURSE),
        CHARGE: ("Charge Nurse Bea", Role.CHARGE_NURSE, Duty.CHARGE_NURSE),
        PRIMARY: ("Dr Pim", Role.PHYSICIAN, Duty.PRIMARY),
        BACKUP: ("Dr Bex", Role.PHYSICIAN, Duty.BACKUP),
    }
    since = clock.now - dt.timedelta(hours=1)
    for telegram_id, (name, role, duty) in people.items():
        staff_id = factories.staff(db, telegram_id, name, role, [ward_id])
        factories.duty(db, ward_id, staff_id, duty, since, ON_DUTY_HOURS)
    ward = Ward(tg, bot, db, clock, ward_id, tg.user(NURSE), tg.user(CHARGE), tg.user(PRIMARY))
    return ward, ward_id
