"""Concurrent update handling: one person's slow request never delays another's tap.

PTB handles updates one at a time by default, so a physician's /duty waited behind a nurse's
/history chart. With this processor updates of different chats run at once (up to a bound),
while one chat's updates still run in the order they came: two quick taps on a check are
applied, and their edits drawn, in order, so the message never ends on an older state. The
database is the arbiter between chats: each press is one transaction that locks the rows it
changes (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE) and checks versions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, Final

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT: Final = 32  # about the worker threads' count: more would only queue there


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_of(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._users[key] -= 1
            if not self._users[key]:  # nobody else of this chat waiting: forget its lock
                del self._users[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up: locks are made per chat as updates come."""

    async def shutdown(self) -> None:
        """Nothing to release: the application waits for running updates itself."""


def _chat_of(update: object) -> int:
    """The chat (else the person) an update belongs to; 0 for anything else, in one line."""
    if isinstance(update, Update):
        if update.effective_chat is not None:
            return update.effective_chat.id
        if update.effective_user is not None:
            return update.effective_user.id
    return 0
