"""Parsing a protocol file's text into a :class:`~bot.clinical.protocols.Protocol`.

Every problem is one :class:`ProtocolError` line naming the file, the key and what is wrong,
so that a bad file stops the bot at start-up instead of mis-scheduling checks. Kept apart from
the protocol's data classes and the ward cadence settings so that each reads in one sitting.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from bot.clinical.protocols import (
    CODE_PATTERN,
    FIRST_DAY,
    OTHER_CYCLES,
    CycleRule,
    DoseStep,
    Protocol,
    ProtocolError,
)

PROTOCOL_KEYS: Final = ("code", "name", "indication", "cycle_days", "treatment_free_days", "cycle")
CYCLE_KEYS: Final = ("numbers", "hospital_days", "dose")
DOSE_KEYS: Final = ("from_day", "mcg_per_day", "mcg_per_m2_per_day")


@dataclass(frozen=True, slots=True)
class _Table:
    """One TOML table with its key path, so that every error can say exactly where it is."""

    source: str
    path: str
    data: Mapping[str, object]

    def error(self, key: str, problem: str) -> ProtocolError:
        where = f"{self.path}.{key}" if self.path and key else (self.path or key)
        return ProtocolError(f"{self.source}: {where}: {problem}")

    def check_keys(self, allowed: tuple[str, ...]) -> None:
        """Unknown keys first (usually a typo of a known one), then missing keys."""
        for key in self.data:
            if key not in allowed:
                raise self.error(key, f"unknown key (allowed: {', '.join(allowed)})")
        for key in allowed:
            if key not in self.data:
                raise self.error(key, "missing")

    def text(self, key: str) -> str:
        value = self.data[key]
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"must be a non-empty text, got {value!r}")
        return value

    def whole(self, key: str, low: int, high: int | None = None, what: str = "") -> int:
        """An integer from `low` (to `high`); `what` explains the bounds in the error message."""
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"must be a whole number, got {value!r}")
        if value < low:
            raise self.error(key, f"{value} is less than {low}{what}")
        if high is not None and value > high:
            raise self.error(key, f"{value} is more than {high}{what}")
        return value

    def positive(self, key: str) -> float:
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, f"must be a number, got {value!r}")
        if not math.isfinite(value) or value <= 0:
            raise self.error(key, f"must be more than 0, got {value!r}")
        return float(value)

    def tables(self, key: str) -> list[_Table]:
        """An array of tables (`[[key]]`), numbered from 1 as a reader counts the blocks."""
        value = self.data[key]
        if not isinstance(value, list) or not value:
            raise self.error(key, "must be a non-empty list of tables")
        tables = []
        for number, item in enumerate(value, start=1):
            path = f"{self.path}.{key}[{number}]" if self.path else f"{key}[{number}]"
            if not isinstance(item, dict):
                raise ProtocolError(f"{self.source}: {path}: must be a table, got {item!r}")
            tables.append(_Table(self.source, path, item))
        return tables


def parse_protocol(text: str, source: str) -> Protocol:
    """Parse and validate one protocol file's TOML `text`; `source` names it in errors.

    Raises `ProtocolError("<source>: <key path>: <problem>")` on the first problem found.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError(f"{source}: TOML syntax: {exc}") from exc
    top = _Table(source, "", data)
    top.check_keys(PROTOCOL_KEYS)
    code = top.text("code")
    if not CODE_PATTERN.fullmatch(code):
        raise top.error("code", f"{code!r} must use only a-z, 0-9 and _")
    cycle_days = top.whole("cycle_days", FIRST_DAY)
    rules = tuple(_cycle_rule(table, cycle_days) for table in top.tables("cycle"))
    _check_cycle_coverage(top, rules)
    return Protocol(
        code=code,
        name=top.text("name"),
        indication=top.text("indication"),
        cycle_days=cycle_days,
        treatment_free_days=top.whole("treatment_free_days", 0),
        cycles=rules,
    )


def _cycle_rule(table: _Table, cycle_days: int) -> CycleRule:
    table.check_keys(CYCLE_KEYS)
    hospital_days = table.whole("hospital_days", 0, cycle_days, f" (cycle_days is {cycle_days})")
    return CycleRule(
        cycles=_cycle_numbers(table),
        hospital_days=hospital_days,
        doses=_doses(table, cycle_days),
    )


def _cycle_numbers(table: _Table) -> tuple[int, ...] | None:
    value = table.data["numbers"]
    if value == OTHER_CYCLES:
        return None
    problem = f'must be a list of cycle numbers (1 or more) or "{OTHER_CYCLES}", got {value!r}'
    if not isinstance(value, list) or not value:
        raise table.error("numbers", problem)
    for number in value:
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise table.error("numbers", problem)
    if len(set(value)) != len(value):
        raise table.error("numbers", f"lists a cycle twice: {value!r}")
    return tuple(value)


def _doses(table: _Table, cycle_days: int) -> tuple[DoseStep, ...]:
    steps: list[DoseStep] = []
    for dose in table.tables("dose"):
        dose.check_keys(DOSE_KEYS)
        step = DoseStep(
            day=dose.whole("from_day", FIRST_DAY, cycle_days, f" (cycle_days is {cycle_days})"),
            mcg_per_day=dose.positive("mcg_per_day"),
            mcg_per_m2_per_day=dose.positive("mcg_per_m2_per_day"),
        )
        _check_follows(dose, step, steps[-1] if steps else None)
        steps.append(step)
    return tuple(steps)


def _check_follows(dose: _Table, step: DoseStep, previous: DoseStep | None) -> None:
    """The first step starts on day 1; later steps come later and never lower the dose.

    Why no lower dose: the label's schedules only step up. Dose reductions after toxicity are a
    physician's decision recorded as a plan event, never part of the protocol, so a falling
    dose in a file is almost certainly a typo (two steps swapped).
    """
    if previous is None:
        if step.day != FIRST_DAY:
            raise dose.error("from_day", f"the first dose must start on day {FIRST_DAY}")
        return
    if step.day <= previous.day:
        raise dose.error(
            "from_day", f"day {step.day} must come after the step before (day {previous.day})"
        )
    for key in ("mcg_per_day", "mcg_per_m2_per_day"):
        now, before = getattr(step, key), getattr(previous, key)
        if now < before:
            raise dose.error(key, f"{now:g} is lower than the step before ({before:g})")


def _check_cycle_coverage(top: _Table, rules: tuple[CycleRule, ...]) -> None:
    """Each cycle number in at most one rule, and exactly one rule for all other cycles."""
    seen: dict[int, int] = {}
    other: int | None = None
    for index, rule in enumerate(rules, start=1):
        here = f"cycle[{index}]"
        if rule.cycles is None:
            if other is not None:
                raise ProtocolError(
                    f'{top.source}: {here}.numbers: a second "{OTHER_CYCLES}" rule '
                    f"(the first is cycle[{other}])"
                )
            other = index
        for number in rule.cycles or ():
            if number in seen:
                raise ProtocolError(
                    f"{top.source}: {here}.numbers: cycle {number} is already in "
                    f"cycle[{seen[number]}]"
                )
            seen[number] = index
    if other is None:
        raise top.error("cycle", f'no rule for the other cycles (add numbers = "{OTHER_CYCLES}")')
