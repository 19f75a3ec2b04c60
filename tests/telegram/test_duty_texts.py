"""Duty and on call in both languages (issue 17): English word for word as before (the command
line and English readers), Chinese with the ward's words (值班, 一线/二线/三线, 护士长) and
dates as Chinese writes them; the duty refusals and the rota-gap warning likewise."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.services.duty import ShiftView, WardDuty
from bot.services.errors import RefusedError
from bot.services.roster import Gap, Holding, WardRoster
from bot.services.rota_gaps import GapState
from bot.services.shifts import DutyRefusal
from bot.telegram import duty_texts, rota_texts, words
from bot.telegram.i18n import CHINESE, ENGLISH
from storage.models import Duty, Role

ZONE = ZoneInfo("Europe/Berlin")
AT = dt.datetime(2026, 11, 24, 20, 0, tzinfo=dt.UTC)  # 21:00 in Berlin
HOUR = dt.timedelta(hours=1)


def shift(name: str, duty: Duty, hours: int) -> ShiftView:
    role = Role.PHYSICIAN if duty in (Duty.PRIMARY, Duty.BACKUP) else Role(duty.value)
    return ShiftView(1, "H7", 1, 501, name, role, duty, AT - HOUR, AT + hours * HOUR)


def test_moments_stay_english_and_are_chinese_in_chinese() -> None:
    assert duty_texts.moment(AT, ZONE) == "24 Nov 2026 21:00"
    assert duty_texts.moment(AT, ZONE, CHINESE) == "11月24日 21:00"


def test_on_and_off_duty_in_both_languages() -> None:
    assert duty_texts.on_duty(("H7", "H8"), "24 Nov 2026 21:00", ("H8",)) == (
        "You are on duty on ward H7, H8 until 24 Nov 2026 21:00. Neuro-check prompts for "
        "these wards come to you.\n(Your running shift on H8 was extended.)\n"
        "/offduty ends it, /duty shows who else is on."
    )
    assert duty_texts.on_duty(("H7",), "11月24日 21:00", (), CHINESE) == (
        "您已在 H7 病区值班，至 11月24日 21:00。这些病区的神经评估提醒将发给您。\n"
        "/offduty 结束值班，/duty 查看还有谁在值班。"
    )
    assert duty_texts.off_duty(("H7",), "24 Nov 2026 10:30", "25 Nov 2026 07:00") == (
        "You are off duty on ward H7 since 24 Nov 2026 10:30. Your next planned shift starts "
        "25 Nov 2026 07:00."
    )
    assert duty_texts.off_duty(("H7",), "11月24日 10:30", "11月25日 07:00", CHINESE) == (
        "您已于 11月24日 10:30 结束 H7 病区的值班。您的下一个计划班次从 11月25日 07:00 开始。"
    )
    assert duty_texts.off_duty((), "x", None, CHINESE) == "您当时不在值班；没有变化。"


def test_on_call_names_the_duty_as_the_ward_does() -> None:
    english = duty_texts.on_call(("H7",), "backup", "24 Nov 2026 17:00", True, ("H7",))
    assert english == (
        "You are on call as backup on ward H7 until 24 Nov 2026 17:00.\n"
        "This overrides whoever else is backup there until then.\n"
        "(Your running on-call period on H7 was extended.)\n"
        "/oncall shows the rota."
    )
    chinese = duty_texts.on_call(("H7",), "backup", "11月24日 17:00", True, (), CHINESE)
    assert chinese == (
        "您已在 H7 病区担任二线值班医生，至 11月24日 17:00。\n"
        "在此之前，您将替代该病区其他二线值班医生。\n"
        "/oncall 查看值班表。"
    )
    assert duty_texts.duty_name("attending", CHINESE) == "三线"
    assert duty_texts.duty_name("charge_nurse", CHINESE) == "护士长"


def board(on_duty: tuple[ShiftView, ...], charge: tuple[str, ...], on: bool) -> WardDuty:
    on_call = (shift("Dr Pim", Duty.PRIMARY, 4),)
    return WardDuty("H7", "Haematology 7", on_duty, charge, on, on_call)


def test_the_duty_board_in_both_languages() -> None:
    ward = board((shift("Ada", Duty.NURSE, 2), shift("Bea", Duty.CHARGE_NURSE, 3)), ("Bea",), True)
    assert duty_texts.duty_text((ward,), ZONE).splitlines() == [
        "Ward H7 (Haematology 7), on duty now:",
        "• Ada (nurse) until 24 Nov 2026 23:00",
        "• Bea (charge nurse) until 25 Nov 2026 00:00",
        "Charge nurse: Bea",
        "On call: Dr Pim until 25 Nov 2026 01:00",
    ]
    assert duty_texts.duty_text((ward,), ZONE, CHINESE).splitlines() == [
        "H7 病区（Haematology 7），当前值班：",
        "• Ada（护士），至 11月24日 23:00",
        "• Bea（护士长），至 11月25日 00:00",
        "护士长：Bea",
        "值班医生：Dr Pim（至 11月25日 01:00）",
    ]
    nobody = duty_texts.duty_text((board((), ("Bea", "Cai"), False),), ZONE, CHINESE)
    assert "• 无人值班：评估提醒将发给本病区的护士长" in nobody
    assert "护士长：无人值班；警报将发给 Bea，Cai" in nobody
    alone = duty_texts.duty_text((board((), (), False),), ZONE, CHINESE)
    assert "• 无人值班，且本病区未注册护士长：评估提醒无人接收" in alone
    assert duty_texts.duty_text((), ZONE, CHINESE) == (
        "您尚未加入任何病区：请向病区管理员索取邀请。"
    )


def rota() -> WardRoster:
    pim = Holding(Duty.PRIMARY, AT - HOUR, AT + 2 * HOUR, (3,), ("Dr Pim",), True)
    nobody = Holding(Duty.ATTENDING, AT - HOUR, AT + HOUR, (), (), False)
    later = Holding(Duty.BACKUP, AT + HOUR, AT + 9 * HOUR, (4,), ("Dr Qi",), False)
    gaps = (Gap(AT + 2 * HOUR, AT + 3 * HOUR), Gap(AT + 5 * HOUR, None))
    return WardRoster("H7", "Haematology 7", (pim, nobody), (later,), gaps)


def test_the_rota_in_both_languages() -> None:
    assert duty_texts.oncall_text((rota(),), ZONE) == [
        "Ward H7 (Haematology 7), on call now:\n"
        "• Primary: Dr Pim (override) until 24 Nov 2026 23:00\n"
        "• Attending: nobody\n"
        "Next 24 hours:\n"
        "• 24 Nov 2026 22:00 backup: Dr Qi until 25 Nov 2026 06:00\n"
        "⚠ No primary on call from 24 Nov 2026 23:00 to 25 Nov 2026 00:00; from 25 Nov 2026 "
        "02:00, and none is planned after that: a physician sends /oncall primary <hours>, or "
        "plan it with neurocheck duty add."
    ]
    assert duty_texts.oncall_text((rota(),), ZONE, CHINESE) == [
        "H7 病区（Haematology 7），当前值班医生：\n"
        "• 一线：Dr Pim（替班），至 11月24日 23:00\n"
        "• 三线：无人\n"
        "未来 24 小时：\n"
        "• 11月24日 22:00 二线：Dr Qi，至 11月25日 06:00\n"
        "⚠ 无一线值班医生（从 11月24日 23:00 到 11月25日 00:00；"
        "从 11月25日 02:00 起，此后也无排班）："
        "请医生发送 /oncall primary <小时数>，或用 neurocheck duty add 排班。"
    ]


def refused(code: DutyRefusal, **facts: object) -> RefusedError:
    return RefusedError(code, **facts)


@pytest.mark.parametrize(
    ("error", "english", "chinese"),
    [
        (
            refused(DutyRefusal.NURSES_ONLY),
            "Only nurses and charge nurses go on duty from the chat.",
            "只有护士和护士长可以在聊天中开始值班。",
        ),
        (
            refused(DutyRefusal.ONCALL_HOURS, max_hours=24),
            "On call from the chat is 1 to 24 hours.",
            "在聊天中安排值班为 1 到 24 小时。",
        ),
        (
            refused(
                DutyRefusal.PLANNED_LATER,
                duty="primary",
                ward="H7",
                starts_at=AT,
                zone="Europe/Berlin",
            ),
            "You are already planned as primary on H7 from 24 Nov 2026 21:00: ask for fewer hours.",
            "您已被安排自 11月24日 21:00 起在 H7 担任一线值班：请减少小时数。",
        ),
        (
            refused(
                DutyRefusal.OVERLAP,
                name="Dr Pim",
                ward="H7",
                spans=((AT, AT + HOUR, False), (AT + 2 * HOUR, AT + 3 * HOUR, True)),
                zone="Europe/Berlin",
            ),
            "Dr Pim already has a shift on H7 then: 24 Nov 2026 21:00 to 24 Nov 2026 22:00; "
            "24 Nov 2026 23:00 to 25 Nov 2026 00:00 (override).",
            "Dr Pim 在此期间已有 H7 的班次：11月24日 21:00 至 11月24日 22:00；"
            "11月24日 23:00 至 11月25日 00:00（替班）。",
        ),
        (
            refused(DutyRefusal.NOT_THEIR_DUTY, name="Ada", role="nurse", duty="charge_nurse"),
            "Ada is nurse: they cannot be on duty as charge_nurse.",
            "Ada 是护士：不能以护士长身份值班。",
        ),
        (
            refused(DutyRefusal.OVER, ended_at=AT, zone="Europe/Berlin"),
            "That shift ended at 24 Nov 2026 21:00: it is over.",
            "该班次已于 11月24日 21:00 结束：已经过去。",
        ),
        (
            refused(
                DutyRefusal.OVERRIDE_IS_ON_CALL,
                name="Ada",
                role="charge_nurse",
                duties=("primary", "backup", "attending"),
            ),
            "An override is for physicians on call (primary, backup, attending), not Ada is "
            "charge nurse.",
            "override（替班）仅适用于值班医生（primary，backup，attending），而 Ada 是护士长。",
        ),
    ],
)
def test_duty_refusals_in_both_languages(error: RefusedError, english: str, chinese: str) -> None:
    assert words.refusal(error) == english  # the command line's default
    assert words.refusal(error, ENGLISH) == english
    assert words.refusal(error, CHINESE) == chinese


def gap(state: GapState, end: dt.datetime | None) -> dict[str, object]:
    return {
        "ward_code": "H7",
        "ward_name": "Haematology 7",
        "state": state.value,
        "start": AT.isoformat(),
        "end": None if end is None else end.isoformat(),
    }


def test_the_rota_gap_warning_in_both_languages() -> None:
    english = rota_texts.gap_text(gap(GapState.SINCE, AT + 3 * HOUR), ZONE)
    assert english == (
        "⚠ Ward H7 (Haematology 7) has had no primary physician on call since 24 Nov 2026 21:00 "
        "until 25 Nov 2026 00:00, while a patient there is on blinatumomab: an ICANS alert "
        "would have no physician to reach.\n"
        "To fix it, a physician of the ward sends /oncall primary <hours> (add override to "
        "replace whoever is planned), or from the server: neurocheck duty add --ward H7 "
        "--telegram-id <id> --as primary --from <time> --to <time>."
    )
    assert rota_texts.gap_text(gap(GapState.NEVER, None), ZONE).startswith(
        "⚠ Ward H7 (Haematology 7) has no primary physician on call and none is planned after "
        "that, while"
    )
    chinese = rota_texts.gap_text(gap(GapState.FROM, None), ZONE, CHINESE)
    assert chinese == (
        "⚠ H7 病区（Haematology 7）从 11月24日 21:00 起将没有一线值班医生，且此后也无排班，"
        "而该病区有患者正在使用贝林妥欧单抗：一旦出现 ICANS 警报，将无医生可呼叫。\n"
        "处理方法：本病区医生发送 /oncall primary <小时数>（加 override 可替换已排班者），"
        "或在服务器上运行：neurocheck duty add --ward H7 --telegram-id <id> --as primary "
        "--from <time> --to <time>。"
    )
    since = rota_texts.gap_text(gap(GapState.SINCE, AT + 3 * HOUR), ZONE, CHINESE)
    assert since.startswith(
        "⚠ H7 病区（Haematology 7）自 11月24日 21:00 起没有一线值班医生，直至 11月25日 00:00，"
    )


def test_a_refusal_function_is_given_the_language_only_when_it_takes_one() -> None:
    """Words that take ``language`` say it themselves; older ones are English unless whole
    messages of the catalogue (the dispatch in ``words.refusal``)."""
    error = refused(DutyRefusal.NOT_A_DUTY, text="chief", duties=("primary", "backup"))
    assert words.refusal(error) == "'chief' is not an on-call duty: primary, backup."
    assert words.refusal(error, CHINESE) == "'chief' 不是值班类型：primary，backup。"
