"""ICANS grade over five domains: every cell and footnote of bot/clinical/README.md sections 1-5."""

from __future__ import annotations

import dataclasses

import pytest

from bot.clinical import (
    RULESET_VERSION,
    Assessment,
    CapdAnswers,
    Consciousness,
    Domain,
    Flag,
    IcansResult,
    IceAnswers,
    IceItem,
    IcpFinding,
    ItemAnswer,
    MotorFinding,
    Seizure,
    Tool,
    grade_icans,
)
from tests.clinical.builders import adult, child, graded, ice_not_assessable, ice_scoring

C = Consciousness
D = Domain
M = MotorFinding
S = Seizure
ICP = IcpFinding


def domains(
    ice: int | None = 0,
    consciousness: int | None = 0,
    seizure: int | None = 0,
    motor: int | None = 0,
    icp: int | None = 0,
) -> dict[Domain, int | None]:
    return {
        D.ICE: ice,
        D.CONSCIOUSNESS: consciousness,
        D.SEIZURE: seizure,
        D.MOTOR: motor,
        D.ICP: icp,
    }


# Each row: the assessment, the expected domain grades and the expected ICANS grade.
TABLE = [
    # ICE domain (section 1)
    pytest.param(adult(ice_points=10), domains(), 0, id="ICE 10, alert, nothing else -> 0"),
    pytest.param(adult(ice_points=9), domains(ice=1), 1, id="ICE 9 -> 1"),
    pytest.param(adult(ice_points=7), domains(ice=1), 1, id="ICE 7 -> 1"),
    pytest.param(adult(ice_points=6), domains(ice=2), 2, id="ICE 6 -> 2"),
    pytest.param(adult(ice_points=3), domains(ice=2), 2, id="ICE 3 -> 2"),
    pytest.param(adult(ice_points=2), domains(ice=3), 3, id="ICE 2 -> 3"),
    pytest.param(
        adult(ice_points=0), domains(ice=3), 3, id="ICE 0 AWAKE (global aphasia) -> 3, not 4"
    ),
    # Depressed level of consciousness
    pytest.param(adult(consciousness=C.ALERT), domains(), 0, id="alert -> 0"),
    pytest.param(
        adult(consciousness=C.DROWSY),
        domains(consciousness=1),
        1,
        id="drowsy but wakes by itself -> 1",
    ),
    pytest.param(
        adult(consciousness=C.VOICE), domains(consciousness=2), 2, id="wakes to voice -> 2"
    ),
    pytest.param(
        adult(consciousness=C.TOUCH), domains(consciousness=3), 3, id="wakes only to touch -> 3"
    ),
    pytest.param(
        adult(consciousness=C.UNAROUSABLE),
        domains(ice=4, consciousness=4),
        4,
        id="unarousable -> 4 (ICE not performed, domain 4)",
    ),
    # Seizure
    pytest.param(adult(seizure=S.NONE), domains(), 0, id="no seizure -> 0"),
    pytest.param(
        adult(seizure=S.RESOLVED_RAPIDLY),
        domains(seizure=3),
        3,
        id="clinical seizure resolving rapidly -> 3",
    ),
    pytest.param(
        adult(seizure=S.EEG_RESOLVED_WITH_INTERVENTION),
        domains(seizure=3),
        3,
        id="non-convulsive EEG seizure resolving with intervention -> 3",
    ),
    pytest.param(
        adult(seizure=S.PROLONGED), domains(seizure=4), 4, id="seizure over 5 minutes -> 4"
    ),
    pytest.param(
        adult(seizure=S.REPETITIVE),
        domains(seizure=4),
        4,
        id="repetitive seizures without return to baseline -> 4",
    ),
    # Motor findings
    pytest.param(adult(motor=frozenset({M.TREMOR})), domains(), 0, id="tremor alone -> 0"),
    pytest.param(adult(motor=frozenset({M.MYOCLONUS})), domains(), 0, id="myoclonus alone -> 0"),
    pytest.param(
        adult(motor=frozenset({M.FOCAL_WEAKNESS})),
        domains(motor=4),
        4,
        id="deep focal motor weakness -> 4",
    ),
    # Raised ICP / cerebral oedema
    pytest.param(
        adult(icp=frozenset({ICP.FOCAL_EDEMA})), domains(icp=3), 3, id="focal oedema -> 3"
    ),
    pytest.param(
        adult(icp=frozenset({ICP.DIFFUSE_EDEMA})), domains(icp=4), 4, id="diffuse oedema -> 4"
    ),
    pytest.param(
        adult(icp=frozenset({ICP.POSTURING})),
        domains(icp=4),
        4,
        id="decerebrate/decorticate posturing -> 4",
    ),
    pytest.param(
        adult(icp=frozenset({ICP.CN6_PALSY})), domains(icp=4), 4, id="sixth nerve palsy -> 4"
    ),
    pytest.param(
        adult(icp=frozenset({ICP.PAPILLEDEMA})), domains(icp=4), 4, id="papilloedema -> 4"
    ),
    pytest.param(
        adult(icp=frozenset({ICP.CUSHING_TRIAD})), domains(icp=4), 4, id="Cushing's triad -> 4"
    ),
    pytest.param(
        adult(icp=frozenset({ICP.HEMORRHAGE})),
        domains(),
        0,
        id="intracranial haemorrhage alone is not graded -> 0",
    ),
    pytest.param(
        adult(icp=frozenset({ICP.HEMORRHAGE, ICP.FOCAL_EDEMA})),
        domains(icp=3),
        3,
        id="haemorrhage with focal oedema -> 3 from the oedema only",
    ),
    # Combinations: the grade is the highest domain
    pytest.param(
        adult(ice_points=3, seizure=S.RESOLVED_RAPIDLY),
        domains(ice=2, seizure=3),
        3,
        id="consensus worked example: ICE 3 + generalised seizure -> 3",
    ),
    pytest.param(
        adult(ice_points=8, consciousness=C.VOICE),
        domains(ice=1, consciousness=2),
        2,
        id="ICE 8 + wakes to voice -> 2",
    ),
    pytest.param(
        adult(ice_points=5, icp=frozenset({ICP.FOCAL_EDEMA}), motor=frozenset({M.FOCAL_WEAKNESS})),
        domains(ice=2, motor=4, icp=3),
        4,
        id="ICE 5 + focal oedema + focal weakness -> 4",
    ),
    pytest.param(
        adult(ice_points=0, consciousness=C.TOUCH),
        domains(ice=3, consciousness=3),
        3,
        id="ICE 0 and wakes only to touch (awake enough to test) -> 3",
    ),
]


