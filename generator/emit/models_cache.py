"""datamodel-code-generator's output kept for the same input, in the user's cache.

Most edits of a contract leave its schemas as they were (a description of an operation, a new
operation on existing models, an overlay, the changelog), yet each regeneration would import
datamodel-code-generator and pydantic again to write the very same models module: about a third
of a second, most of a small contract's `make generate`. The module it wrote is kept under a
digest of everything it depends on: the input document, the package name, the one setting that
varies by document, datamodel-code-generator's version and the code that calls it (the
emitter's own source). Same digest, same bytes: the output stays byte-identical.

The cache is the one of the templates (generator.emit.template_cache: `OPENAPI_CONTRACT_CACHE_DIR`,
`off` to turn it off); it keeps the `KEEP` most recently used entries and never fails a run.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from generator import timing
from generator.cache_dir import cache_root

KEEP = 200  # entries; a models module is a few kilobytes to a few megabytes
_SUFFIX = ".models.py"

Compute = Callable[[dict[str, Any], str, bool], str]


@cache
def tool_version() -> str:
    """datamodel-code-generator's installed version, read from its dist-info folder's name
    (importing it, or importlib.metadata, would cost what the cache saves)."""
    spec = importlib.util.find_spec("datamodel_code_generator")
    if spec is None or spec.origin is None:
        return "missing"
    site = Path(spec.origin).parent.parent
    found = sorted(p.name for p in site.glob("datamodel_code_generator-*.dist-info"))
    return found[-1] if found else "unknown"


def cache_key(source: dict[str, Any], package: str, strict_nullable: bool, caller: Path) -> str:
    digest = hashlib.sha256()
    for part in (tool_version(), package, str(strict_nullable)):
        digest.update(part.encode() + b"\0")
    digest.update(hashlib.sha256(caller.read_bytes()).digest())
    digest.update(json.dumps(source, ensure_ascii=False, default=repr).encode())
    return digest.hexdigest()


def is_cached(source: dict[str, Any], package: str, strict_nullable: bool, caller: Path) -> bool:
    """Whether `cached_models` has an entry for this input (not read: it is checked when used)."""
    root = cache_root()
    if root is None:
        return False
    key = cache_key(source, package, strict_nullable, caller)
    return (root / "models" / (key + _SUFFIX)).exists()


def cached_models(
    source: dict[str, Any], package: str, strict_nullable: bool, caller: Path, compute: Compute
) -> str:
    """`compute(source, package, strict_nullable)`, or what it returned before for the same."""
    root = cache_root()
    if root is None:
        return compute(source, package, strict_nullable)
    folder = root / "models"
    path = folder / (cache_key(source, package, strict_nullable, caller) + _SUFFIX)
    try:
        seal, _, code = path.read_text(encoding="utf-8").partition("\n")
        if seal == _seal(code):  # whole and untouched: else written again below
            os.utime(path)  # recently used: kept longest
            timing.add("models: from the cache", 0.0)
            return code
    except (OSError, UnicodeDecodeError):
        pass
    with timing.timed("models: datamodel-code-generator"):
        code = compute(source, package, strict_nullable)
    _store(folder, path, code)
    return code


def _store(folder: Path, path: Path, code: str) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False
        ) as tmp:
            tmp.write(_seal(code) + "\n" + code)
        os.replace(tmp.name, path)  # whole or not at all, beside any other run
        entries = sorted(folder.glob("*" + _SUFFIX), key=_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _seal(code: str) -> str:
    """The first line of an entry: a digest of the rest."""
    return "# sha256 " + hashlib.sha256(code.encode("utf-8")).hexdigest()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
