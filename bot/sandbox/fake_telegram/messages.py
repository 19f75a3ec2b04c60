"""The fake Bot API's methods that send, edit and delete messages, answer button presses and
serve files, with Telegram's checks and error texts."""

from __future__ import annotations

import dataclasses

from .api_core import ApiCore
from .models import CallbackAnswer, JsonDict, SentMessage, StoredFile
from .objects import photo_sizes_json
from .params import ApiError, Params, bad_request
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

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
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


class MessageMethods(ApiCore):
    """sendMessage, sendPhoto, sendDocument, the edits, deleteMessage, answerCallbackQuery,
    sendChatAction and getFile."""

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


def _with_photo(
    message: SentMessage, file_id: str, size: int, sizes: tuple[JsonDict, ...]
) -> SentMessage:
    return dataclasses.replace(
        message, photo=True, photo_file_id=file_id, photo_size=size, photo_sizes=sizes
    )
