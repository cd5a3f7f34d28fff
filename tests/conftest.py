"""Shared fixtures: clock, databases on SQLite and PostgreSQL, settings."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.clock import ManualClock
from storage.engine import Database
from tests import databases

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CATALOGUE = ROOT / "catalogue.example.toml"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def clock() -> ManualClock:
    """A clock that starts Monday 23 November 2026, 09:00 in New York, and moves when told."""
    return ManualClock()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file to copy for each test."""
    folder = tmp_path_factory.mktemp("template")
    return databases.run_blocking(databases.migrated_sqlite_template(folder))


@pytest.fixture(scope="session")
def postgres_session_url() -> Iterator[str | None]:
    """A migrated PostgreSQL database for the session, or None when no server is reachable."""
    admin = databases.postgres_admin_url()
    if admin is None:
        if IN_CI:
            pytest.exit("CI=true but no PostgreSQL server answered; set TEST_POSTGRES_URL", 3)
        yield None
        return
    url = databases.run_blocking(databases.create_postgres_database(admin))
    yield url
    databases.run_blocking(databases.drop_postgres_database(admin, url))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated database: a real SQLite file, then the same test on PostgreSQL."""
    if request.param == "sqlite":
        return databases.copy_sqlite(sqlite_template, tmp_path / "liaison.db")
    url = request.getfixturevalue("postgres_session_url")
    if url is None:
        pytest.skip("PostgreSQL skipped: no server (set TEST_POSTGRES_URL to run these)")
    databases.run_blocking(databases.empty_postgres_database(url))
    return str(url)


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> str:
    """The session's PostgreSQL database, emptied, for what only PostgreSQL can show (races,
    replicas); skipped where no server answers."""
    url = request.getfixturevalue("postgres_session_url")
    if url is None:
        pytest.skip("PostgreSQL skipped: no server (set TEST_POSTGRES_URL to run these)")
    databases.run_blocking(databases.empty_postgres_database(url))
    return str(url)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh, migrated SQLite file (for tests that are about SQLite itself)."""
    return databases.copy_sqlite(sqlite_template, tmp_path / "liaison.db")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A Database on the parametrised URL, disposed after the test."""
    db = Database(database_url)
    yield db
    await db.dispose()


def _ran(terminalreporter: pytest.TerminalReporter, keyword: str) -> int:
    """How many tests carrying `keyword` (a marker or a parameter id) passed."""
    return sum(1 for r in terminalreporter.stats.get("passed", []) if keyword in r.keywords)


def _skipped(terminalreporter: pytest.TerminalReporter, reason: str) -> bool:
    skipped = terminalreporter.stats.get("skipped", [])
    return any(reason in str(getattr(r, "longrepr", "")) for r in skipped)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """End with one line saying what ran (SQLite, PostgreSQL, the browser) and what was skipped,
    so a green run on a machine without PostgreSQL or Chromium is not mistaken for a full one."""
    ran, skipped = [], []
    for name, keyword, reason, how in (
        ("SQLite", "sqlite", "", ""),  # a parametrised test shows SQLite ran
        (
            "PostgreSQL",
            "postgres",
            "PostgreSQL skipped",
            "no server at 127.0.0.1:5432 and no TEST_POSTGRES_URL",
        ),
        ("browser", "browser", "Browser tests skipped", "no Chromium: apt-get install chromium"),
    ):
        count = _ran(terminalreporter, keyword)
        if count and name == "SQLite":
            ran.append(name)  # every database test not on PostgreSQL runs on SQLite
        elif count:
            ran.append(f"{name} ({count} tests)")
        if reason and _skipped(terminalreporter, reason):
            skipped.append(f"{name} ({how})")
    if not ran and not skipped:
        return
    line = "Tested on: " + (", ".join(ran) or "nothing of SQLite, PostgreSQL or the browser")
    line += "; skipped: " + ("; ".join(skipped) if skipped else "nothing")
    terminalreporter.write_line(line, yellow=bool(skipped), green=not skipped)
