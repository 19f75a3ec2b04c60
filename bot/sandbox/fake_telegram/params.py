"""Reading Bot API parameters the way Telegram does.

Telegram accepts a query string, an urlencoded form, multipart (when files are
uploaded) and a JSON body. In forms every value is text and nested values
(reply_markup, allowed_updates, commands) are JSON text; in a JSON body they are
real JSON values. ``Params`` hides that difference from the method handlers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

JsonDict = dict[str, Any]

_INT_FIELDS = frozenset(
    {"chat_id", "message_id", "offset", "limit", "cache_time", "reply_to_message_id"}
)
_BOOL_FIELDS = frozenset(
    {"protect_content", "disable_notification", "show_alert", "drop_pending_updates"}
)
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "commands",
        "scope",
        "reply_parameters",
        "link_preview_options",
        "entities",
        "caption_entities",
    }
)


class ApiError(Exception):
    """A Telegram-shaped error answer; handlers raise it, the server serialises it."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JsonDict:
        """The JSON body Telegram would send for this error."""
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """A 400 with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {detail}")


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    data: bytes
    content_type: str


class Params:
    """Typed access to request parameters whatever their encoding."""

    def __init__(
        self, values: Mapping[str, Any], files: Mapping[str, Upload] | None = None
    ) -> None:
        self._values = dict(values)
        self._files = dict(files or {})

    def has(self, name: str) -> bool:
        """Whether the parameter was sent at all (as a value or as a file)."""
        return name in self._values or name in self._files

    def get_str(self, name: str) -> str | None:
        """The parameter as text; numbers sent in a JSON body are converted."""
        value = self._values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def get_int(self, name: str) -> int | None:
        """The parameter as an integer; a 400 if it is not one."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            raise bad_request(f'field "{name}" must be of type Integer')
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Integer') from None

    def get_float(self, name: str) -> float | None:
        """The parameter as a number (timeouts may arrive as ``"1.5"``)."""
        value = self._values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Number') from None

    def get_bool(self, name: str) -> bool:
        """The parameter as a boolean; absent means False, like Telegram."""
        value = self._values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1"}
        return bool(value)

    def get_json(self, name: str) -> Any:
        """The parameter decoded from JSON text (or as-is from a JSON body).

        Raises ValueError on malformed JSON so each caller can use the error text
        Telegram uses for that parameter.
        """
        value = self._values.get(name)
        if isinstance(value, str):
            return json.loads(value) if value.strip() else None
        return value

    def get_upload(self, name: str) -> Upload | None:
        """The file sent for ``name``: a part of that name, or ``attach://<part>``."""
        if name in self._files:
            return self._files[name]
        value = self._values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            return self._files.get(value.removeprefix("attach://"))
        return None

    def snapshot(self) -> JsonDict:
        """Decoded parameters for ``tg.calls``: ints, bools and JSON fields decoded."""
        out: JsonDict = {}
        for name, value in self._values.items():
            out[name] = _decode_for_log(name, value)
        for name, upload in self._files.items():
            out[name] = {"filename": upload.filename, "size": len(upload.data)}
        return out


def _decode_for_log(name: str, value: Any) -> Any:
    """Best-effort typing of a form value by its well-known parameter name."""
    if not isinstance(value, str):
        return value
    try:
        if name in _INT_FIELDS:
            return int(value)
        if name == "timeout":
            return float(value)
        if name in _JSON_FIELDS:
            return json.loads(value)
    except ValueError:
        return value
    if name in _BOOL_FIELDS:
        return value.strip().lower() in {"true", "1"}
    return value


async def read_params(request: web.Request) -> Params:
    """Parse query string plus body (JSON, urlencoded or multipart) into ``Params``."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, Upload] = {}
    if request.content_type == "application/json" and request.can_read_body:
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON encoded request body") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON encoded request body")
        values.update(body)
    elif request.content_type in {"multipart/form-data", "application/x-www-form-urlencoded"}:
        form = await request.post()
        for name, item in form.items():
            if isinstance(item, web.FileField):
                files[name] = Upload(item.filename, item.file.read(), item.content_type)
            else:
                values[name] = item
    return Params(values, files)
