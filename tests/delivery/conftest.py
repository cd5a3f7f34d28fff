"""Fixtures for the delivery tests: a PostgreSQL database for the races only it can show."""

from __future__ import annotations

import pytest

from tests import databases


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> str:
    """The session's PostgreSQL database, emptied; skipped where no server answers."""
    url = request.getfixturevalue("postgres_session_url")
    if url is None:
        pytest.skip("PostgreSQL skipped: no server (set TEST_POSTGRES_URL to run these)")
    databases.run_blocking(databases.empty_postgres_database(url))
    return str(url)
