"""Laboratory values and an event in Chinese end to end (issue 17): a Chinese nurse records
IL-6 and CRP by /labs (a refused value, full-width digits, a Chinese test name typed in one
line) and reports a seizure by /event; the critical alert reaches a Chinese physician with the
event's finding and the lab line in Chinese, and the decision he records reads 继续输注."""

from __future__ import annotations

import pytest

from bot.sandbox.fake_telegram import FakeTelegram
from storage.db import Database
from tests.e2e.test_alert_copies import shows
from tests.e2e.test_check import tap
from tests.e2e.test_chinese_alert import speaks_chinese
from tests.e2e.test_escalation import NURSE, PRIMARY, ward
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck", "ward")
__all__ = ["ward"]  # the escalation tests' ward: a nurse, physicians on call, Bed 4


async def test_a_chinese_nurses_labs_and_event_reach_a_chinese_physician_in_chinese(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    speaks_chinese(db, NURSE)
    speaks_chinese(db, PRIMARY)
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)

    await nurse.send("/labs Bed 4")
    menu = await nurse.next_message()
    assert menu.text == "Bed 4。尚无检验结果。\n要记录哪一项检验？"
    assert menu.button_texts() == [["白介素-6", "C反应蛋白", "铁蛋白"]]
    await nurse.press(menu, "白介素-6")
    asked = await nurse.wait_edit(menu)
    assert (asked.text or "").startswith("白介素-6：请输入数值，单位 pg/mL（")
    await nurse.send("很多")
    assert (await nurse.next_message()).text == (
        "未记录：'很多' 不是数字。请重新输入，或发送 /labs 重新开始。"
    )
    await nurse.send("８５０")  # a Chinese keyboard's full-width digits
    assert (await nurse.next_message()).text == (
        "已为 Bed 4 记录：白介素-6 850 pg/mL，采样时间 11月24日 09:00。该结果随每条警报显示，"
        "也可在 /history 中查看；不会触发警报。"
    )
    await nurse.send("/labs Bed 4 C反应蛋白 4.2 mg/dL 08:30")
    recorded = (await nurse.next_message()).text or ""
    assert "C反应蛋白 42 mg/L（4.2 mg/dL），采样时间 11月24日 08:30" in recorded, recorded
    await nurse.send("/labs Bed 4 铁蛋白 300 mmol/L")
    assert (await nurse.next_message()).text == (
        "未记录：铁蛋白 不接受单位 'mmol/L'：请以 ng/mL 填写（可用单位：ng/mL，ug/L）。"
        "请重新输入，或发送 /labs 重新开始。"
    )

    await nurse.send("/event Bed 4")
    findings = await nurse.next_message()
    assert findings.text == "报告 Bed 4 的事件（两次评估之间）：发生了什么？"
    labels = [label for row in findings.button_texts() for label in row]
    assert labels[0] == "癫痫发作，已迅速缓解" and labels[-1] == "取消", labels
    confirm = await tap(nurse, findings, "癫痫发作，已迅速缓解")
    assert confirm.text == "立即报告：癫痫发作，已迅速缓解？"
    assert confirm.button_texts() == [["立即报告"], ["取消"]]
    report = confirm.callback_data()[0]
    done = await tap(nurse, confirm, "立即报告")
    assert (done.text or "").startswith(
        "已于 11月24日 09:00 报告 Bed 4 的事件：癫痫发作，已迅速缓解。\nICANS 至少 3 级（不完整）。"
    ), done.text
    assert "请尽快完成一次完整评估：/check Bed 4" in (done.text or "")
    doubled = await nurse.press_data(done, report)
    assert (await nurse.wait_answer(doubled)).text == "已报告过。"

    page = await primary.next_message()
    text = page.text or ""
    assert text.startswith("🔴 危急：Bed 4（病区 H7）"), text
    assert "Nurse Ada 于 11月24日 09:00 报告事件：癫痫发作，已迅速缓解" in text
    assert (
        "检验：白介素-6 850 pg/mL（11月24日 09:00） · C反应蛋白 42 mg/L（11月24日 08:30）" in text
    )
    assert "Labs" not in text and "Seizure" not in text and "Event" not in text
    press = await primary.press(page, "确认")
    assert (await primary.wait_answer(press)).text == "已确认，已通知护士。"
    acknowledged = await shows(primary, page, "✅ Dr Pim 已于 ")
    decisions = acknowledged.button_texts()
    assert decisions[0] == ["继续输注", "暂停输注"], decisions
    press = await primary.press(acknowledged, "继续输注")
    assert (await primary.wait_answer(press)).text == "已记录：继续输注。"
    await shows(primary, page, "决定：继续输注（Dr Pim，")
