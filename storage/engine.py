"""Engines and sessions: concurrent reads, and on SQLite one writer at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 5000
WRITER_WAIT = 3600.0  # seconds a transaction may wait for SQLite's single writer connection


def is_sqlite(url: str) -> bool:
    """True for the embedded default."""
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_directory(url: str) -> None:
    """Create the folder of a SQLite file so a fresh clone starts without manual steps."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _install_sqlite_pragmas(engine: AsyncEngine, *, begin: str, foreign_keys: bool = True) -> None:
    """WAL, foreign keys and a busy timeout on every connection; we issue BEGIN ourselves."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


def create_engine(url: str, *, writer: bool = False, foreign_keys: bool = True) -> AsyncEngine:
    """Build an async engine; a SQLite writer engine holds one connection and BEGINs IMMEDIATE.

    `foreign_keys=False` is for migrations only: SQLite rebuilds a table to alter it, and with
    foreign keys on, dropping the old table would cascade into the rows that refer to it.
    """
    if not is_sqlite(url):
        return create_async_engine(url, pool_pre_ping=True)
    ensure_sqlite_directory(url)
    if writer:
        # Writers queue for the one connection rather than fail: under a burst a filing waits
        # (its ack already went out) instead of being lost to a pool timeout.
        engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=WRITER_WAIT)
        _install_sqlite_pragmas(engine, begin="BEGIN IMMEDIATE", foreign_keys=foreign_keys)
    else:
        engine = create_async_engine(url, pool_size=8, max_overflow=8)
        _install_sqlite_pragmas(engine, begin="BEGIN")
    return engine


class Database:
    """Owns the engines; services open one transaction per change through it."""

    def __init__(self, url: str) -> None:
        """Create engines lazily connected; nothing touches the database until first use."""
        self.url = url
        self.is_sqlite = is_sqlite(url)
        self.read_engine = create_engine(url)
        self.write_engine = create_engine(url, writer=True) if self.is_sqlite else self.read_engine
        self._reads = async_sessionmaker(self.read_engine, expire_on_commit=False)
        self._writes = async_sessionmaker(self.write_engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One writing transaction: committed on success, rolled back on any error."""
        async with self._writes() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A read-only session that never blocks the writer."""
        async with self._reads() as session, session.begin():
            yield session

    async def ping(self) -> bool:
        """True when the database answers a query on Liaison's own schema."""
        try:
            async with self.read_engine.connect() as connection:
                await connection.execute(text("SELECT count(*) FROM counters"))
        except Exception:  # any failure means "not healthy"
            return False
        return True

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            await self.write_engine.dispose()
