"""Operational paths outside the published contract (listed in docs/operations.md).

- `GET /healthz`: liveness, the process answers.
- `GET /readyz`: readiness, every check within the integration's 5000 ms budget (seed 001's
  `healthCheck.timeoutMs`): the store answers, the upstream is reachable, an API key is present.
  One JSON log line per check with its latency; 503 when any check fails or runs out of time.
- `GET /ops/quota/{organization}`: today's minted sessions of an organisation against its daily
  quota (shared through the store, so every replica reports the same), for the operator's bearer
  token.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reference.secrets_provider import ApiKeyProvider
from reference.settings import Settings
from reference.store import Store, StoreUnavailable
from reference.upstream import Upstream

log = logging.getLogger("reference.operations")


def quota_key(organization: str | int, now: datetime | None = None) -> tuple[str, str, int]:
    """(store key, UTC day, seconds left in that day) of an organisation's session quota."""
    now = now or datetime.now(UTC)
    day = now.strftime("%Y-%m-%d")
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    left = max(1, int((midnight - now).total_seconds()) + 1)
    return f"quota:{organization}:{day}", day, left


Check = Callable[[], Awaitable[str]]


def operational_routes(
    settings: Settings, store: Store, upstream: Upstream, keys: ApiKeyProvider
) -> list[Route]:
    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def check_store() -> str:
        await store.ping()
        return "store answers"

    async def check_upstream() -> str:
        if not await upstream.reachable():
            raise ConnectionError("upstream is not reachable")
        return "upstream reachable"

    async def check_key() -> str:
        if not keys.get():
            raise LookupError("no OpenAI API key is configured")
        return "API key present"

    checks: dict[str, Check] = {
        "store": check_store,
        "upstream": check_upstream,
        "api_key": check_key,
    }

    async def run(name: str, check: Check, deadline: float) -> dict[str, object]:
        started = time.monotonic()
        try:
            detail = await asyncio.wait_for(check(), timeout=max(0.0, deadline - started))
            ok = True
        except TimeoutError:
            ok, detail = False, f"no answer within {settings.readiness_budget_ms} ms"
        except (StoreUnavailable, ConnectionError, LookupError, OSError) as exc:
            ok, detail = False, str(exc) or type(exc).__name__
        result: dict[str, object] = {
            "check": name,
            "ok": ok,
            "latency_ms": round((time.monotonic() - started) * 1000, 1),
            "detail": detail,
        }
        log.info(json.dumps(result, separators=(",", ":")))
        return result

    async def readyz(request: Request) -> Response:
        deadline = time.monotonic() + settings.readiness_budget_ms / 1000
        results = await asyncio.gather(*(run(n, c, deadline) for n, c in checks.items()))
        ready = all(r["ok"] for r in results)
        return JSONResponse(
            {"ready": ready, "budget_ms": settings.readiness_budget_ms, "checks": results},
            status_code=200 if ready else 503,
        )

    async def quota(request: Request) -> Response:
        expected = settings.operator_token
        given = request.headers.get("authorization", "").partition(" ")[2].strip()
        if not expected or not secrets.compare_digest(given.encode(), expected.encode()):
            return JSONResponse({"error": "operator token required"}, status_code=401)
        organization = request.path_params["organization"]
        key, day, _ = quota_key(organization)
        try:
            used = await store.count(key)
        except StoreUnavailable:
            return JSONResponse({"error": "store unavailable"}, status_code=503)
        limit = settings.org_daily_session_quota
        # The counter also counts the refused attempts (each one is a hit): split them out.
        return JSONResponse(
            {
                "organizationId": organization,
                "day": day,
                "used": min(used, limit),
                "refused": max(0, used - limit),
                "limit": limit,
                "remaining": max(0, limit - used),
            }
        )

    return [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/ops/quota/{organization}", quota, methods=["GET"]),
    ]
