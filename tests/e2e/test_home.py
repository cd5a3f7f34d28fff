"""The App Home: what partners, technicians and supervisors see, and when it is refreshed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator

import pytest

from bot.app.local import SIGNING_SECRET, LocalLiaison
from bot.clock import ManualClock
from bot.domain.edit import Edit
from bot.domain.transitions import Action
from simulator import SlackSimulator
from simulator.surfaces import SimView
from storage import outbox
from storage.migrate import upgrade_to_head
from tests.e2e.helpers import PAT, file_request, stored
from tests.e2e.test_outages import declare
from tests.factories import make_request

pytestmark = pytest.mark.e2e
SAM, MORGAN, JORDAN = "U0SAM", "U0MORGAN", "U0JORDAN"


async def open_home(liaison: LocalLiaison, user: str) -> SimView:
    result = await liaison.slack.open_home(user)
    assert result.delivered
    await liaison.settle()
    home = liaison.slack.home(user)
    assert home is not None, "the Home was published"
    return home


def publishes(liaison: LocalLiaison, user: str) -> list[dict[str, object]]:
    return [c.args for c in liaison.slack.calls_to("views.publish") if c.args["user_id"] == user]


async def test_a_partner_sees_their_open_request_its_next_update_and_a_current_outage(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, summary="VPN down in bldg 4")
    await declare(liaison, summary="No network in buildings 4 and 5")
    home = await open_home(liaison, PAT)
    text = home.rendered
    assert "Your open requests* (1)" in str(home.blocks)
    assert "REQ-1" in text and "VPN down in bldg 4" in text
    assert "Next update by" in text and "not yet assigned" in text
    assert "OUT-1" in text and "No network in buildings 4 and 5" in text
    assert "home_file_request" in home.action_ids()
    assert "Unclaimed" not in text and "last 7 days" not in text


async def test_a_partner_sees_recently_closed_requests_and_how_they_closed(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, summary="Printer jam")
    await liaison.runtime.triage.apply(1, actor=PAT, edit=Edit(Action.WITHDRAW))
    await liaison.settle()
    text = (await open_home(liaison, PAT)).rendered
    assert "Recently closed" in text and "Printer jam" in text and "withdrawn" in text
    assert "You have no open requests" in text


async def test_a_technician_sees_the_unclaimed_queue_and_a_request_near_breach(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, impact="none", summary="New monitor please")
    home = await open_home(liaison, SAM)
    assert "Unclaimed* (1)" in str(home.blocks) and "New monitor please" in home.rendered
    assert "Near breach (next 2 hours, or breached)* (0)" in str(home.blocks)

    row = await stored(liaison, 1)
    assert row is not None
    await liaison.advance(row.first_response_due - liaison.clock.now() - dt.timedelta(hours=1))
    home = await open_home(liaison, SAM)
    assert "Near breach (next 2 hours, or breached)* (1)" in str(home.blocks)
    assert "respond by" in home.rendered


async def test_a_supervisor_sees_the_figures_of_the_last_seven_days(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison)
    await file_request(liaison, summary="Second one")
    await liaison.runtime.triage.claim(1, actor=SAM)
    await liaison.runtime.triage.apply(
        1, actor=SAM, edit=Edit(Action.RESOLVE, partner_message="Rebooted the VPN concentrator")
    )
    await liaison.settle()
    home = await open_home(liaison, MORGAN)
    blocks = str(home.blocks)
    assert "The last 7 days" in home.rendered and "/request stats" in home.rendered
    assert "*New*\\n2" in blocks and "*Resolved*\\n1" in blocks
    assert "*Resolution target met*\\n100 % (1 of 1)" in blocks
    assert "*Polls answered*" in blocks and "*Average rating*" in blocks


async def test_the_home_is_refreshed_after_the_partners_request_is_claimed(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison)
    before = (await open_home(liaison, PAT)).rendered
    assert len(publishes(liaison, PAT)) == 1

    await liaison.runtime.triage.claim(1, actor=SAM)
    await liaison.settle()
    after = liaison.slack.home(PAT)
    assert after is not None and after.rendered != before
    assert "<@U0SAM>" in str(after.blocks) and "In progress" in after.rendered
    assert len(publishes(liaison, PAT)) == 2
    assert publishes(liaison, SAM) == [], "Sam never opened the Home"


async def test_a_burst_of_changes_sends_only_the_latest_home(liaison: LocalLiaison) -> None:
    await file_request(liaison)
    await open_home(liaison, PAT)
    # Slack holds views.publish back for a minute, so the burst piles up unsent behind it.
    liaison.slack.faults.add("views.publish", status=429, retry_after=60)
    triage = liaison.runtime.triage
    await triage.claim(1, actor=SAM)
    await liaison.settle()
    await triage.apply(1, actor=SAM, edit=Edit(Action.UPDATE, partner_message="On it"))
    await liaison.runtime.home.publish(PAT)  # an explicit refresh queued as well
    await liaison.settle()
    await liaison.advance(dt.timedelta(minutes=6))

    sent = [c for c in liaison.slack.calls_to("views.publish") if c.ok]
    assert len(sent) == 2, "one on opening, one for the whole burst"
    async with liaison.runtime.database.reading() as session:
        homes = [r for r in await outbox.list_messages(session) if r.method == "views.publish"]
    assert [r.status for r in homes].count("superseded") >= 2
    sent_args = {k: v for k, v in sent[-1].args.items() if k != "hash"}
    assert homes[-1].status == "sent" and sent_args == homes[-1].args
    assert sent[-1].args["hash"] == sent[0].body["view"]["hash"], "replaces what it saw"
    latest = liaison.slack.home(PAT)
    assert latest is not None and "In progress" in latest.rendered


async def test_someone_who_never_opened_the_home_gets_no_views_publish(
    liaison: LocalLiaison,
) -> None:
    await open_home(liaison, PAT)
    await file_request(liaison, user=JORDAN)
    await liaison.runtime.triage.claim(1, actor=SAM)
    await liaison.settle()
    assert publishes(liaison, JORDAN) == []
    assert publishes(liaison, SAM) == []
    assert len(publishes(liaison, PAT)) == 1


async def test_the_file_a_request_button_opens_the_form(liaison: LocalLiaison) -> None:
    await open_home(liaison, PAT)
    clicked = await liaison.slack.click_in_home(PAT, "home_file_request")
    assert clicked.ok
    view = await liaison.slack.wait_for_view(PAT)
    assert view.callback_id == "request_new"


async def test_the_home_stays_within_100_blocks_with_150_open_requests(
    liaison: LocalLiaison,
) -> None:
    now = liaison.clock.now()
    async with liaison.runtime.database.transaction() as session:
        for _ in range(150):
            await make_request(session, now=now, partner_id=PAT, card_channel="C0TRIAGE")
    for user in (PAT, SAM, MORGAN):
        home = await open_home(liaison, user)
        assert len(home.blocks) <= 100
        assert "and 130 more" in home.rendered or "more." in home.rendered
    pat = liaison.slack.home(PAT)
    assert pat is not None and "…and 130 more." in pat.rendered
    sam = liaison.slack.home(SAM)
    assert sam is not None and "…and 135 more." in sam.rendered
    # A supervisor who is also the partner sees every section at once, still within the limit.
    async with liaison.runtime.database.transaction() as session:
        for _ in range(150):
            await make_request(session, now=now, partner_id=MORGAN, assignee_id=MORGAN)
    home = await open_home(liaison, MORGAN)
    assert len(home.blocks) <= 100


class HomeDisabledLiaison(LocalLiaison):
    """The same local Liaison, with the Slack app's Home tab switched off."""

    async def start(self) -> None:
        self.slack = SlackSimulator(
            signing_secret=SIGNING_SECRET, clock=self.clock.timestamp, home_enabled=False
        )
        await self.slack.start()
        self._seed()
        await upgrade_to_head(self.database_url)
        await self._start_liaison()