@pytest.mark.parametrize(("assessment", "expected_domains", "expected_grade"), TABLE)
def test_icans_table(
    assessment: Assessment, expected_domains: dict[Domain, int | None], expected_grade: int
) -> None:
    result = grade_icans(assessment)
    assert dict(result.domain_grades) == expected_domains
    assert result.icans_grade == expected_grade
    assert result.complete


def test_example_from_the_cli_contract() -> None:
    right, wrong = ItemAnswer.CORRECT, ItemAnswer.WRONG
    ice = IceAnswers(
        year=wrong,
        month=wrong,
        city=wrong,
        hospital=wrong,
        naming=(right, right, wrong),
        command=right,
        writing=wrong,
        attention=wrong,
    )
    result = grade_icans(adult(ice=ice, seizure=S.RESOLVED_RAPIDLY))
    assert result.ice_score == 3
    assert dict(result.domain_grades) == domains(ice=2, seizure=3)
    assert result.icans_grade == 3
    assert result.complete
    assert result.flags == frozenset()


class TestUnarousable:
    """ICE 0 counts as grade 4 only when the patient cannot be roused to do it."""

    def test_unarousable_records_ice_zero_and_grade_four(self) -> None:
        result = graded(adult(consciousness=C.UNAROUSABLE))
        assert result.ice_score == 0
        assert result.domain_grades[D.ICE] == 4
        assert result.icans_grade == 4
        assert result.complete
        assert Flag.NOT_ASSESSABLE not in result.flags

    def test_answers_given_for_an_unarousable_patient_are_ignored(self) -> None:
        # A perfect ICE recorded by mistake must not make an unarousable patient look well.
        result = graded(adult(consciousness=C.UNAROUSABLE, ice_points=10))
        assert result.ice_score == 0
        assert result.icans_grade == 4

    def test_unarousable_without_ice_answers(self) -> None:
        result = grade_icans(Assessment(tool=Tool.ICE, consciousness=C.UNAROUSABLE))
        assert (result.ice_score, result.icans_grade, result.complete) == (0, 4, True)

    def test_awake_zero_is_three_and_unarousable_zero_is_four(self) -> None:
        awake = graded(adult(ice_points=0))
        asleep = graded(adult(consciousness=C.UNAROUSABLE))
        assert awake.ice_score == asleep.ice_score == 0
        assert (awake.icans_grade, asleep.icans_grade) == (3, 4)

    def test_unarousable_child_has_no_capd_score_and_grade_four(self) -> None:
        result = graded(child(consciousness=C.UNAROUSABLE))
        assert result.capd_score is None
        assert result.ice_score is None
        assert result.domain_grades[D.ICE] == 4
        assert result.icans_grade == 4
        assert result.complete

    def test_sedated_unarousable_patient_is_incomplete(self) -> None:
        # The physician attributes the unarousable state to sedation: the ICE could not be
        # performed for another reason, so it is neither 0 nor grade 4.
        result = graded(adult(consciousness=C.UNAROUSABLE, attributed=frozenset({D.CONSCIOUSNESS})))
        assert result.ice_score is None
        assert result.domain_grades[D.ICE] is None
        assert result.domain_grades[D.CONSCIOUSNESS] is None
        assert result.icans_grade is None
        assert not result.complete
        assert Flag.NOT_ASSESSABLE in result.flags

    def test_sedated_unarousable_patient_with_a_seizure_is_at_least_three(self) -> None:
        result = graded(
            adult(
                consciousness=C.UNAROUSABLE,
                seizure=S.RESOLVED_RAPIDLY,
                attributed=frozenset({D.CONSCIOUSNESS}),
            )
        )
        assert result.icans_grade == 3
        assert not result.complete

    def test_sedated_unarousable_child_is_incomplete(self) -> None:
        result = graded(child(consciousness=C.UNAROUSABLE, attributed=frozenset({D.CONSCIOUSNESS})))
        assert result.domain_grades[D.ICE] is None
        assert not result.complete

    def test_unarousable_with_only_the_ice_domain_attributed_is_still_four(self) -> None:
        result = graded(adult(consciousness=C.UNAROUSABLE, attributed=frozenset({D.ICE})))
        assert result.ice_score == 0
        assert result.domain_grades[D.ICE] is None
        assert result.domain_grades[D.CONSCIOUSNESS] == 4
        assert result.icans_grade == 4
        assert result.complete


