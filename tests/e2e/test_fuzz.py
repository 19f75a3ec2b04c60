"""Random updates and button data against the running bot (the real Application, the fake
Bot API server): nothing unhandled, every press answered, and a stranger changes no row.

Hypothesis draws short sequences of messages (commands with random arguments, random text,
photos, edits) and presses (well-formed data with random kinds and ids up to 2^64, or any
text up to 64 bytes) on messages the sender has. Each sequence ends with a sentinel press:
the bot handles updates one at a time, so its answer means everything before it was handled.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from bot.sandbox.fake_telegram import FakeTelegram
from bot.sandbox.fake_telegram.users import SimUser
from bot.telegram import texts
from storage.db import Database
from storage.models import AuditLog, Role
from tests.support import factories
from tests.support.snapshot import snapshot

pytestmark = pytest.mark.usefixtures("neurocheck")

STRANGER, NURSE = 9_100_000_001, 501
COMMANDS = [f"/{c}" for c, _ in texts.COMMANDS] + ["/whatever", "/start@neurocheck_test_bot"]
KINDS = ["ev", "sc", "a", "to", "ck", "al", "dc", "pl", "tl", "zz"]
REFUSALS = {"access.refused", "access.refused.summary", "invite.refused"}
FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

texts_ = st.text(min_size=1, max_size=60).filter(lambda t: t.strip() != "")
commands = st.builds(
    lambda c, a: f"{c} {a}".rstrip(), st.sampled_from(COMMANDS), st.text(max_size=40)
)
ACTIONS = ["yes", "no", "start", "snooze", "takeover", "baseline", "ack", "cancel", "hold"]
ACTIONS += ["seizure.prolonged", "icp.diffuse_edema", "1", "step_up", "submit"]
ids = st.one_of(
    st.integers(0, 50),  # rows that may exist
    st.integers(2**31 - 2, 10**12 - 1),  # past the database's integers, within 12 digits
    st.integers(0, 2**64),
)
structured = st.builds(
    lambda k, t, v, a: f"{k}:{t}:{v}:{a}",
    st.sampled_from(KINDS),
    ids,
    st.one_of(st.integers(0, 3), ids),
    st.one_of(st.sampled_from(ACTIONS), st.from_regex(r"[A-Za-z0-9_.\-]{1,20}", fullmatch=True)),
)
any_data = st.text(min_size=1, max_size=64).filter(lambda d: len(d.encode()) <= 64)
actions = st.lists(
    st.one_of(
        st.tuples(st.just("text"), st.one_of(commands, texts_)),
        st.tuples(st.just("press"), st.one_of(structured, any_data)),
        st.tuples(st.just("photo"), st.text(max_size=20)),
        st.tuples(st.just("edit"), texts_),
    ),
    min_size=1,
    max_size=6,
)

presses = st.tuples(st.just("press"), structured)
nurse_actions = st.lists(
    st.one_of(presses, presses, presses, actions.map(lambda a: a[0])), min_size=1, max_size=8
)
"""Mostly well-formed presses: that is where a bad id reaches the database."""


@pytest.fixture
def ward(db: Database) -> int:
    ward_id = factories.ward(db)
    factories.staff(db, NURSE, "Nurse Ada", Role.NURSE, [ward_id])
    factories.patient(db, ward_id, "Bed 4")
    return ward_id


async def play(tg: FakeTelegram, user: SimUser, steps: list[tuple[str, Any]]) -> None:
    """Send the steps, then wait until the bot answered a sentinel press after them."""
    presses = []
    for kind, value in steps:
        messages = user.messages
        if kind == "text":
            await user.send(value)
        elif kind == "photo":
            await user.send_photo(caption=value or None)
        elif kind == "edit":
            sent = await user.send(value)
            edited = tg.api.message_json(sent) | {"text": "/start", "edit_date": 1}
            tg.world.push_update("edited_message", edited)
        elif messages:
            presses.append(await user.press_data(messages[-1], value))
        else:
            presses.append(await user.press_data(1, value))
    sentinel = await user.press_data(1, "zz:0:0:sentinel")
    await user.wait_answer(sentinel, timeout=30)
    for press in presses:  # answered, so no spinner is left turning on the phone
        assert press.answer is not None, press.data


def no_errors(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]


@FUZZ
@given(steps=actions)
async def test_a_stranger_changes_nothing(
    steps: list[tuple[str, Any]],
    tg: FakeTelegram,
    ward: int,
    db: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    stranger = tg.user(STRANGER, first_name="Eve")
    before = snapshot(db)
    with db.session() as session:
        last_audit = max((i or 0 for i in session.exec(select(col(AuditLog.id)))), default=0)
    seen, answered = len(stranger.messages), len(stranger.callback_answers)
    await play(tg, stranger, steps)
    no_errors(caplog)
    assert snapshot(db) == before
    with db.session() as session:
        written = session.exec(select(AuditLog).where(col(AuditLog.id) > last_audit)).all()
    assert all(r.actor_telegram_id == STRANGER for r in written)
    assert {r.action for r in written} <= REFUSALS
    # A stranger learns nothing: the refusal (an invite's, for a code), or /help's list of
    # commands, and no more.
    allowed = {texts.NOT_ENROLLED, texts.INVITE_INVALID, texts.HELP}
    assert {m.text for m in stranger.messages[seen:]} <= allowed
    assert {a.text for a in stranger.callback_answers[answered:]} == {texts.NOT_ENROLLED}


@FUZZ
@given(steps=nurse_actions)
async def test_a_nurse_pressing_anything_gets_an_answer(
    steps: list[tuple[str, Any]],
    tg: FakeTelegram,
    ward: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    nurse = tg.user(NURSE, first_name="Ada")
    await nurse.send("/event Bed 4")  # a message with live buttons to press on
    await play(tg, nurse, steps)
    no_errors(caplog)
