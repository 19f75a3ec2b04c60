"""The quality summary: checks due, on time, late, missed; alerts by urgency and how fast
they were acknowledged; second-channel use. Counted while the rows stream past, so it costs
one number per alert and nothing per check.

The summary's text is part of the export's output (printed by the command, written as
``summary.txt``, sent in the chat), like the data dictionary.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from bot.clinical.quality import Timeliness, percentile
from bot.services.export.loader import PatientRows
from bot.services.export.rows import minutes_to_ack, prompt_timeliness
from storage.models import Urgency

URGENCIES = (Urgency.CRITICAL, Urgency.HIGH, Urgency.NORMAL, Urgency.INFO)


@dataclass
class Summary:
    ward: str
    first_day: dt.date
    last_day: dt.date
    zone: str
    pseudonymised: bool = False
    patients: int = 0
    checks: int = 0
    events: int = 0
    prompts: Counter[Timeliness] = field(default_factory=Counter)
    alerts: Counter[str] = field(default_factory=Counter)
    acknowledged: Counter[str] = field(default_factory=Counter)
    waits: dict[str, list[float]] = field(default_factory=dict)
    second_channel: int = 0
    """Alerts that also left Telegram (not acknowledged by the policy's minute, or run out)."""

    def add(self, rows: PatientRows, *, on_time_within: dt.timedelta, now: dt.datetime) -> None:
        self.patients += 1
        self.checks += len(rows.checks)
        self.events += len(rows.events)
        for prompt in rows.prompts:
            self.prompts[prompt_timeliness(prompt, on_time_within, now)] += 1
        for alert in rows.alerts:
            urgency = alert.row.urgency.value
            self.alerts[urgency] += 1
            self.second_channel += alert.row.second_channel_sent_at is not None
            waited = minutes_to_ack(alert)
            if waited is not None:
                self.acknowledged[urgency] += 1
                self.waits.setdefault(urgency, []).append(waited)

    @property
    def due(self) -> int:
        """Scheduled checks owed so far: cancelled ones never were, pending ones not yet."""
        return sum(
            self.prompts[t] for t in (Timeliness.ON_TIME, Timeliness.LATE, Timeliness.MISSED)
        )

    def text(self) -> str:
        pseudo = ", pseudonymised" if self.pseudonymised else ""
        lines = [
            f"Quality summary: ward {self.ward}, {self.first_day} to {self.last_day} "
            f"({self.zone}){pseudo}",
            f"patients: {self.patients}; checks started: {self.checks}; events: {self.events}",
            f"checks due: {self.due}; done on time: {self.prompts[Timeliness.ON_TIME]}; "
            f"late: {self.prompts[Timeliness.LATE]}; missed: {self.prompts[Timeliness.MISSED]} "
            f"(not yet due or within grace: {self.prompts[Timeliness.PENDING]}; "
            f"cancelled, not counted: {self.prompts[Timeliness.CANCELLED]})",
        ]
        if not sum(self.alerts.values()):
            lines.append("alerts: none")
        for urgency in URGENCIES:
            count = self.alerts[urgency.value]
            if count:
                lines.append(f"alerts {urgency.value}: {count}; {self._ack_text(urgency.value)}")
        lines.append(
            f"second channel: {self.second_channel} alert{'' if self.second_channel == 1 else 's'}"
            " also left Telegram "
            "(not acknowledged in time, or nobody acknowledged)"
        )
        return "\n".join(lines)

    def _ack_text(self, urgency: str) -> str:
        waits = self.waits.get(urgency, [])
        acknowledged = self.acknowledged[urgency]
        if not waits:
            return f"acknowledged: {acknowledged}"
        median, p90 = percentile(waits, 0.5), percentile(waits, 0.9)
        return (
            f"acknowledged: {acknowledged}; time to acknowledgement median {median:.1f} min, "
            f"90th percentile {p90:.1f} min"
        )
