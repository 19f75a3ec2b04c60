"""Treatment protocols as data, and the check-cadence numbers a ward may override.

Why data: the dose schedule and the recommended hospitalisation days come from the drug label
(bot/clinical/README.md section 9) and differ by indication. Keeping them in small TOML files that a
clinician can read and check against the label, rather than in code, means a label change is
a reviewed data change. `bot.clinical.protocol_file` only parses and validates text (it never
opens a file: `bot.protocols` does the reading); every problem is reported as one line naming
the file, the key and what is wrong, so that a bad file stops the bot at start-up instead of
mis-scheduling checks.

Why settings here: section 10 says every cadence and escalation number is a product default
that each ward may change. `CadenceSettings` holds the defaults and validates a ward's
overrides with the same one-line errors.
"""

from __future__ import annotations

import dataclasses
import re
import types
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Final


class ProtocolError(ValueError):
    """A protocol file or a ward's cadence setting is invalid.

    The message is a single line: where (file and key path, or setting name) and what is wrong.
    """


# --- Protocols ---------------------------------------------------------------------------------

CODE_PATTERN: Final = re.compile(r"[a-z0-9_]+")
"""Protocol codes are stored on each infusion plan and typed in commands: keep them plain."""

OTHER_CYCLES: Final = "others"
"""The `numbers` value of the rule that applies to every cycle not listed elsewhere."""

FIRST_DAY: Final = 1
"""Cycle days are counted from 1, as on the label (day 1 is the first day of infusion)."""

HOURS_PER_DAY: Final = 24


@dataclass(frozen=True, slots=True)
class DoseStep:
    """From cycle day `day` on (until the next step), this dose.

    `mcg_per_day` is the fixed dose for patients of 45 kg or more, and also the cap for lighter
    patients, who get `mcg_per_m2_per_day` by body surface area (the label's two weight bands).
    """

    day: int
    mcg_per_day: float
    mcg_per_m2_per_day: float


@dataclass(frozen=True, slots=True)
class CycleRule:
    """Hospitalisation and doses for some cycles; `cycles` None means every other cycle.

    `hospital_days` counts from day 1: 9 means days 1-9. 0 means no recommended hospital stay.
    """

    cycles: tuple[int, ...] | None
    hospital_days: int
    doses: tuple[DoseStep, ...]


@dataclass(frozen=True, slots=True)
class Protocol:
    """One indication's schedule: cycle length, treatment-free interval and per-cycle rules."""

    code: str
    name: str
    indication: str
    cycle_days: int
    treatment_free_days: int
    cycles: tuple[CycleRule, ...]

    def rule_for(self, cycle_number: int) -> CycleRule:
        """The rule listing `cycle_number`, else the rule for every other cycle."""
        if cycle_number < 1:
            raise ValueError(f"cycle numbers start at 1, got {cycle_number}")
        listed = [rule for rule in self.cycles if rule.cycles and cycle_number in rule.cycles]
        others = [rule for rule in self.cycles if rule.cycles is None]
        if not listed + others:
            raise ProtocolError(f"{self.code}: cycle {cycle_number}: no rule covers this cycle")
        return (listed + others)[0]

    def dose_on(self, cycle_number: int, day: int, *, under_45kg: bool) -> str:
        """The dose on `day` of the cycle as the label writes it, e.g. "9 mcg/day".

        Under 45 kg the dose is by body surface area with the fixed dose as its cap:
        "5 mcg/m²/day (max 9 mcg/day)". The text is for display next to a check; the bot never
        calculates or programmes a dose.
        """
        step = self._step_on(cycle_number, day)
        if under_45kg:
            return f"{step.mcg_per_m2_per_day:g} mcg/m²/day (max {step.mcg_per_day:g} mcg/day)"
        return f"{step.mcg_per_day:g} mcg/day"

    def step_up_days(self, cycle_number: int) -> tuple[int, ...]:
        """Cycle days on which the dose rises (cycle 1 of relapsed/refractory: day 8).

        Section 10 watches the patient for 48 hours after each step-up, so the cadence needs
        the planned days even when nobody records the step-up as it happens.
        """
        doses = self.rule_for(cycle_number).doses
        return tuple(
            doses[index].day
            for index in range(1, len(doses))
            if _higher(doses[index], doses[index - 1])
        )

    def _step_on(self, cycle_number: int, day: int) -> DoseStep:
        if not FIRST_DAY <= day <= self.cycle_days:
            raise ValueError(f"day {day} is outside the {self.cycle_days}-day cycle")
        current = [step for step in self.rule_for(cycle_number).doses if step.day <= day]
        if not current:
            raise ValueError(f"{self.code}: cycle {cycle_number} has no dose on day {day}")
        return current[-1]


