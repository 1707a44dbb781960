"""Server stub emitter (ASGI application factory and typed handler interface)."""

from __future__ import annotations

from generator.config import Target
from generator.ir.model import Document


def emit_server(doc: Document, target: Target) -> dict[str, str]:
    return {}
