"""Invite queries, and the account an invite is redeemed for."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from storage.models import Invite, Role, Staff


def add(
    session: Session,
    *,
    code_hash: str,
    role: Role,
    ward_id: int,
    created_at: dt.datetime,
    expires_at: dt.datetime,
    created_by_id: int | None,
) -> Invite:
    """Insert an invite (only the code's hash) and flush, so that the caller has its id."""
    invite = Invite(
        code_hash=code_hash,
        role=role,
        ward_id=ward_id,
        created_at=created_at,
        expires_at=expires_at,
        created_by_id=created_by_id,
    )
    session.add(invite)
    session.flush()
    return invite


def by_hash_for_update(session: Session, code_hash: str) -> Invite | None:
    """The invite, locked: two people redeeming one code at once serialise on this row.

    (SQLite needs no row lock: its transactions begin IMMEDIATE and so serialise anyway.)
    """
    return session.exec(
        select(Invite).where(Invite.code_hash == code_hash).with_for_update()
    ).first()


def account_by_telegram_id(session: Session, telegram_user_id: int) -> Staff | None:
    """The staff row of a Telegram account, active or deactivated (ids are unique)."""
    return session.exec(select(Staff).where(Staff.telegram_user_id == telegram_user_id)).first()
