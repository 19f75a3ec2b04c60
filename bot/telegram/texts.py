"""Every text the bot sends to people, in one place so wording is reviewed together."""

from __future__ import annotations

from bot.telegram.i18n import ENGLISH, N_, gettext

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", N_("Enrol with an invite code, or see who you are")),
    ("help", N_("What this bot does and its commands")),
    ("check", N_("Start a neuro check: /check <patient>")),
    ("cancel", N_("Cancel your open neuro check (asks first; a scheduled check stays due)")),
    ("event", N_("Report a seizure, weakness or imaging finding now: /event <patient>")),
    ("history", N_("Recent checks and grades: /history <patient>")),
    ("labs", N_("Record IL-6, CRP or ferritin: /labs <patient>")),
    (
        "timeline",
        N_("The audit trail of a patient: checks, alerts, acknowledgements: /timeline <patient>"),
    ),
    ("patients", N_("Your ward's patients and their last check")),
    ("admit", N_("Admit a patient: /admit label, date of birth, weight band[, flags]")),
    ("discharge", N_("Discharge a patient: /discharge <label>")),
    ("invite", N_("Administrators: invite staff: /invite <role> [ward]")),
    ("staff", N_("Administrators: your wards' staff; deactivate or reactivate someone")),
    ("plan", N_("Infusion plan: /plan <patient> [new rr|mrd <cycle> <start>]")),
    ("onduty", N_("Go on duty on your wards: /onduty [hours]")),
    ("offduty", N_("End your duty now")),
    ("duty", N_("Who is on duty on your wards now")),
    ("alerts", N_("Open alerts on your wards, with their Acknowledge buttons")),
    (
        "oncall",
        N_("Who is on call; physicians: /oncall primary|backup|attending <hours> [override]"),
    ),
    ("language", N_("Choose the language I write to you in: English or 简体中文")),
    ("export", N_("Ward admins: export a period as a file: /export FROM TO [csv|fhir|summary]")),
)

HANDLER_ERROR = N_("Something went wrong. Nothing was lost; please try again.")

NOT_ENROLLED = N_(
    "This bot is for enrolled ward staff only. Ask your ward administrator for an invite link."
)

BUTTON_NOT_VALID = N_("That button is not valid (any more). Use the latest message.")
UNKNOWN_COMMAND = N_("Unknown command. /help lists what this bot understands.")

HELP = (
    "Neurocheck runs the ICANS neuro checks (ICE / CAPD) for patients on blinatumomab: "
    "it prompts the nurses on duty when a check is due, walks you through it one tap at a "
    "time, grades it by the ASTCT consensus and alerts the physician on call.\n\n"
    "Commands:\n" + "\n".join(f"/{name} - {text}" for name, text in COMMANDS)
)
"""The English help for a stranger's fuzzed command; ``welcome.help_text`` says it in the
reader's language."""


# -- enrolment and invites (bot/telegram/enrolment.py) -------------------------------------

INVITE_INVALID = N_(
    "This invite link is not valid: it has expired or was already used. "
    "Ask your ward administrator for a new one."
)
INVITE_USAGE = N_(
    "To invite a member of staff: /invite <role> [ward code]\n"
    "Roles: nurse, charge_nurse, physician, admin. Example: /invite nurse H7\n"
    "The ward code can be left out when you have one ward."
)
INVITE_ADMINS_ONLY = N_("Only a ward administrator can create invites. Please ask yours.")
INVITE_NO_WARD = N_("You are not on any ward, so you cannot invite anyone to one.")
_NOT_YOUR_WARD = N_("You can only invite to your own wards: {wards}.")
_WARD_REQUIRED = N_("You are on wards {wards}: name one, e.g. /invite nurse {first}")
_INVITE_LINK = N_(
    "Forward this link to the new member; it enrols whoever opens it first:\n{link}\n\n"
    "Or they send the bot: /start {code}"
)
_INVITE_CODE = N_("The new member sends the bot: /start {code}")
_INVITE_CREATED = N_(
    "Invite as {role} on ward {ward} ({ward_name}), single use, valid until {until}.\n\n{how}"
)


