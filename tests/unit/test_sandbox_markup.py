"""mrkdwn as the sandbox page shows it: Slack's formatting, and never the sender's markup."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from bot.app.sandbox.markup import Names, mrkdwn, plain, text_object
from simulator.rendering import format_date

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC).timestamp()
NAMES = Names(users={"U0PAT": "pat"}, channels={"C0TRI": "triage"}, tz="America/New_York", now=NOW)


class Reader(HTMLParser):
    """What a browser would show: the visible text, and every tag with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "br":
            self.text += "\n"

    def handle_data(self, data: str) -> None:
        self.text += data


def read(html: str) -> Reader:
    reader = Reader()
    reader.feed(html)
    reader.close()
    return reader


def test_bold_italic_strike_and_code() -> None:
    html = mrkdwn("*bold* _italic_ ~gone~ `x = 1`", NAMES)
    assert html == "<b>bold</b> <i>italic</i> <s>gone</s> <code>x = 1</code>"


@pytest.mark.parametrize(
    "text",
    ["2 * 3 * 4", "snake_case_name and other_one", "a*b*c", "* not a list item *", "~ tilde ~"],
)
def test_markers_that_do_not_hug_text_stay_as_typed(text: str) -> None:
    html = mrkdwn(text, NAMES)
    assert not re.search(r"<(b|i|s)>", html)
    assert read(html).text == text


def test_no_formatting_inside_code_or_code_blocks() -> None:
    html = mrkdwn("see `*not bold*` and\n```\n*also not*\n_nor this_\n```\nafter *yes*", NAMES)
    assert "<code>*not bold*</code>" in html
    assert "<pre>*also not*\n_nor this_</pre>" in html
    assert html.endswith("after <b>yes</b>")
    assert "<br>" not in html.split("<pre>")[1].split("</pre>")[0]


def test_mentions_resolve_to_display_names_with_fallbacks() -> None:
    html = mrkdwn("<@U0PAT> <@U0NEW|newbie> <@U0GHOST> <#C0TRI> <#C0OTHER|ops>", NAMES)
    spans = re.findall(r'<span class="mention">([^<]*)</span>', html)
    assert spans == ["@pat", "@newbie", "@U0GHOST", "#triage", "#ops"]


def test_broadcasts_and_user_groups() -> None:
    html = mrkdwn("<!here> <!channel> <!everyone> <!subteam^S1|@oncall>", NAMES)
    assert re.findall(r'<span class="mention broadcast">([^<]*)</span>', html) == [
        "@here",
        "@channel",
        "@everyone",
    ]
    assert '<span class="mention">@oncall</span>' in html


def test_dates_are_shown_in_the_readers_zone() -> None:
    epoch = int(NOW) + 3600
    html = mrkdwn(f"due <!date^{epoch}^{{date_short_pretty}} at {{time}}|fallback>", NAMES)
    shown = format_date(epoch, "{date_short_pretty} at {time}", tz=NAMES.tz, now=NOW)
    assert shown == "today at 10:00 AM"
    assert html == f'due <time datetime="2026-11-23T10:00:00-05:00">{shown}</time>'


def test_a_broken_date_shows_its_fallback() -> None:
    assert mrkdwn("<!date^soon^{date}|some day>", NAMES) == "some day"


def test_links_open_safely_and_only_for_web_and_mail() -> None:
    html = mrkdwn("<https://example.org/a_b_c?x=1&amp;y=2|the *page*> <mailto:a@b.org>", NAMES)
    anchors = [attrs for tag, attrs in read(html).tags if tag == "a"]
    assert anchors == [
        {
            "href": "https://example.org/a_b_c?x=1&y=2",
            "rel": "noopener noreferrer",
            "target": "_blank",
        },
        {"href": "mailto:a@b.org", "rel": "noopener noreferrer", "target": "_blank"},
    ]
    assert read(html).text == "the *page* a@b.org"


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " https://x.org",
        "data:text/html,&lt;b&gt;",
        "/local",
    ],
)
def test_other_link_targets_are_only_text(target: str) -> None:
    html = mrkdwn(f"<{target}|click>", NAMES)
    assert "<a" not in html
    assert read(html).text == "click"


def test_formatting_never_reaches_inside_a_link() -> None:
    html = mrkdwn("*see <https://example.org/*x*_y_|here>*", NAMES)
    assert 'href="https://example.org/*x*_y_"' in html
    assert html.startswith("<b>see <a ") and html.endswith("here</a></b>")


def test_slack_entities_are_decoded_then_escaped() -> None:
    text = "&lt;script&gt;alert(1)&lt;/script&gt; <@U0PAT> &amp;lt;b&amp;gt; fish & chips"
    html = mrkdwn(text, NAMES)
    assert "<script" not in html
    assert read(html).text == "<script>alert(1)</script> @pat &lt;b&gt; fish & chips"
    assert [tag for tag, _ in read(html).tags] == ["span"]


def test_raw_markup_is_escaped_even_when_not_entity_encoded() -> None:
    html = mrkdwn('"><img src=x onerror=alert(1)>', NAMES)
    assert "<img" not in html
    assert read(html).tags == []


def test_quotes_group_consecutive_lines() -> None:
    html = mrkdwn("intro\n&gt; first *line*\n> second\nafter", NAMES)
    assert html == "intro<blockquote>first <b>line</b><br>second</blockquote>after"


def test_newlines_become_line_breaks() -> None:
    assert mrkdwn("one\ntwo\n\nthree", NAMES) == "one<br>two<br><br>three"


def test_mentions_inside_code_read_as_plain_names() -> None:
    html = mrkdwn("`ping <@U0PAT> at <https://x.org|x>`", NAMES)
    assert html == "<code>ping @pat at x</code>"


def test_placeholder_characters_in_the_text_cannot_pull_in_markup() -> None:
    html = mrkdwn("<@U0PAT> \x000\x00 \x00", NAMES)
    assert html.count("<span") == 1
    assert read(html).text == "@pat 0 "


def test_plain_text_is_escaped_with_line_breaks_and_no_formatting() -> None:
    assert plain("a &lt;b&gt; *c*\n<i>") == "a &lt;b&gt; *c*<br>&lt;i&gt;"


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        (
            {"type": "mrkdwn", "text": "*hi* <@U0PAT>"},
            '<b>hi</b> <span class="mention">@pat</span>',
        ),
        ({"type": "plain_text", "text": "*hi* <@U0PAT>"}, "*hi* &lt;@U0PAT&gt;"),
        ("a & b", "a &amp; b"),
        (None, ""),
    ],
)
def test_text_objects(obj: object, expected: str) -> None:
    assert text_object(obj, NAMES) == expected
