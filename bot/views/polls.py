"""The closing poll, and its answers as the technician, the team and the supervisors see them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.domain.poll import FollowUpView, KeptInformed, PollView, RequestFacts
from bot.domain.summary import RequestSummary, TimelineEntry
from bot.views.card_thread import labelled_quote
from bot.views.closing import button, modal
from bot.views.ids import ClosingActionId, ClosingBlockId, ClosingCallbackId
from bot.views.lists import KIND_WORDS, SLACK_TEXT_KINDS
from bot.views.text import (
    escape,
    md,
    mention,
    plain,
    plain_from_slack,
    slack_date,
    speaks,
    truncate,
)
from bot.views.triage_card import PRIORITY_MARK

Rendered = tuple[list[Block], str]
A = ClosingActionId
RATINGS = {1: "Not at all", 2: "Poorly", 3: "Partly", 4: "Well", 5: "Very well"}
AGREEMENT = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
ENTRY_WORDS = {
    **KIND_WORDS,
    "partner_message": "wrote",
    "confirm": "confirmed it is fixed",
    "reopen": "reopened it",
    "auto_close": "closed it (no answer to the resolution)",
    "follow_up_message": "wrote as supervisor",
    "promise_lapsed": "noted a promised update was late",
}
TIMELINE_SHOWN, ENTRY_MAX, SUMMARY_MAX, STATEMENT_MAX, TEXT_MAX = 10, 300, 150, 300, 3000
METADATA_VERSION = 1
NO_APOLOGY = "No automated apology has been sent."


@speaks
def poll_message(poll: PollView) -> Rendered:
    """The facts first, then a few optional questions; once closed, only what was answered."""
    request = poll.facts.request
    intro = f"*{request.ref}* is closed: {_summary(request)}"
    if not poll.closed:
        intro += (
            "\nA few short questions. Your answers go to the technicians and their supervisors."
        )
    blocks: list[Block] = [
        SectionBlock(text=md(intro)),
        SectionBlock(text=md("*What happened*\n" + "\n".join(_facts(poll.facts, partner=True)))),
        DividerBlock(),
    ]
    if poll.closed:
        blocks.append(_answers_block(poll, "*Your answers*", "No answer was given."))
        blocks += _comment(poll, "*Your comment:*")
        blocks.append(_context(f"This poll closed on {slack_date(poll.expires_at)}."))
        return blocks, f"{request.ref}: the poll is closed."
    blocks += _questions(poll)
    blocks += _comment(poll, "*Your comment:*") or [SectionBlock(text=md("*Anything to add?*"))]
    label = "Change comment" if poll.comment else "Add a comment"
    blocks += [
        ActionsBlock(elements=[button(label, A.COMMENT, str(poll.id))]),
        ContextBlock(
            elements=[
                md("Optional: answering the first question alone is enough."),
                md(f"You can change your answers until {slack_date(poll.expires_at)}."),
            ]
        ),
        ActionsBlock(elements=[button("Don't send me these", A.OPT_OUT, str(poll.id))]),
    ]
    question = poll.satisfaction_statement or "How well was it resolved?"
    return blocks, f"{request.ref} is closed. {question}"


def _questions(poll: PollView) -> list[Block]:
    """At most three: the rating (or A-11's satisfaction item), kept informed, A-11's trust item.

    The A-11 items are OMB's words, unmodified, on OMB's five-point agreement scale.
    """
    agreement = [(str(n), f"{n} · {w}") for n, w in AGREEMENT.items()]
    rated = str(poll.rating) if poll.rating is not None else None
    blocks: list[Block]
    if poll.satisfaction_statement:
        blocks = [_statement(poll.satisfaction_statement)]
        blocks += _choices(poll, A.RATE, agreement, rated)
    else:
        blocks = [SectionBlock(text=md("*How well was it resolved?*"))]
        ratings = [(str(n), f"{n} · {w}") for n, w in RATINGS.items()]
        blocks += _choices(poll, A.RATE, ratings, rated)
    blocks.append(SectionBlock(text=md("*Were you kept informed?*")))
    informed = [(k.value, k.label) for k in KeptInformed]
    blocks += _choices(poll, A.INFORMED, informed, poll.informed.value if poll.informed else None)
    if poll.trust_statement:
        blocks.append(_statement(poll.trust_statement))
        trust = str(poll.trust) if poll.trust is not None else None
        blocks += _choices(poll, A.TRUST, agreement, trust)
    return blocks


def _statement(text: str) -> SectionBlock:
    statement = escape(truncate(text, STATEMENT_MAX))
    return SectionBlock(text=md(f"*How much do you agree?*\n“{statement}”"))


def poll_thanks(poll: PollView) -> str:
    """Confirm an answer privately, and say how long it can still be changed."""
    if poll.closed:
        return "This poll is closed; the answers can no longer be changed."
    return f"Thanks — recorded. You can change it until {slack_date(poll.expires_at)}."


def comment_modal(poll_id: int, current: str) -> View:
    """Space for the partner's own words; required here, but the poll itself is optional."""
    field = InputBlock(
        block_id=ClosingBlockId.COMMENT,
        label=plain("Anything you want the team to know?"),
        hint=plain("Optional: close this window if you have nothing to add."),
        element=PlainTextInputElement(
            action_id=A.COMMENT_INPUT,
            multiline=True,
            max_length=TEXT_MAX,
            initial_value=current[:TEXT_MAX] or None,
        ),
    )
    return modal(
        ClosingCallbackId.COMMENT, "Your comment", "Save", _encode("poll", poll_id), [field]
    )


def encode_poll_metadata(poll_id: int) -> str:
    """Small versioned JSON naming the poll the comment modal belongs to."""
    return _encode("poll", poll_id)


def decode_poll_metadata(raw: str | None) -> int | None:
    """The poll id encode_poll_metadata wrote; None for unknown or broken metadata."""
    return _decode(raw, "poll")


@speaks
def feedback_in_card_thread(poll: PollView) -> Rendered:
    """The answers in the card's thread, so the technician sees their own feedback first-hand."""
    request = poll.facts.request
    headline = f"*Feedback from the partner* {mention(request.partner_id)}"
    blocks: list[Block] = [_answers_block(poll, headline, "No answer yet.")]
    blocks += _comment(poll, "*Comment:*")
    when = slack_date(poll.expires_at)
    closed = f"The poll closed on {when}."
    blocks.append(
        _context(closed if poll.closed else f"The partner can change these until {when}.")
    )
    return blocks, f"{request.ref}: feedback from the partner"


@speaks
def kudos_message(poll: PollView) -> Rendered:
    """Share praise with the whole team, naming the person who earned it."""
    request = poll.facts.request
    who = mention(request.assignee_id) if request.assignee_id else "the team"
    headline = f"🎉 Kudos for {who} on *{request.ref}*"
    lines = [headline, _summary(request)]
    if poll.rating is not None:
        lines.append(f"Rated *{poll.rating} of 5* by the partner.")
    blocks: list[Block] = [SectionBlock(text=md("\n".join(lines)))]
    blocks += _comment(poll, "*The partner wrote:*")
    return blocks, headline.replace("*", "")


@speaks
def low_score_alert(follow_up: FollowUpView, timeline: Sequence[TimelineEntry]) -> Rendered:
    """A low score in front of the supervisors, kept current in place as things move on.

    Rewritten whole on every change (another answer, a comment, a reopening, someone taking
    it), so the message never shows a snapshot of the first answer.
    """
    poll = follow_up.poll
    request = poll.facts.request
    if follow_up.done_at:
        headline = f"✅ *Follow-up done on {request.ref}*: {_reason(poll)}."
    else:
        headline = (
            f"⚠️ *Follow-up needed on {request.ref}*: {_reason(poll)}.\n"
            f"{NO_APOLOGY} A person should follow up with the partner."
        )
    blocks = _case(poll, headline)
    reopened = _reopened(request)
    if reopened:
        blocks.append(SectionBlock(text=md(reopened)))
    facts = "\n".join(_facts(poll.facts, partner=False))
    blocks.append(SectionBlock(text=md(f"*What happened*\n{facts}")))
    shown = [e for e in timeline if e.partner_visible]
    if shown:
        count = f" (last {TIMELINE_SHOWN} of {len(shown)})" if len(shown) > TIMELINE_SHOWN else ""
        blocks.append(SectionBlock(text=md(f"*What the partner saw*{count}")))
        blocks += [_context(_entry(e)) for e in shown[-TIMELINE_SHOWN:]]
    state, buttons = _follow_up_state(follow_up)
    blocks.append(SectionBlock(text=md(state)))
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    return blocks, _alert_text(follow_up, reopened, state)


def _follow_up_state(follow_up: FollowUpView) -> tuple[str, list[ButtonElement]]:
    """Who owns it and by when, and the next steps until it is done."""
    value = str(follow_up.id)
    owner = mention(follow_up.owner_id) if follow_up.owner_id else "a supervisor"
    if follow_up.done_at:
        return f"✅ Done by {owner} on {slack_date(follow_up.done_at)}.", []
    if follow_up.owner_id:
        return f"{owner} is following up; due by {slack_date(follow_up.due_at)}.", [
            button("Write to the partner…", A.WRITE_FOLLOW_UP, value, primary=True),
            button("Mark done", A.FINISH_FOLLOW_UP, value),
        ]
    take = button("Take this follow-up", A.TAKE_FOLLOW_UP, value, primary=True)
    return f"Not taken yet; due by {slack_date(follow_up.due_at)}.", [take]


def _reopened(request: RequestSummary) -> str:
    """A poll is sent at closing: a request open again since was reopened by the partner."""
    if not request.status.is_open:
        return ""
    who = mention(request.assignee_id) if request.assignee_id else "nobody yet"
    return (
        f"🔁 *Reopened*: the partner reopened {request.ref} after answering; it is "
        f"{request.status.label.lower()} now, with {who}."
    )


def _alert_text(follow_up: FollowUpView, reopened: str, state: str) -> str:
    """The whole alert in plain words, for notifications and screen readers."""
    poll = follow_up.poll
    request = poll.facts.request
    done = "Follow-up done" if follow_up.done_at else "Follow-up needed"
    parts = [f"{done} on {request.ref} ({_summary(request)}, {request.priority}): {_reason(poll)}."]
    if not follow_up.done_at:
        parts.append(NO_APOLOGY)
    answers = "; ".join(line.replace("*", "") for line in _answers(poll))
    parts.append(f"Answers: {answers or 'none yet'}.")
    if poll.comment.strip():
        comment = escape(truncate(" ".join(poll.comment.split()), ENTRY_MAX))
        parts.append(f"Comment: {comment}")
    if reopened:
        parts.append(reopened.replace("🔁 *Reopened*", "Reopened"))
    parts.append(state.replace("✅ ", ""))
    return truncate(" ".join(parts), TEXT_MAX)


def follow_up_modal(follow_up_id: int, request: RequestSummary) -> View:
    """A supervisor's own words to the partner; the bot never writes them on anyone's behalf."""
    context = md(f"*{request.ref}* · {_summary(request)} · {mention(request.partner_id)}")
    field = InputBlock(
        block_id=ClosingBlockId.MESSAGE,
        label=plain(
            "Your message to the partner; it is sent as from you, through Liaison, "
            "and recorded on the request"
        ),
        element=PlainTextInputElement(action_id=A.MESSAGE, multiline=True, max_length=TEXT_MAX),
    )
    metadata = _encode("fu", follow_up_id)
    blocks: list[Block] = [ContextBlock(elements=[context]), field]
    return modal(ClosingCallbackId.FOLLOW_UP, "Write to the partner", "Send", metadata, blocks)


def encode_follow_up_metadata(follow_up_id: int) -> str:
    """Small versioned JSON naming the follow-up a supervisor is writing about."""
    return _encode("fu", follow_up_id)


def decode_follow_up_metadata(raw: str | None) -> int | None:
    """The follow-up id encode_follow_up_metadata wrote; None for unknown or broken metadata."""
    return _decode(raw, "fu")


@speaks
def follow_up_to_partner(request: RequestSummary, supervisor_id: str, text: str) -> Rendered:
    """The supervisor's message in the partner's thread, plainly from that person."""
    label = f"{mention(supervisor_id)} (supervisor) writes about *{request.ref}*:"
    preview = escape(truncate(" ".join(text.split()), 200))
    fallback = f"{mention(supervisor_id)} (supervisor) writes about {request.ref}: {preview}"
    return [labelled_quote(label, text)], fallback


def _facts(facts: RequestFacts, *, partner: bool) -> list[str]:
    """What happened, from the record, so an answer rests on facts rather than memory."""
    lines = [
        f"Opened: {slack_date(facts.request.opened_at)}",
        f"First response: {_when(facts.first_response_at, facts.first_response_met)}",
        f"Resolved: {_when(facts.resolved_at, facts.resolution_met)}",
        f"Updates {'you' if partner else 'the partner'} received: {facts.updates_received}",
    ]
    if facts.promises_lapsed:
        lines.append(f"Promised updates that came late: {facts.promises_lapsed}")
    if facts.reopened:
        lines.append(f"Reopened: {facts.reopened} time{'s' if facts.reopened != 1 else ''}")
    return lines


def _when(moment: dt.datetime | None, met: bool | None) -> str:
    if moment is None:
        return "not recorded"
    verdict = "" if met is None else (", within target" if met else ", later than the target")
    return slack_date(moment) + verdict


def _answers(poll: PollView) -> list[str]:
    lines = []
    if poll.rating is not None and poll.satisfaction_statement:
        statement = escape(truncate(poll.satisfaction_statement, STATEMENT_MAX))
        word = AGREEMENT.get(poll.rating, "")
        lines.append(f"“{statement}”: *{poll.rating} of 5* ({word})")
    elif poll.rating is not None:
        word = RATINGS.get(poll.rating, "")
        lines.append(f"How well it was resolved: *{poll.rating} of 5* ({word})")
    if poll.informed is not None:
        lines.append(f"Kept informed: *{poll.informed.label}*")
    if poll.trust is not None:
        statement = escape(truncate(poll.trust_statement or "Trust statement", STATEMENT_MAX))
        lines.append(f"“{statement}”: *{AGREEMENT.get(poll.trust, poll.trust)}*")
    return lines


def _answers_block(poll: PollView, title: str, empty: str) -> SectionBlock:
    return SectionBlock(text=md(title + "\n" + "\n".join(_answers(poll) or [empty])))


def _reason(poll: PollView) -> str:
    reasons = []
    if poll.rating is not None and poll.rating <= 2:
        reasons.append(f"rated {poll.rating} of 5")
    if poll.informed is KeptInformed.NO:
        reasons.append("the partner was not kept informed")
    return " and ".join(reasons) or "low feedback"


def _comment(poll: PollView, label: str) -> list[Block]:
    return [labelled_quote(label, poll.comment)] if poll.comment.strip() else []


def _choices(
    poll: PollView, action: A, options: list[tuple[str, str]], chosen: str | None
) -> list[Block]:
    """A scale on one row; each button's action_id is suffixed because a block's must differ."""
    buttons = []
    for value, label in options:
        mark = "✓ " if value == chosen else ""
        choice = button(mark + label, action, f"{poll.id}:{value}", primary=bool(mark))
        choice.action_id = f"{action}:{value}"
        buttons.append(choice)
    return [ActionsBlock(elements=buttons)]


def _case(poll: PollView, headline: str) -> list[Block]:
    """What a supervisor needs at a glance: the request, who is involved, and the answers."""
    request = poll.facts.request
    assignee = mention(request.assignee_id) if request.assignee_id else "nobody"
    fields: list[MarkdownTextObject] = [
        md(f"*Request*\n{request.ref} · {_summary(request)}"),
        md(f"*Service*\n{escape(truncate(request.service_name, 200))}"),
        md(f"*Priority*\n{PRIORITY_MARK[request.priority]} {request.priority}"),
        md(f"*Partner*\n{mention(request.partner_id)}"),
        md(f"*Assignee*\n{assignee}"),
    ]
    blocks: list[Block] = [SectionBlock(text=md(headline)), SectionBlock(fields=fields)]
    blocks.append(_answers_block(poll, "*Answers*", "No answer yet."))
    return blocks + _comment(poll, "*Comment:*")


def _entry(entry: TimelineEntry) -> str:
    who = mention(entry.actor_id) if entry.actor_id else "Liaison"
    kind = ENTRY_WORDS.get(entry.kind, entry.kind.replace("_", " "))
    line = f"{slack_date(entry.at)} · {who} {escape(kind)}"
    # Partner messages are stored as Slack delivered them; decode so nothing pings twice.
    text = plain_from_slack(entry.text) if entry.kind in SLACK_TEXT_KINDS else entry.text
    if text.strip():
        line += ": " + escape(truncate(" ".join(text.split()), ENTRY_MAX))
    return line


def _summary(request: RequestSummary) -> str:
    return escape(truncate(request.summary, SUMMARY_MAX))


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[md(text)])


def _encode(key: str, value: int) -> str:
    return json.dumps({"v": METADATA_VERSION, key: value}, separators=(",", ":"))


def _decode(raw: str | None, key: str) -> int | None:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return None
    ours = isinstance(data, dict) and data.get("v") == METADATA_VERSION
    value = data.get(key) if ours else None
    return value if type(value) is int and value > 0 else None  # bool is not a poll id
