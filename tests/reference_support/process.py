"""`python -m reference.serve` as a real process on a free loopback port, its log in a file."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.reference_support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Served:
    url: str
    token: str
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def fake_url(self) -> str:
        """The fake upstream this process started (its `/__faults` switch is at this root)."""
        found = re.search(r"fake OpenAI upstream on (http://\S+)/v1", self.log_text())
        assert found, "this process runs no fake upstream"
        return found.group(1)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def served(
    tmp: Path,
    config: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    preexec_fn: Callable[[], None] | None = None,
) -> Iterator[Served]:
    """The reference (and its fake upstream unless `env` names one) exactly as `make serve`
    starts it; settings from a JSON config file, the environment cleaned of SERVICEAI_/OPENAI_.
    `preexec_fn` runs in the child before it starts (e.g. a lower descriptor limit)."""
    port = free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    log = tmp / f"serve-{port}.log"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SERVICEAI_", "OPENAI_"))}
    clean |= {"SERVICEAI_PORT": str(port), "PYTHONUNBUFFERED": "1"}
    if config is not None:
        path = tmp / f"config-{port}.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        clean["SERVICEAI_CONFIG_FILE"] = str(path)
    clean |= env or {}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "reference.serve"],
            cwd=ROOT,
            env=clean,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=preexec_fn,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # imports alone take seconds on a busy machine
        token = None
        while True:
            found = re.search(r"demo user token: (\S+)", log.read_text(errors="replace"))
            if found and token is None:
                token = found.group(1)
            if token is not None:
                try:
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("reference.serve did not start:\n" + log.read_text())
            time.sleep(0.05)
        yield Served(url, token, log, process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
