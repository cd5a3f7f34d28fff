"""The Home view: valid, escaped, and within 100 blocks however long the lists are."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.digest import Listed, Period, PeriodFigures, Rate
from bot.domain.home import ClosedRequest, HomeAudience, HomeContent, Listing, WeekFigures
from bot.domain.model import RequestStatus
from bot.views.home import MAX_BLOCKS, home_view
from tests.unit.test_views import NOW, check_blocks, summary

MANY = Listing(shown=tuple(summary(number=n) for n in range(1, 151)), total=400)


def figures(**overrides: object) -> WeekFigures:
    values: dict[str, object] = {
        "new": Listed(12),
        "resolved": Listed(8),
        "first_response": Rate(9, 12),
        "resolution": Rate(6, 8),
        "promises_kept": 9,
        "promises_lapsed": 1,
        "polls_sent": 4,
        "polls_answered": 3,
        "average_rating": 4.333,
    }
    values.update(overrides)
    period = Period(NOW - dt.timedelta(days=7), NOW)
    return WeekFigures(period=period, figures=PeriodFigures(**values))  # type: ignore[arg-type]


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


def test_figures_show_the_digests_rates_and_n_a_when_nothing_happened() -> None:
    quiet = figures(resolution=Rate(0, 0), polls_sent=0, polls_answered=0)
    text = str(home_view(replace_figures(quiet), command="/request").to_dict())
    assert "*Resolution target met*\\nn/a" in text and "*Polls answered*\\nn/a" in text
    content = HomeContent(
        user_id="U0MORGAN",
        audience=HomeAudience.SUPERVISOR,
        now=NOW,
        figures=figures(average_rating=None),
    )
    text = str(home_view(content, command="/request").to_dict())
    assert "*First response target met*\\n75 % (9 of 12)" in text
    assert "*Resolution target met*\\n75 % (6 of 8)" in text
    assert "*Polls answered*\\n75 % (3 of 4)" in text
    assert "`/request stats 7d`" in text and "*Average rating*\\nn/a" in text


def replace_figures(week: WeekFigures) -> HomeContent:
    return HomeContent(user_id="U0MORGAN", audience=HomeAudience.SUPERVISOR, now=NOW, figures=week)
