"""/timeline's lines in both languages (issue 17): English word for word as it always read,
Simplified Chinese in the catalogue's clinical terms (评估, 警报, ICANS 分级, 护士长 ...), dates
as each language writes them, and a row that does not fit its wording shown plainly."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.services.timeline import Timeline, TimelineEntry
from bot.telegram import i18n
from bot.telegram.i18n import CHINESE, ENGLISH
from bot.telegram.texts import EVENT_WORDS
from bot.telegram.timeline import heading, older_button, render
from bot.telegram.timeline_lines import HOLD_REASONS, PLAN_STATUSES, entry_line
from bot.telegram.timeline_pieces import CODE_BOOKS, Say

BERLIN = ZoneInfo("Europe/Berlin")
AT = dt.datetime(2026, 11, 24, 8, 3, tzinfo=dt.UTC)  # 09:03 in Berlin
ALERT = {"escalation_id": 12}

ROWS: list[tuple[str, str | None, dict[str, Any], str, str]] = [
    (
        "check.started",
        "Nurse Ada",
        {"baseline": True},
        "Baseline check started by Nurse Ada",
        "Nurse Ada 开始基线评估",
    ),
    ("check.started", None, {}, "Check started", "评估已开始"),
    (
        "check.submitted",
        "Nurse Ada",
        {
            "icans_grade": 2,
            "ice_score": 6,
            "complete": True,
            "crs_grade": 1,
            "temperature_c": 38.4,
            "urgency": "high",
            "reasons": ["grade_rose"],
        },
        "Check submitted by Nurse Ada: ICANS 2 (ICE 6), CRS grade 1, 38.4 °C, "
        "urgency high (grade rose)",
        "Nurse Ada 提交评估：ICANS 2 级（ICE 6），CRS 1 级，38.4 °C，紧急程度为高（分级升高）",
    ),
    (
        "check.submitted",
        "Nurse Ada",
        {"icans_grade": None, "complete": False, "urgency": "none"},
        "Check submitted by Nurse Ada: ICANS not gradable (incomplete)",
        "Nurse Ada 提交评估：ICANS 无法分级（不完整）",
    ),
    (
        "event.reported",
        "Nurse Ada",
        {
            "finding": "seizure.resolved_rapidly",
            "icans_grade": 3,
            "urgency": "critical",
            "reasons": ["seizure", "rose_two_or_more"],
        },
        "Event reported by Nurse Ada: seizure, resolved rapidly, ICANS at least 3 (incomplete), "
        "urgency critical (seizure, rose two or more)",
        "Nurse Ada 报告事件：癫痫发作，已迅速缓解，ICANS 至少 3 级（不完整），"
        "紧急程度为危急（癫痫发作，升高两级或以上）",
    ),
    (
        "lab.recorded",
        "Dr Bo",
        {"test": "ferritin", "value": 850.0, "sampled_at": "2026-11-24T05:30:00+00:00"},
        "Lab recorded by Dr Bo: ferritin 850 ng/mL, sampled 24 Nov 06:30",
        "Dr Bo 记录检验：铁蛋白 850 ng/mL，采样于 11月24日 06:30",
    ),
    (
        "lab.recorded",
        None,
        {
            "test": "il6",
            "value": 12.5,
            "sampled_at": "2026-11-24T05:30:00+00:00",
            "source": "import",
        },
        "Lab imported: IL-6 12.5 pg/mL, sampled 24 Nov 06:30",
        "检验已导入：白介素-6 12.5 pg/mL，采样于 11月24日 06:30",
    ),
    (
        "check.taken_over",
        "Nurse Ada",
        {"from_staff_id": 9},
        "Check taken over by Nurse Ada from staff #9",
        "Nurse Ada 从 员工 #9 处接手评估",
    ),
    (
        "check.cancelled",
        "Nurse Ada",
        {"reason": "patient discharged"},
        "Check cancelled by Nurse Ada (patient discharged)",
        "Nurse Ada 取消评估（患者已出院）",
    ),
    (
        "check.abandoned",
        None,
        {"idle_minutes": 30},
        "Check abandoned after 30 min without an answer",
        "评估 30 分钟无人作答，已关闭",
    ),
    (
        "check.snoozed",
        "Nurse Ada",
        {"until": "2026-11-24T08:18:00+00:00"},
        "Check prompt snoozed by Nurse Ada until 24 Nov 09:18",
        "Nurse Ada 将评估提醒推迟到 11月24日 09:18",
    ),
    (
        "check.ladder.prompt",
        None,
        {"recipients": ["Nurse Ada"], "late": True},
        "Check prompt (late) sent to Nurse Ada",
        "评估提醒（已延迟）已发送给 Nurse Ada",
    ),
    (
        "check.ladder.charge",
        None,
        {"recipients": ["Charge Bea", "Nurse Ada"]},
        "Check not started, charge nurse told: Charge Bea, Nurse Ada",
        "评估未开始，已通知护士长：Charge Bea，Nurse Ada",
    ),
    (
        "check.ladder.physician",
        None,
        {"late": False, "urgency": "high"},
        "Check not started, escalated to the physician, urgency high",
        "评估未开始，已上报医生，紧急程度为高",
    ),
    (
        "patient.admitted",
        "Admin Al",
        {"via": "cli"},
        "Admitted by Admin Al (command line)",
        "Admin Al 收治患者（命令行）",
    ),
    ("patient.discharged", "Nurse Ada", {}, "Discharged by Nurse Ada", "Nurse Ada 办理出院"),
    (
        "plan.created",
        "Dr Bo",
        {
            "protocol": "rr",
            "cycle": 1,
            "starts_at": "2026-11-24T08:00:00+00:00",
            "status": "running",
        },
        "Plan created by Dr Bo: rr cycle 1, start 24 Nov 09:00, running",
        "Dr Bo 创建输注计划：rr 第 1 周期，开始时间 11月24日 09:00，输注中",
    ),
    (
        "plan.event",
        "Dr Bo",
        {"kind": "hold", "reason": "neurotoxicity", "event_at": "2026-11-24T08:00:00+00:00"},
        "Infusion hold (neurotoxicity) by Dr Bo, at 24 Nov 09:00",
        "Dr Bo 记录暂停输注（神经毒性），时间 11月24日 09:00",
    ),
    (
        "plan.event",
        None,
        {"kind": "end_cycle"},
        "Infusion end of cycle",
        "周期结束",
    ),
    (
        "plan.superseded",
        "Dr Bo",
        {},
        "Planned cycle replaced by a new plan by Dr Bo (never started)",
        "Dr Bo 以新计划取代了计划中的周期（未开始）",
    ),
    (
        "escalation.opened",
        None,
        {**ALERT, "urgency": "high", "reasons": ["missed_check"], "source": "missed_check"},
        "Alert #12 opened: urgency high, for a missed check",
        "警报 #12 已发出：紧急程度为高，因评估漏做",
    ),
    (
        "escalation.paged",
        None,
        {**ALERT, "step_index": 0, "recipients": ["Dr Bo", 7], "roles": ["primary", "backup"]},
        "Alert #12 sent to Dr Bo, staff #7 (step 1, primary, backup)",
        "警报 #12 已呼叫 Dr Bo，员工 #7（第 1 步，一线，二线）",
    ),
    (
        "escalation.nobody",
        None,
        {**ALERT, "step_index": 1, "roles": ["attending"]},
        "Alert #12 step 2: nobody on call as attending",
        "警报 #12 第 2 步：三线无人值班",
    ),
    (
        "escalation.delivery_failed",
        None,
        {**ALERT, "staff_id": "Nurse Ada", "error": "Forbidden: bot was blocked"},
        "Alert #12 NOT delivered to Nurse Ada: Forbidden: bot was blocked",
        "警报 #12 未能送达 Nurse Ada：Forbidden: bot was blocked",
    ),
    (
        "escalation.acknowledged",
        "Dr Bo",
        {**ALERT, "kind": "coming", "by": "Dr Bo"},
        "Alert #12: Dr Bo is coming",
        "警报 #12：Dr Bo 正在赶往床旁",
    ),
    (
        "escalation.acknowledged",
        "Dr Bo",
        {**ALERT, "kind": "ack", "by": "Dr Bo"},
        "Alert #12 acknowledged by Dr Bo",
        "警报 #12 已由 Dr Bo 确认",
    ),
    (
        "escalation.decision",
        "Dr Bo",
        {**ALERT, "decision": "hold"},
        "Decision on alert #12 by Dr Bo: hold the infusion",
        "Dr Bo 对警报 #12 的决定：暂停输注",
    ),
    (
        "grade.attributed",
        "Dr Bo",
        {"domains": ["motor"], "icans_grade_before": 3, "icans_grade_after": 1},
        "Grade re-attributed by Dr Bo: ICANS 3 → 1 (motor attributed to another cause)",
        "Dr Bo 重新归因分级：ICANS 3 级 → 1 级（运动归因于其他原因）",
    ),
    (
        "escalation.exhausted",
        None,
        {**ALERT, "told": ["Nurse Ada"]},
        "Alert #12: nobody acknowledged; admins and charge nurses told: Nurse Ada",
        "警报 #12：无人确认；已通知管理员和护士长：Nurse Ada",
    ),
    (
        "escalation.closed",
        None,
        {**ALERT, "reason": "check_recorded"},
        "Alert #12 closed: a check was recorded",
        "警报 #12 已关闭：已记录评估",
    ),
    (
        "escalation.second_channel",
        None,
        {
            **ALERT,
            "event": "exhausted",
            "minutes": 30,
            "recipients": ["Dr Bo"],
            "webhook": False,
            "without": ["Dr Cy"],
        },
        "Alert #12 nobody acknowledged for 30 min: off Telegram to Dr Bo, no ward webhook "
        "(Dr Cy: no second channel)",
        "警报 #12 30 分钟无人确认：已通过 Telegram 以外的渠道发送给 Dr Bo，病区无 webhook"
        "（Dr Cy：无第二渠道）",
    ),
    (
        "escalation.second_channel_delivered",
        None,
        {**ALERT, "channel": "email", "staff_id": "Dr Bo"},
        "Alert #12: delivered by e-mail of Dr Bo",
        "警报 #12：已通过 Dr Bo 的电子邮件送达",
    ),
    (
        "ward.something_new",
        "Nurse Ada",
        {"count": 3, "colour": "green", "nothing": None},
        "ward.something_new by Nurse Ada: colour=green, count=3",
        "ward.something_new（Nurse Ada）：colour=green, count=3",
    ),
]


def entry(action: str, actor: str | None, facts: dict[str, Any]) -> TimelineEntry:
    return TimelineEntry(1, AT, action, actor, facts)


@pytest.mark.parametrize(("action", "actor", "facts", "english", "chinese"), ROWS)
def test_each_row_in_both_languages(
    action: str, actor: str | None, facts: dict[str, Any], english: str, chinese: str
) -> None:
    row = entry(action, actor, facts)
    assert entry_line(row, Say(ENGLISH, BERLIN)) == f"24 Nov 09:03 · {english}"
    assert entry_line(row, Say(CHINESE, BERLIN)) == f"11月24日 09:03 · {chinese}"


def test_a_row_that_does_not_fit_its_wording_is_shown_plainly() -> None:
    """An alert's row without its number: the action and facts, never a hidden row."""
    row = entry("escalation.opened", None, {"urgency": "high"})
    assert entry_line(row, Say(ENGLISH, BERLIN)).endswith(" · escalation.opened: urgency=high")
    assert entry_line(row, Say(CHINESE, BERLIN)).endswith(" · escalation.opened：urgency=high")


