"""``/export`` end to end: a ward admin gets the file (content-protected) and the summary; nobody
else gets anything but a refusal, and every attempt is on record."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from sqlmodel import col, select

from bot.sandbox.fake_telegram import FakeTelegram
from storage.db import Database
from storage.models import AuditLog
from tests.services.export_seed import ADMIN, NURSE, Seeded, seed
from tests.support.clock import FakeClock

pytestmark = pytest.mark.usefixtures("neurocheck")


@pytest.fixture
def seeded(db: Database, clock: FakeClock) -> Seeded:
    return seed(db, clock)


def audits(db: Database) -> list[AuditLog]:
    with db.session() as session:
        return list(
            session.exec(
                select(AuditLog)
                .where(col(AuditLog.action).startswith("export."))
                .order_by(col(AuditLog.id))
            ).all()
        )


async def test_an_admin_gets_the_export_as_a_protected_file_and_the_summary(
    tg: FakeTelegram, db: Database, seeded: Seeded
) -> None:
    admin = tg.user(ADMIN)
    await admin.send("/export 2026-11-24 24.11.2026 csv")
    sent = await admin.next_message()
    assert sent.protect_content and sent.document_file_id is not None
    assert sent.document_name == "neurocheck-export-2026-11-24-2026-11-24-csv.zip"
    assert (sent.text or "").startswith("Quality summary: ward H7, 2026-11-24 to 2026-11-24")
    data = tg.world.files[sent.document_file_id].data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        [checks] = [n for n in archive.namelist() if n.endswith("/checks.csv")]
        rows = list(csv.DictReader(io.StringIO(archive.read(checks).decode("utf-8"))))
    assert len(rows) == 4 and {r["patient"] for r in rows} == {"Bed 4", "Bed 9 child"}
    summary = await admin.next_message()
    assert summary.protect_content
    assert "checks due: 3; done on time: 1; late: 1; missed: 1" in (summary.text or "")
    assert [(a.action, a.actor_staff_id, a.detail["via"]) for a in audits(db)] == [
        ("export.started", seeded.admin.id, "chat"),
        ("export.completed", seeded.admin.id, "chat"),
    ]


async def test_the_summary_alone_pseudonymised_fhir_and_usage(
    tg: FakeTelegram, seeded: Seeded
) -> None:
    admin = tg.user(ADMIN)
    await admin.send("/export H7 2026-11-24 2026-11-24 summary")
    summary = await admin.next_message()
    assert summary.document_file_id is None and summary.protect_content
    assert (summary.text or "").startswith("Quality summary: ward H7")
    await admin.send("/export 2026-11-24 2026-11-24 fhir pseudonymise")
    sent = await admin.next_message()
    data = tg.world.files[sent.document_file_id or ""].data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8")
    assert "Bed 4" not in text and "Bed 9" not in text and '"resourceType":"Bundle"' in text
    assert "pseudonymised" in ((await admin.next_message()).text or "")
    await admin.send("/export yesterday")
    assert ((await admin.next_message()).text or "").startswith("Usage: /export")
    await admin.send("/export 2026-11-24 2026-11-31")
    assert (await admin.next_message()).text == (
        "'2026-11-31' is not a date: write YYYY-MM-DD or DD.MM.YYYY."
    )


async def test_a_nurse_is_refused_and_the_refusal_is_on_record(
    tg: FakeTelegram, db: Database, seeded: Seeded
) -> None:
    nurse = tg.user(NURSE)
    await nurse.send("/export 2026-11-24 2026-11-24 csv")
    refusal = await nurse.next_message()
    assert refusal.text == "Only an admin of ward H7 may export its data."
    await nurse.assert_no_message(within=0.2)
    [refused] = audits(db)
    assert (refused.action, refused.actor_staff_id) == ("export.refused", seeded.nurse.id)
