"""Saved replies as technicians see them: their service's, from the catalogue, and the shop's.

A reply travels through Slack as the value of a select option, its key: "c:<title>" for a
catalogue reply (titles are unique within a service, and a title survives the catalogue being
reordered) and "s:<id>" for one the shop saved from Slack.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.summary import RequestSummary

CATALOGUE_KEY = "c:"
SHOP_KEY = "s:"
SHOP_LIMIT = 40  # with a service's 20, one select stays inside Slack's 100 options
TITLE_LIMIT = 75  # Slack's limit on option text
TEXT_LIMIT = 3000  # what the modals' text inputs hold


def catalogue_key(title: str) -> str:
    """The option value of a catalogue reply."""
    return f"{CATALOGUE_KEY}{title}"


def shop_key(reply_id: int) -> str:
    """The option value of a reply the shop saved."""
    return f"{SHOP_KEY}{reply_id}"


@dataclass(frozen=True)
class SavedReply:
    """One reply a technician can pick: the option's key, its title and the text it fills in."""

    key: str
    title: str
    text: str


@dataclass(frozen=True)
class ReplyChoices:
    """The replies offered in one request's modal: its service's first, then the shop's."""

    service_name: str = ""
    service: tuple[SavedReply, ...] = ()
    shop: tuple[SavedReply, ...] = ()

    @property
    def empty(self) -> bool:
        """True when there is nothing to offer (the modal shows no select)."""
        return not self.service and not self.shop

    def find(self, key: str) -> SavedReply | None:
        """The reply behind an option's key, or None (removed or renamed since)."""
        return next((r for r in (*self.service, *self.shop) if r.key == key), None)


@dataclass(frozen=True)
class ReplyForm:
    """What a technician's modal is built from: the request, its replies, and the one picked."""

    request: RequestSummary
    choices: ReplyChoices
    chosen: SavedReply | None = None


@dataclass(frozen=True)
class ShopReply:
    """A reply the shop saved from Slack, with who added and who last changed it."""

    id: int
    title: str
    text: str
    created_by: str
    updated_by: str | None = None


@dataclass(frozen=True)
class ReplyBoard:
    """The shop's saved replies as one person may work them.

    Technicians add replies; supervisors also change and remove them. `editing` is the reply
    whose title and text fill the form, `draft` the text a new one starts from (a message
    someone chose to save), `note` what just happened.
    """

    replies: tuple[ShopReply, ...]
    may_edit: bool
    editing: ShopReply | None = None
    draft: str = ""
    note: str = ""

    @property
    def full(self) -> bool:
        """True when the shop has as many replies as a select can offer beside a service's."""
        return len(self.replies) >= SHOP_LIMIT
