"""Saved replies in the browser: a technician keeps a message's words, then starts from them."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import Camera
from tests.browser.test_sandbox import (
    PAT,
    REPLIES,
    SAM,
    become,
    card,
    choose_service,
    go,
    press,
    say,
)

pytestmark = pytest.mark.browser
NOTE = "Patched room 12 to the new switch; please restart your PC & try again."
TITLE = "Room patched, restart"


async def test_a_message_saved_as_a_reply_is_offered_in_update(page: Page, camera: Camera) -> None:
    # Pat files; Sam claims the card, which starts its thread.
    await become(page, PAT)
    await say(page, "/request No network in room 12")
    form = page.get_by_role("dialog")
    await choose_service(form, "Network (NIPR/SIPR connectivity)")
    await form.get_by_label("Mission stopped").check()
    await press(form, "Submit")
    await become(page, SAM)
    await go(page, "# triage")
    await press(card(page, 1), "Claim")

    # Sam writes in the card's thread, then keeps the words: ⋯ More actions › Save as reply.
    async with page.expect_navigation():
        await card(page, 1).get_by_role("link", name=REPLIES).click()
    thread = page.get_by_role("complementary", name="thread")
    await say(page, NOTE, composer=thread)
    note = thread.locator(".message", has_text=NOTE)
    await expect(note.get_by_role("button", name="Save as reply")).to_be_hidden()
    await note.get_by_label("More actions").click()
    await expect(note.get_by_role("button", name="File a request")).to_be_visible()
    await camera.shoot(page, "technician opens more actions on their note")
    await press(note, "Save as reply")
    board = page.get_by_role("dialog")
    await expect(board.get_by_role("heading")).to_have_text("Saved replies")
    await expect(board.get_by_label("Reply — partners will see this")).to_have_value(NOTE)
    await board.get_by_label("Title technicians pick it by").fill(TITLE)
    await camera.shoot(page, "the note's words in the saved replies form")
    await press(board, "Save reply")
    await expect(board).to_contain_text(f"Saved “{TITLE}”.")
    await expect(board).to_contain_text(NOTE)
    await camera.shoot(page, "the shop's list holds the new reply")
    await press(board, "Done")
    await expect(page.get_by_role("dialog")).to_have_count(0)

    # Update… offers it under the shop's replies; choosing it fills the partner's message.
    await press(card(page, 1), "Update…")
    update = page.get_by_role("dialog")
    picker = update.get_by_label("Start from a saved reply")
    await expect(picker.locator("optgroup[label='Saved by the shop'] option")).to_have_text([TITLE])
    async with page.expect_navigation():
        await picker.select_option(label=TITLE)
    await expect(update.get_by_label("Message to the partner")).to_have_value(NOTE)
    await camera.shoot(page, "the saved reply fills the update")
    await press(update, "Save")
    await expect(page.get_by_role("dialog")).to_have_count(0)

    # Pat reads Sam's words in the request's thread, as text.
    await become(page, PAT)
    async with page.expect_navigation():
        await page.get_by_role("main").get_by_role("link", name=REPLIES).first.click()
    await expect(page.get_by_role("complementary", name="thread")).to_contain_text(NOTE)
    await camera.shoot(page, "partner reads the saved reply")
