"""Typed usage of the OpenAI Realtime SDK generated from spec/upstream (mypy --strict only)."""

from __future__ import annotations

from typing import assert_type

from openai_realtime_api import models as m
from openai_realtime_api.client import AsyncClient, Client, RawResponse, errors


def sync_usage(session: m.RealtimeSessionCreateRequest) -> None:
    with Client("https://api.openai.com/v1", token="sk") as client:
        secret = client.realtime.create_client_secret(
            body=m.RealtimeCreateClientSecretRequest(session=session)
        )
        assert_type(secret, m.RealtimeCreateClientSecretResponse)
        raw = client.realtime.with_raw_response.create_call(body={"sdp": "v=0", "session": session})
        assert_type(raw, RawResponse[str])
        location = raw.headers.get("location")
        print(location)
        answer = client.realtime.create_call(body="v=0", content_type="application/sdp")
        assert_type(answer, str)
        assert_type(client.realtime.accept_call_from_body("rtc_1", body=session), None)
        assert_type(client.realtime.hangup_call(call_id="rtc_1"), None)
        try:
            client.realtime.reject_call("rtc_1")
        except errors.RejectRealtimeCallTooManyRequestsError as error:
            assert_type(error.body, m.ErrorResponse | None)


async def async_usage() -> None:
    async with AsyncClient("https://api.openai.com/v1", token="ek_1") as client:
        answer = await client.realtime.create_call(body="v=0", content_type="application/sdp")
        assert_type(answer, str)
