"""Log set-up: key=value or JSON lines, and no token or secret ever written."""

from __future__ import annotations

import atexit
import copy
import json
import logging
import logging.handlers
import queue
import re
import sys
from collections.abc import Iterable

_TOKEN = re.compile(r"xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+")
_REQUEST = re.compile(r"\brequest=(REQ-\d+)\b")
REDACTED = "[redacted]"


class RedactingFilter(logging.Filter):
    """Replaces Slack tokens and configured secrets in every record before it is formatted."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        """Remember the literal secrets to hide besides anything shaped like a token."""
        super().__init__()
        self._secrets = [s for s in secrets if len(s) >= 6]

    def redact(self, text: str) -> str:
        """Return `text` with secrets removed."""
        text = _TOKEN.sub(REDACTED, text)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, redacted, so formatters never see the raw values."""
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line for log pipelines; `request=REQ-42` also becomes a field."""

    def format(self, record: logging.LogRecord) -> str:
        """Serialise the essentials of a record."""
        message = record.getMessage()
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
        }
        request = _REQUEST.search(message)
        if request:
            data["request"] = request[1]
        if record.exc_text:
            data["exception"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


class HandOff(logging.handlers.QueueHandler):
    """Passes redacted records to a writer thread, so the event loop never waits on stderr."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        """Keep the record as the filter left it (message rendered, exception as text)."""
        prepared = copy.copy(record)
        prepared.exc_info = None
        return prepared


_listener: logging.handlers.QueueListener | None = None


def configure_logging(*, level: str, json_lines: bool, secrets: Iterable[str]) -> None:
    """Send logs to stderr from a writer thread, with redaction before anything leaves."""
    global _listener
    writer = logging.StreamHandler(sys.stderr)
    if json_lines:
        writer.setFormatter(JsonFormatter())
    else:
        writer.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    hand_off = HandOff(records)
    hand_off.addFilter(RedactingFilter(secrets))
    stop_logging()
    _listener = logging.handlers.QueueListener(records, writer)
    _listener.start()
    root = logging.getLogger()
    root.handlers[:] = [hand_off]
    root.setLevel(level)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)


@atexit.register
def stop_logging() -> None:
    """Write out what is queued and stop the writer thread (at exit, or before reconfiguring)."""
    global _listener
    if _listener is not None:
        _listener.stop()
        _listener = None
