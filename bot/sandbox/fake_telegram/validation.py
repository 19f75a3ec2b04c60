"""Telegram's content rules, so tests fail where production would.

Texts are measured after formatting is parsed, as Telegram does: a 4000-character
HTML message with tags is fine, a 4097-character plain one is not. The HTML and
MarkdownV2 checks are deliberately partial: they catch the classic mistakes
(unescaped ``<`` from user input, ``<br>``, unclosed tags, a bare ``.`` or ``-`` in
MarkdownV2) without trying to be a full parser.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

from .models import Button, JsonDict, Rows
from .params import ApiError, Params, bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER = 200

_HTML_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
        "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip
_MDV2_NEVER_MARKUP = frozenset(".!-=+#{}")
_PARSE_MODES = {"html": "HTML", "markdown": "Markdown", "markdownv2": "MarkdownV2"}
_BAD_MARKUP = "can't parse reply keyboard markup JSON object"
_BUTTON_ACTIONS = (
    "callback_data", "url", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
    "copy_text", "callback_game", "pay",
)  # fmt: skip


def parse_mode_of(params: Params) -> str | None:
    """The canonical parse_mode, or None; an unknown one is refused like Telegram does."""
    raw = params.get_str("parse_mode")
    if not raw:
        return None
    mode = _PARSE_MODES.get(raw.lower())
    if mode is None:
        raise bad_request("unsupported parse_mode")
    return mode


@dataclass(frozen=True)
class Text:
    """A text or caption as the bot sent it (``raw``) and as the user sees it (``shown``)."""

    raw: str | None
    shown: str | None


def check_text(text: str | None, parse_mode: str | None) -> Text:
    """Validate a message text (1-4096 characters after formatting is parsed)."""
    shown = visible_text(text, parse_mode) if text is not None else ""
    if not shown.strip():
        raise bad_request("message text is empty")
    if len(shown) > MAX_TEXT:
        raise bad_request("message is too long")
    return Text(text, shown)


def check_caption(caption: str | None, parse_mode: str | None) -> Text:
    """Validate an optional photo caption (0-1024 characters after parsing)."""
    if caption is None:
        return Text(None, None)
    shown = visible_text(caption, parse_mode)
    if len(shown) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return Text(caption, shown)


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text a user would see, after the formatting markup is removed."""
    if parse_mode == "HTML":
        return _strip_html(text)
    if parse_mode == "MarkdownV2":
        return _strip_markdown_v2(text)
    return text


def _entities_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _strip_html(text: str) -> str:
    """Remove supported tags, checking nesting; unsupported tags are a 400."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while (start := text.find("<", pos)) >= 0:
        out.append(text[pos:start])
        end = text.find(">", start)
        if end < 0:
            raise _entities_error(f"Unclosed start tag at byte offset {_byte_offset(text, start)}")
        _apply_tag(text[start + 1 : end], stack, _byte_offset(text, start))
        pos = end + 1
    out.append(text[pos:])
    if stack:
        raise _entities_error(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return html.unescape("".join(out))


def _apply_tag(body: str, stack: list[str], offset: int) -> None:
    """Push or pop one tag on the nesting stack."""
    if body.startswith("/"):
        name = body[1:].strip().lower()
        if not stack or (name and name != stack[-1]):
            expected = f'expected "</{stack[-1]}>", ' if stack else ""
            raise _entities_error(
                f'Unmatched end tag at byte offset {offset}, {expected}found "</{name}>"'
            )
        stack.pop()
        return
    name = body.split(maxsplit=1)[0].lower() if body.strip() else ""
    if name not in _HTML_TAGS:
        raise _entities_error(f'Unsupported start tag "{name}" at byte offset {offset}')
    stack.append(name)


def _strip_markdown_v2(text: str) -> str:
    """Drop escapes and markup characters; a reserved character left bare is a 400."""
    out: list[str] = []
    in_code = False
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
            continue
        if char == "]" and text.startswith("(", index + 1) and not in_code:
            index = _skip_link_target(text, index + 2)
            continue
        if char == "`":
            in_code = not in_code
        elif in_code:
            out.append(char)
        elif char in _MDV2_NEVER_MARKUP and not (char == "!" and text.startswith("[", index + 1)):
            raise _entities_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        elif char not in "*_~|[]()>":
            out.append(char)
        index += 1
    return "".join(out)


def _skip_link_target(text: str, index: int) -> int:
    """Index after the ``)`` closing a link target; only ``)`` and ``\\`` are escaped there."""
    while index < len(text) and text[index] != ")":
        index += 2 if text[index] == "\\" else 1
    return index + 1


@dataclass(frozen=True)
class Markup:
    """A parsed reply_markup: inline buttons, or a reply keyboard, or nothing."""

    raw: JsonDict | None = None
    buttons: Rows = ()
    keyboard: tuple[tuple[str, ...], ...] = ()


def parse_reply_markup(params: Params, *, inline_only: bool) -> Markup:
    """Read and validate ``reply_markup`` with Telegram's error texts."""
    try:
        raw = params.get_json("reply_markup")
    except ValueError:
        raise bad_request(_BAD_MARKUP) from None
    if raw is None:
        return Markup()
    if not isinstance(raw, dict):
        raise bad_request(_BAD_MARKUP)
    if "inline_keyboard" in raw:
        buttons = _inline_rows(raw["inline_keyboard"])
        return Markup(raw=raw, buttons=buttons) if buttons else Markup()
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in raw:
        return Markup(raw=raw, keyboard=_keyboard_rows(raw["keyboard"]))
    if raw.get("remove_keyboard") is True or raw.get("force_reply") is True:
        return Markup(raw=raw)
    raise bad_request(_BAD_MARKUP)


def _rows(value: Any) -> list[list[Any]]:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        raise bad_request(_BAD_MARKUP)
    return value


def _inline_rows(value: Any) -> Rows:
    return tuple(tuple(_inline_button(item) for item in row) for row in _rows(value))


def _keyboard_rows(value: Any) -> tuple[tuple[str, ...], ...]:
    rows = []
    for row in _rows(value):
        labels = [item if isinstance(item, str) else _field(item, "text") for item in row]
        rows.append(tuple(labels))
    return tuple(rows)


def _field(item: Any, name: str) -> str:
    if not isinstance(item, dict):
        raise bad_request(_BAD_MARKUP)
    value = item.get(name)
    if not isinstance(value, str):
        raise bad_request(
            f'can\'t parse inline keyboard button: Field "{name}" must be of type String'
        )
    return value


def _inline_button(item: Any) -> Button:
    """Validate one inline button: a non-empty text and exactly one action."""
    text = _field(item, "text")
    if not text.strip():
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    actions = [name for name in _BUTTON_ACTIONS if name in item]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = _field(item, "callback_data") if "callback_data" in item else None
    if data is not None and not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
        raise bad_request("BUTTON_DATA_INVALID")
    url = _field(item, "url") if "url" in item else None
    if url is not None and not re.match(r"^(https?|tg)://\S+$", url):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return Button(text=text, callback_data=data, url=url)


def same_markup(left: JsonDict | None, right: JsonDict | None) -> bool:
    """Whether two reply_markup values are equal (used for "message is not modified")."""
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)
