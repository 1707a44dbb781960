"""The warm datamodel-code-generator process (generator.emit.models_worker starts and asks it).

`python -m generator.emit.models_worker_server SOCKET`: takes the lock beside SOCKET (a second
worker for the same code finds it held and leaves), imports datamodel-code-generator and writes
a small module once so that its templates and lazy imports are loaded, then answers requests on
SOCKET one at a time until it has been idle for `models_worker.idle_seconds()` or is asked to stop.

A request it cannot answer (datamodel-code-generator raised) gets `{"error": ...}`: the run then
computes the models itself and reports the error as it would have without a worker.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any

from generator import background
from generator.emit import models_worker
from generator.emit.datamodel_codegen import datamodel_codegen_module

# A request has this long to arrive whole once a run has connected.
READ_TIMEOUT = 30.0
# How often a waiting worker checks that its socket is still there, and whether it is idle.
CHECK_SECONDS = 5.0
_WARM_UP = {
    "openapi": "3.1.0",
    "info": {"title": "warm-up", "version": "0"},
    "paths": {},
    "components": {
        "schemas": {
            "Kind": {"type": "string", "enum": ["a", "b"]},
            "Item": {
                "type": "object",
                "description": "An item.",
                "required": ["kind"],
                "properties": {
                    "kind": {"$ref": "#/components/schemas/Kind"},
                    "tags": {"type": "array", "items": {"type": "string", "maxLength": 3}},
                    "extra": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                },
            },
        }
    },
}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m generator.emit.models_worker_server SOCKET", file=sys.stderr)
        return 2
    path = Path(argv[0])
    lock = background.hold_lock(path)  # held for the process's life
    if lock is None:
        return 0  # another worker for the same code is starting or serving
    datamodel_codegen_module(_WARM_UP, "warm_up", False)
    server, ours = background.listen_in_place(path)
    idle = models_worker.idle_seconds()
    server.settimeout(min(idle, CHECK_SECONDS))
    print(f"models worker {os.getpid()} serving on {path}", flush=True)
    last = time.monotonic()
    try:
        while True:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                if not background.still_ours(path, ours):
                    # The cache folder was removed, or the socket replaced: no run can reach
                    # this worker any more (nor `models-worker stop`).
                    print("its socket is gone: leaving", flush=True)
                    return 0
                if time.monotonic() - last >= idle:
                    print("idle: leaving", flush=True)
                    return 0
                continue
            with conn:
                if not _serve(conn):
                    print("asked to stop: leaving", flush=True)
                    return 0
            last = time.monotonic()
    finally:
        # Before the lock goes with the process: the next worker finds no socket of ours (and
        # another worker's socket, should one have taken the name, is left alone).
        server.close()
        if background.still_ours(path, ours):
            path.unlink(missing_ok=True)


def _serve(conn: socket.socket) -> bool:
    """Answer one request; False when it asked the worker to leave."""
    try:
        conn.settimeout(READ_TIMEOUT)
        request = json.loads(background.receive(conn))
        if not isinstance(request, dict):
            raise background.ProtocolError("a request is a JSON object")
        op = request.get("op")
        reply: dict[str, Any]
        if op == "ping":
            reply = {"pid": os.getpid()}
        elif op == "stop":
            reply = {"stopping": os.getpid()}
        elif op == "models":
            reply = _models(request)
        else:
            reply = {"error": f"unknown request {op!r}"}
        conn.settimeout(None)
        background.send(conn, json.dumps(reply, ensure_ascii=False).encode())
    except (OSError, ValueError, background.ProtocolError) as exc:
        # A run that left, or sent something else: the next one is served all the same.
        print(f"request dropped: {exc}", flush=True)
        return True
    return op != "stop"


def _models(request: dict[str, Any]) -> dict[str, Any]:
    source, package, strict = request.get("source"), request.get("package"), request.get("strict")
    if not isinstance(source, dict) or not isinstance(package, str) or not isinstance(strict, bool):
        return {"error": "a models request has source, package and strict"}
    started = time.perf_counter()
    try:
        code = datamodel_codegen_module(source, package, strict)
    except Exception as exc:  # reported by the run, which computes it again without the worker
        print(f"failed models for {package}: {type(exc).__name__}", flush=True)
        return {"error": f"{type(exc).__name__}: {exc}"}
    took = (time.perf_counter() - started) * 1000
    print(f"served models for {package} in {took:.0f} ms", flush=True)
    return {"code": code}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
