"""The composition root: builds every service once, each from what it needs, into a Runtime."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict
from zoneinfo import ZoneInfo

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.app.timers import timer_table
from bot.catalogue import Catalogue, load_catalogue
from bot.clock import Clock, SystemClock
from bot.closing.confirmation import ClosingDesk, ClosingPolicy
from bot.closing.follow_ups import FollowUpDesk
from bot.closing.polls import PollDesk, PollPolicy
from bot.delivery.outbox import DispatcherConfig, OutboxDispatcher
from bot.delivery.scheduler import Scheduler
from bot.domain.digest import DigestSchedule
from bot.domain.timers import TimerKind
from bot.expectations.desk import Expectations
from bot.home.desk import HomeDesk
from bot.home.hashes import HashingClient, HomeHashes
from bot.inflight import InFlight
from bot.intake.awareness import AFTER_FILING, AwarenessDesk
from bot.intake.filing import IntakeService
from bot.intake.shared_fixes import FixDesk
from bot.observability.metrics import Metrics
from bot.outages.bursts import BurstDesk
from bot.outages.desk import OutageDesk
from bot.partners.desk import PartnerDesk
from bot.partners.relay import ConversationRelay
from bot.runtime import Runtime
from bot.settings import DIGEST_WEEKDAYS, Settings
from bot.supervisors.digests import DigestDesk, DigestPolicy
from bot.triage.replies import ReplyDesk
from bot.triage.work import TriageService
from bot.views.text import use_fallback_zone
from bot.workspace.names import NameDirectory
from bot.workspace.privacy import ChannelPrivacy
from bot.workspace.roles import RoleDirectory
from storage.engine import Database
from storage.leader import Leadership


class Common(TypedDict):
    """What nearly every service is built with."""

    database: Database
    catalogue: Catalogue
    clock: Clock


async def build_runtime(
    settings: Settings,
    *,
    clock: Clock | None = None,
    catalogue: Catalogue | None = None,
    dispatcher_config: DispatcherConfig | None = None,
    awareness: bool = True,
) -> Runtime:
    """Build the runtime inside the running event loop (aiohttp needs one).

    Each service receives what it needs in its constructor, so it can only be built after
    the ones it names: the order below is the dependency graph, read from the bottom up.
    Hooks (a service telling others of its changes without importing them), the table of
    timers and the periodic jobs are connected in one block at the end, before anything runs;
    the scheduler refuses to start if a kind of timer was left out of the table.

    `awareness=False` exists only for the load benchmark (`benchmarks/servers.py`), which
    measures filing throughput with and without the desk's awareness after each filing, as
    issue #15 asks ("within 10 % of what it was without this feature"): no awareness timer is
    scheduled in a filing's transaction, the scheduler is not woken for one, and no partner is
    told that others report the same service. Everything else is built as in production, so
    the difference between the two measures that feature alone. No deployment sets it.
    """
    clock = clock or SystemClock()
    catalogue = catalogue or load_catalogue(settings.catalogue_file)
    use_fallback_zone(catalogue.calendar.timezone)
    database = Database(settings.database_url)
    http = aiohttp.ClientSession()
    token = settings.slack_bot_token.get_secret_value()
    client = AsyncWebClient(token=token, base_url=settings.slack_api_url, session=http)
    hashes = HomeHashes()

    # Delivery: everything a person receives leaves through the outbox; timers through the
    # scheduler, which wakes the outbox after each pass that queued something.
    metrics = Metrics(database=database, clock=clock)
    outbox = OutboxDispatcher(
        database=database,
        client=HashingClient(
            hashes=hashes, token=token, base_url=settings.slack_api_url, session=http
        ),
        clock=clock,
        config=dispatcher_config
        or DispatcherConfig(lease=dt.timedelta(seconds=settings.outbox_lease_seconds)),
        on_outcome=metrics.on_send,
    )
    scheduler = Scheduler(
        database=database,
        clock=clock,
        committed=outbox.wake,
        leadership=Leadership(database.read_engine, is_sqlite=database.is_sqlite),
        kinds=TimerKind,
    )
    sent = outbox.wake  # every service wakes the outbox after a commit that queued messages
    common = Common(database=database, catalogue=catalogue, clock=clock)  # every service's

    # Facts asked of Slack, cached.
    roles = RoleDirectory(client=client, settings=settings, catalogue=catalogue, clock=clock)
    names = NameDirectory(client=client, clock=clock)
    privacy = channel_privacy(settings, catalogue, http=http, clock=clock)

    # The slices, in the order of the layers from the bottom up: each names only earlier ones.
    expectations = Expectations(
        **common,
        warning_lead=settings.breach_warning_lead,
        nudge_lead=dt.timedelta(minutes=settings.promise_nudge_minutes),
        committed=sent,
        supervisor_channel=settings.supervisor_channel,
        supervisors=settings.supervisors,
    )
    policy = poll_policy(settings, catalogue)
    polls = PollDesk(**common, roles=roles, policy=policy, committed=sent)
    follow_ups = FollowUpDesk(**common, roles=roles, policy=policy, polls=polls, committed=sent)
    closing = ClosingDesk(
        catalogue=catalogue,
        policy=ClosingPolicy(
            auto_close_days=settings.auto_close_days, reopen_days=settings.reopen_window_days
        ),
        polls=polls,
    )
    triage = TriageService(
        **common,
        privacy=privacy,
        roles=roles,
        expectations=expectations,
        closing=closing,
        committed=sent,
    )
    fixes = FixDesk(**common)
    relay = ConversationRelay(
        **common,
        names=names,
        max_file_bytes=settings.file_relay_max_mb * 1024 * 1024,
        committed=sent,
    )
    partners = PartnerDesk(**common, roles=roles, relay=relay, names=names, committed=sent)
    outages = OutageDesk(
        **common,
        roles=roles,
        triage=triage,
        announcements_channel=settings.announcements_channel or settings.triage_channel,
        committed=sent,
        scheduled=scheduler.wake,
        supervisor_channel=settings.supervisor_channel,
        supervisors=settings.supervisors,
        nudge_lead=dt.timedelta(minutes=settings.promise_nudge_minutes),
    )
    bursts = BurstDesk(
        **common, outages=outages, default_triage_channel=settings.triage_channel, committed=sent
    )
    awareness_desk = AwarenessDesk(catalogue=catalogue, bursts=bursts, fixes=fixes)
    intake = IntakeService(
        **common,
        default_triage_channel=settings.triage_channel,
        committed=(lambda: _wake_both(outbox, scheduler)) if awareness else outbox.wake,
        others_reporting=bursts.others_reporting if awareness else None,
    )
    digests = DigestDesk(
        **common,
        roles=roles,
        schedule=digest_schedule(settings, catalogue),
        policy=DigestPolicy(
            supervisor_channel=settings.supervisor_channel,
            supervisors=settings.supervisors,
            direct_messages=settings.digest_dm,
            command=settings.slash_command,
        ),
        committed=sent,
    )
    home = HomeDesk(
        **common,
        roles=roles,
        outages=outages,
        command=settings.slash_command,
        committed=sent,
        hashes=hashes,
    )

    # Who hears of whose changes: the only calls made on a service after it was built.
    intake.sets_timers(expectations.opening_timers)  # the clocks and the first promise
    if awareness:
        intake.sets_timers(awareness_desk.timers_for)  # related requests and bursts, after it
    intake.on_filed(outages.on_filed)  # a link to an outage under way
    outages.on_declared(bursts.on_declared)  # a suspected outage settles, its reports linked
    polls.on_answers(follow_ups.on_answers)  # a low score raises a follow-up
    fixes.register(triage)  # a resolution shared becomes a fix; a reopening retires it
    scheduler.handle(
        timer_table(
            awareness=awareness_desk,
            expectations=expectations,
            closing=closing,
            triage=triage,
            polls=polls,
            follow_ups=follow_ups,
            outages=outages,
        )
    )
    scheduler.every_pass(digests.run_due, next_due=digests.next_due)
    scheduler.every_pass(home.refresh_stale)
    scheduler.every_pass(home.watch_queue)  # at most once a minute, it says itself
    scheduler.check()

    return Runtime(
        settings=settings,
        clock=clock,
        catalogue=catalogue,
        database=database,
        http=http,
        client=client,
        outbox=outbox,
        scheduler=scheduler,
        inflight=InFlight(),
        intake=intake,
        roles=roles,
        expectations=expectations,
        polls=polls,
        follow_ups=follow_ups,
        triage=triage,
        partners=partners,
        outages=outages,
        metrics=metrics,
        digests=digests,
        home=home,
        names=names,
        privacy=privacy,
        awareness=awareness_desk,
        replies=ReplyDesk(
            database=database, catalogue=catalogue, clock=clock, roles=roles, triage=triage
        ),
        fixes=fixes,
    )


def channel_privacy(
    settings: Settings,
    catalogue: Catalogue,
    *,
    http: aiohttp.ClientSession,
    clock: Clock | None = None,
) -> ChannelPrivacy:
    """The check that triage and supervisors' channels are private (also for check-config)."""
    client = AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        session=http,
        timeout=10,
    )
    channels = {settings.triage_channel, settings.supervisor_channel}
    channels.update(s.triage_channel for s in catalogue.services if s.triage_channel)
    return ChannelPrivacy(
        client=client,
        clock=clock or SystemClock(),
        channels=frozenset(c for c in channels if c),
        allow_public=settings.allow_public_internal_notes,
    )