ATTRIBUTION = [
    pytest.param(
        adult(ice_points=2, attributed=frozenset({D.ICE})),
        D.ICE,
        id="ICE 2 attributed elsewhere -> ICE domain null, grade 0",
    ),
    pytest.param(
        adult(consciousness=C.VOICE, attributed=frozenset({D.CONSCIOUSNESS})),
        D.CONSCIOUSNESS,
        id="wakes to voice from a sedative -> consciousness null, grade 0",
    ),
    pytest.param(
        adult(seizure=S.PROLONGED, attributed=frozenset({D.SEIZURE})),
        D.SEIZURE,
        id="prolonged seizure attributed elsewhere -> seizure null, grade 0",
    ),
    pytest.param(
        adult(motor=frozenset({M.FOCAL_WEAKNESS}), attributed=frozenset({D.MOTOR})),
        D.MOTOR,
        id="focal weakness attributed elsewhere -> motor null, grade 0",
    ),
    pytest.param(
        adult(icp=frozenset({ICP.DIFFUSE_EDEMA}), attributed=frozenset({D.ICP})),
        D.ICP,
        id="diffuse oedema attributed elsewhere -> icp null, grade 0",
    ),
    pytest.param(
        child(capd_points=20, attributed=frozenset({D.ICE})),
        D.ICE,
        id="CAPD 20 attributed elsewhere -> CAPD domain null, grade 0",
    ),
]


