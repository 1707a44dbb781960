"""The warm datamodel-code-generator worker (generator.emit.models_worker and _server).

It may only ever save time: what it answers is what the run computes itself, byte for byte; a
worker that is killed, stale, duplicated, idle or sent garbage costs a run nothing but the
saving; CI never starts one. Each test has a cache folder of its own (a short one: a Unix socket's
path is limited to about 100 bytes) and ends every worker it started.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import background
from generator.emit import models_worker
from generator.emit.datamodel_codegen import datamodel_codegen_module
from generator.emit.models import models_source
from generator.ir import build_model
from generator.loader import load_document
from tests.conftest import ROOT, alive, wait_for

SMALL = {
    "openapi": "3.1.0",
    "info": {"title": "models", "version": "0"},
    "paths": {},
    "components": {
        "schemas": {
            "Pet": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
            }
        }
    },
}


def _pids(folder: Path) -> list[int]:
    """Every worker that said it was serving, from the logs in `folder`."""
    pids = []
    for log in folder.glob("*.log"):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("models worker ") and " serving on " in line:
                pids.append(int(line.split()[2]))
    return pids


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="ocw", dir="/tmp"))
    monkeypatch.setenv("OPENAPI_CONTRACT_CACHE_DIR", str(root))
    monkeypatch.setenv(models_worker.WORKER_ENV, "on")
    monkeypatch.delenv(models_worker.IDLE_ENV, raising=False)
    # A worker the run started is waited for while it gets ready: long enough for a loaded
    # machine, so that the tests that count its answers do not depend on its speed.
    monkeypatch.setenv(models_worker.READY_ENV, "120")
    models_worker._started.clear()
    try:
        yield root
    finally:
        models_worker.stop_all()
        folder = root / "workers"
        for pid in _pids(folder) if folder.is_dir() else []:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        models_worker._started.clear()
        shutil.rmtree(root, ignore_errors=True)


def _started_worker() -> Path:
    models_worker.start()
    path = models_worker.socket_path()
    assert path is not None
    wait_for(lambda: bool(models_worker.running()), "the worker to answer")
    return path


def _source(document: str) -> tuple[dict[str, Any], bool]:
    doc = build_model(load_document(ROOT / document))
    return models_source(doc), doc.openapi.startswith("3.0")


def test_the_worker_answers_what_the_run_computes(cache: Path) -> None:
    """Several documents through one worker, in turn (state it kept from one request would show
    in the next), each the same text as a run without it."""
    _started_worker()
    documents = [
        "spec/openapi.yaml",
        "spec/upstream/openai-realtime.yaml",
        "tests/fixtures/edge-cases.yaml",  # OpenAPI 3.0: strict nullable
        "tests/fixtures/sdk-ergonomics.yaml",
        "spec/openapi.yaml",
    ]
    for document in documents:
        source, strict_nullable = _source(document)
        served = models_worker.compute(source, "pkg", strict_nullable)
        assert served is not None, document
        assert served == datamodel_codegen_module(source, "pkg", strict_nullable), document
    log = next((cache / "workers").glob("*.log")).read_text(encoding="utf-8")
    assert log.count("served models") == len(documents)


EDITS = {
    # ServiceAi's contract: a new property, as the bench edits it
    "spec/openapi.yaml": (
        "    ApiVersionResponse:\n      type: object\n      properties:\n",
        "        added:\n          type: integer\n",
    ),
    # models warnings (discriminator-literal-fallback) beside the server stubs' notice
    "tests/fixtures/discriminator-fallback.yaml": (
        "            bark: {type: string}\n",
        "            added: {type: integer}\n",
    ),
}


@pytest.mark.parametrize("document", sorted(EDITS))
def test_generate_through_the_worker_writes_the_same(
    cache: Path, tmp_path: Path, document: str
) -> None:
    """`generate` as a user runs it: the first run starts the worker, a schema edit is served by
    it (asked while the other emitters render), and the files, the printed warnings and the
    report are those of a run that never heard of a worker."""
    spec = tmp_path / "api.yaml"
    text = (ROOT / document).read_text(encoding="utf-8")
    spec.write_text(text, encoding="utf-8")
    argv = [
        *(sys.executable, "-m", "generator", "generate", "--spec", str(spec), "--package", "api"),
        *("--models-engine", "datamodel-code-generator", "-v"),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CI", None)

    def generate(name: str, environ: dict[str, str]) -> tuple[str, Any]:
        out, report = tmp_path / name, tmp_path / f"{name}.json"
        done = subprocess.run(
            [*argv, "--out", str(out), "--report", str(report)], env=environ, capture_output=True
        )
        assert done.returncode == 0, done.stderr.decode()
        printed = re.sub(r" in [0-9.]+s -> ", " -> ", done.stdout.decode().replace(str(out), "OUT"))
        reported = json.loads(report.read_text(encoding="utf-8"))
        return printed + done.stderr.decode(), reported["targets"][0]["warnings"]

    first = generate("first", env)
    log = next((cache / "workers").glob("*.log")).read_text(encoding="utf-8")
    # The run started the worker as it began, and waited for it rather than importing
    # datamodel-code-generator itself.
    assert log.count("served models") == 1, log
    anchor, added = EDITS[document]
    assert text.count(anchor) == 1
    spec.write_text(text.replace(anchor, anchor + added), encoding="utf-8")
    served = generate("served", env)
    log = next((cache / "workers").glob("*.log")).read_text(encoding="utf-8")
    assert log.count("served models") == 2, log
    assert log.count("serving on") == 1  # the same worker

    without = {**env, models_worker.WORKER_ENV: "off", "OPENAPI_CONTRACT_CACHE_DIR": "off"}
    assert generate("alone", without) == served
    spec.write_text(text, encoding="utf-8")
    assert generate("first-alone", without) == first
    for worker, alone in (("first", "first-alone"), ("served", "alone")):
        files = sorted(p.relative_to(tmp_path / worker) for p in (tmp_path / worker).rglob("*"))
        assert files == sorted(
            p.relative_to(tmp_path / alone) for p in (tmp_path / alone).rglob("*")
        )
        for relative in files:
            if (tmp_path / worker / relative).is_file():
                assert (tmp_path / worker / relative).read_bytes() == (
                    tmp_path / alone / relative
                ).read_bytes(), relative
    models = "".join(p.read_text() for p in (tmp_path / "served/api/models").glob("_*.py"))
    assert "added: int | None" in models


def test_a_killed_worker_costs_nothing_and_is_replaced(cache: Path) -> None:
    path = _started_worker()
    (pid,) = _pids(path.parent)
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not alive(pid), "the worker to die")
    assert path.exists()  # a socket nobody answers, left behind
    assert models_worker.compute(SMALL, "pkg", False) is None  # the run computes its own
    models_worker._started.clear()  # a later run
    _started_worker()
    assert models_worker.compute(SMALL, "pkg", False) == datamodel_codegen_module(
        SMALL, "pkg", False
    )
    # The log holds the new worker's life alone (it is not a record of every worker's).
    (new,) = _pids(path.parent)
    assert new != pid


def test_a_worker_dying_mid_request_costs_nothing(cache: Path) -> None:
    """A socket that takes the request and closes without a reply, and one that answers half a
    message: no answer, no exception, the run computes its own."""
    path = models_worker.socket_path()
    assert path is not None
    path.parent.mkdir(parents=True)
    for reply in (b"", b'\x00\x00\x01\x00{"code": "cl'):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
            server.bind(os.fspath(path))
            server.listen(1)
            server.settimeout(30)

            def serve(server: socket.socket = server, reply: bytes = reply) -> None:
                conn, _ = server.accept()
                with conn:
                    background.receive(conn)
                    conn.sendall(reply)

            thread = threading.Thread(target=serve)
            thread.start()
            assert models_worker.compute(SMALL, "pkg", False) is None
            thread.join()
        path.unlink()


def test_two_runs_starting_a_worker_at_once_leave_one(cache: Path) -> None:
    for _ in range(3):
        models_worker._started.clear()
        models_worker.start()
    path = models_worker.socket_path()
    assert path is not None
    wait_for(lambda: bool(models_worker.running()), "a worker to answer")
    time.sleep(1.0)  # let the others reach the lock
    assert [pid for pid in _pids(path.parent) if alive(pid)] == _pids(path.parent)
    assert len(_pids(path.parent)) == 1
    assert models_worker.compute(SMALL, "pkg", False) is not None


def test_an_idle_worker_leaves_and_removes_its_socket(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(models_worker.IDLE_ENV, "1")
    path = _started_worker()
    (pid,) = _pids(path.parent)
    wait_for(lambda: not alive(pid), "the idle worker to leave")
    assert not path.exists()
    assert "idle: leaving" in path.with_suffix(".log").read_text(encoding="utf-8")


def test_stop_ends_every_worker(cache: Path) -> None:
    path = _started_worker()
    (pid,) = _pids(path.parent)
    done = subprocess.run(
        [sys.executable, "-m", "generator", "models-worker", "stop"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0 and f"stopped: {path} (process {pid})" in done.stdout
    wait_for(lambda: not alive(pid), "the stopped worker to leave")
    status = subprocess.run(
        [sys.executable, "-m", "generator", "models-worker", "status"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert status.stdout.strip() == "no models worker running"


def test_hostile_requests_are_dropped_and_the_next_is_served(cache: Path) -> None:
    path = _started_worker()
    hostile = [
        b"\xff\xff\xff\xff",  # a length beyond any message
        b"\x00\x00\x00\x05{{{{{",  # not JSON
        b"\x00\x00\x00\x02[]",  # not a request
        b"\x00\x00\x00\x40" + b"short",  # a request that never arrives whole (the client leaves)
        json.dumps({"op": "models", "source": "x"}).encode(),  # no length: read as a length
    ]
    for body in hostile:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(30)
            conn.connect(os.fspath(path))
            conn.sendall(body)
            conn.shutdown(socket.SHUT_WR)
            with contextlib.suppress(OSError):
                conn.recv(1 << 16)
    wrong = models_worker.ask(path, json.dumps({"op": "models", "source": "x"}).encode())
    assert wrong is not None and "error" in wrong
    assert models_worker.ask(path, json.dumps({"op": "dance"}).encode()) == {
        "error": "unknown request 'dance'"
    }
    # datamodel-code-generator failing is an answer the run does not take: it computes its own
    bad = {**SMALL, "components": {"schemas": {"X": {"type": "object", "properties": "x"}}}}
    assert models_worker.compute(bad, "pkg", False) is None
    assert "failed models for pkg: SchemaParseError" in path.with_suffix(".log").read_text()
    assert models_worker.compute(SMALL, "pkg", False) == datamodel_codegen_module(
        SMALL, "pkg", False
    )


def test_input_json_would_change_is_never_sent(cache: Path) -> None:
    """Schemas that would reach the worker as another document (integer keys, tuples, NaN) are
    computed in the run: the worker is not even asked."""
    path = _started_worker()
    log = path.with_suffix(".log")
    before = log.read_text(encoding="utf-8")
    for odd in ({1: {"type": "string"}}, ("a", "b"), float("nan")):
        source = {**SMALL, "components": {"schemas": {"Odd": {"x-odd": odd}}}}
        assert models_worker.compute(source, "pkg", False) is None
    assert log.read_text(encoding="utf-8") == before


def test_when_a_worker_is_wanted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(models_worker.WORKER_ENV, raising=False)
    monkeypatch.delenv("CI", raising=False)
    assert models_worker.wanted(True) and not models_worker.wanted(False)
    monkeypatch.setenv("CI", "true")
    assert not models_worker.wanted(True)  # CI's run is one-shot: never leave a process behind
    monkeypatch.setenv(models_worker.WORKER_ENV, "on")
    assert models_worker.wanted(False)
    monkeypatch.setenv(models_worker.WORKER_ENV, "off")
    monkeypatch.delenv("CI")
    assert not models_worker.wanted(True)


def test_no_worker_without_a_cache_or_with_too_long_a_socket_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPENAPI_CONTRACT_CACHE_DIR", "off")
    assert models_worker.socket_path() is None
    assert models_worker.compute(SMALL, "pkg", False) is None
    monkeypatch.setenv("OPENAPI_CONTRACT_CACHE_DIR", str(tmp_path / ("x" * 120)))
    assert models_worker.socket_path() is None
    models_worker.start()  # nothing to start: no folder written, no process
    assert not (tmp_path / ("x" * 120)).exists()


def test_the_identity_follows_the_code_and_the_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.emit import models_cache

    before = models_worker.identity()
    models_worker.identity.cache_clear()
    monkeypatch.setattr(models_cache, "tool_version", lambda: "datamodel_code_generator-0.0.0")
    try:
        assert models_worker.identity() != before
    finally:
        models_worker.identity.cache_clear()


def test_the_models_warnings_keep_their_place(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Asked of the worker while the other emitters render, the models' warnings still come
    before those of the emitters after them, as in a run without a worker. (Today's emitters
    after the models warn nothing, their plans are built with the intermediate model: the
    client is made to warn here.)"""
    from generator import pipeline
    from generator.config import Target
    from generator.ir.model import Warning_
    from generator.pipeline import generate_target

    emit_client = pipeline.emit_client

    def warning_client(doc: Any, target: Any, **kwargs: Any) -> dict[str, str]:
        doc.warnings.append(Warning_("the client says", "/paths", "client-test"))
        return emit_client(doc, target, **kwargs)

    monkeypatch.setattr(pipeline, "emit_client", warning_client)

    target = Target(
        name="pets",
        spec=ROOT / "tests" / "fixtures" / "discriminator-fallback.yaml",
        out=tmp_path / "out",
        package="pets",
        distribution="pets",
        overlay_dir=None,
        models_engine="datamodel-code-generator",
        models_worker=True,
    )
    path = _started_worker()

    def warnings() -> list[tuple[str, str]]:
        return [(w.rule, w.pointer) for w in generate_target(target).document.warnings]

    served = warnings()
    assert path.with_suffix(".log").read_text(encoding="utf-8").count("served models") == 1
    monkeypatch.setenv(models_worker.WORKER_ENV, "off")
    monkeypatch.setenv("OPENAPI_CONTRACT_CACHE_DIR", "off")
    assert served == warnings()
    assert [rule for rule, _ in served] == [
        "server-error-undocumented",  # the server plan, built with the intermediate model
        "discriminator-literal-fallback",
        "discriminator-literal-fallback",
        "client-test",
    ]