def _wake_both(outbox: OutboxDispatcher, scheduler: Scheduler) -> None:
    """After a filing: its messages go out now; its after-filing timers, due AFTER_FILING from
    now, fire then together with those of every other filing in that time, so a busy minute
    costs a scheduler pass every AFTER_FILING rather than one per filing. The scheduler may be
    asleep for longer: it is asked to look by then."""
    outbox.wake()
    scheduler.wake_by(AFTER_FILING.total_seconds())


def digest_schedule(settings: Settings, catalogue: Catalogue) -> DigestSchedule | None:
    """When digests fall due, in the catalogue calendar's zone unless DIGEST_TIMEZONE says."""
    if settings.digest_time is None:
        return None
    calendar = catalogue.calendar
    day = settings.weekly_digest_day
    return DigestSchedule(
        at=settings.digest_time,
        zone=ZoneInfo(settings.digest_timezone) if settings.digest_timezone else calendar.timezone,
        calendar=calendar,
        weekly_day=DIGEST_WEEKDAYS.index(day) if day else None,
    )


def poll_policy(settings: Settings, catalogue: Catalogue) -> PollPolicy:
    """The poll settings in one place (the A-11 items name each request's service)."""
    return PollPolicy(
        expiry=dt.timedelta(days=settings.poll_expiry_days),
        cooldown=dt.timedelta(days=settings.poll_cooldown_days),
        sample_rate=settings.poll_sample_rate,
        a11=settings.trust_statement,
        kudos=settings.kudos,
        follow_up_days=settings.follow_up_days,
        supervisor_channel=settings.supervisor_channel,
        supervisors=settings.supervisors,
    )
