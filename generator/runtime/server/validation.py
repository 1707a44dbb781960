"""Stand-in for the package's `server/validation.py` (templates/server/validation.py.jinja).

The schema checks of one document; here only their signatures, so the runtime type-checks and
imports where it stands. Never copied.
"""

from __future__ import annotations

from typing import Any


def errors(pointer: str, instance: Any) -> list[str]:
    """Every way `instance` breaks the schema at `pointer`, located, best first."""
    return []


def response_errors(
    operation_id: str, status: int, content_type: str | None, body: bytes
) -> list[str]:
    """Why a response (status, content type, body) is not one the document allows; [] if it is."""
    return []
