"""An alert as a lock screen shows it, and every copy of it following its state: the copy
/alerts showed is edited on acknowledgement like the pages are."""

from __future__ import annotations

import pytest

from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from tests.e2e.test_escalation import (  # noqa: F401
    BACKUP,
    CHARGE,
    NURSE,
    PRIMARY,
    grade_1_paged,
    ward,
)
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck", "ward")


async def test_the_first_three_lines_say_who_the_grade_and_why(
    tg: FakeTelegram, clock: FakeClock
) -> None:
    alert = await grade_1_paged(tg.user(NURSE), tg.user(PRIMARY), clock)
    first, second, third = (alert.text or "").split("\n")[:3]
    assert first == "🟠 HIGH: Bed 4 (ward H7)"
    assert second == "ICANS grade 1 (was grade 0)"
    assert third.startswith("Why: ")


async def test_the_copy_shown_by_alerts_is_edited_on_acknowledgement(
    tg: FakeTelegram, clock: FakeClock
) -> None:
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    charge, backup = tg.user(CHARGE), tg.user(BACKUP)
    paged = await grade_1_paged(nurse, primary, clock)
    copies = []
    for user in (charge, backup):  # the backup is not paged yet: /alerts is their only copy
        await user.send("/alerts")
        assert "Open alerts:" in ((await user.next_message()).text or "")
        copies.append(await user.next_message())
        assert "Please acknowledge." in (copies[-1].text or "")
    assert copies[1].buttons  # a physician may acknowledge from it
    await primary.press(paged, "Acknowledge")
    for user, shown in zip((charge, backup), copies, strict=True):
        edited = await user.wait_edit(shown)
        assert "✅ Acknowledged by Dr Pim at" in (edited.text or "")
        assert "Please acknowledge." not in (edited.text or "")
        assert edited.buttons == ()  # the decisions are the acknowledger's only


async def shows(user: SimUser, message: SentMessage, words: str) -> SentMessage:
    """The message once it contains ``words`` (the edit may have landed already)."""
    current = user.current(message)
    while words not in (current.text or ""):
        current = await user.wait_edit(current)
    return current


async def test_the_nurses_summary_says_who_was_paged_and_who_has_it(
    tg: FakeTelegram, clock: FakeClock
) -> None:
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    alert = await grade_1_paged(nurse, primary, clock)
    summary = [m for m in nurse.messages if "Submitted." in (m.text or "")][-1]
    paged = await shows(
        nurse, summary, "📟 Paged: Dr Pim at 13:00.\nWaiting for an acknowledgement."
    )
    assert "ICANS grade 1" in (paged.text or "")
    assert "paging the physician" not in (paged.text or "")  # it has gone: no "call now"
    clock.advance(minutes=3)
    await primary.press(alert, "Acknowledge, coming to the bedside")
    acknowledged = await shows(
        nurse, summary, "✅ Acknowledged by Dr Pim at 13:03, coming to the bedside."
    )
    assert "📟 Paged: Dr Pim at 13:00." in (acknowledged.text or "")
    assert "Waiting" not in (acknowledged.text or "")
