"""deploy/ agrees with the code: every setting is documented with a valid default, the systemd
unit passes ``systemd-analyze verify``, compose runs migrations before the bot, and the image
runs as a non-root user without secrets.

Docker is not available to the test suite, so nothing here builds or starts a container; what
can be checked without it (file structure, cross-references, the build context) is.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import ENV_PREFIX, Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / ".env.example"
COMPOSE = DEPLOY / "compose.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"
UNIT = DEPLOY / "neurocheck.service"
DOCKERIGNORE = ROOT / ".dockerignore"

HOST_VENV_BIN = "/opt/neurocheck/venv/bin/"
HOST_ENV_FILE = "/etc/neurocheck/neurocheck.env"
HOST_WORKDIR = "/var/lib/neurocheck"


# ---------------------------------------------------------------------------------------------
# deploy/.env.example


@dataclass(frozen=True)
class _Entry:
    """One ``NAME=value`` line of the example, possibly commented out, with its comments."""

    name: str
    value: str
    commented: bool
    comments: tuple[str, ...]  # the comment lines directly above it
    line: int


_ASSIGNMENT = re.compile(r"^(?P<hash>#\s*)?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")


def _example_entries(text: str) -> list[_Entry]:
    entries: list[_Entry] = []
    comments: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        match = _ASSIGNMENT.match(line)
        if match and match["hash"] is not None and re.search(r"\s", match["value"]):
            match = None  # prose such as "# One KEY=value per line", not a commented variable
        if match:
            entries.append(
                _Entry(
                    name=match["name"],
                    value=match["value"],
                    commented=match["hash"] is not None,
                    comments=tuple(comments),
                    line=number,
                )
            )
            comments = []
        elif line.startswith("#"):
            comments.append(line.lstrip("#").strip())
        elif not line:
            comments = []
        else:
            raise AssertionError(f".env.example:{number}: not NAME=value nor a comment: {raw!r}")
    return entries


def _field(name: str) -> str:
    """``NEUROCHECK_BOT_TOKEN`` -> ``bot_token``."""
    return name.removeprefix(ENV_PREFIX).lower()


@pytest.fixture
def example_text() -> str:
    return ENV_EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No NEUROCHECK_* variable from the caller's environment, and no stray .env file."""
    for name in list(os.environ):
        if name.startswith(ENV_PREFIX):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_example_documents_exactly_the_settings_fields(example_text: str) -> None:
    fields = set(Settings.model_fields)
    mentioned = {_field(m) for m in re.findall(rf"\b{ENV_PREFIX}[A-Z0-9_]+", example_text)}
    assert mentioned - fields == set(), "the example names variables that Settings does not read"

    entries = [e for e in _example_entries(example_text) if e.name.startswith(ENV_PREFIX)]
    documented = {_field(e.name) for e in entries}
    assert fields - documented == set(), "Settings fields missing from deploy/.env.example"

    active = [_field(e.name) for e in entries if not e.commented]
    assert len(active) == len(set(active)), "a variable is set twice in deploy/.env.example"
    # Defaults are shown as real assignments; only a field whose default is "unset" may be a
    # commented line (and the token, which the operator must fill in, is an empty assignment).
    must_be_set = {n for n, f in Settings.model_fields.items() if f.default is not None}
    assert must_be_set | {"bot_token"} <= set(active)


def test_every_variable_has_its_field_description_above_it(example_text: str) -> None:
    entries = _example_entries(example_text)
    for name, field in Settings.model_fields.items():
        assert field.description, f"Settings.{name} has no description to document"
        blocks = [" ".join(e.comments) for e in entries if _field(e.name) == name]
        assert any(field.description in block for block in blocks), (
            f"{ENV_PREFIX}{name.upper()}: the comment above it should say {field.description!r}"
        )


