"""The related-requests benchmark's smoke run: both databases seeded, searched and reported."""

from __future__ import annotations

import re

import pytest

from tests import databases
from tests.benchmarks import run_benchmark
from tests.conftest import IN_CI

LINE = re.compile(
    r"^(SQLite|PostgreSQL): 3,000 requests seeded in \d+ s; 40 lookups: p50 [\d.]+ ms, "
    r"p99 [\d.]+ ms, max [\d.]+ ms; ([\d.]+) related found on average; aim p99 <= 20 ms: ",
    re.MULTILINE,
)

pytestmark = [pytest.mark.postgres]


@pytest.mark.timeout(300)
def test_the_lookup_is_timed_on_sqlite_and_postgresql_and_finds_related_requests() -> None:
    admin = databases.postgres_admin_url()
    if admin is None:
        if IN_CI:
            pytest.fail("CI=true but no PostgreSQL server answered; set TEST_POSTGRES_URL")
        pytest.skip("PostgreSQL skipped: no server (set TEST_POSTGRES_URL to run this)")
    stdout = run_benchmark(
        "related", "--requests", "3000", "--lookups", "40", "--postgres", admin, timeout=280
    )
    found = {m.group(1): float(m.group(2)) for m in LINE.finditer(stdout)}
    assert set(found) == {"SQLite", "PostgreSQL"}, stdout
    assert all(average > 1 for average in found.values()), "lookups find related requests"
