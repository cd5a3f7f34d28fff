"""Related requests, suspected-outage alerts and the partner's note: within Slack's limits."""

from __future__ import annotations

import datetime as dt

from bot.domain.awareness import (
    BurstFigures,
    BurstReport,
    BurstStatus,
    BurstSummary,
    RelatedRequest,
    burst_figures,
    declare_summary,
    is_burst,
    search_terms,
)
from bot.domain.model import RequestStatus
from bot.views.awareness import burst_alert, burst_partner_note, related_requests_note
from tests.unit.test_views import check_blocks, dicts

NOW = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)
LONG = "<!channel> " + "w" * 500


def burst(status: BurstStatus = BurstStatus.ACTIVE, reports: int = 3, **kw: object) -> BurstSummary:
    return BurstSummary(
        id=7,
        service_id="email",
        service_name="Email and calendaring",
        status=status,
        first_report_at=NOW,
        reports=tuple(BurstReport(n, f"{LONG} {n}") for n in range(1, reports + 1)),
        **kw,  # type: ignore[arg-type]
    )


def test_search_terms_keep_words_that_say_what_is_wrong() -> None:
    assert search_terms("The VPN is NOT working!", "vpn drops; error 0x80") == [
        "vpn",
        "drops",
        "error",
        "0x80",
    ]
    assert search_terms('"quoted" OR NEAR(x) -- *') == ["quoted", "near"], "no search syntax"


def test_a_burst_is_enough_reports_within_one_window() -> None:
    minutes = [NOW + dt.timedelta(minutes=m) for m in (0, 9, 30, 38, 44)]
    window = dt.timedelta(minutes=15)
    assert is_burst(minutes, reports=3, window=window)
    assert not is_burst(minutes[:3], reports=3, window=window)
    assert not is_burst(minutes[:2], reports=3, window=window)


def test_related_note_shows_status_age_and_a_resolutions_first_line() -> None:
    related = [
        RelatedRequest(4, RequestStatus.IN_PROGRESS, LONG, NOW - dt.timedelta(hours=3), None, None),
        RelatedRequest(
            2, RequestStatus.RESOLVED, "Jams", NOW - dt.timedelta(days=4), NOW, "Fuser <!here>"
        ),
    ]
    blocks, text = related_requests_note(related, now=NOW)
    check_blocks(dicts(blocks), limit=50)
    rendered = str(dicts(blocks))
    assert "REQ-4" in rendered and "In progress" in rendered and "opened 3 h ago" in rendered
    assert "opened 4 days ago" in rendered and "Fuser &lt;!here&gt;" in rendered
    assert "<!channel>" not in rendered and text.startswith("Possibly related: REQ-4, REQ-2\n")
    assert "opened 4 days ago" in text and "Resolution: Fuser &lt;!here&gt;" in text


def test_alerts_stay_within_limits_and_lose_their_buttons_once_decided() -> None:
    for summary in (burst(reports=40), burst(BurstStatus.DISMISSED, decided_by="U0SAM")):
        blocks, text = burst_alert(summary)
        check_blocks(dicts(blocks), limit=50)
        assert "<!channel>" not in str(dicts(blocks)) and len(text) <= 4000
    active = str(dicts(burst_alert(burst())[0]))
    assert "burst_declare" in active and "burst_dismiss" in active
    assert "and no outage is declared." in active
    declared = burst(BurstStatus.DECLARED, decided_by="U0SAM", outage_ref="OUT-2")
    rendered = str(dicts(burst_alert(declared)[0]))
    assert "burst_declare" not in rendered and "Declared as OUT-2 by <@U0SAM>" in rendered
    assert "no outage is declared" not in rendered, "a declared alert never says the opposite"
    dismissed = str(dicts(burst_alert(burst(BurstStatus.DISMISSED, decided_by="U0SAM"))[0]))
    assert "Not an outage, said <@U0SAM>" in dismissed and "no outage is declared" not in dismissed


def test_the_declare_summary_quotes_the_reports_within_the_forms_limit() -> None:
    text = declare_summary(burst(reports=5), 500)
    assert text.startswith("Partners report: ") and len(text) <= 500


def test_the_partner_note_names_the_service() -> None:
    blocks, text = burst_partner_note("Email")
    assert (
        text == "Others are reporting problems with Email right now; technicians have been alerted."
    )
    check_blocks(dicts(blocks), limit=50)


def test_the_digest_counts_bursts_and_the_median_minutes_to_declare() -> None:
    minute = dt.timedelta(minutes=1)
    figures = burst_figures(
        [
            ("declared", NOW, NOW + 12 * minute),
            ("declared", NOW, NOW + 30 * minute),
            ("declared", NOW, NOW + 4 * minute),
            ("dismissed", NOW, NOW + minute),
            ("active", NOW, None),
        ]
    )
    assert figures == BurstFigures(detected=5, declared=3, dismissed=1, minutes_to_declare=12)
    assert burst_figures([]).minutes_to_declare is None


def test_a_long_burst_alert_counts_every_report_but_lists_only_those_it_shows() -> None:
    blocks, text = burst_alert(burst(reports=15, count=500))
    rendered = str(dicts(blocks))
    assert "500 requests since" in rendered and "…and 490 earlier" in rendered
    assert "500 requests" in text