def test_example_holds_no_secret_and_only_portable_lines(example_text: str) -> None:
    entries = _example_entries(example_text)
    values = {e.name: e.value for e in entries if not e.commented}
    assert values[f"{ENV_PREFIX}BOT_TOKEN"] == ""
    assert values["POSTGRES_PASSWORD"] == ""
    assert values["POSTGRES_BOT_PASSWORD"] == ""
    # Compose, systemd and python-dotenv agree only on plain values: no quotes, spaces,
    # inline comments or $ (which compose would try to interpolate).
    for entry in entries:
        if not entry.commented:
            assert re.fullmatch(r"[^\s\"'#$]*", entry.value), (
                f".env.example:{entry.line}: {entry.name} needs a plain value"
            )


def test_example_loads_and_its_values_are_the_defaults(example_text: str, clean_env: Path) -> None:
    token = "123456789:test-token_filled-in-by-the-test"
    filled, count = re.subn(
        rf"^{ENV_PREFIX}BOT_TOKEN=$", f"{ENV_PREFIX}BOT_TOKEN={token}", example_text, flags=re.M
    )
    assert count == 1, "the example lost its empty NEUROCHECK_BOT_TOKEN= line"
    (clean_env / ".env").write_text(filled, encoding="utf-8")

    settings = load_settings()  # reads ./.env, as the bot does; SettingsError names a bad value

    assert settings.require_token() == token
    for name, field in Settings.model_fields.items():
        if name != "bot_token":
            assert getattr(settings, name) == field.default, f"{name} differs from its default"


def test_example_as_shipped_leaves_the_token_unset(example_text: str, clean_env: Path) -> None:
    (clean_env / ".env").write_text(example_text, encoding="utf-8")
    assert load_settings().bot_token is None  # empty means "not set", not "invalid"


def test_commented_postgresql_example_is_a_valid_url(example_text: str, clean_env: Path) -> None:
    examples = [
        e.value
        for e in _example_entries(example_text)
        if e.commented and e.name == f"{ENV_PREFIX}DATABASE_URL"
    ]
    postgres = [url for url in examples if url.startswith("postgresql://")]
    assert postgres, "deploy/.env.example should show a commented PostgreSQL URL"
    for url in postgres:
        assert load_settings(database_url=url).database_url == url


# ---------------------------------------------------------------------------------------------
# deploy/neurocheck.service


