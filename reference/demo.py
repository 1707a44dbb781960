"""`make demo`: the reference server, the fake OpenAI upstream answering calls with a real WebRTC
peer (a tone for the model's voice, Realtime events on the data channel), and the voice web
client, all on loopback; prints the page's address with the demo user's token in its fragment.

With SERVICEAI_UPSTREAM_BASE_URL naming a real upstream (and its key configured), the page talks
to it through the reference instead. `make demo` builds the page first (`make web`).
"""

from __future__ import annotations

import asyncio
import sys

from reference.fake_upstream import FakeState
from reference.serve import _main
from reference.web import NOT_BUILT, WEB_BUILD


def main() -> None:
    # imported here: aiortc (and PyAV) load only for the demo's real peer
    from reference.fake_upstream.peer import PeerCalls

    if not (WEB_BUILD / "index.html").is_file():
        print(NOT_BUILT, file=sys.stderr)
    try:
        # every interface as well as loopback: a desktop browser pairs wherever it can
        sys.exit(asyncio.run(_main(FakeState(peers=PeerCalls(addresses=None)), pages=True)))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
