"""A downstream voice backend written from generated/serviceai/README.md alone.

`tests/test_downstream_typing.py` runs `mypy --strict` on it (it must pass) and runs it against
the live reference (`run(base_url, token)` must finish). Every operation is called with keyword
bodies, the realtime-token branches are switched on with the narrowing guards, and each
documented error is handled through the hierarchy.
"""

from __future__ import annotations

from typing import Any

from serviceai_api.client import (
    Client,
    is_direct_webrtc,
    is_fallback,
    is_server_proxied,
    to_realtime_tool,
)
from serviceai_api.client.errors import (
    APIConnectionError,
    ApiError,
    CreateRealtimeTokenInternalServerError,
    ExchangeRealtimeSdpBadGatewayError,
    ExchangeRealtimeSdpDefaultError,
    ForbiddenError,
    InvalidResponseError,
    SdkError,
    TooManyRequestsError,
    UnauthorizedError,
    UpgradeRequiredError,
)
from serviceai_api.models import RealtimeTokenResponse


def session_plan(token: RealtimeTokenResponse) -> str:
    """What the voice client does next, from the realtime-token branch."""
    if is_direct_webrtc(token):
        secret: str = token.clientSecret  # narrowed: no None check needed
        return f"webrtc-direct:{secret[:3]}"
    if is_server_proxied(token):
        return "webrtc-proxied"
    if is_fallback(token):
        return "http-fallback"
    return "unknown"


def run(base_url: str, token: str, offer: str, ip: str) -> list[str]:
    steps: list[str] = []
    with Client(base_url, token=token, x_client_version="1.0.0", max_retries=1) as client:
        version = client.meta.get_api_version()
        steps.append(f"contract {version.apiVersion}")
        try:
            tools = client.chatty.list_tools()
        except UpgradeRequiredError as error:
            raise SystemExit(f"upgrade the app: {error}") from error
        except (UnauthorizedError, ForbiddenError) as error:
            raise SystemExit(f"sign in again: {error}") from error
        realtime_tools: list[dict[str, Any]] = [to_realtime_tool(t) for t in tools]
        steps.append(f"{len(realtime_tools)} tools")
        result = client.chatty.execute_tool(function="get_weather", arguments={"location": "Oslo"})
        steps.append(f"weather ok={result.success}")
        context = client.chatty.get_ai_context()
        steps.append(f"context loaded={context.knowledgeBaseLoaded}")
        try:
            minted = client.chatty.create_realtime_token(directWebRTC=True)
        except CreateRealtimeTokenInternalServerError as error:
            # The mint failure still carries the envelope, `fallback: true`.
            minted = error.body or RealtimeTokenResponse(fallback=True)
        except TooManyRequestsError as error:
            raise SystemExit(f"slow down: {error}") from error
        steps.append(session_plan(minted))
        proxied = client.chatty.create_realtime_token(directWebRTC=False)
        steps.append(session_plan(proxied))
        csrf = client.chatty.get_csrf_token().token
        try:
            answer = client.chatty.exchange_realtime_sdp(
                x_csrf_token=csrf, sdp=offer, extra_headers={"X-Forwarded-For": ip}
            )
        except ExchangeRealtimeSdpBadGatewayError as error:
            status = error.body.status if error.body else None
            raise SystemExit(f"could not mint the upstream secret ({status}): {error}") from error
        except ExchangeRealtimeSdpDefaultError as error:
            raise SystemExit(f"OpenAI said {error.status_code}: {error.text}") from error
        except InvalidResponseError as error:
            raise SystemExit(f"not an SDP answer: {error}") from error
        except ApiError as error:
            raise SystemExit(f"{error.status_code}: {error}") from error
        except APIConnectionError as error:
            raise SystemExit(f"no response: {error}") from error
        except SdkError as error:
            raise SystemExit(str(error)) from error
        steps.append(f"sdp {answer.splitlines()[0]}")
    return steps
