"""Spec -> intermediate model -> every emitter -> formatted files, for one target."""

from __future__ import annotations

from dataclasses import dataclass

from generator.config import Target
from generator.emit.client import emit_client
from generator.emit.models import emit_models
from generator.emit.package import emit_package
from generator.emit.server import emit_server
from generator.formatting import format_files
from generator.ir import Document, build_document
from generator.ir.server import build_server_plan
from generator.loader import load_document


@dataclass
class GenerationResult:
    document: Document
    files: dict[str, str]  # path relative to the target folder -> text


def generate_target(target: Target) -> GenerationResult:
    loaded = load_document(target.spec, overlay_dir=target.overlay_dir)
    document = build_document(loaded)
    document.server = build_server_plan(loaded.data, document)
    files = emit_package(document, target)
    files[f"{target.package}/models.py"] = emit_models(document, target.package)
    files.update(emit_client(document, target))
    files.update(emit_server(document, target))
    return GenerationResult(document, format_files(files))
