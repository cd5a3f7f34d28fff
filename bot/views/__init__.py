"""bot/views."""
