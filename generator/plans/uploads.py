"""Which request parts are files: decided once, for the client's types and its runtime checks.

A multipart property is a file when its schema (through `$ref`s) is a string with
`format: binary` (OpenAPI 3.0), a `contentMediaType` that is not text or JSON (3.1), or when the
part's `encoding` names such a content type for a string. An array of those is several files
under one name. A file part and an `application/octet-stream`-like body accept
`FileTypes`/`FileContent` (`<package>/client/_files.py`): bytes, a path, an open binary file or
a `(filename, content, content_type)` tuple, streamed; anything else is a `TypeError`.
"""

from __future__ import annotations

from typing import Any

from generator.ir.media import media_kind
from generator.ir.model import Document, MediaType

FILES_ALIAS = "_f"  # the resources' name for the client's `_files` runtime module
FILE_TYPES = f"{FILES_ALIAS}.FileTypes"
FILE_CONTENT = f"{FILES_ALIAS}.FileContent"


class Uploads:
    def __init__(self, doc: Document) -> None:
        # Media types keep the document's `$ref`s; model schemas name components by Python name.
        self.by_pointer = {f"/components/schemas/{s.python_name}": s.schema for s in doc.schemas}
        self.by_pointer.update({s.source_pointer: s.schema for s in doc.schemas})

    def resolve(self, schema: Any) -> Any:
        seen = 0
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and seen < 20:
            schema = self.by_pointer.get(schema["$ref"].lstrip("#"))
            seen += 1
        return schema

    def is_file(self, schema: Any, part_type: str | None = None) -> bool:
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return False
        kind = schema.get("type")
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            kind = kinds[0] if len(kinds) == 1 else None
        if kind not in ("string", None) or "properties" in schema:
            return False
        if schema.get("format") == "binary":
            return True
        media = schema.get("contentMediaType")
        if isinstance(media, str) and media_kind(media) in ("binary", "any"):
            return True
        return kind == "string" and part_type is not None and media_kind(part_type) == "binary"

    def is_files(self, schema: Any, part_type: str | None = None) -> bool:
        """An array of files (one part per file, under the same name)."""
        schema = self.resolve(schema)
        return (
            isinstance(schema, dict)
            and schema.get("type") == "array"
            and self.is_file(schema.get("items"), part_type)
        )

    def file_parts(self, media: MediaType, properties: dict[str, Any]) -> tuple[str, ...]:
        """The multipart body's parts that are files (or arrays of files)."""
        if media.kind != "multipart":
            return ()
        encoding = dict(media.encoding)
        return tuple(
            name
            for name, schema in properties.items()
            if self.is_file(schema, encoding.get(name)) or self.is_files(schema, encoding.get(name))
        )

    def annotation(self, schema: Any, part_type: str | None = None) -> str | None:
        """`_f.FileTypes` / `list[_f.FileTypes]` for a file part (None: not a file)."""
        if self.is_file(schema, part_type):
            return FILE_TYPES
        if self.is_files(schema, part_type):
            return f"list[{FILE_TYPES}]"
        return None


def properties(schema: Any, uploads: Uploads, depth: int = 0) -> dict[str, Any]:
    """A body schema's properties (through `$ref`s and `allOf`s)."""
    schema = uploads.resolve(schema)
    if not isinstance(schema, dict) or depth > 20:
        return {}
    found = dict(schema.get("properties") or {})
    for part in schema.get("allOf") or []:
        for name, sub in properties(part, uploads, depth + 1).items():
            found.setdefault(name, sub)
    return {str(k): v for k, v in found.items()}
