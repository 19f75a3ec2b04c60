"""Where an export's files go: a folder, or a zip made from it at the end.

Tables are written side by side while the patients stream past, and a zip archive takes one
member at a time, so a zip export is written to a private temporary folder first and packed
when complete; nothing is ever held in memory. A target that already exists is refused
before anything is read (an export never overwrites).
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from bot.services.export.columns import Table
from bot.services.export.present import Cell


def cell(value: Cell) -> str:
    """How a value is written: lists ;-joined, booleans true/false, missing empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


class Folder:
    """The export's folder; ``close`` packs it into ``target`` when zipping."""

    def __init__(self, target: Path, *, zip_it: bool) -> None:
        self.target = target
        self._zip = zip_it
        if zip_it:
            self._temp = Path(tempfile.mkdtemp(prefix="neurocheck-export-"))
            self.path = self._temp / target.stem
            self.path.mkdir()
        else:
            target.mkdir(parents=True)
            self.path = target
        self.files: list[str] = []

    def open(self, name: str) -> IO[str]:
        """A new text file in the export (``name`` may hold one sub-folder)."""
        path = self.path / name
        path.parent.mkdir(exist_ok=True)
        self.files.append(name)
        return path.open("w", encoding="utf-8", newline="")

    def close(self) -> None:
        if not self._zip:
            return
        try:
            with zipfile.ZipFile(self.target, "x", zipfile.ZIP_DEFLATED) as archive:
                for name in self.files:
                    archive.write(self.path / name, f"{self.target.stem}/{name}")
        finally:
            shutil.rmtree(self._temp, ignore_errors=True)

    def abandon(self) -> None:
        """After a failure: leave no half export behind."""
        shutil.rmtree(self._temp if self._zip else self.path, ignore_errors=True)


class CsvTables:
    """One CSV writer per table, all open while the rows stream in."""

    def __init__(self, folder: Folder, tables: Iterable[Table]) -> None:
        self._files: list[IO[str]] = []
        self._writers: dict[str, tuple[tuple[str, ...], Any]] = {}
        for table in tables:
            handle = folder.open(table.file_name)
            self._files.append(handle)
            writer = csv.writer(handle)
            writer.writerow(table.names)
            self._writers[table.name] = (table.names, writer)
        self.counts = dict.fromkeys(self._writers, 0)

    def write(self, table: str, rows: Iterable[Mapping[str, Cell]]) -> None:
        names, writer = self._writers[table]
        written = 0
        for row in rows:
            writer.writerow([cell(row.get(name)) for name in names])
            written += 1
        self.counts[table] += written

    def __enter__(self) -> CsvTables:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        for handle in self._files:
            handle.close()
