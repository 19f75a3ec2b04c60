"""The file imports' one shape on the command line (``oncall import``, ``labs import``): read
the file, import it all or nothing, and print either the summary or every bad line
(``line N: reason``) and ``nothing imported`` with exit status 2."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

from bot.cli.common import fail

BAD_FILE = 2
"""The exit status for a file that cannot be imported (1 is a refused command)."""
T = TypeVar("T")


def import_file(
    path: Path,
    load: Callable[[str], T],
    summary: Callable[[T], str],
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """``load`` the text of ``path`` and print ``summary`` of what it did; or why not."""
    from bot.services.errors import RefusedError
    from bot.telegram import words

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"cannot read {path}: {error}", err)
        return BAD_FILE
    try:
        result = load(text)
    except RefusedError as error:
        print(words.refusal(error), file=err or sys.stderr)
        print(f"neurocheck: {path}: nothing imported", file=err or sys.stderr)
        return BAD_FILE
    print(summary(result), file=out or sys.stdout)
    return 0
