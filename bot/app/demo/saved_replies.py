"""The demo's saved replies: a catalogue reply picked, edited and sent; a note kept as a reply.

Technicians answer the same problems again and again. At 15:00 Alex resolves Jordan's mailbox
request from the email service's own reply, changes what does not fit and sends it; at 16:05
Sam turns a note he wrote in a card's thread into a reply the shop keeps, with the message
shortcut *Save as reply*. The forms are not messages, so the captions quote what they showed.
"""

from __future__ import annotations

from bot.app.demo.moves import ALEX, SAM, Day, DemoError
from simulator.elements import JsonDict
from simulator.surfaces import SimView

PICK, SAVE_AS_REPLY = "saved_reply_select", "save_as_reply"
PICKED = "Outlook profile rebuilt"
# What Alex changes in the reply: the first sentence, to say what was done for this mailbox.
PICKED_OPENING = "We rebuilt your Outlook profile."
ALEX_OPENING = (
    "Microsoft rebuilt the ops mailbox's index, and we rebuilt your Outlook profile on each laptop."
)
SAM_NOTE = (
    "Pat's handset still said “registering” after the gateway restart; unplugging it for ten "
    "seconds brought it back."
)
KEPT_TITLE = "Phone stuck on registering"
KEPT_TEXT = (
    "If your desk phone still says “registering”, unplug it for ten seconds and plug it back "
    "in; it registers again within a minute."
)


async def resolve_from_a_saved_reply(day: Day) -> None:
    """15:00: Alex resolves REQ-2 from the email service's reply, edited to fit, and sends it."""
    await day.at(
        "15:00",
        f"Alex opens Resolve… on REQ-2 and picks the email service's saved reply “{PICKED}”.",
    )
    await day.press(ALEX, 2, "req_resolve")
    form = await day.slack.wait_for_view(ALEX)
    picked = await day.slack.click_in_view(
        ALEX, PICK, selected=_option(form, PICKED), view_id=form.id
    )
    if not picked.ok:
        raise DemoError(f"picking “{PICKED}” in Resolve…: {picked.error}")
    await day.liaison.settle()
    filled = day.slack.open_view(ALEX)
    if filled is None:
        raise DemoError("picking a saved reply closed Alex's Resolve… form")
    block_id, text = _text_input(filled, "resolution")
    if not text.startswith(PICKED_OPENING):
        raise DemoError(f"the saved reply did not fill Alex's Resolve… form: {text!r}")
    await day.at(
        "15:01",
        f"The box fills with: “{text}” Alex rewrites the first sentence to say what was done "
        "for this mailbox, keeps the rest, and presses Resolve.",
    )
    sent = text.replace(PICKED_OPENING, ALEX_OPENING, 1)
    submitted = await day.slack.submit_view(ALEX, {block_id: sent}, view_id=filled.id)
    if not (submitted.ok and submitted.closed):
        raise DemoError(f"resolving REQ-2 from a saved reply: {submitted.errors}")
    await day.liaison.settle()


async def keep_a_note_as_a_reply(day: Day) -> None:
    """16:05: Sam writes a note in REQ-4's card thread, then saves it as a reply."""
    await day.at("16:05", "Sam notes in REQ-4's thread in #triage what brought Pat's phone back.")
    card = day.card(4)
    posted = await day.slack.post_message(SAM, card.channel, SAM_NOTE, thread_ts=card.ts)
    await day.liaison.settle()
    shortcut = await day.slack.message_shortcut(SAM, SAVE_AS_REPLY, card.channel, posted)
    if not shortcut.ok:
        raise DemoError(f"Save as reply on Sam's note: {shortcut.error}")
    await day.liaison.settle()
    form = await day.slack.wait_for_view(SAM)
    title_block, _ = _text_input(form, "reply_title")
    text_block, draft = _text_input(form, "reply_text")
    if draft != SAM_NOTE:
        raise DemoError(f"Save as reply did not start from Sam's note: {draft!r}")
    await day.at(
        "16:07",
        "Sam runs the message shortcut Save as reply on his note: the Saved replies form opens "
        f"with the note's words. Sam titles it “{KEPT_TITLE}”, rewords it for partners "
        f"(“{KEPT_TEXT}”) and saves it.",
    )
    saved = await day.slack.submit_view(
        SAM, {title_block: KEPT_TITLE, text_block: KEPT_TEXT}, view_id=form.id
    )
    if not saved.ok or saved.view is None:
        raise DemoError(f"saving Sam's reply: {saved.errors or saved.error}")
    await day.liaison.settle()
    listed = _listed_titles(saved.view)
    if KEPT_TITLE not in listed:
        raise DemoError(f"the shop's saved replies do not list Sam's: {listed}")
    await day.slack.close_view(SAM, view_id=saved.view.id)
    shown = ", ".join(f"“{title}”" for title in listed)
    await day.at(
        "16:08",
        f"The form now lists the shop's saved replies: {shown}. Every technician finds it "
        "under “Saved by the shop” in Message partner…, Update… and Resolve….",
    )


def _option(form: SimView, title: str) -> str:
    """The value of the saved-reply select's option called `title`."""
    block = form.block("saved_reply") or {}
    element: JsonDict = block.get("element", {})
    for group in element.get("option_groups", []):
        for option in group.get("options", []):
            if option.get("text", {}).get("text") == title:
                return str(option["value"])
    raise DemoError(f"the form does not offer the saved reply “{title}”")


def _text_input(form: SimView, base: str) -> tuple[str, str]:
    """The block_id a text input has now (it changes with each fill) and what it shows."""
    for block_id in form.input_block_ids():
        if block_id == base or block_id.startswith(f"{base}_v"):
            block = form.block(block_id) or {}
            element: JsonDict = block.get("element", {})
            return block_id, str(element.get("initial_value") or "")
    raise DemoError(f"the form has no {base} input")


def _listed_titles(board: SimView) -> list[str]:
    """The titles the Saved replies form lists, in order (each is bold on its first line)."""
    titles: list[str] = []
    for block in board.blocks:
        text = str(block.get("text", {}).get("text", "")) if block.get("type") == "section" else ""
        first = text.split("\n", 1)[0]
        if "\n" in text and first.startswith("*") and first.endswith("*"):
            titles.append(first.strip("*"))
    return titles
