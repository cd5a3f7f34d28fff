"""A bounded memory of what already arrived, so a redelivered event is handled once."""

from __future__ import annotations

from collections import OrderedDict

# Slack retries an event at most three times within about six minutes; at Slack's cap of
# 30,000 events an hour, 10,000 remembered ids cover far more than that window.
REMEMBERED = 10_000


class SeenIds:
    """Remembers the most recent ids, forgetting the oldest beyond `capacity`."""

    def __init__(self, capacity: int = REMEMBERED) -> None:
        """Remember at most `capacity` ids."""
        self._capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, key: str) -> bool:
        """True the first time `key` is offered (and remember it); False on every repeat."""
        if key in self._ids:
            self._ids.move_to_end(key)
            return False
        self._ids[key] = None
        if len(self._ids) > self._capacity:
            self._ids.popitem(last=False)
        return True

    def __len__(self) -> int:
        """How many ids are remembered now."""
        return len(self._ids)
