"""Deadlines for changes a person is waiting on: a form closes only once its change is stored."""

from __future__ import annotations

from storage.engine import WriterBusy, write_deadline

__all__ = ["WriterBusy", "write_deadline"]
