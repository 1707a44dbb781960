"""Compare two versions of an OpenAPI contract and classify every change (see rules.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from generator.diff.load import load_contract
from generator.diff.model import Change, DiffResult
from generator.diff.paths import OperationDiffer
from generator.diff.schemas import canonical
from generator.loader import LoadedDocument
from generator.loader.source import display_path

__all__ = ["Change", "DiffResult", "diff_data", "diff_documents", "diff_files", "load_contract"]


def diff_data(old: dict[str, Any], new: dict[str, Any], today: date | None = None) -> list[Change]:
    """Every change from `old` to `new` (validated, bundled documents), merged and sorted.

    `today` decides whether an `x-sunset` date has passed (default: the current date)."""
    differ = OperationDiffer(old, new, today)
    differ.run()
    differ.components()
    merged: dict[tuple[str, str, str, str, str], tuple[Change, set[str]]] = {}
    for change, label in differ.found:
        key = (change.id, change.pointer, change.side, canonical(change.old), canonical(change.new))
        if key not in merged:
            merged[key] = (change, set())
        if label:
            merged[key][1].add(label)
    changes = [
        _stability(replace(c, operations=tuple(sorted(labels))), differ.unstable)
        for c, labels in merged.values()
    ]
    return sorted(changes, key=Change.sort_key)


def _stability(change: Change, unstable: dict[str, str]) -> Change:
    """A change that only touches draft or alpha operations breaks no one (x-stability-level)."""
    if change.level == "info" or not change.operations:
        return change
    if not all(op in unstable for op in change.operations):
        return change
    levels = sorted({unstable[op] for op in change.operations})
    return replace(
        change,
        level="info",
        breaks_clients=False,
        message=f"{change.message} (stability: {', '.join(levels)})",
    )


def diff_documents(
    old: LoadedDocument, new: LoadedDocument, today: date | None = None
) -> DiffResult:
    located: dict[tuple[str, str, str, str], Change] = {}
    changes = []
    main_files = {display_path(old.path), display_path(new.path)}
    for change in diff_data(old.data, new.data, today):
        where = (old if change.side == "old" else new).locate(change.pointer)
        location = _shown(old if change.side == "old" else new, where.file)
        location += f":{where.line}" if where.line is not None else ""
        shows = new.locate(change.pointer)
        new_location = _shown(new, shows.file) + (
            f":{shows.line}" if shows.line is not None else ""
        )
        change = replace(change, location=location, new_location=new_location)
        if where.file in main_files or where.line is None:
            changes.append(change)
            continue
        # A node of another file, inlined at every place that references it, is one change:
        # report it once, for every operation that reaches it.
        key = (change.id, location, canonical(change.old), canonical(change.new))
        if key in located:
            first = located[key]
            ops = tuple(sorted(set(first.operations) | set(change.operations)))
            located[key] = replace(first, operations=ops)
        else:
            located[key] = change
            changes.append(change)
    changes = [located.get(_key(c), c) if _key(c) in located else c for c in changes]
    return DiffResult(
        old_file=getattr(old, "display_name", None) or display_path(old.path),
        new_file=getattr(new, "display_name", None) or display_path(new.path),
        old_version=str(old.data.get("info", {}).get("version", "")),
        new_version=str(new.data.get("info", {}).get("version", "")),
        changes=sorted(changes, key=Change.sort_key),
    )


def _shown(doc: LoadedDocument, file: str) -> str:
    """A file as the user named it: `REV:path` for a document read from a git revision."""
    revision = getattr(doc, "revision", None)
    if revision is None:
        return file
    rev, root = revision
    if file.startswith(root):
        return f"{rev}:{Path(file).relative_to(root).as_posix()}"
    return file


def _key(change: Change) -> tuple[str, str, str, str]:
    return (change.id, change.location, canonical(change.old), canonical(change.new))


def diff_files(
    old: Path | str,
    new: Path | str,
    overlay_dir: Path | None = None,
    today: date | None = None,
) -> DiffResult:
    """Load (bundle, validate) both contracts (paths or `REV:path`) and diff them. Overlays are
    not applied unless asked: the published contract is what is versioned."""
    return diff_documents(load_contract(old, overlay_dir), load_contract(new, overlay_dir), today)
