"""The fake upstream's real WebRTC peer (reference/fake_upstream/peer.py), without a browser.

A Python peer (aiortc) plays the browser: its SDP offer goes through the reference's
`POST /api/realtime/webrtc` (CSRF token, rate limit, mint, forward) to the fake's
`/v1/realtime/calls`, whose answer comes from a real peer. ICE and DTLS complete on loopback, the
fake's tone arrives and decodes at its frequency, the `oai-events` channel speaks OpenAI's
Realtime events, and maxSessionDurationSeconds hangs the call up through the reference. The
browser test (tests/test_web_client_browser.py) does the same with Chromium.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import aioice.ice
import httpx
import pytest
from aiortc import (
    AudioStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError

from reference.app import build_app
from reference.fake_upstream import FakeState, create_fake_app
from reference.fake_upstream.peer import EVENTS_CHANNEL, TONE_HZ, PeerCalls
from tests.reference_support.fixtures import API_KEY, make_settings
from tests.reference_support.servers import LiveServer

SESSION_SECONDS = 3
TOKEN = "tok-alice"


@dataclass
class Live:
    fake: LiveServer
    state: FakeState
    peers: PeerCalls
    reference: LiveServer


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    peers = PeerCalls()
    state = FakeState(api_keys={API_KEY}, peers=peers)
    fake = LiveServer(create_fake_app(state)).start()
    settings = make_settings(
        tmp_path_factory.mktemp("peer"),
        fake.url + "/v1",
        max_session_duration_seconds=SESSION_SECONDS,
        webrtc_rate_limit=100,
        trusted_proxies=[],
    )
    # production's setting: responses are not validated (OpenAI's own 400 passes through as is)
    reference = LiveServer(build_app(settings)).start()
    try:
        yield Live(fake, state, peers, reference)
    finally:
        reference.stop()
        fake.stop()


@dataclass
class Browserless:
    """What the Python peer saw."""

    events: list[dict[str, Any]] = field(default_factory=list)
    samples: list[int] = field(default_factory=list)  # the first channel of the decoded audio
    sample_rate: int = 0
    channel_closed: asyncio.Event = field(default_factory=asyncio.Event)
    new_event: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait_for(self, kind: str, seconds: float = 10) -> dict[str, Any]:
        async def found() -> dict[str, Any]:
            while True:
                for event in self.events:
                    if event["type"] == kind:
                        return event
                self.new_event.clear()
                await self.new_event.wait()

        return await asyncio.wait_for(found(), seconds)


async def _exchange(reference: str, offer: str) -> httpx.Response:
    auth = {"authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=reference, headers=auth, timeout=20) as http:
        csrf = (await http.get("/api/csrf-token")).json()["token"]
        return await http.post(
            "/api/realtime/webrtc", json={"sdp": offer}, headers={"x-csrf-token": csrf}
        )


async def _read_audio(track: Any, seen: Browserless) -> None:
    try:
        while len(seen.samples) < 48_000:  # a second of audio is plenty
            frame = await track.recv()
            channels = len(frame.layout.channels)
            data = bytes(frame.planes[0])[: frame.samples * channels * 2]
            seen.sample_rate = frame.sample_rate
            seen.samples += struct.unpack(f"<{frame.samples * channels}h", data)[::channels]
    except MediaStreamError:
        return


def _frequency(samples: list[int], rate: int) -> float:
    """Upward zero crossings per second (skipping the decoder's first 100 ms)."""
    body = samples[rate // 10 :]
    crossings = sum(1 for a, b in itertools.pairwise(body) if a < 0 <= b)
    return crossings * rate / len(body)


def test_call_through_the_reference_reaches_a_real_peer(live: Live) -> None:
    async def run() -> tuple[Browserless, str]:
        seen = Browserless()
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        pc.addTrack(AudioStreamTrack())  # the microphone: silence
        channel = pc.createDataChannel(EVENTS_CHANNEL)
        audio: list[asyncio.Task[None]] = []

        @channel.on("message")
        def on_message(message: str) -> None:
            seen.events.append(json.loads(message))
            seen.new_event.set()

        @channel.on("close")
        def on_close() -> None:
            seen.channel_closed.set()

        @pc.on("track")
        def on_track(track: Any) -> None:
            audio.append(asyncio.ensure_future(_read_audio(track, seen)))

        await pc.setLocalDescription(await pc.createOffer())
        answer = await _exchange(live.reference.url, pc.localDescription.sdp)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("application/sdp")
        assert "a=fingerprint:sha-256" in answer.text and " 127.0.0.1 " in answer.text
        await pc.setRemoteDescription(RTCSessionDescription(answer.text, "answer"))

        created = await seen.wait_for("session.created")
        assert created["event_id"].startswith("event_") and len(created["event_id"]) == 27
        assert created["session"]["object"] == "realtime.session"
        assert created["session"]["id"].startswith("sess_")
        assert created["session"]["model"] == "gpt-realtime"
        assert pc.connectionState == "connected"

        channel.send(json.dumps({"type": "session.update", "session": {"instructions": "Hi"}}))
        updated = await seen.wait_for("session.updated")
        assert updated["session"]["instructions"] == "Hi"
        assert updated["session"]["id"] == created["session"]["id"]
        channel.send(json.dumps({"type": "response.create", "event_id": "evt_1"}))
        done = await seen.wait_for("response.done")
        assert done["response"]["status"] == "completed"
        assert done["response"]["object"] == "realtime.response"
        assert done["response"]["id"].startswith("resp_")
        channel.send(json.dumps({"type": "input_audio_buffer.bogus", "event_id": "evt_2"}))
        error = await seen.wait_for("error")
        assert error["error"]["type"] == "invalid_request_error"
        assert error["error"]["event_id"] == "evt_2"
        channel.send("not json")
        await asyncio.sleep(0.2)
        assert [e["type"] for e in seen.events].count("error") == 2

        await asyncio.wait_for(asyncio.gather(*audio), 15)
        # the reference hangs up after SESSION_SECONDS: the fake closes its peer
        await asyncio.wait_for(seen.channel_closed.wait(), SESSION_SECONDS + 15)
        location = next(r for r in reversed(live.state.requests) if r.get("operation") == "calls")
        await pc.close()
        return seen, location["sdp"]

    seen, forwarded = asyncio.run(run())
    assert seen.sample_rate == 48_000
    assert abs(_frequency(seen.samples, seen.sample_rate) - TONE_HZ) < TONE_HZ * 0.05
    assert max(seen.samples) > 3000  # a tone, not silence
    assert [e["type"] for e in seen.events] == [
        "session.created",
        "session.updated",
        "response.created",
        "response.done",
        "error",
        "error",
    ]
    (call,) = [c for c in live.peers.calls.values() if c.received]
    assert call.closed_by_hangup and call.pc.connectionState == "closed"
    assert call.audio_frames_in > 0  # the fake heard the caller's microphone
    assert call.sent == [e["type"] for e in seen.events]
    assert "a=candidate:" in forwarded  # the offer reached the fake as the caller wrote it


def test_unusable_offer_is_openais_400_passed_through(live: Live) -> None:
    """An offer a real peer cannot answer (no ICE credentials, no fingerprint)."""
    offer = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
    response = asyncio.run(_exchange(live.reference.url, offer))
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "invalid_offer" and body["error"]["param"] == "sdp"
    assert body["error"]["message"].startswith("unusable SDP offer")


def test_peer_addresses_are_loopback_only(live: Live) -> None:
    assert aioice.ice.get_host_addresses(True, True) == ["127.0.0.1"]
    assert aioice.ice.get_host_addresses(False, True) == []
