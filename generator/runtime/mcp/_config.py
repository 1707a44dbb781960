"""Stand-in for the package's `mcp/_config.py` (templates/mcp/_config.py.jinja): never copied."""

from __future__ import annotations

from typing import Final

SERVER_NAME: Final = "Example API"
INSTRUCTIONS: Final = "Tools of Example API 0.0.0: one per operation."
ENV_BASE_URL: Final = "EXAMPLE_API_BASE_URL"
ENV_TOKEN: Final = "EXAMPLE_API_TOKEN"
ENV_API_KEY: Final[str | None] = "EXAMPLE_API_API_KEY"
DEFAULT_BASE_URL: Final[str | None] = None
