"""Bring a database to the newest schema; used by `liaison migrate` and `liaison run`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine, is_sqlite
from storage.leader import MIGRATIONS_KEY

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str = "") -> Config:
    """Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def head_revision() -> str | None:
    """The newest revision shipped with this version of Liaison."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def upgrade_to_head(url: str) -> str | None:
    """Apply every pending migration in one transaction; returns the revision reached."""
    engine = create_engine(url, writer=True, foreign_keys=False)
    try:
        async with engine.begin() as connection:
            if not is_sqlite(url):
                # Replicas starting together migrate one at a time; the others then find the
                # schema current. Held until this transaction ends.
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATIONS_KEY}
                )
            await connection.run_sync(_upgrade)
            if is_sqlite(url):
                await connection.run_sync(_check_foreign_keys)
        return await current_revision_on(engine)
    finally:
        await engine.dispose()


async def current_revision(url: str) -> str | None:
    """The revision the database is at, or None for an empty database."""
    engine = create_engine(url)
    try:
        return await current_revision_on(engine)
    finally:
        await engine.dispose()


async def current_revision_on(engine: AsyncEngine) -> str | None:
    """Read the revision through an already open engine."""
    async with engine.connect() as connection:
        return await connection.run_sync(_revision)


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _check_foreign_keys(connection: Connection) -> None:
    """Foreign keys were off while migrating; refuse to commit if any reference is broken."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"migration left {len(broken)} broken references, e.g. {broken[0]}")


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
