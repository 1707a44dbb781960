"""The fake OpenAI Realtime control plane: handlers plus a fault-injecting ASGI layer."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from openai_realtime_api.models import (
    CreateRealtimeCallRequestMultipart,
    Error,
    ErrorResponse,
    RealtimeCreateClientSecretRequest,
    RealtimeCreateClientSecretResponse,
    RealtimeSessionCreateRequest,
    ReferRealtimeCallRequest,
    RejectRealtimeCallRequest,
)
from openai_realtime_api.server import Handlers, RequestContext, create_app
from openai_realtime_api.server import responses as r
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:  # aiortc is imported only by a fake that runs real peers
    from reference.fake_upstream.peer import PeerCalls

SDP_ANSWER = (
    "v=0\r\no=- 2157482139 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendrecv\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
)


@dataclass
class Faults:
    """What the next upstream requests suffer. `operations` limits it (empty: every path)."""

    latency_seconds: float = 0.0
    status: int | None = None  # answer with this status and `body` instead of the handler
    body: str = ""
    content_type: str = "application/json"
    drop_connection: bool = False  # start the response, then close the connection
    malformed_json: bool = False  # a 200 whose JSON body is cut off
    paths: list[str] = field(default_factory=list)  # e.g. ["/realtime/calls"]
    times: int | None = None  # how many requests to affect (None: until cleared)
    # the real answer's body one byte at a time, this many seconds apart (a dribbling upstream)
    trickle_seconds: float = 0.0
    # a body of this many bytes (`body` repeated), streamed in 64 KiB chunks, with `status`
    body_bytes: int = 0
    skip: int = 0  # let this many matching requests through first (fault the second mint)

    def applies(self, path: str) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if self.paths and not any(path.endswith(p) for p in self.paths):
            return False
        if self.skip > 0:
            self.skip -= 1
            return False
        return True


@dataclass
class FakeState:
    api_keys: set[str] | None = None  # None: any non-ephemeral bearer key is accepted
    secrets: dict[str, float] = field(default_factory=dict)  # ek_ value -> expires_at
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)  # ek_ -> session
    calls: set[str] = field(default_factory=set)
    faults: Faults = field(default_factory=Faults)
    requests: list[dict[str, Any]] = field(default_factory=list)  # what was received (no keys)
    hits: dict[str, int] = field(default_factory=dict)  # requests per path, faults included
    sent_bytes: int = 0  # body bytes the `body_bytes` and `trickle_seconds` faults wrote
    # None: calls are answered with the canned SDP_ANSWER (no media); PeerCalls: a real WebRTC
    # peer answers each offer (reference/fake_upstream/peer.py)
    peers: PeerCalls | None = None


def _error(message: str, type_: str, code: str | None, param: str | None = None) -> ErrorResponse:
    return ErrorResponse(error=Error(message=message, type=type_, param=param, code=code))


class FakeRealtime(Handlers):
    def __init__(self, state: FakeState) -> None:
        self.state = state

    def _standard_key(self, ctx: RequestContext) -> bool:
        token = ctx.bearer_token()
        if not token or token.startswith("ek_"):
            return False
        return self.state.api_keys is None or token in self.state.api_keys

    def _ephemeral_key(self, ctx: RequestContext) -> str | None:
        token = ctx.bearer_token()
        if token and self.state.secrets.get(token, 0) > time.time():
            return token
        return None

    async def create_realtime_client_secret(
        self, ctx: RequestContext, *, body: RealtimeCreateClientSecretRequest
    ) -> r.CreateRealtimeClientSecretResult:
        if not self._standard_key(ctx):
            return r.CreateRealtimeClientSecretUnauthorized(
                body=_error(
                    "Incorrect API key provided. You can find your API key at "
                    "https://platform.openai.com/account/api-keys.",
                    "invalid_request_error",
                    "invalid_api_key",
                )
            )
        seconds = (body.expires_after.seconds if body.expires_after else None) or 600
        now = int(time.time())
        value = "ek_" + secrets.token_hex(16)
        requested = body.session.model_dump(mode="json", exclude_unset=True) if body.session else {}
        requested.setdefault("type", "realtime")
        session: dict[str, Any] = {
            "object": "realtime.session"
            if requested["type"] == "realtime"
            else "realtime.transcription_session",
            "id": "sess_" + secrets.token_urlsafe(16).replace("-", "a").replace("_", "b")[:21],
            "expires_at": 0,
        }
        if requested["type"] == "realtime":
            session |= {
                "model": "gpt-realtime",
                "output_modalities": ["audio"],
                "instructions": "",
                "tools": [],
                "tool_choice": "auto",
                "max_output_tokens": "inf",
                "tracing": None,
                "truncation": "auto",
                "prompt": None,
                "include": None,
            }
        session |= requested
        audio = session.setdefault("audio", {})
        if requested["type"] == "realtime":
            audio.setdefault("output", {}).setdefault("voice", "alloy")
            audio["output"].setdefault("format", {"type": "audio/pcm", "rate": 24000})
            audio["output"].setdefault("speed", 1.0)
        audio_in = audio.setdefault("input", {})
        audio_in.setdefault("format", {"type": "audio/pcm", "rate": 24000})
        audio_in.setdefault(
            "turn_detection",
            {
                "type": "server_vad",
                "threshold": 0.5,
                "prefix_padding_ms": 300,
                "silence_duration_ms": 200,
                "idle_timeout_ms": None,
                "create_response": True,
                "interrupt_response": True,
            },
        )
        self.state.secrets[value] = now + seconds
        self.state.sessions[value] = session
        self.state.requests.append(
            {
                "operation": "client_secrets",
                "body": body.model_dump(mode="json", exclude_unset=True),
            }
        )
        return r.CreateRealtimeClientSecretOK(
            body=RealtimeCreateClientSecretResponse.model_validate(
                {"value": value, "expires_at": now + seconds, "session": session}
            )
        )

    async def create_realtime_call(
        self, ctx: RequestContext, *, body: CreateRealtimeCallRequestMultipart | str
    ) -> r.CreateRealtimeCallResult:
        raw_sdp = isinstance(body, str)
        if (raw_sdp and self._ephemeral_key(ctx) is None) or (
            not raw_sdp and not self._standard_key(ctx)
        ):
            return r.CreateRealtimeCallUnauthorized(
                body=_error(
                    "Invalid or expired ephemeral key"
                    if raw_sdp
                    else "Incorrect API key provided.",
                    "invalid_request_error",
                    "invalid_api_key",
                )
            )
        sdp = body if isinstance(body, str) else body.sdp
        if not sdp.startswith("v=0"):
            return r.CreateRealtimeCallBadRequest(
                body=_error("Invalid SDP offer.", "invalid_request_error", "invalid_offer", "sdp")
            )
        call_id = "rtc_" + secrets.token_hex(16)
        answer = SDP_ANSWER
        if self.state.peers is not None:
            if isinstance(body, str):
                session = self.state.sessions.get(ctx.bearer_token() or "", {})
            else:
                session = body.session.model_dump(mode="json") if body.session else {}
            try:
                answer = await self.state.peers.answer(call_id, sdp, session)
            except ValueError as exc:
                return r.CreateRealtimeCallBadRequest(
                    body=_error(str(exc), "invalid_request_error", "invalid_offer", "sdp")
                )
        self.state.calls.add(call_id)
        self.state.requests.append({"operation": "calls", "raw_sdp": raw_sdp, "sdp": sdp})
        return r.CreateRealtimeCallCreated(body=answer, location=f"/v1/realtime/calls/{call_id}")

    def _call_error(self, ctx: RequestContext, call_id: str) -> ErrorResponse | None:
        if call_id not in self.state.calls:
            return _error(
                "No session found for the provided call_id",
                "invalid_request_error",
                "call_id_not_found",
                "",
            )
        return None

    async def accept_realtime_call(
        self, ctx: RequestContext, *, call_id: str, body: RealtimeSessionCreateRequest
    ) -> r.AcceptRealtimeCallResult:
        if not self._standard_key(ctx):
            return r.AcceptRealtimeCallUnauthorized(
                body=_error("Unauthorized", "invalid_request_error", "invalid_api_key")
            )
        error = self._call_error(ctx, call_id)
        return r.AcceptRealtimeCallNotFound(body=error) if error else r.AcceptRealtimeCallOK()

    async def hangup_realtime_call(
        self, ctx: RequestContext, *, call_id: str
    ) -> r.HangupRealtimeCallResult:
        if not self._standard_key(ctx):
            return r.HangupRealtimeCallUnauthorized(
                body=_error("Unauthorized", "invalid_request_error", "invalid_api_key")
            )
        error = self._call_error(ctx, call_id)
        if error:
            return r.HangupRealtimeCallNotFound(body=error)
        self.state.calls.discard(call_id)
        if self.state.peers is not None:
            await self.state.peers.hangup(call_id)
        return r.HangupRealtimeCallOK()

    async def refer_realtime_call(
        self, ctx: RequestContext, *, call_id: str, body: ReferRealtimeCallRequest
    ) -> r.ReferRealtimeCallResult:
        if not self._standard_key(ctx):
            return r.ReferRealtimeCallUnauthorized(
                body=_error("Unauthorized", "invalid_request_error", "invalid_api_key")
            )
        error = self._call_error(ctx, call_id)
        return r.ReferRealtimeCallNotFound(body=error) if error else r.ReferRealtimeCallOK()

    async def reject_realtime_call(
        self, ctx: RequestContext, *, call_id: str, body: RejectRealtimeCallRequest | None
    ) -> r.RejectRealtimeCallResult:
        if not self._standard_key(ctx):
            return r.RejectRealtimeCallUnauthorized(
                body=_error("Unauthorized", "invalid_request_error", "invalid_api_key")
            )
        error = self._call_error(ctx, call_id)
        return r.RejectRealtimeCallNotFound(body=error) if error else r.RejectRealtimeCallOK()


class FaultLayer:
    """ASGI middleware: `/__faults` control endpoint, then the configured faults."""

    def __init__(self, app: ASGIApp, state: FakeState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path == "/__faults":
            await self._control(scope, receive, send)
            return
        self.state.hits[path] = self.state.hits.get(path, 0) + 1
        faults = self.state.faults
        if not faults.applies(path):
            await self.app(scope, receive, send)
            return
        if faults.times is not None:
            faults.times -= 1
        if faults.latency_seconds:
            await asyncio.sleep(faults.latency_seconds)
        if faults.drop_connection:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-length", b"100")],
                }
            )
            await send({"type": "http.response.body", "body": b"v=0", "more_body": True})
            raise ConnectionAbortedError("fault injected: connection dropped")
        if faults.malformed_json:
            response: Response = Response(b'{"value": "ek_', 200, media_type="application/json")
            await response(scope, receive, send)
            return
        if faults.body_bytes:
            await self._huge(faults, send)
            return
        if faults.trickle_seconds:
            await self.app(scope, receive, self._trickling(faults.trickle_seconds, receive, send))
            return
        if faults.status is not None:
            response = Response(
                faults.body.encode(), faults.status, headers={"content-type": faults.content_type}
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _huge(self, faults: Faults, send: Send) -> None:
        piece = (faults.body or "a").encode()
        chunk = piece * max(1, 65536 // len(piece))
        await send(
            {
                "type": "http.response.start",
                "status": faults.status or 200,
                "headers": [(b"content-type", faults.content_type.encode())],
            }
        )
        left = faults.body_bytes
        while left > 0:
            part = chunk[:left]
            left -= len(part)
            self.state.sent_bytes += len(part)
            await send({"type": "http.response.body", "body": part, "more_body": left > 0})

    def _trickling(self, seconds: float, receive: Receive, send: Send) -> Send:
        """`send` writing each body byte `seconds` apart; it stops once the client is gone."""
        gone = False

        async def trickle(message: Message) -> None:
            nonlocal gone
            if message["type"] != "http.response.body" or gone:
                if not gone:
                    await send(message)
                return
            body: bytes = message.get("body", b"")
            for i in range(len(body)):
                last = i == len(body) - 1
                await send(
                    {
                        "type": "http.response.body",
                        "body": body[i : i + 1],
                        "more_body": message.get("more_body", False) or not last,
                    }
                )
                self.state.sent_bytes += 1
                if last:
                    break
                try:  # the next receive() ends on a disconnect: the pause between two bytes
                    got = await asyncio.wait_for(receive(), timeout=seconds)
                except TimeoutError:
                    continue
                if got["type"] == "http.disconnect":
                    gone = True
                    return

        return trickle

    async def _control(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if request.method == "DELETE":
            self.state.faults = Faults()
        elif request.method in ("POST", "PUT"):
            self.state.faults = Faults(**json.loads(await request.body() or b"{}"))
        elif request.method != "GET":
            await Response(status_code=405, headers={"allow": "GET, POST, PUT, DELETE"})(
                scope, receive, send
            )
            return
        f = self.state.faults
        await JSONResponse(f.__dict__)(scope, receive, send)


def create_fake_app(state: FakeState | None = None) -> ASGIApp:
    """The fake upstream; serve it under `/v1` like the real one (base URL `.../v1`)."""
    state = state or FakeState()

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        yield
        if state.peers is not None:
            await state.peers.aclose()

    inner = create_app(
        FakeRealtime(state), validate_responses=True, root_path="", lifespan=lifespan
    )
    app = _Prefix(inner, "/v1")
    return FaultLayer(app, state)


class _Prefix:
    """Serve `app` under `prefix` (the contract's paths are relative to the `/v1` server URL)."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(self.prefix + "/"):
            scope = dict(
                scope, path=path[len(self.prefix) :], raw_path=path[len(self.prefix) :].encode()
            )
            await self.app(scope, receive, send)
            return
        if scope["type"] == "http":
            await JSONResponse(
                {
                    "error": {
                        "message": f"Invalid URL ({scope['method']} {path})",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": None,
                    }
                },
                404,
            )(scope, receive, send)
            return
        await self.app(scope, receive, send)
