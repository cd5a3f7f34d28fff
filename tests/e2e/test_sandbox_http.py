"""The sandbox's web server: loopback only, forms from elsewhere refused, clear CLI errors."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.app.cli import main
from bot.app.sandbox.cli import running_sandbox
from bot.app.sandbox.server import SandboxServer
from tests.browser.conftest import START
from tests.e2e import forms

pytestmark = pytest.mark.e2e
PAT, SAM = "U0PAT", "U0SAM"
REPLIES = r"\d+ repl(?:y|ies)"


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[SandboxServer]:
    async with running_sandbox(database_dir=tmp_path / "db", start=START, port=0) as server:
        yield server


async def page_token(http: aiohttp.ClientSession, server: SandboxServer) -> str:
    async with http.get(server.url, params={"as": PAT}) as answer:
        found = re.search(r'name=.token. value=.([^"\']+)', await answer.text())
    assert found is not None
    return found.group(1)


async def test_the_page_is_served_with_a_strict_content_policy(sandbox: SandboxServer) -> None:
    async with aiohttp.ClientSession() as http, http.get(sandbox.url) as answer:
        assert answer.status == 200
        assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert "Capt Pat Rivera" in await answer.text()


async def test_a_form_without_the_pages_token_changes_nothing(sandbox: SandboxServer) -> None:
    form = {"as": PAT, "channel": sandbox.sandbox.slack.bot_user_id, "text": "/request VPN is down"}
    async with aiohttp.ClientSession() as http:
        async with http.post(sandbox.url + "say", data=form, allow_redirects=False) as answer:
            assert answer.status == 403
        forged = {**form, "token": "guessed"}
        async with http.post(sandbox.url + "say", data=forged, allow_redirects=False) as answer:
            assert answer.status == 403
    assert sandbox.sandbox.slack.open_view(PAT) is None
    assert sandbox.sandbox.slack.calls_to("views.open") == []


async def test_another_host_name_is_refused_against_dns_rebinding(
    sandbox: SandboxServer,
) -> None:
    async with aiohttp.ClientSession() as http:
        token = await page_token(http, sandbox)
        form = {"token": token, "as": PAT, "channel": "U0BOT", "text": "/request VPN is down"}
        headers = {"Host": f"attacker.example:{sandbox.port}"}
        async with http.post(
            sandbox.url + "say", data=form, headers=headers, allow_redirects=False
        ) as answer:
            assert answer.status == 421
        async with http.post(sandbox.url + "say", data=form, allow_redirects=False) as answer:
            assert answer.status == 303
    assert sandbox.sandbox.slack.open_view(PAT) is not None, "the real page's form works"


async def test_a_message_to_liaison_gets_the_offer_to_file_it(sandbox: SandboxServer) -> None:
    async with aiohttp.ClientSession() as http:
        token = await page_token(http, sandbox)
        form = {"token": token, "as": PAT, "channel": "U0BOT", "text": "printer is jammed"}
        async with http.post(sandbox.url + "say", data=form) as answer:
            page = await answer.text()
    assert "printer is jammed" in page
    assert "File this" in page


async def test_more_actions_on_a_message_runs_the_apps_shortcuts_and_no_others(
    sandbox: SandboxServer,
) -> None:
    async with aiohttp.ClientSession() as http:
        token = await page_token(http, sandbox)
        said = {"token": token, "as": PAT, "channel": "U0BOT", "text": "Printer on floor 2 jams"}
        async with http.post(sandbox.url + "say", data=said) as answer:
            page = await answer.text()
        menus = [f for f in forms.forms_of(page) if f.action == "/act/shortcut"]
        assert {b.label for f in menus for b in f.buttons} == {"File a request", "Save as reply"}
        form = await forms.press(http, sandbox.url, page, "File a request")
        assert "New request" in form and "Printer on floor 2 jams" in form, "prefilled from it"

        forged = dict(menus[0].fields) | {"callback_id": "delete_everything"}
        async with http.post(sandbox.url + "act/shortcut", data=forged) as answer:
            page = await answer.text()
    assert "has no message shortcut" in html.unescape(page)
    assert len(sandbox.sandbox.slack.calls_to("views.open")) == 1, "only the real one opened"


async def test_a_command_the_workspace_lacks_is_answered_where_it_was_typed(
    sandbox: SandboxServer,
) -> None:
    async with aiohttp.ClientSession() as http:
        token = await page_token(http, sandbox)
        form = {"token": token, "as": PAT, "channel": "U0BOT", "text": "/giphy cats"}
        async with http.post(sandbox.url + "say", data=form) as answer:
            page = await answer.text()
    assert "/giphy is not a command in this workspace; try /request" in page
    assert sandbox.sandbox.slack.calls_to("views.open") == []


def test_it_listens_on_loopback_port_8080_unless_asked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["sandbox", "--help"])
    shown = capsys.readouterr().out
    assert "address to listen on (loopback)" in shown and "(8080)" in shown
    assert SandboxServer.__init__.__kwdefaults__ == {"host": "127.0.0.1", "port": 8080}


def test_a_start_time_without_an_offset_is_refused_by_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["sandbox", "--start", "2026-11-23T09:00"])
    assert stopped.value.code == 2
    assert "--start: '2026-11-23T09:00' needs an offset" in capsys.readouterr().err


def test_it_will_not_reuse_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "liaison.db").write_bytes(b"")
    assert main(["sandbox", "--keep-dir", str(tmp_path), "--port", "0"]) == 1
    assert "already exists; a fresh database is needed" in capsys.readouterr().err


async def test_three_reports_on_one_service_show_a_newcomer_the_suspected_outage(
    sandbox: SandboxServer,
) -> None:
    async with aiohttp.ClientSession() as http:
        for user, words in (
            (PAT, "Desk phone has no dial tone"),
            ("U0JORDAN", "No dial tone on the DSN line"),
            ("U0CASEY", "Hangar handsets are dead"),
        ):
            page = await page_of(http, sandbox, user)
            page = await forms.press(http, sandbox.url, page, "Send", {"text": f"/request {words}"})
            filled = {"in:service:service_select": "phones", "in:impact:impact_radio": "degraded"}
            page = await forms.press(http, sandbox.url, page, "Submit", filled)
            assert "is filed" in page
        thread = await follow(http, sandbox, page, REPLIES)
        assert "technicians have been alerted" in thread, "the third partner is told"

        triage = await page_of(http, sandbox, SAM, "C0TRIAGE")
        assert "Suspected outage: Phones (voice, DSN, VoIP)" in triage
        form = await forms.press(http, sandbox.url, triage, "Declare outage…")
        assert "Partners report: Desk phone has no dial tone" in form, "prefilled from the reports"
        await forms.press(http, sandbox.url, form, "Declare")

        triage = await page_of(http, sandbox, SAM, "C0TRIAGE")
        assert "Declared as OUT-1 by" in triage and "OUT-1</b> is declared" in triage
        assert not any(
            b.label == "Declare outage…" for f in forms.forms_of(triage) for b in f.buttons
        )
        dm = await page_of(http, sandbox, PAT)
        assert "Outage: Phones (voice, DSN, VoIP)" in dm
        thread = await follow(http, sandbox, dm, REPLIES)
        assert "linked your request" in thread, "told in the request's own thread"


async def page_of(
    http: aiohttp.ClientSession, server: SandboxServer, user: str, place: str = ""
) -> str:
    """The page as `user` sees it, in their DM or in a channel."""
    params = {"as": user, **({"in": place} if place else {})}
    async with http.get(server.url, params=params) as answer:
        return await answer.text()


async def follow(http: aiohttp.ClientSession, server: SandboxServer, page: str, label: str) -> str:
    """Follow the first link on the page whose text matches `label` (a thread's replies)."""
    links = re.findall(rf"<a [^>]*href='([^']+)'[^>]*>{label}</a>", page)
    assert links, f"no link {label!r} on the page"
    async with http.get(server.url.rstrip("/") + html.unescape(links[0])) as answer:
        return await answer.text()
