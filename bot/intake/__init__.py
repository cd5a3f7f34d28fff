"""Intake: a request is filed, numbered, stored and announced, then looked at for patterns."""
