"""The ``/_fake/`` control API, for driving a real bot process by hand with curl.

Bodies may be JSON or form fields (``curl -d text=/start``). Every answer is JSON;
a refused action answers 400 with ``{"ok": false, "error": "..."}``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .models import JsonDict, SentMessage
from .params import ApiError, Params, read_params

if TYPE_CHECKING:
    from .server import FakeTelegram
    from .users import SimUser

Route = Callable[[web.Request], Awaitable[web.Response]]


def add_control_routes(app: web.Application, tg: FakeTelegram) -> None:
    """Register the control endpoints on the fake's aiohttp application."""
    control = _Control(tg)
    routes: list[tuple[str, str, Route]] = [
        ("GET", "/_fake/", control.overview),
        ("POST", "/_fake/users/{user_id}/send", control.send),
        ("POST", "/_fake/users/{user_id}/photo", control.photo),
        ("POST", "/_fake/users/{user_id}/press", control.press),
        ("POST", "/_fake/users/{user_id}/block", control.block),
        ("POST", "/_fake/users/{user_id}/unblock", control.unblock),
        ("GET", "/_fake/chats/{chat_id}/messages", control.messages),
        ("GET", "/_fake/calls", control.calls),
        ("POST", "/_fake/errors", control.inject_error),
        ("DELETE", "/_fake/errors", control.clear_errors),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, path, _guarded(handler))


def _guarded(handler: Route) -> Route:
    """Turn a refused action into a JSON 400 instead of an aiohttp 500 page."""

    async def run(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except (AssertionError, ApiError, KeyError, ValueError) as error:
            return web.json_response({"ok": False, "error": str(error)}, status=400)

    return run


def message_summary(message: SentMessage) -> JsonDict:
    """A message as shown by the control API."""
    return {
        "message_id": message.message_id,
        "from_bot": message.from_bot,
        "text": message.text,
        "buttons": [[asdict(b) for b in row] for row in message.buttons],
        "keyboard": [list(row) for row in message.keyboard],
        "photo": message.photo,
        "photo_size": message.photo_size,
        "parse_mode": message.parse_mode,
        "protect_content": message.protect_content,
        "deleted": message.deleted,
        "edits": len(message.edits),
        "date": message.date,
    }


class _Control:
    """Handlers for ``/_fake/``; users are created on first mention."""

    def __init__(self, tg: FakeTelegram) -> None:
        self.tg = tg

    async def _user(self, request: web.Request) -> tuple[SimUser, Params]:
        params = await read_params(request)
        user_id = int(request.match_info["user_id"])
        first_name = params.get_str("first_name") or f"User{user_id}"
        user = self.tg.user(user_id, first_name, params.get_str("username"))
        return user, params

    async def _reply(self, user: SimUser, params: Params, done: JsonDict) -> web.Response:
        """Optionally wait ``wait`` seconds for the bot's next message, then report."""
        wait = params.get_float("wait") or 0.0
        new = [message_summary(m) for m in await user.wait_unread(wait)] if wait > 0 else []
        return web.json_response({"ok": True, **done, "new_messages": new})

    async def overview(self, request: web.Request) -> web.Response:
        """Server state at a glance."""
        tg = self.tg
        users = [{"id": u.id, "name": u.info.first_name} for u in tg.users]
        body = {
            "ok": True,
            "base_url": tg.base_url,
            "users": users,
            "blocked": sorted(tg.world.blocked),
            "pending_updates": tg.pending_updates,
            "calls": len(tg.api.calls),
            "recent_failures": [asdict(f) for f in tg.failures[-10:]],
            "rate_violations": tg.rate_violations(),
            "commands": tg.commands,
        }
        return web.json_response(body)

    async def send(self, request: web.Request) -> web.Response:
        """``{"text": "/start abc", "wait": 2}``: the user sends a text or command."""
        user, params = await self._user(request)
        text = params.get_str("text")
        if not text:
            raise ValueError("text is required")
        message = await user.send(text)
        return await self._reply(user, params, {"message_id": message.message_id})

    async def photo(self, request: web.Request) -> web.Response:
        """``{"caption": "rash"}``: the user sends a (fake) photo."""
        user, params = await self._user(request)
        message = await user.send_photo(caption=params.get_str("caption"))
        return await self._reply(user, params, {"message_id": message.message_id})

    async def press(self, request: web.Request) -> web.Response:
        """``{"button": "Yes"}`` (label or data) or ``{"data": "raw", "message_id": 5}``."""
        user, params = await self._user(request)
        message_id = params.get_int("message_id") or _last_with_buttons(user)
        raw = params.get_str("data")
        if raw is not None:
            press = await user.press_data(message_id, raw)
        else:
            press = await user.press(message_id, params.get_str("button") or "")
        done: JsonDict = {"callback_query_id": press.id, "data": press.data}
        return await self._reply(user, params, done)

    async def block(self, request: web.Request) -> web.Response:
        """The user blocks the bot."""
        self.tg.block(int(request.match_info["user_id"]))
        return web.json_response({"ok": True})

    async def unblock(self, request: web.Request) -> web.Response:
        """The user unblocks the bot."""
        self.tg.unblock(int(request.match_info["user_id"]))
        return web.json_response({"ok": True})

    async def messages(self, request: web.Request) -> web.Response:
        """Every message of a chat, both sides, current state (``?bot_only=1``)."""
        chat_id = int(request.match_info["chat_id"])
        listed = self.tg.messages(chat_id)
        if request.query.get("bot_only") in {"1", "true"}:
            listed = [m for m in listed if m.from_bot]
        return web.json_response([message_summary(m) for m in listed])

    async def calls(self, request: web.Request) -> web.Response:
        """The request log, optionally ``?method=sendMessage``."""
        wanted = request.query.get("method", "").lower()
        listed: list[Any] = [
            {"method": c.method, "params": c.params}
            for c in self.tg.calls
            if not wanted or c.method.lower() == wanted
        ]
        return web.json_response(listed)

    async def inject_error(self, request: web.Request) -> web.Response:
        """``{"method": "sendMessage", "status": 429, "retry_after": 3, "times": 1}``."""
        params = await read_params(request)
        status = params.get_int("status")
        if status is None:
            raise ValueError("status is required")
        injected = self.tg.inject_error(
            params.get_str("method") or "*",
            status=status,
            description=params.get_str("description"),
            retry_after=params.get_int("retry_after"),
            chat_id=params.get_int("chat_id"),
            times=params.get_int("times") or 1,
        )
        return web.json_response({"ok": True, "injected": asdict(injected)})

    async def clear_errors(self, request: web.Request) -> web.Response:
        """Forget every injected error."""
        self.tg.clear_errors()
        return web.json_response({"ok": True})


def _last_with_buttons(user: SimUser) -> int:
    """The newest live bot message with an inline keyboard, the usual press target."""
    for message in reversed(user.messages):
        if message.buttons and not message.deleted:
            return message.message_id
    raise AssertionError(f"{user.name} has no message with buttons")
