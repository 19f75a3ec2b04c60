"""Plain records the fake server keeps, and hands to tests for assertions.

Messages are immutable snapshots: an edit replaces the stored object instead of
mutating it, so a test holding an older snapshot can still tell what changed since
(``wait_edit`` relies on that) and nothing shifts under an assertion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

JsonDict = dict[str, Any]
Rows = tuple[tuple["Button", ...], ...]


class WaitTimeoutError(AssertionError, TimeoutError):
    """A simulated user waited in vain; both an assertion failure and a timeout."""


@dataclass(frozen=True)
class Button:
    """One inline keyboard button as the bot sent it."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Revision:
    """The content of a message at one point in time (the original, or after an edit)."""

    method: str
    text: str | None
    buttons: Rows
    at: float


@dataclass(frozen=True)
class SentMessage:
    """A message in a private chat, either sent by the bot or by a simulated user.

    ``text`` is what the person sees (formatting tags removed, HTML entities decoded)
    and holds the caption for photos, so assertions need not care which it was;
    ``raw_text`` is exactly what the bot sent.
    ``reply_markup`` is the raw JSON the bot sent; it is echoed back to PTB, which
    bots read in callback handlers (``query.message.reply_markup``).
    """

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    text: str | None
    raw_text: str | None = None
    buttons: Rows = ()
    keyboard: tuple[tuple[str, ...], ...] = ()
    reply_markup: JsonDict | None = None
    parse_mode: str | None = None
    protect_content: bool = False
    disable_notification: bool = False
    photo: bool = False
    photo_size: int | None = None
    photo_file_id: str | None = None
    photo_sizes: tuple[JsonDict, ...] = ()
    document_file_id: str | None = None  # a document (sendDocument); its bytes are in files
    document_name: str | None = None
    entities: tuple[JsonDict, ...] = ()
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    version: int = 0
    revisions: tuple[Revision, ...] = ()

    @property
    def caption(self) -> str | None:
        """The caption of a photo message; ``None`` for text messages."""
        return self.text if self.photo else None

    @property
    def edits(self) -> tuple[Revision, ...]:
        """Every state after an edit, oldest first (the original is ``revisions[0]``)."""
        return self.revisions[1:]

    def button_texts(self) -> list[list[str]]:
        """The inline keyboard as rows of labels, handy for equality assertions."""
        return [[button.text for button in row] for row in self.buttons]

    def callback_data(self) -> list[str]:
        """Every callback_data on the inline keyboard, row by row."""
        return [b.callback_data for row in self.buttons for b in row if b.callback_data]

    def find_button(self, text_or_data: str) -> Button | None:
        """The button whose callback_data, else whose label, equals ``text_or_data``.

        Raises AssertionError when a label matches several buttons, because pressing
        "one of them" would make a test pass by luck.
        """
        flat = [button for row in self.buttons for button in row]
        by_data = [b for b in flat if b.callback_data == text_or_data]
        if by_data:
            return by_data[0]
        by_text = [b for b in flat if b.text == text_or_data]
        if len(by_text) > 1:
            raise AssertionError(f"several buttons are labelled {text_or_data!r}: {by_text}")
        return by_text[0] if by_text else None

    def describe(self) -> str:
        """One line for diagnostics: id, flags, text and keyboard."""
        flags = "".join(
            tag for tag, on in (("[photo]", self.photo), ("[deleted]", self.deleted)) if on
        )
        shown = (self.text or "")[:120].replace("\n", "\\n")
        keys = f" buttons={self.button_texts()}" if self.buttons else ""
        who = "bot" if self.from_bot else "user"
        return f"#{self.message_id} {who}{flags}: {shown!r}{keys}"


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered to a button press (answerCallbackQuery)."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass
class Press:
    """A button press (callback query) made by a simulated user; ``answer`` fills in later."""

    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answer: CallbackAnswer | None = None


@dataclass(frozen=True)
class StoredFile:
    """A file known to the fake (uploaded by the bot or sent by a user)."""

    file_id: str
    file_unique_id: str
    data: bytes
    width: int
    height: int
    path: str


class Call(NamedTuple):
    """One Bot API request as received: ``for method, params in tg.calls``."""

    method: str
    params: JsonDict


@dataclass(frozen=True)
class FailedCall:
    """A request the fake refused, kept so timeouts can explain what went wrong."""

    method: str
    params: JsonDict
    status: int
    description: str


@dataclass
class InjectedError:
    """An error to answer instead of running ``method`` (``"*"`` matches every method).

    ``remaining`` is decremented on each hit; ``None`` means until ``clear_errors()``.
    """

    method: str
    status: int
    description: str
    retry_after: int | None = None
    chat_id: int | None = None
    remaining: int | None = 1
    hits: int = 0

    def matches(self, method: str, chat_id: int | None) -> bool:
        """Whether a call to ``method`` for ``chat_id`` should get this error now."""
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.method != "*" and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or self.chat_id == chat_id


@dataclass(frozen=True)
class RateViolation:
    """A send that broke one of the rate rules (whether or not it was refused)."""

    method: str
    chat_id: int
    rule: str
    retry_after: int
    at: float


@dataclass
class UserInfo:
    """A simulated Telegram account; its private chat with the bot has the same id."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "en"
    last_name: str | None = None


@dataclass(frozen=True)
class Webhook:
    """What setWebhook asked for: where to push updates, and the secret header to send."""

    url: str
    secret_token: str | None
