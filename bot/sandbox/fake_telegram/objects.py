"""JSON for Bot API objects, with the fields PTB needs to de-json them.

PTB refuses objects without their required fields (User.is_bot, Chat.type,
Message.date and chat, CallbackQuery.chat_instance), so every builder here emits
at least those; optional fields are only set when they carry information.
"""

from __future__ import annotations

import re

from .models import JsonDict, SentMessage, StoredFile, UserInfo

_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{1,64})?(?=\s|$)")


def user_json(user: UserInfo) -> JsonDict:
    """A human Telegram User."""
    out: JsonDict = {"id": user.id, "is_bot": False, "first_name": user.first_name}
    for name in ("last_name", "username", "language_code"):
        value = getattr(user, name)
        if value:
            out[name] = value
    return out


def bot_json(bot_id: int, first_name: str, username: str) -> JsonDict:
    """The bot's own User, as getMe returns it."""
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": first_name,
        "username": username,
        "can_join_groups": False,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat_json(user: UserInfo) -> JsonDict:
    """The private chat between the bot and ``user`` (same id as the user)."""
    out: JsonDict = {"id": user.id, "type": "private", "first_name": user.first_name}
    if user.username:
        out["username"] = user.username
    return out


def message_json(message: SentMessage, *, sender: JsonDict, chat: JsonDict) -> JsonDict:
    """A Message in its current state."""
    out: JsonDict = {
        "message_id": message.message_id,
        "date": message.date,
        "chat": chat,
        "from": sender,
    }
    if message.photo:
        out["photo"] = list(message.photo_sizes)
        if message.text is not None:
            out["caption"] = message.text
    elif message.document_file_id is not None:
        out["document"] = {
            "file_id": message.document_file_id,
            "file_unique_id": message.document_file_id + "u",
            "file_name": message.document_name,
        }
        if message.text is not None:
            out["caption"] = message.text
    elif message.text is not None:
        out["text"] = message.text
    if message.entities:
        out["entities"] = list(message.entities)
    if message.reply_markup and message.buttons:
        out["reply_markup"] = message.reply_markup
    if message.protect_content:
        out["has_protected_content"] = True
    if message.edit_date is not None:
        out["edit_date"] = message.edit_date
    return out


def inaccessible_message_json(chat: JsonDict, message_id: int) -> JsonDict:
    """What a callback query carries when its message is gone (``date`` 0)."""
    return {"chat": chat, "message_id": message_id, "date": 0}


def photo_sizes_json(stored: StoredFile) -> tuple[JsonDict, ...]:
    """A thumbnail and the full size, like Telegram's ``photo`` array (largest last)."""
    scale = max(stored.width, stored.height) / 90 or 1
    thumb = {
        "file_id": f"{stored.file_id}_thumb",
        "file_unique_id": f"{stored.file_unique_id}_t",
        "width": max(1, round(stored.width / scale)),
        "height": max(1, round(stored.height / scale)),
        "file_size": min(len(stored.data), 1500),
    }
    full = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": stored.width,
        "height": stored.height,
        "file_size": len(stored.data),
    }
    return (thumb, full)


def command_entities(text: str) -> tuple[JsonDict, ...]:
    """A ``bot_command`` entity when ``text`` starts with a command (``/start@bot`` too)."""
    match = _COMMAND.match(text)
    if match is None:
        return ()
    length = len(match.group(0).encode("utf-16-le")) // 2
    return ({"type": "bot_command", "offset": 0, "length": length},)
