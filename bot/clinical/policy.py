"""Escalation policy as data: who is paged when, per urgency (bot/clinical/README.md section 10).

A policy names, for each physician role, the minute after the alert when that role is first
paged, how often everyone already paged is paged again, and the minute when the chain has
run out (the ward's charge nurse and admins are then told that nobody acknowledged).

`steps` turns a policy into the concrete list of pages. The list, not the policy, is copied
onto each escalation when it starts (`snapshot`), so a ward that edits its policy never
changes an escalation already in flight.

Product defaults (every number configurable per ward):

    critical   primary at once, everyone again every 5 min, backup at 5, attending at 10;
               second channel at 5; run out at 20 min
    high       primary at once, again every 10 min, backup at 15; second channel at 15;
               run out at 30 min
    normal     primary at once, backup at 30; run out at 60 min
    info       primary once; no acknowledgement asked for
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from bot.clinical.triggers import CRITICAL_GRADE, Urgency

MAX_MINUTES: Final = 24 * 60


class PolicyError(ValueError):
    """A policy that cannot be run; the message names the field, for the ward's admin."""


class PagedRole(enum.StrEnum):
    """The on-call roles an escalation climbs, lowest first."""

    PRIMARY = "primary"
    BACKUP = "backup"
    ATTENDING = "attending"


@dataclass(frozen=True)
class UrgencyPolicy:
    """Minutes after the alert. A role whose minute is None is never paged."""

    primary: int | None = 0
    backup: int | None = None
    attending: int | None = None
    repeat: int | None = None
    give_up: int = 60
    # Still unacknowledged at this minute: the alert also leaves Telegram (the second-channel
    # address of whoever the current step pages, and the ward's webhook). A chain that runs
    # out always does, whatever this says.
    second_channel: int | None = None

    def first_page(self, role: PagedRole) -> int | None:
        """When ``role`` is first paged (the role's own field)."""
        value: int | None = getattr(self, role.value)
        return value

    def with_overrides(self, overrides: Mapping[str, Any], *, needs_ack: bool) -> UrgencyPolicy:
        """This policy with a ward's overrides (None or "off" switches a role or repeats off)."""
        unknown = set(overrides) - set(FIELDS)
        if unknown:
            raise PolicyError(f"unknown escalation setting {sorted(unknown)[0]!r}")
        values: dict[str, Any] = {name: _minutes(name, v) for name, v in overrides.items()}
        policy = dataclasses.replace(self, **values)
        policy.validate(needs_ack=needs_ack)
        return policy

    def validate(self, *, needs_ack: bool) -> None:
        """Someone must be paged at once, and every page must come before the chain runs out:
        a policy that pages nobody, or pages after giving up, would lose an alert."""
        firsts = [m for m in (self.first_page(r) for r in PagedRole) if m is not None]
        if 0 not in firsts:
            raise PolicyError("at least one of primary, backup, attending must be paged at 0")
        if self.give_up is None or self.give_up > MAX_MINUTES:
            raise PolicyError(f"give_up must be a number of minutes up to {MAX_MINUTES}")
        if not needs_ack:
            return
        if any(m >= self.give_up for m in firsts):
            raise PolicyError("give_up must come after every role's first page")
        if self.repeat is not None and self.repeat < 1:
            raise PolicyError("repeat must be at least 1 minute (or off)")
        if self.second_channel is not None and self.second_channel < 1:
            raise PolicyError("second_channel must be at least 1 minute (or off)")


FIELDS: Final = tuple(f.name for f in dataclasses.fields(UrgencyPolicy))

DEFAULTS: Final[Mapping[Urgency, UrgencyPolicy]] = {
    Urgency.CRITICAL: UrgencyPolicy(
        primary=0, backup=5, attending=10, repeat=5, give_up=20, second_channel=5
    ),
    Urgency.HIGH: UrgencyPolicy(primary=0, backup=15, repeat=10, give_up=30, second_channel=15),
    Urgency.NORMAL: UrgencyPolicy(primary=0, backup=30, give_up=60),
    Urgency.INFO: UrgencyPolicy(primary=0, give_up=0),
}
ESCALATING: Final = tuple(DEFAULTS)  # the urgencies that open an escalation


@dataclass(frozen=True)
class Step:
    """One page: at ``at`` minutes after the alert, page these roles."""

    at: int
    roles: tuple[PagedRole, ...]


