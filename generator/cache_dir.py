"""The folder every cache of the toolkit goes under (compiled templates, models, formatted files,
the background processes' sockets).

`OPENAPI_CONTRACT_CACHE_DIR` moves it (`off` turns every cache off); by default it is
`$XDG_CACHE_HOME` (`~/.cache`) `/openapi-contract-toolkit`. Standard library only: the warm
generator's client (generator.warm_client) reads it before anything else is imported.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "OPENAPI_CONTRACT_CACHE_DIR"
_OFF = ("", "0", "off", "none", "false", "no")


def cache_root() -> Path | None:
    """The folder every cache of the toolkit goes under, or None when caching is off."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return None if configured.strip().lower() in _OFF else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder to be found: no cache, never a failed run
            return None
    return Path(base) / "openapi-contract-toolkit"
