"""The words of a check's buttons and steps: labels that name their item, so a tap read back
later is unambiguous (used by the questions, the summary, events and alerts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from bot.clinical import (
    CapdAnswer,
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
from bot.telegram.i18n import N_

CONSCIOUSNESS_LABELS: Final[Mapping[Consciousness, str]] = {
    Consciousness.ALERT: N_("Alert"),
    Consciousness.DROWSY: N_("Drowsy, wakes by itself"),
    Consciousness.VOICE: N_("Wakes to voice"),
    Consciousness.TOUCH: N_("Wakes only to touch"),
    Consciousness.UNAROUSABLE: N_("Unarousable"),
}
ITEM_LABELS: Final[Mapping[IceItem, str]] = {
    IceItem.YEAR: N_("Year"),
    IceItem.MONTH: N_("Month"),
    IceItem.CITY: N_("City"),
    IceItem.HOSPITAL: N_("Hospital"),
    IceItem.COMMAND: N_("Command"),
    IceItem.WRITING: N_("Writing"),
    IceItem.ATTENTION: N_("Attention"),
}
ANSWER_MARKS: Final[Mapping[str, str]] = {"c": "✓", "w": "✗", "na": "n/a"}
"""Marks, the same in every language."""
CAPD_LABELS: Final[Mapping[CapdQuestion, str]] = {
    CapdQuestion.EYE_CONTACT: N_("Does the child make eye contact with the caregiver?"),
    CapdQuestion.PURPOSEFUL_ACTIONS: N_("Are the child's actions purposeful?"),
    CapdQuestion.AWARE_OF_SURROUNDINGS: N_("Is the child aware of their surroundings?"),
    CapdQuestion.COMMUNICATES_NEEDS: N_("Does the child communicate needs and wants?"),
    CapdQuestion.RESTLESS: N_("Is the child restless?"),
    CapdQuestion.INCONSOLABLE: N_("Is the child inconsolable?"),
    CapdQuestion.UNDERACTIVE: N_("Is the child underactive (very little movement while awake)?"),
    CapdQuestion.SLOW_TO_RESPOND: N_("Does the child take a long time to respond to interactions?"),
}
REASON_LABELS: Final[Mapping[NotAssessableReason, str]] = {
    NotAssessableReason.INTUBATED: N_("Intubated"),
    NotAssessableReason.SEDATED: N_("Sedated"),
    NotAssessableReason.LANGUAGE_BARRIER: N_("Language barrier"),
    NotAssessableReason.VISUAL_IMPAIRMENT: N_("Cannot see"),
    NotAssessableReason.HAND_INJURY: N_("Cannot write"),
    NotAssessableReason.REFUSED: N_("Refused"),
    NotAssessableReason.OTHER: N_("Other reason"),
}
SEIZURE_LABELS: Final[Mapping[Seizure, str]] = {
    Seizure.NONE: N_("No seizure"),
    Seizure.RESOLVED_RAPIDLY: N_("Seizure, resolved rapidly"),
    Seizure.EEG_RESOLVED_WITH_INTERVENTION: N_("EEG seizure, resolved with treatment"),
    Seizure.PROLONGED: N_("Seizure over 5 minutes"),
    Seizure.REPETITIVE: N_("Repeated, no recovery between"),
}
FINDING_LABELS: Final[Mapping[str, str]] = {
    MotorFinding.TREMOR: N_("Tremor"),
    MotorFinding.MYOCLONUS: N_("Myoclonus"),
    MotorFinding.FOCAL_WEAKNESS: N_("New focal weakness"),
    IcpFinding.FOCAL_EDEMA: N_("Focal oedema (imaging)"),
    IcpFinding.DIFFUSE_EDEMA: N_("Diffuse oedema (imaging)"),
    IcpFinding.POSTURING: N_("Decerebrate/decorticate posturing"),
    IcpFinding.CN6_PALSY: N_("Sixth nerve palsy"),
    IcpFinding.PAPILLEDEMA: N_("Papilloedema"),
    IcpFinding.CUSHING_TRIAD: N_("Cushing's triad"),
    IcpFinding.HEMORRHAGE: N_("Haemorrhage (imaging)"),
}
STEP_TITLES: Final[Mapping[str, str]] = {
    check_flow.CONSCIOUSNESS: N_("Consciousness"),
    check_flow.ORIENTATION: N_("Orientation"),
    check_flow.NAMING: N_("Naming"),
    check_flow.TASKS: N_("Command, writing, attention"),
    check_flow.SEIZURE: N_("Seizure"),
    check_flow.MOTOR: N_("Motor findings"),
    check_flow.ICP: N_("Intracranial pressure / imaging"),
    check_flow.NOTE: N_("Note and photo"),
    check_flow.CAPD_STEPS[0]: N_("CAPD"),
    **crs_views.TITLES,
}
URGENCY_ADVICE: Final[Mapping[Urgency, str]] = {
    # The bot pages on Submit; the line is replaced by who was paged as soon as a page is out.
    Urgency.CRITICAL: N_("CRITICAL: paging the physician on call now; stay with the patient."),
    Urgency.HIGH: N_("HIGH: paging the physician on call now."),
    Urgency.NORMAL: N_("The physician on call is being told (not urgent)."),
    Urgency.INFO: N_("Improvement: for the physician's information."),
}
CAPD_ANSWER_LABELS: Final[Mapping[CapdAnswer, str]] = {
    CapdAnswer.NEVER: N_("Never"),
    CapdAnswer.RARELY: N_("Rarely"),
    CapdAnswer.SOMETIMES: N_("Sometimes"),
    CapdAnswer.OFTEN: N_("Often"),
    CapdAnswer.ALWAYS: N_("Always"),
}

# One tap for what a normal check finds; each item is still recorded (and editable).
ALL_CORRECT_LABEL: Final = N_("✓ All correct")
OTHERS_CORRECT_LABEL: Final = N_("✓ The others correct")
NO_FINDINGS_LABEL: Final = N_("No seizure, no motor or ICP findings")
# Pressing Cancel asks first; the answer is a real flow action (cancel or stay).
CANCEL_ASK: Final = "cancel.ask"
CANCEL_QUESTION: Final = N_(
    "Cancel this check? Nothing of it will be recorded, and the scheduled check stays due."
)
CANCELLED_WORDS: Final = N_("nothing was recorded; a scheduled check is due again.")
