"""Quality of each tool's output, measured in the same run as its speed.

* Modules that fail to import: every module of a tool's output is imported in ONE fresh
  interpreter of the tool's own environment (ours: the project's `.venv`; the baselines:
  `.bench/venv`), walking `pkgutil.walk_packages` from the output folder and catching each
  module's exception (`__main__` modules are skipped). The interpreter is capped in time; modules
  it did not reach by then are reported as not reached.
* Warnings a tool logged, counted in its combined stdout and stderr (see `count_warnings`).
* The shared corpus: each tool on every document, two at a time; an output counts as importable
  when its generation exited 0 and its entry modules import (ours: `<package>.models`,
  `.client`, `.server`; openapi-python-client: the package; datamodel-code-generator:
  `models`), and every other module of it is imported as well (the stricter count).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.environment import ROOT, log

# Run in the tool's interpreter with cwd = the output folder: one JSON line per module.
_IMPORT_PROBE = r"""
import importlib, json, pkgutil, sys, warnings
folder, entries = sys.argv[1], json.loads(sys.argv[2])
sys.path.insert(0, folder)
warnings.simplefilter("ignore")

def emit(kind, name, error=""):
    print(json.dumps({"kind": kind, "name": name, "error": error}), flush=True)

def attempt(kind, name):
    try:
        importlib.import_module(name)
    except (Exception, SystemExit) as err:
        emit(kind, name, f"{type(err).__name__}: {err}"[:300])
    else:
        emit(kind, name)

for name in entries:
    attempt("entry", name)
seen = set()

def onerror(name):  # a package walk_packages could not import to look inside
    if name not in seen:
        seen.add(name)
        emit("module", name, "not walked: " + repr(sys.exc_info()[1])[:280])

for info in pkgutil.walk_packages([folder], onerror=onerror):
    if info.name.rpartition(".")[2] == "__main__" or info.name in seen:
        continue
    seen.add(info.name)
    attempt("module", info.name)
print(json.dumps({"kind": "done"}), flush=True)
"""


@dataclass
class ImportCheck:
    """What importing one tool's output found."""

    modules: int = 0  # modules reached by the walk
    failed: dict[str, str] = field(default_factory=dict)  # module -> its exception
    entries_failed: dict[str, str] = field(default_factory=dict)
    entries: int = 0
    complete: bool = False  # the walk finished within the time cap
    seconds: float = 0.0
    error: str = ""  # the interpreter itself failed (or timed out)

    @property
    def entries_ok(self) -> bool:
        return self.complete and not self.entries_failed and not self.error

    @property
    def all_ok(self) -> bool:
        return self.entries_ok and self.modules > 0 and not self.failed

    def summary(self) -> str:
        text = f"{len(self.failed)} of {self.modules}"
        if not self.complete:
            text += f" ({self.error or 'walk did not finish'})"
        return text

    def to_json(self, *, details: int = 20) -> dict[str, object]:
        return {
            "modules": self.modules,
            "failed": len(self.failed),
            "failed_modules": dict(list(self.failed.items())[:details]),
            "entries": self.entries,
            "entries_failed": self.entries_failed,
            "complete": self.complete,
            "seconds": round(self.seconds, 2),
            "error": self.error or None,
        }


def import_root(output: Path) -> Path:
    """The folder to walk for a tool's output: the one that holds its modules or package."""
    if output.is_dir() and not (output / "__init__.py").exists():
        return output
    return output.parent


def import_all(
    folder: Path, python: str, entries: Sequence[str] = (), *, timeout: float = 600.0
) -> ImportCheck:
    """Import `entries`, then every module under `folder`, in one fresh `python`."""
    check = ImportCheck(entries=len(entries))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
    started = time.perf_counter()
    stdout = ""
    try:
        done = subprocess.run(
            [python, "-c", _IMPORT_PROBE, str(folder), json.dumps(list(entries))],
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
        stdout = done.stdout
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines()
            check.error = f"exit {done.returncode}: {lines[-1] if lines else ''}"
    except subprocess.TimeoutExpired as expired:
        out = expired.stdout or b""
        stdout = out.decode(errors="replace") if isinstance(out, bytes) else out
        check.error = f"timed out after {timeout:.0f} s"
    check.seconds = time.perf_counter() - started
    for line in stdout.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue  # a module printed something on import
        if not isinstance(record, dict) or "kind" not in record:
            continue
        if record["kind"] == "done":
            check.complete = True
        elif record["kind"] == "entry":
            if record["error"]:
                check.entries_failed[record["name"]] = record["error"]
        elif record["kind"] == "module":
            check.modules += 1
            if record["error"]:
                check.failed[record["name"]] = record["error"]
    return check


# openapi-python-client 0.29.1 prints each warning as a header line, a blank line, an optional
# detail and the offending part of the document as JSON. These are the headers of its
# document warnings (the details reuse some of these words, never a whole header line).
_OPC_WARNING = re.compile(
    r"^(?:WARNING parsing \S+ .* within .*\."
    r"|Unable to (?:process|parse) schema .*"
    r"|Unable to parse parameter .*"
    r"|Problem creating a (?:Property|Parameter):\s*"
    r"|Unable to parse this part of your OpenAPI document:\s*)$",
    re.M,
)
# A Python warning as `warnings` prints it: `<file>:<line>: <Category>: <message>`.
_PY_WARNING = re.compile(r"^\S[^\n:]*:\d+: (\w+Warning): ", re.M)
# Warnings about the tool's own options, not about the document.
_TOOL_NOTICES = {"FutureWarning", "DeprecationWarning", "PendingDeprecationWarning"}
# Ours: the summary line `<package>: N operations, ..., W warnings ... in 1.23s -> <out>`.
_OURS_SUMMARY = re.compile(r"^\S+: \d+ operations, .*?, (\d+) warnings\b", re.M)
_GENERIC_WARNING = re.compile(r"^\s*warning\b", re.M | re.I)


def count_warnings(kind: str, text: str) -> int | None:
    """Warnings about the document a tool logged; None when its output has no count.

    ours: the number in its summary line; openapi-python-client: its warning headers
    (`_OPC_WARNING`; "Skipping Integration", a missing formatter, is not about the document);
    datamodel-code-generator: Python warnings except FutureWarning/DeprecationWarning (its
    notice that the default formatters will change, printed on every run); any other tool:
    Python warnings plus lines that start with "warning".
    """
    if kind == "ours":
        found = _OURS_SUMMARY.findall(text)
        return sum(int(n) for n in found) if found else None
    if kind == "opc":
        return len(_OPC_WARNING.findall(text))
    python_warnings = [c for c in _PY_WARNING.findall(text) if c not in _TOOL_NOTICES]
    if kind == "dcg":
        return len(python_warnings)
    return len(python_warnings) + len(_GENERIC_WARNING.findall(text))


@dataclass(frozen=True)
class CorpusTool:
    """One tool as the corpus section runs it."""

    name: str
    kind: str  # "ours", "opc", "dcg" or "custom"
    argv: Callable[[Path, Path], list[str]]  # (document, output) -> command
    output: Callable[[Path], Path]  # the job's folder -> what {out} names
    python: str  # the interpreter its output is imported with
    entries: tuple[str, ...] = ()  # modules that must import for the output to count


@dataclass
class CorpusOutcome:
    document: str
    status: str  # "imports", "refused", "generation failed", "import failed", "timed out"
    returncode: int | None = None
    warnings: int | None = None
    every_module: bool = False
    reason: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "document": self.document,
            "status": self.status,
            "rc": self.returncode,
            "warnings": self.warnings,
            "every_module_imports": self.every_module,
            "reason": self.reason or None,
        }


