"""Views a user can see: modal stacks (at most 3 deep) and each user's App Home tab."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field

from simulator import elements, ids
from simulator.args import ApiError
from simulator.config import SimConfig
from simulator.elements import JsonDict, text_of
from simulator.rendering import Directory, Renderer
from simulator.viewstate import shown_inputs

MAX_STACK = 3


@dataclass(eq=False)
class SimView:
    """One view as the simulator holds it: the app's definition plus Slack's bookkeeping."""

    id: str
    user_id: str
    definition: JsonDict
    hash: str
    root_view_id: str
    previous_view_id: str | None = None
    external_id: str = ""
    # Live input state, block_id -> action_id -> {"type": ..., value field}.
    state: JsonDict = field(default_factory=dict)
    directory: Directory | None = field(default=None, repr=False)
    now: Callable[[], float] = field(default=lambda: 0.0, repr=False)
    tz: str = field(default="UTC", repr=False)

    @property
    def type(self) -> str:
        """Return `modal` or `home`."""
        return str(self.definition.get("type", "modal"))

    @property
    def callback_id(self) -> str:
        """Return the app's callback_id ("" when none)."""
        return str(self.definition.get("callback_id", ""))

    @property
    def private_metadata(self) -> str:
        """Return the app's private_metadata ("" when none)."""
        return str(self.definition.get("private_metadata", ""))

    @property
    def title(self) -> str:
        """Return the title text."""
        return text_of(self.definition.get("title"))

    @property
    def blocks(self) -> list[JsonDict]:
        """Return the view's blocks."""
        return list(self.definition.get("blocks", []))

    @property
    def notify_on_close(self) -> bool:
        """Return True when closing the view must send view_closed."""
        return bool(self.definition.get("notify_on_close"))

    @property
    def rendered(self) -> str:
        """What a person sees: title, blocks with current input values, buttons."""
        renderer = Renderer(self.directory, tz=self.tz, now=self.now())
        return renderer.view(self.definition, self.state)

    def block(self, block_id: str) -> JsonDict | None:
        """Return the block with this block_id, if any."""
        return next((b for b in self.blocks if b.get("block_id") == block_id), None)

    def input_block_ids(self) -> list[str]:
        """Return the block_ids of the input blocks, in order."""
        return [str(b.get("block_id")) for b in self.blocks if b.get("type") == "input"]

    def action_ids(self) -> list[str]:
        """Return the action_ids of every interactive element."""
        return elements.action_ids(self.blocks)

    def to_api(self, config: SimConfig) -> JsonDict:
        """Return the view object as Slack sends it (views.* answers and payloads)."""
        view: JsonDict = {
            "id": self.id,
            "team_id": config.team_id,
            "type": self.type,
            "blocks": copy.deepcopy(self.blocks),
            "private_metadata": self.private_metadata,
            "callback_id": self.callback_id,
            "state": {"values": copy.deepcopy(self.state)},
            "hash": self.hash,
            "title": self.definition.get("title"),
            "clear_on_close": bool(self.definition.get("clear_on_close")),
            "notify_on_close": self.notify_on_close,
            "close": self.definition.get("close"),
            "submit": self.definition.get("submit"),
            "previous_view_id": self.previous_view_id,
            "root_view_id": self.root_view_id,
            "app_id": config.app_id,
            "external_id": self.external_id,
            "app_installed_team_id": config.team_id,
            "bot_id": config.bot_id,
        }
        return view


