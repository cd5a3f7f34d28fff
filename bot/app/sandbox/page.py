"""The sandbox page: a Slack-like window drawn from what the simulator holds for one person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot.app.local import Person
from bot.app.sandbox.blocks import FormContext, home_html, message_html, modal_html
from bot.app.sandbox.markup import Names
from bot.app.sandbox.session import Sandbox
from bot.app.sandbox.surface import hidden
from simulator import SimMessage

HOME, DM = "home", "dm"
ROLE_HINTS = {
    "partner": "Type <code>/request</code> and what you need, in your DM with Liaison. "
    "Liaison writes back here: your number, the priority and when to expect what.",
    "technician": "New requests arrive as cards in #triage. Claim one, post an update, message "
    "the partner, resolve it. Each card's thread is the request's history. When three partners "
    "report one service within minutes (try Phones as Pat, Jordan and Casey), a suspected-outage "
    "alert appears there too: <b>Declare outage…</b> opens the form already filled in. "
    "<b>⋯</b> on a message lists Liaison's message shortcuts: <b>Save as reply</b> keeps its "
    "words for Message partner…, Update… and Resolve….",
    "supervisor": "Digests, low poll scores and breaches arrive in #supervisors; "
    "your App Home shows the queue. Skip ahead a day to see the daily digest.",
}


@dataclass(frozen=True)
class Where:
    """What the person is looking at: who they are, which conversation, which thread."""

    actor: str
    place: str = DM  # "home", "dm", or a channel id
    thread: str | None = None

    def url(self, **changes: str | None) -> str:
        """The page address for this place, with some parts changed."""
        parts = {"as": self.actor, "in": self.place, "thread": self.thread, **changes}
        return "/?" + urlencode({k: v for k, v in parts.items() if v})


def render_page(sandbox: Sandbox, where: Where, *, token: str) -> str:
    """The whole page for one person."""
    person = sandbox.person(where.actor)
    assert person is not None
    names = _names(sandbox)
    form = FormContext(actor=person.id, token=token)
    users = [(p.id, f"{p.real_name} (@{p.name})") for p in sandbox.people]
    main = _main(sandbox, where, names, form, users)
    thread = _thread(sandbox, where, names, form, users) if where.thread else ""
    modal = _modal(sandbox, person, names, form, users)
    notices = "".join(
        f'<div class="notice" role="status">{escape(n)}</div>'
        for n in sandbox.take_notices(person.id)
    )
    title = f"{escape(person.real_name)} · Liaison sandbox"
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{title}</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<link rel='icon' href='data:,'><link rel='stylesheet' href='/static/sandbox.css'>"
        "<script src='/static/sandbox.js' defer></script></head>"
        f"<body data-changes='{sandbox.changes}'>"
        f"{_top_bar(sandbox, where, person, token)}"
        f"<div class='layout{' with-thread' if thread else ''}'>"
        f"{_sidebar(sandbox, where, person, token)}"
        f"<main class='pane' aria-label='conversation'>{notices}{main}</main>{thread}</div>"
        f"{modal}</body></html>"
    )


def _names(sandbox: Sandbox) -> Names:
    slack = sandbox.slack
    zone = sandbox.liaison.runtime.catalogue.calendar.timezone
    channels = {c.id: c.name for p in sandbox.people for c in slack.channels_of(p.id)}
    return Names(
        users={u.id: u.name for u in slack.users()},
        channels=channels,
        tz=str(zone),
        now=sandbox.liaison.clock.timestamp(),
    )


def _top_bar(sandbox: Sandbox, where: Where, person: Person, token: str) -> str:
    zone = sandbox.liaison.runtime.catalogue.calendar.timezone
    now = sandbox.liaison.clock.now().astimezone(zone)
    moment = f"{now:%A %d %B %Y, %H:%M} {now.tzname()}"
    choices = "".join(
        f"<option value='{escape(p.id)}'{' selected' if p.id == person.id else ''}>"
        f"{escape(p.real_name)} ({escape(p.role)})</option>"
        for p in sandbox.people
    )
    skips = "".join(
        f"<button type='submit' name='by' value='{key}'>{label}</button>"
        for key, label in (("15m", "+15 min"), ("1h", "+1 hour"), ("1d", "+1 day"))
    )
    return (
        "<header class='topbar'><strong class='brand'>Liaison sandbox</strong>"
        f"<span class='clock' data-testid='clock'>Simulated time: {escape(moment)}</span>"
        "<form method='post' action='/skip' class='skip'>"
        f"<input type='hidden' name='token' value='{escape(token)}'>"
        f"<input type='hidden' name='as' value='{escape(person.id)}'>"
        f"<span>Skip ahead</span>{skips}</form>"
        "<form method='get' action='/' class='identity'>"
        "<label for='as'>You are</label>"
        f"<select id='as' name='as' data-autosubmit>{choices}</select>"
        "<noscript><button>Switch</button></noscript></form></header>"
    )


def _sidebar(sandbox: Sandbox, where: Where, person: Person, token: str) -> str:
    def link(place: str, label: str) -> str:
        current = " aria-current='page'" if where.place == place else ""
        href = escape(where.url(**{"in": place, "thread": None}))
        return f"<li><a href='{href}'{current}>{label}</a></li>"

    channels = "".join(
        link(c.id, f"# {escape(c.name)}") for c in sandbox.slack.channels_of(person.id)
    )
    home_current = " aria-current='page'" if where.place == HOME else ""
    return (
        "<nav class='sidebar' aria-label='workspace'>"
        "<h2>Liaison</h2><ul>"
        "<li><form method='post' action='/home'>"
        f"<input type='hidden' name='token' value='{escape(token)}'>"
        f"<input type='hidden' name='as' value='{escape(person.id)}'>"
        f"<button type='submit' class='linklike'{home_current}>Home</button></form></li>"
        f"{link(DM, 'Messages')}</ul>"
        f"<h2>Channels</h2><ul>{channels or '<li class=muted>none</li>'}</ul>"
        f"<p class='hint'>{ROLE_HINTS[person.role]}</p></nav>"
    )


def _main(
    sandbox: Sandbox, where: Where, names: Names, form: FormContext, users: list[tuple[str, str]]
) -> str:
    slack = sandbox.slack
    if where.place == HOME:
        home = slack.home(where.actor)
        if home is None:
            return "<h1>Home</h1><p class='muted'>Liaison has not published a Home tab yet.</p>"
        body = home_html(home.definition, names=names, form=form, users=users)
        return f"<h1>Home</h1><section class='home'>{body}</section>"
    if where.place == DM:
        channel = slack.dm_channel(where.actor)
        heading, target = "Liaison", slack.bot_user_id
        hint = "Message Liaison, or type /request and what you need"
    else:
        channel = target = where.place
        name = names.channels.get(where.place, where.place)
        heading, hint = f"# {name}", f"Message #{name}"
    messages = slack.messages(channel) if channel else []
    ephemeral = slack.ephemerals(where.actor, channel) if channel else []
    shown = sorted([*messages, *ephemeral], key=lambda m: float(m.ts))
    items = "".join(_message(sandbox, m, where, names, form, users) for m in shown)
    empty = "<li class='muted'>No messages yet.</li>"
    return (
        f"<h1>{escape(heading)}</h1><ol class='messages'>{items or empty}</ol>"
        f"{_composer(where, target, None, hint, form)}"
    )


def _thread(
    sandbox: Sandbox, where: Where, names: Names, form: FormContext, users: list[tuple[str, str]]
) -> str:
    assert where.thread is not None
    slack = sandbox.slack
    channel = slack.dm_channel(where.actor) if where.place == DM else where.place
    messages = slack.thread(channel, where.thread) if channel else []
    if not messages:
        return ""
    items = "".join(
        _message(sandbox, m, where, names, form, users, in_thread=True) for m in messages
    )
    target = slack.bot_user_id if where.place == DM else where.place
    close = escape(where.url(thread=None))
    return (
        "<aside class='pane thread' aria-label='thread'>"
        f"<h2>Thread <a class='close' href='{close}' aria-label='close thread'>×</a></h2>"
        f"<ol class='messages'>{items}</ol>"
        f"{_composer(where, target, where.thread, 'Reply…', form)}</aside>"
    )


def _message(
    sandbox: Sandbox,
    message: SimMessage,
    where: Where,
    names: Names,
    form: FormContext,
    users: list[tuple[str, str]],
    *,
    in_thread: bool = False,
) -> str:
    slack = sandbox.slack
    author = slack.bot_user_id if message.bot_id else (message.user or "")
    who = sandbox.person(author)
    name = who.real_name if who else "Liaison"
    badge = "" if who else "<span class='badge'>APP</span>"
    when = _local_time(sandbox, message.ts)
    edited = " <span class='muted'>(edited)</span>" if message.edits else ""
    only_you = "<div class='ephemeral'>Only visible to you</div>" if message.ephemeral_to else ""
    body = message_html(
        message.text,
        message.blocks,
        message.attachments,
        names=names,
        form=form,
        channel=message.channel,
        ts=message.ts,
        users=users,
    )
    replies = ""
    if not in_thread and message.thread_ts == message.ts:
        count = len(slack.thread(message.channel, message.ts)) - 1
        label = f"{count} repl{'y' if count == 1 else 'ies'}"
        replies = f"<a class='replies' href='{escape(where.url(thread=message.ts))}'>{label}</a>"
    # Slack offers no message shortcuts on a message only one person can see.
    more = "" if message.ephemeral_to else _more_actions(sandbox, message, form)
    return (
        f"<li class='message' data-ts='{escape(message.ts)}'>{only_you}"
        f"<div class='meta'><span class='author'>{escape(name)}</span>{badge}"
        f" <time>{escape(when)}</time>{edited}{more}</div>"
        f"<div class='body'>{body}</div>{replies}</li>"
    )


def _more_actions(sandbox: Sandbox, message: SimMessage, form: FormContext) -> str:
    """Slack's "More actions" menu on a message: the app's message shortcuts, one form each."""
    shortcuts = sandbox.slack.message_shortcuts()
    if not shortcuts:
        return ""
    items = "".join(
        "<li><form method='post' action='/act/shortcut'>"
        f"{hidden('token', form.token)}{hidden('as', form.actor)}"
        f"{hidden('channel', message.channel)}{hidden('ts', message.ts)}"
        f"{hidden('callback_id', shortcut.callback_id)}"
        f"<button type='submit'>{escape(shortcut.name)}</button></form></li>"
        for shortcut in shortcuts
    )
    return (
        "<details class='more'><summary aria-label='More actions' title='More actions'>⋯"
        f"</summary><ul class='menu' aria-label='Message shortcuts'>{items}</ul></details>"
    )


def _composer(
    where: Where, target: str, thread_ts: str | None, hint: str, form: FormContext
) -> str:
    thread = f"<input type='hidden' name='thread' value='{escape(thread_ts)}'>" if thread_ts else ""
    return (
        "<form method='post' action='/say' class='composer'>"
        f"<input type='hidden' name='token' value='{escape(form.token)}'>"
        f"<input type='hidden' name='as' value='{escape(where.actor)}'>"
        f"<input type='hidden' name='channel' value='{escape(target)}'>{thread}"
        f"<input type='text' name='text' autocomplete='off' aria-label='{escape(hint)}' "
        f"placeholder='{escape(hint)}'><button type='submit'>Send</button></form>"
    )


def _modal(
    sandbox: Sandbox,
    person: Person,
    names: Names,
    form: FormContext,
    users: list[tuple[str, str]],
) -> str:
    view = sandbox.slack.open_view(person.id)
    if view is None:
        return ""
    errors = sandbox.modal_errors.get(person.id, {})
    body = modal_html(
        view.id, view.definition, view.state, names=names, form=form, errors=errors, users=users
    )
    return f"<div class='overlay' role='dialog' aria-modal='true'>{body}</div>"


def _local_time(sandbox: Sandbox, ts: str) -> str:
    zone: ZoneInfo = sandbox.liaison.runtime.catalogue.calendar.timezone
    moment = dt.datetime.fromtimestamp(float(ts), zone)
    return f"{moment:%a %d %b, %H:%M}"
