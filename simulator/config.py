"""Identity and behaviour knobs of one simulated workspace and its installed app."""

from __future__ import annotations

from dataclasses import dataclass

# Scopes of Liaison's manifest (docs/slack-platform.md section 10); auth.test reports them.
DEFAULT_SCOPES = (
    "commands,chat:write,chat:write.public,im:write,im:history,app_mentions:read,"
    "channels:history,groups:history,channels:read,groups:read,users:read,usergroups:read,"
    "files:read,files:write"
)


@dataclass(frozen=True)
class Shortcut:
    """A message shortcut as the app's manifest declares it: the name people see, and its id."""

    name: str
    callback_id: str


@dataclass(frozen=True, kw_only=True)
class SimConfig:
    """Everything that makes one fake workspace differ from another; fixed for its lifetime."""

    signing_secret: str
    bot_token: str = "xoxb-sim-bot"
    app_token: str = "xapp-sim-app"
    team_id: str = "T0LIAISON"
    team_domain: str = "liaison-sim"
    team_name: str = "Liaison Simulator"
    app_id: str = "A0LIAISON"
    bot_user_id: str = "U0BOT"
    bot_id: str = "B0BOT"
    bot_name: str = "liaison"
    verification_token: str = "sim-verification-token"
    scopes: str = DEFAULT_SCOPES
    # An org-wide install on Enterprise Grid: interactions carry `team: null` and the
    # enterprise, events and commands say is_enterprise_install.
    org_install: bool = False
    enterprise_id: str = "E0LIAISON"
    enterprise_name: str = "Liaison Grid"
    home_enabled: bool = True
    echo_bot_messages: bool = True
    # None delivers every event; otherwise manifest names such as "message.im", "app_mention".
    bot_events: frozenset[str] | None = None
    # The manifest's message shortcuts, listed in each message's "More actions" menu. Empty:
    # none declared, and any callback_id may be run (tests that build payloads by hand).
    message_shortcuts: tuple[Shortcut, ...] = ()
    # Real seconds: Slack's 3-second rule for acks, HTTP answers and Socket Mode envelopes.
    ack_timeout: float = 3.0
    # Real seconds to wait for a Socket Mode client before a delivery fails.
    connect_timeout: float = 5.0
    # Slack retries a failed event 3 times (at once, +1 min, +5 min); the gaps are compressed
    # to these real-second delays so tests stay fast.
    event_retry_delays: tuple[float, ...] = (0.0, 0.0, 0.0)
    # Time zone used by SimMessage.rendered for <!date^...> tokens.
    render_tz: str = "UTC"
