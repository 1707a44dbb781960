"""The OpenAI API key: from a secrets file (re-read when it changes) or OPENAI_API_KEY.

The key never appears in a response or a log line: `RedactingFilter` replaces every key this
provider has handed out in every log record.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

REDACTED = "[REDACTED]"


class ApiKeyProvider:
    def __init__(self, file: Path | None) -> None:
        self.file = file
        self._lock = threading.Lock()
        self._cached: tuple[float, str | None] | None = None
        self.seen: set[str] = set()

    def get(self) -> str | None:
        """The current key; a rotated secrets file is picked up without a restart."""
        key: str | None = None
        if self.file is not None:
            try:
                mtime = self.file.stat().st_mtime_ns
            except OSError:
                mtime = -1
            with self._lock:
                if self._cached is None or self._cached[0] != mtime:
                    text = self.file.read_text(encoding="utf-8").strip() if mtime >= 0 else ""
                    self._cached = (mtime, text or None)
                key = self._cached[1]
        if key is None:
            key = os.environ.get("OPENAI_API_KEY") or None
        if key:
            self.seen.add(key)
        return key


class RedactingFilter(logging.Filter):
    """Replaces every secret of `provider` (and request-given keys) in log records."""

    def __init__(self, provider: ApiKeyProvider) -> None:
        super().__init__()
        self.provider = provider

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = [s for s in self.provider.seen if s]
        if not secrets:
            return True
        message = record.getMessage()
        if any(s in message for s in secrets):
            for s in secrets:
                message = message.replace(s, REDACTED)
            record.msg, record.args = message, None
        return True


def install_redaction(provider: ApiKeyProvider) -> None:
    flt = RedactingFilter(provider)
    for name in ("", "reference", "uvicorn", "uvicorn.access", "uvicorn.error", "httpx"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(flt)
    for handler in logging.getLogger().handlers:
        handler.addFilter(flt)
