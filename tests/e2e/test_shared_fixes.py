"""Past fixes offered before filing: shared at resolve, offered in the form or the DM, counted."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.app.local import LocalLiaison
from bot.clock import ManualClock
from simulator.model import SimMessage
from simulator.surfaces import SimView
from storage.models import FixAnswer, Poll, Request, RequestEvent
from tests.e2e.helpers import PAT, file_request, open_form, stored
from tests.e2e.test_figures_agree import from_export
from tests.e2e.test_home import open_home

pytestmark = pytest.mark.e2e
SAM, JORDAN, CASEY, MORGAN = "U0SAM", "U0JORDAN", "U0CASEY", "U0MORGAN"
FIX = "Close Outlook, delete the OST cache file and open Outlook again; mail sends at once."
SOLVED_FORM, SOLVED_DM = "fix_solved_form", "fix_solved_dm"


@pytest.fixture
async def desk(database_url: str, clock: ManualClock) -> AsyncIterator[LocalLiaison]:
    """Liaison on SQLite and then on PostgreSQL, in HTTP mode, with the seeded workspace."""
    local = LocalLiaison(database_url=database_url, clock=clock)
    await local.start()
    yield local
    await local.stop()


async def resolve_from_card(
    liaison: LocalLiaison, number: int, text: str, *, share: bool, technician: str = SAM
) -> None:
    """Claim and resolve a request from its card, ticking "Share this fix" or not."""
    [card] = [m for m in cards(liaison) if f"REQ-{number}" in m.text]
    for action in ("req_claim", "req_resolve"):
        await liaison.slack.click(technician, channel=card.channel, ts=card.ts, action_id=action)
        await liaison.settle()
    view = await liaison.slack.wait_for_view(technician)
    assert "Share this fix with partners who report the same problem" in view.rendered
    values: dict[str, object] = {"resolution": text}
    if share:
        values["share_fix"] = ["share"]
    done = await liaison.slack.submit_view(technician, values, view_id=view.id)
    assert done.ok and done.closed, done.errors
    await liaison.settle()


def cards(liaison: LocalLiaison) -> list[SimMessage]:
    return liaison.slack.messages(liaison.workspace.triage_channel)


async def a_shared_fix(liaison: LocalLiaison) -> None:
    """Pat's mail would not send; Sam fixed it and shared the fix."""
    await file_request(liaison, PAT, service="email", summary="Outlook will not send mail")
    await resolve_from_card(liaison, 1, FIX, share=True)
    [card] = cards(liaison)
    told = [m.rendered for m in liaison.slack.thread(card.channel, card.ts)]
    assert any("shared as a fix for partners who report the same problem" in t for t in told)


def form(liaison: LocalLiaison, user: str) -> SimView:
    view = liaison.slack.open_view(user)
    assert view is not None and view.callback_id == "request_new"
    return view


def typed(view: SimView, block_id: str) -> object:
    """What the person has in an input now, as Slack holds it for them."""
    [leaf] = view.state[block_id].values()
    return next(v for k, v in leaf.items() if k != "type")


async def requests_filed(liaison: LocalLiaison) -> int:
    async with liaison.runtime.database.reading() as session:
        return int(await session.scalar(select(func.count()).select_from(Request)) or 0)


async def stats(liaison: LocalLiaison) -> str:
    await liaison.slack.command(MORGAN, "/request", "stats 7d")
    await liaison.settle()
    return liaison.slack.ephemerals(MORGAN)[-1].rendered


def partner_thread(liaison: LocalLiaison, user: str) -> list[SimMessage]:
    root = liaison.slack.dm_messages(user)[-1]
    return liaison.slack.thread(root.channel, root.ts)[1:]