def policy_for(urgency: Urgency, overrides: Mapping[str, Any] | None = None) -> UrgencyPolicy:
    """The ward's policy for ``urgency``: the defaults with its overrides applied."""
    base = DEFAULTS[urgency]
    return base.with_overrides(overrides or {}, needs_ack=urgency.needs_acknowledgement)


def steps(policy: UrgencyPolicy, *, needs_ack: bool = True) -> tuple[Step, ...]:
    """Every page in order. A step pages the roles that join at that minute, and at a repeat
    minute everyone who has already joined; nothing is paged at or after ``give_up``."""
    joins = {r: policy.first_page(r) for r in PagedRole}
    if not needs_ack:
        return (Step(0, tuple(r for r, m in joins.items() if m == 0)),)
    repeats = set()
    if policy.repeat is not None:
        repeats = set(range(policy.repeat, policy.give_up, policy.repeat))
    minutes = sorted({m for m in joins.values() if m is not None} | repeats)
    result = []
    for minute in minutes:
        roles = tuple(
            r
            for r, m in joins.items()
            if m is not None and (m == minute or (minute in repeats and m < minute))
        )
        result.append(Step(minute, roles))
    return tuple(result)


def snapshot(urgency: Urgency, policy: UrgencyPolicy) -> dict[str, Any]:
    """What an escalation keeps: its own copy of the steps, independent of later edits."""
    needs_ack = urgency.needs_acknowledgement
    return {
        "urgency": urgency.value,
        "needs_ack": needs_ack,
        "give_up": policy.give_up,
        "second_channel": policy.second_channel if needs_ack else None,
        "steps": [
            {"at": s.at, "roles": [r.value for r in s.roles]}
            for s in steps(policy, needs_ack=needs_ack)
        ],
    }


def steps_of(snapshot_: Mapping[str, Any]) -> tuple[Step, ...]:
    """The steps stored by `snapshot`."""
    return tuple(
        Step(int(s["at"]), tuple(PagedRole(r) for r in s["roles"])) for s in snapshot_["steps"]
    )


def describe(policy: UrgencyPolicy) -> str:
    """One line for settings listings: "primary 0, backup 5, repeat 5, give_up 20"."""
    parts = [
        f"{r.value} {policy.first_page(r)}" for r in PagedRole if policy.first_page(r) is not None
    ]
    if policy.repeat is not None:
        parts.append(f"repeat {policy.repeat}")
    parts.append(f"give_up {policy.give_up}")
    if policy.second_channel is not None:
        parts.append(f"second_channel {policy.second_channel}")
    return ", ".join(parts)


def _minutes(name: str, value: Any) -> int | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("off", "")):
        if name == "give_up":
            raise PolicyError("give_up cannot be off: a chain must end")
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
        raise PolicyError(f"{name}: a whole number of minutes or 'off', got {value!r}")
    minutes = int(text)
    if minutes > MAX_MINUTES:
        raise PolicyError(f"{name}: at most {MAX_MINUTES} minutes")
    return minutes


def missed_check_urgency(
    *,
    latest_grade: int | None,
    recent_seizure: bool,
    in_episode: bool,
    latest_crs_grade: int | None = None,
) -> Urgency:
    """How urgent a check not started an hour after it was due is: as urgent as its patient.

    Critical when the latest ICANS or CRS grade is 3 or more or a seizure was recorded recently
    (the ward's `missed_seizure_hours`, 24 by default); high when either grade is 1 or more
    or an abnormal episode is open (checks are hourly then, and the gap hides a course); normal
    otherwise. `latest_grade` is the latest known ICANS grade (a lower bound when incomplete);
    `latest_crs_grade` the CRS grade the same latest check recorded (None where it did not ask:
    outside the intensive window a fever is not in view, and an old one is no longer the
    patient's state). A febrile, hypotensive or hypoxic patient is not a well patient whose
    check can wait: CRS and ICANS come together, and a missed check hides both.
    """
    grade = max(latest_grade or 0, latest_crs_grade or 0)
    if grade >= CRITICAL_GRADE or recent_seizure:
        return Urgency.CRITICAL
    if grade >= 1 or in_episode:
        return Urgency.HIGH
    return Urgency.NORMAL
