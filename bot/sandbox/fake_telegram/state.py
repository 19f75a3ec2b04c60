"""The fake's world: people, chats, messages, files, pending updates.

Everything runs on the test's event loop, so there are no locks. Waiting is done
with a single "something changed" event that is swapped on every change: waiters
re-check their own condition, which keeps every wait (long polls, ``next_message``,
``wait_edit``) simple and free of lost wake-ups.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
from collections.abc import Callable
from typing import Any, TypeVar

from .models import (
    CallbackAnswer,
    JsonDict,
    Press,
    Revision,
    SentMessage,
    StoredFile,
    UserInfo,
)

T = TypeVar("T")


class World:
    """State shared by the Bot API handlers, the simulated users and the control API."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.users: dict[int, UserInfo] = {}
        self.blocked: set[int] = set()
        self.files: dict[str, StoredFile] = {}
        self.presses: dict[str, Press] = {}
        self.updates: list[JsonDict] = []
        self.closing = False
        self.revision = 0  # counts changes, so a watcher (the sandbox page) sees it missed none
        self._current: dict[tuple[int, int], SentMessage] = {}
        self._originals: dict[int, list[SentMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._press_ids = itertools.count(1)
        self._changed = asyncio.Event()

    # -- change notification -------------------------------------------------

    def notify(self) -> None:
        """Wake every waiter; each re-checks its own condition."""
        self.revision += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, probe: Callable[[], T | None], within: float) -> T | None:
        """Return ``probe()`` once it is not None, or None after ``within`` seconds; at once
        when the server is closing (nothing will change any more: a waiting webhook pusher
        would otherwise hold up every server's stop for its last second)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            result = probe()
            remaining = deadline - loop.time()
            if result is not None or remaining <= 0 or self.closing:
                return result
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    # -- updates ---------------------------------------------------------------

    def push_update(self, kind: str, payload: JsonDict) -> int:
        """Queue an update for getUpdates and wake pending long polls."""
        update_id = next(self._update_ids)
        self.updates.append({"update_id": update_id, kind: payload})
        self.notify()
        return update_id

    def confirm_updates(self, offset: int) -> None:
        """Forget updates the bot confirmed (ids below ``offset``; negative: keep the tail)."""
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        self.notify()

    # -- messages --------------------------------------------------------------

    def now(self) -> int:
        """Telegram dates are whole seconds."""
        return int(self.clock())

    def new_message_id(self, chat_id: int) -> int:
        """Message ids are per chat and shared by both sides, as in private chats."""
        message_id = self._next_message_id.get(chat_id, 0) + 1
        self._next_message_id[chat_id] = message_id
        return message_id

    def add_message(self, message: SentMessage) -> SentMessage:
        """Store a new message with its original revision and wake waiters."""
        first = Revision("send", message.text, message.buttons, self.clock())
        message = dataclasses.replace(message, revisions=(first,))
        self._current[(message.chat_id, message.message_id)] = message
        self._originals.setdefault(message.chat_id, []).append(message)
        self.notify()
        return message

    def edit_message(self, old: SentMessage, method: str, **changes: Any) -> SentMessage:
        """Replace a message by its edited version, appending a revision."""
        edited = dataclasses.replace(old, **changes, edit_date=self.now(), version=old.version + 1)
        revision = Revision(method, edited.text, edited.buttons, self.clock())
        edited = dataclasses.replace(edited, revisions=(*old.revisions, revision))
        self._current[(old.chat_id, old.message_id)] = edited
        self.notify()
        return edited

    def delete_message(self, old: SentMessage) -> None:
        """Mark a message deleted (kept, so tests can assert that it was deleted)."""
        gone = dataclasses.replace(old, deleted=True, version=old.version + 1)
        self._current[(old.chat_id, old.message_id)] = gone
        self.notify()

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        """The current state of a message, deleted ones included."""
        return self._current.get((chat_id, message_id))

    def originals(self, chat_id: int) -> list[SentMessage]:
        """Messages of a chat in the order they were sent, each as it was sent."""
        return list(self._originals.get(chat_id, []))

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Messages of a chat in send order, each in its current state."""
        return [self._current[(m.chat_id, m.message_id)] for m in self.originals(chat_id)]

    # -- files and presses -----------------------------------------------------

    def store_file(self, data: bytes, *, width: int, height: int) -> StoredFile:
        """Keep file bytes under a new file_id so getFile and re-sending work."""
        number = next(self._file_ids)
        stored = StoredFile(
            file_id=f"AgACAgFake{number:06d}",
            file_unique_id=f"AQADFake{number:06d}",
            data=data,
            width=width,
            height=height,
            path=f"photos/fake_file_{number}.jpg",
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        """The file served under a getFile ``file_path``."""
        return next((f for f in self.files.values() if f.path == path), None)

    def new_press(self, user_id: int, chat_id: int, message_id: int, data: str) -> Press:
        """Register a callback query so answerCallbackQuery can be matched to it."""
        query_id = str(4_000_000_000_000 + next(self._press_ids))  # numeric, like Telegram's
        press = Press(query_id, user_id, chat_id, message_id, data)
        self.presses[press.id] = press
        return press

    def answer_press(self, press: Press, answer: CallbackAnswer) -> None:
        """Record the bot's answer to a press and wake waiters."""
        press.answer = answer
        self.notify()
