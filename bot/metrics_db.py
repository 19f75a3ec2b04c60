"""The database's figures for Prometheus, read at each scrape (see ``bot.metrics``)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import sqlalchemy as sa
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlmodel import func, select

from bot.clock import Clock
from bot.services import health
from bot.telegram.health_texts import work_words
from storage.db import Database
from storage.models import OutboundMessage, OutboxStatus

log = logging.getLogger(__name__)


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
            found = {o.kind: o for o in health.overdue(session, now, dt.timedelta(0))}
        late = {
            work_words(kind): (now - found[kind].oldest).total_seconds() if kind in found else 0.0
            for kind in health.WATCHED_KINDS
        }
        return int(depth), late
