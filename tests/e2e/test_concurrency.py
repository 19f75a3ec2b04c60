"""Updates run concurrently across chats and in order within one: a nurse's slow /history
does not hold up a physician's /duty, and the nurse's own next message waits its turn."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from bot.sandbox.fake_telegram import FakeTelegram
from bot.services.history import HistoryService
from bot.services.staff import StaffView
from tests.e2e.test_escalation import NURSE, PRIMARY, ward  # noqa: F401

pytestmark = pytest.mark.usefixtures("neurocheck", "ward")


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """/history blocks (in its worker thread) until the test lets it go."""
    release = threading.Event()
    original = HistoryService.history

    def slow(self: HistoryService, actor: StaffView, label: str, limit: int = 10) -> object:
        release.wait(timeout=10)
        return original(self, actor, label, limit)

    monkeypatch.setattr(HistoryService, "history", slow)
    yield release
    release.set()


async def test_one_persons_slow_request_does_not_delay_anothers(
    tg: FakeTelegram, held: threading.Event
) -> None:
    nurse, physician = tg.user(NURSE), tg.user(PRIMARY)
    await nurse.send("/history Bed 4")
    await physician.send("/duty")
    duty = await physician.next_message(timeout=5)  # while the nurse's history is still held
    assert duty.text
    await nurse.assert_no_message(within=0.2)
    held.set()
    assert "Bed 4" in ((await nurse.next_message()).text or "")


async def test_one_chats_updates_keep_their_order(tg: FakeTelegram, held: threading.Event) -> None:
    nurse = tg.user(NURSE)
    await nurse.send("/history Bed 4")
    await nurse.send("/cancel")  # fast, but after the history in this chat
    await nurse.assert_no_message(within=0.3)
    held.set()
    first, second = await nurse.next_message(), await nurse.next_message()
    assert "Bed 4" in (first.text or "")
    assert second.text == "You have no check open; nothing to cancel."
