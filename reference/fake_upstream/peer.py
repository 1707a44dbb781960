"""The fake upstream's media plane: one real WebRTC peer (aiortc) per call.

`POST /v1/realtime/calls` hands the browser's SDP offer to `PeerCalls.answer`, which answers it
the way OpenAI's media server does: ICE and DTLS-SRTP complete with the browser, an audio track
plays (a generated tone where the model would speak), and the `oai-events` data channel speaks
the Realtime event protocol (`session.created` on open, `session.updated` for a
`session.update`, `response.created` then `response.done` for a `response.create`, an `error`
event otherwise). `POST .../hangup` closes the peer, which the browser sees as its data channel
closing and its connection ending.

ICE runs on loopback. aioice (aiortc's ICE agent) never offers 127.0.0.1 as a host candidate,
so `PeerCalls(addresses=...)` replaces its host address lookup, for this process, with the
configured addresses (loopback only by default); no STUN or TURN server is used (aiortc would
otherwise ask Google's public STUN server, which a closed network refuses).
"""

from __future__ import annotations

import asyncio
import fractions
import json
import logging
import math
import secrets
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aioice.ice
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCDataChannel,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError
from av import AudioFrame

log = logging.getLogger("reference.fake_upstream.peer")

EVENTS_CHANNEL = "oai-events"  # the data channel OpenAI's WebRTC sessions speak events on
SAMPLE_RATE = 48_000
FRAME_SAMPLES = 960  # 20 ms, Opus's usual frame
# 400 Hz fits a 20 ms frame exactly 8 times: one precomputed frame repeats without a click.
TONE_HZ = 400
AMPLITUDE = 0.25
LOOPBACK = ("127.0.0.1",)


def _tone_frame_bytes() -> bytes:
    samples = (
        round(AMPLITUDE * 32767 * math.sin(2 * math.pi * TONE_HZ * n / SAMPLE_RATE))
        for n in range(FRAME_SAMPLES)
    )
    return struct.pack(f"<{FRAME_SAMPLES}h", *samples)


class ToneTrack(MediaStreamTrack):
    """Where the model would speak: a steady tone, paced in real time, 20 ms frames."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._pcm = _tone_frame_bytes()
        self._start: float | None = None
        self._timestamp = 0

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            self._timestamp += FRAME_SAMPLES
            await asyncio.sleep(self._start + self._timestamp / SAMPLE_RATE - time.monotonic())
        frame = AudioFrame(format="s16", layout="mono", samples=FRAME_SAMPLES)
        frame.planes[0].update(self._pcm)
        frame.pts = self._timestamp
        frame.sample_rate = SAMPLE_RATE
        frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
        return frame


def _id(prefix: str) -> str:
    """An id in OpenAI's manner: a prefix and 21 URL-safe characters (`event_...`, `resp_...`)."""
    return prefix + secrets.token_urlsafe(16).replace("-", "a").replace("_", "b")[:21]


@dataclass
class Call:
    """One call's peer and what it saw (tests read these)."""

    call_id: str
    pc: RTCPeerConnection
    session: dict[str, Any]
    received: list[dict[str, Any]] = field(default_factory=list)  # client events
    sent: list[str] = field(default_factory=list)  # types of the server events sent
    audio_frames_in: int = 0  # frames decoded from the browser's microphone track
    closed_by_hangup: bool = False
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


_AIOICE_HOST_ADDRESSES = aioice.ice.get_host_addresses  # aioice's own lookup, before any change


def _use_host_addresses(addresses: Sequence[str] | None) -> None:
    """Make aioice gather host candidates on `addresses` (None: loopback and every interface
    aioice finds itself; it leaves 127.0.0.1 out on its own)."""
    every_interface = _AIOICE_HOST_ADDRESSES
    chosen = tuple(addresses) if addresses is not None else None

    def host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        found = list(chosen) if chosen is not None else [*LOOPBACK, *every_interface(True, True)]
        return [a for a in dict.fromkeys(found) if (use_ipv6 if ":" in a else use_ipv4)]

    aioice.ice.get_host_addresses = host_addresses


