"""Operational paths outside the published contract (listed in docs/operations.md).

- `GET /healthz`: liveness, the process answers.
- `GET /readyz`: readiness from cached check results (`reference.readiness`), refreshed in the
  background every `readiness_interval_seconds`, each check within the integration's 5000 ms
  budget (seed 001's `healthCheck.timeoutMs`): the store answers, the upstream is reachable, an
  API key is present. 503 when any check fails, or the results are stale.
- `GET /ops/quota/{organization}`: today's minted sessions of an organisation against its daily
  quota (shared through the store, so every replica reports the same). In this order: a rate
  limit per client address (`ops_rate_limit` per minute, 429), then `Authorization: Bearer
  <operator_token>` and nothing else (401 with `WWW-Authenticate: Bearer`; the token compared in
  constant time), then the method (405) and the organisation id (400).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from datetime import UTC, datetime, timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reference.hardening import ClientAddress
from reference.readiness import Check, Readiness
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


_ORGANIZATION = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
_EVERY_METHOD = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def operator_authorised(header: str, expected: str | None) -> bool:
    """`Authorization: Bearer <token>` (the scheme name is case-insensitive, RFC 9110 11.1) whose
    token is the operator's. Digests are compared, so the time taken says nothing about the
    token, its length included."""
    scheme, _, token = header.strip().partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    given = hashlib.sha256(token.strip().encode("utf-8", "surrogatepass")).digest()
    return hmac.compare_digest(given, hashlib.sha256(expected.encode("utf-8")).digest())


def readiness_checks(store: Store, upstream: Upstream, keys: ApiKeyProvider) -> dict[str, Check]:
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

    return {"store": check_store, "upstream": check_upstream, "api_key": check_key}


def operational_routes(
    settings: Settings, store: Store, readiness: Readiness, addresses: ClientAddress
) -> list[Route]:
    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        ready, body = await readiness.report()
        return JSONResponse(body, status_code=200 if ready else 503)

    def refused(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        return JSONResponse({"error": message}, status_code=status, headers=headers)

    async def quota(request: Request) -> Response:
        peer = request.client.host if request.client else None
        address = addresses.of(peer, request.headers.getlist("x-forwarded-for"))
        try:
            decision = await store.admit(f"ops:{address}", settings.ops_rate_limit, 60, "ops")
        except StoreUnavailable:
            return refused(503, "store unavailable")
        if not decision.allowed:
            return refused(
                429, "too many operator requests", {"retry-after": str(decision.retry_after)}
            )
        if not operator_authorised(
            request.headers.get("authorization", ""), settings.operator_token
        ):
            return refused(401, "operator token required", {"www-authenticate": "Bearer"})
        if request.method not in ("GET", "HEAD"):
            return refused(405, f"method {request.method} is not allowed", {"allow": "GET"})
        organization = request.path_params["organization"]
        if not _ORGANIZATION.fullmatch(organization):
            return refused(400, "invalid organization id")
        key, day, _ = quota_key(organization)
        try:
            used = await store.count(key)
        except StoreUnavailable:
            return refused(503, "store unavailable")
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
        # every method reaches the handler: authentication comes before the method check
        Route("/ops/quota/{organization}", quota, methods=list(_EVERY_METHOD)),
    ]
