"""Settings: prefix, .env file, and one clear line for every invalid value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(__import__("os").environ):
        if name.startswith("NEUROCHECK_") and name != "NEUROCHECK_TEST_DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_are_safe_and_local() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///neurocheck.db"
    assert settings.bot_api_url == "https://api.telegram.org/bot"
    assert settings.file_url == "https://api.telegram.org/file/bot"
    assert settings.bot_token is None
    assert settings.timezone == "UTC"


def test_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "NEUROCHECK_TIMEZONE=Europe/Berlin\nNEUROCHECK_BOT_TOKEN=123:fromdotenv\n"
    )
    monkeypatch.setenv("NEUROCHECK_BOT_TOKEN", "456:fromenv")
    settings = load_settings()
    assert settings.timezone == "Europe/Berlin"
    assert settings.require_token() == "456:fromenv"  # the environment wins over .env
    assert "456:fromenv" not in repr(settings)  # the token is a secret


def test_missing_token_says_which_variable_and_where_tokens_come_from() -> None:
    with pytest.raises(SettingsError) as info:
        load_settings().require_token()
    assert "NEUROCHECK_BOT_TOKEN" in str(info.value)
    assert "@BotFather" in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("NEUROCHECK_TIMEZONE", "Mars/Olympus", "NEUROCHECK_TIMEZONE"),
        ("NEUROCHECK_BOT_TOKEN", "changeme", "NEUROCHECK_BOT_TOKEN"),
        ("NEUROCHECK_DATABASE_URL", "mysql://x", "NEUROCHECK_DATABASE_URL"),
        ("NEUROCHECK_LOG_LEVEL", "LOUD", "NEUROCHECK_LOG_LEVEL"),
        ("NEUROCHECK_BOT_API_URL", "ftp://x", "NEUROCHECK_BOT_API_URL"),
        ("NEUROCHECK_SCHEDULER_INTERVAL_SECONDS", "1", "NEUROCHECK_SCHEDULER_INTERVAL_SECONDS"),
    ],
)
def test_invalid_setting_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_explicit_file_url_wins() -> None:
    settings = Settings(bot_api_url="http://127.0.0.1:8081/bot", bot_api_file_url="http://f/")
    assert settings.file_url == "http://f/"
    assert Settings(bot_api_url="http://127.0.0.1:8081/bot").file_url == (
        "http://127.0.0.1:8081/file/bot"
    )
