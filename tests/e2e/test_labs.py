"""Laboratory values end to end: typed in chat or imported from a file, then shown in the next
alert and drawn as the chart's third panel. Never a trigger."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli.labs import labs_import
from bot.config import Settings
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage, SimUser
from storage.db import Database
from storage.models import AuditLog, Escalation, LabResult
from tests.e2e.test_crs import reply_with
from tests.e2e.test_escalation import NURSE, PRIMARY, normal_then_grade_1, ward
from tests.support.clock import FakeClock
from tests.telegram.test_charts import png_size

pytestmark = pytest.mark.usefixtures("neurocheck", "ward")
__all__ = ["ward"]  # the escalation tests' ward: a nurse, physicians on call, Bed 4

GOOD_FILE = """ward,label,test,value,unit,sampled_at
H7,Bed 4,IL-6,1250,pg/mL,2026-11-24 08:30
h7,bed 4,CRP,4.2,mg/dL,24.11.2026 08:30
H7,Bed 4,Ferritin,2300,ug/L,2026-11-24 08:30
"""
BAD_FILE = """ward,label,test,value,unit,sampled_at
H7,Bed 4,IL-6,1250,pg/mL,2026-11-24 08:30
H7,Bed 4,IL-6,1.2,ng/mL,2026-11-24 08:30
H7,Bed 9,CRP,12,mg/L,2026-11-24 08:30
H7,Bed 4,ferritin,lots,ng/mL,2026-11-24 08:30
"""


async def alert_and_chart(
    tg: FakeTelegram, nurse: SimUser, primary: SimUser, clock: FakeClock
) -> SentMessage:
    """A grade rise (the alert's reason); the alert and then its chart to the primary, drawn
    with the laboratory panel (800x850 rather than 800x600)."""
    await normal_then_grade_1(nurse, clock)
    alert = await primary.next_message()
    chart = await primary.next_message()
    assert chart.photo and chart.photo_file_id
    assert png_size(tg.world.files[chart.photo_file_id].data) == (800, 850)
    return alert


async def test_a_sample_time_typed_wrong_is_one_sentence(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    nurse = tg.user(NURSE)
    await nurse.send("/labs Bed 4 il-6 850 yesterday")
    assert (await nurse.next_message()).text == (
        "Not recorded: sampled_at: 'yesterday' is not a time: write YYYY-MM-DD HH:MM or "
        "DD.MM.YYYY HH:MM (hospital time), or now. Type it again, or /labs to start over."
    )


async def test_labs_typed_in_chat_are_in_the_next_alert_and_on_its_chart(
    tg: FakeTelegram, db: Database, clock: FakeClock
) -> None:
    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    await nurse.send("/labs Bed 4")
    menu = await nurse.next_message()
    assert "No laboratory values yet." in (menu.text or "")
    assert menu.button_texts() == [["IL-6", "CRP", "ferritin"]]
    await nurse.press(menu, "IL-6")
    asked = await nurse.wait_edit(menu)
    assert "IL-6: type the value in pg/mL" in (asked.text or "")
    await nurse.send("lots")
    assert "Not recorded: 'lots' is not a number" in ((await nurse.next_message()).text or "")
    await nurse.send("850")
    assert (await nurse.next_message()).text == (
        "Recorded for Bed 4: IL-6 850 pg/mL, sampled 24 Nov 09:00. Shown with every alert "
        "and in /history; never a trigger."
    )
    await nurse.send("/labs bed 4 CRP 4.2 mg/dL 08:30")
    assert "CRP 42 mg/L (4.2 mg/dL), sampled 24 Nov 08:30" in (
        (await nurse.next_message()).text or ""
    )
    await nurse.send("/labs Bed 4 ferritin 300 mmol/L")
    assert "ferritin in 'mmol/L' is not accepted: give it in ng/mL" in (
        (await nurse.next_message()).text or ""
    )

    await nurse.send("/labs Bed 4")
    await nurse.press(await nurse.next_message(), "ferritin")
    alert = await alert_and_chart(tg, nurse, primary, clock)  # checks after the ferritin tap
    assert "Labs: IL-6 850 pg/mL (24 Nov 09:00) · CRP 42 mg/L (24 Nov 08:30)" in (alert.text or "")
    await nurse.send("38.5")  # no value awaited any more: not recorded as ferritin
    assert (await reply_with(nurse, "No check is open")).startswith("No check is open")
    with db.session() as session:
        stored = session.exec(select(LabResult).order_by(LabResult.id)).all()  # type: ignore[arg-type]
        audited = session.exec(select(AuditLog).where(AuditLog.action == "lab.recorded")).all()
        escalation = session.exec(select(Escalation)).one()
    assert [(r.test, r.value, r.unit, r.entered_unit, r.source) for r in stored] == [
        ("il6", 850.0, "pg/mL", "pg/mL", "chat"),
        ("crp", 42.0, "mg/L", "mg/dL", "chat"),
    ]
    assert len(audited) == 2
    assert escalation.reasons == ["grade_rose"]  # the values were shown, not acted on
    await nurse.send("/timeline Bed 4")
    trail = await reply_with(nurse, "Lab recorded")
    assert "Lab recorded by Nurse Ada: IL-6 850 pg/mL, sampled 24 Nov 09:00" in trail
    assert "Lab recorded by Nurse Ada: CRP 42 mg/L, sampled 24 Nov 08:30" in trail


async def test_labs_imported_from_a_file_are_in_the_next_alert_and_a_bad_file_changes_nothing(
    tg: FakeTelegram, db: Database, clock: FakeClock, settings: Settings, tmp_path: Path
) -> None:
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(BAD_FILE)
    good.write_text(GOOD_FILE)
    out, err = io.StringIO(), io.StringIO()
    assert labs_import(settings, db, path=bad, clock=clock, out=out, err=err) == 2
    assert err.getvalue().splitlines() == [
        "line 3: IL-6 in 'ng/mL' is not accepted: give it in pg/mL (accepted units: pg/mL)",
        "line 4: no admitted patient 'Bed 9' on H7",
        "line 5: 'lots' is not a number",
        f"neurocheck: {bad}: nothing imported",
    ]
    with db.session() as session:
        assert session.exec(select(LabResult)).all() == []  # not even the good line 2
    assert labs_import(settings, db, path=good, clock=clock, out=out, err=err) == 0
    assert labs_import(settings, db, path=good, clock=clock, out=out, err=err) == 0
    assert out.getvalue().splitlines() == ["3 added, 0 already there", "0 added, 3 already there"]

    nurse, primary = tg.user(NURSE), tg.user(PRIMARY)
    alert = await alert_and_chart(tg, nurse, primary, clock)
    assert (
        "Labs: IL-6 1250 pg/mL (24 Nov 08:30) · CRP 42 mg/L (24 Nov 08:30) · "
        "ferritin 2300 ng/mL (24 Nov 08:30)" in (alert.text or "")
    )
    await nurse.send("/history Bed 4")
    history = await nurse.next_message()
    assert "Labs: IL-6 1250 pg/mL (24 Nov 08:30)" in (history.text or "")
