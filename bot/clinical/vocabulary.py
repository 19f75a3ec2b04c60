"""Every answer a nurse or physician can record, as one shared vocabulary.

Why enumerations: the conversation, the database, the `neurocheck grade` command and the
grading rules must all speak about the same findings with the same names. A free-text answer
can be misspelt; an enumeration cannot. The string values are exactly those fixed by the
grading command's contract (bot/clinical/README.md), so a value can be stored, shown in JSON
and parsed back without translation.
"""

from __future__ import annotations

import enum


class Tool(enum.StrEnum):
    """The cognitive screening tool: ICE from the 12th birthday on, CAPD before it."""

    ICE = "ice"
    CAPD = "capd"


class Consciousness(enum.StrEnum):
    """Level of consciousness, from normal to the deepest depression.

    ALERT and DROWSY are separate answers because "awakens spontaneously" (grade 1) describes
    a depressed patient who still wakes on their own; a normally alert patient is grade 0.
    """

    ALERT = "alert"
    DROWSY = "drowsy"
    VOICE = "voice"
    TOUCH = "touch"
    UNAROUSABLE = "unarousable"


class ItemAnswer(enum.StrEnum):
    """The nurse's judgement of one ICE item; the bot never matches free text itself."""

    CORRECT = "correct"
    WRONG = "wrong"
    NOT_ASSESSABLE = "not_assessable"


class IceItem(enum.StrEnum):
    """The ten one-point ICE items, in the order the nurse asks them.

    Naming has three items (one point per object); commands count as one item in total.
    """

    YEAR = "year"
    MONTH = "month"
    CITY = "city"
    HOSPITAL = "hospital"
    NAMING_1 = "naming_1"
    NAMING_2 = "naming_2"
    NAMING_3 = "naming_3"
    COMMAND = "command"
    WRITING = "writing"
    ATTENTION = "attention"


class CapdAnswer(enum.StrEnum):
    """Frequency answer to one CAPD question, from Never to Always."""

    NEVER = "never"
    RARELY = "rarely"
    SOMETIMES = "sometimes"
    OFTEN = "often"
    ALWAYS = "always"


class CapdQuestion(enum.StrEnum):
    """The eight CAPD questions, in the published order.

    The first four describe healthy behaviour and are scored in reverse; the last four
    describe delirium and are scored forward (see `bot.clinical.capd`).
    """

    EYE_CONTACT = "eye_contact"
    PURPOSEFUL_ACTIONS = "purposeful_actions"
    AWARE_OF_SURROUNDINGS = "aware_of_surroundings"
    COMMUNICATES_NEEDS = "communicates_needs"
    RESTLESS = "restless"
    INCONSOLABLE = "inconsolable"
    UNDERACTIVE = "underactive"
    SLOW_TO_RESPOND = "slow_to_respond"


class NotAssessableReason(enum.StrEnum):
    """Why an ICE item or the CAPD could not be done.

    Grading never uses the reason (any reason makes the domain ungradable); it is recorded so
    that the physician reviewing an incomplete check knows why.
    """

    INTUBATED = "intubated"
    SEDATED = "sedated"
    LANGUAGE_BARRIER = "language_barrier"
    VISUAL_IMPAIRMENT = "visual_impairment"
    HAND_INJURY = "hand_injury"
    REFUSED = "refused"
    OTHER = "other"


class Seizure(enum.StrEnum):
    """Seizure finding since the last check, by ASTCT severity."""

    NONE = "none"
    RESOLVED_RAPIDLY = "resolved_rapidly"
    EEG_RESOLVED_WITH_INTERVENTION = "eeg_resolved_with_intervention"
    PROLONGED = "prolonged"
    REPETITIVE = "repetitive"


class MotorFinding(enum.StrEnum):
    """Motor findings; only focal weakness is graded, tremor and myoclonus are flags."""

    TREMOR = "tremor"
    MYOCLONUS = "myoclonus"
    FOCAL_WEAKNESS = "focal_weakness"


class IcpFinding(enum.StrEnum):
    """Raised intracranial pressure / cerebral oedema findings.

    HEMORRHAGE is recorded here because it comes from the same imaging, but it is excluded
    from ICANS grading and escalated on its own track.
    """

    FOCAL_EDEMA = "focal_edema"
    DIFFUSE_EDEMA = "diffuse_edema"
    POSTURING = "posturing"
    CN6_PALSY = "cn6_palsy"
    PAPILLEDEMA = "papilledema"
    CUSHING_TRIAD = "cushing_triad"
    HEMORRHAGE = "hemorrhage"


class Domain(enum.StrEnum):
    """The five ICANS domains; ICE means the ICE or CAPD domain, whichever tool was used."""

    ICE = "ice"
    CONSCIOUSNESS = "consciousness"
    SEIZURE = "seizure"
    MOTOR = "motor"
    ICP = "icp"


class Flag(enum.StrEnum):
    """Findings that do not change a grade but must reach a physician."""

    TREMOR = "tremor"
    MYOCLONUS = "myoclonus"
    HEMORRHAGE = "hemorrhage"
    NOT_ASSESSABLE = "not_assessable"
    NO_FEVER_UNTREATED = "no_fever_untreated"


class Hypotension(enum.StrEnum):
    """CRS hypotension by the treatment it needs.

    Vasopressin given with one other vasopressor is ONE_VASOPRESSOR: the consensus does not
    count vasopressin towards "several vasopressors".
    """

    NONE = "none"
    FLUIDS_ONLY = "fluids_only"
    ONE_VASOPRESSOR = "one_vasopressor"
    MULTIPLE_VASOPRESSORS = "multiple_vasopressors"


class Oxygen(enum.StrEnum):
    """CRS hypoxia by the oxygen support it needs; COMFORT (normal saturation) is not hypoxia."""

    NONE = "none"
    COMFORT = "comfort"
    LOW_FLOW = "low_flow"
    HIGH_FLOW = "high_flow"
    POSITIVE_PRESSURE = "positive_pressure"
