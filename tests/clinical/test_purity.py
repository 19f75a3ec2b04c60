"""The clinical core stays pure: no project imports outside it, no I/O, no clock."""

from __future__ import annotations

import ast
import pathlib

import pytest

import bot.clinical

PACKAGE = pathlib.Path(bot.clinical.__file__).parent
MODULES = sorted(PACKAGE.glob("*.py"))
ALLOWED_STDLIB = {
    "__future__",
    "collections",
    "dataclasses",
    "datetime",
    "enum",
    "math",
    "re",
    "tomllib",  # parses text handed in; reading the protocol files is bot.protocols' job
    "types",
    "typing",
}
FORBIDDEN_CALLS = {"today", "now", "utcnow", "open", "print", "input", "time"}


def _imports(tree: ast.Module) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in MODULES])
def test_imports_only_stdlib_and_bot_clinical(path: pathlib.Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for name in _imports(tree):
        top = name.split(".")[0]
        assert name.startswith("bot.clinical") or top in ALLOWED_STDLIB, name


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in MODULES])
def test_no_clock_and_no_io(path: pathlib.Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert name not in FORBIDDEN_CALLS, f"{path.name}:{node.lineno} calls {name}()"
