"""The welcome and /help in each language; English as it always read."""

from __future__ import annotations

from bot.telegram import texts, welcome
from bot.telegram.i18n import CHINESE


def test_english_help_is_the_help_it_always_was() -> None:
    assert welcome.help_text() == texts.HELP


def test_a_nurse_is_welcomed_in_chinese() -> None:
    said = welcome.welcome("李护士", "nurse", CHINESE)
    first, _, rest = said.partition("\n\n")
    assert first == (
        "您好，李护士。您已注册为护士。您值班（/onduty）期间，会在这里收到本病区的神经评估提醒。"
    )
    assert rest.startswith("Neurocheck 为使用贝林妥欧单抗的患者进行 ICANS 神经评估")
    assert "\n命令：\n/start - " in rest and "/language - 选择我与您交流的语言" in rest


def test_a_second_invite_says_what_changed_in_chinese() -> None:
    said = welcome.enrolled(
        display_name="李护士",
        role="charge_nurse",
        ward_code="H9",
        ward_name="血液科 9",
        ward_codes=("H7", "H9"),
        new_account=False,
        ward_added=True,
        previous_role="nurse",
        language=CHINESE,
    )
    assert said.split("\n") == [
        "李护士，您的邀请已使用。",
        "您现在也在 H9 病区（血液科 9）。",
        "您的角色现为护士长（原为护士）。",
        "角色：护士长。病区：H7，H9。",
    ]
