"""Closing the loop: the partner confirms or reopens, the poll, and follow-ups of low scores."""
