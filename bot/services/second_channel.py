"""The second channel: an alert nobody acknowledges in Telegram also leaves Telegram.

Telegram cannot break through a silenced phone, so at the policy's ``second_channel`` minute
(snapshotted with the escalation), and whenever a chain runs out, the alert goes to the
second-channel address of whoever the latest step paged (an e-mail address by SMTP; a pager
number through the ward's gateway) and to the ward's webhook. Every message is an outbox row
on its channel, retried like a Telegram message, and written in the transaction that decides
it. Its payload carries facts only (alert number, ward code, urgency, minutes): never a
patient label, never a finding; the channel's sender words it (bot.channels.words).

An acknowledgement stops it: messages still queued are withdrawn, and the webhook, when it
was told, gets an "acknowledged" event so that the gateway stops its own paging.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Final

from sqlmodel import Session

from bot.services import outbox
from bot.services.outbox import Recipient
from storage.models import Escalation, Staff, Ward
from storage.repositories import audit
from storage.repositories import escalations as escalations_repo
from storage.repositories import outbox as outbox_repo

PURPOSE: Final = "second_channel"  # a page off Telegram
ACK_PURPOSE: Final = "second_channel_ack"  # the webhook's follow-up
WEBHOOK: Final = "webhook"
EMAIL: Final = "email"
PAGER: Final = "pager"  # a staff contact reached through the ward's webhook
CONTACT_CHANNELS: Final = (EMAIL, PAGER)
BATCH: Final = 100


def schedule(escalation: Escalation, *, no_later_than: dt.datetime | None = None) -> None:
    """Set when the escalation leaves Telegram, from its own policy snapshot. A chain that
    takes over another keeps the other's earlier minute: a second finding must not postpone
    the pager for the first (nor a run of findings postpone it for ever)."""
    minutes = escalation.policy.get("second_channel")
    due = [no_later_than] if no_later_than is not None else []
    if minutes is not None:
        due.append(escalation.created_at + dt.timedelta(minutes=int(minutes)))
    escalation.second_channel_at = min(due, default=None)


def earliest_due(escalations: Sequence[Escalation]) -> dt.datetime | None:
    """The earliest second-channel minute still ahead among ``escalations``."""
    return min((e.second_channel_at for e in escalations if e.second_channel_at), default=None)


def run_due(session: Session, now: dt.datetime) -> int:
    """Every open escalation whose second-channel minute has come: send; how many did."""
    rows = escalations_repo.claim_second_channel(session, now=now, limit=BATCH)
    for escalation in rows:
        send(session, escalation, now, event="unacknowledged")
    return len(rows)


def send(session: Session, escalation: Escalation, now: dt.datetime, *, event: str) -> None:
    """Queue the second-channel messages of one escalation for ``event`` ("unacknowledged"
    or "exhausted"), and audit who gets what and who has no second channel."""
    escalation.second_channel_at = None
    escalation.second_channel_sent_at = now
    ward = session.get(Ward, escalation.ward_id)
    assert ward is not None
    facts = _facts(escalation, ward, now, event)
    people = latest_step_people(session, escalation)
    emails = [s for s in people if s.contact_channel == EMAIL and s.contact_address]
    pagers = [s for s in people if s.contact_channel == PAGER and s.contact_address]
    key = f"second-channel:{escalation.id}:{event}"
    for staff in emails:
        outbox.enqueue(
            session,
            to=Recipient(EMAIL, staff.contact_address or "", staff.id),
            purpose=PURPOSE,
            payload={**facts, "channel": EMAIL, "staff_id": staff.id},
            dedupe_key=f"{key}:email:{staff.id}",
            now=now,
        )
    webhook = ward.settings.get("webhook_url")
    if webhook:
        outbox.enqueue(
            session,
            to=Recipient(WEBHOOK, str(webhook)),
            purpose=PURPOSE,
            payload={
                **facts,
                "channel": WEBHOOK,
                "pagers": [s.contact_address for s in pagers],
                "recipients": [s.id for s in pagers],
            },
            dedupe_key=f"{key}:webhook",
            now=now,
        )
    reached = {s.id for s in emails} | ({s.id for s in pagers} if webhook else set())
    _audit(
        session,
        escalation,
        "escalation.second_channel",
        now,
        event=event,
        minutes=facts["minutes"],
        recipients=[s.id for s in people if s.id in reached],
        without=[s.id for s in people if s.id not in reached],
        webhook=bool(webhook),
    )


def acknowledged(session: Session, escalation: Escalation, by_name: str, now: dt.datetime) -> None:
    """In the acknowledgement's transaction: nothing more leaves Telegram, and a webhook that
    was told hears who acknowledged."""
    withdraw(session, escalation, now)
    if escalation.second_channel_sent_at is None:
        return
    ward = session.get(Ward, escalation.ward_id)
    webhook = ward.settings.get("webhook_url") if ward else None
    if not webhook or ward is None:
        return
    facts = _facts(escalation, ward, now, "acknowledged")
    outbox.enqueue(
        session,
        to=Recipient(WEBHOOK, str(webhook)),
        purpose=ACK_PURPOSE,
        payload={**facts, "channel": WEBHOOK, "acknowledged_by": by_name},
        dedupe_key=f"second-channel-ack:{escalation.id}",
        now=now,
    )
    _audit(
        session, escalation, "escalation.second_channel", now, event="acknowledged", webhook=True
    )


def withdraw(session: Session, escalation: Escalation, now: dt.datetime) -> None:
    """The alert needs nobody any more (acknowledged, or closed): its second channel is not
    due, and its messages still queued are not sent (one already on its way may arrive)."""
    escalation.second_channel_at = None
    withdrawn = outbox_repo.withdraw_pending(
        session, purpose=PURPOSE, prefix=f"second-channel:{escalation.id}:"
    )
    if withdrawn:
        _audit(session, escalation, "escalation.second_channel_withdrawn", now, count=withdrawn)


def latest_step_people(session: Session, escalation: Escalation) -> list[Staff]:
    """The active people the latest step paged (whether or not Telegram reached them)."""
    deliveries = escalations_repo.deliveries(session, escalation_id=escalation.id)
    if not deliveries:
        return []
    last = max(d.step_index for d in deliveries)
    ids = {d.staff_id for d in deliveries if d.step_index == last and d.staff_id is not None}
    return escalations_repo.active_staff(session, staff_ids=ids)


def delivery_outcome(
    session: Session,
    payload: dict[str, Any],
    *,
    sent: bool,
    message_id: int | None,
    error: str | None,
    now: dt.datetime,
) -> None:
    """The outbox's verdict on a second-channel message: an audit row either way."""
    escalation = session.get(Escalation, int(payload["escalation_id"]))
    if escalation is None:
        return
    _audit(
        session,
        escalation,
        "escalation.second_channel_delivered" if sent else "escalation.second_channel_failed",
        now,
        event=payload.get("event"),
        channel=payload.get("channel"),
        staff_id=payload.get("staff_id"),
        error=error,
    )


def _facts(escalation: Escalation, ward: Ward, now: dt.datetime, event: str) -> dict[str, Any]:
    """What a message off Telegram may say: no patient, no finding."""
    return {
        "event": event,
        "escalation_id": escalation.id,
        "ward": ward.code,
        "urgency": escalation.urgency.value,
        "minutes": int((now - escalation.created_at).total_seconds() // 60),
        "at": now.isoformat(),
    }


def _audit(
    session: Session, escalation: Escalation, action: str, now: dt.datetime, **detail: Any
) -> None:
    audit.record(
        session,
        at=now,
        action=action,
        entity="escalation",
        entity_id=escalation.id,
        patient_id=escalation.patient_id,
        ward_id=escalation.ward_id,
        escalation_id=escalation.id,
        **detail,
    )
