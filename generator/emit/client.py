"""Typed client SDK emitter (sync and async on httpx)."""

from __future__ import annotations

from generator.config import Target
from generator.ir.model import Document


def emit_client(doc: Document, target: Target) -> dict[str, str]:
    return {}
