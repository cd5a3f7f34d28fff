"""chat.*, auth and directory methods through the real AsyncWebClient."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import ManualClock
from simulator import SlackSimulator

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hello"}}


async def test_auth_test_returns_bot_identity_and_scopes(
    sim: SlackSimulator, client: AsyncWebClient
) -> None:
    response = await client.auth_test()
    assert response["user_id"] == sim.bot_user_id
    assert response["bot_id"] == sim.bot_id
    assert response["team_id"] == "T0LIAISON"
    assert "chat:write" in response.headers["x-oauth-scopes"]


async def test_post_message_stores_message_with_increasing_ts(
    sim: SlackSimulator, client: AsyncWebClient, clock: ManualClock
) -> None:
    first = await client.chat_postMessage(channel="C0TRIAGE", text="one", blocks=[SECTION])
    second = await client.chat_postMessage(channel="C0TRIAGE", text="two")
    await clock.advance(5)
    third = await client.chat_postMessage(channel="C0TRIAGE", text="three")
    stamps = [first["ts"], second["ts"], third["ts"]]
    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 3
    assert stamps[0].split(".")[0] == str(int(clock.timestamp()) - 5)
    assert len(stamps[0].split(".")[1]) == 6
    assert [m.text for m in sim.messages("C0TRIAGE")] == ["one", "two", "three"]
    stored = sim.message("C0TRIAGE", first["ts"])
    assert stored is not None and stored.bot_id == sim.bot_id and stored.user == sim.bot_user_id
    assert first["message"]["blocks"][0]["block_id"]  # Slack fills in missing block_ids


async def test_post_to_user_id_opens_the_bots_dm(
    sim: SlackSimulator, client: AsyncWebClient
) -> None:
    response = await client.chat_postMessage(channel="U0PARTNER", text="Your request is filed")
    assert response["channel"].startswith("D")
    assert response["channel"] == sim.dm_channel("U0PARTNER")
    again = await client.conversations_open(users="U0PARTNER")
    assert again["channel"]["id"] == response["channel"] and again["already_open"] is True
    assert [m.text for m in sim.dm_messages("U0PARTNER")] == ["Your request is filed"]


async def test_thread_replies_hang_under_their_parent(
    sim: SlackSimulator, client: AsyncWebClient
) -> None:
    parent = await client.chat_postMessage(channel="C0TRIAGE", text="card")
    reply = await client.chat_postMessage(channel="C0TRIAGE", text="update", thread_ts=parent["ts"])
    assert [m.text for m in sim.messages("C0TRIAGE")] == ["card"]
    assert [m.text for m in sim.thread("C0TRIAGE", parent["ts"])] == ["card", "update"]
    assert reply["message"]["thread_ts"] == parent["ts"]
    link = await client.chat_getPermalink(channel="C0TRIAGE", message_ts=reply["ts"])
    assert link["permalink"].startswith(f"{sim.base_url}archives/C0TRIAGE/p")
    assert f"thread_ts={parent['ts']}" in link["permalink"]


async def test_update_keeps_ts_and_records_history(
    sim: SlackSimulator, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C0TRIAGE", text="open", blocks=[SECTION])
    await client.chat_update(channel="C0TRIAGE", ts=posted["ts"], text="claimed")
    message = sim.message("C0TRIAGE", posted["ts"])
    assert message is not None
    assert message.text == "claimed" and message.blocks[0]["text"]["text"] == "hello"
    assert [e.text for e in message.edits] == ["open"]


async def test_update_refuses_other_peoples_and_missing_messages(
    sim: SlackSimulator, client: AsyncWebClient
) -> None:
    # The bot is not in #ops, so the app hears nothing and no transport is needed.
    ts = await sim.post_message("U0PARTNER", "C0OPS", "mine")
    with pytest.raises(SlackApiError) as foreign:
        await client.chat_update(channel="C0OPS", ts=ts, text="edited")
    assert foreign.value.response["error"] == "cant_update_message"
    with pytest.raises(SlackApiError) as missing:
        await client.chat_update(channel="C0TRIAGE", ts="1.000001", text="x")
    assert missing.value.response["error"] == "message_not_found"
    posted = await client.chat_postMessage(channel="C0TRIAGE", text="short")
    with pytest.raises(SlackApiError) as long:
        await client.chat_update(channel="C0TRIAGE", ts=posted["ts"], text="x" * 4001)
    assert long.value.response["error"] == "msg_too_long"


async def test_channel_errors(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as unknown:
        await client.chat_postMessage(channel="C0NOPE", text="hi")
    assert unknown.value.response["error"] == "channel_not_found"
    assert unknown.value.response.status_code == 200
    with pytest.raises(SlackApiError) as private:
        await client.chat_postMessage(channel="G0SECRET", text="hi")
    assert private.value.response["error"] == "not_in_channel"
    public = await client.chat_postMessage(channel="C0OPS", text="chat:write.public")
    assert public["ok"]


async def test_ephemeral_needs_the_user_in_the_channel(
    sim: SlackSimulator, client: AsyncWebClient
) -> None:
    response = await client.chat_postEphemeral(channel="C0TRIAGE", user="U0PARTNER", text="psst")
    assert response["message_ts"]
    assert [e.text for e in sim.ephemerals("U0PARTNER")] == ["psst"]
    sim.add_user("U0OUTSIDER", "out")
    with pytest.raises(SlackApiError) as error:
        await client.chat_postEphemeral(channel="C0TRIAGE", user="U0OUTSIDER", text="psst")
    assert error.value.response["error"] == "user_not_in_channel"


async def test_51_blocks_are_invalid_blocks_with_a_pointer(client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as error:
        await client.chat_postMessage(channel="C0TRIAGE", text="many", blocks=[SECTION] * 51)
    body = error.value.response.data
    assert body["error"] == "invalid_blocks"
    assert body["response_metadata"]["messages"] == [
        "[ERROR] no more than 50 items allowed [json-pointer:/blocks]"
    ]


@pytest.mark.parametrize(
    ("block", "pointer"),
    [
        (
            {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}},
            "/blocks/0/text/text",
        ),
        (
            {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}},
            "/blocks/0/text/text",
        ),
        ({"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}, "/blocks/0/fields"),
        ({"type": "section", "text": {"type": "mrkdwn", "text": ""}}, "/blocks/0/text/text"),
        (
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "a",
                        "text": {"type": "plain_text", "text": "x" * 76},
                    }
                ],
            },
            "/blocks/0/elements/0/text/text",
        ),
    ],
)
async def test_block_kit_limits(
    client: AsyncWebClient, block: dict[str, object], pointer: str
) -> None:
    with pytest.raises(SlackApiError) as error:
        await client.chat_postMessage(channel="C0TRIAGE", text="t", blocks=[block])
    messages = error.value.response["response_metadata"]["messages"]
    assert any(f"[json-pointer:{pointer}]" in m for m in messages), messages


async def test_auth_errors(sim: SlackSimulator) -> None:
    nobody = AsyncWebClient(token="xoxb-wrong", base_url=sim.api_url)
    with pytest.raises(SlackApiError) as invalid:
        await nobody.auth_test()
    assert invalid.value.response["error"] == "invalid_auth"
    assert invalid.value.response.status_code == 200
    async with (
        aiohttp.ClientSession() as session,
        session.post(sim.api_url + "auth.test") as response,
    ):
        assert response.status == 200
        assert response.content_type == "application/json"
        assert (await response.json())["error"] == "not_authed"
    bot = AsyncWebClient(token=sim.config.bot_token, base_url=sim.api_url)
    with pytest.raises(SlackApiError) as wrong_type:
        await bot.apps_connections_open(app_token=sim.config.bot_token)
    assert wrong_type.value.response["error"] == "not_allowed_token_type"


async def test_form_query_and_json_string_arguments_are_merged(sim: SlackSimulator) -> None:
    headers = {"Authorization": f"Bearer {sim.config.bot_token}"}
    blocks = '[{"type": "section", "text": {"type": "mrkdwn", "text": "as a string"}}]'
    async with aiohttp.ClientSession(headers=headers) as session:
        url = sim.api_url + "chat.postMessage?channel=C0TRIAGE&team_id=T0LIAISON"
        async with session.post(url, data={"text": "form", "blocks": blocks}) as response:
            assert (await response.json())["ok"] is True
        async with session.get(sim.api_url + "users.info", params={"user": "U0TECH"}) as response:
            assert (await response.json())["user"]["real_name"] == "Tess Tech"
        async with session.post(sim.api_url + "no.such") as response:
            assert (await response.json())["error"] == "unknown_method"
    assert sim.messages("C0TRIAGE")[0].blocks[0]["text"]["text"] == "as a string"
    assert sim.calls_to("chat.postMessage")[0].args["team_id"] == "T0LIAISON"


async def test_members_are_paginated_with_cursor(
    sim: SlackSimulator, client: AsyncWebClient
) -> None:
    pages: list[list[str]] = []
    cursor = None
    while True:
        page = await client.conversations_members(channel="C0TRIAGE", limit=2, cursor=cursor)
        pages.append(page["members"])
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == [[sim.bot_user_id, "U0PARTNER"], ["U0TECH"]]
    with pytest.raises(SlackApiError) as error:
        await client.conversations_members(channel="C0TRIAGE", cursor="bad!")
    assert error.value.response["error"] == "invalid_cursor"


async def test_info_methods(client: AsyncWebClient) -> None:
    info = await client.conversations_info(channel="C0TRIAGE")
    assert info["channel"]["name"] == "triage" and info["channel"]["is_member"] is True
    user = await client.users_info(user="U0PARTNER")
    assert user["user"]["tz"] == "America/Chicago"
    assert user["user"]["tz_offset"] == -6 * 3600  # the ManualClock sits in November
    with pytest.raises(SlackApiError) as missing:
        await client.users_info(user="U0NOBODY")
    assert missing.value.response["error"] == "user_not_found"
