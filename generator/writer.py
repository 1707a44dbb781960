"""Write a target's files into its folder, or report how the folder differs from them.

The folder belongs to the generator: files it no longer produces are removed, so a renamed
schema cannot leave a stale module behind.
"""

from __future__ import annotations

import os
from pathlib import Path

_IGNORED_PARTS = {"__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "build", "dist"}


def existing_files(folder: Path) -> dict[str, bytes]:
    return {rel: (folder / rel).read_bytes() for rel in existing_paths(folder)}


def existing_paths(folder: Path) -> list[str]:
    """The files the generator owns in `folder` (relative, sorted), none of them read."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if (
            path.is_file()
            and not (set(rel.parts) & _IGNORED_PARTS)
            and not rel.parts[0].endswith(".egg-info")
        ):
            found.append(rel.as_posix())
    return found


def differences(folder: Path, files: dict[str, str]) -> list[str]:
    """Human-readable lines, one per file that differs; empty when the folder is exact."""
    current = existing_files(folder)
    lines = []
    for rel in sorted(set(current) | set(files)):
        if rel not in current:
            lines.append(f"missing   {rel}")
        elif rel not in files:
            lines.append(f"unexpected {rel}")
        elif current[rel] != files[rel].encode("utf-8"):
            lines.append(f"differs   {rel}")
    return lines


def write_files(folder: Path, files: dict[str, str]) -> int:
    """Make `folder` hold exactly `files`; returns how many files changed.

    Each existing file is read when its new text is compared with it, one at a time: a large
    document's folder (GitHub's: 47 MB) is never held in memory beside the texts.
    """
    current = set(existing_paths(folder))
    changed = 0
    made: set[Path] = set()  # folders known to exist: one mkdir per folder, not per file
    for rel, text in sorted(files.items()):
        data = text.encode("utf-8")
        if rel not in current or not _holds(folder / rel, data):
            path = folder / rel
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_bytes(data)
            changed += 1
    for rel in sorted(set(current) - set(files)):
        (folder / rel).unlink()
        changed += 1
    _remove_empty_folders(folder)
    return changed


def _remove_empty_folders(folder: Path) -> None:
    """Every folder under `folder` left with nothing in it, deepest first (`os.walk` reads each
    folder once, without a `stat` per file)."""
    if not folder.is_dir():
        return
    for at, _subfolders, names in os.walk(folder, topdown=False):
        if names:
            continue
        here = Path(at)
        if here != folder and not any(here.iterdir()):
            here.rmdir()


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file at `path` holds exactly `data` (its size first: no read when it differs)."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False
