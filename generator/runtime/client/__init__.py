"""The client SDK's runtime; this `__init__` is a stand-in, never copied.

Each package renders its own `client/__init__.py` (its `Client` and `AsyncClient`, one
resource per tag). The MCP server's runtime only constructs an `AsyncClient` and calls its
resources by name, which is all this stand-in offers.
"""

from __future__ import annotations


class AsyncClient:
    """Stand-in of a generated package's `AsyncClient`: constructed from the environment."""

    def __init__(
        self, base_url: str | None = None, *, token: str | None = None, api_key: str | None = None
    ) -> None:
        self.base_url = base_url
        self.token = token
        self.api_key = api_key
