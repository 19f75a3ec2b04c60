"""The welcome after enrolment, ``/start`` and ``/help``, in the reader's language.

English is the source (``N_`` marks); ``texts.HELP`` is the English help for places that have
no person to ask (a stranger's fuzzed command), and equals ``help_text(ENGLISH)``.
"""

from __future__ import annotations

from typing import Final

from bot.telegram import texts
from bot.telegram.i18n import ENGLISH, N_, gettext

ROLE_NAMES: Final = {
    "nurse": N_("nurse"),
    "charge_nurse": N_("charge nurse"),
    "physician": N_("physician"),
    "admin": N_("admin"),
}
ROLE_DUTIES: Final = {
    "nurse": N_("While you are on duty (/onduty) you get your wards' neuro-check prompts here."),
    "charge_nurse": N_(
        "While you are on duty (/onduty) you get your wards' neuro-check prompts here, and "
        "word of checks nobody started."
    ),
    "physician": N_(
        "While you are on call (/oncall) you get alerts here when a patient's neurotoxicity "
        "needs a physician."
    ),
    "admin": N_(
        "You manage your wards' staff with /invite and /staff, and hear of alerts nobody "
        "acknowledged."
    ),
}
"""What each role receives from the bot: a physician is never promised check prompts."""
ABOUT: Final = N_(
    "Neurocheck runs the ICANS neuro checks (ICE / CAPD) for patients on blinatumomab: "
    "it prompts the nurses on duty when a check is due, walks you through it one tap at a "
    "time, grades it by the ASTCT consensus and alerts the physician on call."
)


def role_name(role: str, language: str = ENGLISH) -> str:
    return gettext(language, ROLE_NAMES[role]) if role in ROLE_NAMES else texts.role_name(role)


def role_in_sentence(role: str, language: str = ENGLISH) -> str:
    """A role inside a sentence: in English the code's words as those sentences always said
    them ("charge nurse"), in another language the catalogue's name of the role."""
    return texts.role_name(role) if language == ENGLISH else role_name(role, language)


def duties(role: str, language: str = ENGLISH) -> str:
    return gettext(language, ROLE_DUTIES[role]) if role in ROLE_DUTIES else ""


def help_text(language: str = ENGLISH) -> str:
    commands = "\n".join(f"/{name} - {gettext(language, text)}" for name, text in texts.COMMANDS)
    heading = gettext(language, "Commands:")
    return f"{gettext(language, ABOUT)}\n\n{heading}\n{commands}"


def welcome(display_name: str, role: str, language: str = ENGLISH) -> str:
    hello = gettext(language, "Hello {name}. You are enrolled as {role}. {duties}")
    said = hello.format(
        name=display_name, role=role_name(role, language), duties=duties(role, language)
    )
    return f"{said}\n\n{help_text(language)}"


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
    language: str = ENGLISH,
) -> str:
    """What redeeming an invite did, said to the person who redeemed it."""

    def say(template: str, **facts: str) -> str:
        return gettext(language, template).format(**facts)

    named = role_name(role, language)
    if new_account:
        return say(
            N_(
                "Welcome, {name}. You are enrolled as {role} on ward {ward} ({ward_name}).\n\n"
                "You will see your ward's patients with /patients. {duties} "
                "/help lists the commands."
            ),
            name=display_name,
            role=named,
            ward=ward_code,
            ward_name=ward_name,
            duties=duties(role, language),
        )
    lines = [say(N_("{name}, your invite is redeemed."), name=display_name)]
    if ward_added:
        lines.append(
            say(
                N_("You are now also on ward {ward} ({ward_name})."),
                ward=ward_code,
                ward_name=ward_name,
            )
        )
    if previous_role is not None:
        was = role_name(previous_role, language)
        lines.append(say(N_("Your role is now {role} (was {was})."), role=named, was=was))
    if not ward_added and previous_role is None:
        lines.append(
            say(
                N_("You already were {role} on ward {ward}; nothing changed."),
                role=named,
                ward=ward_code,
            )
        )
    wards = gettext(language, ", ").join(ward_codes)
    lines.append(say(N_("Role: {role}. Wards: {wards}."), role=named, wards=wards))
    return "\n".join(lines)
