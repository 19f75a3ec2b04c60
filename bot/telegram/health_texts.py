"""What the watcher's kinds of work are called, for ``neurocheck health``, ``/healthz``, the
heartbeat's log line and the metrics' ``work`` label (kept as it was: dashboards use it)."""

from __future__ import annotations

from typing import Final

from storage.repositories.health import Work

WORK: Final = {
    Work.CHECK_PROMPTS: "check prompts and reminders",
    Work.ESCALATION_STEPS: "escalation steps",
    Work.FOLLOW_UPS: "alert follow-ups",
    Work.SECOND_CHANNEL: "second-channel pages",
    Work.OUTBOX: "outgoing messages",
}


def work_words(kind: Work) -> str:
    """The name of one kind of overdue work."""
    return WORK[kind]