async def test_a_shared_fix_is_offered_in_a_later_form_and_this_solved_it_files_nothing(
    desk: LocalLiaison,
) -> None:
    await a_shared_fix(desk)
    await open_form(desk, JORDAN)
    before = form(desk, JORDAN)
    assert SOLVED_FORM not in before.action_ids()
    view_id, first_hash = before.id, before.hash

    # Jordan writes what is wrong, then picks the service: Liaison looks while they type on.
    await desk.slack.click_in_view(
        JORDAN,
        "service_select",
        selected="email",
        values={"summary": "Outlook cannot send mail", "details": "Since this morning & <now>"},
    )
    await desk.settle()

    offered = form(desk, JORDAN)
    assert offered.id == view_id, "the same form, updated in place"
    assert "Known fixes" in offered.rendered and "delete the OST cache file" in offered.rendered
    assert "Outlook will not send mail" not in offered.rendered, "never another partner's words"
    assert SOLVED_FORM in offered.action_ids()
    assert typed(offered, "summary") == "Outlook cannot send mail", "what they typed is kept"
    assert typed(offered, "details") == "Since this morning & <now>"
    assert typed(offered, "service")["value"] == "email"  # type: ignore[index]
    [update] = desk.slack.calls_to("views.update")
    assert update.args["hash"] == first_hash, "guarded by the view's hash"

    await desk.slack.click_in_view(JORDAN, SOLVED_FORM)
    await desk.settle()
    thanks = desk.slack.open_view(JORDAN)
    assert thanks is not None and "Nothing was filed" in thanks.rendered
    assert "delete the OST cache file" in thanks.rendered
    await desk.slack.close_view(JORDAN)  # Done

    assert desk.slack.modal_stack(JORDAN) == [], "Done closes the whole form"
    assert await requests_filed(desk) == 1, "nothing was filed"
    assert len(desk.slack.dm_messages(JORDAN)) == 0
    figures = await stats(desk)
    assert "Answered by shared fixes: *1* (0): 1 before filing" in figures
    assert "@sam: 0 open, 1 resolved, 1 answered by their shared fixes" in figures


async def test_a_partner_who_ignores_the_offer_files_as_usual_with_every_word_intact(
    desk: LocalLiaison,
) -> None:
    await a_shared_fix(desk)
    await open_form(desk, JORDAN)
    await desk.slack.click_in_view(JORDAN, "service_select", selected="email")
    await desk.settle()
    assert "Known fixes" not in form(desk, JORDAN).rendered, "no words yet, nothing to match"

    # Enter in the summary asks again.
    await desk.slack.click_in_view(JORDAN, "summary_input", selected="Outlook won't send mail")
    await desk.settle()
    assert "delete the OST cache file" in form(desk, JORDAN).rendered

    details = "Error 0x800CCC0F <when> sending to the ops box & the wing box"
    sent = await desk.slack.submit_view(JORDAN, {"details": details, "impact": "degraded"})
    assert sent.ok and sent.closed, sent.errors
    await desk.settle()

    row = await stored(desk, 2)
    assert row is not None and row.status == "new"
    assert (row.service_id, row.summary) == ("email", "Outlook won't send mail")
    assert row.details == details
    assert not any(SOLVED_DM in m.action_ids() for m in partner_thread(desk, JORDAN)), (
        "the form showed the fix; the confirmation does not repeat it"
    )
    assert "Answered by shared fixes" not in await stats(desk)


async def test_from_the_confirmation_this_solved_it_closes_the_request_and_is_counted(
    desk: LocalLiaison,
) -> None:
    await a_shared_fix(desk)
    # Casey fills the form in one go: no Enter, no service first, so the form never looked.
    await file_request(
        desk, CASEY, service="email", impact="degraded", summary="Mail stuck sending in Outlook"
    )

    [offer] = [m for m in partner_thread(desk, CASEY) if SOLVED_DM in m.action_ids()]
    assert "delete the OST cache file" in offer.rendered and "REQ-2" in offer.rendered
    await desk.slack.click(CASEY, channel=offer.channel, ts=offer.ts, action_id=SOLVED_DM)
    await desk.settle()

    row = await stored(desk, 2)
    assert row is not None and row.status == "closed" and row.closed_at is not None
    async with desk.runtime.database.reading() as session:
        kinds = list(
            await session.scalars(
                select(RequestEvent.kind).where(RequestEvent.request_id == row.id)
            )
        )
        polls = await session.scalar(select(func.count()).select_from(Poll))
        answers = (await session.scalars(select(FixAnswer))).all()
    assert kinds[-1] == "solved_by_fix", kinds
    assert polls == 0, "no poll for a request the partner closed with a shared fix"
    assert [(a.via, a.request_id) for a in answers] == [("dm", row.id)]
    answered = desk.slack.message(offer.channel, offer.ts)
    assert answered is not None and SOLVED_DM not in answered.action_ids(), "buttons spent"
    assert "so *REQ-2* is closed" in answered.rendered or "REQ-2 is closed" in answered.rendered
    assert any("a shared fix solved it" in m.rendered for m in partner_thread(desk, CASEY))
    [card] = [m for m in cards(desk) if "REQ-2" in m.text]
    assert "Closed" in card.rendered
    thread = desk.slack.thread(card.channel, card.ts)
    assert any("a shared fix solved it" in m.rendered for m in thread)
    figures = await stats(desk)
    assert "Answered by shared fixes: *1* (0): 0 before filing (nothing filed), 1 after" in figures
    assert "@sam: 0 open, 1 resolved, 1 answered by their shared fixes" in figures