def invite_not_your_ward(own_codes: tuple[str, ...], language: str = ENGLISH) -> str:
    wards = gettext(language, ", ").join(own_codes)
    return gettext(language, _NOT_YOUR_WARD).format(wards=wards)


def invite_ward_required(own_codes: tuple[str, ...], language: str = ENGLISH) -> str:
    wards = gettext(language, ", ").join(own_codes)
    return gettext(language, _WARD_REQUIRED).format(wards=wards, first=own_codes[0])


def role_name(role: str) -> str:
    """A role or duty code as English words ("charge nurse"); ``welcome.role_name`` says a
    role in the reader's language."""
    return role.replace("_", " ")


def invite_created(
    *,
    role: str,
    ward_code: str,
    ward_name: str,
    until: str,
    link: str | None,
    code: str,
    language: str = ENGLISH,
) -> str:
    from bot.telegram.welcome import role_name as said_role  # welcome imports this module

    how = (
        gettext(language, _INVITE_LINK).format(link=link, code=code)
        if link
        else gettext(language, _INVITE_CODE).format(code=code)
    )
    return gettext(language, _INVITE_CREATED).format(
        role=said_role(role, language), ward=ward_code, ward_name=ward_name, until=until, how=how
    )


# -- patients (bot/telegram/patients.py) ----------------------------------------------------

ADMIT_EXAMPLE = "/admit Bed 4 AB, 1958-03-02, 45+, TP53 mutation"
ADMIT_USAGE = (
    "To admit a patient, send:\n"
    "/admit <label>, <date of birth>, <weight band>[, <risk flag>...]\n"
    f"Example: {ADMIT_EXAMPLE}\n\n"
    "- label: a bed, initials or study code, never a name or record number (up to 32 "
    "characters)\n"
    "- date of birth: YYYY-MM-DD or DD.MM.YYYY\n"
    "- weight band: 45+ or <45 (kg)\n"
    "- risk flags (optional, free text): e.g. TP53 mutation, prior CNS disease; "
    "'use CAPD' or 'developmental delay' selects the CAPD instead of the ICE\n\n"
    "On several wards? Put the ward code first: /admit H7, Bed 4 AB, 1958-03-02, 45+"
)
DISCHARGE_USAGE = (
    "To discharge a patient: /discharge <label>, e.g. /discharge Bed 4 AB\n"
    "On several wards, the ward code may come first: /discharge H7, Bed 4 AB"
)
START_BASELINE = "Start baseline check"
CANCEL = "Cancel"
NO_WARD = N_("You are not on any ward yet: ask your ward administrator for an invite.")
LIST_SPLIT_NOTE = N_("(list continues in the next message)")


def admit_refused(problem: str) -> str:
    return f"{problem}\n\nNothing was stored. Example: {ADMIT_EXAMPLE}"


def discharge_button(label: str) -> str:
    return f"Discharge {label}"


def discharge_confirm(label: str, ward_code: str) -> str:
    return f"Discharge {label} from ward {ward_code}? Monitoring of this patient ends."


def discharged(label: str, ward_code: str, at: str, *, alert_open: bool = False) -> str:
    done = f"{label} was discharged from ward {ward_code} at {at}."
    if not alert_open:
        return done
    return (
        f"{done}\n\nAn alert about {label} is still open: the physicians on call are paged "
        "until one of them acknowledges it."
    )


def check_cancelled_by_discharge(label: str) -> str:
    return f"The check on {label} was cancelled: the patient was discharged. Nothing was recorded."


def already_discharged(label: str) -> str:
    return f"{label} was already discharged; nothing changed."


def discharge_cancelled(label: str) -> str:
    return f"Discharge cancelled: {label} stays admitted."


def no_patients(ward_codes: tuple[str, ...]) -> str:
    return f"No active patients on ward {', '.join(ward_codes)}."


