"""ICANS grade over the five domains (ASTCT 2019), with every footnote of bot/clinical/README.md.

The grade is the highest domain grade, counting only findings a physician has not attributed
to another cause. When the ICE/CAPD domain cannot be graded for a reason other than the
patient being unarousable, the result is INCOMPLETE and its grade is a lower bound
("at least grade N"), or None when that lower bound is 0 ("not gradable").
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from bot.clinical.capd import CapdAnswers, capd_domain_grade, capd_score
from bot.clinical.ice import IceAnswers, ice_domain_grade, ice_score
from bot.clinical.ruleset import RULESET_VERSION
from bot.clinical.vocabulary import (
    Consciousness,
    Domain,
    Flag,
    IcpFinding,
    MotorFinding,
    Seizure,
    Tool,
)

MAX_COMPUTED_GRADE: Final = 4
"""Grade 5 (death from ICANS) is recorded by a physician, never computed."""

UNAROUSABLE_GRADE: Final = 4

CONSCIOUSNESS_GRADES: Final[Mapping[Consciousness, int]] = types.MappingProxyType(
    {
        Consciousness.ALERT: 0,
        Consciousness.DROWSY: 1,
        Consciousness.VOICE: 2,
        Consciousness.TOUCH: 3,
        Consciousness.UNAROUSABLE: 4,
    }
)

SEIZURE_GRADES: Final[Mapping[Seizure, int]] = types.MappingProxyType(
    {
        Seizure.NONE: 0,
        Seizure.RESOLVED_RAPIDLY: 3,
        Seizure.EEG_RESOLVED_WITH_INTERVENTION: 3,
        Seizure.PROLONGED: 4,
        Seizure.REPETITIVE: 4,
    }
)

# Tremor and myoclonus never change the grade (they are flags); only deep focal weakness is
# graded, and only as 4.
MOTOR_GRADES: Final[Mapping[MotorFinding, int]] = types.MappingProxyType(
    {
        MotorFinding.TREMOR: 0,
        MotorFinding.MYOCLONUS: 0,
        MotorFinding.FOCAL_WEAKNESS: 4,
    }
)

# Haemorrhage is excluded from ICANS grading (it has its own emergency track), hence 0.
ICP_GRADES: Final[Mapping[IcpFinding, int]] = types.MappingProxyType(
    {
        IcpFinding.FOCAL_EDEMA: 3,
        IcpFinding.DIFFUSE_EDEMA: 4,
        IcpFinding.POSTURING: 4,
        IcpFinding.CN6_PALSY: 4,
        IcpFinding.PAPILLEDEMA: 4,
        IcpFinding.CUSHING_TRIAD: 4,
        IcpFinding.HEMORRHAGE: 0,
    }
)


@dataclass(frozen=True, slots=True)
class Assessment:
    """One neuro check (or one event reported between checks), as recorded.

    `tool` has already been chosen (see `bot.clinical.tool.select_tool`). `ice` is used only
    when the tool is ICE and `capd` only when it is CAPD; when the patient is unarousable
    neither is used. A missing ICE/CAPD (for example a seizure reported between checks) is
    treated as "not performed": the result is incomplete, never a guessed score.
    `attributed_elsewhere` holds the domains a physician attributed to another cause.
    """

    tool: Tool
    consciousness: Consciousness = Consciousness.ALERT
    ice: IceAnswers | None = None
    capd: CapdAnswers | None = None
    seizure: Seizure = Seizure.NONE
    motor: frozenset[MotorFinding] = frozenset()
    icp: frozenset[IcpFinding] = frozenset()
    attributed_elsewhere: frozenset[Domain] = frozenset()

    def __post_init__(self) -> None:
        # Catch mismatches that mypy cannot see (values rebuilt from storage or JSON): a
        # stray string would otherwise fall through a lookup and grade as nothing.
        _check_enum("tool", self.tool, Tool)
        _check_enum("consciousness", self.consciousness, Consciousness)
        _check_enum("seizure", self.seizure, Seizure)
        _check_set("motor", self.motor, MotorFinding)
        _check_set("icp", self.icp, IcpFinding)
        _check_set("attributed_elsewhere", self.attributed_elsewhere, Domain)
        if self.tool is Tool.CAPD and self.ice is not None:
            raise ValueError("ICE answers given but the tool is CAPD")
        if self.tool is Tool.ICE and self.capd is not None:
            raise ValueError("CAPD answers given but the tool is ICE")

    def counts(self, domain: Domain) -> bool:
        """True unless a physician attributed this domain to another cause."""
        return domain not in self.attributed_elsewhere


def _check_enum(name: str, value: object, kind: type[object]) -> None:
    if not isinstance(value, kind):
        raise TypeError(f"{name}: expected {kind.__name__}, got {value!r}")


def _check_set(name: str, values: object, kind: type[object]) -> None:
    if not isinstance(values, frozenset):
        raise TypeError(f"{name}: expected a frozenset, got {values!r}")
    for value in values:
        _check_enum(name, value, kind)


@dataclass(frozen=True, slots=True)
class IcansResult:
    """The graded check.

    `icans_grade` is exact when `complete`, otherwise "at least this grade" (None when that is
    0). `domain_grades` has every `Domain` as a key; None means not graded (could not be
    assessed, or attributed elsewhere). `recorded_seizure` and `recorded_hemorrhage` keep what
    the nurse recorded even if a physician attributed it elsewhere, because the escalation
    track treats any seizure or haemorrhage as critical on its own.
    """

    tool: Tool
    ice_score: int | None
    capd_score: int | None
    domain_grades: Mapping[Domain, int | None] = field(hash=False)
    icans_grade: int | None
    complete: bool
    flags: frozenset[Flag]
    recorded_seizure: Seizure = Seizure.NONE
    recorded_hemorrhage: bool = False
    ruleset: str = RULESET_VERSION

    @property
    def grade_is_lower_bound(self) -> bool:
        """True when `icans_grade` means "at least" (the ICE/CAPD domain is missing)."""
        return not self.complete

    @property
    def known_grade(self) -> int:
        """The grade, or its lower bound; 0 for "not gradable". Used for comparisons."""
        return 0 if self.icans_grade is None else self.icans_grade

    def score(self) -> int | None:
        """The ICE or CAPD score, whichever tool was used."""
        return self.ice_score if self.tool is Tool.ICE else self.capd_score


@dataclass(frozen=True, slots=True)
class _Cognitive:
    """The ICE/CAPD domain before attribution: scores, grade and whether it was gradable."""

    ice_score: int | None
    capd_score: int | None
    grade: int | None

    @property
    def gradable(self) -> bool:
        return self.grade is not None


def consciousness_grade(level: Consciousness) -> int:
    """Alert 0, drowsy (wakes by itself) 1, voice 2, touch 3, unarousable 4."""
    return CONSCIOUSNESS_GRADES[level]


def seizure_grade(seizure: Seizure) -> int:
    """Any rapidly resolving or EEG seizure 3; prolonged (>5 min) or repetitive 4."""
    return SEIZURE_GRADES[seizure]


def motor_grade(findings: frozenset[MotorFinding]) -> int:
    """4 with deep focal weakness, else 0 (tremor and myoclonus are flags, not grades)."""
    return max((MOTOR_GRADES[finding] for finding in findings), default=0)


def icp_grade(findings: frozenset[IcpFinding]) -> int:
    """Focal oedema 3; diffuse oedema, posturing, CN VI palsy, papilloedema, Cushing 4."""
    return max((ICP_GRADES[finding] for finding in findings), default=0)


def _cognitive(assessment: Assessment) -> _Cognitive:
    """Grade the ICE/CAPD domain, honouring the unarousable footnotes.

    Unarousable: the test is not performed; ICE is recorded as 0 and the domain is grade 4 -
    unless a physician attributed the depressed consciousness elsewhere (a sedated patient).
    Then the test could not be done for another reason and the domain is ungradable, exactly
    like a "not assessable" answer (the grading command,
    bot/clinical/README.md). A CAPD child who is unarousable has no CAPD
    score (there is no CAPD "0 because unarousable").
    """
    if assessment.consciousness is Consciousness.UNAROUSABLE:
        if not assessment.counts(Domain.CONSCIOUSNESS):
            return _Cognitive(ice_score=None, capd_score=None, grade=None)
        unarousable_ice = 0 if assessment.tool is Tool.ICE else None
        return _Cognitive(ice_score=unarousable_ice, capd_score=None, grade=UNAROUSABLE_GRADE)
    if assessment.tool is Tool.ICE:
        ice = None if assessment.ice is None else ice_score(assessment.ice)
        grade = None if ice is None else ice_domain_grade(ice)
        return _Cognitive(ice_score=ice, capd_score=None, grade=grade)
    capd = None if assessment.capd is None else capd_score(assessment.capd)
    grade = None if capd is None else capd_domain_grade(capd)
    return _Cognitive(ice_score=None, capd_score=capd, grade=grade)


def _domain_grades(assessment: Assessment, cognitive: _Cognitive) -> dict[Domain, int | None]:
    """Every domain's grade, None for domains attributed to another cause."""
    raw: dict[Domain, int | None] = {
        Domain.ICE: cognitive.grade,
        Domain.CONSCIOUSNESS: consciousness_grade(assessment.consciousness),
        Domain.SEIZURE: seizure_grade(assessment.seizure),
        Domain.MOTOR: motor_grade(assessment.motor),
        Domain.ICP: icp_grade(assessment.icp),
    }
    return {domain: grade if assessment.counts(domain) else None for domain, grade in raw.items()}