async def test_back_to_my_request_returns_the_form_as_left_and_takes_the_answer_back(
    desk: LocalLiaison,
) -> None:
    await a_shared_fix(desk)
    await open_form(desk, JORDAN, text="Outlook cannot send")
    await desk.slack.click_in_view(JORDAN, "service_select", selected="email")
    await desk.settle()
    await desk.slack.click_in_view(JORDAN, SOLVED_FORM, values={"impact": "stopped"})
    await desk.settle()

    back = await desk.slack.submit_view(JORDAN)  # "Back to my request"
    assert back.ok, back.error
    await desk.settle()
    again = form(desk, JORDAN)
    assert typed(again, "summary") == "Outlook cannot send"
    assert typed(again, "impact")["value"] == "stopped"  # type: ignore[index]
    filed = await desk.slack.submit_view(JORDAN)
    assert filed.ok and filed.closed, filed.errors
    await desk.settle()

    assert await requests_filed(desk) == 2
    assert "Answered by shared fixes" not in await stats(desk), "taken back, not counted"


async def test_a_fix_whose_request_was_reopened_is_no_longer_offered(desk: LocalLiaison) -> None:
    await a_shared_fix(desk)
    [root] = desk.slack.dm_messages(PAT)
    [broken] = [
        m for m in desk.slack.thread(root.channel, root.ts) if "req_still_broken" in m.action_ids()
    ]
    await desk.slack.click(PAT, channel=root.channel, ts=broken.ts, action_id="req_still_broken")
    await desk.slack.wait_for_view(PAT)
    await desk.slack.submit_view(PAT, {"reopen_reason": "Still stuck in the outbox"})
    await desk.settle()

    await file_request(desk, CASEY, service="email", summary="Outlook will not send mail")
    assert not any(SOLVED_DM in m.action_ids() for m in partner_thread(desk, CASEY))


async def test_every_surface_counts_the_answers_alike_and_credits_the_technician(
    desk: LocalLiaison, database_url: str
) -> None:
    await a_shared_fix(desk)
    await open_form(desk, JORDAN)
    await desk.slack.click_in_view(
        JORDAN, "service_select", selected="email", values={"summary": "Outlook will not send"}
    )
    await desk.settle()
    await desk.slack.click_in_view(JORDAN, SOLVED_FORM)
    await desk.settle()
    await desk.slack.close_view(JORDAN)
    await file_request(desk, CASEY, service="email", summary="Outlook mail will not send")
    [offer] = [m for m in partner_thread(desk, CASEY) if SOLVED_DM in m.action_ids()]
    await desk.slack.click(CASEY, channel=offer.channel, ts=offer.ts, action_id=SOLVED_DM)
    await desk.settle()

    line = "Answered by shared fixes: *2* (0): 1 before filing (nothing filed), 1 after filing"
    assert line in await stats(desk)
    await desk.slack.command(MORGAN, "/request", "digest")
    await desk.settle()
    [digest] = [
        m
        for m in desk.slack.messages(desk.workspace.supervisor_channel)
        if "Digest so far" in m.rendered
    ]
    assert line in digest.rendered
    assert "@sam: 0 open, 1 resolved, 2 answered by their shared fixes" in digest.rendered
    export = await from_export(desk, database_url)
    assert export["answered_by_shared_fixes"] == 2
    assert export["answered_by_shared_fixes_before_filing"] == 1
    assert export["closed"] == 1, "the request the DM answer closed counts as closed"
    home = (await open_home(desk, MORGAN)).blocks
    fields = [f["text"] for b in home for f in b.get("fields", [])]
    assert "*Answered by shared fixes*\n2" in fields