def _higher(later: DoseStep, earlier: DoseStep) -> bool:
    """A step-up raises either weight band's dose."""
    return (
        later.mcg_per_day > earlier.mcg_per_day
        or later.mcg_per_m2_per_day > earlier.mcg_per_m2_per_day
    )


# --- Ward cadence settings ---------------------------------------------------------------------

MIN_SETTING: Final = 1
"""Every cadence number is a positive whole number of hours, checks or minutes."""

MAX_CHECK_HOURS: Final = 12
"""Published practice is an ICE at least twice a day (section 10): no interval above 12 h."""

MAX_WATCH_HOURS: Final = 7 * HOURS_PER_DAY
"""A watch longer than a week after a change is a hospital stay, which the protocol sets."""

MAX_NORMAL_CHECKS: Final = 10
"""Ten normal checks in a row is already ten hours at the abnormal interval."""

MAX_BASELINE_HOURS: Final = 3 * HOURS_PER_DAY
"""A baseline older than three days no longer describes the patient at the first dose."""

MAX_LADDER_MINUTES: Final = 4 * 60
"""An alert about a missed check more than four hours late would no longer protect anyone."""


@dataclass(frozen=True, slots=True)
class _Range:
    low: int
    high: int
    unit: str


SETTING_RANGES: Final[Mapping[str, _Range]] = types.MappingProxyType(
    {
        "routine_hours": _Range(MIN_SETTING, MAX_CHECK_HOURS, "hours"),
        "high_risk_hours": _Range(MIN_SETTING, MAX_CHECK_HOURS, "hours"),
        "abnormal_hours": _Range(MIN_SETTING, MAX_CHECK_HOURS, "hours"),
        "watch_hours_after_change": _Range(MIN_SETTING, MAX_WATCH_HOURS, "hours"),
        "recovery_hours": _Range(MIN_SETTING, MAX_CHECK_HOURS, "hours"),
        "recovery_tail_hours": _Range(MIN_SETTING, MAX_WATCH_HOURS, "hours"),
        "ward_watch_hours": _Range(MIN_SETTING, MAX_CHECK_HOURS, "hours"),
        "ward_watch_tail_hours": _Range(MIN_SETTING, MAX_WATCH_HOURS, "hours"),
        "normal_checks_to_relax": _Range(MIN_SETTING, MAX_NORMAL_CHECKS, "checks"),
        "baseline_lead_hours": _Range(MIN_SETTING, MAX_BASELINE_HOURS, "hours"),
        "baseline_valid_hours": _Range(MIN_SETTING, MAX_BASELINE_HOURS, "hours"),
        "remind_nurse_minutes": _Range(MIN_SETTING, MAX_LADDER_MINUTES, "minutes"),
        "alert_charge_minutes": _Range(MIN_SETTING, MAX_LADDER_MINUTES, "minutes"),
        "alert_physician_minutes": _Range(MIN_SETTING, MAX_LADDER_MINUTES, "minutes"),
        "missed_seizure_hours": _Range(MIN_SETTING, MAX_WATCH_HOURS, "hours"),
    }
)


@dataclass(frozen=True, slots=True)
class _Order:
    """`smaller` must not exceed `larger` (strictly less when `strict`); `rule` says so."""

    smaller: str
    larger: str
    strict: bool
    rule: str

    def holds(self, values: Mapping[str, int]) -> bool:
        low, high = values[self.smaller], values[self.larger]
        return low < high if self.strict else low <= high


_HOURS_RULE: Final = "routine_hours >= high_risk_hours >= abnormal_hours"
_WATCH_RULE: Final = "ward_watch_hours >= routine_hours"
_RECOVERY_RULE: Final = "abnormal_hours <= recovery_hours <= ward_watch_hours"
_LADDER_RULE: Final = "remind_nurse_minutes < alert_charge_minutes < alert_physician_minutes"
SETTING_ORDER: Final = (
    _Order("high_risk_hours", "routine_hours", strict=False, rule=_HOURS_RULE),
    _Order("abnormal_hours", "high_risk_hours", strict=False, rule=_HOURS_RULE),
    _Order("routine_hours", "ward_watch_hours", strict=False, rule=_WATCH_RULE),
    _Order("abnormal_hours", "recovery_hours", strict=False, rule=_RECOVERY_RULE),
    _Order("recovery_hours", "ward_watch_hours", strict=False, rule=_RECOVERY_RULE),
    _Order(
        "baseline_lead_hours",
        "baseline_valid_hours",
        strict=False,
        rule="baseline_lead_hours <= baseline_valid_hours",
    ),
    _Order("remind_nurse_minutes", "alert_charge_minutes", strict=True, rule=_LADDER_RULE),
    _Order("alert_charge_minutes", "alert_physician_minutes", strict=True, rule=_LADDER_RULE),
)


