"""Saved replies a service offers its technicians, read from `[[services.replies]]` tables.

Each reply is a title (shown in the modals' select, so Slack's 75-character option limit) and
the text it fills in (at most what the modals' text inputs hold). Every problem names its line.
"""

from __future__ import annotations

from functools import partial

from bot.catalogue import fields
from bot.catalogue.fields import Problems, Table
from bot.catalogue.model import ServiceReply

REPLIES_PER_SERVICE = 20  # with the shop's own, a select stays well inside Slack's 100 options
TEXT_LIMIT = 3000  # the modals' text inputs hold at most this much
_REPLY_KEYS = ("title", "text")


def service_replies(table: Table, found: Problems) -> tuple[ServiceReply, ...] | None:
    """The service's replies in the order written; None (problems noted) when any is wrong."""
    raw = found.read(partial(_reply_list, table))
    if raw is None:
        return None
    replies: list[ServiceReply | None] = []
    for item, value in enumerate(raw):
        title = value.get("title") if isinstance(value, dict) else None
        label = title if isinstance(title, str) else None
        reply_table = found.read(partial(table.item_table, "replies", item, name=label))
        reply = _reply(reply_table, found) if reply_table is not None else None
        if reply_table is not None and reply is not None:
            found.read(partial(_unique, table, reply_table, reply, replies))
        replies.append(reply)
    if None in replies:
        return None
    return tuple(r for r in replies if r is not None)


def _reply_list(table: Table) -> list[object]:
    if "replies" not in table.data:
        return []
    raw = table.array("replies")
    if len(raw) > REPLIES_PER_SERVICE:
        table.fail(
            "replies", f"has {len(raw)} replies; a service may offer at most {REPLIES_PER_SERVICE}"
        )
    return raw


def _reply(table: Table, found: Problems) -> ServiceReply | None:
    """One reply, its keys, title and text read apart so each mistake is its own line."""
    table.check_keys(_REPLY_KEYS, found)
    title = found.read(lambda: table.string("title", fields.service_name))
    text = found.read(lambda: table.string("text", _reply_text))
    if title is None or text is None:
        return None
    return ServiceReply(title=title, text=text)


def _reply_text(text: str) -> str:
    """What the reply fills in: not empty, and short enough for the modals' text inputs."""
    text = fields.non_empty(text)
    if len(text) > TEXT_LIMIT:
        raise ValueError(f"is {len(text)} characters long; the forms hold at most {TEXT_LIMIT}")
    return text


def _unique(
    service: Table, table: Table, reply: ServiceReply, before: list[ServiceReply | None]
) -> None:
    """Two replies of one service with the same title could not be told apart in the select."""
    wanted = reply.title.casefold()
    first = next((n for n, r in enumerate(before) if r and r.title.casefold() == wanted), None)
    if first is not None:
        where = service.index.line_of((*service.at, "replies", first, "title"))
        table.fail("title", f'duplicate reply title "{reply.title}" (first used on line {where})')
