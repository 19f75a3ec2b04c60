"""Simulated people talking to the bot.

A ``SimUser`` produces the updates a real Telegram client would (messages,
commands, photos, button presses) and reads what the bot sent to its private chat.
Its waits fail with AssertionErrors that say who waited, for what, what arrived
instead and which Bot API calls for that chat were refused, because "timed out"
alone says nothing about why an end-to-end test failed.
"""

from __future__ import annotations

import asyncio

from .methods import BotApi
from .models import (
    CallbackAnswer,
    FailedCall,
    JsonDict,
    Press,
    SentMessage,
    StoredFile,
    UserInfo,
    WaitTimeoutError,
)
from .objects import (
    chat_json,
    command_entities,
    inaccessible_message_json,
    photo_sizes_json,
    user_json,
)

# A minimal JPEG header, enough for code that only stores or forwards the bytes.
FAKE_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


class SimUser:
    """One person with a private chat with the bot (chat id == user id)."""

    def __init__(self, api: BotApi, info: UserInfo) -> None:
        self._api = api
        self._world = api.world
        self.info = info
        self._seen = 0

    # -- identity ----------------------------------------------------------------

    @property
    def id(self) -> int:
        """The Telegram user id, also the id of their private chat with the bot."""
        return self.info.id

    @property
    def chat_id(self) -> int:
        """Same as ``id``: private chats share the user's id."""
        return self.info.id

    @property
    def name(self) -> str:
        """For diagnostics: first name and id."""
        return f"{self.info.first_name} (user {self.info.id})"

    # -- acting ------------------------------------------------------------------------

    async def send(self, text: str) -> SentMessage:
        """Send a text; ``/command args`` gets a bot_command entity, as from a client."""
        message = self._user_message(text=text, entities=command_entities(text))
        self._world.push_update("message", self._api.message_json(message))
        await asyncio.sleep(0)
        return message

    async def send_photo(
        self,
        data: bytes = FAKE_JPEG,
        *,
        caption: str | None = None,
        width: int = 1280,
        height: int = 960,
    ) -> SentMessage:
        """Send a photo; its bytes become downloadable through getFile."""
        stored = self._world.store_file(data, width=width, height=height)
        message = self._user_message(text=caption, photo=stored)
        self._world.push_update("message", self._api.message_json(message))
        await asyncio.sleep(0)
        return message

    def _user_message(
        self,
        *,
        text: str | None,
        entities: tuple[JsonDict, ...] = (),
        photo: StoredFile | None = None,
    ) -> SentMessage:
        message = SentMessage(
            message_id=self._world.new_message_id(self.chat_id),
            chat_id=self.chat_id,
            from_bot=False,
            date=self._world.now(),
            text=text,
            raw_text=text,
            entities=entities,
            photo=photo is not None,
            photo_file_id=photo.file_id if photo else None,
            photo_size=len(photo.data) if photo else None,
            photo_sizes=photo_sizes_json(photo) if photo else (),
        )
        return self._world.add_message(message)

    async def press(self, message: SentMessage | int, button: str) -> Press:
        """Press a button by callback_data or label on the message's CURRENT keyboard.

        Fails with the list of available buttons when there is no such button, so a
        test cannot press something a real person could not see.
        """
        current = self.current(message)
        if current.deleted:
            raise AssertionError(f"{self.name} cannot press {button!r}: message was deleted")
        found = current.find_button(button)
        if found is None or found.callback_data is None:
            raise AssertionError(
                f"{self.name}: no callback button {button!r} on message "
                f"#{current.message_id}; buttons are "
                f"{[[(b.text, b.callback_data) for b in row] for row in current.buttons]}"
            )
        return await self.press_data(current.message_id, found.callback_data)

    async def press_data(self, message: SentMessage | int, data: str) -> Press:
        """Send a callback query with arbitrary data (stale or forged buttons)."""
        message_id = message if isinstance(message, int) else message.message_id
        press = self._world.new_press(self.id, self.chat_id, message_id, data)
        current = self._world.message(self.chat_id, message_id)
        if current is None or current.deleted:
            shown = inaccessible_message_json(chat_json(self.info), message_id)
        else:
            shown = self._api.message_json(current)
        query = {
            "id": press.id,
            "from": user_json(self.info),
            "chat_instance": f"fake-{self.chat_id}",
            "message": shown,
            "data": data,
        }
        self._world.push_update("callback_query", query)
        await asyncio.sleep(0)
        return press

    # -- observing -------------------------------------------------------------------------

    @property
    def messages(self) -> list[SentMessage]:
        """Every bot message in this chat, in send order, each in its current state."""
        return [m for m in self._world.messages(self.chat_id) if m.from_bot]

    @property
    def history(self) -> list[SentMessage]:
        """Both sides of the conversation, in order, current state."""
        return self._world.messages(self.chat_id)

    def current(self, message: SentMessage | int) -> SentMessage:
        """The current state of a message of this chat."""
        message_id = message if isinstance(message, int) else message.message_id
        found = self._world.message(self.chat_id, message_id)
        if found is None:
            raise AssertionError(f"{self.name} has no message #{message_id}")
        return found

    def unread(self) -> list[SentMessage]:
        """Bot messages not yet returned by ``next_message``, as sent; marks them read."""
        fresh = self._bot_originals()[self._seen :]
        self._seen += len(fresh)
        return fresh

    async def wait_unread(self, timeout: float = 5.0) -> list[SentMessage]:  # noqa: ASYNC109
        """Wait up to ``timeout`` for at least one unread message, then ``unread()``."""
        await self._world.wait_for(
            lambda: True if len(self._bot_originals()) > self._seen else None, timeout
        )
        return self.unread()

    def _bot_originals(self) -> list[SentMessage]:
        return [m for m in self._world.originals(self.chat_id) if m.from_bot]

    async def next_message(self, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        """The next new bot message to this chat, as it was sent (edits come later)."""

        def probe() -> SentMessage | None:
            originals = self._bot_originals()
            return originals[self._seen] if len(originals) > self._seen else None

        found = await self._world.wait_for(probe, timeout)
        if found is None:
            raise WaitTimeoutError(self._explain(f"no new message within {timeout} s"))
        self._seen += 1
        return found

    async def assert_no_message(self, within: float = 0.3) -> None:
        """Fail if the bot sends this chat a new message within ``within`` seconds."""
        try:
            extra = await self.next_message(timeout=within)
        except WaitTimeoutError:
            return
        raise AssertionError(f"{self.name} unexpectedly received {extra.describe()}")

    async def wait_edit(self, message: SentMessage, timeout: float = 5.0) -> SentMessage:  # noqa: ASYNC109
        """Wait until ``message`` is edited beyond the given snapshot; returns the new state."""

        def probe() -> SentMessage | None:
            now = self._world.message(self.chat_id, message.message_id)
            if now is None or len(now.revisions) > len(message.revisions) or now.deleted:
                return now
            return None

        edited = await self._world.wait_for(probe, timeout)
        if edited is None:
            raise WaitTimeoutError(
                self._explain(f"message #{message.message_id} was not edited within {timeout} s")
            )
        if len(edited.revisions) == len(message.revisions):
            raise AssertionError(
                self._explain(f"message #{message.message_id} was deleted, not edited")
            )
        return edited

    async def wait_deleted(self, message: SentMessage, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot deletes ``message``."""

        def probe() -> bool | None:
            now = self._world.message(self.chat_id, message.message_id)
            return True if now is not None and now.deleted else None

        if await self._world.wait_for(probe, timeout) is None:
            raise WaitTimeoutError(
                self._explain(f"message #{message.message_id} not deleted within {timeout} s")
            )

    async def wait_answer(self, press: Press, timeout: float = 5.0) -> CallbackAnswer:  # noqa: ASYNC109
        """Wait until the bot answers ``press`` (answerCallbackQuery)."""
        answer = await self._world.wait_for(lambda: press.answer, timeout)
        if answer is None:
            raise WaitTimeoutError(
                self._explain(f"press {press.data!r} not answered within {timeout} s")
            )
        return answer

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        """The bot's answers to this user's presses, in press order."""
        presses = [p for p in self._world.presses.values() if p.user_id == self.id]
        return [p.answer for p in presses if p.answer is not None]

    @property
    def last_callback_answer(self) -> CallbackAnswer | None:
        """The answer to the most recent answered press, if any."""
        answers = self.callback_answers
        return answers[-1] if answers else None

    # -- diagnostics --------------------------------------------------------------------------

    def _failures(self) -> list[FailedCall]:
        return [f for f in self._api.failures if f.params.get("chat_id") in (self.id, str(self.id))]

    def _explain(self, problem: str) -> str:
        """A failure message with what this person did receive and what was refused."""
        received = [m.describe() for m in self.messages[-8:]] or ["(nothing)"]
        lines = [f"{self.name}: {problem}.", "Received (last 8, current state):"]
        lines += [f"  {line}" for line in received]
        failures = self._failures()[-5:]
        if failures:
            lines.append("Bot API calls refused for this chat:")
            lines += [f"  {f.method} -> {f.status} {f.description}" for f in failures]
        if self.id in self._world.blocked:
            lines.append("This user has blocked the bot (tg.block).")
        return "\n".join(lines)
