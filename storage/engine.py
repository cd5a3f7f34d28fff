"""Engines and sessions: concurrent reads, and on SQLite one writer at a time."""

from __future__ import annotations

import asyncio
import contextvars
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.retrying import sqlstate

SQLITE_BUSY_TIMEOUT_MS = 5000
# PostgreSQL's "lock not available" and "query cancelled by statement_timeout".
_PG_DEADLINE_STATES = frozenset({"55P03", "57014"})
# The moment (event-loop time) by which a transaction opened in this context must have begun
# writing; set by whoever owes a person an answer (a form closes only after its commit).
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "write_deadline", default=None
)


class WriterBusy(Exception):
    """The change could not begin before its deadline: nothing was written, try again."""


@contextmanager
def write_deadline(seconds: float) -> Iterator[None]:
    """Writes opened inside must begin within `seconds` (real time) or raise WriterBusy.

    Real time on purpose: it is Slack's three-second window, not the simulated clock.
    """
    with deadline_at(asyncio.get_running_loop().time() + seconds):
        yield


def current_deadline() -> float | None:
    """This context's write deadline (event-loop time), to hand to work done elsewhere."""
    return _deadline.get()


@contextmanager
def deadline_at(moment: float | None) -> Iterator[None]:
    """Carry a deadline taken with current_deadline() into another task (None: no deadline)."""
    token = _deadline.set(moment)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining_budget() -> float | None:
    """Seconds left before this context's write deadline, or None when it has none."""
    deadline = _deadline.get()
    if deadline is None:
        return None
    return deadline - asyncio.get_running_loop().time()


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
        # One connection; writers queue in front of it on Database's lock, which knows deadlines.
        engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=3600.0)
        _install_sqlite_pragmas(engine, begin="BEGIN IMMEDIATE", foreign_keys=foreign_keys)
    else:
        engine = create_async_engine(url, pool_size=8, max_overflow=8)
        _install_sqlite_pragmas(engine, begin="BEGIN")
    return engine


class WriterTurns:
    """SQLite's one writer, handed first to changes a person is waiting on, then to the rest.

    A change made inside write_deadline() (a form, a click) goes ahead of background work
    (sending, timers, Home refreshes) that queued before it; each queue is first come first
    served.
    """

    def __init__(self) -> None:
        """Start free."""
        self._busy = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._background: deque[asyncio.Future[None]] = deque()

    async def acquire(self, *, urgent: bool) -> None:
        """Wait for the writer's turn; cancelling the wait gives up the place in the queue."""
        if not self._busy:
            self._busy = True
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._urgent if urgent else self._background
        queue.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # the turn came as the wait was cancelled: pass it on
            elif turn in queue:
                queue.remove(turn)
            raise

    def release(self) -> None:
        """Hand the writer to the next waiter, urgent ones first."""
        for queue in (self._urgent, self._background):
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self._busy = False


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
        self._writer = WriterTurns()  # SQLite has one writer: queue here, where time is known

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One writing transaction: committed on success, rolled back on any error.

        Inside write_deadline(), a transaction that cannot begin in time raises WriterBusy
        and writes nothing, so the person can be told and keep what they typed.
        """
        budget = remaining_budget()
        if self.is_sqlite:
            await self._take_writer(budget)
            try:
                async with self._writes() as session, session.begin():
                    yield session
            finally:
                self._writer.release()
            return
        try:
            async with self._writes() as session, session.begin():
                if budget is not None:
                    await _limit_waits(session, budget)
                yield session
        except DBAPIError as exc:
            if sqlstate(exc) in _PG_DEADLINE_STATES and budget is not None:
                raise WriterBusy(str(exc.orig)) from exc
            raise

    async def _take_writer(self, budget: float | None) -> None:
        if budget is None:
            await self._writer.acquire(urgent=False)
            return
        try:
            async with asyncio.timeout(max(budget, 0.0)):
                await self._writer.acquire(urgent=True)
        except TimeoutError:
            raise WriterBusy("the database was busy with other changes") from None

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


async def _limit_waits(session: AsyncSession, budget: float) -> None:
    """PostgreSQL: give up on row locks and statements that would outlast the deadline."""
    millis = max(1, int(budget * 1000))
    await session.execute(
        text(
            "SELECT set_config('lock_timeout', :lock, true), "
            "set_config('statement_timeout', :statement, true)"
        ),
        {"lock": f"{millis}ms", "statement": f"{millis + 1000}ms"},
    )
