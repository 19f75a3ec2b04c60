"""Comparison of a new check with the previous check and the baseline."""

from __future__ import annotations

import pytest

from bot.clinical import (
    CapdAnswers,
    Consciousness,
    Domain,
    IcansResult,
    IceItem,
    MotorFinding,
    compare,
)
from tests.clinical.builders import adult, child, graded, ice_not_assessable

C = Consciousness

NORMAL = graded(adult(ice_points=10))
ICE_9 = graded(adult(ice_points=9))
ICE_8 = graded(adult(ice_points=8))
ICE_9_DROWSY = graded(adult(ice_points=9, consciousness=C.DROWSY))
ICE_6 = graded(adult(ice_points=6))
ICE_2 = graded(adult(ice_points=2))
NOT_GRADABLE = graded(adult(ice=ice_not_assessable(IceItem.WRITING)))
AT_LEAST_2 = graded(adult(ice=ice_not_assessable(IceItem.WRITING), consciousness=C.VOICE))
AT_LEAST_1 = graded(adult(ice=ice_not_assessable(IceItem.WRITING), consciousness=C.DROWSY))
TREMOR = graded(adult(motor=frozenset({MotorFinding.TREMOR})))
MYOCLONUS = graded(adult(motor=frozenset({MotorFinding.MYOCLONUS})))
ICE_8_ATTRIBUTED = graded(adult(ice_points=8, attributed=frozenset({Domain.ICE})))
CAPD_0 = graded(child(capd_points=0))
CAPD_2 = graded(child(capd_points=2))
CAPD_5 = graded(child(capd_points=5))


@pytest.mark.parametrize(
    ("baseline", "previous", "new", "delta"),
    [
        pytest.param(NORMAL, NORMAL, NORMAL, 0, id="0 -> 0: delta 0"),
        pytest.param(NORMAL, NORMAL, ICE_9, 1, id="0 -> 1: up 1"),
        pytest.param(NORMAL, NORMAL, ICE_6, 2, id="0 -> 2: up 2"),
        pytest.param(NORMAL, ICE_6, ICE_2, 1, id="2 -> 3: up 1"),
        pytest.param(NORMAL, ICE_2, NORMAL, -3, id="3 -> 0: down 3"),
        pytest.param(NORMAL, None, ICE_9, 1, id="no previous: compared with baseline"),
        pytest.param(None, None, ICE_9, None, id="no previous, no baseline: not comparable"),
        pytest.param(NORMAL, NORMAL, AT_LEAST_2, 2, id="0 -> at least 2: up at least 2"),
        pytest.param(NORMAL, ICE_6, AT_LEAST_1, None, id="2 -> at least 1: fall not established"),
        pytest.param(NORMAL, ICE_6, NOT_GRADABLE, None, id="2 -> not gradable: not comparable"),
        pytest.param(NORMAL, AT_LEAST_2, NORMAL, -2, id="at least 2 -> 0: definite fall"),
        pytest.param(NORMAL, NOT_GRADABLE, ICE_9, 1, id="not gradable -> 1: possible rise, up"),
    ],
)
def test_grade_delta(
    baseline: IcansResult | None, previous: IcansResult | None, new: IcansResult, delta: int | None
) -> None:
    change = compare(baseline, previous, new)
    assert change.grade_delta == delta
    assert change.rose is (delta is not None and delta > 0)
    assert change.fell is (delta is not None and delta < 0)


@pytest.mark.parametrize(
    ("previous", "new", "worse"),
    [
        pytest.param(ICE_9, ICE_8, True, id="ICE 9 -> 8: worse"),
        pytest.param(ICE_8, ICE_9, False, id="ICE 8 -> 9: better"),
        pytest.param(ICE_8, ICE_8, False, id="ICE 8 -> 8: same"),
        pytest.param(ICE_8, ICE_6, True, id="ICE 8 -> 6: worse (grade rose too)"),
        pytest.param(NOT_GRADABLE, ICE_8, False, id="no previous ICE score: not comparable"),
        pytest.param(CAPD_2, CAPD_5, True, id="CAPD 2 -> 5: worse (higher)"),
        pytest.param(CAPD_5, CAPD_2, False, id="CAPD 5 -> 2: better"),
        pytest.param(CAPD_0, NORMAL, False, id="turned 12: CAPD and ICE never compared"),
    ],
)
def test_score_worse(previous: IcansResult, new: IcansResult, worse: bool) -> None:
    assert compare(None, previous, new).score_worse is worse


