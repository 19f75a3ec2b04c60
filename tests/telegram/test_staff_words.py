"""Staff management, invites, the export's chat messages and the general answers in both
languages (issue 17): English word for word as before (``neurocheck staff`` and the export's
own summary share it), Chinese for a Chinese reader."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import telegram

from bot.clinical.quality import Timeliness
from bot.services.enrolment import InviteRefusal
from bot.services.errors import RefusedError
from bot.services.export.summary import Summary
from bot.services.offboarding import Effects
from bot.services.patient_refusals import WardRefusal
from bot.services.staff_admin import Change, StaffRefusal, StaffRow
from bot.services.staff_contact import ContactChange
from bot.telegram import export_texts, handlers, staff_texts, texts, words
from bot.telegram.i18n import CHINESE, gettext
from storage.models import Role

ZONE = ZoneInfo("Europe/Berlin")
AT = dt.datetime(2026, 11, 24, 8, 30, tzinfo=dt.UTC)


def row(*, active: bool = True, wards: tuple[str, ...] = ("H7", "H8")) -> StaffRow:
    return StaffRow(
        staff_id=3,
        telegram_user_id=502,
        display_name="Bea",
        role=Role.CHARGE_NURSE,
        ward_codes=wards,
        enrolled_at=AT,
        last_seen_at=None,
        active=active,
        deactivated_at=None if active else AT,
    )


def test_the_staff_list_line_in_both_languages() -> None:
    assert staff_texts.person_line(row(active=False, wards=()), ZONE) == (
        "Bea: charge nurse, no ward, id 502, enrolled 2026-11-24 09:30, last seen never, "
        "DEACTIVATED 2026-11-24 09:30"
    )
    assert staff_texts.person_line(row(active=False, wards=()), ZONE, CHINESE) == (
        "Bea：护士长，无病区，id 502，注册于 2026-11-24 09:30，最近活动 从未，"
        "已于 2026-11-24 09:30 停用"
    )


def test_confirmations_in_both_languages() -> None:
    assert staff_texts.confirm_deactivate(row(), ("H7",)) == (
        "Remove Bea (charge nurse) from H7? Their access ends at once; their duties from now "
        "on end, and their pages and checks go to others."
    )
    assert staff_texts.confirm_deactivate(row(), ("H7", "H8"), CHINESE).startswith(
        "将 Bea（护士长）从本机器人中移除？其访问权限立即终止"
    )
    assert staff_texts.confirm_reactivate(row(wards=()), CHINESE) == "在 无病区 重新启用 Bea？"
    assert staff_texts.confirm_reactivate(row()) == "Reactivate Bea on H7, H8?"


def test_hand_overs_are_counted_with_plurals() -> None:
    effects = Effects(duties_ended=1, pages_withdrawn=2, checks_released=1)
    assert staff_texts.effects_text(effects) == (
        "1 running duty ended; 2 pages withdrawn; 1 check released for takeover"
    )
    assert staff_texts.effects_text(effects, CHINESE) == (
        "1 个进行中的值班已结束；2 条呼叫已撤回；1 个评估已释放供他人接手"
    )
    assert staff_texts.effects_text(Effects(messages_dropped=3)) == "3 queued messages dropped"
    assert staff_texts.effects_text(Effects(), CHINESE) == "没有需要交接的值班、呼叫或评估"


def test_changes_in_both_languages() -> None:
    deactivated = Change(row(active=False), "deactivated", effects=Effects(duties_cancelled=2))
    assert staff_texts.change_text(deactivated) == (
        "Bea is deactivated: 2 planned duties cancelled."
    )
    assert staff_texts.change_text(deactivated, CHINESE) == "Bea 已停用：2 个计划中的值班已取消。"
    back = Change(row(), "reactivated")
    assert staff_texts.change_text(back) == "Bea is active again as charge nurse on H7, H8."
    assert staff_texts.change_text(back, CHINESE) == "Bea 已重新启用，在 H7，H8 担任护士长。"
    moved = Change(row(wards=("H8",)), "ward_removed", ward_codes=("H7",))
    assert staff_texts.change_text(moved) == (
        "Bea is off H7 (still on H8): no duties, pages or checks to hand over."
    )
    promoted = Change(row(), "role_changed", previous_role=Role.NURSE)
    assert staff_texts.change_text(promoted, CHINESE) == (
        "Bea 现在是护士长（此前为护士）：没有需要交接的值班、呼叫或评估。"
    )
    assert staff_texts.change_text(Change(row(), "unchanged")) == (
        "Bea already is charge nurse; nothing changed."
    )


def test_second_channels_in_both_languages() -> None:
    pager = ContactChange("Dr Pim", "pager", "+4711")
    assert staff_texts.contact_text(pager) == (
        "Dr Pim: unacknowledged alerts also go on pager +4711."
    )
    assert staff_texts.contact_text(pager, CHINESE) == (
        "Dr Pim：未确认的警报也将发送至寻呼机 +4711。"
    )
    none = ContactChange("Dr Pim", None, None)
    assert staff_texts.contact_text(none, CHINESE) == (
        "Dr Pim 没有第二通道：警报只通过 Telegram 发给其本人。"
    )


@pytest.mark.parametrize(
    ("error", "english", "chinese"),
    [
        (
            RefusedError(StaffRefusal.SELF),
            "You cannot deactivate yourself; ask another administrator.",
            "您不能停用自己；请联系另一位管理员。",
        ),
        (
            RefusedError(StaffRefusal.ALREADY_INACTIVE, name="Bea"),
            "Bea is already deactivated",
            "Bea 已被停用",
        ),
        (
            RefusedError(StaffRefusal.BAD_CONTACT, channel="email", address="bea@"),
            "'bea@' is not an e-mail address (name@host.domain)",
            "'bea@' 不是邮箱地址（name@host.domain）",
        ),
        (
            RefusedError(InviteRefusal.NOT_YOUR_WARD, own=("H7", "H8")),
            "You can only invite to your own wards: H7, H8.",
            "您只能邀请他人加入您自己的病区：H7，H8。",
        ),
        (
            RefusedError(InviteRefusal.WARD_REQUIRED, own=("H7", "H8")),
            "You are on wards H7, H8: name one, e.g. /invite nurse H7",
            "您在多个病区（H7，H8）：请指明一个，例如 /invite nurse H7",
        ),
        (
            RefusedError(InviteRefusal.INVALID),
            texts.INVITE_INVALID,
            "此邀请链接无效：已过期或已被使用。请向您的病区管理员索取新的链接。",
        ),
        (
            RefusedError(WardRefusal.UNKNOWN, ward="H99"),
            "There is no ward 'H99'.",
            "没有病区 'H99'。",
        ),
    ],
)
def test_staff_and_invite_refusals_in_both_languages(
    error: RefusedError, english: str, chinese: str
) -> None:
    assert words.refusal(error) == english
    assert words.refusal(error, CHINESE) == chinese


def test_a_ward_setting_refusal_stays_english() -> None:
    """The operator's ``neurocheck ward`` refusals are not marked: English in any language."""
    error = RefusedError(WardRefusal.EXISTS, ward="H7")
    assert words.refusal(error, CHINESE) == "ward H7 already exists"


