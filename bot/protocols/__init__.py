"""The shipped treatment protocols: one TOML file per indication, in this folder.

This is the I/O side of `bot.clinical.protocols` (which parses and validates text and never
opens a file). The bot loads the protocols once at start-up and refuses to start when any
file is invalid or two files claim the same code: a plan names its protocol by code, so an
ambiguous or broken protocol must never be guessed at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from bot.clinical.protocol_file import parse_protocol
from bot.clinical.protocols import Protocol, ProtocolError

__all__ = ["PROTOCOL_FOLDER", "Protocol", "ProtocolError", "load_protocols"]

PROTOCOL_FOLDER: Final = Path(__file__).parent
"""Where the shipped `*.toml` files live (installed as package data next to this module)."""


def load_protocols(folder: Path | None = None) -> dict[str, Protocol]:
    """Every `*.toml` protocol in `folder` (default: the shipped ones), by code.

    Raises `ProtocolError` for an unreadable or invalid file, a duplicate code, or a folder
    with no protocol at all (a bot without protocols could schedule no check).
    """
    folder = PROTOCOL_FOLDER if folder is None else folder
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        raise ProtocolError(f"{folder}: no *.toml protocol files")
    protocols: dict[str, Protocol] = {}
    sources: dict[str, str] = {}
    for path in paths:
        protocol = parse_protocol(_read(path), source=path.name)
        if protocol.code in protocols:
            raise ProtocolError(
                f"{path.name}: code: {protocol.code!r} is already used by {sources[protocol.code]}"
            )
        protocols[protocol.code] = protocol
        sources[protocol.code] = path.name
    return protocols


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"{path.name}: (file): cannot be read: {exc}") from exc
