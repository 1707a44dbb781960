"""Where the diff reads its two contracts: a file, or a git revision (`REV:path`).

Every document the diff compares is loaded by `load_contract`, the single call into the loader.
A diff compares what it is given, so it loads leniently (the loader repairs instead of refusing,
with the repairs in `.warnings`); the release gate asks for `strict`.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from generator.errors import Location, Problem, SpecError
from generator.loader import LoadedDocument, load_document


def is_git_revision(spec: str) -> bool:
    """`origin/main:spec/openapi.yaml` names a file at a revision; a plain path that exists, or a
    Windows drive (`C:\\...`), does not."""
    if ":" not in spec or Path(spec).exists():
        return False
    rev, _, path = spec.partition(":")
    return bool(rev) and bool(path) and not (len(rev) == 1 and path[:1] in ("\\", "/"))


def load_contract(
    spec: str | Path, overlay_dir: Path | None = None, *, strict: bool = False
) -> LoadedDocument:
    """Load one side of a diff: a path, or `REV:path` read from git. `strict` refuses what the
    loader would otherwise repair (release uses it for the contract it is about to publish)."""
    text = str(spec)
    if not isinstance(spec, Path) and is_git_revision(text):
        return _load_revision(text, overlay_dir, strict)
    return _load(Path(text), overlay_dir, strict)


def _load(path: Path, overlay_dir: Path | None, strict: bool) -> LoadedDocument:
    # The single call site into the loader: a diff compares what it is given, so it reads a
    # document leniently (repairs warned) unless asked to be strict.
    return load_document(path, overlay_dir=overlay_dir, strict=strict)


def _git_show(rev: str, path: PurePosixPath) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", "show", f"{rev}:{path.as_posix()}"],
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def _repo_path(path: str) -> PurePosixPath:
    """A path as git names it (from the repository root) for a path given from the cwd."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-prefix"], capture_output=True, text=True, check=False
        )
        prefix = done.stdout.strip() if done.returncode == 0 else ""
    except OSError:
        prefix = ""
    if path.startswith("./"):
        return PurePosixPath(prefix) / path[2:]
    return PurePosixPath(path)


def _relative_refs(data: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(data, dict):
        ref = data.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#") and "://" not in ref:
            found.add(ref.split("#", 1)[0])
        for value in data.values():
            found |= _relative_refs(value)
    elif isinstance(data, list):
        for value in data:
            found |= _relative_refs(value)
    return found


def _load_revision(spec: str, overlay_dir: Path | None, strict: bool) -> LoadedDocument:
    """Write the file at the revision, and every file it references, into a temporary tree that
    mirrors the repository, then load it from there."""
    rev, _, path = spec.partition(":")
    main = _repo_path(path)
    root = Path(tempfile.mkdtemp(prefix="contract-diff-"))
    try:
        todo, seen = [main], set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            content = _git_show(rev, current)
            if content is None:
                if current == main:
                    raise SpecError(
                        [Problem(f"git cannot show {rev}:{current}", Location(spec, ""))]
                    )
                continue  # the loader reports the missing reference, located
            target = root / current
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            try:
                data = yaml.safe_load(content)
            except yaml.YAMLError:
                continue
            for ref in sorted(_relative_refs(data)):
                joined = PurePosixPath(*(current.parent / ref).parts)
                parts: list[str] = []
                for part in joined.parts:
                    if part == "..":
                        if parts:
                            parts.pop()
                    elif part != ".":
                        parts.append(part)
                todo.append(PurePosixPath(*parts))
        loaded = _load(root / main, overlay_dir, strict)
        loaded.display_name = spec  # type: ignore[attr-defined]
        loaded.revision = (rev, str(root))  # type: ignore[attr-defined]
        return loaded
    finally:
        shutil.rmtree(root, ignore_errors=True)
