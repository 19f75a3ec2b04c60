"""``/export``: a ward admin's export from the chat, sent back as a content-protected file.

``/export [WARD] FROM TO [csv|fhir|summary] [pseudonymise]``. The export is made in a
private temporary folder in a worker thread (never on the event loop, which serves the
nurses), zipped, sent with ``protect_content`` and deleted; the quality summary follows as a
message. Only the ward's admins may export (the service refuses anyone else, and audits
every export it makes).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from telegram import Message, Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.services.errors import RefusedError
from bot.services.export.service import (
    ExportRequest,
    ExportResult,
    ExportService,
    Format,
)
from bot.services.localtime import TimeInputError, parse_day
from bot.services.staff import StaffView
from bot.telegram.access import Access
from bot.telegram.export_texts import TOO_BIG, USAGE, summary_text
from bot.telegram.i18n import ENGLISH, gettext
from bot.telegram.language import spoken_by
from bot.telegram.patients import command_arguments
from bot.telegram.words import refusal

TELEGRAM_MAX_BYTES: Final = 50 * 1024 * 1024
PSEUDO_WORDS: Final = ("pseudonymise", "pseudonymize", "pseudo")


@dataclass(frozen=True)
class _Asked:
    ward: str | None
    first: dt.date
    last: dt.date
    format: Format
    pseudonymise: bool


def parse(arguments: str, language: str = ENGLISH) -> _Asked | str:
    """What was asked, or the words that say why not (in ``language``)."""
    words = arguments.split()
    ward = None
    if words and not words[0][:1].isdigit():
        ward, words = words[0], words[1:]
    pseudonymise = any(w.lower() in PSEUDO_WORDS for w in words)
    words = [w for w in words if w.lower() not in PSEUDO_WORDS]
    if len(words) not in (2, 3):
        return gettext(language, USAGE)
    try:
        first, last = parse_day(words[0]), parse_day(words[1])
    except TimeInputError as error:
        return refusal(error, language)
    kind = words[2].lower() if len(words) == 3 else Format.CSV.value
    if kind not in {f.value for f in Format}:
        return gettext(language, USAGE)
    return _Asked(ward, first, last, Format(kind), pseudonymise)


class ExportHandlers:
    def __init__(self, access: Access, exports: ExportService) -> None:
        self._access = access
        self._exports = exports

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        app.add_handler(CommandHandler("export", self.export))

    async def export(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        actor = await self._access.staff_or_refuse(update, "export")
        if actor is None or message is None:
            return
        language = spoken_by(actor)
        asked = parse(command_arguments(message), language)
        if isinstance(asked, str):
            await message.reply_text(asked)
            return
        folder = Path(tempfile.mkdtemp(prefix="neurocheck-chat-export-"))
        try:
            result = await asyncio.to_thread(self._run, actor, asked, folder)
            if isinstance(result, str):
                await message.reply_text(result)
                return
            await _send(message, result, language)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _run(self, actor: StaffView, asked: _Asked, folder: Path) -> ExportResult | str:
        name = f"neurocheck-export-{asked.first}-{asked.last}-{asked.format}"
        request = ExportRequest(
            ward_code=asked.ward,
            first_day=asked.first,
            last_day=asked.last,
            format=asked.format,
            target=folder / f"{name}.zip",
            zip=True,
            pseudonymise=asked.pseudonymise,
            actor=actor,
            via="chat",
        )
        try:
            return self._exports.run(request)
        except RefusedError as refused:
            return refusal(refused, spoken_by(actor))


async def _send(message: Message, result: ExportResult, language: str) -> None:
    summary = summary_text(result.summary, language)
    target = result.target
    if target is None:
        await message.reply_text(summary, protect_content=True)
        return
    if target.stat().st_size > TELEGRAM_MAX_BYTES:
        await message.reply_text(gettext(language, TOO_BIG))
        return
    with target.open("rb") as handle:
        await message.reply_document(
            document=handle,
            filename=target.name,
            caption=summary.splitlines()[0],
            protect_content=True,
        )
    await message.reply_text(summary, protect_content=True)
