"""The alerts' refusals in the presser's language: templates and the closed alert's reasons
(a function of the facts whose sentences are catalogue messages); English word for word."""

from __future__ import annotations

import pytest

from bot.services.alerts import AlertRefusal
from bot.services.errors import RefusedError
from bot.telegram import words
from bot.telegram.i18n import CHINESE, ENGLISH


@pytest.mark.parametrize(
    ("refused", "english", "chinese"),
    [
        (
            RefusedError(AlertRefusal.CLOSED, reason="discharged"),
            "The patient was discharged, so no check is due: nothing to acknowledge.",
            "患者已出院，无需评估：无需确认。",
        ),
        (
            RefusedError(AlertRefusal.CLOSED, reason="something new"),
            "This alert is closed: nothing to acknowledge.",
            "此警报已关闭：无需确认。",
        ),
        (
            RefusedError(AlertRefusal.DECIDE_NOT_PHYSICIAN),
            "Only a physician records a decision.",
            "只有医生可以记录处理决定。",
        ),
    ],
)
def test_alert_refusals_follow_the_language(
    refused: RefusedError, english: str, chinese: str
) -> None:
    assert words.refusal(refused) == english
    assert words.refusal(refused, ENGLISH) == english
    assert words.refusal(refused, CHINESE) == chinese
