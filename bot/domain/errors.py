"""Errors the domain raises for people to read; handlers turn them into Slack answers."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A refusal with a message meant for the person who asked."""


class NotFound(DomainError):
    """The thing asked about does not exist, or is not the asker's to see."""


class NotPermitted(DomainError):
    """The asker may not do this; the message says why and what to do instead."""


class InvalidTransition(DomainError):
    """The request is no longer in a state where this change makes sense."""


class Contention(DomainError):
    """The change kept colliding with simultaneous ones to the same request; nothing was saved."""


class FieldErrors(DomainError):
    """Form input that cannot be accepted, keyed by the form field it concerns."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        """Keep the per-field messages for an inline modal answer."""
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class NotStored(Exception):
    """The database could not take what a person said: nothing was written, and it may come
    again (Slack resends an event it was not answered for)."""
