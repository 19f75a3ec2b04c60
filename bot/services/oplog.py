"""Operator log lines for what matters in the loop: a check submitted, an alert opened, a page
sent, an acknowledgement. One INFO line each, with ids and the ward, never a patient label.

A line is written only once its transaction has committed: a rolled-back change (a conflict,
a crash) must not appear in the log as if it had happened.
"""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlmodel import Session

log = logging.getLogger("neurocheck.ops")


def after_commit(session: Session, message: str, **facts: object) -> None:
    """Log ``message key=value ...`` at INFO when ``session`` commits (never if it rolls back)."""
    line = " ".join([message, *(f"{key}={value}" for key, value in facts.items())])

    def write(_session: Session) -> None:
        log.info("%s", line)

    event.listen(session, "after_commit", write, once=True)
