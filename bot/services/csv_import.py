"""All-or-nothing import of a CSV file: the on-call rota and laboratory values.

Files come from spreadsheets and laboratory systems and are fixed by a person, so every
problem of a file is named at once with its line number, and a file with any problem changes
nothing (a half-imported rota is worse than none). This module holds what the imports share:
reading the text (columns found by name, in any order and case; blank lines skipped; a row
with the wrong number of fields refused), and applying the rows inside a savepoint that is
kept only when every row passed and it is not a dry run. Each import says how one row is read
(``bot.services.roster_csv``, ``bot.services.labs_csv``) and applied (its service).

Nothing here words a problem: a problem is its line, the column when it is about one, and a
refusal with a code and facts; the command line words it (``bot.telegram.words.files``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from sqlmodel import Session

from bot.services.errors import RefusalCode, RefusedError


class CsvRefusal(RefusalCode):
    EMPTY = "csv.empty"
    """The file has no first line at all (facts: ``header``, the expected one)."""
    HEADER = "csv.header"
    """The first line is not the header (facts: ``header``, ``found``)."""
    FIELDS = "csv.fields"
    """A row with another number of fields than the header (facts: ``expected``, ``found``)."""
    CELL_EMPTY = "csv.cell_empty"
    """A required cell is empty (facts: ``column``)."""
    BAD_LINES = "csv.bad_lines"
    """The whole file refused, nothing written (facts: ``problems``, the LineProblems)."""


@dataclass(frozen=True)
class LineProblem:
    line: int
    error: RefusedError
    """Why the line was refused: a code and its facts."""
    column: str = ""
    """The column the problem is about, named before it (``start: ...``), or empty."""


@dataclass(frozen=True)
class FileSpec:
    """The header of one kind of file and the code for a file with a header only."""

    required: tuple[str, ...]
    no_rows: RefusalCode
    optional: tuple[str, ...] = ()
    empty_is_named: bool = True
    """A file without any line is refused as empty (else as a wrong header, found '')."""

    @property
    def header(self) -> str:
        optional = "[," + ",".join(self.optional) + "]" if self.optional else ""
        return ",".join(self.required) + optional


R = TypeVar("R")
Row = dict[str, str]
"""One line of the file: each column's cell, stripped."""
RowReader = Callable[[Row, list[LineProblem], int], R | None]
"""Reads one line (its cells, where to add problems, its number): the row, or None."""


@dataclass(frozen=True)
class Parsed(Generic[R]):
    rows: tuple[R, ...]
    problems: tuple[LineProblem, ...]
    """In file order; when not empty, ``rows`` must not be applied."""


def read(text: str, spec: FileSpec, read_row: RowReader[R]) -> Parsed[R]:
    """Every row of the file, or every problem in it."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = next(reader, None)
    columns, problem = _columns(header, spec)
    if problem is not None:
        return Parsed((), (LineProblem(1, problem),))
    rows: list[R] = []
    problems: list[LineProblem] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines between blocks of a file are harmless
        line = reader.line_num
        if len(cells) != len(columns):
            found = RefusedError(CsvRefusal.FIELDS, expected=len(columns), found=len(cells))
            problems.append(LineProblem(line, found))
            continue
        cells_by_name = {name: cells[index].strip() for name, index in columns.items()}
        of_line: list[LineProblem] = []
        row = read_row(cells_by_name, of_line, line)
        problems += of_line
        if row is not None and not of_line:
            rows.append(row)
    if not rows and not problems:
        problems.append(LineProblem(reader.line_num or 1, RefusedError(spec.no_rows)))
    return Parsed(tuple(rows), tuple(problems))


def _columns(
    header: Sequence[str] | None, spec: FileSpec
) -> tuple[dict[str, int], RefusedError | None]:
    """Where each column is; or why the first line is not the header."""
    if header is None and spec.empty_is_named:
        return {}, RefusedError(CsvRefusal.EMPTY, header=spec.header)
    names = [cell.strip().lower() for cell in header or []]
    missing = [name for name in spec.required if name not in names]
    unknown = [name for name in names if name not in spec.required + spec.optional]
    doubled = sorted({name for name in names if names.count(name) > 1})
    if missing or unknown or doubled:
        found = ",".join(header or [])
        return {}, RefusedError(CsvRefusal.HEADER, header=spec.header, found=found)
    return {name: names.index(name) for name in names}, None


def empty_cells(row: Row, names: Sequence[str], problems: list[LineProblem], line: int) -> None:
    """A problem for each of ``names`` whose cell is empty."""
    problems += [
        LineProblem(line, RefusedError(CsvRefusal.CELL_EMPTY, column=name))
        for name in names
        if not row[name]
    ]


class Lined(Protocol):
    @property
    def line(self) -> int: ...


L = TypeVar("L", bound=Lined)


@dataclass(frozen=True)
class Tally:
    added: int
    existing: int


def apply_all_or_none(
    session: Session,
    rows: Sequence[L],
    apply: Callable[[Session, L], bool],
    *,
    dry_run: bool,
    problems: Sequence[LineProblem] = (),
) -> Tally:
    """Apply each row (``apply`` returns whether it added one or found it there already)
    inside a savepoint kept only when every row passed and it is not a dry run. A row's
    refusal becomes a problem of its line; with ``problems`` from reading, every problem is
    refused together, in line order (RefusedError ``csv.bad_lines``)."""
    savepoint = session.begin_nested()
    found, added, existing = list(problems), 0, 0
    for row in rows:
        try:
            new = apply(session, row)
        except RefusedError as error:
            found.append(LineProblem(row.line, error))
            continue
        added += new
        existing += not new
    if found or dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    if found:
        raise refused(found)
    return Tally(added, existing)


def refused(problems: Sequence[LineProblem]) -> RefusedError:
    """The whole file refused for ``problems``, in line order (file order within a line)."""
    return RefusedError(
        CsvRefusal.BAD_LINES, problems=tuple(sorted(problems, key=lambda p: p.line))
    )
