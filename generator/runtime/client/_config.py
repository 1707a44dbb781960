"""Stand-in for the package's `client/_config.py` (templates/client/_config.py.jinja).

Example values, so the runtime type-checks and imports where it stands; never copied.
"""

from __future__ import annotations

DISTRIBUTION = "example-api"
PACKAGE = "example_api"
ENV_BASE_URL = "EXAMPLE_API_BASE_URL"
ENV_LOG = "EXAMPLE_API_LOG"
DEFAULT_BASE_URL: str | None = None
ENV_TOKEN = "EXAMPLE_API_TOKEN"
ENV_API_KEY = "EXAMPLE_API_API_KEY"
ENV_USERNAME = "EXAMPLE_API_USERNAME"
ENV_PASSWORD = "EXAMPLE_API_PASSWORD"
ENV_CLIENT_ID = "EXAMPLE_API_CLIENT_ID"
ENV_CLIENT_SECRET = "EXAMPLE_API_CLIENT_SECRET"
SCHEMES: dict[str, tuple[str, str | None, str | None, str, str | None, tuple[str, ...]]] = {
    "bearerAuth": ("bearer", None, None, "EXAMPLE_API_BEARER_AUTH", None, ()),
    "apiKey": ("api_key", "header", "X-API-Key", "EXAMPLE_API_API_KEY", None, ()),
}
