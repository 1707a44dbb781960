"""Turn a spec file (plus its overlays) into one validated, self-contained document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import Location, Problem, SpecError
from generator.loader.refs import Bundle, bundle
from generator.loader.source import SourceFile, parse_file
from generator.loader.swagger2 import (
    convert_swagger2,
    converted_locate,
    is_swagger2,
    swagger2_problems,
)
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
    # What the document was read as: "2.0" (converted to 3.0), "3.0", "3.1" or "3.2".
    source_version: str = ""
    # Swagger 2.0 conversion decisions, each located in the 2.0 file and naming its rule.
    conversions: list[Problem] = field(default_factory=list)
    # A pointer of `data` -> its place in the files the user wrote (through conversion).
    locator: Callable[[str], Location] | None = None
    # Swagger 2.0: a converted document's pointer -> the 2.0 pointer (holds only that table)
    moved: dict[str, str] = field(default_factory=dict)

    def locate(self, pointer: str) -> Location:
        return (self.locator or self.bundle.locate)(pointer)


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
    data = bundled.data
    locate: Callable[[str], Location] = bundled.locate
    conversions: list[Problem] = []
    moved: dict[str, str] = {}
    version = str(data.get("openapi", "")) if isinstance(data, dict) else ""
    if is_swagger2(data):
        # Swagger 2.0: checked against its own meta-schema, then read as OpenAPI 3.0; every
        # later finding points back into the 2.0 file (generator/loader/swagger2.py).
        version = str(data["swagger"])
        warnings += swagger2_problems(data, bundled.locate)
        conversion = convert_swagger2(data, bundled.locate)
        data, conversions, moved = conversion.data, conversion.notes, conversion.moved
        locate = converted_locate(conversion, bundled.locate)
    problems = validate_document(data, locate, warnings)
    if strict and warnings:
        problems += [strict_error(w) for w in warnings]
    if problems:
        raise SpecError(problems, [] if strict else warnings)
    return LoadedDocument(
        path=path,
        data=data,
        bundle=bundled,
        overlays=chosen,
        warnings=warnings,
        source_version=version,
        conversions=conversions,
        locator=locate if conversions or data is not bundled.data else None,
        moved=moved,
    )
