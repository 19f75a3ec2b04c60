"""The alert's fixed words: urgency, reasons, decisions, findings and the label reference.

English is the source, marked with ``N_`` here and said in the reader's language where the
alert is drawn (bot.telegram.alert_texts): each copy of an alert is drawn for its reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from bot.clinical import TriggerReason, Urgency
from bot.services.escalations import MISSED_CHECK
from bot.telegram.i18n import ENGLISH, N_, gettext, pgettext

HEADLINE: Final[Mapping[Urgency, str]] = {
    Urgency.CRITICAL: N_("🔴 CRITICAL"),
    Urgency.HIGH: N_("🟠 HIGH"),
    Urgency.NORMAL: N_("🟡 Neuro check alert"),
    Urgency.INFO: N_("🟢 For information"),
}
URGENCY_WORDS: Final[Mapping[Urgency, str]] = {
    Urgency.CRITICAL: N_("CRITICAL"),
    Urgency.HIGH: N_("HIGH"),
    Urgency.NORMAL: N_("NORMAL"),
    Urgency.INFO: N_("INFO"),
}
"""The urgency in the /alerts listing (in English, its name in capitals)."""
REASONS: Final[Mapping[str, str]] = {
    TriggerReason.GRADE_3_OR_4: N_("ICANS grade 3 or 4"),
    TriggerReason.SEIZURE: N_("seizure"),
    TriggerReason.HEMORRHAGE: N_("intracranial haemorrhage"),
    TriggerReason.ROSE_TWO_OR_MORE: N_("grade rose by two or more"),
    TriggerReason.GRADE_ROSE: N_("ICANS grade rose"),
    TriggerReason.INCOMPLETE_WITH_GRADE: N_("incomplete check with a grade of 1 or more"),
    TriggerReason.ABNORMAL_WITHOUT_REFERENCE: N_("abnormal, no earlier check to compare"),
    TriggerReason.SCORE_WORSE: N_("ICE (CAPD) worse than at the previous check"),
    TriggerReason.NEW_TREMOR: N_("new tremor"),
    TriggerReason.NEW_MYOCLONUS: N_("new myoclonus"),
    TriggerReason.INCOMPLETE: N_("check could not be completed"),
    TriggerReason.GRADE_FELL: N_("grade fell"),
    TriggerReason.CRS_3_OR_4: N_("CRS grade 3 or 4"),
    TriggerReason.CRS_ROSE: N_("CRS grade rose"),
    TriggerReason.FIRST_FEVER: N_("first fever (38.0 °C or more) this cycle"),
    TriggerReason.ORGAN_SUPPORT_WITHOUT_FEVER: N_("BP or oxygen support without fever"),
    MISSED_CHECK: N_("scheduled check not started for an hour"),
}
DECISION_WORDS: Final[Mapping[str, str]] = {
    "continue": N_("Continue"),
    "hold": N_("Hold infusion"),
    "restart": N_("Restart"),
    "discontinue": N_("Discontinue"),
    "dexamethasone": N_("Dexamethasone"),
    "levetiracetam": N_("Levetiracetam"),
    "tocilizumab": N_("Tocilizumab"),
    "icu": N_("ICU transfer"),
    "other": N_("Other"),
}
"""The decisions' names in English; say them with ``decision_name`` (one needs a context)."""


def decision_name(decision: str, language: str = ENGLISH) -> str:
    """A decision as its button, the alert's "Decision:" line and the pop-up name it."""
    if decision == "continue":
        # Continue the infusion (继续输注), not a check's "Continue" to its next step (继续).
        return pgettext(language, "decision", "Continue")
    words = DECISION_WORDS.get(decision)
    return gettext(language, words) if words is not None else decision


DOMAIN_WORDS: Final[Mapping[str, str]] = {
    "ice": N_("ICE / CAPD score"),
    "consciousness": N_("consciousness"),
    "seizure": N_("seizure"),
    "motor": N_("motor findings"),
    "icp": N_("raised ICP / oedema"),
}
LABEL_REFERENCE: Final = N_(
    "Label reference (blinatumomab; CTCAE grades, not ICANS - for reference only, the "
    "decision is yours): neurological toxicity grade 3: withhold until grade 1 or less for at "
    "least 3 days, then restart at 9 mcg/day (28 after 7 days if it does not recur); "
    "discontinue if it occurred at 9 mcg/day or took more than 7 days to resolve. Grade 4: "
    "discontinue permanently. More than one seizure: discontinue permanently."
)
CLOSED_WORDS: Final[Mapping[str, str]] = {
    "superseded": N_("Replaced by a newer alert for this patient."),
    "check_recorded": N_("Closed: the check has since been recorded."),
    "discharged": N_("Closed: the patient was discharged, so no check is due."),
}
