"""Group commit: one writer takes the changes that arrive together and commits them at once.

A burst of filings costs one transaction (and, on SQLite, one turn of its single writer)
instead of one each. Every caller still waits for the commit that carries its change, so an
acknowledgement sent after `submit` returns means the change is stored.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from storage.engine import Database, WriterBusy, current_deadline, deadline_at

logger = logging.getLogger(__name__)
J = TypeVar("J")
R = TypeVar("R")
BatchWriter = Callable[[AsyncSession, Sequence[J]], Awaitable[Sequence[R]]]


@dataclass
class _Waiting(Generic[J, R]):
    job: J
    result: asyncio.Future[R]
    deadline: float | None  # event-loop time by which its transaction must have begun
    taken: bool = False  # in a batch being written: its outcome is near, whatever the clock


class GroupCommit(Generic[J, R]):
    """Queues jobs and writes each batch with `write` in one transaction, in arrival order."""

    def __init__(
        self,
        *,
        database: Database,
        write: BatchWriter[J, R],
        committed: Callable[[], None],
        max_batch: int = 64,
    ) -> None:
        """`committed` runs after every successful commit (it wakes the outbox)."""
        self._db = database
        self._write = write
        self._committed = committed
        self._max_batch = max_batch
        self._queue: deque[_Waiting[J, R]] = deque()
        self._worker: asyncio.Task[None] | None = None

    async def submit(self, job: J) -> R:
        """Return once `job` is committed; WriterBusy if it could not begin before the deadline.

        The caller never waits past its deadline for a writer that has not yet taken its job:
        a partner is answered in time, and a job withdrawn unwritten is never written later.
        """
        loop = asyncio.get_running_loop()
        waiting: _Waiting[J, R] = _Waiting(job, loop.create_future(), current_deadline())
        self._queue.append(waiting)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain(), name="group-commit")
        if waiting.deadline is not None:
            await asyncio.wait({waiting.result}, timeout=max(0.0, waiting.deadline - loop.time()))
            if not waiting.result.done() and not waiting.taken:
                self._queue.remove(waiting)
                waiting.result.cancel()
                raise WriterBusy("the change waited too long to be stored")
        return await waiting.result

    async def _drain(self) -> None:
        while self._queue:
            batch = [self._queue.popleft() for _ in range(min(self._max_batch, len(self._queue)))]
            for waiting in batch:
                waiting.taken = True
            live = self._drop_expired(batch)
            if live:
                await self._commit(live)

    @staticmethod
    def _drop_expired(batch: list[_Waiting[J, R]]) -> list[_Waiting[J, R]]:
        """Jobs whose deadline passed while queued are refused now: nothing of them is written."""
        now = asyncio.get_running_loop().time()
        live = []
        for waiting in batch:
            if waiting.result.done():  # the caller went away (cancelled): write nothing
                continue
            if waiting.deadline is not None and waiting.deadline <= now:
                waiting.result.set_exception(WriterBusy("the change waited too long to be stored"))
            else:
                live.append(waiting)
        return live

    async def _commit(self, batch: list[_Waiting[J, R]]) -> None:
        deadlines = [w.deadline for w in batch if w.deadline is not None]
        try:
            with deadline_at(min(deadlines) if deadlines else None):
                async with self._db.transaction() as session:
                    results = await self._write(session, [w.job for w in batch])
        except WriterBusy as busy:
            for waiting in batch:
                _fail(waiting, busy)
            return
        except Exception as failure:
            if len(batch) == 1:
                _fail(batch[0], failure)
                return
            # One bad change must not sink the others: write them one at a time instead.
            logger.warning("a batch of %s changes failed; storing them one by one", len(batch))
            for waiting in batch:
                await self._commit([waiting])
            return
        self._committed()
        for waiting, result in zip(batch, results, strict=True):
            if not waiting.result.done():
                waiting.result.set_result(result)


def _fail(waiting: _Waiting[J, R], error: BaseException) -> None:
    if not waiting.result.done():
        waiting.result.set_exception(error)
