"""ruff's output for a small document's files kept for the same files, in the user's cache.

An edit of a contract's documentation (a tag's description, the changelog, an overlay's
example) often leaves every generated Python file as it was, yet `make generate` would start
ruff twice (`check --fix`, then `format`) to format the same text again: about 70 ms of a
small contract's half second. The formatter's result for a batch is kept under a digest of
everything ruff's output depends on: ruff's version and binary, the passes' arguments, every
Python file in the scratch folder (ruff sorts an import as first party by the packages it finds
there) and each file of the batch, path and text. Same digest, same bytes: the output stays
byte-identical, and a batch that differs in any one file goes to ruff whole, as before.

Only a batch formatted at the end of a run (a small document's output, under the formatter's
EARLY_BYTES) is kept: a large document's batches are formatted in the background while the rest
renders, and would fill the cache for a small share of their run. The cache is the templates'
(generator.emit.template_cache: `OPENAPI_CONTRACT_CACHE_DIR`, `off` to turn it off); it keeps
the `KEEP` most recently used entries, each sealed with a digest of itself, and never fails a run.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from generator import timing
from generator.cache_dir import cache_root

KEEP = 50  # entries; each a small document's formatted Python files, under a megabyte
_SUFFIX = ".ruff.json"


@cache
def _ruff_identity(ruff: str) -> str:
    """ruff's version (its dist-info folder's name: importlib.metadata would cost what the
    cache saves) and its binary's path, size and time."""
    binary = Path(ruff)
    try:
        stat = binary.stat()
        made = f"{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        made = "unknown"
    import ruff as package  # type: ignore[import-untyped]

    site = Path(package.__file__ or ".").parent.parent
    versions = sorted(p.name for p in site.glob("ruff-*.dist-info"))
    return "\0".join([*versions, str(binary), made])


def batch_key(
    ruff: str,
    passes: Sequence[Sequence[str]],
    present: Sequence[str],
    batch: Sequence[str],
    texts: Sequence[bytes],
) -> str:
    """The digest of what ruff's output for `batch` (files `present` beside it) depends on."""
    digest = hashlib.sha256()
    for part in (_ruff_identity(ruff), json.dumps([list(p) for p in passes])):
        digest.update(part.encode() + b"\0")
    digest.update("\0".join(sorted(present)).encode() + b"\0\0")
    for rel, text in zip(batch, texts, strict=True):
        digest.update(rel.encode() + b"\0" + hashlib.sha256(text).digest())
    return digest.hexdigest()


def recall(key: str) -> list[str] | None:
    """The formatted texts kept under `key`, or None."""
    root = cache_root()
    if root is None:
        return None
    path = root / "ruff" / (key + _SUFFIX)
    try:
        seal, _, body = path.read_text(encoding="utf-8").partition("\n")
        if seal != _seal(body):  # damaged or cut short: formatted again, and kept again
            return None
        texts = json.loads(body)
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            return None
        os.utime(path)  # recently used: kept longest
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    timing.add("format: batch from the cache", 0.0)
    return texts


def keep(key: str, texts: Sequence[str]) -> None:
    """`texts` kept under `key`; the oldest entries beyond `KEEP` removed."""
    root = cache_root()
    if root is None:
        return
    folder = root / "ruff"
    body = json.dumps(list(texts), ensure_ascii=False)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False
        ) as tmp:
            tmp.write(_seal(body) + "\n" + body)
        os.replace(tmp.name, folder / (key + _SUFFIX))  # whole or not at all
        entries = sorted(folder.glob("*" + _SUFFIX), key=_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _seal(body: str) -> str:
    return "sha256 " + hashlib.sha256(body.encode("utf-8")).hexdigest()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
