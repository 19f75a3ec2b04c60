"""The state and the checks shared by the fake Bot API's methods: which chat a request
addresses, the rate rules of a send, replies and the message an edit targets."""

from __future__ import annotations

from .models import (
    Call,
    FailedCall,
    InjectedError,
    JsonDict,
    RateViolation,
    SentMessage,
    UserInfo,
    Webhook,
)
from .objects import chat_json, message_json, user_json
from .params import ApiError, Params, bad_request
from .ratelimit import RateTracker
from .state import World

BLOCKED = "Forbidden: bot was blocked by the user"


class ApiCore:
    """What every method reads and writes: the world, the bot's account, the rate rules and
    the bookkeeping that tests read (calls, failures, injected errors, violations)."""

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
