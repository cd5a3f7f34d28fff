"""Names for mentions: asked of Slack once, forgotten after an hour, never more than a few."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import ManualClock
from bot.workspace.names import NameDirectory
from simulator import SlackSimulator


@pytest.fixture
async def sim(clock: ManualClock) -> AsyncIterator[SlackSimulator]:
    async with SlackSimulator(signing_secret="names-secret", clock=clock.timestamp) as slack:
        slack.add_user("U0SAM", "sam", real_name="SSgt Sam Okafor")
        slack.add_user("U0ALEX", "alex", real_name="A1C Alex Chen")
        slack.add_user("U0NONAME", "nobody", real_name="")
        yield slack


def directory(sim: SlackSimulator, clock: ManualClock, size: int = 100) -> NameDirectory:
    client = AsyncWebClient(token=sim.bot_token, base_url=sim.api_url)
    return NameDirectory(client=client, clock=clock, size=size)


def asked(sim: SlackSimulator, user: str) -> int:
    return len([c for c in sim.calls_to("users.info") if c.args.get("user") == user])


async def test_bare_mentions_get_the_persons_name(sim: SlackSimulator, clock: ManualClock) -> None:
    names = directory(sim, clock)
    text = await names.with_names("<@U0SAM> and <@U0ALEX|alex> and <!here>")
    assert text == "<@U0SAM|SSgt Sam Okafor> and <@U0ALEX|alex> and <!here>"
    assert asked(sim, "U0ALEX") == 0  # already labelled by Slack: nothing to ask


async def test_unknown_people_stay_as_they_were(sim: SlackSimulator, clock: ManualClock) -> None:
    names = directory(sim, clock)
    assert await names.with_names("<@U0GHOST> left") == "<@U0GHOST> left"
    assert await names.with_names("<@U0NONAME> hi") == "<@U0NONAME|nobody> hi"


async def test_names_are_cached_and_expire(sim: SlackSimulator, clock: ManualClock) -> None:
    names = directory(sim, clock)
    await names.with_names("<@U0SAM>")
    await names.with_names("<@U0SAM> again")
    assert asked(sim, "U0SAM") == 1
    sim.add_user("U0SAM", "sam", real_name="TSgt Sam Okafor")  # promoted
    await clock.advance(dt.timedelta(minutes=61))
    assert await names.with_names("<@U0SAM>") == "<@U0SAM|TSgt Sam Okafor>"
    assert asked(sim, "U0SAM") == 2


async def test_the_cache_is_bounded(sim: SlackSimulator, clock: ManualClock) -> None:
    names = directory(sim, clock, size=1)
    await names.with_names("<@U0SAM>")
    await names.with_names("<@U0ALEX>")
    await names.with_names("<@U0SAM>")
    assert asked(sim, "U0SAM") == 2  # pushed out by Alex, so asked again
