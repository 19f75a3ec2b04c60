"""What a finished check conversation means: the grading input and the rows stored on submit
(pure; the conversation itself is ``check_flow.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.clinical import check_crs
from bot.clinical.capd import CapdAnswers
from bot.clinical.check_flow import CAPD_STEPS, ICP, MOTOR, ORIENTATION, sequence
from bot.clinical.icans import Assessment
from bot.clinical.ice import IceAnswers
from bot.clinical.vocabulary import (
    CapdAnswer,
    CapdQuestion,
    Consciousness,
    IceItem,
    IcpFinding,
    ItemAnswer,
    MotorFinding,
    Seizure,
    Tool,
)


def to_assessment(answers: Mapping[str, Any], tool: Tool) -> Assessment:
    """The clinical input for grading; steps not yet answered count as normal findings."""
    consciousness = Consciousness(answers.get("consciousness", Consciousness.ALERT))
    unarousable = consciousness is Consciousness.UNAROUSABLE
    return Assessment(
        tool=tool,
        consciousness=consciousness,
        ice=None if unarousable or tool is not Tool.ICE else _ice(answers),
        capd=None if unarousable or tool is not Tool.CAPD else _capd_answers(answers),
        seizure=Seizure(answers.get("seizure", Seizure.NONE)),
        motor=frozenset(MotorFinding(m) for m in answers.get(MOTOR, ())),
        icp=frozenset(IcpFinding(i) for i in answers.get(ICP, ())),
    )


def _ice(answers: Mapping[str, Any]) -> IceAnswers:
    given: Mapping[str, str] = answers.get("ice", {})
    return IceAnswers.from_mapping(
        {item: ItemAnswer(given.get(item.value, ItemAnswer.NOT_ASSESSABLE)) for item in IceItem}
    )


def _capd_answers(answers: Mapping[str, Any]) -> CapdAnswers:
    capd = answers.get("capd")
    if not isinstance(capd, dict) or len(capd) != len(tuple(CapdQuestion)):
        return CapdAnswers.not_assessable()
    return CapdAnswers(items=tuple(CapdAnswer(capd[q.value]) for q in tuple(CapdQuestion)))


def answered_items(answers: Mapping[str, Any], tool: Tool) -> Sequence[StoredAnswer]:
    """Every answered item as rows for storage, in the order they were asked."""
    reasons: Mapping[str, str] = answers.get("reasons", {})
    rows = [StoredAnswer("consciousness", str(answers["consciousness"]))]
    steps = sequence(answers, tool)
    if ORIENTATION in steps:
        ice = answers["ice"]
        rows += [StoredAnswer(i.value, str(ice[i.value]), reasons.get(i.value)) for i in IceItem]
    elif CAPD_STEPS[0] in steps:
        capd = answers["capd"]
        if isinstance(capd, dict):
            rows += [StoredAnswer(f"capd_{q.value}", str(capd[q.value])) for q in CapdQuestion]
        else:
            rows.append(StoredAnswer("capd", str(capd), reasons.get("capd")))
    rows.append(StoredAnswer("seizure", str(answers["seizure"])))
    rows += [StoredAnswer(f"motor_{m}", "present") for m in answers.get(MOTOR, ())]
    rows += [StoredAnswer(f"icp_{i}", "present") for i in answers.get(ICP, ())]
    if check_crs.asked(answers):
        crs: Mapping[str, Any] = answers.get("crs", {})
        rows += [StoredAnswer(step, str(crs[step])) for step in check_crs.STEPS if step in crs]
    return rows


@dataclass(frozen=True)
class StoredAnswer:
    item: str
    value: str
    reason: str | None = None
