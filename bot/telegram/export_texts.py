"""The words of ``/export`` in the admin's language: its usage, the too-big answer and the
quality summary as a message. The summary inside the file (``summary.txt``) and on the
command line stays the export's own English (``Summary.text``); in English this one reads
the same, word for word."""

from __future__ import annotations

from typing import Final

from bot.clinical import Urgency as Level
from bot.clinical.quality import Timeliness, percentile
from bot.services.export.summary import URGENCIES, Summary
from bot.telegram.alert_words import URGENCY_WORDS
from bot.telegram.i18n import ENGLISH, N_, gettext, ngettext
from storage.models import Urgency

USAGE: Final = N_(
    "Usage: /export [ward] FROM TO [csv|fhir|summary] [pseudonymise], e.g. "
    "/export 2026-11-01 2026-11-30 csv. Dates are days on the ward, both included; "
    "csv by default."
)
TOO_BIG: Final = N_(
    "The export is larger than Telegram allows a bot to send (50 MB). Ask hospital IT to run "
    "'neurocheck export' on the server, or export a shorter period."
)

_HEADING: Final = N_("Quality summary: ward {ward}, {first} to {last} ({zone}){pseudo}")
_PSEUDONYMISED: Final = N_(", pseudonymised")
_COUNTS: Final = N_("patients: {patients}; checks started: {checks}; events: {events}")
_PROMPTS: Final = N_(
    "checks due: {due}; done on time: {on_time}; late: {late}; missed: {missed} "
    "(not yet due or within grace: {pending}; cancelled, not counted: {cancelled})"
)
_NO_ALERTS: Final = N_("alerts: none")
_ALERTS: Final = N_("alerts {urgency}: {count}; {acknowledged}")
_ACKNOWLEDGED: Final = N_("acknowledged: {count}")
_ACKNOWLEDGED_IN: Final = N_(
    "acknowledged: {count}; time to acknowledgement median {median} min, 90th percentile {p90} min"
)


def summary_text(summary: Summary, language: str = ENGLISH) -> str:
    """The quality summary for the chat, in ``language``."""

    def say(message: str) -> str:
        return gettext(language, message)

    prompts = summary.prompts
    lines = [
        say(_HEADING).format(
            ward=summary.ward,
            first=summary.first_day,
            last=summary.last_day,
            zone=summary.zone,
            pseudo=say(_PSEUDONYMISED) if summary.pseudonymised else "",
        ),
        say(_COUNTS).format(
            patients=summary.patients, checks=summary.checks, events=summary.events
        ),
        say(_PROMPTS).format(
            due=summary.due,
            on_time=prompts[Timeliness.ON_TIME],
            late=prompts[Timeliness.LATE],
            missed=prompts[Timeliness.MISSED],
            pending=prompts[Timeliness.PENDING],
            cancelled=prompts[Timeliness.CANCELLED],
        ),
    ]
    if not sum(summary.alerts.values()):
        lines.append(say(_NO_ALERTS))
    for urgency in URGENCIES:
        count = summary.alerts[urgency.value]
        if count:
            level = Level(urgency.value)
            named = urgency.value if language == ENGLISH else say(URGENCY_WORDS[level])
            acknowledged = _acknowledged(summary, urgency, language)
            lines.append(say(_ALERTS).format(urgency=named, count=count, acknowledged=acknowledged))
    count = summary.second_channel
    second = ngettext(
        language,
        "second channel: {count} alert also left Telegram "
        "(not acknowledged in time, or nobody acknowledged)",
        "second channel: {count} alerts also left Telegram "
        "(not acknowledged in time, or nobody acknowledged)",
        count,
    )
    lines.append(second.format(count=count))
    return "\n".join(lines)


def _acknowledged(summary: Summary, urgency: Urgency, language: str) -> str:
    waits = summary.waits.get(urgency.value, [])
    count = summary.acknowledged[urgency.value]
    if not waits:
        return gettext(language, _ACKNOWLEDGED).format(count=count)
    median, p90 = percentile(waits, 0.5), percentile(waits, 0.9)
    return gettext(language, _ACKNOWLEDGED_IN).format(
        count=count, median=f"{median:.1f}", p90=f"{p90:.1f}"
    )