def _unit_directives(text: str) -> dict[str, list[str]]:
    """``Section.Key`` -> values, in order (systemd allows repeated keys)."""
    directives: dict[str, list[str]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        directives.setdefault(f"{section}.{key.strip()}", []).append(value.strip())
    return directives


def test_unit_migrates_before_running_and_is_hardened() -> None:
    unit = _unit_directives(UNIT.read_text(encoding="utf-8"))

    def one(key: str) -> str:
        values = unit.get(key, [])
        assert len(values) == 1, f"{key}: expected exactly one, found {values}"
        return values[0]

    assert one("Service.ExecStartPre") == f"{HOST_VENV_BIN}neurocheck db upgrade"
    assert one("Service.ExecStart") == f"{HOST_VENV_BIN}neurocheck run --no-migrate"
    assert one("Service.EnvironmentFile") == HOST_ENV_FILE
    assert one("Service.User") == "neurocheck"
    assert one("Service.WorkingDirectory") == HOST_WORKDIR
    assert one("Service.Restart") == "always"
    assert one("Service.RestartSec") == "5"
    assert one("Service.NoNewPrivileges") == "yes"
    assert one("Service.ProtectSystem") == "strict"
    assert HOST_WORKDIR in one("Service.ReadWritePaths").split()
    assert one("Service.ProtectHome") == "yes"
    assert one("Service.PrivateTmp") == "yes"
    assert {"network-online.target", "postgresql.service"} <= set(one("Unit.After").split())
    assert "network-online.target" in one("Unit.Wants").split()
    assert one("Install.WantedBy") == "multi-user.target"


def test_systemd_analyze_verify_accepts_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed; cannot verify deploy/neurocheck.service")
    # The unit names host paths that do not exist here; point them at real ones so that
    # verify judges the unit's syntax and not this machine's layout.
    venv_bin = Path(sys.executable).parent
    assert (venv_bin / "neurocheck").is_file(), "the neurocheck console script is not installed"
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    env_file = tmp_path / "neurocheck.env"
    env_file.write_text(ENV_EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    text = UNIT.read_text(encoding="utf-8")
    assert text.count(HOST_VENV_BIN) >= 2 and HOST_ENV_FILE in text and HOST_WORKDIR in text
    text = (
        text.replace(HOST_VENV_BIN, f"{venv_bin}/")
        .replace(HOST_ENV_FILE, str(env_file))
        .replace(HOST_WORKDIR, str(workdir))
    )
    unit = tmp_path / "neurocheck.service"  # verify wants the real unit name
    unit.write_text(text, encoding="utf-8")

    result = subprocess.run(  # noqa: S603
        [analyze, "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "SYSTEMD_LOG_COLOR": "0"},
    )

    output = result.stdout + result.stderr
    # Unknown keys and misplaced directives are only warnings (exit 0): any line that names
    # our unit is a finding.
    about_unit = [line for line in output.splitlines() if "neurocheck.service" in line]
    assert result.returncode == 0 and not about_unit, output


# ---------------------------------------------------------------------------------------------
# deploy/compose.yaml


def _load_yaml(path: Path) -> Any:
    """Parse with PyYAML (a dev dependency), the same YAML 1.1 rules compose follows."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _compose_code() -> str:
    """The compose file without its comment lines."""
    lines = COMPOSE.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


def _service_blocks(code: str) -> dict[str, str]:
    """Top-level services of a block-style compose file: name -> its indented text."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_services = False
    for line in code.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            in_services = line.rstrip() == "services:"
            current = None
        elif in_services and re.match(r"^  [A-Za-z0-9_.-]+:\s*$", line):
            current = blocks.setdefault(line.strip().rstrip(":"), [])
        elif in_services and current is not None:
            current.append(line)
    return {name: "\n".join(lines) for name, lines in blocks.items()}


def _command(block: str) -> list[str]:
    match = re.search(r"^[ ]+command:[ ]*(\[.*\])[ ]*$", block, re.M)
    assert match, "expected an exec-form command: [...]"
    command = json.loads(match[1])
    assert isinstance(command, list)
    return [str(part) for part in command]


def _depends_on(block: str) -> dict[str, str]:
    """``depends_on`` in its long form: service -> condition."""
    match = re.search(r"^([ ]+)depends_on:[ ]*\n((?:\1[ ]+.*\n?)+)", block, re.M)
    assert match, "expected depends_on with conditions"
    pairs = re.findall(r"^[ ]+([A-Za-z0-9_.-]+):[ ]*\n[ ]+condition:[ ]*(\S+)", match[2], re.M)
    return dict(pairs)


PG_URL = re.compile(
    r"postgresql://neurocheck:\$\{POSTGRES_PASSWORD(?::\?[^}]*)?\}@db:5432/neurocheck"
)
BOT_PG_URL = re.compile(
    r"postgresql://neurocheck_bot:\$\{POSTGRES_BOT_PASSWORD(?::\?[^}]*)?\}@db:5432/neurocheck"
)
MIGRATE_COMMAND = ["db", "upgrade", "--grant", "neurocheck_bot"]


def test_compose_services_text() -> None:
    services = _service_blocks(_compose_code())
    assert set(services) == {"db", "migrate", "bot"}

    db = services["db"]
    assert re.search(r"^[ ]+image:[ ]*postgres:16[ ]*$", db, re.M)
    assert re.search(r"^[ ]+healthcheck:[ ]*$", db, re.M) and "pg_isready" in db
    assert re.search(r"^[ ]+-[ ]*[A-Za-z0-9_-]+:/var/lib/postgresql/data[ ]*$", db, re.M)

    migrate = services["migrate"]
    assert _command(migrate) == MIGRATE_COMMAND
    assert _depends_on(migrate) == {"db": "service_healthy"}
    assert re.search(r"^[ ]+restart:[ ]*\"no\"[ ]*$", migrate, re.M)

    bot = services["bot"]
    assert _command(bot) == ["run", "--no-migrate"]
    assert _depends_on(bot).get("migrate") == "service_completed_successfully"
    assert re.search(r"^[ ]+restart:[ ]*unless-stopped[ ]*$", bot, re.M)
    assert re.search(r"^[ ]+env_file:[ ]*\.env[ ]*$", bot, re.M)

    for name, url in (("migrate", PG_URL), ("bot", BOT_PG_URL)):
        assert re.search(
            rf"^[ ]+{ENV_PREFIX}DATABASE_URL:[ ]*{url.pattern}[ ]*$", services[name], re.M
        ), f"{name} must use the db service (the bot as its own role, migrate as the owner)"


def test_compose_uses_only_documented_variables(example_text: str) -> None:
    code = _compose_code()
    references = re.findall(r"(?<!\$)\$(?:\{([A-Za-z_]\w*)|([A-Za-z_]\w*))", code)
    names = {braced or bare for braced, bare in references}
    documented = {e.name for e in _example_entries(example_text) if not e.commented}
    assert names, "compose should take the database password from the environment"
    assert names <= documented, f"undocumented in deploy/.env.example: {names - documented}"
    # A required variable: compose must refuse to start with an empty password.
    for reference in re.findall(r"\$\{POSTGRES_PASSWORD[^}]*\}", code):
        assert reference.startswith("${POSTGRES_PASSWORD:?"), reference
    # Conversely every non-NEUROCHECK variable in the example is there for compose.
    extra = {n for n in documented if not n.startswith(ENV_PREFIX)}
    assert extra <= names, f"variables in deploy/.env.example that nothing reads: {extra - names}"


def test_compose_parses_as_yaml_with_the_expected_structure() -> None:
    compose = _load_yaml(COMPOSE)
    assert isinstance(compose, dict)
    services = compose["services"]
    assert set(services) == {"db", "migrate", "bot"}

    db = services["db"]
    assert db["image"] == "postgres:16"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"], "the database needs a named volume"

    migrate, bot = services["migrate"], services["bot"]
    assert migrate["command"] == MIGRATE_COMMAND
    assert migrate["depends_on"]["db"]["condition"] == "service_healthy"
    assert migrate["restart"] == "no"  # the string, not YAML's boolean false
    assert bot["command"] == ["run", "--no-migrate"]
    assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert bot["restart"] == "unless-stopped"
    # The health check asks the bot's own /healthz on the port compose gives it, and the bot
    # refuses to start without a token (compose says so before anything starts).
    port = bot["environment"][f"{ENV_PREFIX}HTTP_PORT"]
    assert f"http://127.0.0.1:{port}/healthz" in " ".join(bot["healthcheck"]["test"])
    assert bot["environment"][f"{ENV_PREFIX}BOT_TOKEN"].startswith("${NEUROCHECK_BOT_TOKEN:?")
    assert bot["env_file"] in (".env", [".env"])
    assert PG_URL.fullmatch(migrate["environment"][f"{ENV_PREFIX}DATABASE_URL"])
    assert BOT_PG_URL.fullmatch(bot["environment"][f"{ENV_PREFIX}DATABASE_URL"])
    assert "./postgres-init:/docker-entrypoint-initdb.d:ro" in db["volumes"]
    for service in (migrate, bot):
        assert service["image"] == bot["image"]
        build = service["build"]
        assert (COMPOSE.parent / build["context"]).resolve() == ROOT
        assert (ROOT / build["dockerfile"]).resolve() == DOCKERFILE


# ---------------------------------------------------------------------------------------------
# deploy/Dockerfile and .dockerignore


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued instruction"
    result: list[tuple[str, str]] = []
    for line in logical:
        instruction, _, args = line.partition(" ")
        result.append((instruction.upper(), args.strip()))
    return result


def _stages(instructions: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction, args in instructions:
        if instruction == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction, args))
    return stages


def _copy_sources(args: str) -> list[str]:
    parts = [p for p in args.split() if not p.startswith("--")]
    if parts and parts[0].startswith("["):
        parts = json.loads(args[args.index("[") :])
    return parts[:-1]


def test_dockerfile_is_multi_stage_non_root_and_without_secrets() -> None:
    instructions = _instructions(DOCKERFILE.read_text(encoding="utf-8"))
    stages = _stages(instructions)
    assert len(stages) >= 2, "builder and runtime stages expected"

    build_args = {
        name: default
        for instruction, args in instructions
        if instruction == "ARG"
        for name, _, default in [args.partition("=")]
    }
    runtime = stages[-1]
    base = runtime[0][1].split()[0]
    base = re.sub(r"\$\{(\w+)\}", lambda m: build_args.get(m[1], m[0]), base)
    assert base == "python:3.11-slim"

    users = [args for instruction, args in runtime if instruction == "USER"]
    assert users, "the runtime stage must switch to a non-root USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"} and user.isdigit(), "USER should be a fixed, non-root uid"

    for instruction, args in runtime:
        if instruction in {"COPY", "ADD"}:
            assert "--from=" in args, f"the runtime stage copies only from the builder: {args}"
    for instruction, args in instructions:
        if instruction in {"COPY", "ADD"}:
            for source in _copy_sources(args):
                assert not re.search(r"(^|/)\.env", source), f"{instruction} {args} copies .env"
        if instruction in {"ENV", "ARG"}:
            assert not re.search(r"TOKEN|PASSWORD|SECRET", args, re.I), f"{instruction} {args}"

    last = {instruction: args for instruction, args in runtime}
    assert json.loads(last["ENTRYPOINT"]) == ["neurocheck"]
    assert json.loads(last["CMD"]) == ["run"]
    assert last["WORKDIR"] == HOST_WORKDIR
    assert "PYTHONUNBUFFERED=1" in " ".join(a for i, a in runtime if i == "ENV")


def _dockerignore_patterns() -> list[tuple[bool, re.Pattern[str]]]:
    """(is an exception, regex) per line, after Docker's rules for the patterns used here."""
    patterns: list[tuple[bool, re.Pattern[str]]] = []
    for raw in DOCKERIGNORE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = re.escape(pattern)
        regex = regex.replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        regex = re.sub(r"\\\[(.*?)\\\]", r"[\1]", regex)
        patterns.append((negate, re.compile(rf"^{regex}$")))
    return patterns


def _ignored(path: str, patterns: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Whether ``path`` stays out of the build context: the last pattern matching the path or
    one of its parent folders decides."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for negate, regex in patterns:
        if any(regex.match(prefix) for prefix in prefixes):
            excluded = not negate
    return excluded


def test_build_context_has_the_sources_and_never_secrets_or_databases() -> None:
    patterns = _dockerignore_patterns()
    builder_copies = [
        source
        for instruction, args in _instructions(DOCKERFILE.read_text(encoding="utf-8"))
        if instruction == "COPY" and "--from=" not in args
        for source in _copy_sources(args)
    ]
    assert builder_copies
    for source in builder_copies:
        assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
        assert not _ignored(source.rstrip("/"), patterns), f"COPY {source}: in .dockerignore"
    assert not _ignored("bot/cli/main.py", patterns)
    assert not _ignored("storage/migrations/env.py", patterns)
    for secret_or_local in (
        ".env",
        "deploy/.env",
        "bot/.env",
        ".venv/bin/python",
        ".git/config",
        "neurocheck.db",
        "storage/neurocheck.db",
        "bot/__pycache__/cli.cpython-311.pyc",
        "storage/stray.pyc",
        ".pytest_cache/v/cache",
        ".mypy_cache/3.11/x.json",
    ):
        assert _ignored(secret_or_local, patterns), f"{secret_or_local} would reach the image"


def test_the_bot_role_script_creates_the_role_migrate_grants() -> None:
    script = DEPLOY / "postgres-init" / "10-bot-role.sh"
    text = script.read_text(encoding="utf-8")
    assert os.access(script, os.X_OK), "docker-entrypoint-initdb.d runs only executable .sh"
    assert subprocess.run(["sh", "-n", str(script)], check=False).returncode == 0  # noqa: S603,S607
    created = re.search(r"CREATE ROLE (\w+) LOGIN NOSUPERUSER", text)
    assert created and created.group(1) == MIGRATE_COMMAND[-1]
    assert "$POSTGRES_BOT_PASSWORD" in text
