"""The Bot API methods the bot uses, with Telegram's checks and error texts.

Each handler takes ``Params`` and returns the ``result`` value, or raises
``ApiError``. ``BotApi.call`` adds what applies to every method: the request log,
injected errors and the error bookkeeping used in test diagnostics. The updates, the
webhook and the command lists are here; sending and editing messages in ``messages.py``,
the state and checks they share in ``api_core.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from .messages import MessageMethods
from .models import Call, FailedCall, JsonDict, Webhook
from .params import ApiError, Params, bad_request
from .ratelimit import RateTracker
from .state import World

Handler = Callable[[Params], Awaitable[Any]]

CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
UPDATE_KINDS = ("message", "edited_message", "callback_query")


class BotApi(MessageMethods):
    """Bot API semantics over a ``World``; no HTTP here."""

    def __init__(
        self,
        world: World,
        *,
        bot_user: JsonDict,
        rates: RateTracker,
        enforce_rate_limits: bool,
    ) -> None:
        super().__init__(
            world, bot_user=bot_user, rates=rates, enforce_rate_limits=enforce_rate_limits
        )
        self._handlers: dict[str, Handler] = {
            name.lower(): handler for name, handler in self._method_table().items()
        }

    def _method_table(self) -> dict[str, Handler]:
        return {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "answerCallbackQuery": self.answer_callback_query,
            "deleteMessage": self.delete_message,
            "sendChatAction": self.send_chat_action,
            "getFile": self.get_file,
            "close": self.always_true,
            "logOut": self.always_true,
        }

    # -- dispatch --------------------------------------------------------------

    async def call(self, method: str, params: Params) -> tuple[int, JsonDict]:
        """Run one method; returns the HTTP status and the JSON body to send."""
        self.calls.append(Call(method, params.snapshot()))
        try:
            handler = self._handlers.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found")
            self._raise_injected(method, params)
            result = await handler(params)
        except ApiError as error:
            self._note_failure(method, params, error)
            return error.status, error.payload()
        return 200, {"ok": True, "result": result}

    def _note_failure(self, method: str, params: Params, error: ApiError) -> None:
        if error.status == 429:
            self.count_429 += 1
        self.failures.append(FailedCall(method, params.snapshot(), error.status, error.description))
        self.world.notify()

    def _raise_injected(self, method: str, params: Params) -> None:
        """Answer with the first matching injected error instead of running the method."""
        chat_id = self._chat_id_for_matching(method, params)
        for injected in self.injected:
            if injected.matches(method, chat_id):
                injected.hits += 1
                if injected.remaining is not None:
                    injected.remaining -= 1
                raise ApiError(
                    injected.status, injected.description, retry_after=injected.retry_after
                )

    def _chat_id_for_matching(self, method: str, params: Params) -> int | None:
        if method.lower() == "answercallbackquery":
            press = self.world.presses.get(params.get_str("callback_query_id") or "")
            return press.chat_id if press else None
        try:
            return params.get_int("chat_id")
        except ApiError:
            return None

    # -- updates and bot setup ---------------------------------------------------

    async def get_me(self, params: Params) -> JsonDict:
        """The bot's own account."""
        return self.bot_user

    async def always_true(self, params: Params) -> bool:
        """close/logOut: nothing to do in a fake."""
        return True

    async def get_updates(self, params: Params) -> list[JsonDict]:
        """Long polling: confirm by offset, then answer at once or when an update arrives.

        A newer getUpdates ends an older pending one with 409, as on Telegram; a
        stopping server answers pending polls with an empty list so that PTB's
        shutdown never hangs.
        """
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        offset = params.get_int("offset")
        if offset:
            self.world.confirm_updates(offset)
        limit = min(max(params.get_int("limit") or 100, 1), 100)
        timeout = max(params.get_float("timeout") or 0.0, 0.0)
        allowed = self._read_allowed_updates(params)
        self._poll_generation += 1
        generation = self._poll_generation
        self.world.notify()  # wakes an older poll so that it ends with 409

        def probe() -> list[JsonDict] | None:
            if self._poll_generation != generation:
                raise ApiError(409, CONFLICT)
            if self.world.closing:
                return []
            ready = [u for u in self.world.updates if _kind(u) in allowed][:limit]
            return ready or None

        return await self.world.wait_for(probe, timeout) or []

    def _read_allowed_updates(self, params: Params) -> set[str]:
        """allowed_updates persists between calls, as on Telegram; empty means all."""
        try:
            value = params.get_json("allowed_updates")
        except ValueError:
            raise bad_request("can't parse allowed updates") from None
        if isinstance(value, list):
            self._allowed_updates = [str(kind) for kind in value]
        return set(self._allowed_updates or UPDATE_KINDS)

    async def set_webhook(self, params: Params) -> bool:
        """Updates are then pushed to the URL (see ``webhook.py``), and getUpdates refused."""
        url = params.get_str("url") or ""
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get_str("secret_token")
        if secret is not None and not WEBHOOK_SECRET.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        if params.get_bool("drop_pending_updates"):
            self.world.updates.clear()
        self._read_allowed_updates(params)
        self.webhook = Webhook(url, secret)
        self.world.notify()
        return True

    async def delete_webhook(self, params: Params) -> bool:
        """Back to getUpdates; honours drop_pending_updates."""
        self.webhook = None
        if params.get_bool("drop_pending_updates"):
            self.world.updates.clear()
        return True

    async def get_webhook_info(self, params: Params) -> JsonDict:
        """The webhook URL, empty in polling mode."""
        return {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.world.updates),
        }

    def updates_for_webhook(self) -> list[JsonDict]:
        """Updates waiting for a push, of the kinds the bot asked for."""
        allowed = set(self._allowed_updates or UPDATE_KINDS)
        return [u for u in self.world.updates if _kind(u) in allowed]

    def _commands_key(self, params: Params) -> tuple[str, str]:
        try:
            scope = params.get_json("scope") or {"type": "default"}
        except ValueError:
            raise bad_request("can't parse BotCommandScope JSON object") from None
        return json.dumps(scope, sort_keys=True), params.get_str("language_code") or ""

    async def set_my_commands(self, params: Params) -> bool:
        """Store the command list for a scope and language, checking Telegram's rules."""
        try:
            commands = params.get_json("commands")
        except ValueError:
            raise bad_request("can't parse commands JSON object") from None
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for item in commands:
            _check_command(item)
        self.commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        self.world.notify()  # a chat's menu changed: the sandbox page shows it at once
        return True

    async def get_my_commands(self, params: Params) -> list[JsonDict]:
        """The list stored for the scope and language."""
        return self.commands.get(self._commands_key(params), [])

    async def delete_my_commands(self, params: Params) -> bool:
        """Forget the list for the scope and language."""
        self.commands.pop(self._commands_key(params), None)
        self.world.notify()
        return True


def _kind(update: JsonDict) -> str:
    return next(key for key in update if key != "update_id")


def _check_command(item: Any) -> None:
    """BotCommand rules: 1-32 of [a-z0-9_], description 1-256 characters."""
    if not isinstance(item, dict):
        raise bad_request("can't parse commands JSON object")
    command, description = item.get("command"), item.get("description")
    if not isinstance(command, str) or not _valid_command(command):
        raise bad_request("BOT_COMMAND_INVALID")
    if not isinstance(description, str) or not description.strip():
        raise bad_request("command description is empty")
    if len(description) > 256:
        raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")


def _valid_command(command: str) -> bool:
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789_")
    return 1 <= len(command) <= 32 and set(command) <= allowed
