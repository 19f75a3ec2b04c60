"""The words of a check's buttons and steps: labels that name their item, so a tap read back
later is unambiguous (used by the questions, the summary, events and alerts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from bot.clinical import (
    CapdQuestion,
    Consciousness,
    IceItem,
    IcpFinding,
    MotorFinding,
    NotAssessableReason,
    Seizure,
    Urgency,
    check_flow,
)
from bot.telegram import crs_views

CONSCIOUSNESS_LABELS: Final[Mapping[Consciousness, str]] = {
    Consciousness.ALERT: "Alert",
    Consciousness.DROWSY: "Drowsy, wakes by itself",
    Consciousness.VOICE: "Wakes to voice",
    Consciousness.TOUCH: "Wakes only to touch",
    Consciousness.UNAROUSABLE: "Unarousable",
}
ITEM_LABELS: Final[Mapping[IceItem, str]] = {
    IceItem.YEAR: "Year",
    IceItem.MONTH: "Month",
    IceItem.CITY: "City",
    IceItem.HOSPITAL: "Hospital",
    IceItem.COMMAND: "Command",
    IceItem.WRITING: "Writing",
    IceItem.ATTENTION: "Attention",
}
ANSWER_MARKS: Final[Mapping[str, str]] = {"c": "✓", "w": "✗", "na": "n/a"}
CAPD_LABELS: Final[Mapping[CapdQuestion, str]] = {
    CapdQuestion.EYE_CONTACT: "Does the child make eye contact with the caregiver?",
    CapdQuestion.PURPOSEFUL_ACTIONS: "Are the child's actions purposeful?",
    CapdQuestion.AWARE_OF_SURROUNDINGS: "Is the child aware of their surroundings?",
    CapdQuestion.COMMUNICATES_NEEDS: "Does the child communicate needs and wants?",
    CapdQuestion.RESTLESS: "Is the child restless?",
    CapdQuestion.INCONSOLABLE: "Is the child inconsolable?",
    CapdQuestion.UNDERACTIVE: "Is the child underactive (very little movement while awake)?",
    CapdQuestion.SLOW_TO_RESPOND: "Does the child take a long time to respond to interactions?",
}
REASON_LABELS: Final[Mapping[NotAssessableReason, str]] = {
    NotAssessableReason.INTUBATED: "Intubated",
    NotAssessableReason.SEDATED: "Sedated",
    NotAssessableReason.LANGUAGE_BARRIER: "Language barrier",
    NotAssessableReason.VISUAL_IMPAIRMENT: "Cannot see",
    NotAssessableReason.HAND_INJURY: "Cannot write",
    NotAssessableReason.REFUSED: "Refused",
    NotAssessableReason.OTHER: "Other reason",
}
SEIZURE_LABELS: Final[Mapping[Seizure, str]] = {
    Seizure.NONE: "No seizure",
    Seizure.RESOLVED_RAPIDLY: "Seizure, resolved rapidly",
    Seizure.EEG_RESOLVED_WITH_INTERVENTION: "EEG seizure, resolved with treatment",
    Seizure.PROLONGED: "Seizure over 5 minutes",
    Seizure.REPETITIVE: "Repeated, no recovery between",
}
FINDING_LABELS: Final[Mapping[str, str]] = {
    MotorFinding.TREMOR: "Tremor",
    MotorFinding.MYOCLONUS: "Myoclonus",
    MotorFinding.FOCAL_WEAKNESS: "New focal weakness",
    IcpFinding.FOCAL_EDEMA: "Focal oedema (imaging)",
    IcpFinding.DIFFUSE_EDEMA: "Diffuse oedema (imaging)",
    IcpFinding.POSTURING: "Decerebrate/decorticate posturing",
    IcpFinding.CN6_PALSY: "Sixth nerve palsy",
    IcpFinding.PAPILLEDEMA: "Papilloedema",
    IcpFinding.CUSHING_TRIAD: "Cushing's triad",
    IcpFinding.HEMORRHAGE: "Haemorrhage (imaging)",
}
STEP_TITLES: Final[Mapping[str, str]] = {
    check_flow.CONSCIOUSNESS: "Consciousness",
    check_flow.ORIENTATION: "Orientation",
    check_flow.NAMING: "Naming",
    check_flow.TASKS: "Command, writing, attention",
    check_flow.SEIZURE: "Seizure",
    check_flow.MOTOR: "Motor findings",
    check_flow.ICP: "Intracranial pressure / imaging",
    check_flow.NOTE: "Note and photo",
    check_flow.CAPD_STEPS[0]: "CAPD",
    **crs_views.TITLES,
}
URGENCY_ADVICE: Final[Mapping[Urgency, str]] = {
    # The bot pages on Submit; the line is replaced by who was paged as soon as a page is out.
    Urgency.CRITICAL: "CRITICAL: paging the physician on call now; stay with the patient.",
    Urgency.HIGH: "HIGH: paging the physician on call now.",
    Urgency.NORMAL: "The physician on call is being told (not urgent).",
    Urgency.INFO: "Improvement: for the physician's information.",
}

# One tap for what a normal check finds; each item is still recorded (and editable).
ALL_CORRECT_LABEL: Final = "✓ All correct"
OTHERS_CORRECT_LABEL: Final = "✓ The others correct"
NO_FINDINGS_LABEL: Final = "No seizure, no motor or ICP findings"
# Pressing Cancel asks first; the answer is a real flow action (cancel or stay).
CANCEL_ASK: Final = "cancel.ask"
CANCEL_QUESTION: Final = (
    "Cancel this check? Nothing of it will be recorded, and the scheduled check stays due."
)
CANCELLED_WORDS: Final = "nothing was recorded; a scheduled check is due again."
