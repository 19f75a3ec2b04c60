"""An alert in each reader's language (issue 17): the physician on call reads Chinese, the
backup and the charge nurse read English. The page, its buttons and chart caption are Chinese;
the copies /alerts shows the others are English; one acknowledgement (a Chinese button)
edits every copy, each in its own reader's language, and the English nurse is told in
English."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from storage.db import Database
from storage.models import Staff
from tests.e2e.test_alert_copies import shows
from tests.e2e.test_escalation import (  # noqa: F401
    ADMIN,
    BACKUP,
    CHARGE,
    NURSE,
    PRIMARY,
    normal_then_grade_1,
    settled,
    ward,
)
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck", "ward")


def speaks_chinese(db: Database, telegram_id: int) -> None:
    with db.session() as session:
        staff = session.exec(select(Staff).where(Staff.telegram_user_id == telegram_id)).one()
        staff.language = "zh_Hans"
        session.add(staff)


async def shown_by_alerts(user: SimUser, heading: str) -> SentMessage:
    """The copy of the one open alert that /alerts shows ``user`` after its listing."""
    await user.send("/alerts")
    assert heading in ((await user.next_message()).text or "")
    return await user.next_message()


async def test_each_copy_of_an_alert_in_its_readers_language(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    speaks_chinese(db, PRIMARY)
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    charge, backup = tg.user(CHARGE), tg.user(BACKUP)
    await normal_then_grade_1(nurse, clock)

    page = await primary.next_message()
    first, second, third = (page.text or "").split("\n")[:3]
    assert first == "🟠 高危：Bed 4（病区 H7）"
    assert second == "ICANS 1 级（此前 0 级）"
    assert third.startswith("原因：") and "ICANS 分级升高" in third, third
    assert "评估人 Nurse Ada，" in (page.text or "")
    assert "请确认。" in (page.text or "") and "说明书参考（贝林妥欧单抗" in (page.text or "")
    assert page.button_texts() == [["确认"], ["确认，正在赶往床旁"]]
    chart = await primary.next_message()
    assert chart.photo and chart.caption == "Bed 4：ICE 评分与 ICANS 分级，已标注输注事件"

    charge_copy = await shown_by_alerts(charge, "Open alerts:")
    backup_copy = await shown_by_alerts(backup, "Open alerts:")
    for copy in (charge_copy, backup_copy):
        assert (copy.text or "").startswith("🟠 HIGH: Bed 4 (ward H7)\nICANS grade 1 (was grade 0)")
        assert "Please acknowledge." in (copy.text or "")
    assert backup_copy.button_texts() == [["Acknowledge"], ["Acknowledge, coming to the bedside"]]
    await primary.send("/alerts")
    assert "未处理的警报：\n• Bed 4（H7）高，自 " in ((await primary.next_message()).text or "")
    primary_copy = await primary.next_message()
    assert (primary_copy.text or "").startswith("🟠 高危：Bed 4（病区 H7）")

    clock.advance(minutes=2)
    press = await primary.press(page, "确认")
    assert (await primary.wait_answer(press)).text == "已确认，已通知护士。"
    acknowledged = await shows(primary, page, "✅ Dr Pim 已于 ")
    assert "请确认。" not in (acknowledged.text or "")
    decisions = [label for row in acknowledged.button_texts() for label in row]
    assert {"暂停输注", "地塞米松", "托珠单抗", "左乙拉西坦", "转入 ICU"} <= set(decisions)
    for user, copy in ((charge, charge_copy), (backup, backup_copy)):
        edited = await shows(user, copy, "✅ Acknowledged by Dr Pim at ")
        assert "Please acknowledge." not in (edited.text or "") and edited.buttons == ()
    assert "✅ Dr Pim 已于 " in ((await shows(primary, primary_copy, "✅")).text or "")
    told = await nurse.next_message()
    assert (told.text or "").startswith("Dr Pim acknowledged the alert for Bed 4 at "), told.text

    press = await primary.press(acknowledged, "地塞米松")
    assert (await primary.wait_answer(press)).text == "已记录：地塞米松。"
    await shows(primary, page, "决定：地塞米松（Dr Pim，")
    await shows(backup, backup_copy, "Decision: Dexamethasone (Dr Pim, ")


async def test_the_ward_is_told_in_each_leads_language_when_nobody_acknowledges(
    tg: FakeTelegram, db: Database, clock: FakeClock, neurocheck: Neurocheck
) -> None:
    speaks_chinese(db, CHARGE)
    nurse, charge, admin = tg.user(NURSE), tg.user(CHARGE), tg.user(ADMIN)
    tg.user(PRIMARY), tg.user(BACKUP)
    await normal_then_grade_1(nurse, clock)
    for _ in range(4):
        await settled(db)
        clock.advance(minutes=10)
        await neurocheck.tick()
    told = await charge.next_message()
    assert (told.text or "").startswith("⚠️ Bed 4（病区 H7）于 11月24日 13:00 发出的警报无人确认。")
    assert "请直接电话联系医生；有医生接手后在此确认。\n\n🟠 高危：Bed 4" in (told.text or "")
    assert "⚠️ 此警报无人确认。" in (told.text or "")
    english = await admin.next_message()
    assert (english.text or "").startswith("⚠️ Nobody acknowledged the alert for Bed 4 (ward H7)")
    assert "⚠️ Nobody has acknowledged this alert." in (english.text or "")

    press = await charge.press(told, "确认")
    assert (await charge.wait_answer(press)).text == "已确认，已通知护士。"
    press = await charge.press_data(told, press.data)  # a second tap
    assert (await charge.wait_answer(press)).text == "Charge Nurse Bea 已确认。"
