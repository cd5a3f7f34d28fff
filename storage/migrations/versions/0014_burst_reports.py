"""a burst's reports in their own table, with their count on the burst

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from alembic import op

# Migration 0010 kept a burst's reports as one JSON list of request ids, rewritten whole each
# time reports joined: under a long burst every after-filing pass paid for thousands of ids.
# Here they become rows of `burst_reports` (a pass inserts only the new ones) and the burst
# keeps their count. The rows are copied in Python through Core, the same on both dialects;
# ids whose request no longer exists are left out, so the foreign keys hold. The list itself
# stays, unused by this version: replicas of the version before still read and write it while
# they are restarted one at a time, and a later migration drops it.
_BURSTS = sa.table(
    "bursts",
    sa.column("id", sa.Integer()),
    sa.column("request_ids", sa.JSON()),
    sa.column("report_count", sa.Integer()),
)
_MEMBERS = sa.table("burst_reports", sa.column("burst_id"), sa.column("request_id"))
_REQUESTS = sa.table("requests", sa.column("id", sa.Integer()))
_CHUNK = 500  # ids per IN list: well under either database's limit on bound parameters

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision: the table and the count, filled from each burst's list."""
    op.create_table(
        "burst_reports",
        sa.Column("burst_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["burst_id"],
            ["bursts.id"],
            name=op.f("fk_burst_reports_burst_id_bursts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_burst_reports_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("burst_id", "request_id", name=op.f("pk_burst_reports")),
    )
    with op.batch_alter_table("bursts") as batch:
        batch.add_column(
            sa.Column("report_count", sa.Integer(), server_default="0", nullable=False)
        )
    _copy_lists_to_rows(op.get_bind())


def downgrade() -> None:
    """Revert this revision: each burst's list is rebuilt from its rows, oldest first."""
    _copy_rows_to_lists(op.get_bind())
    with op.batch_alter_table("bursts") as batch:
        batch.drop_column("report_count")
    op.drop_table("burst_reports")


def _copy_lists_to_rows(bind: sa.Connection) -> None:
    """A row per report whose request still exists; the burst's count is how many."""
    counts = []
    for burst_id, listed in bind.execute(sa.select(_BURSTS.c.id, _BURSTS.c.request_ids)).all():
        kept: set[int] = set()
        for chunk in _chunks(sorted({int(i) for i in listed or ()})):
            found = sa.select(_REQUESTS.c.id).where(_REQUESTS.c.id.in_(chunk))
            kept.update(bind.scalars(found))
        if kept:
            rows = [{"burst_id": burst_id, "request_id": i} for i in sorted(kept)]
            bind.execute(sa.insert(_MEMBERS), rows)
        counts.append({"b_id": burst_id, "count": len(kept)})
    if counts:
        count = _BURSTS.update().where(_BURSTS.c.id == sa.bindparam("b_id"))
        bind.execute(count.values(report_count=sa.bindparam("count")), counts)


def _copy_rows_to_lists(bind: sa.Connection) -> None:
    """Each burst's request ids, in id order (the order 0010's list kept), as its list."""
    listed: dict[int, list[int]] = {b: [] for b in bind.scalars(sa.select(_BURSTS.c.id))}
    rows = sa.select(_MEMBERS.c.burst_id, _MEMBERS.c.request_id).order_by(
        _MEMBERS.c.burst_id, _MEMBERS.c.request_id
    )
    for burst_id, request_id in bind.execute(rows):
        listed[burst_id].append(request_id)
    if listed:
        lists = _BURSTS.update().where(_BURSTS.c.id == sa.bindparam("b_id"))
        updates = [{"b_id": b, "ids": ids} for b, ids in listed.items()]
        bind.execute(lists.values(request_ids=sa.bindparam("ids", type_=sa.JSON())), updates)


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]