@pytest.mark.parametrize(
    ("baseline", "new", "abnormal", "at_baseline"),
    [
        pytest.param(NORMAL, NORMAL, False, True, id="ICE 10 like baseline: at baseline"),
        pytest.param(NORMAL, ICE_9, True, False, id="grade 1: abnormal"),
        pytest.param(
            NORMAL,
            ICE_8_ATTRIBUTED,
            True,
            False,
            id="ICE 8 attributed (grade 0) but below baseline 10: abnormal",
        ),
        pytest.param(
            ICE_9, ICE_9, False, True, id="baseline deficit ICE 9, new equal: at baseline"
        ),
        pytest.param(ICE_9, NORMAL, False, True, id="baseline ICE 9, new ICE 10: at baseline"),
        pytest.param(ICE_9, ICE_8, True, False, id="baseline ICE 9, new ICE 8: abnormal"),
        pytest.param(
            ICE_9,
            ICE_9_DROWSY,
            True,
            False,
            id="baseline ICE 9, new drowsy, same grade 1: a new domain, abnormal",
        ),
        pytest.param(ICE_6, ICE_9, False, True, id="baseline grade 2, new grade 1: at baseline"),
        pytest.param(None, NORMAL, False, True, id="no baseline, grade 0: at baseline"),
        pytest.param(NORMAL, NOT_GRADABLE, False, False, id="incomplete: never at baseline"),
        pytest.param(NORMAL, AT_LEAST_1, True, False, id="at least 1: abnormal"),
        pytest.param(CAPD_0, CAPD_2, True, False, id="CAPD 0 -> 2: abnormal"),
        pytest.param(CAPD_0, CAPD_0, False, True, id="CAPD 0 like baseline: at baseline"),
    ],
)
def test_abnormal_and_back_at_baseline(
    baseline: IcansResult | None, new: IcansResult, abnormal: bool, at_baseline: bool
) -> None:
    change = compare(baseline, None, new)
    assert change.abnormal is abnormal
    assert change.at_baseline is at_baseline


def test_below_baseline_uses_baseline_not_previous() -> None:
    change = compare(NORMAL, ICE_8_ATTRIBUTED, ICE_8_ATTRIBUTED)
    assert change.below_baseline
    assert not change.score_worse


@pytest.mark.parametrize(
    ("previous", "new", "new_tremor", "new_myoclonus"),
    [
        pytest.param(NORMAL, TREMOR, True, False, id="tremor appears: new tremor"),
        pytest.param(TREMOR, TREMOR, False, False, id="tremor persists: not new"),
        pytest.param(TREMOR, NORMAL, False, False, id="tremor gone: nothing new"),
        pytest.param(NORMAL, MYOCLONUS, False, True, id="myoclonus appears: new myoclonus"),
        pytest.param(TREMOR, MYOCLONUS, False, True, id="tremor -> myoclonus: new myoclonus"),
        pytest.param(None, TREMOR, True, False, id="first ever check with tremor: new"),
    ],
)
def test_new_tremor_or_myoclonus(
    previous: IcansResult | None, new: IcansResult, new_tremor: bool, new_myoclonus: bool
) -> None:
    change = compare(None, previous, new)
    assert (change.new_tremor, change.new_myoclonus) == (new_tremor, new_myoclonus)


def test_incomplete_is_reported() -> None:
    assert compare(NORMAL, NORMAL, graded(child(capd=CapdAnswers.not_assessable()))).incomplete
    assert not compare(NORMAL, NORMAL, NORMAL).incomplete
