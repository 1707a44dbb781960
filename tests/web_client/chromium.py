"""Debian's headless Chromium, driven by Playwright for Python (never `playwright install`).

The switches, and why each is there:
- `--no-sandbox`: the tests run as root, where Chromium's sandbox refuses to start;
- `--headless`, `--disable-gpu`: no display, no GPU;
- `--disable-quic --no-first-run --disable-background-networking --disable-component-update
  --disable-sync`: no traffic of Chromium's own (the network is closed: it would only log
  refused connections);
- `--use-fake-device-for-media-stream --use-fake-ui-for-media-stream`: a synthetic microphone
  (a beep) and getUserMedia granted without a prompt;
- `--allow-loopback-in-peer-connection`: WebRTC gathers 127.0.0.1 host candidates (by default
  Chromium leaves loopback interfaces out), so ICE completes on loopback on any machine;
- `--disable-features=WebRtcHideLocalIpsWithMdns`: host candidates carry their address rather
  than a random `<uuid>.local` mDNS name. Chromium shows real addresses anyway once the page
  holds microphone permission (as this page does); without it, and without this switch, the
  offer would carry only `.local` names, which the fake upstream's ICE agent would have to
  resolve over multicast DNS;
- `--autoplay-policy=no-user-gesture-required`: the remote audio plays without a click.

A missing chromium fails the tests under CI=true and skips them elsewhere, saying how to get it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
MISSING = (
    "chromium is not installed: `make chromium` installs Debian's package "
    "(make test does it); set CHROMIUM=/path/to/chromium to use another binary"
)
SWITCHES = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
    "--autoplay-policy=no-user-gesture-required",
)


def chromium_path() -> str:
    found = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not found:
        if IN_CI:
            pytest.fail(MISSING)
        pytest.skip(MISSING)
    return found


@contextmanager
def chromium() -> Iterator[Any]:
    """A Playwright Browser on Debian's chromium; Playwright gives it a fresh temporary
    --user-data-dir (no profile, cache or permission survives a run). Closed afterwards."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=list(SWITCHES))
        try:
            yield browser
        finally:
            browser.close()
