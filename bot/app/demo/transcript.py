"""What each person saw during the demo, in order, as terminal text or a self-contained page."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from bot.app.local import LocalLiaison
from simulator.model import SimMessage

Kind = Literal["step", "post", "edit"]
_REF = re.compile(r"\b(?:REQ|OUT)-\d+\b")


@dataclass(frozen=True)
class Entry:
    """One thing that happened: a scripted step, a message someone saw, or a message changed."""

    at: dt.datetime
    kind: Kind
    where: str = ""
    seen_by: tuple[str, ...] = ()
    author: str = ""
    text: str = ""


class Transcript:
    """Records, step by step, every message the simulator shows, so edits appear when they happen.

    Call `step()` as the script moves on; it first records everything that appeared or changed
    since the previous call, so each step's consequences follow it in the order they were posted.
    """

    def __init__(self, liaison: LocalLiaison, tz: ZoneInfo) -> None:
        """Watch `liaison`'s simulated workspace; show times and dates in the shop's zone `tz`."""
        self._liaison = liaison
        self._tz = tz
        self._versions: dict[tuple[str, str, str], int] = {}
        self.entries: list[Entry] = []

    def step(self, caption: str) -> None:
        """Record what the previous step caused, then the caption of the next step."""
        self.flush()
        self.entries.append(Entry(self._local(self._liaison.clock.now()), "step", text=caption))

    def flush(self) -> None:
        """Record every message that is new or was edited since the last look, oldest first."""
        found: list[tuple[tuple[int, int, int], Entry]] = []
        for message, where in self._visible():
            key = (message.channel, message.ts, message.ephemeral_to or "")
            seen = self._versions.get(key)
            self._versions[key] = len(message.edits)
            if seen is None:
                found.append((_ts_key(message.ts), self._entry(message, where, "post")))
            elif seen < len(message.edits):
                when = int(message.edits[-1].replaced_at)
                found.append(((when, 1_000_000, len(found)), self._entry(message, where, "edit")))
        self.entries.extend(entry for _, entry in sorted(found, key=lambda pair: pair[0]))

    # -- what the workspace shows -------------------------------------------------------------
    def _visible(self) -> list[tuple[SimMessage, str]]:
        slack, workspace = self._liaison.slack, self._liaison.workspace
        shown: list[tuple[SimMessage, str]] = []
        channels = {
            workspace.triage_channel: "#triage",
            workspace.supervisor_channel: "#supervisors",
            workspace.announcements_channel: "#announcements",
        }
        for person in workspace.people:
            dm = slack.dm_channel(person.id)
            if dm:
                channels[dm] = "DM with Liaison"
        for channel, label in channels.items():
            for root in slack.messages(channel):
                shown.append((root, label))
                for reply in slack.thread(channel, root.ts)[1:]:
                    shown.append((reply, f"{label}, thread of {_ref(root)}"))
        for person in workspace.people:
            for ephemeral in slack.ephemerals(person.id):
                place = channels.get(ephemeral.channel, "DM with Liaison")
                shown.append((ephemeral, f"{place} (only they can see it)"))
        return shown

    def _entry(self, message: SimMessage, where: str, kind: Kind) -> Entry:
        moment = (
            message.edits[-1].replaced_at if kind == "edit" else float(message.ts.split(".")[0])
        )
        return Entry(
            at=self._local(dt.datetime.fromtimestamp(moment, dt.UTC)),
            kind=kind,
            where=where,
            seen_by=self._audience(message),
            author=self._name(message.user) if message.bot_id is None else "Liaison",
            text=message.render(tz=self._tz.key),
        )

    def _audience(self, message: SimMessage) -> tuple[str, ...]:
        if message.ephemeral_to:
            return (self._name(message.ephemeral_to),)
        workspace = self._liaison.workspace
        for person in workspace.people:
            if self._liaison.slack.dm_channel(person.id) == message.channel:
                return (person.real_name,)
        roles = {
            workspace.triage_channel: "technician",
            workspace.supervisor_channel: "supervisor",
        }
        role = roles.get(message.channel)
        return tuple(p.real_name for p in workspace.people if role in (None, p.role))

    def _name(self, user_id: str | None) -> str:
        people = {p.id: p.real_name for p in self._liaison.workspace.people}
        return people.get(user_id or "", user_id or "someone")

    def _local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self._tz)


def _ts_key(ts: str) -> tuple[int, int, int]:
    seconds, _, counter = ts.partition(".")
    return int(seconds), int(counter or 0), 0


def _ref(root: SimMessage) -> str:
    found = _REF.search(root.text) or _REF.search(root.rendered)
    return found.group(0) if found else "a message"


# -- rendering ------------------------------------------------------------------------------
def _heading(entry: Entry) -> str:
    changed = " (updated in place)" if entry.kind == "edit" else ""
    return f"{entry.where}{changed}: {entry.author} -> {', '.join(entry.seen_by)}"


def render_text(entries: list[Entry]) -> str:
    """The transcript for a terminal: each step, then what each person saw, indented."""
    lines: list[str] = []
    day: dt.date | None = None
    for entry in entries:
        if entry.at.date() != day:
            day = entry.at.date()
            lines += ["", f"=== {entry.at:%A %d %B %Y} ({entry.at.tzname()}) ==="]
        clock = f"{entry.at:%H:%M}"
        if entry.kind == "step":
            lines += ["", f"{clock}  >> {entry.text}"]
            continue
        lines.append(f"{clock}     {_heading(entry)}")
        lines += [f"           | {line}" for line in entry.text.splitlines()]
    return "\n".join(lines).strip() + "\n"


_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1d1c1d;background:#f8f8f8}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
.step{margin:1.4rem 0 .4rem;font-weight:600}
.msg{background:#fff;border:1px solid #ddd;border-radius:6px;margin:.4rem 0 .4rem 2rem;
padding:.5rem .8rem}
.msg.edit{border-style:dashed}
.meta{font-size:.8rem;color:#616061;margin-bottom:.3rem}
.time{color:#616061;font-variant-numeric:tabular-nums;margin-right:.5rem}
pre{white-space:pre-wrap;font:inherit;margin:0}
"""


def render_html(entries: list[Entry]) -> str:
    """The transcript as one self-contained HTML page (inline CSS, every text escaped)."""
    body: list[str] = []
    day: dt.date | None = None
    for entry in entries:
        if entry.at.date() != day:
            day = entry.at.date()
            body.append(f"<h2>{html.escape(f'{entry.at:%A %d %B %Y} ({entry.at.tzname()})')}</h2>")
        clock = f'<span class="time">{entry.at:%H:%M}</span>'
        if entry.kind == "step":
            body.append(f'<div class="step">{clock}{html.escape(entry.text)}</div>')
            continue
        body.append(
            f'<div class="msg {entry.kind}"><div class="meta">{clock}'
            f"{html.escape(_heading(entry))}</div><pre>{html.escape(entry.text)}</pre></div>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Liaison: a day in the life of a shop</title>"
        f"<style>{_STYLE}</style></head><body>"
        "<h1>Liaison: a day in the life of a shop</h1>\n" + "\n".join(body) + "\n</body></html>\n"
    )
