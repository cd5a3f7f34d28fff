"""Shared fixes as people see them: the Resolve box, the form's list, the DM offer, the thanks."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    InputBlock,
    Option,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.fixes import FixOffer, SharedFixView, fix_choice_value
from bot.domain.summary import RequestSummary
from bot.views.card_thread import labelled_quote
from bot.views.ids import FixActionId, FixBlockId, FixCallbackId
from bot.views.text import DAY, md, mention, plain, quote_within, slack_date, speaks

Rendered = tuple[list[Block], str]
SHARE_VALUE = "share"
SHARE_LABEL = "Share this fix with partners who report the same problem"
FIX_TEXT_MAX = 1500  # a fix in a list; the thanks view shows it whole
SOLVED = "This solved it"
METADATA_VERSION = 1


def share_fix_input() -> InputBlock:
    """The Resolve modal's box: offer this resolution to the next partner with the problem."""
    return InputBlock(
        block_id=FixBlockId.SHARE,
        label=plain("Shared fixes"),
        optional=True,
        hint=plain(
            "Partners who describe the same problem on this service will see what you wrote "
            "above (never this partner's request) before they file, with a This solved it button."
        ),
        element=CheckboxesElement(
            action_id=FixActionId.SHARE,
            options=[Option(value=SHARE_VALUE, text=plain(SHARE_LABEL))],
        ),
    )


def fixes_form_blocks(offer: FixOffer) -> list[Block]:
    """The request form's list of shared fixes that match what the partner wrote (or a word)."""
    if offer.fixes:
        intro = (
            "*Known fixes.* Technicians shared these for problems like yours. If one solves "
            f"it, press *{SOLVED}*: nothing is filed."
        )
        blocks: list[Block] = [SectionBlock(block_id=FixBlockId.INTRO, text=md(intro))]
        blocks += [
            _fix_section(fix, FixActionId.SOLVED_IN_FORM, str(fix.id), f"{FixBlockId.FIX}:{fix.id}")
            for fix in offer.fixes
        ]
        note = "Not it? Carry on below and submit: everything you wrote stays."
        return [*blocks, ContextBlock(block_id=FixBlockId.NOTE, elements=[md(note)])]
    if offer.looked:
        note = (
            "No shared fix matches these words. Carry on below and submit: a technician will "
            "take it."
        )
        return [ContextBlock(block_id=FixBlockId.NOTE, elements=[md(note)])]
    return []


def fix_thanks_view(fix: SharedFixView, *, answer_id: int, command: str) -> View:
    """Pushed over the form once a fix solved it: nothing filed, Done closes the whole form.

    Its submit button leads back to the form underneath, untouched, for a partner who
    pressed too soon; that answer is then not counted.
    """
    lead = (
        f"*Nothing was filed.* We have noted that this fix, shared by {mention(fix.author_id)}, "
        f"solved it. If the problem comes back, use `{command}` again."
    )
    back = "Pressed it too soon? *Back to my request* returns to your form, as you left it."
    return View(
        type="modal",
        callback_id=FixCallbackId.THANKS,
        title=plain("Glad that helped"),
        submit=plain("Back to my request"),
        close=plain("Done"),
        clear_on_close=True,
        private_metadata=json.dumps({"v": METADATA_VERSION, "a": answer_id}),
        blocks=[
            SectionBlock(text=md(lead)),
            labelled_quote("*The fix:*", fix.text),
            ContextBlock(elements=[md(back)]),
        ],
    )


def fix_refused_view(reason: str) -> View:
    """Pushed over the form when a fix cannot be taken: closing it returns to the form."""
    text = f"{reason} Your form is still there: close this to go back to it and submit."
    return View(
        type="modal",
        title=plain("Fix not available"),
        close=plain("Back to my request"),
        blocks=[SectionBlock(text=md(text))],
    )


def decode_thanks_metadata(raw: str | None) -> int | None:
    """The answer id fix_thanks_view carries; None for unknown or broken metadata."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("v") != METADATA_VERSION:
        return None
    answer = data.get("a")
    return answer if isinstance(answer, int) and not isinstance(answer, bool) else None


@speaks
def fixes_offer_message(request: RequestSummary, fixes: Sequence[SharedFixView]) -> Rendered:
    """Under the confirmation DM, when the form did not show them: fixes that may answer it."""
    lead = (
        f"Technicians shared fixes for problems like *{request.ref}*. If one solves it, press "
        f"*{SOLVED}* and {request.ref} closes. If not, there is nothing to do: a technician "
        "will take it as usual."
    )
    blocks: list[Block] = [SectionBlock(text=md(lead))]
    blocks += [
        _fix_section(fix, FixActionId.SOLVED_IN_DM, fix_choice_value(request.number, fix.id))
        for fix in fixes
    ]
    return blocks, lead.replace("*", "")


@speaks
def fix_taken_message(request: RequestSummary, fix: SharedFixView) -> Rendered:
    """The DM offer once answered: which fix solved it, without buttons."""
    lead = (
        f"You said this fix, shared by {mention(fix.author_id)}, solved it, so *{request.ref}* "
        "is closed."
    )
    return [SectionBlock(text=md(lead)), labelled_quote("*The fix:*", fix.text)], lead.replace(
        "*", ""
    )


@speaks
def fix_closed_message(request: RequestSummary, command: str = "/request") -> Rendered:
    """The partner's thread once a shared fix closed the request."""
    text = (
        f"*{request.ref}* is closed: a shared fix solved it. If the problem comes back, file a "
        f"new request with `{command}`."
    )
    return [SectionBlock(text=md(text))], text.replace("*", "")


def _fix_section(
    fix: SharedFixView, action: FixActionId, value: str, block_id: str | None = None
) -> SectionBlock:
    shared = f"_Shared by {mention(fix.author_id)}, {slack_date(fix.shared_at, DAY)}_"
    text = f"{quote_within(fix.text, FIX_TEXT_MAX)}\n{shared}"
    return SectionBlock(
        block_id=block_id,
        text=md(text),
        accessory=ButtonElement(text=plain(SOLVED), action_id=action, value=value),
    )
