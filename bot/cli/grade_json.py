"""Reading the grading command's JSON: typed fields, each refused with ONE line that names
its JSON path and the allowed values (see ``bot.cli.grade`` for the contract)."""

from __future__ import annotations

import datetime
import enum
import json
import math
import re
from collections.abc import Sequence
from typing import Final, NoReturn, TypeVar

_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN_KEY: Final = re.compile(r"[A-Za-z0-9_]{1,40}")
_MAX_SHOWN_VALUE: Final = 40

E = TypeVar("E", bound=enum.StrEnum)


def quoted(values: Sequence[str]) -> str:
    return ", ".join(f'"{value}"' for value in values)


def values(kind: type[enum.StrEnum]) -> str:
    return quoted([member.value for member in kind])


class InputError(Exception):
    """Invalid input: `field` is the JSON path of the offending value ("" for the whole input)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


def fail(field: str, message: str) -> NoReturn:
    raise InputError(field, message)


def key_name(key: str) -> str:
    """The key as written, or JSON-quoted when odd (a newline must not split the error line)."""
    return key if _PLAIN_KEY.fullmatch(key) else json.dumps(key)


def key_path(prefix: str, key: str) -> str:
    return f"{prefix}.{key_name(key)}" if prefix else key_name(key)


def shown(value: object) -> str:
    """A short, single-line, ASCII rendering of a bad value for the error message."""
    text = json.dumps(value)
    return text if len(text) <= _MAX_SHOWN_VALUE else text[: _MAX_SHOWN_VALUE - 3] + "..."


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


# --- reading JSON -----------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            fail("", f"duplicate key {json.dumps(key)} in an object")
        result[key] = value
    return result


def _no_constants(name: str) -> NoReturn:
    fail("", f"{name} is not allowed; numbers must be finite")


def load(text: str) -> object:
    if not text.strip():
        fail("", "empty; expected one JSON object or an array of objects")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as error:
        fail("", f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
    except RecursionError:
        fail("", "not valid JSON: nested too deeply")


# --- typed field readers ----------------------------------------------------------------


def read_object(value: object, field: str, allowed: Sequence[str]) -> dict[str, object]:
    if not isinstance(value, dict):
        fail(field, f"expected an object, got {json_type(value)} {shown(value)}")
    for key in value:
        if key not in allowed:
            fail(key_path(field, key), f"unknown key; allowed keys: {quoted(allowed)}")
    return value


def read_enum(value: object, field: str, kind: type[E]) -> E:
    if isinstance(value, str):
        try:
            return kind(value)
        except ValueError:
            pass
    fail(field, f"got {shown(value)}; allowed values: {values(kind)}")


def read_list(value: object, field: str, what: str) -> list[object]:
    if not isinstance(value, list):
        fail(field, f"expected a list of {what}, got {json_type(value)} {shown(value)}")
    return value


def read_enum_set(value: object, field: str, kind: type[E]) -> frozenset[E]:
    items = read_list(value, field, f"zero or more of {values(kind)}")
    return frozenset(read_enum(item, f"{field}[{index}]", kind) for index, item in enumerate(items))


def read_enum_list(value: object, field: str, kind: type[E], count: int) -> tuple[E, ...]:
    what = f"exactly {count} values, each one of {values(kind)}"
    items = read_list(value, field, what)
    if len(items) != count:
        noun = "item" if len(items) == 1 else "items"
        fail(field, f"got {len(items)} {noun}; expected a list of {what}")
    return tuple(read_enum(item, f"{field}[{index}]", kind) for index, item in enumerate(items))


def read_date(value: object, field: str) -> datetime.date:
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    fail(field, f"got {shown(value)}; expected a date written YYYY-MM-DD")


def read_integer(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        fail(field, f"got {shown(value)}; expected an integer {low}-{high}")
    return value


def read_number(value: object, field: str, low: float, high: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        fail(field, f"got {shown(value)}; expected a number {low:g}-{high:g}")
    return float(value)


def read_boolean(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        fail(field, f"got {shown(value)}; expected true or false")
    return value
