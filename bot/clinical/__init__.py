"""Pure clinical core: ICE, CAPD, ICANS and CRS grading, comparison and escalation urgency.

No I/O, no clock, no Telegram, no database: every function is a pure function of its
arguments, so the rules can be tested exhaustively and a stored result can be re-derived.
Rules follow bot/clinical/README.md; every result records `RULESET_VERSION`.
"""

from bot.clinical.capd import (
    CAPD_MAX_SCORE,
    CAPD_QUESTIONS,
    CapdAnswers,
    capd_domain_grade,
    capd_points,
    capd_score,
)
from bot.clinical.compare import Change, compare
from bot.clinical.crs import FEVER_THRESHOLD_C, CrsInput, CrsResult, grade_crs
from bot.clinical.icans import (
    Assessment,
    IcansResult,
    consciousness_grade,
    grade_icans,
    icp_grade,
    motor_grade,
    overall_grade,
    seizure_grade,
)
from bot.clinical.ice import ICE_MAX_SCORE, IceAnswers, ice_domain_grade, ice_score
from bot.clinical.ruleset import RULESET_VERSION
from bot.clinical.tool import ICE_MIN_AGE_YEARS, age_on, select_tool, tool_for_age
from bot.clinical.triggers import (
    REASON_URGENCY,
    TriggerReason,
    Triggers,
    Urgency,
    classify,
    escalation,
)
from bot.clinical.vocabulary import (
    CapdAnswer,
    CapdQuestion,
    Consciousness,
    Domain,
    Flag,
    Hypotension,
    IceItem,
    IcpFinding,
    ItemAnswer,
    MotorFinding,
    NotAssessableReason,
    Oxygen,
    Seizure,
    Tool,
)

__all__ = [
    "CAPD_MAX_SCORE",
    "CAPD_QUESTIONS",
    "FEVER_THRESHOLD_C",
    "ICE_MAX_SCORE",
    "ICE_MIN_AGE_YEARS",
    "REASON_URGENCY",
    "RULESET_VERSION",
    "Assessment",
    "CapdAnswer",
    "CapdAnswers",
    "CapdQuestion",
    "Change",
    "Consciousness",
    "CrsInput",
    "CrsResult",
    "Domain",
    "Flag",
    "Hypotension",
    "IcansResult",
    "IceAnswers",
    "IceItem",
    "IcpFinding",
    "ItemAnswer",
    "MotorFinding",
    "NotAssessableReason",
    "Oxygen",
    "Seizure",
    "Tool",
    "TriggerReason",
    "Triggers",
    "Urgency",
    "age_on",
    "capd_domain_grade",
    "capd_points",
    "capd_score",
    "classify",
    "compare",
    "consciousness_grade",
    "escalation",
    "grade_crs",
    "grade_icans",
    "ice_domain_grade",
    "ice_score",
    "icp_grade",
    "motor_grade",
    "overall_grade",
    "seizure_grade",
    "select_tool",
    "tool_for_age",
]
