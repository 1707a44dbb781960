"""A warm datamodel-code-generator kept between runs: the side of `make generate` that asks it.

A new property in a contract's schema misses the models cache (generator.emit.models_cache), and
the run then pays for importing datamodel-code-generator and pydantic (about 0.6 s, most of a
small contract's regeneration) to write a few classes. A target that opts in
(`models-worker = true`) keeps them imported in a background process, as blackd keeps black:
the first run that needs them writes its models itself and starts the worker; later runs hand
it the schemas over a Unix socket in the user's cache and get the module back (tens of
milliseconds for a contract of a dozen schemas).

The worker is an optimisation only. It never changes what is written: it runs the very code a
run would run (generator.emit.datamodel_codegen.datamodel_codegen_module), its identity is a digest of that
code, datamodel-code-generator's version and the interpreter, so code that changed is served by
a new worker, and a request it cannot answer exactly (no worker, a busy or dying one, input that
JSON would not carry unchanged) is computed in the run, as without it. It leaves after 30 idle
minutes; `openapi-contract models-worker stop` ends it sooner. It is never started in CI
(`CI=true`: a one-shot run would only leave it behind), and `OPENAPI_CONTRACT_MODELS_WORKER`
overrides the setting (`off`, or `on` to start one in CI as well).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from functools import cache
from pathlib import Path
from typing import Any

from generator import background, timing
from generator.emit import models_cache
from generator.progress import in_ci

WORKER_ENV = "OPENAPI_CONTRACT_MODELS_WORKER"
IDLE_ENV = "OPENAPI_CONTRACT_MODELS_WORKER_IDLE"
READY_ENV = "OPENAPI_CONTRACT_MODELS_WORKER_READY"
IDLE_SECONDS = 1800.0  # as long as a developer's pause between edits; about 55 MiB held meanwhile
CONNECT_TIMEOUT = 1.0
# How long a run waits for a worker it started itself to listen (it takes about 0.7 s: the
# imports and one small module); one that fails to start is not waited for.
READY_TIMEOUT = 5.0
# A worker answers one request at a time; one that takes longer than this (another run's large
# document ahead in the queue) is given up on, and the run computes its own.
ANSWER_TIMEOUT = 300.0
# sockaddr_un holds 108 bytes on Linux, 104 on macOS: a longer path cannot be bound.
MAX_SOCKET_PATH = 100
_ON = ("1", "on", "true", "yes")
_OFF = ("0", "off", "false", "no")


# The workers this run started (one per identity), to wait for while they get ready.
_started: dict[Path, subprocess.Popen[bytes] | None] = {}


def wanted(configured: bool) -> bool:
    """Whether this run asks a worker (and starts one): the target's setting, CI's default, the
    environment's override."""
    override = os.environ.get(WORKER_ENV, "").strip().lower()
    if override in _OFF:
        return False
    if override in _ON:
        return _supported()
    return configured and not in_ci() and _supported()


def _supported() -> bool:
    return os.name == "posix" and hasattr(socket, "AF_UNIX")


def workers_folder() -> Path | None:
    return background.workers_folder()


@cache
def identity() -> str:
    """What the worker's answers depend on besides the request: the code that computes them,
    datamodel-code-generator's version, the interpreter that runs them."""
    digest = hashlib.sha256()
    for part in (models_cache.tool_version(), sys.executable, sys.version):
        digest.update(part.encode() + b"\0")
    here = Path(__file__)
    # What the worker runs (generator.emit.datamodel_codegen), how it is asked and answers.
    code = ("datamodel_codegen.py", "models_worker.py", "models_worker_server.py")
    # and the messages and sockets it shares with the warm generator
    for module in (*(here.with_name(name) for name in code), here.parents[1] / "background.py"):
        digest.update(hashlib.sha256(module.read_bytes()).digest())
    return digest.hexdigest()[:20]


def socket_path() -> Path | None:
    folder = workers_folder()
    if folder is None:
        return None
    path = folder / f"models-{identity()}.sock"
    return path if len(os.fsencode(path)) <= MAX_SOCKET_PATH else None


def compute(source: dict[str, Any], package: str, strict_nullable: bool) -> str | None:
    """The models module from the running worker, or None (compute it here instead)."""
    request = _request(source, package, strict_nullable)
    if request is None:
        return None
    with timing.timed("models: from the warm worker"):
        return _code(ask(*request) if _ready(request[0]) else None)


