"""`/request help` and `/request services`: what partners can do and what they can expect."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, ContextBlock, SectionBlock

from bot.catalogue import Catalogue, Service, ServiceLevel
from bot.domain.model import Priority
from bot.views.ids import ActionId
from bot.views.text import Rendered, escape, human_duration, md, plain, speaks, truncate


@dataclass(frozen=True)
class HelpEntry:
    """One line of help: how to type it and what it does."""

    usage: str
    description: str


def help_entries(command: str) -> Sequence[HelpEntry]:
    """Every sub-command Liaison understands, in the order people need them."""
    return (
        HelpEntry(f"{command}", "open the form to file a request"),
        HelpEntry(f"{command} what is wrong", "open the form with the summary filled in"),
        HelpEntry(f"{command} list", "your open requests, who has each and when you hear next"),
        HelpEntry(f"{command} status REQ-42", "where one request stands, with its recent history"),
        HelpEntry(f"{command} services", "the services we support and their published times"),
        HelpEntry(f"{command} queue", "technicians: unclaimed requests, then the ones you hold"),
        HelpEntry(f"{command} outages", "current outages and upcoming maintenance"),
        HelpEntry(f"{command} outage", "technicians: declare an outage or degradation"),
        HelpEntry(f"{command} maintenance", "technicians: schedule maintenance on a service"),
        HelpEntry(f"{command} replies", "technicians: the shop's saved replies, to add to"),
        HelpEntry(f"{command} stats 7d|30d|90d", "supervisors: the service figures, to you alone"),
        HelpEntry(f"{command} digest", "supervisors: post the digest to the supervisors now"),
        HelpEntry(f"{command} help", "this message"),
    )


@speaks
def help_message(command: str, *, not_understood: str = "") -> Rendered:
    """Short ephemeral help; with `not_understood`, says first what was not understood."""
    lines = [f"• `{e.usage}`: {e.description}" for e in help_entries(command)]
    blocks: list[Block] = []
    if not_understood:
        word = escape(truncate(not_understood, 40))
        blocks.append(
            SectionBlock(
                text=md(
                    f"I did not understand “{word}”. To file a request about it, press the "
                    f"button, or type `{command}` followed by a few words about the problem."
                )
            )
        )
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text=plain(truncate(f"File “{not_understood}” as a request", 75)),
                        action_id=ActionId.FILE_REQUEST,
                        value=truncate(not_understood, 150),
                    )
                ]
            )
        )
    blocks.append(SectionBlock(text=md("*What you can do*\n" + "\n".join(lines))))
    return blocks, f"Liaison help: what you can do with {command}"


@speaks
def services_message(catalogue: Catalogue) -> Rendered:
    """The catalogue with each service's published first-response and resolution targets."""
    blocks: list[Block] = [
        SectionBlock(
            text=md(
                f"*Services of {escape(catalogue.organisation)}*\n"
                "For each priority: time to a first response / time to resolve."
            )
        )
    ]
    blocks += [SectionBlock(text=md(_service_text(catalogue, s))) for s in catalogue.services[:45]]
    blocks.append(
        ContextBlock(
            elements=[
                md(
                    f"Business hours: {_hours_line(catalogue)}, holidays excluded. "
                    "Times marked 24/7 run around the clock."
                )
            ]
        )
    )
    return blocks, f"{len(catalogue.services)} services and their published service levels"


def _service_text(catalogue: Catalogue, service: Service) -> str:
    day = catalogue.calendar.working_day_length()
    levels = " · ".join(f"{p} {_level_text(catalogue.level(service, p), day)}" for p in Priority)
    text = (
        f"*{escape(service.name)}* ({escape(service.owner)})\n"
        f"{escape(service.description)}\n{levels}"
    )
    return truncate(text, 3000)


def _level_text(level: ServiceLevel, day: dt.timedelta) -> str:
    business_day = None if level.around_the_clock else day
    first = human_duration(level.first_response, business_day=business_day, short=True)
    fix = human_duration(level.resolution, business_day=business_day, short=True)
    return f"{first} / {fix}" + (" 24/7" if level.around_the_clock else "")


def _hours_line(catalogue: Catalogue) -> str:
    calendar = catalogue.calendar
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    days = ", ".join(names[d] for d in sorted(calendar.working_days))
    start, end = calendar.day_start.strftime("%H:%M"), calendar.day_end.strftime("%H:%M")
    return f"{days} {start}–{end} ({calendar.timezone.key})"