@dataclass
class CorpusResult:
    tool: str
    outcomes: list[CorpusOutcome] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return len(self.outcomes)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def every_module(self) -> int:
        return sum(o.every_module for o in self.outcomes)

    @property
    def warnings(self) -> int:
        return sum(o.warnings or 0 for o in self.outcomes)

    def to_json(self) -> dict[str, object]:
        return {
            "tool": self.tool,
            "documents": self.documents,
            "importable": self.count("imports"),
            "every_module_imports": self.every_module,
            "refused": self.count("refused"),
            "warnings": self.warnings,
            "outcomes": [o.to_json() for o in self.outcomes],
        }


def corpus_documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".json", ".yaml", ".yml"))


def bench_corpus(
    documents: list[Path],
    root: Path,
    tools: list[CorpusTool],
    work: Path,
    *,
    workers: int = 2,
    timeout: float = 300.0,
) -> list[CorpusResult]:
    """Every tool on every document (`workers` jobs at a time); outputs under `work`."""
    if work.exists():
        shutil.rmtree(work)
    jobs = [(tool, doc) for doc in documents for tool in tools]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "true"}

    def run(job: tuple[CorpusTool, Path]) -> CorpusOutcome:
        tool, doc = job
        rel = doc.relative_to(root).as_posix()
        folder = work / _slug(tool.name) / _slug(rel)
        folder.mkdir(parents=True)
        output = tool.output(folder)
        try:
            done = subprocess.run(
                tool.argv(doc, output),
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                check=False,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return CorpusOutcome(rel, "timed out", reason=f"generation over {timeout:.0f} s")
        (folder / "generate.log").write_text(done.stdout, encoding="utf-8")
        outcome = CorpusOutcome(rel, "", done.returncode, count_warnings(tool.kind, done.stdout))
        if done.returncode != 0:
            refused = tool.kind == "ours" and done.returncode == 2  # EXIT_INVALID_SPEC
            outcome.status = "refused" if refused else "generation failed"
            lines = done.stdout.strip().splitlines()
            outcome.reason = lines[-1][:300] if lines else ""
            return outcome
        check = import_all(import_root(output), tool.python, tool.entries, timeout=timeout)
        importable = check.entries_ok and check.modules > 0
        if tool.kind == "custom":  # no entry modules known: every module must import
            importable = check.all_ok
        outcome.status = "imports" if importable else "import failed"
        outcome.every_module = check.all_ok
        problems = {**check.entries_failed, **check.failed}
        if check.error:
            outcome.reason = check.error
        elif problems:
            name, error = next(iter(problems.items()))
            outcome.reason = f"{name}: {error}"
        elif not check.modules:
            outcome.reason = "no Python module written"
        return outcome

    log(f"corpus: {len(tools)} tools x {len(documents)} documents, {workers} at a time")
    with ThreadPoolExecutor(workers) as pool:
        outcomes = list(pool.map(run, jobs))
    results = {t.name: CorpusResult(t.name) for t in tools}
    for (tool, _), outcome in zip(jobs, outcomes, strict=True):
        results[tool.name].outcomes.append(outcome)
    return [results[t.name] for t in tools]


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-")


if __name__ == "__main__":  # python -m benchmarks.quality OUTPUT [PYTHON]: import all of it
    found = import_all(
        import_root(Path(sys.argv[1]).resolve()), sys.argv[2] if sys.argv[2:] else sys.executable
    )
    print(json.dumps(found.to_json(details=1000), indent=2))