@pytest.mark.parametrize(("assessment", "domain"), ATTRIBUTION)
def test_attribution_removes_the_domain(assessment: Assessment, domain: Domain) -> None:
    result = grade_icans(assessment)
    assert result.domain_grades[domain] is None
    assert result.icans_grade == 0
    assert result.complete
    unattributed = grade_icans(dataclasses.replace(assessment, attributed_elsewhere=frozenset()))
    assert unattributed.domain_grades[domain] is not None
    assert unattributed.known_grade > 0


def test_attribution_keeps_the_score_the_nurse_obtained() -> None:
    result = graded(adult(ice_points=2, attributed=frozenset({D.ICE})))
    assert result.ice_score == 2


def test_attribution_leaves_other_domains_counting() -> None:
    result = graded(
        adult(consciousness=C.TOUCH, ice_points=5, attributed=frozenset({D.CONSCIOUSNESS}))
    )
    assert result.domain_grades[D.CONSCIOUSNESS] is None
    assert result.icans_grade == 2


def test_everything_attributed_is_grade_zero_when_complete() -> None:
    result = graded(adult(ice_points=0, seizure=S.PROLONGED, attributed=frozenset(Domain)))
    assert result.icans_grade == 0
    assert result.complete


class TestFlags:
    """Findings that never change the grade but must reach a physician."""

    @pytest.mark.parametrize(
        ("motor", "flags"),
        [
            pytest.param(frozenset({M.TREMOR}), {Flag.TREMOR}, id="tremor -> flag"),
            pytest.param(frozenset({M.MYOCLONUS}), {Flag.MYOCLONUS}, id="myoclonus -> flag"),
            pytest.param(
                frozenset({M.TREMOR, M.MYOCLONUS, M.FOCAL_WEAKNESS}),
                {Flag.TREMOR, Flag.MYOCLONUS},
                id="tremor + myoclonus + weakness -> both flags",
            ),
        ],
    )
    def test_motor_flags(self, motor: frozenset[MotorFinding], flags: set[Flag]) -> None:
        assert graded(adult(motor=motor)).flags == flags

    def test_tremor_does_not_change_the_grade(self) -> None:
        plain = graded(adult(ice_points=8))
        tremor = graded(adult(ice_points=8, motor=frozenset({M.TREMOR, M.MYOCLONUS})))
        assert plain.icans_grade == tremor.icans_grade == 1

    def test_haemorrhage_is_a_flag_and_recorded(self) -> None:
        result = graded(adult(icp=frozenset({ICP.HEMORRHAGE})))
        assert result.flags == {Flag.HEMORRHAGE}
        assert result.recorded_hemorrhage

    def test_attributed_motor_findings_are_not_flagged(self) -> None:
        result = graded(adult(motor=frozenset({M.TREMOR}), attributed=frozenset({D.MOTOR})))
        assert result.flags == frozenset()

    def test_attributed_haemorrhage_is_still_flagged_and_recorded(self) -> None:
        result = graded(adult(icp=frozenset({ICP.HEMORRHAGE}), attributed=frozenset({D.ICP})))
        assert result.flags == {Flag.HEMORRHAGE}
        assert result.recorded_hemorrhage
        assert result.domain_grades[D.ICP] is None

    def test_attributed_seizure_stays_recorded(self) -> None:
        result = graded(adult(seizure=S.REPETITIVE, attributed=frozenset({D.SEIZURE})))
        assert result.recorded_seizure is S.REPETITIVE

    def test_no_findings_no_flags(self) -> None:
        assert graded(adult()).flags == frozenset()


