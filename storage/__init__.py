"""Persistence for Liaison: tables, sessions, queries and migrations; knows nothing of Slack."""
