"""`python -m reference.fake_upstream --port N`: run the fake OpenAI upstream on loopback."""

from __future__ import annotations

import argparse

import uvicorn

from reference.fake_upstream.app import create_fake_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m reference.fake_upstream", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    args = parser.parse_args()
    uvicorn.run(create_fake_app(), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
