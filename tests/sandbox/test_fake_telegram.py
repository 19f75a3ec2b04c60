"""The fake Telegram server, exercised with the real PTB ``Bot``/``Application`` and httpx.

These tests pin down what end-to-end tests rely on: PTB can talk to the fake at all,
long polling behaves (wakes at once, honours offsets, never blocks shutdown), and
the fake refuses what Telegram refuses, with errors PTB maps to the right exceptions.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Bot, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from bot.sandbox.fake_telegram import FakeTelegram, RateRules

REPO = Path(__file__).resolve().parents[2]
AnyApp = Application[Any, Any, Any, Any, Any, Any]


@pytest.fixture(autouse=True)
def _local_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx must not send 127.0.0.1 to a proxy; RetryAfter should give timedeltas."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(token="123:ABC", bot_username="neurocheck_test_bot") as fake:
        yield fake


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(tg.token, base_url=tg.base_url, base_file_url=tg.base_file_url) as real_bot:
        yield real_bot


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in buttons]
    )


def build_app(tg: FakeTelegram) -> AnyApp:
    return (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .build()
    )


@contextlib.asynccontextmanager
async def polling(app: AnyApp) -> AsyncIterator[AnyApp]:
    """Start the Application by hand, as the end-to-end tests do."""
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


# -- basics ------------------------------------------------------------------------------


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.username == "neurocheck_test_bot"
    assert me.id == 123


async def test_unknown_token_and_method(tg: FakeTelegram) -> None:
    async with httpx.AsyncClient() as client:
        wrong = await client.post(f"{tg.base_url}999:XYZ/getMe")
        unknown = await client.post(f"{tg.base_url}{tg.token}/sendSticker")
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert unknown.status_code == 404
    assert unknown.json()["description"] == "Not Found"


async def test_parameters_as_form_json_and_query_string(tg: FakeTelegram) -> None:
    tg.user(7, "Gina")
    markup = '{"inline_keyboard": [[{"text": "Ok", "callback_data": "ok"}]]}'
    url = f"{tg.base_url}{tg.token}/sendMessage"
    async with httpx.AsyncClient() as client:
        form = await client.post(url, data={"chat_id": "7", "text": "a", "reply_markup": markup})
        body = {"chat_id": 7, "text": "b", "protect_content": True}
        as_json = await client.post(url, json=body)
        query = await client.get(url, params={"chat_id": "7", "text": "c"})
    assert [r.status_code for r in (form, as_json, query)] == [200, 200, 200]
    assert form.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Ok"
    gina = tg.user(7)
    assert [m.text for m in gina.messages] == ["a", "b", "c"]
    assert gina.messages[1].protect_content
    assert tg.calls[0].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ok"


# -- long polling ------------------------------------------------------------------------


async def test_long_poll_wakes_when_an_update_is_injected(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1, "Alice")
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.1)
    await alice.send("hello")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 2
    assert updates[0].message is not None
    assert updates[0].message.text == "hello"
    assert updates[0].message.from_user is not None
    assert updates[0].message.from_user.first_name == "Alice"


async def test_timeout_zero_answers_at_once(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=0) == ()
    assert time.monotonic() - started < 0.5


async def test_offset_confirms_earlier_updates_and_limit_caps(tg: FakeTelegram, bot: Bot) -> None:
    bob = tg.user(2, "Bob")
    for text in ("one", "two", "three"):
        await bob.send(text)
    first = await bot.get_updates(timeout=0, limit=2)
    assert [u.message.text for u in first if u.message] == ["one", "two"]
    again = await bot.get_updates(timeout=0)
    assert len(again) == 3  # nothing confirmed yet
    rest = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0) == ()
    assert tg.pending_updates == 0


async def test_newer_poll_ends_older_one_with_conflict(tg: FakeTelegram, bot: Bot) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    async with httpx.AsyncClient() as second_instance:
        newer = await second_instance.post(f"{tg.base_url}{tg.token}/getUpdates")
    assert newer.json() == {"ok": True, "result": []}
    with pytest.raises(Conflict):
        await asyncio.wait_for(older, 2)


async def test_stopping_the_server_answers_pending_polls() -> None:
    async with FakeTelegram() as tg:
        client = httpx.AsyncClient(timeout=10)
        url = f"{tg.base_url}{tg.token}/getUpdates"
        poll = asyncio.create_task(client.post(url, data={"timeout": "30"}))
        await asyncio.sleep(0.1)
        started = time.monotonic()
    response = await asyncio.wait_for(poll, 3)
    await client.aclose()
    assert response.json() == {"ok": True, "result": []}
    assert time.monotonic() - started < 3


# -- with a real Application ---------------------------------------------------------------


async def test_command_reaches_a_command_handler(tg: FakeTelegram) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"args={context.args}")

    app = build_app(tg)
    app.add_handler(CommandHandler("start", echo))
    alice, bob = tg.user(1, "Alice"), tg.user(2, "Bob")
    started = time.monotonic()
    async with polling(app):
        await alice.send("/start abc")
        await bob.send("/start@neurocheck_test_bot")
        await alice.send("not a command")
        assert (await alice.next_message()).text == "args=['abc']"
        assert (await bob.next_message()).text == "args=[]"
        await alice.assert_no_message(within=0.3)
    assert time.monotonic() - started < 5, "start/stop must not hang"


async def test_button_press_round_trip(tg: FakeTelegram) -> None:
    async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        markup = keyboard(("Yes", "answer:yes"), ("No", "answer:no"))
        await update.effective_message.reply_text("Headache?", reply_markup=markup)

    async def answered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        await query.answer("Saved")
        await query.edit_message_text(f"Headache: {query.data.split(':')[1]}")

    app = build_app(tg)
    app.add_handler(CommandHandler("check", ask))
    app.add_handler(CallbackQueryHandler(answered))
    nurse = tg.user(10, "Nadia")
    async with polling(app):
        await nurse.send("/check")
        question = await nurse.next_message()
        assert question.button_texts() == [["Yes"], ["No"]]
        with pytest.raises(AssertionError, match=r"no callback button 'Maybe'.*'Yes'"):
            await nurse.press(question, "Maybe")
        press = await nurse.press(question, "No")
        answer = await nurse.wait_answer(press)
        edited = await nurse.wait_edit(question)
    assert answer.text == "Saved"
    assert nurse.last_callback_answer == answer
    assert edited.text == "Headache: no"
    assert edited.buttons == ()
    assert [r.text for r in edited.revisions] == ["Headache?", "Headache: no"]
    with pytest.raises(AssertionError, match="no callback button 'Yes'"):
        await nurse.press(question, "Yes")  # the edit removed the keyboard


async def test_user_photo_can_be_downloaded(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1, "Alice")
    await alice.send_photo(b"jpeg-bytes" * 10, caption="pupils")
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None
    assert update.message.caption == "pupils"
    photo_file = await update.message.photo[-1].get_file()
    assert photo_file.file_size == 100
    assert bytes(await photo_file.download_as_bytearray()) == b"jpeg-bytes" * 10


# -- Telegram's limits ------------------------------------------------------------------------


async def test_callback_data_is_limited_to_64_bytes(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(1, "Alice")
    await bot.send_message(1, "ok", reply_markup=keyboard(("A", "é" * 32)))
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(1, "too long", reply_markup=keyboard(("A", "é" * 32 + "x")))


async def test_text_limits(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(1, "Alice")
    await bot.send_message(1, "x" * 4096)
    await bot.send_message(1, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(1, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(1, "   ")
    with pytest.raises(BadRequest, match=r'(?i)unsupported start tag "br"'):
        await bot.send_message(1, "a<br>b", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)character '.' is reserved"):
        await bot.send_message(1, "Grade 2.", parse_mode="MarkdownV2")
    assert len(tg.user(1).messages) == 2


async def test_edit_and_callback_errors(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1, "Alice")
    sent = await bot.send_message(1, "Q", reply_markup=keyboard(("Yes", "y")))
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=1, message_id=999)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Q", chat_id=1, message_id=sent.message_id,
                                    reply_markup=keyboard(("Yes", "y")))  # fmt: skip
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(404, "who?")
    press = await alice.press(sent.message_id, "y")
    assert await bot.answer_callback_query(press.id)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(press.id)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("nope")


async def test_forged_press_on_deleted_message(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1, "Alice")
    sent = await bot.send_message(1, "Q", reply_markup=keyboard(("Yes", "y")))
    assert await bot.delete_message(1, sent.message_id)
    assert alice.current(sent.message_id).deleted
    await alice.press_data(sent.message_id, "stale:data")
    (update,) = await bot.get_updates(timeout=0)
    assert update.callback_query is not None
    assert update.callback_query.data == "stale:data"
    assert update.callback_query.message is not None
    assert not update.callback_query.message.is_accessible


# -- refusals the bot must survive ---------------------------------------------------------------


async def test_injected_429_raises_retry_after(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(1, "Alice")
    tg.inject_error("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(1, "hi")
    assert caught.value.retry_after == dt.timedelta(seconds=3)
    await bot.send_message(1, "hi again")  # times=1: used up
    assert tg.count_429 == 1
    assert [m.text for m in tg.user(1).messages] == ["hi again"]


async def test_blocked_user_raises_forbidden(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(1, "Alice")
    tg.block(1)
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(1, "hi")
    tg.unblock(1)
    await bot.send_message(1, "hi")


async def test_server_errors_and_chat_filter(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(1, "Alice")
    tg.user(2, "Bob")
    tg.inject_error("*", status=502, chat_id=2, times=None)
    await bot.send_message(1, "fine")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(2, "lost")
    tg.clear_errors()
    await bot.send_message(2, "back")


async def test_rate_violations_are_counted_or_refused(bot: Bot, tg: FakeTelegram) -> None:
    tg.user(1, "Alice")
    for index in range(5):
        await bot.send_message(1, f"burst {index}")
    assert tg.rate_violations() == 2  # the 4th and 5th within one second
    assert len(tg.send_timestamps(1)) == 5

    async with FakeTelegram(
        enforce_rate_limits=True, rate_rules=RateRules(chat_per_second=1)
    ) as strict:
        strict.user(1, "Alice")
        async with Bot(strict.token, base_url=strict.base_url) as strict_bot:
            await strict_bot.send_message(1, "first")
            with pytest.raises(RetryAfter):
                await strict_bot.send_message(1, "second")
        assert strict.count_429 == 1
        assert [m.text for m in strict.user(1).messages] == ["first"]


# -- photos, commands, diagnostics ----------------------------------------------------------


async def test_send_photo_with_bytes_and_file_id(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1, "Alice")
    sent = await bot.send_photo(1, b"\x89PNG" + b"0" * 2000, caption="scale", protect_content=True)
    again = await bot.send_photo(1, sent.photo[-1].file_id)
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(1, b"img", caption="c" * 1025)
    first, second = alice.messages
    assert first.photo and first.photo_size == 2004 and first.caption == "scale"
    assert first.protect_content
    assert again.photo[-1].file_id == sent.photo[-1].file_id
    assert second.photo_size == 2004


async def test_my_commands_are_stored(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Register"), ("check", "Start a neuro check")])
    assert tg.commands == [
        {"command": "start", "description": "Register"},
        {"command": "check", "description": "Start a neuro check"},
    ]
    assert [c.command for c in await bot.get_my_commands()] == ["start", "check"]
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Bad-Command", "x")])


async def test_a_chat_shows_the_menu_telegram_would_choose(tg: FakeTelegram, bot: Bot) -> None:
    """The most specific scope with a list wins, in the app's language before every language
    (the Bot API's "Determining list of commands"); "zh-hans" is the "zh" menu."""
    english, chinese, stranger = (
        tg.user(1, "Ann", language_code="en"),
        tg.user(2, "Li", language_code="zh-hans"),
        tg.user(3, "Bo", language_code="zh"),
    )
    await bot.set_my_commands([("start", "Register")])
    await bot.set_my_commands([("start", "注册")], language_code="zh")
    await bot.set_my_commands([("check", "Check")], scope=BotCommandScopeChat(1))
    await bot.set_my_commands([("check", "Check")], scope=BotCommandScopeChat(2))
    await bot.set_my_commands([("check", "评估")], scope=BotCommandScopeChat(2), language_code="zh")
    assert tg.menu_for(english.id) == [{"command": "check", "description": "Check"}]
    assert tg.menu_for(chinese.id) == [{"command": "check", "description": "评估"}]
    assert tg.menu_for(stranger.id) == [{"command": "start", "description": "注册"}]
    assert tg.menu_for(99) == [{"command": "start", "description": "Register"}]


async def test_timeout_message_names_the_user_and_the_refusal(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1, "Alice")
    await bot.send_message(1, "welcome")
    await alice.next_message()
    with pytest.raises(BadRequest):
        await bot.send_message(1, "x" * 5000)
    with pytest.raises(TimeoutError) as caught:  # also an AssertionError
        await alice.next_message(timeout=0.1)
    report = str(caught.value)
    assert "Alice (user 1)" in report
    assert "'welcome'" in report
    assert "sendMessage -> 400 Bad Request: message is too long" in report


# -- standalone use ------------------------------------------------------------------------


async def test_control_api_drives_the_bot(tg: FakeTelegram, bot: Bot) -> None:
    async with httpx.AsyncClient(base_url=tg.url) as client:
        sent = await client.post(
            "/_fake/users/42/send", data={"text": "/start", "first_name": "Ann"}
        )
        assert sent.json()["ok"]
        (update,) = await bot.get_updates(timeout=0)
        assert update.message is not None and update.message.text == "/start"
        await bot.send_message(42, "Q", reply_markup=keyboard(("Yes", "y")))
        pressed = await client.post("/_fake/users/42/press", json={"button": "Yes"})
        listed = await client.get("/_fake/chats/42/messages", params={"bot_only": "1"})
        missing = await client.post("/_fake/users/42/press", json={"button": "Nope"})
        overview = await client.get("/_fake/")
    assert pressed.json()["data"] == "y"
    assert listed.json()[0]["buttons"] == [[{"text": "Yes", "callback_data": "y", "url": None}]]
    assert missing.status_code == 400 and "Nope" in missing.json()["error"]
    assert overview.json()["users"] == [{"id": 42, "name": "Ann"}]


def test_runs_standalone() -> None:
    command = [sys.executable, "-m", "bot.sandbox.fake_telegram", "--port", "0"]
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True) as process:  # noqa: S603
        try:
            assert process.stdout is not None
            banner = process.stdout.readline()
            match = re.search(r"on (http://127\.0\.0\.1:\d+)", banner)
            assert match, banner
            overview = httpx.get(f"{match.group(1)}/_fake/", timeout=5)
            assert overview.json()["ok"]
        finally:
            process.terminate()


async def test_markup_edit_is_seen_by_wait_edit(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.user(1, "Alice")
    sent = await bot.send_message(1, "Q", reply_markup=keyboard(("Yes", "y")))
    as_sent = await alice.next_message()
    await bot.edit_message_reply_markup(1, sent.message_id, reply_markup=None)
    edited = await alice.wait_edit(as_sent, timeout=1)
    assert as_sent.buttons and not edited.buttons
    assert [e.method for e in edited.edits] == ["editMessageReplyMarkup"]
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_reply_markup(1, sent.message_id)
    await bot.send_chat_action(1, "typing")
    assert tg.chat_actions == [(1, "typing")]
