"""Every text the bot sends to people, in one place so wording is reviewed together."""

from __future__ import annotations

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Enrol with an invite code, or see who you are"),
    ("help", "What this bot does and its commands"),
)

NOT_ENROLLED = (
    "This bot is for enrolled ward staff only. Ask your ward administrator for an invite link."
)

HELP = (
    "Neurocheck runs the ICANS neuro checks (ICE / CAPD) for patients on blinatumomab: "
    "it prompts the nurses on duty when a check is due, walks you through it one tap at a "
    "time, grades it by the ASTCT consensus and alerts the physician on call.\n\n"
    "Commands:\n" + "\n".join(f"/{name} - {text}" for name, text in COMMANDS)
)


def welcome(display_name: str, role: str) -> str:
    return f"Hello {display_name}. You are enrolled as {role.replace('_', ' ')}.\n\n{HELP}"
