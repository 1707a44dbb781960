"""The OpenAI API key: from a secrets file (re-read when it changes) or OPENAI_API_KEY.

The key never appears in a response or a log line: `RedactingFilter` replaces every key this
provider has handed out in every log record. Keys sent in requests (BYOK) are remembered for that
too, but only the most recent `REQUEST_KEYS_KEPT` (and a request key is at most
`MAX_API_KEY_CHARS`, checked before it is used): clients cannot grow this process by sending keys.
Anything shaped like an OpenAI key (`sk-...`, `ek_...`) is redacted whether remembered or not.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

REDACTED = "[REDACTED]"
REQUEST_KEYS_KEPT = 256
MAX_API_KEY_CHARS = 256
_KEY_SHAPE = re.compile(r"\b(?:sk|ek)[-_][A-Za-z0-9_-]{8,}")


class RecentKeys:
    """The keys to redact: the provider's own, and the most recent request keys (bounded)."""

    def __init__(self, keep: int = REQUEST_KEYS_KEPT) -> None:
        self.keep = keep
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, key: str) -> None:
        with self._lock:
            self._keys.pop(key, None)
            self._keys[key] = None
            while len(self._keys) > self.keep:
                self._keys.popitem(last=False)

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._keys))

    def __len__(self) -> int:
        return len(self._keys)


class ApiKeyProvider:
    def __init__(self, file: Path | None) -> None:
        self.file = file
        self._lock = threading.Lock()
        self._cached: tuple[float, str | None] | None = None
        self.seen = RecentKeys()

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
        message = record.getMessage()
        changed = _KEY_SHAPE.sub(REDACTED, message)
        for s in secrets:
            if s in changed:
                changed = changed.replace(s, REDACTED)
        if changed != message:
            record.msg, record.args = changed, None
        return True


def install_redaction(provider: ApiKeyProvider) -> None:
    flt = RedactingFilter(provider)
    for name in ("", "reference", "uvicorn", "uvicorn.access", "uvicorn.error", "httpx"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(flt)
    for handler in logging.getLogger().handlers:
        handler.addFilter(flt)