def test_the_invite_in_both_languages() -> None:
    english = texts.invite_created(
        role="charge_nurse",
        ward_code="H7",
        ward_name="Haematology 7",
        until="27 Nov 2026 09:00 (Europe/Berlin)",
        link=None,
        code="abc",
    )
    assert english == (
        "Invite as charge nurse on ward H7 (Haematology 7), single use, valid until "
        "27 Nov 2026 09:00 (Europe/Berlin).\n\nThe new member sends the bot: /start abc"
    )
    chinese = texts.invite_created(
        role="physician",
        ward_code="H7",
        ward_name="Haematology 7",
        until="11月27日 09:00 (Europe/Berlin)",
        link="https://t.me/bot?start=abc",
        code="abc",
        language=CHINESE,
    )
    assert chinese == (
        "邀请加入 H7 病区（Haematology 7）担任医生，仅可使用一次，有效期至 "
        "11月27日 09:00 (Europe/Berlin)。\n\n"
        "请将此链接转发给新成员；第一个打开链接的人即完成注册：\n"
        "https://t.me/bot?start=abc\n\n也可以让对方向机器人发送：/start abc"
    )


def test_the_general_answers_in_chinese() -> None:
    assert gettext(CHINESE, texts.NOT_ENROLLED) == (
        "本机器人仅供已注册的病区员工使用。请向您的病区管理员索取邀请链接。"
    )
    assert gettext(CHINESE, texts.UNKNOWN_COMMAND) == "未知命令。/help 列出本机器人能理解的命令。"
    assert gettext(CHINESE, texts.HANDLER_ERROR) == "出错了。没有丢失任何数据；请重试。"


