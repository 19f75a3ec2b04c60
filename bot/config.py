"""Settings from ``NEUROCHECK_*`` environment variables and a ``.env`` file.

A clinical bot that starts with a wrong time zone or a placeholder token fails silently in
the worst way (prompts at the wrong hour, or no prompts at all), so every setting is
validated at start and an invalid one stops the process with one line that names it.
"""

from __future__ import annotations

import importlib.util
import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "NEUROCHECK_"
TELEGRAM_API_URL = "https://api.telegram.org/bot"
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{32,256}$")
_PLACEHOLDERS = {"changeme", "change-me", "your-token-here", "token", "xxx"}

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class SettingsError(Exception):
    """A setting is missing or invalid; the message is one line meant for the operator."""


class Settings(BaseSettings):
    """Everything an operator can set; each field is in README and deploy/.env.example."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    bot_token: SecretStr | None = Field(
        default=None, description="Token of the Telegram bot, from @BotFather."
    )
    database_url: str = Field(
        default="sqlite:///neurocheck.db",
        description="SQLAlchemy URL; SQLite file in the working folder by default.",
    )
    bot_api_url: str = Field(
        default=TELEGRAM_API_URL,
        description="Bot API base URL, ending before the token (self-hosted or test server).",
    )
    bot_api_file_url: str | None = Field(
        default=None, description="Bot API file URL; derived from bot_api_url when unset."
    )
    timezone: str = Field(
        default="UTC", description="The hospital's IANA time zone, e.g. Europe/Berlin."
    )
    log_level: LogLevel = Field(default="INFO", description="Logging level.")
    scheduler_interval_seconds: Annotated[int, Field(ge=5, le=300)] = Field(
        default=30, description="How often the scheduler looks for due rows."
    )
    invite_ttl_hours: Annotated[int, Field(ge=1, le=24 * 14)] = Field(
        default=72, description="How long an invite code stays valid."
    )
    check_abandon_minutes: Annotated[int, Field(ge=5, le=24 * 60)] = Field(
        default=30, description="Minutes of silence after which a check in progress is abandoned."
    )

    fhir_patient_system: str = Field(
        default="urn:neurocheck:ward-label",
        description="FHIR identifier system of the patients' ward labels in exports.",
    )

    http_port: Annotated[int, Field(ge=0, le=65535)] = Field(
        default=0,
        description="Port of the monitoring face (/healthz, /metrics); 0 turns it off.",
    )
    http_host: str = Field(
        default="127.0.0.1", description="Address the monitoring face listens on."
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Webhook mode: the secret Telegram sends with every update. Secret.",
    )
    webhook_listen: str = Field(
        default="127.0.0.1", description="Webhook mode: the address the bot listens on."
    )
    webhook_port: Annotated[int, Field(ge=1, le=65535)] = Field(
        default=8443, description="Webhook mode: the port the bot listens on."
    )

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and -; refuse others at start
        rather than at setWebhook. Shorter than 32 would be guessable."""
        if value is None or not value.get_secret_value().strip():
            return None
        raw = value.get_secret_value().strip()
        if not _SECRET_RE.match(raw):
            raise ValueError("must be 32 to 256 characters of A-Z, a-z, 0-9, _ and -")
        return SecretStr(raw)

    paging_webhook_secret: SecretStr | None = Field(
        default=None,
        description="Shared secret signing the JSON posted to each ward's paging webhook_url.",
    )
    smtp_host: str | None = Field(
        default=None, description="SMTP server for second-channel e-mail; unset: no e-mail."
    )
    smtp_port: Annotated[int, Field(ge=1, le=65535)] = Field(
        default=587, description="Port of the SMTP server."
    )
    smtp_starttls: bool = Field(
        default=True, description="Whether to upgrade the SMTP connection with STARTTLS."
    )
    smtp_username: str | None = Field(default=None, description="SMTP login; unset: no login.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_from: str = Field(
        default="neurocheck@localhost", description="Sender address of second-channel e-mail."
    )
    heartbeat_url: str | None = Field(
        default=None,
        description="URL requested every minute while nothing is overdue (a dead-man's switch).",
    )

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        """Refuse placeholders early: a bot with a fake token would look alive but send nothing."""
        if value is None or not value.get_secret_value().strip():
            return None
        raw = value.get_secret_value().strip()
        if raw.lower() in _PLACEHOLDERS or not _TOKEN_RE.match(raw):
            raise ValueError("does not look like a token from @BotFather (digits:letters)")
        return SecretStr(raw)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        """A misspelt zone would shift every shift change and prompt; refuse it at start."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        """Only the two databases the test suite proves are accepted."""
        if not value.startswith(("sqlite", "postgres")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        if value.startswith("postgres") and importlib.util.find_spec("psycopg") is None:
            raise ValueError("PostgreSQL needs its driver: pip install 'neurocheck[postgres]'")
        return value

    @field_validator("bot_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("heartbeat_url", "smtp_host", "smtp_username")
    @classmethod
    def _empty_is_unset(cls, value: str | None, info: ValidationInfo) -> str | None:
        """An empty line in the .env file means unset; a heartbeat URL must be http(s)."""
        if value is None or not value.strip():
            return None
        if info.field_name == "heartbeat_url" and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.strip()

    @field_validator("paging_webhook_secret", "smtp_password")
    @classmethod
    def _empty_secret_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        return value

    @field_validator("fhir_patient_system")
    @classmethod
    def _uri(cls, value: str) -> str:
        """An identifier system is a URI; a bare word would make every exported Patient invalid."""
        if not _URI_RE.match(value):
            raise ValueError("must be a URI, e.g. https://hospital.example/ward-label or urn:...")
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The hospital's zone: times are shown and entered in it, stored in UTC."""
        return ZoneInfo(self.timezone)

    @property
    def file_url(self) -> str:
        """File download base; Telegram's layout is ``.../file/bot<token>``."""
        if self.bot_api_file_url:
            return self.bot_api_file_url
        if self.bot_api_url.endswith("/bot"):
            return self.bot_api_url[: -len("/bot")] + "/file/bot"
        return self.bot_api_url

    def require_webhook_secret(self) -> str:
        """Webhook mode refuses to start without a secret: anyone could post fake updates."""
        if self.webhook_secret is None:
            raise SettingsError(
                f"webhook mode needs {ENV_PREFIX}WEBHOOK_SECRET: 32 or more characters of "
                "A-Z, a-z, 0-9, _ and - (e.g. from 'openssl rand -hex 32')"
            )
        return self.webhook_secret.get_secret_value()

    def require_token(self) -> str:
        """The token, or a one-line explanation of how to get one."""
        if self.bot_token is None:
            raise SettingsError(
                f"{ENV_PREFIX}BOT_TOKEN is not set: create a bot with @BotFather in Telegram "
                f"and put its token in {ENV_PREFIX}BOT_TOKEN (environment or .env file)"
            )
        return self.bot_token.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's multi-line report into one operator-facing line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"invalid setting {ENV_PREFIX}{field.upper()}: {message}") from None
