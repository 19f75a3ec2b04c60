"""The sandbox's page in real Chromium: a nurse's check by tapping, the physician's alert with
its chart, the acknowledgement back to the nurse, then the clock controls' prompt and reminder.

Playwright drives Debian's ``chromium`` (``apt-get install chromium``; ``.ci/run`` installs it),
never a downloaded browser. The sandbox runs in this test's event loop on its own SQLite file,
whatever database the suite is testing: the embedded database is what the sandbox is.
``NEUROCHECK_UPDATE_SCREENSHOT=1`` also writes the README's screenshot, so ordinary runs leave
the working tree clean.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, async_playwright, expect

from bot.sandbox import web
from bot.sandbox.runtime import Sandbox

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path(__file__).resolve().parents[2] / "bot" / "sandbox" / "static" / "screenshot.png"
GRADE_1_CHECK = (
    "Alert",
    *("Year ✓", "Month ✓", "City ✓", "Hospital ✗", "Done"),
    "3 named",
    *("Command ✓", "Writing ✗", "Attention ✓", "Done"),
    "No seizure",
    "None of these",
    "None of these",
    *("37.0 °C", "BP: no support", "O2: none", "None of these given"),
    "Skip",
    "Submit",
)
"""ICE 8/10, awake: ICANS grade 1, which on a first check is a HIGH alert. Bed 1 MK is in its
intensive window, so the check also asks the CRS questions (afebrile, no support)."""

pytestmark = pytest.mark.skipif(
    not os.access(CHROMIUM, os.X_OK),
    reason="no Chromium: install Debian's chromium package (apt-get install chromium)",
)
expect.set_options(timeout=15_000)


@pytest.fixture
async def sandbox_url(tmp_path: Path) -> AsyncIterator[str]:
    async with Sandbox(tmp_path / "sandbox.db") as sandbox:
        runner = await web.serve(sandbox, 0)
        try:
            yield f"http://127.0.0.1:{web.bound_port(runner)}/"
        finally:
            await runner.cleanup()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


def bot_message(phone: Locator, text: str) -> Locator:
    return phone.locator(".msg.bot", has_text=text)


async def tap_through(message: Locator, labels: tuple[str, ...]) -> None:
    """Tap each button once the message shows the previous tap's edit, as a person would
    (a tap on a keyboard that is about to change is refused by the bot as stale)."""
    for label in labels:
        version = await message.get_attribute("data-version")
        assert version is not None
        await message.get_by_role("button", name=label, exact=True).click()
        await expect(message).not_to_have_attribute("data-version", version)


async def test_check_alert_acknowledgement_and_clock_in_chromium(
    sandbox_url: str, browser: Browser, tmp_path: Path
) -> None:
    page: Page = await browser.new_page(viewport={"width": 1200, "height": 900})
    await page.goto(sandbox_url)
    await expect(page.locator(".banner")).to_contain_text("invented patients")
    nurse = page.locator('.person[data-person="nurse"]')
    charge = page.locator('.person[data-person="charge"]')
    physician = page.locator('.person[data-person="physician"]')
    await expect(bot_message(charge, "Baseline check due for Bed 1 MK")).to_be_visible()

    prompt = bot_message(nurse, "Baseline check due for Bed 1 MK")
    await prompt.get_by_role("button", name="Start check", exact=True).click()
    question = bot_message(nurse, "Level of consciousness?")
    await expect(question).to_be_visible()
    check = nurse.locator(f'.msg[data-id="{await question.get_attribute("data-id")}"]')
    await tap_through(check, GRADE_1_CHECK)
    await expect(check).to_contain_text("Submitted.")
    await expect(check).to_contain_text("ICE: 8/10")

    alert = bot_message(physician, "HIGH: Bed 1 MK")
    await expect(alert).to_be_visible()
    chart = bot_message(physician, "Bed 1 MK: ICE and ICANS grade").locator("img")
    await expect(chart).to_be_visible()
    assert await chart.evaluate("img => img.complete && img.naturalWidth > 300")
    await alert.get_by_role("button", name="Acknowledge", exact=True).click()
    await expect(physician.locator(".toast")).to_contain_text("The nurse is told")
    await expect(alert).to_contain_text("Acknowledged by Dr Chen")
    await expect(bot_message(nurse, "Dr Chen acknowledged the alert for Bed 1 MK")).to_be_visible()
    shot = await page.screenshot(path=str(tmp_path / "sandbox.png"))
    assert shot.startswith(b"\x89PNG")
    if os.environ.get("NEUROCHECK_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.write_bytes(shot)

    await page.get_by_role("button", name="Next due check").click()
    await expect(bot_message(nurse, "Neuro check due for Bed 1 MK")).to_be_visible()
    await page.get_by_role("button", name="+15 min").click()
    await expect(bot_message(nurse, "Reminder: the neuro check for Bed 1 MK")).to_be_visible()
    await expect(page.locator("#clock-zone")).to_contain_text("min ahead of real time")
    await expect(page.locator("#clock-status")).to_contain_text("scheduler ran")

    # Each phone's "/" menu is its person's own, as Telegram shows a chat its scope's menu.
    await nurse.locator(".menu-button").click()
    await expect(nurse.locator(".menu")).to_contain_text("/onduty")
    await physician.locator(".menu-button").click()
    await expect(physician.locator(".menu")).to_contain_text("/alerts")
    await expect(physician.locator(".menu")).not_to_contain_text("/onduty")
    await physician.locator(".menu-button").click()

    # The backup physician is the physician phone's second tab.
    await page.locator('.tab[data-person="backup"]').click()
    await expect(page.locator('.person[data-person="backup"]')).to_be_visible()
    await expect(physician).to_be_hidden()