class PeerCalls:
    """The real peers of the fake upstream's calls, by call id."""

    def __init__(self, addresses: Sequence[str] | None = LOOPBACK) -> None:
        # LOOPBACK for tests (the same on every machine); None for `make demo`, where a desktop
        # browser started without --allow-loopback-in-peer-connection pairs on another interface
        _use_host_addresses(addresses)
        self.calls: dict[str, Call] = {}

    async def answer(self, call_id: str, offer: str, session: dict[str, Any]) -> str:
        """The SDP answer of a new peer for `offer`; ValueError when the offer is unusable."""
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        call = Call(call_id, pc, dict(session))
        self.calls[call_id] = call

        @pc.on("datachannel")
        def on_datachannel(channel: RTCDataChannel) -> None:
            if channel.label != EVENTS_CHANNEL:
                return
            self._send(call, channel, {"type": "session.created", "session": call.session})

            @channel.on("message")
            def on_message(message: str | bytes) -> None:
                self._on_event(call, channel, message)

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind == "audio":
                call.tasks.append(asyncio.ensure_future(self._drain(call, track)))

        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
            for transceiver in pc.getTransceivers():
                if transceiver.kind == "audio":
                    transceiver.sender.replaceTrack(ToneTrack())
                    transceiver.direction = "sendrecv"
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as exc:
            # aiortc raises ValueError, KeyError or its own errors on an offer it cannot use
            del self.calls[call_id]
            await self._close(call)
            raise ValueError(f"unusable SDP offer: {exc}") from None
        return pc.localDescription.sdp

    async def _drain(self, call: Call, track: MediaStreamTrack) -> None:
        """Read the browser's microphone (an unread track would queue its frames forever)."""
        try:
            while True:
                await track.recv()
                call.audio_frames_in += 1
        except MediaStreamError:
            return

    def _send(self, call: Call, channel: RTCDataChannel, event: dict[str, Any]) -> None:
        if channel.readyState != "open":
            return
        event = {"type": event["type"], "event_id": _id("event_"), **event}
        channel.send(json.dumps(event))
        call.sent.append(event["type"])

    def _on_event(self, call: Call, channel: RTCDataChannel, message: str | bytes) -> None:
        try:
            event = json.loads(message)
        except ValueError:
            event = None
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            self._error(call, channel, None, "The event is not a JSON object with a type.")
            return
        call.received.append(event)
        kind = event["type"]
        if kind == "session.update" and isinstance(event.get("session"), dict):
            call.session |= event["session"]
            self._send(call, channel, {"type": "session.updated", "session": call.session})
        elif kind == "response.create":
            self._respond(call, channel)
        else:
            self._error(call, channel, event.get("event_id"), f"Unsupported event type: {kind}")

    def _respond(self, call: Call, channel: RTCDataChannel) -> None:
        response: dict[str, Any] = {
            "object": "realtime.response",
            "id": _id("resp_"),
            "status": "in_progress",
            "status_details": None,
            "output": [],
            "conversation_id": _id("conv_"),
            "output_modalities": call.session.get("output_modalities", ["audio"]),
            "max_output_tokens": call.session.get("max_output_tokens", "inf"),
            "audio": {"output": call.session.get("audio", {}).get("output", {})},
            "usage": None,
            "metadata": None,
        }
        self._send(call, channel, {"type": "response.created", "response": response})
        done = response | {
            "status": "completed",
            "usage": {
                "total_tokens": 0,
                "input_tokens": 0,
                "output_tokens": 0,
                "input_token_details": {"text_tokens": 0, "audio_tokens": 0, "cached_tokens": 0},
                "output_token_details": {"text_tokens": 0, "audio_tokens": 0},
            },
        }
        self._send(call, channel, {"type": "response.done", "response": done})

    def _error(self, call: Call, channel: RTCDataChannel, event_id: object, message: str) -> None:
        error = {
            "type": "invalid_request_error",
            "code": "invalid_value",
            "message": message,
            "param": "type",
            "event_id": event_id if isinstance(event_id, str) else None,
        }
        self._send(call, channel, {"type": "error", "error": error})

    async def hangup(self, call_id: str) -> bool:
        """Close the call's peer; False when there is no such call."""
        call = self.calls.get(call_id)
        if call is None:
            return False
        call.closed_by_hangup = True
        await self._close(call)
        return True

    async def _close(self, call: Call) -> None:
        await call.pc.close()
        for task in call.tasks:
            task.cancel()
        await asyncio.gather(*call.tasks, return_exceptions=True)

    async def aclose(self) -> None:
        for call in list(self.calls.values()):
            await self._close(call)
