"""One leader among replicas sharing a PostgreSQL database, by a session advisory lock.

The lock lives as long as the connection that took it: if the leader dies or loses its
connection, PostgreSQL releases it and the next replica to ask becomes leader. On SQLite there
is only ever one process, and it leads.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

logger = logging.getLogger(__name__)
# Advisory lock keys (any 64-bit numbers Liaison owns): periodic jobs, and migrations.
PERIODIC_JOBS_KEY = 0x4C6961697301
MIGRATIONS_KEY = 0x4C6961697302


class Leadership:
    """Asks for, keeps and checks the periodic jobs' advisory lock on a connection of its own."""

    def __init__(self, engine: AsyncEngine, *, is_sqlite: bool, key: int = PERIODIC_JOBS_KEY):
        """Nothing is taken until the first `check()`."""
        self._engine = engine
        self._always = is_sqlite
        self._key = key
        self._connection: AsyncConnection | None = None

    async def check(self) -> bool:
        """True while this process leads: keeps the lock, or takes it if nobody holds it."""
        if self._always:
            return True
        try:
            if self._connection is not None:
                await self._connection.execute(text("SELECT 1"))  # still ours while it answers
                await self._connection.commit()
                return True
            connection = await self._engine.connect()
            taken = await connection.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
            )
            await connection.commit()  # the session lock outlives this transaction
            if not taken:
                await connection.close()
                return False
            self._connection = connection
            logger.info("this replica now runs the periodic jobs")
            return True
        except Exception:  # the connection is gone, and with it the lock
            logger.warning("lost the periodic jobs' lock; another replica may take over")
            await self.release()
            return False

    async def release(self) -> None:
        """Give the lock up (at shutdown, or after losing the connection)."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            await connection.commit()
        except Exception:  # closing the connection releases it anyway
            logger.debug("advisory unlock failed; closing the connection releases the lock")
        finally:
            await connection.invalidate()
            await connection.close()