class Surfaces:
    """All open modals and published Home tabs, keyed by user and by view id."""

    def __init__(self, config: SimConfig, clock: Callable[[], float], directory: Directory) -> None:
        """Hold views for one workspace."""
        self._config = config
        self._clock = clock
        self._directory = directory
        self._stacks: dict[str, list[SimView]] = {}
        self._homes: dict[str, SimView] = {}
        self._by_id: dict[str, SimView] = {}
        self._by_trigger: dict[str, list[SimView]] = {}

    def _new(self, user_id: str, definition: JsonDict, *, root: SimView | None) -> SimView:
        view_id = ids.slack_id("V")
        external_id = str(definition.get("external_id", ""))
        if external_id and self.by_external_id(external_id):
            raise ApiError("duplicate_external_id")
        view = SimView(
            view_id,
            user_id,
            copy.deepcopy(definition),
            ids.view_hash(self._clock()),
            root.root_view_id if root else view_id,
            previous_view_id=None,
            external_id=external_id,
            directory=self._directory,
            now=self._clock,
            tz=self._config.render_tz,
        )
        view.definition["blocks"] = elements.with_generated_ids(view.blocks)
        self._by_id[view_id] = view
        return view

    def open(self, user_id: str, definition: JsonDict, *, trigger_id: str) -> SimView:
        """Open a modal as the root of a new stack (closing any modal the user had open)."""
        self.clear(user_id)
        view = self._new(user_id, definition, root=None)
        self._stacks[user_id] = [view]
        self._by_trigger.setdefault(trigger_id, []).append(view)
        return view

    def push(self, user_id: str, definition: JsonDict, *, trigger_id: str | None) -> SimView:
        """Push a view on the user's modal stack (3 at most)."""
        stack = self._stacks.get(user_id)
        if not stack:
            raise ApiError("not_found")
        if len(stack) >= MAX_STACK:
            raise ApiError("push_limit_reached")
        view = self._new(user_id, definition, root=stack[0])
        view.previous_view_id = stack[-1].id
        stack.append(view)
        if trigger_id:
            self._by_trigger.setdefault(trigger_id, []).append(view)
        return view

    def update(self, view: SimView, definition: JsonDict) -> SimView:
        """Replace a view's content in place: same id, new hash, inputs kept where ids match.

        As in Slack, an input whose block_id and action_id stay the same keeps what it showed,
        typed or not, and a new `initial_value` (or `initial_option` ...) on it is ignored; an
        app that wants to put a new value in an input must give the block a new block_id.
        """
        external_id = str(definition.get("external_id", view.external_id))
        other = self.by_external_id(external_id) if external_id else None
        if other is not None and other is not view:
            raise ApiError("duplicate_external_id")
        view.state = shown_inputs(view.blocks, view.state)
        view.definition = copy.deepcopy(definition)
        view.definition["blocks"] = elements.with_generated_ids(view.blocks)
        view.external_id = external_id
        view.hash = ids.view_hash(self._clock())
        kept = {b.get("block_id"): elements.action_ids([b]) for b in view.blocks}
        view.state = {
            block_id: {a: v for a, v in actions.items() if a in kept[block_id]}
            for block_id, actions in view.state.items()
            if block_id in kept
        }
        return view

    def publish(self, user_id: str, definition: JsonDict) -> SimView:
        """Publish (or republish) the user's Home tab."""
        home = self._homes.get(user_id)
        if home is not None:
            return self.update(home, definition)
        home = self._new(user_id, definition, root=None)
        self._homes[user_id] = home
        return home

    def find(self, view_id: str) -> SimView | None:
        """Return an open modal view or a Home view by id."""
        return self._by_id.get(view_id)

    def by_external_id(self, external_id: str) -> SimView | None:
        """Return the open view carrying this external_id."""
        return next((v for v in self._by_id.values() if v.external_id == external_id), None)

    def stack(self, user_id: str) -> list[SimView]:
        """Return the user's modal stack, root first."""
        return list(self._stacks.get(user_id, []))

    def top(self, user_id: str) -> SimView | None:
        """Return the modal the user is looking at, if any."""
        stack = self._stacks.get(user_id)
        return stack[-1] if stack else None

    def home(self, user_id: str) -> SimView | None:
        """Return the user's published Home tab, if any."""
        return self._homes.get(user_id)

    def opened_with(self, trigger_id: str) -> list[SimView]:
        """Return the views opened or pushed with a trigger (open or since closed)."""
        return list(self._by_trigger.get(trigger_id, []))

    def close(self, view: SimView) -> list[SimView]:
        """Close a modal view and any view stacked above it; return what closed."""
        stack = self._stacks.get(view.user_id, [])
        if view not in stack:
            return []
        closed = stack[stack.index(view) :]
        del stack[stack.index(view) :]
        for gone in closed:
            self._by_id.pop(gone.id, None)
        if not stack:
            self._stacks.pop(view.user_id, None)
        return closed

    def clear(self, user_id: str) -> list[SimView]:
        """Close the user's whole modal stack; return what closed."""
        stack = self._stacks.get(user_id)
        return self.close(stack[0]) if stack else []
