"""A shared fix in the browser: a technician shares it, the next partner's form offers it."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import Camera
from tests.browser.test_sandbox import (
    MORGAN,
    PAT,
    SAM,
    become,
    card,
    choose_service,
    go,
    press,
    say,
)

pytestmark = pytest.mark.browser
JORDAN = "MSgt Jordan Lee (partner)"
FIX = "Forget the HANGAR3 network on your laptop and join it again."


async def test_a_fix_shared_at_resolve_answers_the_next_partner_in_the_form(
    page: Page, camera: Camera
) -> None:
    # Pat's Wi-Fi drops; Sam fixes it and ticks "Share this fix".
    await become(page, PAT)
    await say(page, "/request Wi-Fi drops in hangar 3")
    form = page.get_by_role("dialog")
    await choose_service(form, "Network (NIPR/SIPR connectivity)")
    await form.get_by_label("Workaround exists").check()
    await press(form, "Submit")
    await become(page, SAM)
    await go(page, "# triage")
    await press(card(page, 1), "Claim")
    await press(card(page, 1), "Resolve…")
    resolve = page.get_by_role("dialog")
    await resolve.get_by_label("What was fixed").fill(FIX)
    await resolve.get_by_label("Share this fix with partners who report the same problem").check()
    await camera.shoot(page, "technician shares the fix")
    await press(resolve, "Resolve")
    await expect(card(page, 1)).to_contain_text("Resolved")

    # Jordan describes the same problem: the form shows Sam's fix, and it solves it.
    await become(page, JORDAN)
    await say(page, "/request")
    form = page.get_by_role("dialog")
    await choose_service(form, "Network (NIPR/SIPR connectivity)")
    await expect(form).not_to_contain_text("Known fixes")
    summary = form.get_by_label("Summary")
    await summary.fill("Wi-Fi keeps dropping in the hangar 3 office")
    async with page.expect_navigation():
        await summary.press("Enter")  # sends the summary to Liaison, as Slack's dispatch does
    await expect(form).to_contain_text("Known fixes")
    await expect(form).to_contain_text(FIX)
    await expect(form.get_by_label("Summary")).to_have_value(
        "Wi-Fi keeps dropping in the hangar 3 office"
    )
    await camera.shoot(page, "the form offers the shared fix")
    await press(form, "This solved it")
    thanks = page.get_by_role("dialog")
    await expect(thanks.get_by_role("heading")).to_have_text("Glad that helped")
    await expect(thanks).to_contain_text("Nothing was filed")
    await camera.shoot(page, "nothing was filed")
    await press(thanks, "Done")
    await expect(page.get_by_role("dialog")).to_have_count(0)
    await expect(page.get_by_role("main")).not_to_contain_text("is filed")

    # Morgan's figures count it and credit Sam.
    await become(page, MORGAN)
    await say(page, "/request stats")
    await expect(page.get_by_role("main")).to_contain_text("Answered by shared fixes: 1")
    await expect(page.get_by_role("main")).to_contain_text("1 answered by their shared fixes")
    await camera.shoot(page, "supervisor sees the fix counted")
