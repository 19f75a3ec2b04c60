"""The scheduler wakes the code that claims due rows; it holds no state of its own.

Everything it acts on is a row (scheduled checks, the outbox, checks in progress), so a
restart, a crash or a second instance loses and repeats nothing: the next pass claims what
is due. APScheduler (through PTB's JobQueue) only provides the timers; its persistence and
its misfire rules are not relied on (a pass missed while the process was down is simply the
next pass, which finds everything that fell due and marks it late).

Two timers run a pass. The wake-up reads the earliest due instant over the due tables (one
indexed statement, ``storage.repositories.due``) and sleeps until then, at most a second:
a row that another instance, the command line or this instance's own handlers wrote is seen
within a second, on any arrangement of instances and on both databases, so a prompt leaves
within about a second of its time. ``nudge`` wakes it at once (a plan change). The
repeating tick (``interval_seconds``) stays as the safety net and does the work that has no
due row: shift boards and idle checks.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot
from telegram.ext import Application, ContextTypes, Job

from bot.clock import Clock
from bot.services.escalations import EscalationRunner
from bot.services.runner import PassReport, Runner
from bot.services.schedule import Rescheduler
from bot.telegram.prompts import OutboxSender
from storage.db import Database
from storage.repositories import due

log = logging.getLogger(__name__)
# Escalate, send; again while something happened: an undeliverable page moves its chain on
# (so a failure counts as something happening),
# and a page that went out after its alert was acknowledged queues an edit of itself.
URGENT_ROUNDS = 4
WAKE_POLL_SECONDS = 1.0
"""The longest the wake-up sleeps: how soon a row written elsewhere is seen."""
WAKE_AFTER_ERROR = 30.0


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
        waker: Waker | None = None,
    ) -> None:
        self._runner = runner
        self._sender = sender
        self._abandon = abandon  # closes idle checks; their nurses are told via the outbox
        self._rescheduler = rescheduler
        self._escalations = escalations
        self._interval = interval_seconds
        self._abandon_minutes = abandon_minutes
        self._waker = waker

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
        if self._waker is not None:
            self._waker.install(application, self.tick)

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
        """Run `urgent` in the background: the handler that asked answers its user at once.
        While the application stops, nothing is started: the rows stay due for the next pass
        (of this instance when it starts again, or of another)."""
        if application.running:
            application.create_task(self.urgent(application.bot), name="urgent-pass")

    def nudge(self) -> None:
        """Something may have fallen due now (a plan changed: a baseline check may be due at
        once): wake the scheduler now. Safe from any thread; a no-op while the wake-up is not
        running (tests that run passes themselves). A submit needs no nudge: the check it
        schedules is hours away, and its alert already leaves through ``kick``."""
        if self._waker is not None:
            self._waker.nudge()


Pass = Callable[[Bot], Awaitable[object]]


class Waker:
    """Runs a pass when the earliest due row's time comes, polling at most a second apart.

    A chain of one-off jobs, each scheduling the next, so there is never more than one and
    the job queue stops it with the application.
    """

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._job: Job[Any] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running = False
        self._nudged = False
        self._stuck: dt.datetime | None = None
        self._application: Application | None = None  # type: ignore[type-arg]
        self._pass: Pass | None = None

    def install(self, application: Application, run_pass: Pass) -> None:  # type: ignore[type-arg]
        assert application.job_queue is not None
        self._application, self._pass = application, run_pass
        self._job = application.job_queue.run_once(self._wake, when=1.0, name="scheduler-wake")

    def earliest(self, after: dt.datetime | None = None) -> dt.datetime | None:
        """A read that takes no lock (SQLite: no BEGIN IMMEDIATE), so it never delays a press;
        with ``after``, the earliest due instant later than that."""
        with self._db.snapshot() as session:
            return due.earliest(session, after=after)

    def _looks(self) -> dt.datetime | None:
        """The earliest due instant the wake-up acts on: past the rows left aside, and
        forgetting them once none is still due at or before their instant."""
        stuck = self._stuck
        if stuck is None:
            return self.earliest()
        with self._db.snapshot() as session:
            first = due.earliest(session)
            if first is None or first > stuck:  # the rows left aside moved
                self._stuck = None
                return first
            return due.earliest(session, after=stuck)

    def nudge(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake_now()
        else:
            loop.call_soon_threadsafe(self._wake_now)

    def _wake_now(self) -> None:
        if self._application is None or not self._application.running:
            return  # stopping: the job queue is gone
        if self._running:
            self._nudged = True  # the pass under way may have missed it: wake again after
            return
        job = self._job
        if job is None or job.removed or job.next_t is None:
            return
        job.schedule_removal()
        self._schedule(0.0)

    async def _wake(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        self._loop = asyncio.get_running_loop()
        self._running, self._nudged = True, False
        delay = WAKE_POLL_SECONDS
        try:
            delay = await self.once(context.bot)
        except Exception:
            # The database is unreachable, say: look again as seldom as the safety tick does,
            # not every second, so one outage is not 60 tracebacks a minute.
            log.exception("scheduler wake-up failed; looking again in %.0f s", WAKE_AFTER_ERROR)
            delay = WAKE_AFTER_ERROR
        finally:
            self._running = False
            self._schedule(0.0 if self._nudged else delay)

    async def once(self, bot: Bot) -> float:
        """Run a pass if anything is due; how long to sleep before looking again.

        A row a pass cannot move (locked by another instance, or failing each time) stays due
        at its instant: it is left aside (``_stuck``: rows due at or before that instant) for
        the safety tick rather than run a pass a second for it, and the wake-up looks past it,
        so a row due after it still gets its pass on time. Once no row is due at or before
        that instant any more, it looks at everything again.
        """
        due_at = await asyncio.to_thread(self._looks)
        now = self._clock()
        if due_at is not None and due_at <= now:
            assert self._pass is not None
            await self._pass(bot)
            after = await asyncio.to_thread(self.earliest, self._stuck)
            # Still the same instant due after a pass: a row this pass could not move. Look
            # past it from now on; anything else due is a backlog: look again in a second.
            if after == due_at:
                self._stuck = due_at
            return WAKE_POLL_SECONDS
        if due_at is None or due_at <= now:
            return WAKE_POLL_SECONDS
        return min(WAKE_POLL_SECONDS, (due_at - now).total_seconds())

    def _schedule(self, delay: float) -> None:
        application = self._application
        if application is None or application.job_queue is None or not application.running:
            return
        self._job = application.job_queue.run_once(
            self._wake, when=max(0.0, delay), name="scheduler-wake"
        )
