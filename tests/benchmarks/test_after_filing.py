"""The after-filing benchmark's smoke run: both builds file; only the aware one's passes work."""

from __future__ import annotations

import re

import pytest

from tests.benchmarks import run_benchmark

LINE = re.compile(
    r"^(with|without) awareness: 120 filings, (\d+) looked at after filing; "
    r"filing [\d.]+ ms CPU per filing, "
    r"after-filing pass [\d.]+ \(first pass [\d.]+, from second 4 on [\d.]+\)$",
    re.MULTILINE,
)


@pytest.mark.timeout(300)
def test_filing_and_the_after_filing_pass_are_timed_with_and_without_awareness() -> None:
    stdout = run_benchmark("after_filing", "--seconds", "6", "--per-second", "20", timeout=280)
    runs = [(m.group(1), int(m.group(2))) for m in LINE.finditer(stdout)]
    assert [name for name, _ in runs] == ["with", "without", "with", "without"], stdout
    assert runs == [("with", 120), ("without", 0)] * 2, "the aware passes looked at every filing"


@pytest.mark.timeout(300)
def test_one_build_runs_once_for_its_instructions_to_be_counted() -> None:
    stdout = run_benchmark(
        "after_filing", "--seconds", "6", "--per-second", "20", "--build", "with", timeout=280
    )
    assert [(m.group(1), int(m.group(2))) for m in LINE.finditer(stdout)] == [("with", 120)]
