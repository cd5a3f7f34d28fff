"""The Home view: valid, escaped, and within 100 blocks however long the lists are."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.home import ClosedRequest, HomeAudience, HomeContent, Listing, WeekFigures
from bot.domain.model import RequestStatus
from bot.views.home import MAX_BLOCKS, home_view
from tests.unit.test_views import NOW, check_blocks, summary

MANY = Listing(shown=tuple(summary(number=n) for n in range(1, 151)), total=400)


def figures(**overrides: object) -> WeekFigures:
    values: dict[str, object] = {
        "since": NOW - dt.timedelta(days=7),
        "until": NOW,
        "opened": 12,
        "resolved": 8,
        "resolved_within_targets": 6,
        "promises_kept": 9,
        "promises_lapsed": 1,
        "polls_sent": 4,
        "polls_answered": 3,
        "average_rating": 4.333,
    }
    values.update(overrides)
    return WeekFigures(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("audience", list(HomeAudience))
def test_every_home_is_valid_and_within_100_blocks_with_huge_lists(
    audience: HomeAudience,
) -> None:
    closed = tuple(
        ClosedRequest(summary(status=RequestStatus.CLOSED), "auto_close") for _ in range(5)
    )
    content = HomeContent(
        user_id="U0X",
        audience=audience,
        now=NOW,
        open_requests=MANY,
        recently_closed=closed,
        unclaimed=MANY,
        mine=MANY,
        near_breach=MANY,
        figures=figures() if audience is HomeAudience.SUPERVISOR else None,
    )
    view = home_view(content, command="/request").to_dict()
    assert view["type"] == "home"
    check_blocks(view["blocks"], limit=MAX_BLOCKS)
    assert "more." in str(view["blocks"])


def test_partner_text_is_escaped_on_the_home() -> None:
    request = summary(summary="<!channel> & <@U0BOSS>")
    content = HomeContent(
        user_id="U0PAT",
        audience=HomeAudience.PARTNER,
        now=NOW,
        open_requests=Listing(shown=(request,), total=1),
    )
    text = str(home_view(content, command="/request").to_dict())
    assert "&lt;!channel&gt; &amp; &lt;@U0BOSS&gt;" in text
    assert "<!channel>" not in text


def test_figures_show_percentages_and_dashes_when_nothing_happened() -> None:
    assert figures().targets_met_percent == 75
    assert figures().response_rate_percent == 75
    quiet = figures(resolved=0, resolved_within_targets=0, polls_sent=0, polls_answered=0)
    assert quiet.targets_met_percent is None and quiet.response_rate_percent is None
    content = HomeContent(
        user_id="U0MORGAN",
        audience=HomeAudience.SUPERVISOR,
        now=NOW,
        figures=figures(average_rating=None),
    )
    text = str(home_view(content, command="/request").to_dict())
    assert "75 %" in text and "`/request stats`" in text and "*Average rating*\\n–" in text
