"""The sandbox's page: three phones in a browser, one local port, no build step.

One static file (static/index.html, shipped as package data) and a small JSON API on aiohttp:
the page follows server-sent events, each a snapshot of the three chats as Telegram shows
them (messages in their current, edited state), and posts what the person types or taps,
which the Bot API stand-in turns into that person's update. Why snapshots rather than
deltas: three short chats are small, and a page that reconnects can never miss a change.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

from aiohttp import web

from bot.sandbox.fake_telegram import SentMessage, SimUser, WaitTimeoutError
from bot.sandbox.fake_telegram.state import World
from bot.sandbox.runtime import CLOCK_STEPS, Sandbox
from bot.sandbox.seed import PHONES, STAFF, WARD_CODE, Person

JsonDict = dict[str, Any]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HEARTBEAT_SECONDS = 15.0
ANSWER_WAIT_SECONDS = 3.0
SANDBOX = web.AppKey("sandbox", Sandbox)


def make_app(sandbox: Sandbox) -> web.Application:
    """The page and its API for one running sandbox."""
    app = web.Application()
    app[SANDBOX] = sandbox
    app.router.add_get("/", _index)
    app.router.add_get("/api/state", _state)
    app.router.add_get("/api/events", _events)
    app.router.add_get("/api/files/{file_id}", _file)
    app.router.add_post("/api/people/{person}/send", _refusing(_send))
    app.router.add_post("/api/people/{person}/press", _refusing(_press))
    app.router.add_post("/api/clock", _refusing(_clock))
    return app


async def serve(sandbox: Sandbox, port: int) -> web.AppRunner:
    """Listen on 127.0.0.1 only: the sandbox is for the person at this computer."""
    # handler_cancellation: an open event stream must not hold the shutdown up.
    runner = web.AppRunner(
        make_app(sandbox), access_log=None, handler_cancellation=True, shutdown_timeout=1.0
    )
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


def bound_port(runner: web.AppRunner) -> int:
    """The port actually listened on (``--port 0`` picks a free one)."""
    return int(runner.addresses[0][1])


# -- reading ---------------------------------------------------------------------------------


def snapshot(sandbox: Sandbox) -> JsonDict:
    """Everything the page shows: the clock, the three chats and each person's menu."""
    now = sandbox.clock().astimezone(sandbox.settings.zone)
    return {
        "revision": sandbox.telegram.world.revision,
        "now": now.strftime("%a %d %b %Y, %H:%M"),
        "zone": str(sandbox.settings.zone),
        "ahead_minutes": int(sandbox.clock.offset.total_seconds() // 60),
        "ward": WARD_CODE,
        "phones": [
            {"key": phone, "people": [_person(p, sandbox) for p in STAFF if p.phone == phone]}
            for phone in PHONES
        ],
    }


def _person(person: Person, sandbox: Sandbox) -> JsonDict:
    return {
        "key": person.key,
        "name": person.name,
        "title": person.title,
        "commands": sandbox.telegram.menu_for(person.telegram_id),
        "messages": [_message(m, sandbox) for m in sandbox.telegram.messages(person.telegram_id)],
    }


def _message(message: SentMessage, sandbox: Sandbox) -> JsonDict:
    at = message.edit_date or message.date
    local = _local_time(at, sandbox)
    return {
        "id": message.message_id,
        "from_bot": message.from_bot,
        "text": message.text or "",
        "photo": f"/api/files/{message.photo_file_id}" if message.photo_file_id else None,
        "buttons": [
            [{"text": b.text, "data": b.callback_data} for b in row if b.callback_data]
            for row in message.buttons
        ],
        "edited": bool(message.edits),
        "version": message.version,
        "deleted": message.deleted,
        "time": local,
    }


def _local_time(unix: int, sandbox: Sandbox) -> str:
    return dt.datetime.fromtimestamp(unix, sandbox.settings.zone).strftime("%H:%M")


async def _index(request: web.Request) -> web.Response:
    page = resources.files("bot.sandbox").joinpath("static/index.html").read_text("utf-8")
    return web.Response(text=page, content_type="text/html")


async def _state(request: web.Request) -> web.Response:
    return web.json_response(snapshot(request.app[SANDBOX]))


async def _events(request: web.Request) -> web.StreamResponse:
    """A snapshot now and after every change; a comment line now and then keeps it open."""
    sandbox = request.app[SANDBOX]
    world = sandbox.telegram.world
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    seen = -1
    with contextlib.suppress(ConnectionResetError, asyncio.CancelledError):
        while True:
            if world.revision != seen:
                seen = world.revision
                body = json.dumps(snapshot(sandbox))
                await response.write(f"data: {body}\n\n".encode())
            elif not await _changed(world, seen):
                await response.write(b": still here\n\n")
    return response


async def _changed(world: World, seen: int) -> bool:
    """Wait for a change of the stand-in's world; False after a quiet heartbeat period."""
    result = await world.wait_for(
        lambda: True if world.revision != seen else None, HEARTBEAT_SECONDS
    )
    return result is not None


async def _file(request: web.Request) -> web.Response:
    """A photo the bot sent (the charts are PNG) or a user sent."""
    stored = request.app[SANDBOX].telegram.world.files.get(request.match_info["file_id"])
    if stored is None:
        raise web.HTTPNotFound(text="no such file")
    kind = "image/png" if stored.data.startswith(b"\x89PNG") else "image/jpeg"
    return web.Response(body=stored.data, content_type=kind)


# -- acting -----------------------------------------------------------------------------------


class RefusedError(ValueError):
    """Something the page asked for that a person on a phone could not do."""


def _refusing(handler: Handler) -> Handler:
    """A refusal is one JSON line with status 400, which the page shows; never a traceback."""

    async def run(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except (RefusedError, AssertionError) as error:
            return web.json_response({"ok": False, "error": str(error)}, status=400)

    return run


async def _body(request: web.Request) -> JsonDict:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise RefusedError("the request body is not JSON") from error
    if not isinstance(body, dict):
        raise RefusedError("the request body must be a JSON object")
    return body


def _person_of(request: web.Request) -> SimUser:
    key = request.match_info["person"]
    try:
        return request.app[SANDBOX].person(key)
    except KeyError as error:
        raise RefusedError(f"there is nobody called {key!r} in the sandbox") from error


async def _send(request: web.Request) -> web.Response:
    """``{"text": "/check Bed 1 MK"}``: the person types and sends."""
    user, body = _person_of(request), await _body(request)
    text = str(body.get("text") or "").strip()
    if not text:
        raise RefusedError("type a message or a command first")
    if len(text) > 4096:
        raise RefusedError("a Telegram message is at most 4096 characters")
    sent = await user.send(text)
    return web.json_response({"ok": True, "message_id": sent.message_id})


async def _press(request: web.Request) -> web.Response:
    """``{"message_id": 5, "data": "..."}``: the person taps a button they can see."""
    user, body = _person_of(request), await _body(request)
    message_id, data = body.get("message_id"), body.get("data")
    if not isinstance(message_id, int) or not isinstance(data, str):
        raise RefusedError("a press names the message_id and the button's data")
    press = await user.press(message_id, data)
    try:  # the bot's answer is what Telegram shows as a toast
        answer = await user.wait_answer(press, ANSWER_WAIT_SECONDS)
    except WaitTimeoutError:
        return web.json_response({"ok": True, "answer": None})
    return web.json_response({"ok": True, "answer": answer.text})


async def _clock(request: web.Request) -> web.Response:
    """``{"step": "15m" | "1h" | "next"}``: move the sandbox's clock, then run a pass."""
    step = str((await _body(request)).get("step"))
    if step not in (*CLOCK_STEPS, "next"):
        raise RefusedError(f"unknown clock step {step!r}: 15m, 1h or next")
    moved = await request.app[SANDBOX].move_clock(step)
    return web.json_response(
        {"ok": True, "jumped_minutes": int(moved.jumped.total_seconds() // 60)}
    )
