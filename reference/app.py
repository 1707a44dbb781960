"""The ServiceAi voice backend on the generated stubs: identity, tools, realtime tokens, WebRTC."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from serviceai_api import API_VERSION
from serviceai_api.models import (
    ApiVersionResponse,
    ChattyAiContextResponse,
    ChattyExecuteRequest,
    ChattyExecuteResponse,
    ChattyToolDefinition,
    CsrfTokenResponse,
    ErrorEnvelope,
    ExchangeRealtimeSdpBadGatewayBody,
    RealtimeTokenRequest,
    RealtimeTokenResponse,
    RealtimeWebrtcRequest,
    UpgradeRequiredEnvelope,
)
from serviceai_api.server import (
    Handlers,
    RequestContext,
    RequestProblem,
    StubResponse,
    create_app,
)
from serviceai_api.server import responses as r

from reference.hardening import ClientAddress, SecurityHeaders, semver_major
from reference.operations import operational_routes, quota_key, readiness_checks
from reference.readiness import Readiness
from reference.sdp import sdp_problem
from reference.secrets_provider import MAX_API_KEY_CHARS, ApiKeyProvider, install_redaction
from reference.sessions import SessionTimers, call_id_from_location
from reference.settings import Settings, User
from reference.store import Store, StoreUnavailable, open_store
from reference.tools import Tool, ToolError, load_tools
from reference.upstream import (
    OpenAIUpstream,
    Upstream,
    UpstreamError,
    UpstreamInvalid,
    UpstreamUnavailable,
)
from reference.web import install_browser_support

log = logging.getLogger("reference")

ENTITLEMENT = "chatty-voice"


@dataclass(frozen=True)
class Denied:
    status: int
    message: str
    code: str


def _major(version: str | None) -> int | None:
    return semver_major(version)


class ServiceAi(Handlers):
    def __init__(
        self, settings: Settings, store: Store, upstream: Upstream, keys: ApiKeyProvider
    ) -> None:
        self.settings = settings
        self.store = store
        self.upstream = upstream
        self.keys = keys
        self.tools: dict[str, Tool] = load_tools(settings.tools)
        self.addresses = ClientAddress(settings.trusted_proxies, settings.ipv6_limit_prefix)
        self.sessions = SessionTimers(upstream, keys.get, settings.max_session_duration_seconds)

    # -- identity -------------------------------------------------------------------------

    def _user(self, ctx: RequestContext) -> User | Denied:
        token = ctx.bearer_token()
        user = self.settings.users.get(token) if token else None
        if user is None:
            return Denied(401, "Missing or invalid session token.", "UNAUTHENTICATED")
        if ENTITLEMENT not in user.entitlements:
            return Denied(403, "The chatty-voice entitlement is required.", "FORBIDDEN")
        return user

    @staticmethod
    def _envelope(denied: Denied) -> ErrorEnvelope:
        return ErrorEnvelope(error=denied.message, code=denied.code)

    async def on_invalid_request(
        self, ctx: RequestContext, problem: RequestProblem
    ) -> StubResponse | None:
        """A missing X-CSRF-Token is a CSRF failure (403) once the caller is known."""
        if ctx.operation_id == "exchangeRealtimeSdp" and problem.name == "X-CSRF-Token":
            user = self._user(ctx)
            if isinstance(user, Denied) and user.status == 401:
                return r.ExchangeRealtimeSdpUnauthorized(body=self._envelope(user))
            return r.ExchangeRealtimeSdpForbidden(
                body=ErrorEnvelope(error="Invalid or expired CSRF token.", code="CSRF_INVALID")
            )
        return None

    async def on_unhandled_error(
        self, ctx: RequestContext, error: Exception
    ) -> StubResponse | None:
        """A store outage (or any failure) while minting is still the fallback envelope; the
        other operations get their documented server error (generated), 503 where none is."""
        if ctx.operation_id == "createRealtimeToken":
            return r.CreateRealtimeTokenInternalServerError(
                body=RealtimeTokenResponse(
                    fallback=True,
                    message="Realtime session could not be minted; use the HTTP fallback.",
                )
            )
        if ctx.operation_id == "exchangeRealtimeSdp" and isinstance(error, StoreUnavailable):
            return r.ExchangeRealtimeSdpInternalServerError(
                body=ErrorEnvelope(error="Session store unavailable.", code="STORE_UNAVAILABLE")
            )
        return None

    @staticmethod
    def _retry_headers(seconds: int) -> dict[str, str]:
        return {"retry-after": str(seconds)}

    # -- operations ------------------------------------------------------------------------

    async def get_api_version(
        self, ctx: RequestContext, *, x_client_version: str | None
    ) -> r.GetApiVersionResult:
        return r.GetApiVersionOK(
            body=ApiVersionResponse(
                apiVersion=API_VERSION, minClientVersion=self.settings.min_client_version
            )
        )

    async def list_chatty_tools(
        self, ctx: RequestContext, *, x_client_version: str | None
    ) -> r.ListChattyToolsResult:
        user = self._user(ctx)
        if isinstance(user, Denied):
            cls = (
                r.ListChattyToolsUnauthorized if user.status == 401 else r.ListChattyToolsForbidden
            )
            return cls(body=self._envelope(user))
        client_major = _major(x_client_version)
        minimum = _major(self.settings.min_client_version) or 0
        if client_major is not None and client_major < minimum:
            return r.ListChattyToolsUpgradeRequired(
                body=UpgradeRequiredEnvelope(
                    error="Client version is no longer supported; please upgrade.",
                    minClientVersion=self.settings.min_client_version,
                    clientVersion=x_client_version,
                )
            )
        return r.ListChattyToolsOK(
            body=[ChattyToolDefinition.model_validate(t.definition()) for t in self.tools.values()]
        )

    async def execute_chatty_tool(
        self,
        ctx: RequestContext,
        *,
        x_client_version: str | None,
        body: ChattyExecuteRequest | None,
    ) -> r.ExecuteChattyToolResult:
        user = self._user(ctx)
        if isinstance(user, Denied):
            cls = (
                r.ExecuteChattyToolUnauthorized
                if user.status == 401
                else r.ExecuteChattyToolForbidden
            )
            return cls(body=self._envelope(user))
        name = (body.function or body.name) if body else None
        if not name:
            return r.ExecuteChattyToolOK(
                body=ChattyExecuteResponse(
                    success=False,
                    error="`function` (or `name`) is required.",
                    code="MISSING_FUNCTION",
                )
            )
        tool = self.tools.get(name)
        if tool is None:
            return r.ExecuteChattyToolOK(
                body=ChattyExecuteResponse(
                    success=False, error=f"Unknown function {name!r}.", code="UNKNOWN_FUNCTION"
                )
            )
        if f"tool:{name}" not in user.entitlements and "tool:*" not in user.entitlements:
            return r.ExecuteChattyToolForbidden(
                body=ErrorEnvelope(
                    error=f"You do not have permission to run {name}.", code="PERMISSION_DENIED"
                )
            )
        arguments: dict[str, Any] = dict(body.arguments or {}) if body else {}
        try:
            result = await tool.run(arguments)
        except ToolError as exc:
            return r.ExecuteChattyToolOK(
                body=ChattyExecuteResponse(success=False, error=str(exc), code="INVALID_ARGUMENTS")
            )
        except Exception as exc:
            # One line with the request id (the answer carries it); the traceback, with its
            # file paths, only when DEBUG is on.
            log.error(
                "tool %s failed (request id %s): %s: %s",
                name,
                ctx.request_id,
                type(exc).__name__,
                " ".join(str(exc).split())[:200],
            )
            log.debug("tool %s traceback (request id %s)", name, ctx.request_id, exc_info=True)
            return r.ExecuteChattyToolInternalServerError(
                body=ChattyExecuteResponse(success=False, error=f"Tool {name} failed."),
                headers={"x-request-id": ctx.request_id},
            )
        return r.ExecuteChattyToolOK(
            body=ChattyExecuteResponse(success=True, message=f"{name} ran.", data=result)
        )

    async def get_chatty_ai_context(
        self, ctx: RequestContext, *, x_client_version: str | None
    ) -> r.GetChattyAiContextResult:
        user = self._user(ctx)
        if isinstance(user, Denied):
            cls = (
                r.GetChattyAiContextUnauthorized
                if user.status == 401
                else r.GetChattyAiContextForbidden
            )
            return cls(body=self._envelope(user))
        kb = self.settings.knowledge_base_path
        stages = self.settings.workflow_stages_path
        return r.GetChattyAiContextOK(
            body=ChattyAiContextResponse(
                instructions=self.settings.instructions(),
                knowledgeBaseLoaded=bool(kb and kb.is_file()),
                workflowStagesLoaded=bool(stages and stages.is_file()),
                timestamp=datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            )
        )

    def _session_request(self) -> dict[str, Any]:
        s = self.settings
        # push_to_talk: the client commits each turn (OpenAI's manual turns: turn_detection null)
        turn: dict[str, Any] | None = (
            None if s.turn_detection in ("none", "push_to_talk") else {"type": s.turn_detection}
        )
        return {
            "expires_after": {"anchor": "created_at", "seconds": s.client_secret_ttl_seconds},
            "session": {
                "type": "realtime",
                "model": s.model,
                "instructions": s.instructions(),
                "audio": {"input": {"turn_detection": turn}, "output": {"voice": s.default_voice}},
            },
        }

    def _api_key(self, ctx: RequestContext, extra: dict[str, Any]) -> str | Denied:
        """The backend key, else a request key when configuration allows it (seed 002 rules)."""
        requested = extra.get("apiKey")
        backend = self.keys.get()
        if backend:
            return backend
        if isinstance(requested, str) and requested:
            if not self.settings.allow_api_key_from_request:
                return Denied(
                    403,
                    "Passing apiKey from request is disabled. Set allowApiKeyFromRequest=true to enable it.",
                    "API_KEY_FROM_REQUEST_DISABLED",
                )
            if (
                len(requested) > MAX_API_KEY_CHARS
                or not requested.isascii()
                or not requested.isprintable()
            ):
                # never kept, never sent upstream: a key is short printable ASCII
                return Denied(401, "The apiKey sent is not a valid API key.", "INVALID_API_KEY")
            self.keys.seen.add(requested)
            return requested
        return Denied(
            401,
            "Missing API key. Configure openaiApiKey or send apiKey in request.",
            "MISSING_API_KEY",
        )

    async def create_realtime_token(
        self,
        ctx: RequestContext,
        *,
        x_client_version: str | None,
        body: RealtimeTokenRequest | None,
    ) -> r.CreateRealtimeTokenResult:
        user = self._user(ctx)
        if isinstance(user, Denied):
            cls = (
                r.CreateRealtimeTokenUnauthorized
                if user.status == 401
                else r.CreateRealtimeTokenForbidden
            )
            return cls(body=self._envelope(user))
        s = self.settings
        decision = await self.store.admit(
            f"mint:{user.id}", s.mint_rate_limit, s.rate_limit_window_seconds, user.id
        )
        if not decision.allowed:
            return r.CreateRealtimeTokenTooManyRequests(
                body=ErrorEnvelope(
                    error="Too many token requests; try again later.", code="RATE_LIMITED"
                ),
                headers=self._retry_headers(decision.retry_after),
            )
        key = self._api_key(ctx, dict(body.model_extra or {}) if body else {})
        if isinstance(key, Denied):
            cls = (
                r.CreateRealtimeTokenUnauthorized
                if key.status == 401
                else r.CreateRealtimeTokenForbidden
            )
            return cls(body=self._envelope(key))
        # The organisation's daily quota, counted in the store (every replica shares it). A
        # mint reserves its session before OpenAI is asked: a failed mint still counts.
        quota, _day, seconds_left = quota_key(user.organization_id)
        if not await self.store.hit(
            quota, s.org_daily_session_quota, seconds_left, f"org:{user.organization_id}"
        ):
            return r.CreateRealtimeTokenTooManyRequests(
                body=ErrorEnvelope(
                    error="Your organisation's daily realtime session quota is used up.",
                    code="QUOTA_EXCEEDED",
                ),
                headers=self._retry_headers(seconds_left),
            )
        direct = bool(body and body.directWebRTC)
        try:
            minted = await self.upstream.mint_client_secret(key, self._session_request())
        except (UpstreamError, UpstreamUnavailable) as exc:
            log.warning("realtime mint failed for user %s: %s", user.id, exc)
            return r.CreateRealtimeTokenInternalServerError(
                body=RealtimeTokenResponse(
                    fallback=True,
                    message="Realtime session could not be minted; use the HTTP fallback.",
                )
            )
        common: dict[str, Any] = {
            "fallback": False,
            "directWebRTC": direct,
            "useWebRTC": True,
            "sessionId": minted.session_id,
            "model": s.model,
            "voice": s.default_voice,
            "metadata": {"organizationId": user.organization_id},
        }
        if direct:
            common |= {
                "clientSecret": minted.value,
                "expiresInSeconds": s.client_secret_ttl_seconds,
            }
        return r.CreateRealtimeTokenOK(body=RealtimeTokenResponse.model_validate(common))

    async def get_csrf_token(
        self, ctx: RequestContext, *, x_client_version: str | None
    ) -> r.GetCsrfTokenResult:
        user = self._user(ctx)
        if isinstance(user, Denied):
            cls = r.GetCsrfTokenUnauthorized if user.status == 401 else r.GetCsrfTokenForbidden
            return cls(body=self._envelope(user))
        token = secrets.token_hex(16)
        await self.store.put(f"csrf:{token}", user.id, self.settings.csrf_ttl_seconds, user.id)
        return r.GetCsrfTokenOK(body=CsrfTokenResponse(token=token))

    async def exchange_realtime_sdp(
        self,
        ctx: RequestContext,
        *,
        x_csrf_token: str,
        x_client_version: str | None,
        body: RealtimeWebrtcRequest | None,
    ) -> r.ExchangeRealtimeSdpResult:
        user = self._user(ctx)
        if isinstance(user, Denied):
            cls = (
                r.ExchangeRealtimeSdpUnauthorized
                if user.status == 401
                else r.ExchangeRealtimeSdpForbidden
            )
            return cls(body=self._envelope(user))
        owner = await self.store.get(f"csrf:{x_csrf_token}") if x_csrf_token else None
        if owner != user.id:
            return r.ExchangeRealtimeSdpForbidden(
                body=ErrorEnvelope(error="Invalid or expired CSRF token.", code="CSRF_INVALID")
            )
        s = self.settings
        ip = self.addresses.of(ctx.client_host, ctx.request.headers.getlist("x-forwarded-for"))
        decision = await self.store.admit(
            f"webrtc:{ip}", s.webrtc_rate_limit, s.rate_limit_window_seconds, user.id
        )
        if not decision.allowed:
            return r.ExchangeRealtimeSdpTooManyRequests(
                body=ErrorEnvelope(
                    error="Rate limit exceeded (3 requests per minute).", code="RATE_LIMITED"
                ),
                headers=self._retry_headers(decision.retry_after),
            )
        problem = (
            "a JSON body { sdp } is required"
            if body is None
            else sdp_problem(body.sdp, s.sdp_max_bytes)
        )
        if problem is not None or body is None:
            return r.ExchangeRealtimeSdpBadRequest(
                body=ErrorEnvelope(error=f"Invalid SDP format: {problem}", code="INVALID_SDP")
            )
        key = self.keys.get()
        if not key:
            return r.ExchangeRealtimeSdpBadGateway(
                body=ExchangeRealtimeSdpBadGatewayBody(error="OpenAI API key is not configured")
            )
        try:
            minted = await self.upstream.mint_client_secret(key, self._session_request())
        except UpstreamError as exc:
            return r.ExchangeRealtimeSdpBadGateway(
                body=ExchangeRealtimeSdpBadGatewayBody(
                    error="Failed to mint OpenAI client secret", status=exc.status
                )
            )
        except UpstreamUnavailable:
            return r.ExchangeRealtimeSdpBadGateway(
                body=ExchangeRealtimeSdpBadGatewayBody(error="Failed to mint OpenAI client secret")
            )
        try:
            answer = await self.upstream.create_call(minted.value, body.sdp)
        except UpstreamError as exc:
            return r.ExchangeRealtimeSdpDefault(
                status_code=exc.status, body=exc.body, content_type=exc.content_type
            )
        except UpstreamInvalid as exc:
            # OpenAI answered, but nothing a browser may be given (over the cap, not SDP)
            log.warning("SDP exchange: unusable upstream answer: %s", exc)
            return r.ExchangeRealtimeSdpBadGateway(
                body=ExchangeRealtimeSdpBadGatewayBody(
                    error="OpenAI returned an invalid SDP answer"
                )
            )
        except UpstreamUnavailable as exc:
            log.warning("SDP exchange failed: %s", exc)
            return r.ExchangeRealtimeSdpInternalServerError(
                body=ErrorEnvelope(error="SDP exchange failed.", code="SDP_EXCHANGE_FAILED")
            )
        call_id = call_id_from_location(answer.location)
        if call_id is not None:
            self.sessions.schedule(call_id, key)
        return r.ExchangeRealtimeSdpOK(body=answer.sdp)


def build_app(
    settings: Settings,
    *,
    upstream: Upstream | None = None,
    store: Store | None = None,
    validate_responses: bool = False,
) -> FastAPI:
    """The reference application; `upstream` and `store` default to what settings name."""
    keys = ApiKeyProvider(settings.openai_api_key_file)
    install_redaction(keys)
    if upstream is None and settings.upstream_base_url is None:
        raise ValueError("upstream_base_url is required (make serve starts the fake upstream)")
    real_upstream: Upstream = upstream or OpenAIUpstream(
        str(settings.upstream_base_url),
        settings.upstream_timeout_seconds,
        max_body_bytes=settings.upstream_max_body_bytes,
        max_connections=settings.upstream_max_connections,
        sdp_max_bytes=settings.sdp_max_bytes,
    )
    real_store = store or open_store(
        settings.store_url,
        max_entries=settings.memory_store_max_entries,
        max_entries_per_owner=settings.memory_store_max_entries_per_owner,
        timeout=settings.store_timeout_seconds,
        max_connections=settings.store_max_connections,
    )
    handlers = ServiceAi(settings, real_store, real_upstream, keys)
    readiness = Readiness(
        readiness_checks(real_store, real_upstream, keys),
        settings.readiness_budget_ms,
        settings.readiness_interval_seconds,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        readiness.start()
        yield
        await readiness.stop()
        await handlers.sessions.aclose()
        await real_upstream.aclose()
        await real_store.aclose()

    app = create_app(
        handlers,
        validate_responses=validate_responses,
        max_body_bytes=settings.max_body_bytes,
        max_json_depth=settings.max_json_depth,
        lifespan=lifespan,
    )
    app.router.routes[:0] = operational_routes(settings, real_store, readiness, handlers.addresses)
    install_browser_support(app, settings)  # the page, the contract, CORS (reference/web.py)
    app.add_middleware(SecurityHeaders)
    app.state.handlers = handlers
    app.state.readiness = readiness
    return app
