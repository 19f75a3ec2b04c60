"""What happens to a chain when a page's fate is known: delivered (the nurse's copy says who
was paged; a copy that went out after the acknowledgement is brought up to date) or not
(the chain moves on at once when that page was the step's last hope), or withdrawn because
the person paged can no longer answer."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from sqlmodel import Session

from bot.clinical import Urgency
from bot.clinical.escalation_steps import skip_ahead
from bot.clinical.policy import steps_of
from bot.services import check_followup, oplog, outbox
from bot.services.escalations.chain import audit_escalation, edit_copies, reached
from bot.services.outbox import Recipient
from storage.models import DeliveryStatus, Escalation, EscalationDelivery, EscalationStatus

CHART_PURPOSE: Final = "alert_chart"


def delivery_outcome(
    session: Session,
    payload: dict[str, Any],
    *,
    sent: bool,
    message_id: int | None,
    error: str | None,
    now: dt.datetime,
) -> None:
    """The outbox's verdict on a page, in the outbox's transaction.

    A page that cannot be delivered (blocked bot, chat gone) is an audit row, and when it was
    the step's last hope the chain moves to its next step at once instead of waiting.
    """
    delivery = session.get(EscalationDelivery, int(payload["delivery_id"]), with_for_update=True)
    if delivery is None or delivery.status is not DeliveryStatus.PENDING:
        return
    escalation = session.get(Escalation, delivery.escalation_id, with_for_update=True)
    assert escalation is not None
    delivery.status = DeliveryStatus.SENT if sent else DeliveryStatus.FAILED
    delivery.message_id, delivery.error = message_id, (error or None) and str(error)[:500]
    delivery.sent_at = now if sent else None
    if sent:
        check_followup.queue_edit(session, escalation, now, change=f"paged:{delivery.id}")
        _queue_chart(session, escalation, delivery, payload, now)
        oplog.after_commit(
            session,
            "page sent",
            escalation=escalation.id,
            delivery=delivery.id,
            staff=delivery.staff_id,
            ward=escalation.ward_id,
        )
    audit_escalation(
        session,
        escalation,
        "escalation.delivered" if sent else "escalation.delivery_failed",
        now,
        staff_id=delivery.staff_id,
        step_index=delivery.step_index,
        error=delivery.error,
    )
    updated = escalation.status is not EscalationStatus.OPEN
    if sent and updated and escalation.closed_reason != "information":
        # Acknowledged or closed while this page was on its way: update this copy too.
        edit_copies(session, escalation, now, decide_for=escalation.acknowledged_by_id)
    if not sent and escalation.status is EscalationStatus.OPEN:
        _skip_if_unreached(session, escalation, delivery.step_index, now)


def page_withdrawn(
    session: Session, escalation: Escalation, delivery: EscalationDelivery, now: dt.datetime
) -> None:
    """A person paged can no longer answer (deactivated, or taken off the ward): their page is
    skipped and, as for a chat that blocked the bot, the chain moves to its next step now when
    nobody else of the latest step was reached."""
    delivery.status = DeliveryStatus.SKIPPED
    delivery.error = "recipient withdrawn"
    audit_escalation(
        session,
        escalation,
        "escalation.page_withdrawn",
        now,
        staff_id=delivery.staff_id,
        step_index=delivery.step_index,
    )
    if escalation.status is EscalationStatus.OPEN:
        _skip_if_unreached(session, escalation, delivery.step_index, now)


def _skip_if_unreached(
    session: Session, escalation: Escalation, step_index: int, now: dt.datetime
) -> None:
    """Nobody of the latest step can be reached: the next step now rather than at its minute
    (the give-up only when nobody at all was ever reached; otherwise it keeps its time). A late
    failure of an earlier step changes nothing: later steps have been paged since."""
    if skip_ahead(
        failed_step=step_index,
        step_index=escalation.step_index,
        steps=steps_of(escalation.policy),
        step_reached=lambda: reached(session, escalation, step_index=step_index),
        anyone_reached=lambda: reached(session, escalation),
    ):
        escalation.next_step_at = now


def _queue_chart(
    session: Session,
    escalation: Escalation,
    delivery: EscalationDelivery,
    payload: dict[str, Any],
    now: dt.datetime,
) -> None:
    """The first page to a person is followed by the patient's chart, its own outbox row (in
    reply to the page): drawn when sent, retried like any message. Repeats and
    information-only alerts go without."""
    if payload.get("repeat") or escalation.urgency.value == Urgency.INFO.value:
        return
    if delivery.chat_id is None or delivery.message_id is None:
        return
    outbox.enqueue(
        session,
        to=Recipient.telegram(delivery.chat_id, delivery.staff_id),
        purpose=CHART_PURPOSE,
        payload={"escalation_id": escalation.id, "reply_to": delivery.message_id},
        dedupe_key=f"{CHART_PURPOSE}:{delivery.id}",
        now=now,
    )
