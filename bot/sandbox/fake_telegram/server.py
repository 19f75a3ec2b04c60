"""``FakeTelegram``: the aiohttp server and the facade tests talk to."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .control import add_control_routes
from .methods import BotApi
from .models import (
    Call,
    FailedCall,
    InjectedError,
    JsonDict,
    RateViolation,
    SentMessage,
    UserInfo,
    WaitTimeoutError,
)
from .objects import bot_json
from .params import ApiError, read_params
from .ratelimit import RateRules, RateTracker
from .state import World
from .users import SimUser
from .webhook import Delivery, WebhookPusher

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_MAX_UPLOAD = 60 * 1024 * 1024


class FakeTelegram:
    """A Telegram Bot API server on 127.0.0.1 for end-to-end tests.

    Use as ``async with FakeTelegram() as tg:`` and point PTB at ``tg.base_url``
    and ``tg.base_file_url``. See the package docstring for the full picture.
    """

    def __init__(
        self,
        token: str = "123:ABC",  # noqa: S107 - the fake's well-known test token
        bot_username: str = "neurocheck_test_bot",
        *,
        bot_first_name: str = "Neurocheck (test)",
        host: str = "127.0.0.1",
        port: int = 0,
        enforce_rate_limits: bool = False,
        rate_rules: RateRules | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.host = host
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self.world = World(clock)
        prefix = token.split(":", 1)[0]
        bot_id = int(prefix) if prefix.isdigit() else 1  # Telegram tokens start with the bot id
        self._slow: list[list[Any]] = []  # [method, seconds, remaining]: see answer_late
        self.api = BotApi(
            self.world,
            bot_user=bot_json(bot_id, bot_first_name, bot_username),
            rates=RateTracker(rate_rules or RateRules(), time.monotonic),
            enforce_rate_limits=enforce_rate_limits,
        )
        self._users: dict[int, SimUser] = {}
        self._pusher = WebhookPusher(self.api)

    # -- lifecycle -------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Listen on ``host`` (a free port unless one was given)."""
        self.world.closing = False
        app = web.Application(client_max_size=_MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        add_control_routes(app, self)
        # handler_cancellation: a long poll whose client went away must not linger.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._requested_port)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        self._pusher.start()

    async def stop(self) -> None:
        """Answer pending long polls with ``[]``, then close the server."""
        self.world.closing = True
        self.world.notify()
        await self._pusher.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- addresses ---------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The TCP port the server listens on (after ``start``)."""
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._port

    @property
    def url(self) -> str:
        """Root URL of the server, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url()``: PTB appends token and method."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url()``."""
        return f"{self.url}/file/bot"

    # -- HTTP handlers -----------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json(ApiError(401, "Unauthorized").payload(), 401)
        try:
            params = await read_params(request)
        except ApiError as error:
            return _json(error.payload(), error.status)
        method = request.match_info["method"]
        status, body = await self.api.call(method, params)
        await self._answer_late(method)
        return _json(body, status)

    async def _answer_late(self, method: str) -> None:
        for slow in self._slow:
            if slow[0] in ("*", method.lower()) and slow[2] > 0:
                slow[2] -= 1
                await asyncio.sleep(slow[1])
                return

    async def _handle_file(self, request: web.Request) -> web.Response:
        stored = self.world.file_by_path(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=stored.data, content_type="image/jpeg")

    # -- webhook ----------------------------------------------------------------------------

    def route_webhook(self, public_prefix: str, local_prefix: str) -> None:
        """Play the reverse proxy: pushes to ``public_prefix...`` go to ``local_prefix...``."""
        self._pusher.routes[public_prefix] = local_prefix

    @property
    def webhook_deliveries(self) -> list[Delivery]:
        """Every push of an update to the webhook, with the bot's answer."""
        return list(self._pusher.deliveries)

    # -- people -----------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str = "User",
        username: str | None = None,
        *,
        language_code: str | None = "en",
    ) -> SimUser:
        """The simulated person ``user_id`` (created on first use, then the same object)."""
        if user_id not in self._users:
            info = UserInfo(user_id, first_name, username, language_code)
            self.world.users[user_id] = info
            self._users[user_id] = SimUser(self.api, info)
        return self._users[user_id]

    @property
    def users(self) -> list[SimUser]:
        """Every simulated person, in creation order."""
        return list(self._users.values())

    def block(self, user_id: int) -> None:
        """The user blocks the bot: every call for their chat answers 403."""
        self.world.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot."""
        self.world.blocked.discard(user_id)

    # -- error injection ------------------------------------------------------------------

    def inject_error(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int | None = 1,
    ) -> InjectedError:
        """Answer the next ``times`` calls of ``method`` (``"*"``: any) with an error.

        ``times=None`` keeps answering until ``clear_errors()``. A 429 gets
        Telegram's "Too Many Requests: retry after N" text and retry_after parameter.
        """
        if status == 429:
            retry_after = retry_after if retry_after is not None else 1
            description = description or f"Too Many Requests: retry after {retry_after}"
        text = description or _DEFAULT_DESCRIPTIONS.get(status, "Internal Server Error")
        injected = InjectedError(method, status, text, retry_after, chat_id, times)
        self.api.injected.append(injected)
        return injected

    def answer_late(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Carry out the next ``times`` calls of ``method`` at once but answer them only after
        ``seconds``: Telegram accepted the message and the answer is slow (a client that gives
        up before then does not know that the message went out)."""
        self._slow.append([method.lower(), seconds, times])

    def clear_errors(self) -> None:
        """Forget every injected error, used or not."""
        self.api.injected.clear()

    # -- assertions helpers ----------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every Bot API request, in order, as ``(method, decoded params)``."""
        return list(self.api.calls)

    def calls_to(self, method: str) -> list[JsonDict]:
        """The params of every call to ``method`` (case-insensitive)."""
        return [c.params for c in self.api.calls if c.method.lower() == method.lower()]

    @property
    def failures(self) -> list[FailedCall]:
        """Every request answered with an error (injected or genuine)."""
        return list(self.api.failures)

    @property
    def commands(self) -> list[JsonDict]:
        """The command list set for the default scope and no language."""
        return self.commands_for()

    def commands_for(
        self, scope: JsonDict | None = None, language_code: str = ""
    ) -> list[JsonDict]:
        """The command list set for a scope (BotCommandScope JSON) and language."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        return list(self.api.commands.get(key, []))

    def menu_for(self, user_id: int) -> list[JsonDict]:
        """The command menu a person's private chat shows, chosen as Telegram chooses it:
        the most specific scope that has a list (this chat, all private chats, the default),
        in the person's app language first and then for every language."""
        info = self.world.users.get(user_id)
        tag = (info.language_code if info else None) or ""
        language = tag.replace("_", "-").split("-")[0].lower()  # "zh-hans": the "zh" menu
        scopes = ({"type": "chat", "chat_id": user_id}, {"type": "all_private_chats"}, None)
        for scope in scopes:
            for code in (language, "") if language else ("",):
                found = self.commands_for(scope, code)
                if found:
                    return found
        return []

    @property
    def chat_actions(self) -> list[tuple[int, str]]:
        """Every sendChatAction as ``(chat_id, action)``."""
        return list(self.api.chat_actions)

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Every message in a chat (both sides), in send order, current state."""
        return self.world.messages(chat_id)

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        """One message's current state."""
        return self.world.message(chat_id, message_id)

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot (via getUpdates offset)."""
        return len(self.world.updates)

    async def wait_updates_confirmed(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has fetched and confirmed every injected update."""
        if await self.world.wait_for(lambda: True if not self.world.updates else None, timeout):
            return
        raise WaitTimeoutError(
            f"{self.pending_updates} updates still unconfirmed after {timeout} s"
        )

    # -- rate limits -------------------------------------------------------------------------

    def rate_violations(self) -> int:
        """How many sends broke the rate rules (refused or not)."""
        return len(self.api.violations)

    @property
    def violations(self) -> list[RateViolation]:
        """Details of each rate violation."""
        return list(self.api.violations)

    @property
    def count_429(self) -> int:
        """How many requests were answered 429 (rate rules and injected errors)."""
        return self.api.count_429

    def send_timestamps(self, chat_id: int | None = None) -> list[float]:
        """Monotonic times of every accepted send, overall or to one chat."""
        return self.api.rates.timestamps(chat_id)


def _json(body: JsonDict, status: int) -> web.Response:
    return web.json_response(body, status=status)