# -- infusion plans (bot/telegram/plans.py) -------------------------------------------------

PLAN_EXAMPLE = "/plan Bed 4 new rr 1 2026-11-24 09:00"
PLAN_USAGE = (
    "To see a patient's infusion plan: /plan <label>, e.g. /plan Bed 4\n"
    "To start a cycle: /plan <label> new <protocol> <cycle> <start>\n"
    f"Example: {PLAN_EXAMPLE}\n\n"
    "- protocol: rr (relapsed/refractory) or mrd (MRD-positive/consolidation)\n"
    "- cycle: 1, 2, ...\n"
    "- start: YYYY-MM-DD HH:MM or DD.MM.YYYY HH:MM (hospital time), or now. A start in the "
    "future is planned; now or past means the infusion is running.\n\n"
    "A new cycle ends the patient's previous plan. On several wards, the ward code may come "
    "first: /plan H7, Bed 4"
)
PROTOCOL_NAMES = {"rr": "relapsed/refractory", "mrd": "MRD-positive/consolidation"}

# Which cadence a patient's next check belongs to (the scheduled check's kind).
CADENCE_NAMES = {
    "baseline": "baseline before the first dose",
    "abnormal": "abnormal episode",
    "recovery": "recovery tail",
    "routine": "intensive",
    "watch": "ward watch",
    "adhoc": "extra check",
}


def cadence(kind: str | None, hours: int | None) -> str:
    """ "ward watch, every 12 h": what the ward board and the plan say about the next check."""
    name = CADENCE_NAMES.get(kind or "", kind or "")
    return f"{name}, every {hours} h" if hours else name


PLAN_BUTTONS = {
    "start": "Start now",
    "step_up": "Step up now",
    "hold": "Hold now",
    "restart": "Restart now",
    "stop": "Stop infusion",
    "end_cycle": "End cycle",
}
EVENT_WORDS = {
    "start": "start",
    "step_up": "dose step-up",
    "hold": "hold",
    "restart": "restart",
    "stop": "stopped (discontinued)",
    "end_cycle": "end of cycle",
}
CONFIRM = "Confirm"
PLAN_STALE = "The plan has changed since this message: nothing was recorded. Send /plan again."
PLAN_NOT_RECORDED = "Not recorded."
PLAN_VIEW_ONLY = "Your role may look at plans but not change them."


def protocol_name(code: str) -> str:
    name = PROTOCOL_NAMES.get(code)
    return f"{name} ({code})" if name else code


def plan_refused(problem: str) -> str:
    return f"{problem}\n\nNothing was stored. Example: {PLAN_EXAMPLE}"


def no_plan(label: str, ward_code: str) -> str:
    return (
        f"{label} (ward {ward_code}) has no infusion plan yet. Start one with "
        f"/plan {label} new rr|mrd <cycle> <start>, e.g. /plan {label} new rr 1 now"
    )


def plan_confirm(kind: str, label: str, cycle: int, reason: str | None = None) -> str:
    return {
        "start": f"Record that the infusion of {label} started now?",
        "step_up": f"Record the dose step-up of {label} now?",
        "hold": f"Hold the infusion of {label} now? Reason: {reason}.",
        "restart": f"Record that the infusion of {label} restarted now?",
        "stop": f"Stop the infusion of {label} for good (discontinue) now? The plan ends.",
        "end_cycle": f"End cycle {cycle} of {label} now? The plan ends.",
    }[kind]


def hold_reason_question(label: str) -> str:
    return f"Hold the infusion of {label}: why?"


def plan_recorded(label: str, at: str, what: str, status: str) -> str:
    lines = [f"Recorded for {label} at {at}: {what}.", f"The infusion is now {status}."]
    if status == "held":
        lines.append("Neuro checks continue during the hold.")
    lines.append(f"/plan {label} shows the plan.")
    return "\n".join(lines)


def plan_created(already: bool, ended: str | None) -> str:
    if already:
        return "This plan already exists; nothing changed."
    return "Plan created." + (f" {ended}" if ended else "")
