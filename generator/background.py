"""What the toolkit's background processes share: messages over a Unix socket, and a socket
bound where runs look for it.

Two kinds keep work warm between runs on a developer's machine: the models worker
(generator.emit.models_worker: datamodel-code-generator imported) and the warm generator
(generator.warm_client: the whole generator imported). A message is its length (4 bytes,
network order) and its bytes. Standard library only: the warm generator's client uses it before
anything else is imported.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import struct
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from generator.cache_dir import cache_root

if TYPE_CHECKING:
    import subprocess

MAX_MESSAGE = 1 << 30
# The project setting that keeps a warm generator (generator.config documents and checks it,
# generator.warm_client reads it before anything else is imported).
WARM_SETTING = "warm-generator"
# The files of a background process for other code are removed once they are this old.
STALE_SECONDS = 24 * 3600.0
_HEADER = struct.Struct("!I")


class ProtocolError(Exception):
    """The other side sent something that is not a message, or left in the middle of one."""


def send(conn: socket.socket, body: bytes, fds: list[int] | None = None) -> None:
    """One message; `fds` (open file descriptors) go with its first bytes."""
    data = _HEADER.pack(len(body)) + body
    if fds:
        sent = socket.send_fds(conn, [data], fds)
        data = data[sent:]
    conn.sendall(data)


def receive(conn: socket.socket, most: int = MAX_MESSAGE) -> bytes:
    (size,) = _HEADER.unpack(exactly(conn, _HEADER.size))
    if size > most:
        raise ProtocolError(f"a message of {size} bytes")
    return exactly(conn, size)


def receive_with_fds(conn: socket.socket, fds: int, most: int) -> tuple[bytes, list[int]]:
    """One message and the file descriptors that came with it (at most `fds`; the caller
    closes them)."""
    data, received, flags, _ = socket.recv_fds(conn, 1 << 16, fds)
    try:
        if flags & getattr(socket, "MSG_CTRUNC", 0):
            raise ProtocolError("more file descriptors than a request carries")
        if not data:
            raise ProtocolError("the other side left before its message")
        while len(data) < _HEADER.size:
            data += exactly(conn, _HEADER.size - len(data))
        (size,) = _HEADER.unpack(data[: _HEADER.size])
        if size > most:
            raise ProtocolError(f"a message of {size} bytes")
        body = data[_HEADER.size :]
        if len(body) > size:
            raise ProtocolError("more bytes than the message's length")
        return body + exactly(conn, size - len(body)), list(received)
    except BaseException:
        for fd in received:
            os.close(fd)
        raise


def exactly(conn: socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        chunk = conn.recv(min(size, 1 << 20))
        if not chunk:
            raise ProtocolError("the other side left mid-message")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def listen_in_place(path: Path, backlog: int = 16) -> tuple[socket.socket, int]:
    """A socket listening at `path` (its user's only), and its inode.

    Bound and listening under a name of its own, then renamed into place (over a socket left
    by a process that was killed): a run that finds the socket finds it listening.
    """
    starting = path.with_name(f"{path.stem}.{os.getpid()}.starting")
    starting.unlink(missing_ok=True)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    previous = os.umask(0o177)
    try:
        server.bind(os.fspath(starting))
    finally:
        os.umask(previous)
    server.listen(backlog)
    os.replace(starting, path)
    return server, path.stat().st_ino


def still_ours(path: Path, inode: int) -> bool:
    """Whether `path` is still the socket a process bound (the same file, not a new one)."""
    try:
        return path.stat().st_ino == inode
    except OSError:
        return False


def prune(folder: Path, prefix: str, keep: str) -> list[str]:
    """Remove the files of background processes for other code (an earlier version, an edited
    generator) that no process holds and that are a day old: each identity leaves a lock and a
    log (`prefix`: the kind's; `keep`: this code's name). Returns the names removed."""
    import fcntl  # POSIX only, as the background processes are

    removed = []
    for starting in folder.glob(f"{prefix}*.starting"):  # one killed before it listened
        with contextlib.suppress(OSError):
            if time.time() - starting.stat().st_mtime >= STALE_SECONDS:
                starting.unlink()
    for lock in sorted(folder.glob(f"{prefix}*.lock")):
        if lock.stem == keep:
            continue
        try:
            if time.time() - lock.stat().st_mtime < STALE_SECONDS:
                continue
            with open(lock, "a") as held:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # else one runs: kept
                for suffix in (".sock", ".log"):
                    lock.with_suffix(suffix).unlink(missing_ok=True)
                lock.unlink()
        except OSError:
            continue
        removed.append(lock.stem)
    return removed


def start(module: str, path: Path, log: Path) -> subprocess.Popen[bytes] | None:
    """`python -m <module> <path>` started in the background with its output to `log`, or None
    when it cannot be. It imports this checkout's generator (first on its PYTHONPATH), runs in
    the socket's folder (not the project's, which may be deleted under it) and in a session of
    its own (a terminal's Ctrl-C meant for make does not end it)."""
    import subprocess  # only when one is started
    import sys

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(package_root()), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    }
    try:
        with open(log, "ab") as output:
            return subprocess.Popen(
                [sys.executable, "-m", module, os.fspath(path)],
                cwd=path.parent,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
                start_new_session=True,
                close_fds=True,
            )
    except OSError:
        return None


def hold_lock(path: Path) -> TextIO | None:
    """The lock beside the socket `path`, held for the rest of the process's life; None when
    another process (for the same code) holds it. The log, this process's standard output, is
    emptied: it holds one process's life, not every one's."""
    import fcntl  # POSIX only, as the background processes are
    import sys

    lock = open(path.with_suffix(".lock"), "a")  # noqa: SIM115 (held for the process's life)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        return None
    with contextlib.suppress(OSError):
        os.ftruncate(sys.stdout.fileno(), 0)
    return lock


def workers_folder() -> Path | None:
    """Where the background processes' sockets, locks and logs are (None: caching is off)."""
    root = cache_root()
    return None if root is None else root / "workers"


def package_root() -> Path:
    """The folder the `generator` package is imported from (a checkout, or site-packages)."""
    return Path(__file__).resolve().parents[1]


def seconds(variable: str, default: float) -> float:
    """A positive number of seconds from the environment's `variable`, else `default`."""
    try:
        value = float(os.environ.get(variable, default))
    except ValueError:
        return default
    return value if value > 0 else default


def ask(
    path: Path, body: bytes, answer_timeout: float = 5.0, connect_timeout: float = 1.0
) -> dict[str, Any] | None:
    """One request to the background process at `path`; its reply, or None if there is none."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(connect_timeout)
            conn.connect(os.fspath(path))
            conn.settimeout(answer_timeout)
            send(conn, body)
            reply = json.loads(receive(conn))
    except (OSError, ValueError, ProtocolError):
        return None
    return reply if isinstance(reply, dict) else None


def running(prefix: str) -> dict[Path, object]:
    """The background processes of one kind that answer (any code's): socket -> process id."""
    folder = workers_folder()
    if folder is None or not folder.is_dir():
        return {}
    ping = json.dumps({"op": "ping"}).encode()
    replies = {p: ask(p, ping) for p in sorted(folder.glob(f"{prefix}*.sock"))}
    return {p: reply.get("pid") for p, reply in replies.items() if reply is not None}


def stop_all(prefix: str) -> dict[Path, object]:
    """Ask every background process of one kind to leave: those that said they would."""
    stop = json.dumps({"op": "stop"}).encode()
    return {p: pid for p, pid in running(prefix).items() if ask(p, stop) is not None}
