"""Call a generated client operation the same way in sync and async mode."""

from __future__ import annotations

import asyncio
from typing import Any

MODES = ("sync", "async")


def invoke(
    package: Any,
    mode: str,
    base_url: str,
    resource: str,
    method: str,
    *,
    raw: bool = False,
    client_kwargs: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Any:
    """Open a client of `package.client`, call `client.<resource>[.with_raw_response].<method>`."""
    options = client_kwargs or {}
    if mode == "sync":
        with package.client.Client(base_url, **options) as client:
            group = getattr(client, resource)
            return getattr(group.with_raw_response if raw else group, method)(**kwargs)

    async def run() -> Any:
        async with package.client.AsyncClient(base_url, **options) as client:
            group = getattr(client, resource)
            return await getattr(group.with_raw_response if raw else group, method)(**kwargs)

    return asyncio.run(run())
