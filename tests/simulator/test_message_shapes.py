"""The message events people cause, and the files API, in the shapes Slack really uses."""

from __future__ import annotations

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from simulator import SlackSimulator
from tests.simulator.fakeapp import FakeApp

PNG = b"\x89PNG\r\n\x1a\n" + b"pixels" * 50


def events(fake_app: FakeApp) -> list[dict[str, object]]:
    return [r.payload()["event"] for r in fake_app.received]


async def test_a_file_share_carries_files_with_private_urls(
    sim: SlackSimulator, fake_app: FakeApp
) -> None:
    ts = await sim.share_files("U0PARTNER", "C0TRIAGE", [("error.png", PNG)], text="look")
    [event] = events(fake_app)
    assert event["subtype"] == "file_share" and event["ts"] == ts and event["text"] == "look"
    assert event["user_team"] == event["source_team"] == sim.config.team_id
    assert event["upload"] is False and event["display_as_bot"] is False
    [file] = event["files"]  # type: ignore[misc]
    assert file["name"] == "error.png" and file["mimetype"] == "image/png"
    assert file["size"] == len(PNG) and file["filetype"] == "png"
    assert file["url_private_download"].startswith(sim.api_url.removesuffix("api/"))


async def test_a_download_needs_the_bot_token(sim: SlackSimulator, fake_app: FakeApp) -> None:
    await sim.share_files("U0PARTNER", "C0TRIAGE", [("error.png", PNG)])
    [file] = events(fake_app)[0]["files"]  # type: ignore[misc]
    url = str(file["url_private_download"])
    async with aiohttp.ClientSession() as session:
        async with session.get(url, allow_redirects=False) as anonymous:
            assert anonymous.status == 302
        async with session.get(url) as followed:
            assert followed.content_type == "text/html"
        bearer = {"Authorization": f"Bearer {sim.config.bot_token}"}
        async with session.get(url, headers=bearer) as answer:
            assert answer.status == 200 and await answer.read() == PNG


async def test_an_upload_goes_through_url_post_and_complete(
    sim: SlackSimulator, fake_app: FakeApp, client: AsyncWebClient
) -> None:
    root = await sim.post_message("U0TECH", "C0TRIAGE", "card")
    reserved = await client.files_getUploadURLExternal(filename="copy.png", length=len(PNG))
    with pytest.raises(SlackApiError) as early:
        await client.files_completeUploadExternal(
            files=[{"id": reserved["file_id"]}], channel_id="C0TRIAGE"
        )
    assert early.value.response["error"] == "file_not_found"  # no bytes were posted yet
    async with (
        aiohttp.ClientSession() as session,
        session.post(str(reserved["upload_url"]), data=PNG) as posted,
    ):
        assert posted.status == 200
    done = await client.files_completeUploadExternal(
        files=[{"id": reserved["file_id"], "title": "Screenshot"}],
        channel_id="C0TRIAGE",
        thread_ts=root,
    )
    assert done["files"] == [{"id": reserved["file_id"], "title": "Screenshot"}]
    [_, reply] = sim.thread("C0TRIAGE", root)
    assert reply.bot_id == sim.config.bot_id and reply.files[0]["title"] == "Screenshot"
    info = await client.files_info(file=str(reserved["file_id"]))
    assert info["file"]["shares"] == {"public": {"C0TRIAGE": [{"ts": reply.ts}]}}
    stranger = AsyncWebClient(token="xoxb-wrong", base_url=sim.api_url)
    with pytest.raises(SlackApiError) as refused:
        await stranger.files_info(file=str(reserved["file_id"]))
    assert refused.value.response["error"] == "invalid_auth"


async def test_uploads_into_a_private_channel_need_membership(
    sim: SlackSimulator, client: AsyncWebClient
) -> None:
    reserved = await client.files_getUploadURLExternal(filename="a.txt", length=3)
    async with aiohttp.ClientSession() as session:
        await (await session.post(str(reserved["upload_url"]), data=b"abc")).read()
    with pytest.raises(SlackApiError) as outside:
        await client.files_completeUploadExternal(
            files=[{"id": reserved["file_id"]}], channel_id="G0SECRET"
        )
    assert outside.value.response["error"] == "not_in_channel"


async def test_edits_and_deletions_arrive_as_notices_about_the_message(
    sim: SlackSimulator, fake_app: FakeApp
) -> None:
    root = await sim.post_message("U0TECH", "C0TRIAGE", "card")
    ts = await sim.post_message("U0PARTNER", "C0TRIAGE", "room 210", thread_ts=root)
    await sim.edit_message("U0PARTNER", "C0TRIAGE", ts, "room 214")
    await sim.delete_message("U0PARTNER", "C0TRIAGE", ts)
    _, _, changed, deleted = events(fake_app)
    assert changed["subtype"] == "message_changed" and changed["hidden"] is True
    assert "user" not in changed
    message, previous = changed["message"], changed["previous_message"]
    assert message["text"] == "room 214" and message["thread_ts"] == root  # type: ignore[index]
    assert message["edited"]["user"] == "U0PARTNER"  # type: ignore[index]
    assert previous["text"] == "room 210"  # type: ignore[index]
    assert deleted["subtype"] == "message_deleted" and deleted["deleted_ts"] == ts
    assert deleted["previous_message"]["text"] == "room 214"  # type: ignore[index]
    assert sim.message("C0TRIAGE", ts) is None


async def test_other_subtypes(sim: SlackSimulator, fake_app: FakeApp) -> None:
    root = await sim.post_message("U0TECH", "C0TRIAGE", "card")
    await sim.post_special("U0PARTNER", "C0TRIAGE", "waves", subtype="me_message")
    await sim.post_special(
        "U0PARTNER", "C0TRIAGE", "also here", subtype="thread_broadcast", thread_ts=root
    )
    await sim.post_integration_message("C0TRIAGE", "build passed", username="ci")
    ekm = await sim.post_message("U0PARTNER", "C0TRIAGE", "classified")
    await sim.revoke_message_key("U0PARTNER", "C0TRIAGE", ekm)
    _, me, broadcast, integration, _, revoked = events(fake_app)
    assert me["subtype"] == "me_message" and me["user"] == "U0PARTNER"
    assert broadcast["subtype"] == "thread_broadcast" and broadcast["thread_ts"] == root
    assert integration["subtype"] == "bot_message" and "user" not in integration
    assert integration["username"] == "ci" and integration["bot_id"]
    assert revoked["subtype"] == "ekm_access_denied" and revoked["ts"] == ekm


async def test_the_bots_own_attachments_come_back_in_its_message_event(
    sim: SlackSimulator, fake_app: FakeApp, client: AsyncWebClient
) -> None:
    attachment = {"color": "#d00000", "text": "outage"}
    await client.chat_postMessage(channel="C0TRIAGE", text="alert", attachments=[attachment])
    await sim.idle()
    [echo] = events(fake_app)
    assert echo["bot_id"] == sim.config.bot_id and echo["attachments"] == [attachment]
