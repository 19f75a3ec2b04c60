"""Words of the export area's refusals in the chat (``/export``, in the admin's language; see
``bot.telegram.words``). The command line words the same codes its own way
(``bot.cli.export``), naming its options."""

from __future__ import annotations

from collections.abc import Callable

from bot.services.export.refusals import ExportRefusal
from bot.telegram.i18n import N_

REFUSALS: dict[str, str | Callable[..., str]] = {
    ExportRefusal.UNKNOWN_WARD: N_("No such ward: {ward}."),
    ExportRefusal.PERIOD: N_("The period ends ({last}) before it starts ({first})."),
    ExportRefusal.NOT_ADMIN: N_("Only an admin of ward {ward} may export its data."),
    ExportRefusal.WARD_REQUIRED: N_(
        "You have several wards: put the ward code first, e.g. /export H7 ..."
    ),
    ExportRefusal.TARGET_EXISTS: N_("That export is already being written; try again."),
}