class TestNotAssessable:
    """An item that could not be done never scores 0 and never counts as correct."""

    @pytest.mark.parametrize(
        "item",
        [pytest.param(item, id=f"{item} not assessable -> incomplete") for item in IceItem],
    )
    def test_any_item_makes_the_result_incomplete(self, item: IceItem) -> None:
        result = graded(adult(ice=ice_not_assessable(item)))
        assert result.ice_score is None
        assert result.domain_grades[D.ICE] is None
        assert not result.complete
        assert result.icans_grade is None  # "not gradable": nothing counted above 0
        assert result.flags == {Flag.NOT_ASSESSABLE}

    def test_incomplete_reports_at_least_the_known_grade(self) -> None:
        result = graded(adult(ice=ice_not_assessable(IceItem.WRITING), consciousness=C.VOICE))
        assert result.icans_grade == 2
        assert result.grade_is_lower_bound

    def test_capd_not_assessable_is_incomplete(self) -> None:
        result = graded(child(capd=CapdAnswers.not_assessable()))
        assert result.capd_score is None
        assert result.domain_grades[D.ICE] is None
        assert result.icans_grade is None
        assert not result.complete
        assert Flag.NOT_ASSESSABLE in result.flags

    def test_capd_not_assessable_with_touch_is_at_least_three(self) -> None:
        result = graded(child(capd=CapdAnswers.not_assessable(), consciousness=C.TOUCH))
        assert result.icans_grade == 3
        assert not result.complete

    def test_missing_ice_is_treated_as_not_performed(self) -> None:
        # For example a seizure reported between scheduled checks.
        result = grade_icans(Assessment(tool=Tool.ICE, seizure=S.RESOLVED_RAPIDLY))
        assert result.ice_score is None
        assert result.icans_grade == 3
        assert not result.complete

    def test_not_assessable_with_ice_attributed_stays_incomplete(self) -> None:
        result = graded(adult(ice=ice_not_assessable(IceItem.CITY), attributed=frozenset({D.ICE})))
        assert not result.complete
        assert Flag.NOT_ASSESSABLE in result.flags


class TestCapdChildren:
    """The other four domains grade exactly as for adults."""

    @pytest.mark.parametrize(
        ("assessment", "grade"),
        [
            pytest.param(child(capd_points=0), 0, id="child CAPD 0 -> 0"),
            pytest.param(child(capd_points=8), 1, id="child CAPD 8 -> 1"),
            pytest.param(child(capd_points=9), 3, id="child CAPD 9 -> 3"),
            pytest.param(child(consciousness=C.VOICE), 2, id="child wakes to voice -> 2"),
            pytest.param(
                child(capd_points=4, seizure=S.PROLONGED), 4, id="child prolonged seizure -> 4"
            ),
            pytest.param(child(icp=frozenset({ICP.FOCAL_EDEMA})), 3, id="child focal oedema -> 3"),
        ],
    )
    def test_child_grade(self, assessment: Assessment, grade: int) -> None:
        result = grade_icans(assessment)
        assert result.tool is Tool.CAPD
        assert result.ice_score is None
        assert result.icans_grade == grade


class TestResultShape:
    def test_result_records_the_ruleset(self) -> None:
        assert graded(adult()).ruleset == RULESET_VERSION

    def test_result_is_frozen_and_hashable(self) -> None:
        result = graded(adult())
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.icans_grade = 4  # type: ignore[misc]
        assert hash(result) == hash(graded(adult()))
        assert result == graded(adult())

    def test_domain_grades_cannot_be_modified(self) -> None:
        result: IcansResult = graded(adult())
        with pytest.raises(TypeError):
            result.domain_grades[D.ICE] = 4  # type: ignore[index]

    def test_ice_answers_with_the_capd_tool_are_rejected(self) -> None:
        with pytest.raises(ValueError, match="tool is CAPD"):
            Assessment(tool=Tool.CAPD, ice=ice_scoring(10))

    def test_capd_answers_with_the_ice_tool_are_rejected(self) -> None:
        with pytest.raises(ValueError, match="tool is ICE"):
            Assessment(tool=Tool.ICE, capd=CapdAnswers.not_assessable())

    def test_plain_strings_are_rejected(self) -> None:
        with pytest.raises(TypeError):
            Assessment(tool=Tool.ICE, seizure="prolonged")  # type: ignore[arg-type]
