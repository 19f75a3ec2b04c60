"""Words of the file imports' refusals (``neurocheck oncall import``, ``neurocheck labs
import``; see ``bot.services.csv_import``): each bad line as ``line N: reason``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.services.csv_import import LineProblem


def problem_line(problem: LineProblem) -> str:
    """``line N: reason``, the column first when the reason is about one."""
    from bot.telegram.words import refusal

    text = refusal(problem.error)
    column = f"{problem.column}: " if problem.column else ""
    return f"line {problem.line}: {column}{text}"


def _bad_lines(problems: Sequence[LineProblem]) -> str:
    return "\n".join(problem_line(problem) for problem in problems)


REFUSALS: dict[str, str | Callable[..., str]] = {
    "csv.empty": "the file is empty: the first line must be {header}",
    "csv.header": "the header must be {header}, not {found!r}",
    "csv.fields": "expected {expected} fields, found {found}",
    "csv.cell_empty": "the {column} is empty",
    "csv.bad_lines": _bad_lines,
    "rota_file.no_shifts": "no shifts in the file, only the header",
    "rota_file.telegram_id": "the telegram_id must be a number, not {text!r}",
    "rota_file.override": "override must be yes or no, not {text!r}",
}
