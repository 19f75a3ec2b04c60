"""A check walked in Simplified Chinese end to end (issue 17): a nurse whose Telegram speaks
Chinese enrols, is prompted and walks the ICE by its Chinese buttons; the physician on call,
whose Telegram speaks English, gets the alert in English; his acknowledgement reaches the nurse
in Chinese. And /language switches a person's language back and forth."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import col, select

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram, SimUser
from bot.services.enrolment import EnrolmentService
from storage.db import Database
from storage.models import AuditLog, CheckKind, CheckStatus, Duty, Role, ScheduledCheck, Staff
from tests.e2e.test_alert_copies import shows
from tests.e2e.test_check import tap
from tests.support import factories
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck")

NURSE, PRIMARY = 521, 721

GRADE_1_IN_CHINESE = (
    "清醒",  # Alert
    *("年份 ✓", "月份 ✓", "城市 ✓", "医院 ✗", "完成"),
    "说对 3 个",
    *("执行指令 ✓", "书写 ✗", "注意力 ✓", "完成"),
    "无癫痫发作",
    "以上均无",  # motor
    "以上均无",  # ICP / imaging
    "37.0 °C",  # CRS: the patient is in an intensive window
    "无支持、未吸氧、未给药",  # no BP support, no oxygen, nothing given
    "跳过",  # note
    "提交",
)
"""ICE 8/10, awake: ICANS grade 1, a rise of one grade from a normal check (HIGH)."""


@pytest.fixture
def ward(db: Database, clock: FakeClock) -> tuple[int, int]:
    """H7 with Bed 4 (checked normal four hours ago) and Dr Pim on call, English."""
    ward_id = factories.ward(db)
    primary = factories.staff(db, PRIMARY, "Dr Pim", Role.PHYSICIAN, [ward_id])
    factories.duty(db, ward_id, primary, Duty.PRIMARY, clock() - dt.timedelta(hours=1))
    patient = factories.patient(db, ward_id, "Bed 4")
    return ward_id, patient


async def enrol_in_chinese(tg: FakeTelegram, db: Database, clock: FakeClock) -> SimUser:
    code = EnrolmentService(db, clock).create_invite(role=Role.NURSE, ward_code="H7").code
    nurse = tg.user(NURSE, first_name="Li", language_code="zh-hans")
    await nurse.send(f"/start {code}")
    welcome = (await nurse.next_message()).text or ""
    assert welcome.startswith("欢迎，Li。您已注册为 H7 病区（Haematology 7）的护士。"), welcome
    return nurse


def staff_id(db: Database, telegram_id: int) -> int:
    with db.session() as session:
        row = session.exec(select(Staff).where(Staff.telegram_user_id == telegram_id)).one()
        assert row.id is not None
        return row.id


def due_now(db: Database, patient_id: int, at: dt.datetime) -> None:
    with db.session() as session:
        session.add(
            ScheduledCheck(
                patient_id=patient_id,
                due_at=at,
                next_action_at=at,
                kind=CheckKind.ROUTINE,
                status=CheckStatus.DUE,
                reminder_level=0,
                late=False,
                created_at=at,
            )
        )


async def test_a_check_in_chinese_an_alert_in_english_the_acknowledgement_in_chinese(
    tg: FakeTelegram,
    db: Database,
    clock: FakeClock,
    neurocheck: Neurocheck,
    ward: tuple[int, int],
) -> None:
    ward_id, patient = ward
    nurse = await enrol_in_chinese(tg, db, clock)
    nurse_id = staff_id(db, NURSE)
    factories.normal_check(db, patient, nurse_id, clock() - dt.timedelta(hours=4))
    factories.duty(db, ward_id, nurse_id, Duty.NURSE, clock() - dt.timedelta(hours=1))
    await nurse.send("/help")
    assert "/check - 开始神经系统评估" in ((await nurse.next_message()).text or "")

    due_now(db, patient, clock())
    await neurocheck.tick()
    menu = tg.commands_for({"type": "chat", "chat_id": NURSE}, "zh")
    assert {c["command"]: c["description"] for c in menu}["language"].startswith("选择")
    prompt = await nurse.next_message()
    assert (prompt.text or "").startswith("Bed 4 的神经评估于 "), prompt.text
    assert prompt.button_texts() == [["开始评估", "15 分钟后提醒"]]

    await nurse.press(prompt, "开始评估")
    question = await nurse.next_message()
    assert "意识水平？" in (question.text or "")
    question = await tap(nurse, question, *GRADE_1_IN_CHINESE[:2])
    assert "“现在是哪一年？”" in (question.text or ""), "the nurse is told what to ask"
    summary = await tap(nurse, question, *GRADE_1_IN_CHINESE[2:])
    text = summary.text or ""
    assert "已提交。" in text and "ICANS 1 级" in text, text
    assert "ICE：8/10（定向力 3/4，命名 3/3，执行指令 ✓，书写 ✗，注意力 ✓）" in text
    assert "对比上次评估" in text and "▲ 加重" in text
    assert "CRS：37.0 °C，无血压支持，未吸氧，未给退热药/托珠单抗/激素" in text

    primary = tg.user(PRIMARY)
    alert = await primary.next_message()
    assert (alert.text or "").startswith("🟠 HIGH: Bed 4 (ward H7)"), alert.text
    assert (await primary.next_message()).photo
    paged = await shows(nurse, summary, "📟 已呼叫：Dr Pim（")
    assert "等待确认。" in (paged.text or "")

    await primary.press(alert, "Acknowledge")
    told = await nurse.next_message()
    assert (told.text or "").startswith("Dr Pim 已于 "), told.text
    assert "确认 Bed 4 的警报。" in (told.text or "")
    acknowledged = await shows(nurse, summary, "✅ Dr Pim 已于 ")
    assert "等待确认" not in (acknowledged.text or "")


def chat_menu(tg: FakeTelegram) -> dict[str, str]:
    """The nurse's menu as an app in a language without its own variant shows it."""
    listed = tg.commands_for({"type": "chat", "chat_id": NURSE})
    return {c["command"]: c["description"] for c in listed}


