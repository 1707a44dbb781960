"""Names of operation bodies the document leaves unnamed, decided before any is modelled.

An inline error body that several operations share (the `{error: string}` many documents repeat
on every 400) is one model named after its status, `BadRequestBody` (`ErrorBody` when the
statuses differ, `ClientErrorBody` for `4XX`), not after whichever operation came first. It has
to be known before the first operation is built, so the document is scanned once here.
Request and success bodies are not shared this way: each operation names its own
(generator.ir.schemas).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from generator.ir.naming import pascal
from generator.ir.schemas import _is_structural, canonical
from generator.ir.statuses import PHRASES

_RANGES = {"3XX": "Redirection", "4XX": "ClientError", "5XX": "ServerError"}


def status_stem(status: str) -> str:
    """`BadRequestBody` for 400, `ClientErrorBody` for 4XX, `ErrorBody` for default."""
    if status.isdigit() and int(status) in PHRASES:
        return PHRASES[int(status)] + "Body"
    if status in _RANGES:
        return _RANGES[status] + "Body"
    return "ErrorBody" if status == "default" else pascal(status, "Status") + "Body"


def shared_error_bodies(
    operations: Iterable[tuple[str, dict[str, Any]]],
    deref: Callable[[Any], tuple[Any, str | None]],
) -> dict[str, str]:
    """canonical form -> stem, for inline error bodies used by two or more operations.

    `operations` gives (operation pointer, operation object); a response reached through
    `#/components/responses/...` is named after that component instead and is skipped.
    """
    uses: dict[str, tuple[set[str], set[str]]] = {}
    for at, op in operations:
        for status, raw in (op.get("responses") or {}).items():
            status = str(status).upper() if str(status).lower() != "default" else "default"
            if status.startswith(("1", "2")):
                continue
            response, ref = deref(raw)
            if ref is not None or not isinstance(response, dict):
                continue
            for media in (response.get("content") or {}).values():
                schema = media.get("schema") if isinstance(media, dict) else None
                if not isinstance(schema, dict) or "$ref" in schema:
                    continue
                if not _is_structural(schema) or schema.get("type") == "array":
                    continue
                owners, statuses = uses.setdefault(canonical(schema), (set(), set()))
                owners.add(at)
                statuses.add(status)
    return {
        key: status_stem(next(iter(statuses))) if len(statuses) == 1 else "ErrorBody"
        for key, (owners, statuses) in uses.items()
        if len(owners) > 1
    }
