"""Alerts to physicians: what an alert shows (``views``) and what physicians do with it
(``service``: acknowledge, decide, re-attribute a finding). This package re-exports the
public names."""

from __future__ import annotations

from bot.services.alerts.service import (
    ACK_KINDS,
    CHART_DAYS,
    DECISIONS,
    AlertRefusal,
    AlertService,
    may_acknowledge,
)
from bot.services.alerts.views import Acknowledged, AlertView, Chart

__all__ = [
    "ACK_KINDS",
    "CHART_DAYS",
    "DECISIONS",
    "Acknowledged",
    "AlertRefusal",
    "AlertService",
    "AlertView",
    "Chart",
    "may_acknowledge",
]
