"""Alembic migrations for Liaison's schema."""
