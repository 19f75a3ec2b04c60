"""Escalations, their deliveries, the outbox and the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models.columns import big, created, enum, json_dict, json_list, ts
from storage.models.enums import DeliveryStatus, EscalationStatus, OutboxStatus, Urgency


class Escalation(SQLModel, table=True):
    """An alert climbing its policy. ``policy`` is a snapshot taken when it started."""

    __tablename__ = "escalation"
    __table_args__ = (sa.Index("ix_escalation_status_next", "status", "next_step_at"),)
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    ward_id: int = Field(foreign_key="ward.id")
    urgency: Urgency = enum(Urgency)
    reasons: list[str] = json_list()
    grade_result_id: int | None = Field(default=None, foreign_key="grade_result.id")
    scheduled_check_id: int | None = Field(default=None, foreign_key="scheduled_check.id")
    status: EscalationStatus = enum(EscalationStatus, EscalationStatus.OPEN)
    policy: dict[str, Any] = json_dict()
    step_index: int = Field(default=0)
    next_step_at: dt.datetime | None = ts(nullable=True)
    step_token: str | None = Field(default=None, max_length=36)
    created_at: dt.datetime = created()
    acknowledged_at: dt.datetime | None = ts(nullable=True)
    acknowledged_by_id: int | None = Field(default=None, foreign_key="staff.id")
    ack_kind: str | None = Field(default=None, max_length=32)
    source: str = Field(default="check", max_length=16)
    closed_at: dt.datetime | None = ts(nullable=True)
    closed_reason: str | None = Field(default=None, max_length=32)
    # A critical alert acknowledged: when to remind the physician if no check follows.
    follow_up_at: dt.datetime | None = ts(nullable=True, index=True)
    # When the alert leaves Telegram if still unacknowledged (the policy's second_channel
    # minute); cleared once it has, and the instant it did so.
    second_channel_at: dt.datetime | None = ts(nullable=True, index=True)
    second_channel_sent_at: dt.datetime | None = ts(nullable=True)


class EscalationDelivery(SQLModel, table=True):
    """One page to one person at one step; failures are rows too. Unique per person and step,
    so a step that runs twice pages nobody twice."""

    __tablename__ = "escalation_delivery"
    __table_args__ = (
        sa.UniqueConstraint(
            "escalation_id", "step_index", "staff_id", name="uq_delivery_escalation_step_staff"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    step_index: int
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    chat_id: int | None = big(nullable=True)
    status: DeliveryStatus = enum(DeliveryStatus, DeliveryStatus.PENDING)
    message_id: int | None = Field(default=None)
    error: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime = created()
    sent_at: dt.datetime | None = ts(nullable=True)


class OutboundMessage(SQLModel, table=True):
    """The outbox: a message is a row before it is sent, and is retried from the row.

    ``dedupe_key`` makes enqueueing idempotent (one prompt per check and reminder level).
    """

    __tablename__ = "outbound_message"
    __table_args__ = (sa.Index("ix_outbox_status_next", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    # A message is for a recipient on a channel: the channel's sender takes the row and sends
    # to ``address`` (a Telegram chat id as text, a URL, an e-mail address). ``staff_id`` is
    # the person it is for (None for a ward's webhook). ``chat_id`` repeats a Telegram
    # address as a number (0 on other channels): the edits of a sent copy address it.
    channel: str = Field(
        default="telegram", max_length=16, sa_column_kwargs={"server_default": "telegram"}
    )
    address: str | None = Field(default=None, max_length=500)
    staff_id: int | None = Field(default=None)
    chat_id: int = big()
    purpose: str = Field(max_length=32)
    payload: dict[str, Any] = json_dict()
    dedupe_key: str | None = Field(default=None, max_length=120, unique=True)
    status: OutboxStatus = enum(OutboxStatus, OutboxStatus.PENDING)
    attempts: int = Field(default=0)
    next_attempt_at: dt.datetime = ts()
    claim_token: str | None = Field(default=None, max_length=36)
    claimed_until: dt.datetime | None = ts(nullable=True)
    message_id: int | None = Field(default=None)
    error: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime = created()
    sent_at: dt.datetime | None = ts(nullable=True)


class AuditLog(SQLModel, table=True):
    """Append-only trail of who did what. Rows are never updated or deleted (see db guard)."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = ts(index=True)
    # No foreign keys: the trail is evidence about rows, not part of them, and an insert that
    # had to lock a referenced row could deadlock with the append lock (storage.repositories
    # .audit).
    actor_staff_id: int | None = Field(default=None)
    actor_telegram_id: int | None = big(nullable=True)
    action: str = Field(max_length=64)
    entity: str | None = Field(default=None, max_length=32)
    entity_id: int | None = Field(default=None)
    patient_id: int | None = Field(default=None, index=True)
    ward_id: int | None = Field(default=None)
    detail: dict[str, Any] = json_dict()
    chain_hash: str = Field(max_length=64)
    """SHA-256 over this row and the previous row's hash (storage.audit_chain)."""
