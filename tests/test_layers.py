"""The house rules, checked on the source: imports point downwards only, services hold no
words for people, and modules stay small enough to read in one sitting.

Layers, lowest first: the pure clinical core (with the clock, settings and logging helpers
that import nothing of ours); storage; services (use cases); the adapters (Telegram, the
second channel); the entry points (application, scheduler, command line, web, sandbox). A
module may import its own layer and those below, never above.
"""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCES = sorted(
    p
    for top in ("bot", "storage")
    for p in (ROOT / top).rglob("*.py")
    if "migrations" not in p.parts
)

LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "bot.clinical",
        "bot.clock",
        "bot.config",
        "bot.logs",
        "bot.instances",
        "bot.protocols",
        "bot.metrics",
    ),
    ("storage",),
    ("bot.services",),
    ("bot.telegram", "bot.channels"),
    ("bot",),  # everything else: app, scheduler, cli, web, sandbox, serve, metrics
)

MAX_LINES = 400

# Words that are part of a file format rather than said to a person: the export's data
# dictionary and FHIR display names are English by design, like the command line's output.
FORMATS = ("bot.services.export.",)

_LOGGING = {"debug", "info", "warning", "error", "exception", "critical", "log"}
_SENTENCE = re.compile(r"[A-Za-z]{2,}[,;:]? [A-Za-z]{2,}[,;:]? [A-Za-z]{2,}")


def _name(path: pathlib.Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _prefix_of(module: str) -> str:
    matches = [p for ps in LAYERS for p in ps if module == p or module.startswith(p + ".")]
    return max(matches, key=len) if matches else ""


def _rank(module: str) -> int:
    prefix = _prefix_of(module)
    return next(rank for rank, ps in enumerate(LAYERS) if prefix in ps)


def _imports(tree: ast.Module, module: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{a.name}") for a in node.names)
    return [(line, name) for line, name in found if name.split(".")[0] in {"bot", "storage"}]


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_imports_point_downwards(path: pathlib.Path) -> None:
    module = _name(path)
    rank = _rank(module)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for line, name in _imports(tree, module):
        if name in {"bot", "storage"}:
            continue  # the package itself (its version, its path)
        assert _rank(name) <= rank, f"{module}:{line} imports {name}, a layer above it"


def _docstrings(tree: ast.Module) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _log_arguments(tree: ast.Module) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _LOGGING
        ):
            for arg in ast.walk(node):
                ids.add(id(arg))
    return ids


def wording(path: pathlib.Path) -> list[str]:
    """String literals in a module that read as sentences for a person (docstrings, log
    lines and bare attribute docstrings aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | _log_arguments(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))  # a string standing alone documents the line above
    found: list[str] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and _SENTENCE.search(node.value)
        ):
            found.append(f"{node.lineno}: {node.value[:60]!r}")
    return found


SERVICES = [
    p for p in SOURCES if _name(p).startswith("bot.services") and not _name(p).startswith(FORMATS)
]


@pytest.mark.parametrize("path", SERVICES, ids=_name)
def test_services_hold_no_words_for_people(path: pathlib.Path) -> None:
    found = wording(path)
    assert not found, f"{_name(path)} words things for people (move them to bot/telegram): {found}"


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_modules_stay_small(path: pathlib.Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_name(path)} is {lines} lines (at most {MAX_LINES}): split it"


@pytest.mark.parametrize("path", SERVICES, ids=_name)
def test_services_leave_queries_to_the_repositories(path: pathlib.Path) -> None:
    """A service loads through ``storage.repositories``: it builds no SELECT of its own."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in {"sqlmodel", "sqlalchemy"}:
            names = {alias.name for alias in node.names}
            assert "select" not in names, f"{_name(path)}:{node.lineno} imports select"
