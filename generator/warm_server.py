"""The warm generator: the generator imported once, a forked child per run (generator.warm_client
starts and asks it).

`python -m generator.warm_server SOCKET`: takes the lock beside SOCKET (a second one for the
same code finds it held and leaves), imports every module a `generate` run uses, asks the warm
generators of older code of the same installation to leave, and serves SOCKET until it has been
idle (no request, no child running) for `warm_client.idle_seconds()` or is asked to stop.

A run is served by a child forked for it, so that no run sees what another left behind: every
cache a run fills is the child's, gone when it ends; the parent only ever imports. The child
takes the run's standard input, output and error (passed with the request), its working
folder, environment and umask, answers with its process id (the client passes its signals on
to it: Ctrl-C stops the run as it would in-process), runs `generator.cli.main` with the run's
arguments and answers with its exit status. The parent serves only its own user: the socket is
its user's alone, and on Linux the peer's user id is checked too.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import pkgutil
import signal
import socket
import struct
import sys
import time
from pathlib import Path
from typing import Any, NoReturn, TextIO

from generator import background, warm_client

# A request has this long to arrive whole once a run has connected.
READ_TIMEOUT = 5.0
# How often a waiting server reaps its children, checks that its socket is still there, and
# whether it is idle.
CHECK_SECONDS = 5.0
MAX_REQUEST = 16 << 20
# What a run imports that the parent imports too: the generator but what `generate` never
# uses (the runtime packages copied into the output, the contract diff, the adoption
# workflow, the background processes' own entry points).
_SKIPPED = ("generator.runtime", "generator.diff", "generator.adopt", "generator.__main__")
_SKIPPED_SUFFIXES = ("_server",)
# The exit status of a child whose run could not even start (EX_SOFTWARE).
_SETUP_FAILED = 70
_STREAMS = ("stdin", "stdout", "stderr")
# A stream the client could not describe (its own was replaced, or none): as Python opens it.
_DEFAULT_STREAMS = {
    "stdin": ["utf-8", "strict"],
    "stdout": ["utf-8", "strict"],
    "stderr": ["utf-8", "backslashreplace"],
}
# The parent's own standard streams, replaced in each child and never closed there: their file
# descriptors (0, 1 and 2) are the run's once the child has taken them.
_replaced: list[object] = []
# The lock this server holds while it lives (a child lets go of it: a server started after this
# one has gone must not wait for the runs it forked).
_lock: TextIO | None = None


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m generator.warm_server SOCKET", file=sys.stderr)
        return 2
    path = Path(argv[0])
    global _lock
    _lock = background.hold_lock(path)
    if _lock is None:
        return 0  # another one for the same code is starting or serving
    started = time.perf_counter()
    count = import_generator()
    took = (time.perf_counter() - started) * 1000
    server, ours = background.listen_in_place(path)
    print(f"warm generator {os.getpid()} serving on {path} ({count} modules, {took:.0f} ms)")
    _retire_older(path)
    sys.stdout.flush()
    idle = warm_client.idle_seconds()
    server.settimeout(min(idle, CHECK_SECONDS))
    children: set[int] = set()
    last = time.monotonic()
    try:
        while True:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                _reap(children)
                if not background.still_ours(path, ours):
                    # The cache folder was removed, or the socket replaced: no run can reach
                    # this server any more (nor `background stop`).
                    print("its socket is gone: leaving", flush=True)
                    return 0
                if not children and time.monotonic() - last >= idle:
                    print("idle: leaving", flush=True)
                    return 0
                continue
            with conn:
                if not _serve(server, conn, children):
                    print("asked to stop: leaving", flush=True)
                    return 0
            _reap(children)
            last = time.monotonic()
    finally:
        server.close()
        if background.still_ours(path, ours):
            path.unlink(missing_ok=True)


def import_generator() -> int:
    """Every module of the generator a run may use, imported; how many modules are loaded."""
    import generator

    for module in pkgutil.walk_packages(generator.__path__, "generator.", onerror=lambda _: None):
        name = module.name
        if name.startswith(_SKIPPED) or name.endswith(_SKIPPED_SUFFIXES):
            continue
        importlib.import_module(name)
    return len(sys.modules)


def _retire_older(path: Path) -> None:
    """Ask the warm generators of this installation that serve older code to leave: no run of
    this installation will ask them again."""
    where = path.stem.rsplit("-", 1)[0]
    for other in sorted(path.parent.glob(f"{where}-*.sock")):
        if other != path and warm_client.ask(other, {"op": "stop"}) is not None:
            print(f"asked {other.name} (older code) to leave")


def _reap(children: set[int]) -> None:
    for pid in list(children):
        with contextlib.suppress(ChildProcessError):
            done, status = os.waitpid(pid, os.WNOHANG)
            if not done:
                continue
            if os.WIFSIGNALED(status):
                print(f"run {pid} ended by signal {os.WTERMSIG(status)}", flush=True)
        children.discard(pid)


def _serve(server: socket.socket, conn: socket.socket, children: set[int]) -> bool:
    """Answer one request (a run is forked off); False when it asked the server to leave."""
    fds: list[int] = []
    try:
        if not _same_user(conn):
            raise background.ProtocolError("a process of another user")
        conn.settimeout(READ_TIMEOUT)
        body, fds = background.receive_with_fds(conn, 3, MAX_REQUEST)
        request = json.loads(body.decode("utf-8", "surrogateescape"))
        if not isinstance(request, dict):
            raise background.ProtocolError("a request is a JSON object")
        op = request.get("op")
        if op == "run":
            problem = _invalid(request, fds)
            if problem is None:
                children.add(_fork(server, conn, request, fds))
                return True
            reply: dict[str, Any] = {"error": problem}
        elif op == "ping":
            reply = {"pid": os.getpid(), "children": sorted(children)}
        elif op == "stop":
            reply = {"stopping": os.getpid()}
        else:
            reply = {"error": f"unknown request {op!r}"}
        conn.settimeout(None)
        background.send(conn, json.dumps(reply).encode())
    except (OSError, ValueError, background.ProtocolError) as exc:
        # A run that left, or sent something else: the next one is served all the same.
        print(f"request dropped: {exc}", flush=True)
        return True
    finally:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)
    return op != "stop"


def _same_user(conn: socket.socket) -> bool:
    """Whether the peer runs as this process's user (checked where the system says: Linux)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True  # the socket's folder and mode already keep other users out
    credentials = struct.Struct("3i")
    _pid, uid, _gid = credentials.unpack(
        conn.getsockopt(socket.SOL_SOCKET, option, credentials.size)
    )
    return bool(uid == os.getuid())


