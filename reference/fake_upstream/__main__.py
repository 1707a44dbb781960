"""`python -m reference.fake_upstream --port N`: run the fake OpenAI upstream on loopback."""

from __future__ import annotations

import argparse

import uvicorn

from reference.fake_upstream.app import FakeState, create_fake_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m reference.fake_upstream", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument(
        "--real-peer",
        action="store_true",
        help="answer calls with a real WebRTC peer (aiortc) instead of the canned SDP",
    )
    args = parser.parse_args()
    state = FakeState()
    if args.real_peer:
        from reference.fake_upstream.peer import PeerCalls

        state.peers = PeerCalls(addresses=None)  # loopback and every interface
    uvicorn.run(create_fake_app(state), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
