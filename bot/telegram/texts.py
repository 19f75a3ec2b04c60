"""Every text the bot sends to people, in one place so wording is reviewed together."""

from __future__ import annotations

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Enrol with an invite code, or see who you are"),
    ("help", "What this bot does and its commands"),
    ("check", "Start a neuro check: /check <patient>"),
    ("event", "Report a seizure, weakness or imaging finding now: /event <patient>"),
    ("history", "Recent checks and grades: /history <patient>"),
    ("patients", "Your ward's patients and their last check"),
    ("admit", "Admit a patient: /admit label, date of birth, weight band[, flags]"),
    ("discharge", "Discharge a patient: /discharge <label>"),
    ("invite", "Administrators: invite staff: /invite <role> [ward]"),
)

NOT_ENROLLED = (
    "This bot is for enrolled ward staff only. Ask your ward administrator for an invite link."
)

BUTTON_NOT_VALID = "That button is not valid (any more). Use the latest message."
UNKNOWN_COMMAND = "Unknown command. /help lists what this bot understands."

HELP = (
    "Neurocheck runs the ICANS neuro checks (ICE / CAPD) for patients on blinatumomab: "
    "it prompts the nurses on duty when a check is due, walks you through it one tap at a "
    "time, grades it by the ASTCT consensus and alerts the physician on call.\n\n"
    "Commands:\n" + "\n".join(f"/{name} - {text}" for name, text in COMMANDS)
)


def welcome(display_name: str, role: str) -> str:
    return f"Hello {display_name}. You are enrolled as {role.replace('_', ' ')}.\n\n{HELP}"


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


def enrolled(
    *,
    display_name: str,
    role: str,
    ward_code: str,
    ward_name: str,
    ward_codes: tuple[str, ...],
    new_account: bool,
    ward_added: bool,
    previous_role: str | None,
) -> str:
    if new_account:
        return (
            f"Welcome, {display_name}. You are enrolled as {role_name(role)} on ward "
            f"{ward_code} ({ward_name}).\n\n"
            "You will see your ward's patients with /patients and get their neuro-check "
            "prompts here. /help lists the commands."
        )
    lines = [f"{display_name}, your invite is redeemed."]
    if ward_added:
        lines.append(f"You are now also on ward {ward_code} ({ward_name}).")
    if previous_role is not None:
        lines.append(f"Your role is now {role_name(role)} (was {role_name(previous_role)}).")
    if not ward_added and previous_role is None:
        lines.append(f"You already were {role_name(role)} on ward {ward_code}; nothing changed.")
    lines.append(f"Role: {role_name(role)}. Wards: {', '.join(ward_codes)}.")
    return "\n".join(lines)


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
NO_WARD = "You are not on any ward yet: ask your ward administrator for an invite."
LIST_SPLIT_NOTE = "(list continues in the next message)"


def admit_refused(problem: str) -> str:
    return f"{problem}\n\nNothing was stored. Example: {ADMIT_EXAMPLE}"


def discharge_button(label: str) -> str:
    return f"Discharge {label}"


def discharge_confirm(label: str, ward_code: str) -> str:
    return f"Discharge {label} from ward {ward_code}? Monitoring of this patient ends."


def discharged(label: str, ward_code: str, at: str) -> str:
    return f"{label} was discharged from ward {ward_code} at {at}."


def already_discharged(label: str) -> str:
    return f"{label} was already discharged; nothing changed."


def discharge_cancelled(label: str) -> str:
    return f"Discharge cancelled: {label} stays admitted."


def no_patients(ward_codes: tuple[str, ...]) -> str:
    return f"No active patients on ward {', '.join(ward_codes)}."
