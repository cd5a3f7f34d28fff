"""The door in front of Bolt (HTTP mode): every request is checked before Bolt reads it.

Bolt answers some malformed requests with 5xx, which tells Slack to retry, and guesses a
form body's kind from its text (a slash command mentioning "payload" is misread). The guard
verifies the signature, bounds the size and depth, parses the body itself, checks the types
of the fields Liaison reads, and hands Bolt a JSON body it cannot misread.
"""

from bot.app.guard.door import Admitted, Refused, admit

__all__ = ["Admitted", "Refused", "admit"]
