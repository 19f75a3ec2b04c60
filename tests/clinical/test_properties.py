"""Properties that must hold for every possible assessment, checked with hypothesis."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from bot.clinical import (
    REASON_URGENCY,
    Assessment,
    CapdAnswer,
    CapdAnswers,
    Consciousness,
    CrsInput,
    Domain,
    Flag,
    Hypotension,
    IcansResult,
    IceAnswers,
    IceItem,
    IcpFinding,
    ItemAnswer,
    MotorFinding,
    Oxygen,
    Seizure,
    Tool,
    escalation,
    grade_crs,
    grade_icans,
)
from bot.clinical.crs import HYPOTENSION_GRADES, OXYGEN_GRADES
from bot.clinical.icans import SEIZURE_GRADES

ice_answers = st.builds(
    IceAnswers.from_mapping,
    st.fixed_dictionaries({item: st.sampled_from(ItemAnswer) for item in IceItem}),
)
capd_answers = st.one_of(
    st.just(CapdAnswers.not_assessable()),
    st.tuples(*[st.sampled_from(CapdAnswer)] * 8).map(lambda items: CapdAnswers(items=items)),
)


@st.composite
def assessments(draw: st.DrawFn) -> Assessment:
    tool = draw(st.sampled_from(Tool))
    ice = draw(st.none() | ice_answers) if tool is Tool.ICE else None
    capd = draw(st.none() | capd_answers) if tool is Tool.CAPD else None
    return Assessment(
        tool=tool,
        consciousness=draw(st.sampled_from(Consciousness)),
        ice=ice,
        capd=capd,
        seizure=draw(st.sampled_from(Seizure)),
        motor=draw(st.frozensets(st.sampled_from(MotorFinding))),
        icp=draw(st.frozensets(st.sampled_from(IcpFinding))),
        attributed_elsewhere=draw(st.frozensets(st.sampled_from(Domain))),
    )


def known(result: IcansResult) -> int:
    return result.known_grade


@given(assessments())
def test_grades_stay_between_zero_and_four(assessment: Assessment) -> None:
    result = grade_icans(assessment)
    assert result.icans_grade is None or 0 <= result.icans_grade <= 4
    for grade in result.domain_grades.values():
        assert grade is None or 0 <= grade <= 4
    assert set(result.domain_grades) == set(Domain)


@given(assessments())
def test_scores_stay_in_range(assessment: Assessment) -> None:
    result = grade_icans(assessment)
    assert result.ice_score is None or 0 <= result.ice_score <= 10
    assert result.capd_score is None or 0 <= result.capd_score <= 32
    assert result.ice_score is None or result.capd_score is None


@given(assessments())
def test_an_incomplete_ice_never_yields_a_score(assessment: Assessment) -> None:
    result = grade_icans(assessment)
    if not result.complete:
        assert result.ice_score is None
        assert result.capd_score is None
    awake = assessment.consciousness is not Consciousness.UNAROUSABLE
    if awake and assessment.ice is not None and not assessment.ice.fully_assessed:
        assert result.ice_score is None
        assert not result.complete


@given(assessments())
def test_grade_is_the_max_of_counted_domains(assessment: Assessment) -> None:
    result = grade_icans(assessment)
    counted = [grade for grade in result.domain_grades.values() if grade is not None]
    highest = max(counted, default=0)
    if result.complete:
        assert result.icans_grade == highest
    else:
        assert result.icans_grade == (highest if highest > 0 else None)
    for domain in assessment.attributed_elsewhere:
        assert result.domain_grades[domain] is None


@given(assessments())
def test_not_assessable_flag_exactly_when_incomplete(assessment: Assessment) -> None:
    result = grade_icans(assessment)
    assert (Flag.NOT_ASSESSABLE in result.flags) is (not result.complete)


@given(assessments())
def test_grading_is_deterministic(assessment: Assessment) -> None:
    assert grade_icans(assessment) == grade_icans(assessment)


@given(assessments(), st.sampled_from(Domain))
def test_attribution_never_raises_the_grade(assessment: Assessment, domain: Domain) -> None:
    attributed = dataclasses.replace(
        assessment, attributed_elsewhere=assessment.attributed_elsewhere | {domain}
    )
    assert known(grade_icans(attributed)) <= known(grade_icans(assessment))


@given(assessments(), st.sampled_from(MotorFinding), st.sampled_from(IcpFinding))
def test_adding_a_motor_or_icp_finding_never_lowers_the_grade(
    assessment: Assessment, motor: MotorFinding, icp: IcpFinding
) -> None:
    before = grade_icans(assessment)
    more = dataclasses.replace(assessment, motor=assessment.motor | {motor})
    most = dataclasses.replace(more, icp=more.icp | {icp})
    assert known(before) <= known(grade_icans(more)) <= known(grade_icans(most))
    assert grade_icans(most).complete is before.complete


@given(assessments(), st.sampled_from(Seizure))
def test_a_worse_seizure_never_lowers_the_grade(assessment: Assessment, seizure: Seizure) -> None:
    if SEIZURE_GRADES[seizure] < SEIZURE_GRADES[assessment.seizure]:
        return
    worse = dataclasses.replace(assessment, seizure=seizure)
    assert known(grade_icans(worse)) >= known(grade_icans(assessment))


@given(assessments())
def test_deeper_consciousness_never_lowers_the_grade(assessment: Assessment) -> None:
    # A counted depression of consciousness: when a physician has attributed it elsewhere the
    # ICE of an unarousable patient is discarded by design (see test_icans).
    if Domain.CONSCIOUSNESS in assessment.attributed_elsewhere:
        return
    levels = list(Consciousness)
    position = levels.index(assessment.consciousness)
    for deeper in levels[position + 1 :]:
        worse = dataclasses.replace(assessment, consciousness=deeper)
        assert known(grade_icans(worse)) >= known(grade_icans(assessment))


@given(assessments(), st.sampled_from(IceItem))
def test_a_wrong_answer_never_lowers_the_grade(assessment: Assessment, item: IceItem) -> None:
    if assessment.ice is None:
        return
    answers = assessment.ice.as_mapping()
    if answers[item] is not ItemAnswer.CORRECT:
        return
    answers[item] = ItemAnswer.WRONG
    worse = dataclasses.replace(assessment, ice=IceAnswers.from_mapping(answers))
    assert known(grade_icans(worse)) >= known(grade_icans(assessment))


@given(assessments(), st.integers(0, 7))
def test_a_worse_capd_answer_never_lowers_the_grade(assessment: Assessment, index: int) -> None:
    if assessment.capd is None or assessment.capd.items is None:
        return
    items = list(assessment.capd.items)
    scale = list(CapdAnswer)
    position = scale.index(items[index])
    reversed_question = index < 4
    step = -1 if reversed_question else 1  # towards more points
    if not 0 <= position + step < len(scale):
        return
    items[index] = scale[position + step]
    worse = dataclasses.replace(assessment, capd=CapdAnswers(items=tuple(items)))
    before, after = grade_icans(assessment), grade_icans(worse)
    assert known(after) >= known(before)
    if before.capd_score is not None and after.capd_score is not None:
        assert after.capd_score == before.capd_score + 1


crs_inputs = st.builds(
    CrsInput,
    temperature_c=st.floats(30.0, 43.0),
    fever_treated=st.booleans(),
    hypotension=st.sampled_from(Hypotension),
    oxygen=st.sampled_from(Oxygen),
)


@given(crs_inputs, st.sampled_from(Hypotension), st.sampled_from(Oxygen))
def test_crs_more_support_never_lowers_the_grade(
    observations: CrsInput, hypotension: Hypotension, oxygen: Oxygen
) -> None:
    before = grade_crs(observations).crs_grade
    assert 0 <= before <= 4
    if HYPOTENSION_GRADES[hypotension] >= HYPOTENSION_GRADES[observations.hypotension]:
        worse = dataclasses.replace(observations, hypotension=hypotension)
        assert grade_crs(worse).crs_grade >= before
    if OXYGEN_GRADES[oxygen] >= OXYGEN_GRADES[observations.oxygen]:
        worse = dataclasses.replace(observations, oxygen=oxygen)
        assert grade_crs(worse).crs_grade >= before


@given(crs_inputs)
def test_crs_fever_or_treatment_never_lowers_the_grade(observations: CrsInput) -> None:
    before = grade_crs(observations).crs_grade
    feverish = dataclasses.replace(observations, temperature_c=39.0)
    treated = dataclasses.replace(observations, fever_treated=True)
    assert grade_crs(feverish).crs_grade >= before
    assert grade_crs(treated).crs_grade >= before


@given(st.none() | assessments(), st.none() | assessments(), assessments())
def test_urgency_is_the_highest_reason(
    baseline: Assessment | None, previous: Assessment | None, new: Assessment
) -> None:
    triggers = escalation(
        None if baseline is None else grade_icans(baseline),
        None if previous is None else grade_icans(previous),
        grade_icans(new),
    )
    if not triggers.reasons:
        assert triggers.urgency.rank == 0
        return
    assert triggers.urgency == max(
        (REASON_URGENCY[reason] for reason in triggers.reasons), key=lambda u: u.rank
    )
    assert len(set(triggers.reasons)) == len(triggers.reasons)
