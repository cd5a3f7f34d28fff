"""Migrations build exactly the schema the models describe, on both dialects."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage.base import Base
from storage.engine import create_engine
from storage.migrate import current_revision, head_revision, upgrade_to_head
from storage.search import include_name


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": include_name}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
    finally:
        await engine.dispose()
    assert await current_revision(database_url) == head_revision()


async def test_upgrading_twice_is_harmless(database_url: str) -> None:
    assert await upgrade_to_head(database_url) == head_revision()
    assert await upgrade_to_head(database_url) == head_revision()


async def test_a_new_sqlite_file_and_its_folder_are_created(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh' / 'liaison.db'}"
    assert await current_revision(url) is None
    assert await upgrade_to_head(url) == head_revision()
    assert (tmp_path / "fresh" / "liaison.db").exists()
