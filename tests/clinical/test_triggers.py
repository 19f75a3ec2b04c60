"""Escalation urgency (bot/clinical/README.md section 10, "Escalation triggers")."""

from __future__ import annotations

import pytest

from bot.clinical import (
    Consciousness,
    Domain,
    IcansResult,
    IceItem,
    IcpFinding,
    MotorFinding,
    Seizure,
    TriggerReason,
    Urgency,
    escalation,
)
from tests.clinical.builders import adult, child, graded, ice_not_assessable

C = Consciousness
R = TriggerReason
U = Urgency

NORMAL = graded(adult(ice_points=10))
ICE_9 = graded(adult(ice_points=9))
ICE_8 = graded(adult(ice_points=8))
ICE_6 = graded(adult(ice_points=6))
ICE_5 = graded(adult(ice_points=5))
ICE_2 = graded(adult(ice_points=2))
ICE_1 = graded(adult(ice_points=1))
UNAROUSABLE = graded(adult(consciousness=C.UNAROUSABLE))
DROWSY = graded(adult(consciousness=C.DROWSY))
NOT_GRADABLE = graded(adult(ice=ice_not_assessable(IceItem.COMMAND)))
AT_LEAST_1 = graded(adult(ice=ice_not_assessable(IceItem.COMMAND), consciousness=C.DROWSY))
AT_LEAST_2 = graded(adult(ice=ice_not_assessable(IceItem.COMMAND), consciousness=C.VOICE))
TREMOR = graded(adult(motor=frozenset({MotorFinding.TREMOR})))
MYOCLONUS = graded(adult(motor=frozenset({MotorFinding.MYOCLONUS})))
SEIZURE = graded(adult(seizure=Seizure.RESOLVED_RAPIDLY))
SEIZURE_ATTRIBUTED = graded(
    adult(seizure=Seizure.RESOLVED_RAPIDLY, attributed=frozenset({Domain.SEIZURE}))
)
HEMORRHAGE = graded(adult(icp=frozenset({IcpFinding.HEMORRHAGE})))
CAPD_0 = graded(child(capd_points=0))
CAPD_2 = graded(child(capd_points=2))
CAPD_5 = graded(child(capd_points=5))