def _flags(assessment: Assessment, complete: bool) -> frozenset[Flag]:
    """Ungraded findings that must reach a physician.

    Tremor and myoclonus are flagged only when not attributed elsewhere. An intracranial
    haemorrhage is flagged whenever it is recorded: it is an emergency whatever its cause, so
    a physician attributing the ICP domain to another cause never drops it.
    """
    flags: set[Flag] = set()
    if assessment.counts(Domain.MOTOR):
        if MotorFinding.TREMOR in assessment.motor:
            flags.add(Flag.TREMOR)
        if MotorFinding.MYOCLONUS in assessment.motor:
            flags.add(Flag.MYOCLONUS)
    if IcpFinding.HEMORRHAGE in assessment.icp:
        flags.add(Flag.HEMORRHAGE)
    if not complete:
        flags.add(Flag.NOT_ASSESSABLE)
    return frozenset(flags)


def overall_grade(domain_grades: Mapping[Domain, int | None], *, complete: bool) -> int | None:
    """Highest counted domain grade; for an incomplete result None when that is 0.

    With every domain attributed elsewhere and the result complete, nothing counts towards
    ICANS, so the grade is 0.
    """
    highest = max((grade for grade in domain_grades.values() if grade is not None), default=0)
    if not complete and highest == 0:
        return None
    return highest


def grade_icans(assessment: Assessment) -> IcansResult:
    """Grade one assessment. Pure: the same assessment always gives the same result.

    Completeness depends only on whether the ICE/CAPD could be performed, not on attribution:
    a physician attributing the ICE domain elsewhere has judged it, so the result stays
    complete; an ICE that could not be done stays incomplete even if its domain is also
    attributed (the safer reading: the missing test remains visible to the reviewer).
    """
    cognitive = _cognitive(assessment)
    complete = cognitive.gradable
    grades = _domain_grades(assessment, cognitive)
    return IcansResult(
        tool=assessment.tool,
        ice_score=cognitive.ice_score,
        capd_score=cognitive.capd_score,
        domain_grades=types.MappingProxyType(grades),
        icans_grade=overall_grade(grades, complete=complete),
        complete=complete,
        flags=_flags(assessment, complete),
        recorded_seizure=assessment.seizure,
        recorded_hemorrhage=IcpFinding.HEMORRHAGE in assessment.icp,
    )
