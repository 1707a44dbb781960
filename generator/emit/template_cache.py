"""Where compiled templates are kept between runs: a Jinja2 bytecode cache in the user's cache.

The folder's name is a digest of everything the compiled code depends on besides a template's
source: the generator's version, Jinja2's version, the Python version and the environment's
options and filter names. Jinja2 itself keys each entry by the template's path and checks a
checksum of its source, so an edited template is compiled again, never served stale.

`OPENAPI_CONTRACT_CACHE_DIR` moves the cache (`off` turns it off); by default it lives in
`$XDG_CACHE_HOME` (`~/.cache`) under `openapi-contract-toolkit/`. A cache that cannot be
written is skipped: it only ever saves time, it never fails a run.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache

import generator
from generator import timing
from generator.cache_dir import cache_root


def cache_key(options: Mapping[str, Any], filters: Sequence[str]) -> str:
    parts = [
        f"generator={generator.__version__}",
        f"jinja2={jinja2.__version__}",
        f"python={sys.implementation.cache_tag}",
        *(f"{name}={_stable(value)}" for name, value in sorted(options.items())),
        "filters=" + ",".join(filters),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def _stable(value: Any) -> str:
    """An option's value as text that is the same in every process (no memory addresses)."""
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    return repr(value)


class TemplateBytecodeCache(FileSystemBytecodeCache):
    """Jinja2's file system cache, counting hits and misses, and never failing a run."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a truncated or foreign file: compile from source instead
            bucket.reset()
        hit = bucket.code is not None
        timing.add("templates: from the bytecode cache" if hit else "templates: compiled", 0.0)

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)  # a temporary file renamed: safe beside other runs
        except OSError:
            pass


def bytecode_cache(
    options: Mapping[str, Any], filters: Sequence[str]
) -> TemplateBytecodeCache | None:
    root = cache_root()
    if root is None:
        return None
    folder = root / f"templates-{cache_key(options, filters)}"
    return TemplateBytecodeCache(str(folder), "%s.jinjac")