TABLE = [
    # Nothing happening
    pytest.param(NORMAL, NORMAL, NORMAL, U.NONE, (), id="0 -> 0, nothing new: none"),
    pytest.param(None, None, NORMAL, U.NONE, (), id="first check ever, grade 0: none"),
    # Critical
    pytest.param(
        NORMAL, ICE_6, ICE_2, U.CRITICAL, (R.GRADE_3_OR_4, R.GRADE_ROSE), id="2 -> 3: critical"
    ),
    pytest.param(
        NORMAL, ICE_2, ICE_2, U.CRITICAL, (R.GRADE_3_OR_4,), id="3 -> 3 persisting: critical again"
    ),
    pytest.param(
        NORMAL,
        ICE_2,
        ICE_1,
        U.CRITICAL,
        (R.GRADE_3_OR_4, R.SCORE_WORSE),
        id="ICE 2 -> 1 within grade 3: critical, lower ICE also listed",
    ),
    pytest.param(
        NORMAL,
        NORMAL,
        UNAROUSABLE,
        U.CRITICAL,
        (R.GRADE_3_OR_4, R.ROSE_TWO_OR_MORE),
        id="0 -> unarousable 4: critical",
    ),
    pytest.param(
        NORMAL, NORMAL, ICE_6, U.CRITICAL, (R.ROSE_TWO_OR_MORE,), id="0 -> 2 at once: critical"
    ),
    pytest.param(
        NORMAL,
        NORMAL,
        SEIZURE,
        U.CRITICAL,
        (R.GRADE_3_OR_4, R.SEIZURE, R.ROSE_TWO_OR_MORE),
        id="any seizure: critical",
    ),
    pytest.param(
        NORMAL,
        NORMAL,
        SEIZURE_ATTRIBUTED,
        U.CRITICAL,
        (R.SEIZURE,),
        id="seizure attributed elsewhere is still a recorded seizure: critical",
    ),
    pytest.param(
        NORMAL,
        NORMAL,
        HEMORRHAGE,
        U.CRITICAL,
        (R.HEMORRHAGE,),
        id="intracranial haemorrhage at grade 0: critical on its own track",
    ),
    pytest.param(
        NORMAL,
        NORMAL,
        AT_LEAST_2,
        U.CRITICAL,
        (R.ROSE_TWO_OR_MORE, R.INCOMPLETE_WITH_GRADE),
        id="0 -> at least 2 (incomplete): critical",
    ),
    # High
    pytest.param(NORMAL, NORMAL, ICE_9, U.HIGH, (R.GRADE_ROSE,), id="0 -> 1: high"),
    pytest.param(NORMAL, ICE_9, ICE_6, U.HIGH, (R.GRADE_ROSE,), id="1 -> 2: high"),
    pytest.param(NORMAL, None, ICE_9, U.HIGH, (R.GRADE_ROSE,), id="baseline 0 -> 1: high"),
    pytest.param(
        NORMAL,
        DROWSY,
        AT_LEAST_1,
        U.HIGH,
        (R.INCOMPLETE_WITH_GRADE,),
        id="1 -> at least 1 (incomplete): high",
    ),
    pytest.param(
        NORMAL,
        ICE_6,
        AT_LEAST_1,
        U.HIGH,
        (R.INCOMPLETE_WITH_GRADE,),
        id="2 -> at least 1: high, no 'fall' claimed",
    ),
    pytest.param(
        NORMAL,
        NOT_GRADABLE,
        ICE_9,
        U.HIGH,
        (R.GRADE_ROSE,),
        id="not gradable -> 1: possible rise, high",
    ),
    pytest.param(
        None,
        None,
        ICE_9,
        U.HIGH,
        (R.ABNORMAL_WITHOUT_REFERENCE,),
        id="first check ever at grade 1, nothing to compare: high",
    ),
    # Normal
    pytest.param(NORMAL, ICE_9, ICE_8, U.NORMAL, (R.SCORE_WORSE,), id="ICE 9 -> 8 in grade 1"),
    pytest.param(NORMAL, ICE_6, ICE_5, U.NORMAL, (R.SCORE_WORSE,), id="ICE 6 -> 5 in grade 2"),
    pytest.param(
        CAPD_0,
        CAPD_2,
        CAPD_5,
        U.NORMAL,
        (R.SCORE_WORSE,),
        id="CAPD 2 -> 5 in grade 1",
    ),
    pytest.param(NORMAL, NORMAL, TREMOR, U.NORMAL, (R.NEW_TREMOR,), id="new tremor: normal"),
    pytest.param(
        NORMAL, NORMAL, MYOCLONUS, U.NORMAL, (R.NEW_MYOCLONUS,), id="new myoclonus: normal"
    ),
    pytest.param(
        NORMAL, NORMAL, NOT_GRADABLE, U.NORMAL, (R.INCOMPLETE,), id="could not be completed"
    ),
    pytest.param(
        NORMAL,
        graded(adult(ice_points=10, consciousness=C.TOUCH)),
        ICE_8,
        U.NORMAL,
        (R.SCORE_WORSE, R.GRADE_FELL),
        id="3 -> 1 but ICE 10 -> 8: lower ICE still reported (safer reading)",
    ),
    pytest.param(
        NORMAL, ICE_9, ICE_6, U.HIGH, (R.GRADE_ROSE,), id="ICE 9 -> 6 (1 -> 2): the rise covers it"
    ),
    # Information only
    pytest.param(NORMAL, ICE_6, ICE_9, U.INFO, (R.GRADE_FELL,), id="2 -> 1: information"),
    pytest.param(NORMAL, ICE_9, NORMAL, U.INFO, (R.GRADE_FELL,), id="1 -> 0: information"),
    pytest.param(
        NORMAL, AT_LEAST_2, NORMAL, U.INFO, (R.GRADE_FELL,), id="at least 2 -> 0: information"
    ),
    # Nothing
    pytest.param(NORMAL, ICE_8, ICE_9, U.NONE, (), id="ICE 8 -> 9 in grade 1: none"),
    pytest.param(NORMAL, TREMOR, TREMOR, U.NONE, (), id="tremor persisting: none"),
    pytest.param(CAPD_0, CAPD_0, NORMAL, U.NONE, (), id="turned 12, CAPD 0 -> ICE 10: none"),
    # Highest wins
    pytest.param(
        NORMAL,
        ICE_9,
        graded(adult(ice_points=8, motor=frozenset({MotorFinding.TREMOR}))),
        U.NORMAL,
        (R.SCORE_WORSE, R.NEW_TREMOR),
        id="ICE lower in grade + new tremor: normal, both reasons",
    ),
    pytest.param(
        NORMAL,
        ICE_6,
        graded(adult(ice_points=9, icp=frozenset({IcpFinding.HEMORRHAGE}))),
        U.CRITICAL,
        (R.HEMORRHAGE, R.GRADE_FELL),
        id="fall in grade but haemorrhage: critical wins",
    ),
]


@pytest.mark.parametrize(("baseline", "previous", "new", "urgency", "reasons"), TABLE)
def test_escalation_table(
    baseline: IcansResult | None,
    previous: IcansResult | None,
    new: IcansResult,
    urgency: Urgency,
    reasons: tuple[TriggerReason, ...],
) -> None:
    triggers = escalation(baseline, previous, new)
    assert triggers.urgency is urgency
    assert triggers.reasons == reasons


def test_urgency_order() -> None:
    ranks = [u.rank for u in (U.NONE, U.INFO, U.NORMAL, U.HIGH, U.CRITICAL)]
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == 5


@pytest.mark.parametrize(
    ("urgency", "ack"),
    [(U.NONE, False), (U.INFO, False), (U.NORMAL, True), (U.HIGH, True), (U.CRITICAL, True)],
)
def test_information_needs_no_acknowledgement(urgency: Urgency, ack: bool) -> None:
    assert urgency.needs_acknowledgement is ack
