"""How a media type's body is read: decided from the content type alone, before any parsing."""

from __future__ import annotations

from generator.ir.model import MediaKind

# Textual media types outside text/*: an SDP offer or answer is text, never JSON.
_TEXT_TYPES = frozenset(
    {
        "application/sdp",
        "application/xml",
        "application/yaml",
        "application/x-yaml",
        "application/javascript",
        "application/x-ndjson",
        "application/graphql",
        "application/csv",
    }
)


def media_kind(content_type: str) -> MediaKind:
    base = content_type.split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json") or base.endswith("/json"):
        return "json"
    if base.startswith("text/") or base in _TEXT_TYPES or base.endswith("+xml"):
        return "text"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base.startswith("multipart/"):
        return "multipart"
    if base in ("*/*", "application/*", "") or base.endswith("/*"):
        return "any"
    return "binary"
