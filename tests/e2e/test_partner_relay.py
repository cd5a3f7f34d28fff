"""What a partner sends in a request's thread reaches the technicians as sent: files, edits,
deletions and names, over HTTP and over Socket Mode."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.app.local import LocalLiaison
from bot.clock import ManualClock
from simulator import SimMessage
from storage import history
from tests.e2e.helpers import PAT, file_request, outbox_depth, stored
from tests.e2e.test_closing import in_thread, resolved_request
from tests.e2e.test_triage import card, card_thread

pytestmark = pytest.mark.e2e
SCREENSHOT = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


@pytest.fixture
async def small_files(sqlite_url: str, clock: ManualClock) -> AsyncIterator[LocalLiaison]:
    """Liaison that copies files of at most 1 MB."""
    local = LocalLiaison(database_url=sqlite_url, clock=clock, overrides={"file_relay_max_mb": 1})
    await local.start()
    yield local
    await local.stop()


def dm_root(liaison: LocalLiaison) -> SimMessage:
    return liaison.slack.dm_messages(PAT)[0]


async def send_files(liaison: LocalLiaison, files: list[tuple[str, bytes]], text: str = "") -> str:
    root = dm_root(liaison)
    ts = await liaison.slack.share_files(PAT, root.channel, files, text=text, thread_ts=root.ts)
    await liaison.settle()
    return ts


async def reply(liaison: LocalLiaison, text: str) -> str:
    root = dm_root(liaison)
    ts = await liaison.slack.post_message(PAT, root.channel, text, thread_ts=root.ts)
    await liaison.settle()
    return ts


async def download(url: str, token: str | None) -> tuple[int, str, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as answer:
        return answer.status, answer.content_type, await answer.read()


async def timeline_kinds(liaison: LocalLiaison) -> list[tuple[str, str, dict[str, object]]]:
    row = await stored(liaison, 1)
    assert row is not None
    async with liaison.runtime.database.reading() as session:
        entries = await history.timeline(session, request_id=row.id)
    return [(e.kind, e.text, dict(e.data)) for e in entries]


async def test_a_screenshot_with_text_reaches_the_card_thread_where_technicians_open_it(
    either: LocalLiaison,
) -> None:
    await file_request(either)
    await send_files(either, [("error.png", SCREENSHOT)], text="This is what I see")
    thread = card_thread(either)
    [words] = [m for m in thread if "This is what I see" in m.rendered]
    assert "error.png" in words.rendered
    [copy] = [m for m in thread if m.files]
    assert thread.index(copy) > thread.index(words)  # the file follows the words it came with
    [shared] = copy.files
    assert shared["name"] == "error.png"
    file = either.slack.file(str(shared["id"]))
    assert file is not None and file.content == SCREENSHOT
    assert file.shares == {either.workspace.triage_channel: [copy.ts]}
    status, kind, content = await download(str(shared["url_private_download"]), None)
    assert kind == "text/html" and content != SCREENSHOT  # a link alone opens nothing
    status, _, content = await download(str(shared["url_private_download"]), either.slack.bot_token)
    assert status == 200 and content == SCREENSHOT
    [completed] = either.slack.calls_to("files.completeUploadExternal")
    assert completed.args["thread_ts"] == card(either).ts
    [entry] = [e for e in await timeline_kinds(either) if e[0] == "partner_message"]
    assert entry[1] == "This is what I see"
    assert entry[2]["files"] == [
        {"id": entry[2]["files"][0]["id"], "name": "error.png", "size": len(SCREENSHOT)}  # type: ignore[index]
    ]


async def test_a_file_without_words_is_announced_not_an_empty_quote(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison)
    await send_files(liaison, [("cable.jpg", SCREENSHOT), ("label.pdf", b"%PDF-1.4 tiny")])
    thread = card_thread(liaison)
    [note] = [m for m in thread if "sent 2 files" in m.rendered]
    assert "\n>" not in note.rendered and "cable.jpg" in note.rendered
    names = sorted(str(f["name"]) for m in thread for f in m.files)
    assert names == ["cable.jpg", "label.pdf"]


async def test_a_file_over_the_limit_is_refused_with_a_note_in_the_thread(
    small_files: LocalLiaison,
) -> None:
    await file_request(small_files)
    big = b"0" * (2 * 1024 * 1024)
    await send_files(small_files, [("capture.pcap", big), ("ok.txt", b"fine")], text="logs")
    thread = " ".join(m.rendered for m in card_thread(small_files))
    assert "Not copied here" in thread and "capture.pcap (2.0 MB)" in thread
    assert "larger than the 1.0 MB limit" in thread and "another way" in thread
    copied = [str(f["name"]) for m in card_thread(small_files) for f in m.files]
    assert copied == ["ok.txt"]
    downloads = small_files.slack.calls_to("file.download")
    assert len(downloads) == 1  # the big one was never fetched
    [entry] = [e for e in await timeline_kinds(small_files) if e[0] == "partner_message"]
    assert entry[2]["refused_files"][0]["name"] == "capture.pcap"  # type: ignore[index]


async def test_a_partners_edit_updates_the_relayed_copy_and_keeps_the_old_text(
    either: LocalLiaison,
) -> None:
    await file_request(either)
    ts = await reply(either, "It is room 210")
    [relayed] = [m for m in card_thread(either) if "room 210" in m.rendered]
    await either.slack.edit_message(PAT, dm_root(either).channel, ts, "Sorry, room 214")
    await either.settle()
    now = either.slack.message(relayed.channel, relayed.ts)
    assert now is not None
    assert "room 214" in now.rendered and "room 210" not in now.rendered
    assert "(edited)" in now.rendered and "earlier text is in the request's history" in now.rendered
    assert len(now.edits) == 1
    assert not [m for m in card_thread(either) if "room 214" in m.rendered and m is not now]
    [edit] = [e for e in await timeline_kinds(either) if e[0] == "partner_message_edited"]
    assert edit[1] == "Sorry, room 214" and edit[2]["previous"] == "It is room 210"


async def test_a_partners_deletion_is_noted_in_the_card_thread(either: LocalLiaison) -> None:
    await file_request(either)
    ts = await reply(either, "Ignore the printer, it was the cable")
    await either.slack.delete_message(PAT, dm_root(either).channel, ts)
    await either.settle()
    [note] = [m for m in card_thread(either) if "deleted a reply" in m.rendered]
    assert "Ignore the printer" in note.rendered
    kinds = [e[0] for e in await timeline_kinds(either)]
    assert "partner_message_deleted" in kinds


async def test_mentions_are_relayed_as_names_and_asked_of_slack_once(
    liaison: LocalLiaison,
) -> None:
    await file_request(liaison)
    await reply(liaison, "<@U0SAM> fixed this last time")
    await reply(liaison, "ask <@U0SAM> please")
    relayed = [m for m in card_thread(liaison) if "Sam Okafor" in m.rendered]
    assert len(relayed) == 2
    assert all("U0SAM" not in m.text + m.rendered for m in relayed)
    assert len([c for c in liaison.slack.calls_to("users.info") if c.args["user"] == "U0SAM"]) == 1
    await liaison.slack.command(PAT, "/request", "status REQ-1")
    await liaison.settle()
    status = liaison.slack.ephemerals(PAT)[-1].rendered
    assert "wrote: @SSgt Sam Okafor fixed this last time" in status


async def test_a_direct_message_with_a_mention_prefills_the_form_with_the_name(
    liaison: LocalLiaison,
) -> None:
    bot = liaison.slack.bot_user_id
    await liaison.slack.post_message(PAT, bot, "<@U0SAM> said my CAC reader is dead")
    await liaison.settle()
    [offer] = [m for m in liaison.slack.dm_messages(PAT) if "file_from_dm" in m.action_ids()]
    await liaison.slack.click(PAT, channel=offer.channel, ts=offer.ts, action_id="file_from_dm")
    view = await liaison.slack.wait_for_view(PAT)
    details = next(b for b in view.blocks if b.get("block_id") == "details")
    assert details["element"]["initial_value"] == "@SSgt Sam Okafor said my CAC reader is dead"


async def test_broadcast_and_me_replies_are_relayed(either: LocalLiaison) -> None:
    await file_request(either)
    root = dm_root(either)
    await either.slack.post_special(
        PAT, root.channel, "also the fax", subtype="thread_broadcast", thread_ts=root.ts
    )
    await either.slack.post_special(
        PAT, root.channel, "waves", subtype="me_message", thread_ts=root.ts
    )
    await either.settle()
    thread = " ".join(m.rendered for m in card_thread(either))
    assert "also the fax" in thread and "waves" in thread


async def test_notices_about_messages_are_nobodys_words(liaison: LocalLiaison) -> None:
    await file_request(liaison)
    root = dm_root(liaison)
    before = len(card_thread(liaison))
    await liaison.slack.post_integration_message(root.channel, "build 42 passed", username="ci")
    ts = await reply(liaison, "secret detail")
    await liaison.slack.revoke_message_key(PAT, root.channel, ts)
    await liaison.settle()
    assert len(card_thread(liaison)) == before + 1  # only the real reply was relayed
    bots = [m for m in liaison.slack.dm_messages(PAT) if m.bot_id == liaison.slack.bot_id]
    assert len(bots) == 1  # the request's own thread root: nothing offered to the integration
    assert all(d.ok for d in liaison.slack.deliveries)


@pytest.fixture(params=["http", "socket"])
async def org_wide(
    request: pytest.FixtureRequest, sqlite_url: str, clock: ManualClock
) -> AsyncIterator[LocalLiaison]:
    """Liaison installed org-wide on Enterprise Grid: interactions carry `team: null`."""
    local = LocalLiaison(database_url=sqlite_url, clock=clock, mode=request.param, org_install=True)
    await local.start()
    yield local
    await local.stop()


async def test_an_org_wide_install_files_claims_and_relays(org_wide: LocalLiaison) -> None:
    await file_request(org_wide, summary="Printer on fire")
    message = card(org_wide)
    result = await org_wide.slack.click(
        "U0SAM", channel=message.channel, ts=message.ts, action_id="req_claim"
    )
    assert result.payload["team"] is None and result.payload["is_enterprise_install"] is True
    await org_wide.settle()
    row = await stored(org_wide, 1)
    assert row is not None and row.assignee_id == "U0SAM"
    await reply(org_wide, "room 210")
    assert any("room 210" in m.rendered for m in card_thread(org_wide))


async def test_a_button_in_the_partners_thread_names_its_thread(either: LocalLiaison) -> None:
    await resolved_request(either)
    resolution = in_thread(either, "req_confirm_fixed")
    result = await either.slack.click(
        PAT, channel=resolution.channel, ts=resolution.ts, action_id="req_confirm_fixed"
    )
    assert result.payload["container"]["thread_ts"] == dm_root(either).ts
    await either.settle()
    row = await stored(either, 1)
    assert row is not None and row.status == "closed"


async def test_a_message_shortcut_prefills_names_not_ids(liaison: LocalLiaison) -> None:
    slack = liaison.slack
    ts = await slack.post_message("U0JORDAN", "C0ANNOUNCE", "radios dead, <@U0SAM> knows")
    await slack.message_shortcut(PAT, "request_from_message", "C0ANNOUNCE", ts)
    view = await slack.wait_for_view(PAT)
    details = next(b for b in view.blocks if b.get("block_id") == "details")
    assert details["element"]["initial_value"] == "radios dead, @SSgt Sam Okafor knows"


async def test_a_file_copy_waits_out_slack_outages_and_arrives_once(
    liaison: LocalLiaison,
) -> None:
    liaison.slack.faults.add("files.getUploadURLExternal", status=503, times=1)
    liaison.slack.faults.add("files.completeUploadExternal", status=429, retry_after=20, times=1)
    await file_request(liaison)
    await send_files(liaison, [("error.png", SCREENSHOT)], text="see attached")
    assert not [m for m in card_thread(liaison) if m.files]
    for _ in range(20):
        await liaison.advance(dt.timedelta(minutes=1))
    [copy] = [m for m in card_thread(liaison) if m.files]
    assert copy.files[0]["name"] == "error.png"
    assert await outbox_depth(liaison) == 0


async def test_a_file_gone_before_it_was_copied_fails_and_is_logged(
    liaison: LocalLiaison, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    await file_request(liaison)
    root = dm_root(liaison)
    liaison.slack.faults.add("files.getUploadURLExternal", status=503, times=1)
    await liaison.slack.share_files(
        PAT, root.channel, [("gone.png", SCREENSHOT)], thread_ts=root.ts
    )
    await liaison.settle()
    [message] = [m for m in liaison.slack.thread(root.channel, root.ts) if m.files]
    file = liaison.slack.file(str(message.files[0]["id"]))
    assert file is not None
    file.complete = False  # the partner deleted the file: its URL now answers 404
    for _ in range(20):
        await liaison.advance(dt.timedelta(minutes=1))
    assert not [m for m in card_thread(liaison) if m.files]
    assert await outbox_depth(liaison) == 0
    assert any("file_not_found" in r.getMessage() for r in caplog.records)
