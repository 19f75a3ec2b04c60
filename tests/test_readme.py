"""The README's promises: its test command is what CI runs, and every setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def readme_test_command() -> str:
    match = re.search(r"<!-- test-command -->\s*```sh\n(.+?)\n```", README, re.DOTALL)
    assert match, "README lost its marked test command"
    return match.group(1).strip()


def test_ci_runs_the_readme_test_command_on_both_databases() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert f'TEST_COMMAND="{readme_test_command()}"' in ci
    assert ci.count('bash -c "$TEST_COMMAND"') == 2
    assert 'NEUROCHECK_TEST_DATABASE_URL="$PG_URL"' in ci


def test_every_setting_is_in_the_readme_table() -> None:
    for field in Settings.model_fields:
        assert f"| `{ENV_PREFIX}{field.upper()}` |" in README, field


def test_the_readme_starts_with_the_sandbox_and_its_screenshot() -> None:
    first = re.search(r"```sh\n(.+?)\n```", README, re.DOTALL)
    assert first, "README lost its commands"
    assert first.group(1).strip() == (
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/neurocheck sandbox"
    )
    image = re.search(r"!\[[^\]]+\]\(([^)]+)\)", README)
    assert image and (ROOT / image.group(1)).is_file()
