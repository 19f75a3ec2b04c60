"""/event and an event's alert in each reader's language (issue 17): the findings as the check
names them, the confirmation, the alert's finding and lab lines, and the decision *Continue*
said with its context (继续输注) while a check's *Continue* stays 继续. English word for word."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from bot.clinical import Assessment, Seizure, Tool, Urgency, check_flow, escalation, grade_icans
from bot.clinical.labs import LabTest
from bot.services.alerts import AlertView
from bot.services.board import BoardInfo
from bot.services.check_results import CheckView
from bot.services.errors import RefusedError
from bot.services.events import FINDINGS, EventRefusal, EventReport
from bot.services.labs import LabPoint
from bot.telegram import alert_texts, check_views, words
from bot.telegram.alert_words import decision_name
from bot.telegram.events import finding_label, finding_words, reported_text
from bot.telegram.i18n import CHINESE, ENGLISH, gettext, pgettext
from storage.models import AssessmentStatus, EscalationStatus

ZONE = ZoneInfo("Asia/Shanghai")
AT = dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
SEIZURE = "seizure.resolved_rapidly"


def seizure_report() -> EventReport:
    result = grade_icans(Assessment(tool=Tool.ICE, seizure=Seizure.RESOLVED_RAPIDLY))
    triggers = escalation(None, None, result)
    return EventReport(3, "床5", SEIZURE, AT, result, triggers)


def test_every_finding_is_named_in_chinese_and_lower_case_only_in_english() -> None:
    for finding in FINDINGS:
        assert finding_label(finding, CHINESE) != finding_label(finding), finding
    assert finding_label(SEIZURE, CHINESE) == "癫痫发作，已迅速缓解"
    assert finding_words("icp.hemorrhage") == "haemorrhage (imaging)"
    assert finding_words("icp.hemorrhage", CHINESE) == "出血（影像）"


def test_the_report_in_each_language() -> None:
    report = seizure_report()
    assert report.triggers.urgency is Urgency.CRITICAL
    assert reported_text(report, ZONE) == (
        "Reported for 床5 at 24 Nov 09:00: seizure, resolved rapidly.\n"
        "ICANS at least grade 3 (incomplete).\n"
        "CRITICAL: paging the physician on call now; stay with the patient.\n"
        "Do a full check when you can: /check 床5"
    )
    assert reported_text(report, ZONE, CHINESE) == (
        "已于 11月24日 09:00 报告 床5 的事件：癫痫发作，已迅速缓解。\n"
        "ICANS 至少 3 级（不完整）。\n"
        "危急：正在呼叫值班医生；请留在患者身边。\n"
        "请尽快完成一次完整评估：/check 床5"
    )


def test_an_unknown_finding_is_refused_in_the_language() -> None:
    refused = RefusedError(EventRefusal.UNKNOWN_FINDING)
    assert words.refusal(refused) == "That is not an event this bot records."
    assert words.refusal(refused, CHINESE) == "这不是本机器人记录的事件。"


def event_alert(**changes: object) -> AlertView:
    report = seizure_report()
    view = AlertView(
        escalation_id=11,
        urgency=Urgency.CRITICAL,
        reasons=("seizure",),
        source="event",
        status=EscalationStatus.ACKNOWLEDGED,
        label="床5",
        ward_code="H7",
        created_at=AT,
        info=BoardInfo(),
        event_finding=SEIZURE,
        reported_by="李护士",
        reported_at=AT,
        result=report.result,
        acknowledged_by="Dr Pim",
        acknowledged_at=AT,
        decisions=((AT, "continue", "Dr Pim"),),
        labs=(LabPoint(LabTest.IL6, 850.0, AT), LabPoint(LabTest.CRP, 42.0, AT)),
    )
    return dataclasses.replace(view, **changes)  # type: ignore[arg-type]


def test_an_event_alert_carries_its_finding_and_lab_lines_in_the_readers_language() -> None:
    view = event_alert()
    english = alert_texts.render_alert(view, ZONE)
    assert "Event reported by 李护士 at 24 Nov 09:00: Seizure, resolved rapidly" in english
    assert "Labs: IL-6 850 pg/mL (24 Nov 09:00) · CRP 42 mg/L (24 Nov 09:00)" in english
    assert "Decision: Continue (Dr Pim, 24 Nov 09:00)" in english
    chinese = alert_texts.render_alert(view, ZONE, language=CHINESE)
    assert "李护士 于 11月24日 09:00 报告事件：癫痫发作，已迅速缓解" in chinese
    labs = "检验：白介素-6 850 pg/mL（11月24日 09:00） · C反应蛋白 42 mg/L（11月24日 09:00）"
    assert labs in chinese
    assert "决定：继续输注（Dr Pim，11月24日 09:00）" in chinese
    assert "Labs" not in chinese and "IL-6" not in chinese and "Seizure" not in chinese


def test_continue_the_infusion_is_not_continue_the_check() -> None:
    markup = alert_texts.keyboard(event_alert(decisions=()), decide=True, language=CHINESE)
    assert markup is not None
    assert [b.text for b in markup.inline_keyboard[0]] == ["继续输注", "暂停输注"]
    english = alert_texts.keyboard(event_alert(decisions=()), decide=True)
    assert english is not None
    assert [b.text for b in english.inline_keyboard[0]] == ["Continue", "Hold infusion"]
    assert alert_texts.answer_text(event_alert(), "d-continue", CHINESE) == "已记录：继续输注。"
    assert decision_name("continue") == "Continue"
    assert decision_name("hold", CHINESE) == "暂停输注"
    # Without the context, the same English is a check's step forward: 继续.
    assert gettext(CHINESE, "Continue") == "继续"
    assert pgettext(CHINESE, "decision", "Continue") == "继续输注"
    assert pgettext(ENGLISH, "decision", "Continue") == "Continue"
    note = CheckView(
        assessment_id=7,
        version=3,
        step=check_flow.NOTE,
        tool=Tool.ICE,
        label="床5",
        status=AssessmentStatus.IN_PROGRESS,
        holder_name="李护士",
        answers={},
        is_baseline=False,
        note="嗜睡",
        has_photo=False,
        chat_id=None,
        message_id=None,
    )
    _, buttons = check_views.render(note, ZONE, CHINESE)
    assert buttons is not None
    assert "继续" in [b.text for row in buttons.inline_keyboard for b in row]