async def test_language_switches_back_and_forth(
    tg: FakeTelegram,
    db: Database,
    clock: FakeClock,
    neurocheck: Neurocheck,
    ward: tuple[int, int],
) -> None:
    nurse = await enrol_in_chinese(tg, db, clock)
    await nurse.send("/language")
    asked = await nurse.next_message()
    assert asked.text == "您希望我使用哪种语言？"
    assert asked.button_texts() == [["English", "简体中文"]]
    await nurse.press(asked, "English")
    assert (await nurse.wait_edit(asked)).text == "From now on I write to you in English."
    await neurocheck.tick()
    assert chat_menu(tg)["check"] == "Start a neuro check: /check <patient>"
    await nurse.send("/check")
    await nurse.send("/check Bed 4")
    messages = [await nurse.next_message() for _ in range(2)]
    assert "Level of consciousness?" in (messages[-1].text or "")

    await nurse.send("/language")
    asked = await nurse.next_message()
    assert asked.text == "Which language should I use with you?"
    await nurse.press(asked, "简体中文")
    assert (await nurse.wait_edit(asked)).text == "从现在起，我将用简体中文与您交流。"
    await neurocheck.tick()
    assert chat_menu(tg)["check"] == "开始神经系统评估：/check <患者>", "the menu follows"
    await nurse.send("/check")
    picker = await nurse.next_message()
    assert picker.text == "/check: 哪位患者？最紧急的排在前面。"
    assert picker.button_texts()[0][0].startswith("Bed 4")
    await nurse.send("取消")  # typed, as /cancel
    confirm = await nurse.next_message()
    assert "取消本次评估？" in (confirm.text or "")

    with db.session() as session:
        changes = session.exec(
            select(AuditLog).where(AuditLog.action == "staff.language").order_by(col(AuditLog.id))
        ).all()
    assert [(c.detail["old"], c.detail["new"]) for c in changes] == [
        ("zh_Hans", "en"),
        ("en", "zh_Hans"),
    ]
