"""What a message off Telegram says, from the facts the outbox row carries.

Deliberately poor: a pager screen, an SMS gateway or a mailbox is outside the hospital's
Telegram protection, so it gets the ward, the urgency, the minutes and the alert's number,
never a patient label or a finding. The physician opens Telegram (or calls the ward).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def page_text(facts: Mapping[str, Any]) -> str:
    """One line, short enough for a pager."""
    urgency = str(facts["urgency"]).upper()
    ward, alert = facts["ward"], facts["escalation_id"]
    if facts["event"] == "acknowledged":
        by = facts.get("acknowledged_by") or "someone"
        return f"Neurocheck: {urgency} alert #{alert} on ward {ward} acknowledged by {by}."
    return (
        f"Neurocheck: {urgency} alert on ward {ward} not acknowledged for {facts['minutes']} "
        f"min. Open Telegram or call the ward. Alert #{alert}."
    )


def subject(facts: Mapping[str, Any]) -> str:
    urgency = str(facts["urgency"]).upper()
    return f"Neurocheck: {urgency} alert #{facts['escalation_id']} on ward {facts['ward']}"
