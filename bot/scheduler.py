"""The scheduler wakes the code that claims due rows; it holds no state of its own.

Everything it acts on is a row (scheduled checks, the outbox, checks in progress), so a
restart, a crash or a second instance loses and repeats nothing: the next tick claims what
is due. APScheduler (through PTB's JobQueue) only provides the tick; its persistence and its
misfire rules are not relied on (a tick missed while the process was down is simply the
next tick, which finds everything that fell due and marks it late).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import Bot
from telegram.ext import Application, ContextTypes

from bot.services.escalations import EscalationRunner
from bot.services.runner import PassReport, Runner
from bot.services.schedule import Rescheduler
from bot.telegram.prompts import OutboxSender

log = logging.getLogger(__name__)
# Escalate, send; again while something happened: an undeliverable page moves its chain on
# (so a failure counts as something happening),
# and a page that went out after its alert was acknowledged queues an edit of itself.
URGENT_ROUNDS = 4


class Scheduler:
    def __init__(
        self,
        runner: Runner,
        sender: OutboxSender,
        abandon: Callable[[int], object],
        rescheduler: Rescheduler,
        escalations: EscalationRunner,
        *,
        interval_seconds: int,
        abandon_minutes: int,
    ) -> None:
        self._runner = runner
        self._sender = sender
        self._abandon = abandon  # closes idle checks; their nurses are told via the outbox
        self._rescheduler = rescheduler
        self._escalations = escalations
        self._interval = interval_seconds
        self._abandon_minutes = abandon_minutes

    def install(self, application: Application) -> None:  # type: ignore[type-arg]
        if application.job_queue is None:
            raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
        # No misfire limit: on a busy machine the application starts more than APScheduler's
        # default second after this is queued, and the sweep was then silently skipped.
        application.job_queue.run_once(
            self._startup,
            when=0,
            name="schedule-sweep",
            job_kwargs={"misfire_grace_time": None},
        )
        application.job_queue.run_repeating(
            self._tick, interval=self._interval, first=1.0, name="scheduler"
        )

    async def _startup(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        count = await asyncio.to_thread(self._rescheduler.sweep)
        log.info("schedule sweep: %d patients with an active plan", count)

    async def _tick(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.tick(context.bot)

    async def tick(self, bot: Bot) -> PassReport | None:
        """One pass. Each step is isolated: a failure in one must not stop the others."""
        report: PassReport | None = None
        try:
            report = await asyncio.to_thread(self._runner.run_due)
            if report.nobody_to_tell:
                log.error("checks due with nobody on the ward to tell: %s", report.nobody_to_tell)
        except Exception:
            log.exception("scheduler pass failed; the rows stay due for the next pass")
        try:
            await asyncio.to_thread(self._abandon, self._abandon_minutes)
        except Exception:
            log.exception("closing idle checks failed")
        await self.urgent(bot)
        return report

    async def abandon_idle(self, bot: Bot) -> None:
        """Close the checks idle too long and send what that queued (their nurses' notices)."""
        await asyncio.to_thread(self._abandon, self._abandon_minutes)
        await self._sender.send_pending(bot)

    async def urgent(self, bot: Bot) -> None:
        """The escalation steps that are due, then the outbox. Also run at once after a submit,
        an event or an acknowledgement, so an alert leaves in seconds, not at the next tick;
        two passes at once are safe (claims are row locks, sends are leased)."""
        for _ in range(URGENT_ROUNDS):
            steps = await self._escalate()
            try:
                sent = await self._sender.send_pending(bot)
            except Exception:
                log.exception("sending queued messages failed; they stay queued")
                break
            if not steps and not sent.handled:
                break  # nothing moved and nothing was sent or given up: done

    async def _escalate(self) -> int:
        """One escalation pass; how many steps it took. A page that could not be delivered
        moves its chain on at once, so `urgent` runs another round after sending."""
        try:
            report = await asyncio.to_thread(self._escalations.run_due)
        except Exception:
            log.exception("escalation pass failed; the steps stay due for the next pass")
            return 0
        if report.nobody:
            log.error("alerts with nobody on call for a step: %s", report.nobody)
        return report.steps

    def kick(self, application: Application) -> None:  # type: ignore[type-arg]
        """Run `urgent` in the background: the handler that asked answers its user at once."""
        application.create_task(self.urgent(application.bot), name="urgent-pass")
