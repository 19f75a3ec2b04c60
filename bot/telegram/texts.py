"""Every text the bot sends to people, in one place so wording is reviewed together."""

from __future__ import annotations

from bot.telegram.i18n import N_

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

HANDLER_ERROR = "Something went wrong. Nothing was lost; please try again."

NOT_ENROLLED = (
    "This bot is for enrolled ward staff only. Ask your ward administrator for an invite link."
)

BUTTON_NOT_VALID = N_("That button is not valid (any more). Use the latest message.")
UNKNOWN_COMMAND = "Unknown command. /help lists what this bot understands."

HELP = (
    "Neurocheck runs the ICANS neuro checks (ICE / CAPD) for patients on blinatumomab: "
    "it prompts the nurses on duty when a check is due, walks you through it one tap at a "
    "time, grades it by the ASTCT consensus and alerts the physician on call.\n\n"
    "Commands:\n" + "\n".join(f"/{name} - {text}" for name, text in COMMANDS)
)


# -- enrolment and invites (bot/telegram/enrolment.py) -------------------------------------

INVITE_INVALID = (
    "This invite link is not valid: it has expired or was already used. "
    "Ask your ward administrator for a new one."
)
INVITE_USAGE = (
    "To invite a member of staff: /invite <role> [ward code]\n"
    "Roles: nurse, charge_nurse, physician, admin. Example: /invite nurse H7\n"
    "The ward code can be left out when you have one ward."
)
INVITE_ADMINS_ONLY = "Only a ward administrator can create invites. Please ask yours."
INVITE_NO_WARD = "You are not on any ward, so you cannot invite anyone to one."


def invite_not_your_ward(own_codes: tuple[str, ...]) -> str:
    return f"You can only invite to your own wards: {', '.join(own_codes)}."


def invite_ward_required(own_codes: tuple[str, ...]) -> str:
    return f"You are on wards {', '.join(own_codes)}: name one, e.g. /invite nurse {own_codes[0]}"


def role_name(role: str) -> str:
    return role.replace("_", " ")


def invite_created(
    *, role: str, ward_code: str, ward_name: str, until: str, link: str | None, code: str
) -> str:
    how = (
        f"Forward this link to the new member; it enrols whoever opens it first:\n{link}\n\n"
        f"Or they send the bot: /start {code}"
        if link
        else f"The new member sends the bot: /start {code}"
    )
    return (
        f"Invite as {role_name(role)} on ward {ward_code} ({ward_name}), "
        f"single use, valid until {until}.\n\n{how}"
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


# -- duty (bot/telegram/duty.py) ------------------------------------------------------------

ONDUTY_USAGE = "Usage: /onduty [hours], 1 to 24 (12 if left out). Example: /onduty 8"


def on_duty(ward_codes: tuple[str, ...], until: str, extended: tuple[str, ...]) -> str:
    lines = [
        f"You are on duty on ward {', '.join(ward_codes)} until {until}. "
        "Neuro-check prompts for these wards come to you."
    ]
    if extended:
        lines.append(f"(Your running shift on {', '.join(extended)} was extended.)")
    lines.append("/offduty ends it, /duty shows who else is on.")
    return "\n".join(lines)


def off_duty(ward_codes: tuple[str, ...], at: str, next_shift: str | None) -> str:
    text = (
        f"You are off duty on ward {', '.join(ward_codes)} since {at}."
        if ward_codes
        else "You were not on duty; nothing changed."
    )
    return text + (f" Your next planned shift starts {next_shift}." if next_shift else "")


# -- on call (bot/telegram/duty.py, /oncall) -------------------------------------------------

ONCALL_USAGE = (
    "Usage: /oncall shows who is on call; physicians: /oncall primary|backup|attending <hours, "
    "1 to 24> [override], e.g. /oncall primary 12"
)
ONCALL_FOR_OTHERS = (
    "To put someone else on call, use the server: neurocheck duty add --ward <code> "
    "--telegram-id <id> --as primary|backup|attending --from <time> --to <time> [--override]"
)
ONCALL_FIX = "a physician sends /oncall primary <hours>, or plan it with neurocheck duty add"


def on_call(
    ward_codes: tuple[str, ...], duty: str, until: str, override: bool, extended: tuple[str, ...]
) -> str:
    lines = [f"You are on call as {duty} on ward {', '.join(ward_codes)} until {until}."]
    if override:
        lines.append(f"This overrides whoever else is {duty} there until then.")
    if extended:
        lines.append(f"(Your running on-call period on {', '.join(extended)} was extended.)")
    lines.append("/oncall shows the rota.")
    return "\n".join(lines)
