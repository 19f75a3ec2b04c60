"""The menus' release fingerprint: what decides whether start-up republishes every menu."""

from __future__ import annotations

import pytest

from bot.telegram import menus, texts
from storage.models import Role


def test_the_release_is_stable_and_follows_the_command_lists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = menus.release()
    assert release == menus.release(), "the same lists, the same release: no republishing"
    reworded = tuple(
        (name, "Start a neuro check now" if name == "check" else text)
        for name, text in texts.COMMANDS
    )
    monkeypatch.setattr(texts, "COMMANDS", reworded)
    assert menus.release() != release, "a reworded command republishes every menu"


def test_a_role_losing_a_command_changes_the_release(monkeypatch: pytest.MonkeyPatch) -> None:
    release = menus.release()
    trimmed = dict(menus.ROLE_COMMANDS)
    trimmed[Role.NURSE] = tuple(c for c in trimmed[Role.NURSE] if c != "event")
    monkeypatch.setattr(menus, "ROLE_COMMANDS", trimmed)
    assert menus.release() != release
