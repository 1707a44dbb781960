"""Compare two versions of an OpenAPI contract and classify every change (see rules.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from generator.diff.model import Change, DiffResult
from generator.diff.paths import OperationDiffer
from generator.diff.schemas import canonical
from generator.loader import LoadedDocument, load_document
from generator.loader.source import display_path

__all__ = ["Change", "DiffResult", "diff_data", "diff_documents", "diff_files"]


def diff_data(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from `old` to `new` (validated, bundled documents), merged and sorted."""
    differ = OperationDiffer(old, new)
    differ.run()
    differ.components()
    merged: dict[tuple[str, str, str, str, str], tuple[Change, set[str]]] = {}
    for change, label in differ.found:
        key = (change.id, change.pointer, change.side, canonical(change.old), canonical(change.new))
        if key not in merged:
            merged[key] = (change, set())
        if label:
            merged[key][1].add(label)
    changes = [replace(c, operations=tuple(sorted(labels))) for c, labels in merged.values()]
    return sorted(changes, key=Change.sort_key)


def diff_documents(old: LoadedDocument, new: LoadedDocument) -> DiffResult:
    changes = []
    for change in diff_data(old.data, new.data):
        where = (old if change.side == "old" else new).locate(change.pointer)
        location = where.file + (f":{where.line}" if where.line is not None else "")
        changes.append(replace(change, location=location))
    return DiffResult(
        old_file=display_path(old.path),
        new_file=display_path(new.path),
        old_version=str(old.data.get("info", {}).get("version", "")),
        new_version=str(new.data.get("info", {}).get("version", "")),
        changes=changes,
    )


def diff_files(old: Path, new: Path, overlay_dir: Path | None = None) -> DiffResult:
    """Load (validate, bundle) both files and diff them. Overlays are not applied unless asked:
    the published contract is what is versioned."""
    return diff_documents(
        load_document(old, overlay_dir=overlay_dir), load_document(new, overlay_dir=overlay_dir)
    )
