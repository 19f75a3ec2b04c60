"""Duty, on call, staff and the general answers in Simplified Chinese end to end (issue 17),
over the fake Telegram server: a Chinese nurse goes on and off duty, a Chinese physician takes
on call and reads the rota, a stranger whose Telegram speaks Chinese is refused in Chinese, the
rota-gap warning reaches a Chinese admin in Chinese (and an English charge nurse in English),
and a Chinese admin manages staff, invites and exports in Chinese."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import select

from bot.app import Neurocheck
from bot.sandbox.fake_telegram import FakeTelegram, SimUser
from bot.services.duty import DutyService
from bot.services.enrolment import EnrolmentService
from bot.telegram import texts
from storage.db import Database
from storage.models import Role, Ward
from tests.e2e.test_chinese_alert import speaks_chinese
from tests.e2e.test_enrolment import enrol_by_chat, wards  # noqa: F401 (fixture)
from tests.services.export_seed import ADMIN as EXPORT_ADMIN
from tests.services.export_seed import seed
from tests.support import factories
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck")

ADMIN, NURSE, CHARGE, PHYSICIAN, STRANGER, ENGLISH_STRANGER = 120, 521, 522, 721, 9021, 9022


async def enrol_in_chinese(
    tg: FakeTelegram, db: Database, clock: FakeClock, user_id: int, role: Role, name: str
) -> SimUser:
    """Enrolled through the chat from a Telegram app in Chinese: the bot speaks Chinese."""
    code = EnrolmentService(db, clock).create_invite(role=role, ward_code="H7").code
    person = tg.user(user_id, first_name=name, language_code="zh-hans")
    await person.send(f"/start {code}")
    assert ((await person.next_message()).text or "").startswith(f"欢迎，{name}。")
    return person


async def ask(user: SimUser, text: str) -> str:
    await user.send(text)
    return (await user.next_message()).text or ""


@pytest.mark.usefixtures("wards")
async def test_a_chinese_nurse_and_physician_go_on_duty_and_on_call_in_chinese(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    nurse = await enrol_in_chinese(tg, db, clock, NURSE, Role.NURSE, "Li")
    doctor = await enrol_in_chinese(tg, db, clock, PHYSICIAN, Role.PHYSICIAN, "Wang")

    assert await ask(nurse, "/onduty 8") == (  # 08:00 UTC is 09:00 in Berlin
        "您已在 H7 病区值班，至 11月24日 17:00。这些病区的神经评估提醒将发给您。\n"
        "/offduty 结束值班，/duty 查看还有谁在值班。"
    )
    assert await ask(nurse, "/onduty 30") == (
        "用法：/onduty [小时数]，1 到 24（省略则为 12）。例如：/onduty 8"
    )
    assert await ask(doctor, "/onduty") == "只有护士和护士长可以在聊天中开始值班。"
    assert await ask(doctor, "/oncall primary 12") == (
        "您已在 H7 病区担任一线值班医生，至 11月24日 21:00。\n/oncall 查看值班表。"
    )
    assert await ask(nurse, "/oncall primary 4") == "只有医生可以在聊天中安排自己值班。"
    assert (await ask(nurse, "/duty")).splitlines() == [
        "H7 病区（Haematology 7），当前值班：",
        "• Li（护士），至 11月24日 17:00",
        "护士长：本病区未注册护士长",
        "值班医生：Wang（至 11月24日 21:00）",
    ]
    rota = (await ask(nurse, "/oncall")).splitlines()
    assert rota[:4] == [
        "H7 病区（Haematology 7），当前值班医生：",
        "• 一线：Wang，至 11月24日 21:00",
        "• 二线：无人",
        "• 三线：无人",
    ]
    assert rota[4:] == ["未来 24 小时：", "• 11月24日 21:00 一线：无人"]

    clock.advance(minutes=30)
    assert await ask(nurse, "/offduty") == "您已于 11月24日 09:30 结束 H7 病区的值班。"
    assert await ask(nurse, "/offduty") == "您当时不在值班；没有变化。"
    assert await ask(nurse, "/rota") == "未知命令。/help 列出本机器人能理解的命令。"


async def test_strangers_are_refused_in_their_telegram_apps_language(tg: FakeTelegram) -> None:
    chinese = tg.user(STRANGER, first_name="Zhao", language_code="zh-CN")
    english = tg.user(ENGLISH_STRANGER, first_name="Eve")
    refused = "本机器人仅供已注册的病区员工使用。请向您的病区管理员索取邀请链接。"
    for command in ("/onduty", "/oncall primary 8", "/staff", "/whatever"):
        assert await ask(chinese, command) == refused, command
    assert await ask(english, "/onduty") == texts.NOT_ENROLLED
    await chinese.send("/start not-a-real-code")
    assert (await chinese.next_message()).text == (
        "此邀请链接无效：已过期或已被使用。请向您的病区管理员索取新的链接。"
    )
    await english.send("/start not-a-real-code")
    assert (await english.next_message()).text == texts.INVITE_INVALID


@pytest.mark.usefixtures("wards")
async def test_the_rota_gap_reaches_a_chinese_admin_in_chinese(
    tg: FakeTelegram, db: Database, clock: FakeClock, neurocheck: Neurocheck
) -> None:
    admin = await enrol_in_chinese(tg, db, clock, ADMIN, Role.ADMIN, "Zhou")
    charge = await enrol_by_chat(tg, db, clock, CHARGE, Role.CHARGE_NURSE, "H7")  # English
    with db.session() as session:
        h7 = session.exec(select(Ward).where(Ward.code == "H7")).one().id
    assert h7 is not None
    patient = factories.patient(db, h7, "床5")
    factories.plan(db, patient, clock.now, created_at=clock.now)  # running from now

    report = await neurocheck.tick()
    assert report is not None and report.gap_warnings == 2
    warning = await admin.next_message()
    assert (warning.text or "") == (
        "⚠ H7 病区（Haematology 7）没有一线值班医生，且此后也无排班，而该病区有患者正在使用"
        "贝林妥欧单抗：一旦出现 ICANS 警报，将无医生可呼叫。\n"
        "处理方法：本病区医生发送 /oncall primary <小时数>（加 override 可替换已排班者），"
        "或在服务器上运行：neurocheck duty add --ward H7 --telegram-id <id> --as primary "
        "--from <time> --to <time>。"
    )
    english = await charge.next_message()
    assert (english.text or "").startswith(
        "⚠ Ward H7 (Haematology 7) has no primary physician on call and none is planned after "
        "that, while a patient there is on blinatumomab"
    )


@pytest.mark.usefixtures("wards")
async def test_a_chinese_admin_manages_staff_and_invites_in_chinese(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    admin = await enrol_in_chinese(tg, db, clock, ADMIN, Role.ADMIN, "Zhou")
    nurse = await enrol_by_chat(tg, db, clock, NURSE, Role.NURSE, "H7")
    assert "on duty on ward H7" in await ask(nurse, "/onduty")  # English stays English
    clock.advance(minutes=30)

    await admin.send("/staff")
    listing = await admin.next_message()
    assert "Nurse 521：护士，H7，id 521，注册于 2026-11-24 09:00，最近活动 2026-11-24 09:00" in (
        listing.text or ""
    )
    await admin.press(listing, "停用 Nurse 521")
    confirm = await admin.next_message()
    assert (confirm.text or "").startswith("将 Nurse 521（护士）从本机器人中移除？")
    assert confirm.button_texts() == [["是，移除", "取消"]]
    await admin.press(confirm, "是，移除")
    done = await admin.wait_edit(confirm)
    assert done.text == "Nurse 521 已停用：1 个进行中的值班已结束。"
    assert await ask(nurse, "/duty") == texts.NOT_ENROLLED  # her app is English

    assert await ask(admin, "/invite surgeon") == (
        "邀请员工：/invite <角色> [病区代码]\n"
        "角色：nurse（护士）、charge_nurse（护士长）、physician（医生）、admin（管理员）。"
        "例如：/invite nurse H7\n您只有一个病区时可省略病区代码。"
    )
    assert await ask(admin, "/invite nurse H8") == "您只能邀请他人加入您自己的病区：H7。"
    invite = await ask(admin, "/invite charge_nurse")
    assert invite.startswith(
        "邀请加入 H7 病区（Haematology 7）担任护士长，仅可使用一次，有效期至 11月27日 09:30 "
        "(Europe/Berlin)。\n\n请将此链接转发给新成员"
    ), invite
    assert await ask(admin, "/staff contact 521 pager abc") == (
        "'abc' 不是寻呼号码（数字，可以 + 开头）"
    )


async def test_a_chinese_admins_export_summary_and_refusals_in_chinese(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    seed(db, clock)
    speaks_chinese(db, EXPORT_ADMIN)
    admin = tg.user(EXPORT_ADMIN)
    assert (await ask(admin, "/export yesterday")).startswith("用法：/export [病区] 开始日期")
    assert await ask(admin, "/export 2026-11-24 2026-11-23") == (
        "时间段的结束日期（2026-11-23）早于开始日期（2026-11-24）。"
    )
    summary = await ask(admin, "/export H7 2026-11-24 2026-11-24 summary")
    assert summary.startswith("质量汇总：H7 病区，2026-11-24 至 2026-11-24（Europe/Berlin）")
    assert "到期评估：3；按时完成：1；延迟：1；漏做：1" in summary


async def test_an_error_is_told_in_the_persons_language(
    tg: FakeTelegram,
    db: Database,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    factories.ward(db)
    with db.session() as session:
        ward = session.exec(select(Ward)).one()
    assert ward.id is not None
    factories.staff(db, NURSE, "Li", Role.NURSE, [ward.id])
    speaks_chinese(db, NURSE)
    nurse = tg.user(NURSE, first_name="Li")  # an English app: her choice is Chinese

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the duty board broke")

    monkeypatch.setattr(DutyService, "board", broken)
    with caplog.at_level(logging.ERROR):
        assert await ask(nurse, "/duty") == "出错了。没有丢失任何数据；请重试。"
    assert "the duty board broke" in caplog.text  # logged once, as ever
    stranger = tg.user(STRANGER, language_code="zh")
    assert await ask(stranger, "/duty") == (  # refused before the board: no error
        "本机器人仅供已注册的病区员工使用。请向您的病区管理员索取邀请链接。"
    )
