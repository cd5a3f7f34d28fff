"""`views.publish` carries the hash of the Home it replaces, so an older one cannot win.

Slack answers `hash_conflict` when the Home changed since the hash given. Liaison learns each
person's hash from its own views.publish answers (and, for someone it has not published to
since starting, from the app_home_opened event); on a conflict it forgets the hash and the
Home is rendered again from the current state on the next scheduler pass.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

logger = logging.getLogger(__name__)
REMEMBERED = 10_000
PUBLISH = "views.publish"


class HomeHashes:
    """The last hash Slack reported for each person's Home (bounded; oldest forgotten)."""

    def __init__(self, capacity: int = REMEMBERED) -> None:
        """Remember at most `capacity` people's hashes."""
        self._capacity = capacity
        self._hashes: OrderedDict[str, str] = OrderedDict()
        self._conflicts: set[str] = set()

    def get(self, user_id: str) -> str | None:
        """The hash to send with this person's next views.publish, if known."""
        return self._hashes.get(user_id)

    def saw(self, user_id: str, view_hash: str) -> None:
        """Slack answered a views.publish with this hash: it is the Home shown now."""
        self._hashes[user_id] = view_hash
        self._hashes.move_to_end(user_id)
        while len(self._hashes) > self._capacity:
            self._hashes.popitem(last=False)

    def opened_with(self, user_id: str, view_hash: str) -> None:
        """app_home_opened showed this hash; used only when Liaison knows none newer."""
        if user_id not in self._hashes:
            self.saw(user_id, view_hash)

    def conflicted(self, user_id: str) -> None:
        """Slack refused a publish: forget the hash and render this Home again."""
        self._hashes.pop(user_id, None)
        self._conflicts.add(user_id)

    def take_conflicts(self) -> list[str]:
        """The people whose Home must be rendered again, once each."""
        taken, self._conflicts = sorted(self._conflicts), set()
        return taken


class HashingClient(AsyncWebClient):
    """The outbox's Web API client: adds and learns views.publish hashes, nothing else."""

    def __init__(self, *, hashes: HomeHashes, **kwargs: Any) -> None:
        """Build the client as AsyncWebClient would, sharing `hashes` with the Home desk."""
        super().__init__(**kwargs)
        self.hashes = hashes

    async def api_call(
        self, api_method: str, *, json: dict[str, Any] | None = None, **kwargs: Any
    ) -> AsyncSlackResponse:
        """views.publish goes out with the known hash; every other call is untouched."""
        if api_method != PUBLISH or json is None or not isinstance(json.get("user_id"), str):
            return await super().api_call(api_method, json=json, **kwargs)
        user_id = json["user_id"]
        known = self.hashes.get(user_id)
        args = {**json, "hash": known} if known else json
        try:
            response = await super().api_call(api_method, json=args, **kwargs)
        except SlackApiError as exc:
            if exc.response.get("error") == "hash_conflict":
                logger.info("home changed elsewhere; rendering it again user=%s", user_id)
                self.hashes.conflicted(user_id)
            raise
        view = response.get("view")
        if isinstance(view, dict) and isinstance(view.get("hash"), str):
            self.hashes.saw(user_id, view["hash"])
        return response