@dataclass(frozen=True, slots=True)
class CadenceSettings:
    """Check frequency and missed-check escalation: section 10's defaults, per-ward overridable.

    Every field is validated on construction, so an object of this type is always usable.
    """

    routine_hours: int = 8
    """Intensive interval: inside a monitoring window (the protocol's hospital days, 48 h
    after a step-up or restart)."""
    high_risk_hours: int = 4
    """The same for high-risk patients (`bot.clinical.risk`)."""
    abnormal_hours: int = 1
    """Interval once a check is abnormal, inside or outside a window."""
    watch_hours_after_change: int = 48
    """Monitoring window after a dose step-up or a restart after an interruption."""
    normal_checks_to_relax: int = 2
    """Consecutive checks back at baseline that end the abnormal interval."""
    recovery_hours: int = 4
    """Interval of the recovery tail, after an abnormal episode has ended."""
    recovery_tail_hours: int = 24
    """How long the recovery tail lasts, whatever window the patient is in."""
    ward_watch_hours: int = 12
    """Interval of the ward watch: while admitted with the plan running or held, after the
    intensive windows (the seed case's grade 4 came on day 4, after a 3-day hospital window)."""
    ward_watch_tail_hours: int = 48
    """The ward watch goes on this long after the infusion stops or the cycle ends, while the
    patient is still admitted."""
    baseline_lead_hours: int = 2
    """The baseline check is due this long before the first dose of a cycle."""
    baseline_valid_hours: int = 24
    """A baseline done at most this long before the first dose counts for the cycle.

    Not in section 10 (which is silent): a day covers an admission the evening before, while a
    baseline from the previous cycle (at least 14 treatment-free days earlier) never counts.
    """
    remind_nurse_minutes: int = 15
    """A due check not started after this long: remind the assigned nurse."""
    alert_charge_minutes: int = 30
    """... after this long: alert the charge nurse."""
    alert_physician_minutes: int = 60
    """... after this long: alert the on-call physician."""
    missed_seizure_hours: int = 24
    """A missed check is critical when a seizure was recorded this recently (or the latest
    grade is 3 or more): a missed check is never less urgent than its patient."""

    def __post_init__(self) -> None:
        _validate_settings({f.name: getattr(self, f.name) for f in dataclasses.fields(self)})

    def with_overrides(self, mapping: Mapping[str, object]) -> CadenceSettings:
        """These settings with a ward's overrides applied, each checked for type and range.

        Raises `ProtocolError` naming the setting and its allowed range. When an override
        breaks an order rule with a setting left at its default, the override is named.
        """
        known = {f.name for f in dataclasses.fields(self)}
        values: dict[str, int] = {}
        for key, value in mapping.items():
            if key not in known:
                raise ProtocolError(
                    f"cadence setting {key}: unknown (known: {', '.join(sorted(known))})"
                )
            if isinstance(value, bool) or not isinstance(value, int):
                rng = SETTING_RANGES[key]
                raise ProtocolError(
                    f"cadence setting {key}: must be a whole number of {rng.unit} "
                    f"({rng.low}-{rng.high}), got {value!r}"
                )
            values[key] = value
        merged = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)} | values
        _validate_settings(merged, prefer=values.keys())
        return dataclasses.replace(self, **values)


def _validate_settings(values: Mapping[str, int], prefer: Collection[str] = ()) -> None:
    """Types and ranges first, then the order rules between settings."""
    for key, rng in SETTING_RANGES.items():
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProtocolError(f"cadence setting {key}: must be a whole number, got {value!r}")
        if not rng.low <= value <= rng.high:
            raise ProtocolError(
                f"cadence setting {key}: {value} is outside the allowed range "
                f"{rng.low}-{rng.high} {rng.unit}"
            )
    for order in SETTING_ORDER:
        if not order.holds(values):
            key = _blamed(order, prefer)
            low, high = _allowed(key, values)
            raise ProtocolError(
                f"cadence setting {key}: {values[key]} is outside the allowed range "
                f"{low}-{high} {SETTING_RANGES[key].unit} (need {order.rule})"
            )


def _blamed(order: _Order, prefer: Collection[str]) -> str:
    """The overridden side when only one side was overridden; else the smaller one."""
    if order.larger in prefer and order.smaller not in prefer:
        return order.larger
    return order.smaller


def _allowed(key: str, values: Mapping[str, int]) -> tuple[int, int]:
    """The range `key` may take given the other settings' current values."""
    low, high = SETTING_RANGES[key].low, SETTING_RANGES[key].high
    for order in SETTING_ORDER:
        gap = 1 if order.strict else 0
        if order.smaller == key:
            high = min(high, values[order.larger] - gap)
        if order.larger == key:
            low = max(low, values[order.smaller] + gap)
    return low, high
