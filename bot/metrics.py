"""What the bot exposes to Prometheus (``/metrics`` on the HTTP face, see ``bot/web.py``).

Two kinds of figures. What happens in this process (messages sent, acknowledgement times,
whether it leads) is counted here as it happens: Prometheus' counters are per process and
``rate()``/``sum()`` combine the instances. What is true of the ward's work as a whole (queued
messages, the oldest overdue item) is read from the database at each scrape, because the rows
are the truth and every instance sees the same ones.

The registry is our own, not prometheus_client's global one, so that nothing a library
registers leaks in and tests can build several bots in one process. The database figures'
collector is in ``bot.metrics_db``: this module imports nothing of ours, so the Telegram
adapters can count what they send.
"""

from __future__ import annotations

import datetime as dt

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

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
