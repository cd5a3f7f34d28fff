"""What a partner says in their DM with Liaison: posts, files, edits and deletions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SharedFile:
    """A file a person attached to a message, as Slack described it in the event."""

    id: str
    name: str
    size: int
    mimetype: str = ""
    download_url: str = ""  # url_private_download: opens only with the bot token

    @property
    def label(self) -> str:
        """The name with a readable size, for people to recognise the file by."""
        return f"{self.name} ({readable_size(self.size)})"


@dataclass(frozen=True)
class PartnerPost:
    """A new message (text, files or both), possibly a reply in a thread."""

    user: str
    channel: str
    ts: str
    text: str
    thread_ts: str | None = None
    files: tuple[SharedFile, ...] = ()

    @property
    def is_reply(self) -> bool:
        """True for a reply inside a thread (not the thread's first message)."""
        return bool(self.thread_ts) and self.thread_ts != self.ts


@dataclass(frozen=True)
class PartnerEdit:
    """A person changed the text of one of their replies."""

    user: str
    channel: str
    ts: str
    thread_ts: str
    text: str
    previous_text: str
    files: tuple[SharedFile, ...] = ()


@dataclass(frozen=True)
class PartnerDeletion:
    """A person deleted one of their replies."""

    user: str
    channel: str
    ts: str
    thread_ts: str
    previous_text: str


Said = PartnerPost | PartnerEdit | PartnerDeletion


def readable_size(size: int) -> str:
    """Bytes as people read them: 812 bytes, 4.2 KB, 12.5 MB (powers of 1024, as Slack shows)."""
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            return f"{value:.1f} {unit}"
    return f"{size} bytes"  # pragma: no cover - the loop always returns
