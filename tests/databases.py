"""Test databases: a migrated SQLite file per test, and PostgreSQL when a server is there."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage.base import Base
from storage.engine import create_engine
from storage.migrate import alembic_config, upgrade_to_head

T = TypeVar("T")
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def run_blocking(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, even inside a running event loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def postgres_admin_url() -> str | None:
    """TEST_POSTGRES_URL if set, else the local server if one answers; None when there is none."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if url:
        return url
    return DEFAULT_POSTGRES_URL if run_blocking(_answers(DEFAULT_POSTGRES_URL)) else None


async def _answers(url: str) -> bool:
    engine = create_async_engine(url, connect_args={"timeout": 2})
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure means "no usable server"
        return False
    finally:
        await engine.dispose()


async def create_postgres_database(admin_url: str) -> str:
    """Create an empty, migrated database for this test session; returns its URL."""
    name = f"liaison_test_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    await upgrade_to_head(url)
    return url


async def drop_postgres_database(admin_url: str, url: str) -> None:
    """Remove a database made by create_postgres_database."""
    name = make_url(url).database
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def empty_postgres_database(url: str) -> None:
    """Truncate every table so each test starts from nothing."""
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


async def migrated_sqlite_template(folder: Path) -> Path:
    """Migrate one SQLite file per session; tests copy it, which is far cheaper than migrating."""
    path = folder / "template.db"
    await upgrade_to_head(f"sqlite+aiosqlite:///{path}")
    return path


def copy_sqlite(template: Path, target: Path) -> str:
    """A fresh database file for one test; returns its URL."""
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


async def migrate(url: str, revision: str, *, down: bool = False) -> None:
    """Move the schema to `revision` as `liaison migrate` would (foreign keys off on SQLite),
    for tests of what a migration does to rows filed before it."""
    engine = create_engine(url, writer=True, foreign_keys=False)

    def move(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(move)
    finally:
        await engine.dispose()