def summary(*, second_channel: int, pseudonymised: bool) -> Summary:
    made = Summary(
        ward="H7",
        first_day=dt.date(2026, 11, 1),
        last_day=dt.date(2026, 11, 30),
        zone="Europe/Berlin",
        pseudonymised=pseudonymised,
        patients=2,
        checks=5,
        events=1,
        prompts=Counter(
            {
                Timeliness.ON_TIME: 3,
                Timeliness.LATE: 1,
                Timeliness.MISSED: 1,
                Timeliness.PENDING: 2,
                Timeliness.CANCELLED: 1,
            }
        ),
        second_channel=second_channel,
    )
    made.alerts.update({"critical": 1, "high": 2})
    made.acknowledged.update({"high": 2})
    made.waits["high"] = [4.0, 6.5]
    return made


@pytest.mark.parametrize(("second", "pseudo"), [(0, False), (1, True), (2, False)])
def test_the_chat_summary_in_english_is_the_exports_own(second: int, pseudo: bool) -> None:
    shown = summary(second_channel=second, pseudonymised=pseudo)
    assert export_texts.summary_text(shown) == shown.text()
    assert export_texts.summary_text(Summary("H7", shown.first_day, shown.last_day, "UTC")) == (
        Summary("H7", shown.first_day, shown.last_day, "UTC").text()
    )


def test_the_chat_summary_in_chinese() -> None:
    lines = export_texts.summary_text(summary(second_channel=1, pseudonymised=True), CHINESE)
    assert lines.splitlines() == [
        "质量汇总：H7 病区，2026-11-01 至 2026-11-30（Europe/Berlin），已假名化",
        "患者：2；已开始的评估：5；事件：1",
        "到期评估：5；按时完成：3；延迟：1；漏做：1（尚未到期或在宽限期内：2；已取消，不计入：1）",
        "警报（危急）：1；已确认：0",
        "警报（高）：2；已确认：2；确认用时中位数 5.2 分钟，第 90 百分位数 6.2 分钟",
        "第二通道：1 条警报也经 Telegram 以外的渠道发出（未及时确认，或无人确认）",
    ]


class _BrokenAccess:
    async def language(self, _update: object) -> str:
        raise RuntimeError("the database is the error")


async def test_an_error_falls_back_to_the_telegram_apps_language() -> None:
    """After an error the person's language may be unreadable: their app's language then."""
    user = telegram.User(9, "Li", False, language_code="zh-hans")
    chat = telegram.Chat(9, "private")
    message = telegram.Message(1, dt.datetime.now(dt.UTC), chat, from_user=user)
    update = telegram.Update(1, message=message)
    broken = _BrokenAccess()
    assert await handlers._language(update, broken) == CHINESE  # type: ignore[arg-type]
    assert await handlers._language(update, None) == CHINESE
