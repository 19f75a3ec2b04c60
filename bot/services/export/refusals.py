"""Why an export is refused: the codes alone, so that the words catalogue can name them
without loading the writers (FHIR models and all) on every command."""

from __future__ import annotations

from bot.services.errors import RefusalCode


class ExportRefusal(RefusalCode):
    """Why an export is refused (``RefusedError``); the facts named in each comment. The chat
    words them in ``bot.telegram.words.export``, the command line in ``bot.cli_export``."""

    UNKNOWN_WARD = "export.unknown_ward"  # ward
    PERIOD = "export.period"  # first, last
    TARGET_EXISTS = "export.target_exists"  # path
    NOT_ADMIN = "export.not_admin"  # ward
    WARD_REQUIRED = "export.ward_required"  # wards: how many the actor has
