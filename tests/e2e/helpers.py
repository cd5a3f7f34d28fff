"""Steps a person takes in the simulated workspace, shared by the end-to-end tests."""

from __future__ import annotations

from bot.app.local import LocalLiaison
from storage import outbox, requests
from storage.models import Request

PAT = "U0PAT"


def initial_value(blocks: list[dict[str, object]], block_id: str) -> object:
    """What an input block shows before the partner types anything."""
    [block] = [b for b in blocks if b.get("block_id") == block_id]
    element = block["element"]
    assert isinstance(element, dict)
    return element.get("initial_value")


async def open_form(liaison: LocalLiaison, user: str = PAT, text: str = "") -> None:
    """Run /request and wait for the modal."""
    result = await liaison.slack.command(user, "/request", text)
    assert result.ok, result.error
    await liaison.slack.wait_for_view(user)


async def file_request(liaison: LocalLiaison, user: str = PAT, **values: object) -> None:
    """Open the form, fill it in, submit it and let Liaison finish."""
    await open_form(liaison, user)
    answers: dict[str, object] = {"service": "network", "impact": "stopped", "summary": "VPN down"}
    answers.update(values)
    submitted = await liaison.slack.submit_view(user, answers)
    assert submitted.ok and submitted.closed, submitted.errors
    await liaison.settle()


async def stored(liaison: LocalLiaison, number: int) -> Request | None:
    """The request row as it is in the database now."""
    async with liaison.runtime.database.reading() as session:
        return await requests.get_request(session, number=number)


async def outbox_depth(liaison: LocalLiaison) -> int:
    """How many messages Liaison still owes."""
    async with liaison.runtime.database.reading() as session:
        count, _ = await outbox.depth(session)
    return count
