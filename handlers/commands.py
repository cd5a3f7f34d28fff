"""The slash command: sub-commands answered to the asker alone, otherwise the request modal."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.runtime import Runtime
from bot.views.digest import digest_message, digest_posted
from bot.views.help import help_message, services_message
from bot.views.lists import partner_request_list, request_status, technician_queue
from bot.views.request_modal import RequestPrefill
from handlers import outages, saved_replies
from handlers.modals import open_request_modal
from handlers.parse import (
    OpenForm,
    StatsFor,
    StatusOf,
    SubCommand,
    Unknown,
    parse_command_text,
)
from handlers.replies import tell


def register(app: AsyncApp, runtime: Runtime) -> None:
    """Listen for the configured slash command."""
    command = runtime.settings.slash_command

    @app.command(command)
    @runtime.inflight.track
    async def on_request_command(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        parsed = parse_command_text(body.get("text", ""))
        if parsed is SubCommand.HELP:
            blocks, text = help_message(command)
        elif parsed is SubCommand.SERVICES:
            blocks, text = services_message(runtime.catalogue)
        elif isinstance(parsed, Unknown):
            blocks, text = help_message(command, not_understood=parsed.word)
        elif isinstance(parsed, OpenForm):
            await ack()
            await open_request_modal(
                runtime,
                client=client,
                trigger_id=body["trigger_id"],
                prefill=RequestPrefill(summary=parsed.summary),
                respond=respond,
                user=body["user_id"],
            )
            return
        elif parsed is SubCommand.REPLIES:
            await ack()
            await saved_replies.open_board(runtime, body, client=client, respond=respond)
            return
        elif parsed in outages.OUTAGE_COMMANDS:
            await ack()
            assert isinstance(parsed, SubCommand)
            await outages.run_subcommand(runtime, parsed, body=body, client=client, respond=respond)
            return
        else:
            await ack()
            await _lookup(runtime, parsed, user=body["user_id"], respond=respond)
            return
        await ack(text=text, blocks=blocks, response_type="ephemeral")


async def _lookup(
    runtime: Runtime, parsed: SubCommand | StatusOf | StatsFor, *, user: str, respond: AsyncRespond
) -> None:
    """Sub-commands that read the database answer after the ack, through response_url."""
    try:
        if parsed is SubCommand.LIST:
            blocks, text = partner_request_list(
                await runtime.partners.open_requests(user), runtime.settings.slash_command
            )
        elif parsed is SubCommand.QUEUE:
            unclaimed, mine = await runtime.partners.technician_queue(user)
            blocks, text = technician_queue(unclaimed, mine)
        elif isinstance(parsed, StatsFor) or parsed is SubCommand.DIGEST:
            await _figures(runtime, parsed, user=user, respond=respond)
            return
        else:
            assert isinstance(parsed, StatusOf)
            if parsed.number is None:
                await tell(respond, f"`{parsed.typed or '…'}` is not a request number like REQ-42.")
                return
            request, timeline = await runtime.partners.request_story(parsed.number, viewer=user)
            blocks, text = request_status(request, timeline, include_internal=True)
    except DomainError as refused:
        await tell(respond, str(refused))
        return
    await tell(respond, text, blocks=blocks)


async def _figures(
    runtime: Runtime, parsed: SubCommand | StatsFor, *, user: str, respond: AsyncRespond
) -> None:
    """`stats` answers the asker alone; `digest` posts to the supervisors (both refuse others)."""
    if isinstance(parsed, StatsFor):
        if parsed.days is None:
            await tell(respond, f"`{parsed.typed}` is not a period I know: use 7d, 30d or 90d.")
            return
        blocks, text = digest_message(await runtime.digests.stats(user, days=parsed.days))
        await tell(respond, text, blocks=blocks)
        return
    await tell(respond, digest_posted(await runtime.digests.post_now(user)))
