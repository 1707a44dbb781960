"""Warm workers for the corpus run (scripts/corpus.py): start-up paid once per job, not per document.

Each job owns two long-lived processes, started with this file as their program:

- a generator worker imports the generator once and generates document after document in its
  own process (`generate --spec`, the CLI as a user runs it, output captured). Its peak memory
  is read per document from the kernel (`VmHWM`, reset through `/proc/self/clear_refs` before
  each document), so a document's figure is its own, the worker's base included as before.
- an importer worker imports what generated packages use (pydantic, httpx, FastAPI, the MCP
  SDK, ...) once, then forks a child per output to import every module of it: each check starts
  from that warm, clean state and nothing of one output can leak into the next. The libraries a
  child needed are then imported by the importer itself, so later children find them loaded.

The supervisor side (`Worker`) speaks one JSON line per request and per answer over the
worker's stdin and a pipe of its own (the worker's stdout is sent to stderr: nothing a document
prints can break the protocol). A worker that crashes, or takes longer than the time limit, is
killed and started again; the document it was working on gets that as its status.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# The summary line's count of warnings (`p: 3 operations, ..., 12 warnings in 0.5s -> out`).
_SUMMARY = re.compile(r", (\d+) warnings in ")
# A generator worker whose resident set grew past its start by this much after a document is
# started again, so that one large document's leftovers do not weigh on the next one's peak.
RECYCLE_GROWTH_MIB = 400.0


class WorkerDied(Exception):
    """The worker crashed or was killed for taking too long; `reason` says which."""

    def __init__(self, reason: str, timed_out: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.timed_out = timed_out


class Worker:
    """The supervisor's handle on one worker process (`kind` "generate" or "import")."""

    def __init__(self, kind: str, env: dict[str, str] | None = None) -> None:
        self.kind = kind
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None
        self.answers: Any = None
        self.started = 0  # how many processes this handle has started (restarts included)

    def _start(self) -> None:
        read_fd, write_fd = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), self.kind, str(write_fd)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(write_fd,),
            env=self.env,
            start_new_session=True,  # its children (ruff, forked importers) die with it
        )
        os.close(write_fd)
        self.answers = os.fdopen(read_fd, "rb")
        self.started += 1

    def call(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send `request`, wait for the answer; WorkerDied when none came in time."""
        if self.proc is None or self.proc.poll() is not None:
            self.stop()
            self._start()
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
        except OSError:
            reason = self._death()
            self.stop()
            raise WorkerDied(reason, False) from None
        ready, _, _ = select.select([self.answers], [], [], timeout)
        line = self.answers.readline() if ready else b""
        if not line:
            timed_out = not ready
            reason = f"no answer within {timeout:.0f} s" if timed_out else self._death()
            self.stop()
            raise WorkerDied(reason, timed_out)
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _death(self) -> str:
        assert self.proc is not None
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        code = self.proc.returncode
        if code is None:
            return "the worker stopped answering"
        if code < 0:
            return f"the worker process died ({signal.Signals(-code).name})"
        return f"the worker process exited with status {code}"

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            if self.proc.stdin is not None:
                with contextlib.suppress(OSError):
                    self.proc.stdin.close()
            self.proc = None
        if self.answers is not None:
            self.answers.close()
            self.answers = None


# -- the worker side -------------------------------------------------------------------------


def _resident_mib(field: str) -> float:
    """`VmRSS` or `VmHWM` of this process, in MiB (0.0 where /proc has no such line)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _reset_peak() -> bool:
    """Start a new high-water mark of the resident set (Linux: `5` into clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def generate_one(spec: Path, out: Path, package: str) -> dict[str, Any]:
    """The CLI on one document in this process: its exit, warnings, time and peak memory.

    The CLI prints its default report (what a user reads: warnings grouped by rule) and writes
    the JSON report, which holds every warning; both are recorded.
    """
    from generator.cli import main

    os.environ["CI"] = "true"
    gc.collect()
    exact_peak = _reset_peak()
    err, stdout = io.StringIO(), io.StringIO()
    report_file = out.with_name(out.name + ".report.json")
    started = time.perf_counter()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(stdout):
        try:
            status = main(
                ["generate", "--spec", str(spec), "--out", str(out), "--package", package,
                 "--report", str(report_file)]
            )  # fmt: skip
        except BaseException as exc:  # a crash is a finding to report, not the worker's end
            import traceback

            traceback.print_exc(file=err)
            status = 3 if not isinstance(exc, SystemExit) else int(exc.code or 0)
    seconds = time.perf_counter() - started
    if exact_peak:
        peak_mib = _resident_mib("VmHWM")
    else:  # no clear_refs: the process's lifetime peak, an upper bound
        import resource

        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text = err.getvalue()
    report: dict[str, Any] = {}
    if report_file.exists():
        report = json.loads(report_file.read_text(encoding="utf-8"))
        report_file.unlink()
    records = [w for t in report.get("targets", []) for w in t["warnings"]]
    rules = Counter(w["rule"] for w in records)
    summary = _SUMMARY.search(stdout.getvalue())
    errors = [ln.removeprefix("error: ") for ln in text.splitlines() if ln.startswith("error: ")]
    crash = "Traceback" in text or "error: internal error" in text
    return {
        "exit": status,
        "seconds": round(seconds, 3),
        "peak_mib": round(peak_mib, 1),
        "warnings": dict(sorted(rules.items())),
        # The default report: its lines (summary line included), the warnings its summary line
        # counts (each fault once), and the JSON report's records and findings.
        "report_lines": len((stdout.getvalue() + text).splitlines()),
        "summary_warnings": int(summary.group(1)) if summary else None,
        "report_warnings": len(records),
        "report_findings": sum(
            sum(t.get("warning_counts", {}).values()) for t in report.get("targets", [])
        ),
        "unknown_rules": sorted(
            rule for rule, about in report.get("rules", {}).items() if about["stage"] == "unknown"
        ),
        "errors": errors[:5],
        "crash": next(
            (ln for ln in reversed(text.splitlines()) if "internal error" in ln or "Error" in ln),
            "",
        )[:400]
        if crash
        else None,
    }


def import_package(folder: str, package: str) -> dict[str, Any]:
    """Every module of `package` (in `folder`) imported: how many, and each failure."""
    import importlib
    import pkgutil

    sys.path.insert(0, folder)
    failures: list[list[str]] = []
    count = 0
    try:
        top = importlib.import_module(package)
        for info in pkgutil.walk_packages(top.__path__, package + "."):
            count += 1
            try:
                importlib.import_module(info.name)
            except Exception as exc:
                first = str(exc).splitlines()[0][:300] if str(exc) else ""
                failures.append([info.name, f"{type(exc).__name__}: {first}"])
    except Exception as exc:
        failures.append([package, f"{type(exc).__name__}: {exc}"])
    return {"modules": count + 1, "import_failures": failures}


def _import_in_child(folder: str, package: str, timeout: float) -> tuple[dict[str, Any], list[str]]:
    """Fork, import the package in the child; its result and the libraries it loaded."""
    before = set(sys.modules)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: import, answer, leave without running any cleanup
        os.close(read_fd)
        try:
            result = import_package(folder, package)
            loaded = sorted({name.split(".")[0] for name in set(sys.modules) - before} - {package})
            payload = json.dumps({"result": result, "libraries": loaded}).encode()
        except BaseException as exc:  # reported, never raised in a fork
            payload = json.dumps(
                {"result": {"modules": 0, "import_failures": [[package, repr(exc)[:400]]]},
                 "libraries": []}
            ).encode()  # fmt: skip
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(payload)
        os._exit(0)
    os.close(write_fd)
    chunks = []
    deadline = time.monotonic() + timeout
    with os.fdopen(read_fd, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([pipe], [], [], max(0.0, left))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                break
            chunk = os.read(pipe.fileno(), 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if chunks:
        data = json.loads(b"".join(chunks))
        return data["result"], data["libraries"]
    if time.monotonic() >= deadline:
        reason = f"importing took longer than {timeout:.0f} s"
    elif os.WIFSIGNALED(status):
        reason = f"the importing process died ({signal.Signals(os.WTERMSIG(status)).name})"
    else:
        reason = f"the importing process exited with status {os.waitstatus_to_exitcode(status)}"
    return {"modules": 0, "import_failures": [[package, reason]]}, []


def serve(kind: str, answer_fd: int) -> None:
    """The worker's loop: one JSON request per line on stdin, one answer per line."""
    answers = os.fdopen(answer_fd, "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever a document prints goes to stderr, never into the answers
    sys.path.insert(0, str(ROOT))
    if kind == "generate":
        import generator.cli
        import generator.pipeline  # noqa: F401
    base_mib = _resident_mib("VmRSS")
    for line in sys.stdin:
        request = json.loads(line)
        if kind == "generate":
            answer = generate_one(Path(request["spec"]), Path(request["out"]), request["package"])
            gc.collect()
            # Asked to be started again when a document's leftovers would weigh on the next.
            answer["recycle"] = _resident_mib("VmRSS") - base_mib > RECYCLE_GROWTH_MIB
        else:
            answer, libraries = _import_in_child(
                request["folder"], request["package"], request["timeout"]
            )
            for name in libraries:  # warm for the next child (a library, never an output)
                with contextlib.suppress(Exception):
                    __import__(name)
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


def main(argv: list[str]) -> None:
    kind, fd = argv
    # A worker must not take the supervisor down with a Ctrl-C meant for the whole run.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    serve(kind, int(fd))


if __name__ == "__main__":
    main(sys.argv[1:])
