"""How the load benchmark judges the awareness's cost from its open-loop searches."""

from __future__ import annotations

import pytest

from benchmarks.report import AWARE, UNAWARE, Figures, awareness_comparison, format_awareness


def figures(*searches: tuple[float, float]) -> Figures:
    """A run whose open-loop searches found these (aware, unaware) rates, in order."""
    found = [{AWARE: aware, UNAWARE: unaware} for aware, unaware in searches]
    medians = {app: sorted(s[app] for s in found)[len(found) // 2] for app in (AWARE, UNAWARE)}
    return Figures(
        closed=[], open_rates=medians, open_searches=found, open_steps=[], c64=[], memory=None
    )


def test_each_search_is_paired_and_the_median_ratio_judged() -> None:
    # The medians of each build alone (100 vs 100) would hide that the aware build trailed
    # in two searches of three; the paired ratios do not.
    open_loop = awareness_comparison(figures((90, 100), (100, 95), (110, 125)))[2]

    assert open_loop.judged and (open_loop.aware, open_loop.unaware) == (100, 100)
    assert open_loop.ratio == pytest.approx(0.9)
    assert (open_loop.low, open_loop.high) == (pytest.approx(0.88), pytest.approx(100 / 95))
    assert "(searches 0.88-1.05 x)" in format_awareness([open_loop])


def test_one_search_has_no_spread() -> None:
    open_loop = awareness_comparison(figures((95, 100)))[2]

    assert open_loop.ratio == pytest.approx(0.95) and open_loop.low is None