def start_early(configured: bool) -> None:
    """At the start of a target's generation: a worker started now when none runs, so that it
    imports datamodel-code-generator beside the loading of the document, on the other core,
    and writes this run's models if they are not in the cache (the run waits for it to listen,
    which is sooner than importing it here), then the next runs'."""
    if wanted(configured):
        path = socket_path()
        if path is not None and not path.exists():
            start()


def _ready(path: Path) -> bool:
    """Whether the worker at `path` listens: at once when its socket is there; else, if this
    run started it, once it is (as long as it has not failed, for `READY_TIMEOUT` at most)."""
    if path.exists():
        return True
    process = _started.get(path)
    if process is None:
        return False
    with timing.timed("models: waiting for the worker to start"):
        deadline = time.monotonic() + background.seconds(READY_ENV, READY_TIMEOUT)
        while time.monotonic() < deadline:
            if path.exists():
                return True
            if process.poll() not in (None, 0):  # it failed (0: another one holds the lock)
                return False
            time.sleep(0.01)
    return False


def ask_beside(
    source: dict[str, Any], package: str, strict_nullable: bool, most: int
) -> Pending | None:
    """`compute` begun in a thread, for a request of at most `most` bytes: the run renders its
    other files while the worker answers. None when there is no worker to ask."""
    request = _request(source, package, strict_nullable)
    if request is None or len(request[1]) > most:
        return None
    return Pending(*request)


class Pending:
    """A request to the worker, sent from a thread (the socket's wait holds no lock)."""

    def __init__(self, path: Path, body: bytes) -> None:
        self._reply: dict[str, Any] | None = None
        self._thread = threading.Thread(
            target=self._ask, args=(path, body), name="models-worker", daemon=True
        )
        self._thread.start()

    def _ask(self, path: Path, body: bytes) -> None:
        self._reply = ask(path, body) if _ready(path) else None

    def code(self) -> str | None:
        """The module the worker wrote, once it has answered; None if it did not."""
        with timing.timed("models: waiting for the warm worker"):
            self._thread.join()
        return _code(self._reply)


def _request(
    source: dict[str, Any], package: str, strict_nullable: bool
) -> tuple[Path, bytes] | None:
    """The worker's socket and the request's bytes, or None (no worker running nor started by
    this run, or input JSON would not carry unchanged)."""
    path = socket_path()
    if path is None or not (path.exists() or path in _started):
        return None
    request = {"op": "models", "source": source, "package": package, "strict": strict_nullable}
    try:
        body = json.dumps(request, ensure_ascii=False, allow_nan=False)
        if json.loads(body)["source"] != source:
            return None  # tuples, non-string keys: the worker would see another document
    except (TypeError, ValueError):
        return None
    return path, body.encode()


def _code(reply: dict[str, Any] | None) -> str | None:
    code = None if reply is None else reply.get("code")
    return code if isinstance(code, str) else None


def ask(path: Path, body: bytes, answer_timeout: float = ANSWER_TIMEOUT) -> dict[str, Any] | None:
    """Send one request to the worker at `path`; its reply, or None if there is none."""
    return background.ask(path, body, answer_timeout, CONNECT_TIMEOUT)


def start() -> None:
    """Start a worker in the background for the runs after this one (a second one, started
    beside it by another run, finds the first holding the lock and leaves)."""
    path = socket_path()
    if path is None or path in _started:
        return
    _started[path] = None  # one start per run, whatever its number of targets
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)  # the socket answers whoever can reach it: its user only
        prune(path.parent, keep=path.stem)
    except OSError:
        return
    _started[path] = background.start(
        "generator.emit.models_worker_server", path, path.with_suffix(".log")
    )


def prune(folder: Path, keep: str) -> list[str]:
    """Remove the files of workers for other code that no process holds and that are a day
    old (generator.background.prune); the names of the workers removed."""
    return background.prune(folder, "models-", keep)


def idle_seconds() -> float:
    return background.seconds(IDLE_ENV, IDLE_SECONDS)


def running() -> dict[Path, object]:
    """The workers that answer (any identity: older code's too): socket -> process id."""
    return background.running("models-")


def stop_all() -> dict[Path, object]:
    """Ask every running worker to leave: those that said they would, socket -> process id."""
    return background.stop_all("models-")
