"""Where Block Kit is drawn: a message, a Home tab or a modal, and what their forms carry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.app.sandbox.markup import Names, esc
from simulator.elements import JsonDict


@dataclass(frozen=True)
class FormContext:
    """What every form on the page carries: who is acting and the page's anti-forgery token."""

    actor: str
    token: str


@dataclass(frozen=True)
class Surface:
    """A message or Home (one small form per element) or a modal (one form for the view)."""

    names: Names
    form: FormContext
    users: Sequence[tuple[str, str]]
    # "/act/message" or "/act/home"; empty inside a modal, whose single form is drawn around us.
    action: str = ""
    # Hidden fields every element form carries besides token/as (a message's channel and ts).
    extra: tuple[tuple[str, str], ...] = ()
    # A modal's live input: block_id -> action_id -> state leaf.
    state: JsonDict = field(default_factory=dict)

    @property
    def modal(self) -> bool:
        """Return True when elements sit inside a modal's one form."""
        return not self.action

    def hidden_fields(self) -> str:
        """The token and actor fields (and any extras) that every form starts with."""
        pairs = [("token", self.form.token), ("as", self.form.actor), *self.extra]
        return "".join(hidden(name, value) for name, value in pairs)


def hidden(name: str, value: str) -> str:
    """A hidden form field, name and value attribute-escaped."""
    return f'<input type="hidden" name="{esc(name)}" value="{esc(value)}">'