@pytest.mark.parametrize(
    "book", [*CODE_BOOKS, PLAN_STATUSES, HOLD_REASONS], ids=lambda book: next(iter(book))
)
def test_a_stored_codes_english_reads_as_it_always_did(book: dict[str, str]) -> None:
    """English shows a code as stored, underscores as spaces; only Chinese words it."""
    for code, words in book.items():
        assert words == code.replace("_", " ")
        assert i18n.gettext(CHINESE, words) != words or words in {"crs"}, code


def test_every_infusion_event_has_chinese_words() -> None:
    for words in EVENT_WORDS.values():
        assert i18n.gettext(CHINESE, words) != words


def page(entries: int, *, discharged: bool = False) -> Timeline:
    rows = tuple(
        TimelineEntry(n, AT, "test.long", "Nurse Ada", {"n": n, "text": "x" * 50})
        for n in range(entries)
    )
    gone = AT if discharged else None
    return Timeline(4, "Bed 4", "H7", gone, rows, has_older=entries > 0)


def test_headings_in_both_languages() -> None:
    english, chinese = Say(ENGLISH, BERLIN), Say(CHINESE, BERLIN)
    assert heading(page(1), english, older=False) == "Timeline of Bed 4 (ward H7), newest first:"
    assert heading(page(1), chinese, older=False) == "Bed 4（病区 H7）的时间线，最新在前："
    assert heading(page(1), chinese, older=True) == "Bed 4（病区 H7）的时间线，较早的记录："
    assert heading(page(0), english, older=False) == "Bed 4 (ward H7): nothing recorded yet."
    assert heading(page(0), chinese, older=False) == "Bed 4（病区 H7）：尚无记录。"
    gone = page(1, discharged=True)
    assert heading(gone, english, older=True) == (
        "Timeline of Bed 4 (ward H7, discharged 24 Nov 2026 09:03), older entries:"
    )
    assert heading(gone, chinese, older=False) == (
        "Bed 4（病区 H7，2026年11月24日 09:03 出院）的时间线，最新在前："
    )


def test_a_long_page_is_split_with_the_readers_note_and_button() -> None:
    long = page(100)
    for language, note, older in (
        (ENGLISH, "(list continues in the next message)", "Older"),
        (CHINESE, "（列表见下一条消息）", "更早"),
    ):
        parts = render(long, BERLIN, language)
        assert len(parts) > 1 and all(len(part) <= 4096 for part in parts)
        assert all(part.endswith("\n" + note) for part in parts[:-1])
        button = older_button(long, language)
        assert button is not None
        assert button.inline_keyboard[0][0].text == older
