"""The enumerations that exist twice, once in the pure rules (``bot.clinical``, which imports
no storage) and once in the tables (``storage.models``, which imports no rules), agree in their
values: a service converts one into the other by value, so a value missing on either side
would fail at run time, on the ward.

Each pair says how they must agree: the same values, or the stored enum holding every value
the rules produce (a table may store more, e.g. ad-hoc checks, which no rule schedules).
"""

from __future__ import annotations

from enum import StrEnum

import pytest

from bot.cli.common import ROLES
from bot.cli.plans import KINDS, ON_CALL_DUTIES
from bot.clinical.labs import LabTest
from bot.clinical.policy import PagedRole
from bot.clinical.triggers import Urgency
from bot.clinical.windows import DueKind, PlanEventKind
from storage import models

SAME = "same values"
STORED_HOLDS_ALL = "the stored enum holds every value of the rules"
RULES_HOLD_ALL = "the rules' enum holds every stored value"

PAIRS: list[tuple[type[StrEnum], type[StrEnum], str]] = [
    (LabTest, models.LabTest, SAME),
    (PlanEventKind, models.InfusionEventKind, SAME),
    (DueKind, models.CheckKind, STORED_HOLDS_ALL),
    (PagedRole, models.Duty, STORED_HOLDS_ALL),
    # The rules know "none" (nothing to send), which is never stored on an escalation.
    (Urgency, models.Urgency, RULES_HOLD_ALL),
]


def values(kind: type[StrEnum]) -> set[str]:
    return {member.value for member in kind}


@pytest.mark.parametrize(("rules", "stored", "how"), PAIRS, ids=lambda p: getattr(p, "__name__", p))
def test_the_rules_and_the_tables_agree(
    rules: type[StrEnum], stored: type[StrEnum], how: str
) -> None:
    if how == SAME:
        assert values(rules) == values(stored)
    elif how == STORED_HOLDS_ALL:
        assert values(rules) <= values(stored), values(rules) - values(stored)
    else:
        assert values(stored) <= values(rules), values(stored) - values(rules)


def test_urgency_differs_only_by_none() -> None:
    assert values(Urgency) - values(models.Urgency) == {Urgency.NONE.value}


def test_paged_roles_are_the_on_call_duties() -> None:
    on_call = {models.Duty.PRIMARY, models.Duty.BACKUP, models.Duty.ATTENDING}
    assert values(PagedRole) == {duty.value for duty in on_call}


@pytest.mark.parametrize(
    ("written", "kind"),
    [(ROLES, models.Role), (KINDS, models.InfusionEventKind), (ON_CALL_DUTIES, PagedRole)],
    ids=["roles", "event kinds", "on-call duties"],
)
def test_the_command_lines_copies_agree(written: tuple[str, ...], kind: type[StrEnum]) -> None:
    """The command line spells these out so that its parser imports no tables."""
    assert tuple(written) == tuple(member.value for member in kind)
