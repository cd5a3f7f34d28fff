"""Liaison: mission-partner communication in Slack."""

__version__ = "0.1.0"
