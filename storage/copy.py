"""Copy every table of one Liaison database into another (SQLite to PostgreSQL, say).

The target is migrated first and must be empty; rows go over in foreign-key order in one
target transaction, id sequences are moved past the copied ids, and the counts are compared
table by table before anything is committed.
"""

from __future__ import annotations

from sqlalchemy import Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.base import Base
from storage.engine import create_engine, is_sqlite
from storage.migrate import current_revision, head_revision, upgrade_to_head

BATCH = 1000


class CopyError(Exception):
    """The copy cannot start or did not match; nothing was committed to the target."""


async def copy_database(source_url: str, target_url: str) -> dict[str, int]:
    """Copy every table from `source_url` into the empty `target_url`; returns rows per table."""
    if await current_revision(source_url) != head_revision():
        raise CopyError("the source database is not at the newest schema: run `liaison migrate`")
    await upgrade_to_head(target_url)
    source, target = create_engine(source_url), create_engine(target_url)
    try:
        async with source.connect() as reader, target.begin() as writer:
            await _require_empty(writer)
            counts = {}
            for table in Base.metadata.sorted_tables:
                counts[table.name] = await _copy_table(reader, writer, table)
            if not is_sqlite(target_url):
                await _advance_sequences(writer)
            copied = await _counts(writer)
            if copied != counts:
                raise CopyError(f"row counts differ after copying: {counts} != {copied}")
        return counts
    finally:
        await _dispose(source, target)


async def _require_empty(writer: AsyncConnection) -> None:
    counts = await _counts(writer)
    filled = {name: n for name, n in counts.items() if n}
    if filled:
        listed = ", ".join(f"{name} ({n} rows)" for name, n in sorted(filled.items()))
        raise CopyError(f"the target database is not empty: {listed}")


async def _counts(connection: AsyncConnection) -> dict[str, int]:
    return {
        table.name: int(await connection.scalar(select(func.count()).select_from(table)) or 0)
        for table in Base.metadata.sorted_tables
    }


async def _copy_table(reader: AsyncConnection, writer: AsyncConnection, table: Table) -> int:
    """Stream one table across in primary-key order (parents before the rows that refer to them)."""
    copied = 0
    result = await reader.stream(select(table).order_by(*table.primary_key.columns))
    async for batch in result.partitions(BATCH):
        await writer.execute(table.insert(), [dict(row._mapping) for row in batch])
        copied += len(batch)
    return copied


async def _advance_sequences(writer: AsyncConnection) -> None:
    """New rows on PostgreSQL must get ids after the copied ones."""
    for table in Base.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        highest = await writer.scalar(select(func.max(column)))
        await writer.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, :column), :next, false)"),
            {"table": table.name, "column": column.name, "next": int(highest or 0) + 1},
        )


async def _dispose(*engines: AsyncEngine) -> None:
    for engine in engines:
        await engine.dispose()
