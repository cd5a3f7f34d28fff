"""What Slack itself says to the app: rate-limit notices, revoked tokens, uninstalls, system
messages with a subtype, and redeliveries of an event already sent.

Shapes follow Slack's event reference: `app_rate_limited` is a top-level type with no inner
event; `tokens_revoked` and `app_uninstalled` are ordinary event_callback events.
"""

from __future__ import annotations

from simulator import payloads
from simulator.acting import ActorBase
from simulator.elements import JsonDict
from simulator.results import Delivery, EventResult
from simulator.workspace import SimulatorError

# Who Slack names as the author of an ekm_access_denied message, and what it says.
EKM_USER = "UREVOKED"
EKM_TEXT = "Your admins have suspended everyone's access to this content."


class SlackNotices(ActorBase):
    """Slack's own notices about the app, sent as Slack sends them."""

    async def rate_limit_events(self, *, minute_rate_limited: int | None = None) -> Delivery:
        """Tell the app Slack is dropping its events (more than 30,000 an hour)."""
        ctx = self._ctx
        minute = minute_rate_limited or int(ctx.clock()) // 60 * 60
        return await self._send("events_api", payloads.app_rate_limited(ctx.config, minute))

    async def revoke_tokens(self) -> EventResult:
        """Revoke the bot token: every later Web API call is answered `token_revoked`."""
        ctx = self._ctx
        ctx.faults.add("*", error="token_revoked", times=None)
        event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [ctx.config.bot_user_id]}}
        return await ctx.deliverer.event(event)

    async def uninstall(self) -> EventResult:
        """Remove the app: Slack sends app_uninstalled, and the token stops working."""
        ctx = self._ctx
        ctx.faults.add("*", error="account_inactive", times=None)
        return await ctx.deliverer.event({"type": "app_uninstalled"})

    async def system_message(
        self, user_id: str, *, subtype: str, text: str = "", extra: JsonDict | None = None
    ) -> EventResult:
        """A message with a subtype in the person's DM with the app (e.g. ekm_access_denied)."""
        ctx = self._ctx
        dm = ctx.workspace.open_dm(user_id)[0]
        ts = ctx.workspace.ts.next()
        event: JsonDict = {
            "type": "message",
            "subtype": subtype,
            "text": text,
            "ts": ts,
            "channel": dm.id,
            "event_ts": ts,
            "channel_type": "im",
        }
        if subtype == "ekm_access_denied":
            event.update(user=EKM_USER, text=text or EKM_TEXT)
        elif subtype != "bot_message":
            event["user"] = user_id
        event.update(extra or {})
        return await ctx.deliverer.event(event)

    async def deliver_payload(self, kind: str, payload: JsonDict) -> Delivery:
        """Send a payload exactly as given (events_api, slash_commands or interactive).

        Over HTTP it is encoded and signed as Slack does; over Socket Mode it is the envelope's
        payload. For payloads no person could produce, such as a field of the wrong type.
        """
        return await self._send(kind, payload)

    async def redeliver(
        self, first: EventResult, *, retry_num: int = 1, retry_reason: str = "http_timeout"
    ) -> EventResult:
        """Send an event again with the same event_id, as Slack's retries do."""
        if first.envelope is None:
            raise SimulatorError("that event was never sent, so it cannot be sent again")
        return await self._ctx.deliverer.event(
            dict(first.envelope), retry_num=retry_num, retry_reason=retry_reason
        )
