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


# -- patients and plans: bot/telegram/patient_texts.py, plan_texts.py ----------------------

CANCEL = N_("Cancel")
NO_WARD = N_("You are not on any ward yet: ask your ward administrator for an invite.")
LIST_SPLIT_NOTE = N_("(list continues in the next message)")
EVENT_WORDS = {
    "start": N_("start"),
    "step_up": N_("dose step-up"),
    "hold": N_("hold"),
    "restart": N_("restart"),
    "stop": N_("stopped (discontinued)"),
    "end_cycle": N_("end of cycle"),
}
"""An infusion event as the plan and the timeline list it."""
