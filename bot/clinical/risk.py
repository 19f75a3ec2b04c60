"""Who counts as a high-risk patient for ICANS on blinatumomab.

bot/clinical/README.md section 10: "patients flagged high risk: age 65 or more, or a clinician's
flag" (the seed case report names older age and mutations such as TP53). High-risk patients
are checked every 4 hours instead of 8, so the rule lives here, next to the other clinical
rules, for the admission screen and the cadence alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

HIGH_RISK_AGE: Final = 65
"""From this birthday on a patient is high risk whatever the flags."""


def is_high_risk(age_years: int, clinician_flags: Sequence[str]) -> bool:
    """Age ``HIGH_RISK_AGE`` or more, or any clinician flag at all."""
    return age_years >= HIGH_RISK_AGE or any(flag.strip() for flag in clinician_flags)