def _invalid(request: dict[str, Any], fds: list[int]) -> str | None:
    """What is wrong with a run request, or None."""
    argv, env, streams = request.get("argv"), request.get("env"), request.get("streams")
    if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
        return "argv is a list of strings"
    if not isinstance(request.get("cwd"), str):
        return "cwd is a string"
    if not isinstance(env, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k and "=" not in k and "\0" not in k + v
        for k, v in env.items()
    ):
        return "env maps names to strings"
    umask = request.get("umask")
    if not isinstance(umask, int) or not 0 <= umask <= 0o777:
        return "umask is a file mode"
    if not isinstance(streams, dict) or not all(
        isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v)
        for v in streams.values()
    ):
        return "streams name each stream's encoding and errors"
    if len(fds) != 3:
        return "a run comes with its standard input, output and error"
    return None


def _fork(
    server: socket.socket, conn: socket.socket, request: dict[str, Any], fds: list[int]
) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        _child(server, conn, request, fds)
    print(f"run {pid}: {' '.join(request['argv'])} in {request['cwd']}", flush=True)
    return pid


def _child(
    server: socket.socket, conn: socket.socket, request: dict[str, Any], fds: list[int]
) -> NoReturn:
    """Run the request as the process that sent it would have, and exit with its status."""
    code: int = _SETUP_FAILED
    before: set[str] = set()
    log = os.dup(2)  # the server's log, for what goes wrong before the run is the client's
    try:
        server.close()
        if _lock is not None:
            os.close(_lock.fileno())  # the descriptor only: the parent's lock stays held
        os.setpgid(0, 0)  # signals meant for the server's group are not the run's
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        fds.clear()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.umask(request["umask"])
        _take_streams(request["streams"])
        sys.argv = ["openapi-contract", *request["argv"]]
        background.send(conn, json.dumps({"pid": os.getpid()}).encode())
        # The client's word that it waits for this run (one that gave up runs it itself).
        conn.settimeout(warm_client.START_TIMEOUT)
        if json.loads(background.receive(conn, 16)) != "go":
            raise background.ProtocolError("the client did not ask for the run")
        conn.settimeout(None)
        os.write(log, f"run {os.getpid()} started\n".encode())
        before = set(sys.modules)
        from generator.cli import main as cli_main

        code = cli_main(request["argv"])
    except SystemExit as exc:  # argparse: usage errors (2) and --help (0)
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        code = 130
    except BaseException as exc:  # the run could not start here: the client runs it itself
        with contextlib.suppress(Exception):
            os.write(log, f"run {os.getpid()} not started: {type(exc).__name__}: {exc}\n".encode())
        os._exit(_SETUP_FAILED)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with contextlib.suppress(Exception):
        imported = sorted(set(sys.modules) - before)
        background.send(conn, json.dumps({"exit": code, "imported": imported}).encode())
    os._exit(code & 0xFF)


def _take_streams(streams: dict[str, list[str]]) -> None:
    """sys.stdin, sys.stdout and sys.stderr on the run's file descriptors, with its encodings
    (stdout line-buffered on a terminal, stderr always, as Python opens them)."""
    for fd, name in enumerate(_STREAMS):
        _replaced.append(getattr(sys, name))
        encoding, errors = streams.get(name) or _DEFAULT_STREAMS[name]
        stream: io.TextIOWrapper
        if name == "stdin":
            stream = open(fd, encoding=encoding, errors=errors, closefd=False)  # noqa: SIM115
        else:
            buffering = 1 if name == "stderr" else -1
            stream = open(  # noqa: SIM115
                fd, "w", buffering=buffering, encoding=encoding, errors=errors, closefd=False
            )
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
