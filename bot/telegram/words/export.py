"""Words of the export area's refusals in the chat (``/export``; see ``bot.telegram.words``).
The command line words the same codes its own way (``bot.cli_export``), naming its options."""

from __future__ import annotations

from collections.abc import Callable

from bot.services.export.refusals import ExportRefusal

REFUSALS: dict[str, str | Callable[..., str]] = {
    ExportRefusal.UNKNOWN_WARD: "No such ward: {ward}.",
    ExportRefusal.PERIOD: "The period ends ({last}) before it starts ({first}).",
    ExportRefusal.NOT_ADMIN: "Only an admin of ward {ward} may export its data.",
    ExportRefusal.WARD_REQUIRED: (
        "You have several wards: put the ward code first, e.g. /export H7 ..."
    ),
    ExportRefusal.TARGET_EXISTS: "That export is already being written; try again.",
}
