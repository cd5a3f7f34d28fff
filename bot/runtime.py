"""Everything a running Liaison shares: built once by `bot.app.wiring`, handed to every listener."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.catalogue import Catalogue
from bot.clock import Clock
from bot.closing.follow_ups import FollowUpDesk
from bot.closing.polls import PollDesk
from bot.delivery.outbox import OutboxDispatcher
from bot.delivery.scheduler import Scheduler
from bot.expectations.desk import Expectations
from bot.home.desk import HomeDesk
from bot.inflight import InFlight
from bot.intake.awareness import AwarenessDesk
from bot.intake.filing import IntakeService
from bot.intake.shared_fixes import FixDesk
from bot.observability.metrics import Metrics
from bot.outages.desk import OutageDesk
from bot.partners.desk import PartnerDesk
from bot.settings import Settings
from bot.supervisors.digests import DigestDesk
from bot.triage.replies import ReplyDesk
from bot.triage.work import TriageService
from bot.workspace.names import NameDirectory
from bot.workspace.privacy import ChannelPrivacy
from bot.workspace.roles import RoleDirectory
from storage.engine import Database


@dataclass
class Runtime:
    """The composition of settings, clock, catalogue, database, Slack client and services."""

    settings: Settings
    clock: Clock
    catalogue: Catalogue
    database: Database
    http: aiohttp.ClientSession
    client: AsyncWebClient
    outbox: OutboxDispatcher
    scheduler: Scheduler
    inflight: InFlight
    intake: IntakeService
    roles: RoleDirectory
    expectations: Expectations
    polls: PollDesk
    follow_ups: FollowUpDesk
    triage: TriageService
    partners: PartnerDesk
    outages: OutageDesk
    metrics: Metrics
    home: HomeDesk
    digests: DigestDesk
    names: NameDirectory
    privacy: ChannelPrivacy
    awareness: AwarenessDesk
    replies: ReplyDesk
    fixes: FixDesk

    async def close(self) -> None:
        """Release connections; call after the server and loops have stopped."""
        await self.scheduler.stop()
        await self.scheduler.resign()
        await self.outbox.stop()
        await self.http.close()
        await self.database.dispose()
