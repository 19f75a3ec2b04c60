"""Packaging: the SPDX licence, the PostgreSQL driver as an extra, and a lock file that the
image installs from and that still satisfies pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
LOCK = ROOT / "deploy" / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+) \\$", re.M)


def locked() -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in PIN.findall(LOCK.read_text())}


def test_licence_is_an_spdx_expression() -> None:
    assert isinstance(PROJECT["license"], str)  # PEP 639; the table form is deprecated


def test_postgres_driver_is_an_extra_that_dev_installs() -> None:
    core = {canonicalize_name(Requirement(r).name) for r in PROJECT["dependencies"]}
    extras = PROJECT["optional-dependencies"]
    assert "psycopg" not in core  # the embedded SQLite default needs no driver
    assert [Requirement(r).name for r in extras["postgres"]] == ["psycopg"]
    assert "neurocheck[postgres]" in extras["dev"]


def test_lock_pins_every_runtime_dependency_with_hashes_within_pyproject() -> None:
    pins = locked()
    text = LOCK.read_text()
    for raw in [*PROJECT["dependencies"], *PROJECT["optional-dependencies"]["postgres"]]:
        requirement = Requirement(raw)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements.lock: run uv pip compile again"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} vs {raw}"
    for block in re.split(r"\n(?=\S)", text):
        if "==" in block:
            assert "--hash=sha256:" in block, f"no hash for {block.splitlines()[0]}"


def test_image_installs_from_the_lock_with_hashes() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --require-hashes --no-deps -r requirements.lock" in dockerfile
    assert "pip install --no-deps /wheels/neurocheck-*.whl" in dockerfile
