"""Turn a spec file (plus its overlays) into one validated, self-contained document."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import Location, Problem, SpecError
from generator.loader.refs import Bundle, bundle
from generator.loader.source import SourceFile, parse_file
from generator.loader.validate import validate_document

__all__ = ["LoadedDocument", "load_document", "load_raw", "strict_error"]


@dataclass
class LoadedDocument:
    """A validated OpenAPI document with every reference local, and a way back to the source."""

    path: Path
    data: dict[str, Any]
    bundle: Bundle
    overlays: list[Path]
    warnings: list[Problem]

    def locate(self, pointer: str) -> Location:
        return self.bundle.locate(pointer)


def strict_error(warning: Problem) -> Problem:
    """A lenient repair, stated as the error that strict loading makes of it."""
    return Problem(f"{warning.message} (refused: strict)", warning.location, warning.rule)


def load_raw(path: Path) -> SourceFile:
    return parse_file(path)


def load_document(
    path: Path,
    overlays: list[Path] | None = None,
    overlay_dir: Path | None = None,
    *,
    strict: bool = False,
) -> LoadedDocument:
    """Parse, bundle, overlay, repair and validate `path`; raise SpecError with every error.

    Overlays are applied before anything else sees the document, so names and links they add
    are part of the validated contract that every emitter reads. Lenient (the default), a
    published document's faults are repaired by named rules (generator/loader/repair.py) and
    listed in `.warnings`; `strict` refuses the document instead, listing those findings as
    errors beside the real ones.
    """
    source = parse_file(path)
    chosen = list(overlays or [])
    # The overlay module is imported only for overlays: its JSONPath engine costs more to import
    # than a small document takes to generate.
    if overlay_dir is not None:
        from generator.loader.overlay import overlays_for

        chosen += [p for p in overlays_for(path, overlay_dir) if p not in chosen]
    if chosen:
        from generator.loader.overlay import apply_overlay

        data = source.data
        for overlay_path in chosen:
            data = apply_overlay(data, parse_file(overlay_path))
        # Overlays only add or remove nodes in place, so pointers into the original file still
        # locate everything the published contract wrote.
        source = SourceFile(path=source.path, text=source.text, data=data)
    bundled = bundle(source)
    warnings: list[Problem] = []
    problems = validate_document(bundled.data, bundled.locate, warnings)
    if strict and warnings:
        problems += [strict_error(w) for w in warnings]
    if problems:
        raise SpecError(problems, [] if strict else warnings)
    return LoadedDocument(
        path=path, data=bundled.data, bundle=bundled, overlays=chosen, warnings=warnings
    )
