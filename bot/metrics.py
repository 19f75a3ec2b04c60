"""What the bot exposes to Prometheus (``/metrics`` on the HTTP face, see ``bot/web.py``).

Two kinds of figures. What happens in this process (messages sent, acknowledgement times,
whether it leads) is counted here as it happens: Prometheus' counters are per process and
``rate()``/``sum()`` combine the instances. What is true of the ward's work as a whole (queued
messages, the oldest overdue item) is read from the database at each scrape, because the rows
are the truth and every instance sees the same ones.

The registry is our own, not prometheus_client's global one, so that nothing a library
registers leaks in and tests can build several bots in one process.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlmodel import func, select

from bot.services import health
from bot.services.staff import Clock
from storage.db import Database
from storage.models import OutboundMessage, OutboxStatus

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)

MESSAGES_SENT = Counter(
    "neurocheck_messages_sent",
    "Messages from the outbox that Telegram accepted, by purpose "
    "(check_prompt: prompts and reminders; alert: pages to physicians).",
    ["purpose"],
    registry=REGISTRY,
)
ACKNOWLEDGEMENT = Histogram(
    "neurocheck_acknowledgement_seconds",
    "From an alert's opening to its first acknowledgement, by urgency.",
    ["urgency"],
    buckets=(30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200),
    registry=REGISTRY,
)
LEADER = Gauge(
    "neurocheck_leader",
    "1 while this instance takes Telegram's updates (the poller; every instance in webhook "
    "mode), else 0.",
    registry=REGISTRY,
)

# Shown at 0 from the start: a series that appears only with its first page makes an alert
# rule on it ("no page sent for an hour") blind until then.
for _purpose in ("check_prompt", "alert"):
    MESSAGES_SENT.labels(purpose=_purpose)
for _urgency in ("critical", "high", "normal"):
    ACKNOWLEDGEMENT.labels(urgency=_urgency)


def sent(purpose: str) -> None:
    MESSAGES_SENT.labels(purpose=purpose).inc()


def acknowledged(urgency: str, opened: dt.datetime, at: dt.datetime | None) -> None:
    if at is not None:
        ACKNOWLEDGEMENT.labels(urgency=urgency).observe(max((at - opened).total_seconds(), 0.0))


class DatabaseCollector(Collector):
    """Read at scrape time: the outbox depth and how late the work is, per kind."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def describe(self) -> Iterator[Metric]:
        """Nothing up front: otherwise registering would read the database at start."""
        return iter(())

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "neurocheck_database_up", "1 when the database answered this scrape, else 0."
        )
        try:
            depth, late = self._read()
        except sa.exc.SQLAlchemyError as error:
            log.warning("metrics: database unreadable: %s", str(error).splitlines()[0])
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "neurocheck_outbox_pending", "Messages queued and not yet sent.", value=depth
        )
        overdue = GaugeMetricFamily(
            "neurocheck_overdue_seconds",
            "Age of the oldest item past its due time, per kind of work (0: none). The "
            "scheduler passes every 30 s by default, so a minute is normal and 5 is an alarm.",
            labels=["work"],
        )
        for work, seconds in late.items():
            overdue.add_metric([work], seconds)
        yield overdue

    def _read(self) -> tuple[int, dict[str, float]]:
        now = self._clock()
        with self._db.session() as session:
            depth = session.exec(
                select(func.count()).where(OutboundMessage.status == OutboxStatus.PENDING)
            ).one()
            found = {o.what: o for o in health.overdue(session, now, dt.timedelta(0))}
        late = {
            what: (now - found[what].oldest).total_seconds() if what in found else 0.0
            for what in health.WATCHED_KINDS
        }
        return int(depth), late
