"""Escalations: an alert climbs its policy until somebody acknowledges.

Every escalation is a row; every page is a delivery row and an outbox message, written in
the transaction that decides it. ``open_escalation`` runs inside the transaction that
stored the check or event, so a grade change and its alert are stored together or not at
all. ``EscalationRunner.run_due`` claims the escalations whose next step is due (``FOR
UPDATE SKIP LOCKED``; SQLite serialises writers); which step does what is a rule of the
clinical core (``bot.clinical.escalation_steps``, a step-type dispatch table), and the
runner resolves the on-call people when the step runs and pages them. A delivery is unique
per escalation, step and person and the outbox is idempotent by key, so a pass that runs
twice, a restart or a second instance pages nobody twice.

One chain per patient: a new alert while one is open takes over (at the higher of the two
urgencies, paging again from the start, with the newest facts); the old one is closed as
superseded and its copies say so. Information-only alerts never take over a chain.

Modules: ``chain`` (open, take over, close, edit the copies), ``runner`` (the due steps,
follow-ups and second channel), ``outcomes`` (a page delivered, failed or withdrawn). This
package re-exports their public names.
"""

from __future__ import annotations

from bot.services.escalations.chain import (
    ROLE_DUTY,
    SHOWN_COPY,
    audit_escalation,
    close,
    close_missed_check,
    close_missed_checks_on_discharge,
    decisions_of,
    edit_copies,
    escalate,
    live_for_patient,
    on_call,
    open_escalation,
    reached,
    ward_leads,
)
from bot.services.escalations.outcomes import CHART_PURPOSE, delivery_outcome, page_withdrawn
from bot.services.escalations.runner import BATCH, EscalationReport, EscalationRunner
from storage.repositories.escalations import LIVE, MISSED_CHECK

__all__ = [
    "BATCH",
    "CHART_PURPOSE",
    "LIVE",
    "MISSED_CHECK",
    "ROLE_DUTY",
    "SHOWN_COPY",
    "EscalationReport",
    "EscalationRunner",
    "audit_escalation",
    "close",
    "close_missed_check",
    "close_missed_checks_on_discharge",
    "decisions_of",
    "delivery_outcome",
    "edit_copies",
    "escalate",
    "live_for_patient",
    "on_call",
    "open_escalation",
    "page_withdrawn",
    "reached",
    "ward_leads",
]
