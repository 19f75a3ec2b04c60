"""A Telegram Bot API stand-in: the sandbox's Telegram, and the end-to-end tests'.

Why: the bot's behaviour lives in what it sends to Telegram and in how it reacts to
Telegram's refusals (limits, 429, blocked users). Mocking PTB would test neither;
this server speaks the Bot API over HTTP, enforces Telegram's limits with Telegram's
error texts, and lets tests play several people at once.

In tests::

    async with FakeTelegram(token="123:ABC", bot_username="neurocheck_test_bot") as tg:
        app = (ApplicationBuilder().token(tg.token)
               .base_url(tg.base_url).base_file_url(tg.base_file_url).build())
        nurse = tg.user(1001, first_name="Alice")
        await nurse.send("/start")
        reply = await nurse.next_message()
        press = await nurse.press(reply, "Yes")        # label or callback_data
        edited = await nurse.wait_edit(reply)
        answer = await nurse.wait_answer(press)

Set ``NO_PROXY=127.0.0.1,localhost`` so httpx does not send local calls to a proxy.

Standalone, to drive a real ``neurocheck run`` by hand::

    python -m bot.sandbox.fake_telegram --port 8081 --token 123:ABC

then configure the bot with base URL ``http://127.0.0.1:8081/bot`` and file URL
``http://127.0.0.1:8081/file/bot``, and use the control API (JSON or form bodies;
users are created on first mention; ``wait`` = seconds to wait for the bot's next
message, whose new messages are then returned in ``new_messages``)::

    GET    /_fake/                              overview: users, pending updates, failures
    POST   /_fake/users/{id}/send               {"text": "/start", "first_name": "Alice", "wait": 2}
    POST   /_fake/users/{id}/photo              {"caption": "pupils", "wait": 2}
    POST   /_fake/users/{id}/press              {"button": "Yes"} label or callback_data, on
                                                the newest message with buttons, or with
                                                "message_id"; {"data": "raw"} forges a press
    POST   /_fake/users/{id}/block | unblock    the user blocks / unblocks the bot
    GET    /_fake/chats/{id}/messages           both sides, current state (?bot_only=1)
    GET    /_fake/calls                         request log (?method=sendMessage)
    POST   /_fake/errors                        {"method": "sendMessage", "status": 429,
                                                 "retry_after": 5, "chat_id": 1, "times": 1}
    DELETE /_fake/errors                        forget injected errors

For example::

    curl -s localhost:8081/_fake/users/42/send -d text=/start -d wait=2
    curl -s localhost:8081/_fake/users/42/press -d button=Yes -d wait=2
    curl -s localhost:8081/_fake/chats/42/messages

Webhook mode: after setWebhook (https URLs only, as on Telegram) updates are POSTed to the
URL with the X-Telegram-Bot-Api-Secret-Token header, in order, retried until the bot answers
2xx, and getUpdates answers 409. ``tg.route_webhook(public, local)`` plays the reverse proxy
that forwards Telegram's https URL to the bot's local listener.

Implemented Bot API methods: getMe, getUpdates, setWebhook, deleteWebhook, getWebhookInfo,
setMyCommands, getMyCommands, deleteMyCommands, sendMessage, sendPhoto,
editMessageText, editMessageCaption, editMessageReplyMarkup, answerCallbackQuery,
deleteMessage, sendChatAction, getFile, close, logOut. Others answer 404.
"""

from .models import (
    Button,
    Call,
    CallbackAnswer,
    FailedCall,
    InjectedError,
    Press,
    RateViolation,
    Revision,
    SentMessage,
    WaitTimeoutError,
)
from .ratelimit import RateRules
from .server import FakeTelegram
from .users import SimUser

__all__ = [
    "Button",
    "Call",
    "CallbackAnswer",
    "FailedCall",
    "FakeTelegram",
    "InjectedError",
    "Press",
    "RateRules",
    "RateViolation",
    "Revision",
    "SentMessage",
    "SimUser",
    "WaitTimeoutError",
]
