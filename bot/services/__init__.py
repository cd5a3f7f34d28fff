"""bot/services."""
