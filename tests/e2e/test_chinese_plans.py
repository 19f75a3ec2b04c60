"""Patients and infusion plans in Simplified Chinese end to end (issue 17): a Chinese-speaking
admin admits a patient (typing a Chinese keyboard's commas), a Chinese-speaking nurse starts
a cycle, holds it by its Chinese buttons, lists the ward and discharges; the refusals are
Chinese; an English colleague reads the same plan in English."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.sandbox.fake_telegram import FakeTelegram, SimUser
from bot.services.enrolment import EnrolmentService
from storage.db import Database
from storage.models import InfusionEventKind, InfusionPlan, Patient, PatientStatus, Role
from tests.e2e.test_enrolment import enrol_by_chat, wards  # noqa: F401 (fixture)
from tests.e2e.test_plans import ask, events, tap
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck", "wards")

ADMIN, NURSE, COLLEAGUE = 131, 531, 532
EXAMPLE = "/plan Bed 4 new rr 1 2026-11-24 09:00"


async def enrol_in_chinese(
    tg: FakeTelegram, db: Database, clock: FakeClock, user_id: int, role: Role, name: str
) -> SimUser:
    code = EnrolmentService(db, clock).create_invite(role=role, ward_code="H7").code
    person = tg.user(user_id, first_name=name, language_code="zh-hans")
    await person.send(f"/start {code}")
    welcome = (await person.next_message()).text or ""
    assert welcome.startswith(f"欢迎，{name}。您已注册为 H7 病区（Haematology 7）的"), welcome
    return person


def plan(db: Database) -> InfusionPlan:
    with db.session() as session:
        return session.exec(select(InfusionPlan)).one()


def patient(db: Database) -> Patient:
    with db.session() as session:
        return session.exec(select(Patient)).one()


async def test_a_chinese_ward_admits_plans_holds_lists_and_discharges(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    admin = await enrol_in_chinese(tg, db, clock, ADMIN, Role.ADMIN, "Wang")
    nurse = await enrol_in_chinese(tg, db, clock, NURSE, Role.NURSE, "Li")
    colleague = await enrol_by_chat(tg, db, clock, COLLEAGUE, Role.NURSE, "H7")

    # The admin admits, typing the full-width commas of a Chinese keyboard.
    refused = await ask(admin, "/admit 床5，2030-01-01，45+")
    assert refused.text == (
        "出生日期 2030-01-01 在未来。\n\n未保存任何内容。"
        "示例：/admit Bed 4 AB, 1958-03-02, 45+, TP53 mutation"
    )
    admitted = await ask(admin, "/admit 床5，1958-03-02，45+，TP53 突变")
    assert admitted.text == (
        "已将 床5 收入 H7 病区。\n年龄 68 岁，体重 45 kg 或以上。\n风险标记：TP53 突变。\n"
        "风险：高危（年龄 65 岁或以上，TP53 突变）。\n筛查工具：ICE。\n\n"
        "下一步：首剂前的基线神经评估。"
    )
    assert admitted.button_texts() == [["开始基线评估"]] and admitted.protect_content

    # The nurse starts cycle 1 (a wrong protocol first: refused in Chinese, nothing stored).
    wrong = await ask(nurse, "/plan 床5 new xx 1 now")
    assert wrong.text == f"'xx' 不是方案：请用 mrd 或 rr。\n\n未保存任何内容。示例：{EXAMPLE}"
    usage = await ask(nurse, "/plan 床5 new rr 1")
    assert (usage.text or "").startswith("查看患者的输注计划：/plan <标签>，例如 /plan Bed 4\n")
    created = await ask(nurse, "/plan 床5 new rr 1 now")
    lines = (created.text or "").split("\n")
    assert lines[:7] == [
        "计划已创建。",
        "",
        "床5，H7 病区：输注计划",
        "方案：复发/难治（rr），第 1 周期",
        "开始：2026年11月24日 09:00",
        "周期第 1 天",
        "状态：输注中",
    ]
    assert lines[-1] == "• 2026年11月24日 09:00 开始输注 · Li"
    assert created.button_texts() == [["立即剂量递增", "立即暂停输注"], ["停止输注", "结束本周期"]]

    # ...and holds it for neurotoxicity, by the Chinese buttons.
    clock.advance(minutes=5)
    reasons = await tap(nurse, created, "立即暂停输注")
    assert reasons.text == "暂停 床5 的输注：原因是什么？"
    assert reasons.button_texts() == [
        ["神经毒性"],
        ["CRS"],
        ["感染"],
        ["输液管路问题"],
        ["其他"],
        ["取消"],
    ]
    confirm = await tap(nurse, reasons, "神经毒性")
    assert confirm.text == "现在暂停 床5 的输注？原因：神经毒性。"
    assert confirm.button_texts() == [["确定", "取消"]]
    done = await tap(nurse, confirm, "确定")
    assert done.text == (
        "已为 床5 记录（2026年11月24日 09:05）：暂停输注（神经毒性）。\n"
        "输注当前状态：已暂停。\n暂停输注期间神经评估照常进行。\n/plan 床5 查看计划。"
    )
    assert [e.kind for e in events(db)] == [InfusionEventKind.START, InfusionEventKind.HOLD]
    stale = await nurse.press_data(done, confirm.callback_data()[0])  # a late double tap
    answer = await nurse.wait_answer(stale)
    assert answer.show_alert
    assert answer.text == "此消息发出后计划已有变化：未记录任何内容。请重新发送 /plan。"

    # The English colleague reads the same plan in English; the admin may only look.
    theirs = await ask(colleague, "/plan 床5")
    assert "Status: held since 24 Nov 2026 09:05" in (theirs.text or "")
    assert "• 24 Nov 2026 09:05 hold (Neurotoxicity) · Li" in (theirs.text or "")
    assert theirs.button_texts() == [["Restart now", "Stop infusion"], ["End cycle"]]
    looked = await ask(admin, "/plan 床5")
    assert "状态：自 2026年11月24日 09:05 起暂停" in (looked.text or "")
    assert looked.buttons == ()
    press = await admin.press_data(looked, f"pl:{plan(db).id}:2:k.restart")
    assert (await admin.wait_answer(press)).text == "您的角色可以查看计划，但不能修改。"

    # The ward board, in Chinese.
    board = await ask(nurse, "/patients")
    assert (board.text or "").split("\n")[:4] == [
        "H7 病区：1 位在院患者",
        "• 床5：68 岁，45 kg 或以上，ICE，高危（年龄 65 岁或以上，TP53 突变）",
        "  尚无评估",
        "  第 1 周期（rr），第 1/28 天：输注暂停中",
    ]
    assert board.protect_content

    # Discharge: the confirmation and its buttons in Chinese.
    clock.advance(minutes=5)
    question = await ask(nurse, "/discharge H7，床5")
    assert question.text == "为 床5 办理 H7 病区出院？对该患者的监测将结束。"
    assert question.button_texts() == [["床5 出院", "取消"]]
    press = await nurse.press(question, "床5 出院")
    discharged = await nurse.wait_edit(question)
    await nurse.wait_answer(press)
    assert discharged.text == "床5 已于 2026年11月24日 09:10 从 H7 病区出院。"
    assert patient(db).status is PatientStatus.DISCHARGED
    gone = await ask(nurse, "/plan H7, 床5")
    assert gone.text == "您的病区没有该患者。/patients 列出您的患者。"
    await confirm_nothing_else(nurse, colleague, admin)


async def confirm_nothing_else(*users: SimUser) -> None:
    for user in users:
        await user.assert_no_message()


async def test_a_discharge_closes_a_chinese_nurses_check_in_chinese(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    nurse = await enrol_in_chinese(tg, db, clock, NURSE, Role.NURSE, "Li")
    colleague = await enrol_by_chat(tg, db, clock, COLLEAGUE, Role.NURSE, "H7")
    await ask(colleague, "/admit Bed 4, 1958-03-02, 45+")
    question = await ask(nurse, "/check Bed 4")
    assert question.buttons, question.text  # the check's first question, with its buttons
    confirm = await ask(colleague, "/discharge Bed 4")
    assert confirm.text == "Discharge Bed 4 from ward H7? Monitoring of this patient ends."
    await colleague.press(confirm, "Discharge Bed 4")
    assert "was discharged from ward H7" in ((await colleague.wait_edit(confirm)).text or "")
    closed = await nurse.wait_edit(question)  # the nurse who holds the check reads Chinese
    assert closed.text == "Bed 4 的评估已取消：患者已出院。未记录任何内容。"
    assert not closed.buttons
