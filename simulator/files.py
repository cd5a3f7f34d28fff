"""Files in the workspace: what people attach, what the app uploads, and who can download them."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field

from simulator import ids
from simulator.elements import JsonDict

SIGN_IN_PAGE = "<!DOCTYPE html><html><body>Sign in to your workspace</body></html>"


@dataclass
class SimFile:
    """One file: its bytes, its owner and where it was shared (channel id → message ts list)."""

    id: str
    name: str
    title: str
    content: bytes
    user: str
    created: int
    mimetype: str
    shares: dict[str, list[str]] = field(default_factory=dict)
    complete: bool = True  # False between files.getUploadURLExternal and the upload POST
    upload_token: str = ""

    @property
    def filetype(self) -> str:
        """Slack's short type name: the extension, lower-cased (`png`, `pdf`), or `binary`."""
        _, dot, ext = self.name.rpartition(".")
        return ext.lower() if dot and ext else "binary"

    def to_api(self, *, base_url: str, team_id: str, private: bool = True) -> JsonDict:
        """The file object as Slack sends it in `files` of a message and in files.info."""
        download = f"{base_url}files-pri/{team_id}-{self.id}/download/{self.name}"
        body: JsonDict = {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title,
            "mimetype": self.mimetype,
            "filetype": self.filetype,
            "pretty_type": self.filetype.upper(),
            "user": self.user,
            "user_team": team_id,
            "editable": False,
            "size": len(self.content),
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": not private,
            "public_url_shared": False,
            "display_as_bot": False,
            "username": "",
            "url_private": f"{base_url}files-pri/{team_id}-{self.id}/{self.name}",
            "url_private_download": download,
            "permalink": f"{base_url}files/{self.user}/{self.id}/{self.name}",
            "permalink_public": f"{base_url}T0-{self.id}-0000",
            "is_starred": False,
            "has_rich_preview": False,
            "file_access": "visible",
        }
        return body


class FileStore:
    """The workspace's files by id; the upload URLs issued for files still being uploaded."""

    def __init__(self) -> None:
        """Start with no files."""
        self.files: dict[str, SimFile] = {}
        self._uploads: dict[str, str] = {}  # upload token → file id

    def add(
        self,
        *,
        name: str,
        content: bytes,
        user: str,
        created: int,
        title: str | None = None,
        mimetype: str | None = None,
        complete: bool = True,
    ) -> SimFile:
        """Store a file (a person's attachment, or an app upload waiting for its bytes)."""
        guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
        file = SimFile(
            id=ids.slack_id("F", 10),
            name=name,
            title=title or name,
            content=content,
            user=user,
            created=created,
            mimetype=mimetype or guessed,
            complete=complete,
        )
        if not complete:
            file.upload_token = ids.slack_id("u", 16)
            self._uploads[file.upload_token] = file.id
        self.files[file.id] = file
        return file

    def by_upload_token(self, token: str) -> SimFile | None:
        """The file an upload URL was issued for."""
        file_id = self._uploads.get(token)
        return self.files.get(file_id) if file_id else None

    def share(self, file: SimFile, channel: str, ts: str) -> None:
        """Record that the file appears in a message."""
        file.shares.setdefault(channel, []).append(ts)