def test_the_files_of_workers_for_other_code_are_pruned(cache: Path) -> None:
    """Each identity (code, tool, interpreter) leaves a lock and a log; starting a worker removes
    those of other identities that no process holds and that are a day old."""
    import fcntl

    folder = cache / "workers"
    folder.mkdir(parents=True)
    day_ago = time.time() - 25 * 3600
    names = ("models-old", "models-held", "models-recent")
    for name in names:
        for suffix in (".lock", ".log", ".sock"):
            (folder / (name + suffix)).write_text("")
        if name != "models-recent":
            os.utime(folder / (name + ".lock"), (day_ago, day_ago))
    with open(folder / "models-held.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a worker of that identity runs
        path = _started_worker()
    left = sorted(p.name for p in folder.iterdir())
    assert not any(name.startswith("models-old") for name in left)
    for name in ("models-held", "models-recent"):
        assert {f"{name}.lock", f"{name}.log", f"{name}.sock"} <= set(left)
    assert path.with_suffix(".lock").name in left  # its own


@pytest.mark.timeout(120)
def test_a_worker_that_fails_to_start_is_not_waited_for(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run waits for a worker it started only while that worker lives: one that exits with
    an error (here a stand-in) ends the wait at once, and the run computes its own. The wait's
    bound is set beyond pytest's timeout for this test: waiting it out fails the test."""
    monkeypatch.setenv(models_worker.READY_ENV, "3600")
    path = models_worker.socket_path()
    assert path is not None and not path.exists()
    failing = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    models_worker._started[path] = failing
    assert models_worker.compute(SMALL, "pkg", False) is None
    pending = models_worker.ask_beside(SMALL, "pkg", False, 1 << 20)
    assert pending is not None and pending.code() is None
    assert failing.returncode == 3


def test_a_worker_whose_socket_is_removed_leaves(cache: Path) -> None:
    """The cache folder removed under a worker (or its socket replaced): no run can reach it,
    nor `models-worker stop`, so it leaves at its next check instead of idling out, and does
    not remove a socket that is no longer its own."""
    path = _started_worker()
    (pid,) = _pids(path.parent)
    log = path.with_suffix(".log").read_text(encoding="utf-8")
    path.unlink()
    path.write_text("another worker's socket, say")
    wait_for(lambda: not alive(pid), "the unreachable worker to leave")
    assert path.read_text() == "another worker's socket, say"
    assert log in path.with_suffix(".log").read_text(encoding="utf-8")
    assert "its socket is gone: leaving" in path.with_suffix(".log").read_text(encoding="utf-8")