@pytest.fixture
async def no_home(sqlite_url: str, clock: ManualClock) -> AsyncIterator[LocalLiaison]:
    local = HomeDisabledLiaison(database_url=sqlite_url, clock=clock)
    await local.start()
    yield local
    await local.stop()


async def test_a_home_tab_that_is_not_enabled_is_logged_and_breaks_nothing(
    no_home: LocalLiaison, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await no_home.slack.open_home(PAT)
    await no_home.settle()
    [call] = no_home.slack.calls_to("views.publish")
    assert call.body.get("error") == "not_enabled"
    assert any("not_enabled" in r.getMessage() for r in caplog.records)
    await file_request(no_home, summary="Still works")
    await no_home.runtime.triage.claim(1, actor=SAM)
    await no_home.settle()
    assert len(no_home.slack.calls_to("views.publish")) == 3, "tried again for each change"
    assert no_home.slack.dm_messages(PAT), "the partner still got their confirmation"


async def test_a_technicians_open_home_shows_a_new_request_without_reopening_it(
    liaison: LocalLiaison,
) -> None:
    home = await open_home(liaison, SAM)
    assert "Unclaimed* (0)" in str(home.blocks)
    await file_request(liaison, impact="none", summary="New monitor please")
    await liaison.advance(dt.timedelta(minutes=1))
    home = liaison.slack.home(SAM)
    assert home is not None
    assert "Unclaimed* (1)" in str(home.blocks) and "New monitor please" in home.rendered


async def test_a_request_drifting_near_its_breach_reaches_the_supervisors_home_by_itself(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison, impact="none", summary="New monitor please")
    home = await open_home(liaison, MORGAN)
    assert "Near breach (next 2 hours, or breached)* (0)" in str(home.blocks)
    partner_publishes = len(publishes(liaison, PAT))
    row = await stored(liaison, 1)
    assert row is not None
    await liaison.skip_ahead(row.first_response_due - liaison.clock.now() - dt.timedelta(hours=1))
    home = liaison.slack.home(MORGAN)
    assert home is not None
    assert "Near breach (next 2 hours, or breached)* (1)" in str(home.blocks)
    assert len(publishes(liaison, PAT)) == partner_publishes, "the partner's Home did not change"


async def test_a_partners_open_home_learns_of_an_outage_and_of_its_end(
    liaison: LocalLiaison,
) -> None:
    home = await open_home(liaison, JORDAN)
    assert "OUT-1" not in home.rendered
    await declare(liaison, summary="No network in buildings 4 and 5")
    await liaison.advance(dt.timedelta(minutes=1))
    home = liaison.slack.home(JORDAN)
    assert home is not None and "No network in buildings 4 and 5" in home.rendered
    number = 1
    await liaison.runtime.outages.resolve(number, actor=SAM, resolution="Switch replaced")
    await liaison.advance(dt.timedelta(minutes=1))
    home = liaison.slack.home(JORDAN)
    assert home is not None and "No network in buildings 4 and 5" not in home.rendered
