"""The Bot API methods the bot uses, with Telegram's checks and error texts.

Each handler takes ``Params`` and returns the ``result`` value, or raises
``ApiError``. ``BotApi.call`` adds what applies to every method: the request log,
injected errors and the error bookkeeping used in test diagnostics.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from .models import (
    Call,
    CallbackAnswer,
    FailedCall,
    InjectedError,
    JsonDict,
    RateViolation,
    SentMessage,
    StoredFile,
    UserInfo,
    Webhook,
)
from .objects import chat_json, message_json, photo_sizes_json, user_json
from .params import ApiError, Params, bad_request
from .ratelimit import RateTracker
from .state import World
from .validation import (
    MAX_CALLBACK_ANSWER,
    Markup,
    Text,
    check_caption,
    check_text,
    parse_mode_of,
    parse_reply_markup,
    same_markup,
)

Handler = Callable[[Params], Awaitable[Any]]

BLOCKED = "Forbidden: bot was blocked by the user"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
UPDATE_KINDS = ("message", "edited_message", "callback_query")


class BotApi:
    """Bot API semantics over a ``World``; no HTTP here."""

    def __init__(
        self,
        world: World,
        *,
        bot_user: JsonDict,
        rates: RateTracker,
        enforce_rate_limits: bool,
    ) -> None:
        self.world = world
        self.bot_user = bot_user
        self.rates = rates
        self.enforce_rate_limits = enforce_rate_limits
        self.calls: list[Call] = []
        self.failures: list[FailedCall] = []
        self.injected: list[InjectedError] = []
        self.violations: list[RateViolation] = []
        self.count_429 = 0
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self._allowed_updates: list[str] = []
        self._poll_generation = 0
        self.webhook: Webhook | None = None
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

    # -- shared helpers ----------------------------------------------------------

    def _chat(self, params: Params) -> UserInfo:
        """The private chat addressed by ``chat_id`` (an id or ``@username``)."""
        raw = params.get_str("chat_id")
        if not raw:
            raise bad_request("chat_id is empty")
        user = self._find_chat(raw)
        if user is None:
            raise bad_request("chat not found")
        if user.id in self.world.blocked:
            raise ApiError(403, BLOCKED)
        return user

    def _find_chat(self, raw: str) -> UserInfo | None:
        if raw.startswith("@"):
            name = raw[1:].lower()
            return next(
                (u for u in self.world.users.values() if (u.username or "").lower() == name),
                None,
            )
        try:
            return self.world.users.get(int(raw))
        except ValueError:
            return None

    def _admit_send(self, method: str, chat_id: int) -> None:
        """Apply the rate rules to a send: record it, or refuse it with a 429."""
        broken = self.rates.check(chat_id)
        if broken is not None:
            rule, retry_after = broken
            self.violations.append(
                RateViolation(method, chat_id, rule, retry_after, self.rates.now())
            )
            if self.enforce_rate_limits:
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
                )
        self.rates.record(chat_id)

    def message_json(self, message: SentMessage) -> JsonDict:
        """A stored message as the Bot API returns it."""
        user = self.world.users[message.chat_id]
        sender = self.bot_user if message.from_bot else user_json(user)
        return message_json(message, sender=sender, chat=chat_json(user))

    def _reply_to(self, params: Params, chat_id: int) -> int | None:
        """The replied-to message id (``reply_parameters`` or the legacy parameter)."""
        try:
            reply = params.get_json("reply_parameters")
        except ValueError:
            raise bad_request("can't parse reply parameters JSON object") from None
        message_id = reply.get("message_id") if isinstance(reply, dict) else None
        message_id = message_id or params.get_int("reply_to_message_id")
        if message_id is None:
            return None
        target = self.world.message(chat_id, int(message_id))
        allowed = isinstance(reply, dict) and reply.get("allow_sending_without_reply")
        if (target is None or target.deleted) and not allowed:
            raise bad_request("message to be replied not found")
        return int(message_id)

    def _message_to_edit(self, params: Params) -> SentMessage:
        if params.has("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(params)
        message_id = params.get_int("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message = self.world.message(chat.id, message_id)
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

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
        return True

    async def get_my_commands(self, params: Params) -> list[JsonDict]:
        """The list stored for the scope and language."""
        return self.commands.get(self._commands_key(params), [])

    async def delete_my_commands(self, params: Params) -> bool:
        """Forget the list for the scope and language."""
        self.commands.pop(self._commands_key(params), None)
        return True

    # -- sending -------------------------------------------------------------------

    async def send_message(self, params: Params) -> JsonDict:
        """Deliver a text message to a simulated user's chat."""
        chat = self._chat(params)
        parse_mode = parse_mode_of(params)
        text = check_text(params.get_str("text"), parse_mode)
        markup = parse_reply_markup(params, inline_only=False)
        reply_to = self._reply_to(params, chat.id)
        self._admit_send("sendMessage", chat.id)
        message = self._new_bot_message(params, chat.id, text, parse_mode, markup, reply_to)
        return self.message_json(self.world.add_message(message))

    async def send_photo(self, params: Params) -> JsonDict:
        """Deliver a photo (upload, known file_id, or URL) with an optional caption."""
        chat = self._chat(params)
        parse_mode = parse_mode_of(params)
        caption = check_caption(params.get_str("caption"), parse_mode)
        markup = parse_reply_markup(params, inline_only=False)
        reply_to = self._reply_to(params, chat.id)
        stored = self._photo_from(params)
        self._admit_send("sendPhoto", chat.id)
        message = self._new_bot_message(params, chat.id, caption, parse_mode, markup, reply_to)
        message = _with_photo(message, stored.file_id, len(stored.data), photo_sizes_json(stored))
        return self.message_json(self.world.add_message(message))

    async def send_document(self, params: Params) -> JsonDict:
        """Deliver an uploaded file with an optional caption (uploads only: all a bot needs
        to send a file it made)."""
        chat = self._chat(params)
        parse_mode = parse_mode_of(params)
        caption = check_caption(params.get_str("caption"), parse_mode)
        markup = parse_reply_markup(params, inline_only=False)
        reply_to = self._reply_to(params, chat.id)
        upload = params.get_upload("document")
        if upload is None or not upload.data:
            raise bad_request("there is no document in the request")
        if len(upload.data) > MAX_DOCUMENT_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        stored = self.world.store_file(upload.data, width=0, height=0)
        self._admit_send("sendDocument", chat.id)
        message = self._new_bot_message(params, chat.id, caption, parse_mode, markup, reply_to)
        message = dataclasses.replace(
            message, document_file_id=stored.file_id, document_name=upload.filename
        )
        return self.message_json(self.world.add_message(message))

    def _photo_from(self, params: Params) -> StoredFile:
        upload = params.get_upload("photo")
        if upload is not None:
            if not upload.data:
                raise bad_request("file must be non-empty")
            if len(upload.data) > MAX_PHOTO_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            return self.world.store_file(upload.data, width=800, height=600)
        reference = params.get_str("photo")
        if not reference:
            raise bad_request("there is no photo in the request")
        if reference.startswith(("http://", "https://")):
            return self.world.store_file(b"", width=800, height=600)
        known = self.world.files.get(reference)
        if known is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return known

    def _new_bot_message(
        self,
        params: Params,
        chat_id: int,
        text: Text,
        parse_mode: str | None,
        markup: Markup,
        reply_to: int | None,
    ) -> SentMessage:
        return SentMessage(
            message_id=self.world.new_message_id(chat_id),
            chat_id=chat_id,
            from_bot=True,
            date=self.world.now(),
            text=text.shown,
            raw_text=text.raw,
            buttons=markup.buttons,
            keyboard=markup.keyboard,
            reply_markup=markup.raw,
            parse_mode=parse_mode,
            protect_content=params.get_bool("protect_content"),
            disable_notification=params.get_bool("disable_notification"),
            reply_to_message_id=reply_to,
        )

    async def send_chat_action(self, params: Params) -> bool:
        """Record "typing…" and friends."""
        chat = self._chat(params)
        action = params.get_str("action") or ""
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((chat.id, action))
        return True

    # -- editing and deleting -------------------------------------------------------

    async def edit_message_text(self, params: Params) -> JsonDict:
        """Change a bot message's text; omitting reply_markup removes its keyboard."""
        message = self._message_to_edit(params)
        if message.photo:
            raise bad_request("there is no text in the message to edit")
        parse_mode = parse_mode_of(params)
        text = check_text(params.get_str("text"), parse_mode)
        markup = parse_reply_markup(params, inline_only=True)
        if _same_content(message, text, parse_mode, markup):
            raise bad_request(NOT_MODIFIED)
        edited = self.world.edit_message(
            message,
            "editMessageText",
            text=text.shown,
            raw_text=text.raw,
            parse_mode=parse_mode,
            buttons=markup.buttons,
            reply_markup=markup.raw,
        )
        return self.message_json(edited)

    async def edit_message_caption(self, params: Params) -> JsonDict:
        """Change a photo's caption; omitting reply_markup removes its keyboard."""
        message = self._message_to_edit(params)
        parse_mode = parse_mode_of(params)
        caption = check_caption(params.get_str("caption"), parse_mode)
        markup = parse_reply_markup(params, inline_only=True)
        if _same_content(message, caption, parse_mode, markup):
            raise bad_request(NOT_MODIFIED)
        edited = self.world.edit_message(
            message,
            "editMessageCaption",
            text=caption.shown,
            raw_text=caption.raw,
            parse_mode=parse_mode,
            buttons=markup.buttons,
            reply_markup=markup.raw,
        )
        return self.message_json(edited)

    async def edit_message_reply_markup(self, params: Params) -> JsonDict:
        """Replace (or, when omitted, remove) a message's inline keyboard."""
        message = self._message_to_edit(params)
        markup = parse_reply_markup(params, inline_only=True)
        if same_markup(markup.raw, message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        edited = self.world.edit_message(
            message, "editMessageReplyMarkup", buttons=markup.buttons, reply_markup=markup.raw
        )
        return self.message_json(edited)

    async def delete_message(self, params: Params) -> bool:
        """Delete a message of either side (a bot may delete user messages in private)."""
        chat = self._chat(params)
        message_id = params.get_int("message_id")
        message = self.world.message(chat.id, message_id) if message_id else None
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        self.world.delete_message(message)
        return True

    # -- callbacks and files ------------------------------------------------------------

    async def answer_callback_query(self, params: Params) -> bool:
        """Answer a press once; unknown or repeated ids get Telegram's "too old" error."""
        press = self.world.presses.get(params.get_str("callback_query_id") or "")
        if press is None or press.answer is not None:
            raise bad_request(QUERY_INVALID)
        text = params.get_str("text")
        if text is not None and len(text) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        answer = CallbackAnswer(
            query_id=press.id,
            text=text,
            show_alert=params.get_bool("show_alert"),
            url=params.get_str("url"),
            cache_time=params.get_int("cache_time") or 0,
        )
        self.world.answer_press(press, answer)
        return True

    async def get_file(self, params: Params) -> JsonDict:
        """Describe a stored file; the bytes are served under ``base_file_url``."""
        file_id = params.get_str("file_id") or ""
        stored = self.world.files.get(file_id) or self.world.files.get(
            file_id.removesuffix("_thumb")
        )
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.path,
        }


def _same_content(message: SentMessage, text: Text, parse_mode: str | None, markup: Markup) -> bool:
    """Whether an edit would leave the message exactly as it is."""
    return (
        text.raw == message.raw_text
        and parse_mode == message.parse_mode
        and same_markup(markup.raw, message.reply_markup)
    )


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


def _with_photo(
    message: SentMessage, file_id: str, size: int, sizes: tuple[JsonDict, ...]
) -> SentMessage:
    return dataclasses.replace(
        message, photo=True, photo_file_id=file_id, photo_size=size, photo_sizes=sizes
    )
