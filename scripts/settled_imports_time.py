"""ruff's check pass over a document's server and adapter modules, settled and not.

    .venv/bin/python scripts/settled_imports_time.py DOCUMENT [--rounds 5]

Emits the modules twice (with `settled_imports.settle`, and with it replaced by the identity: the text
ruff was given before), writes each set into its own folder of a package, and runs the
formatter's first pass (`generator.formatting._PASSES[0]`, `ruff check --fix`) over each, the
two alternating round by round. Prints each run's wall and CPU time (ruff's, from the
children's resource usage), the medians, the time settling took, and whether ruff changed any
settled module and made of the unsettled ones the settled text (it should: no, yes).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from unittest import mock

from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

from generator.config import Target
from generator.emit import adapter, server, settled_imports
from generator.formatting import _PASSES
from generator.loader import load_document
from generator.plans import build_document

PACKAGE = "bench_api"


def _emit(spec: Path, settle: bool) -> tuple[dict[str, str], float]:
    spent = 0.0

    real = settled_imports.settle

    def timed(text: str, package: str, uses: set[str] | None = None) -> tuple[str, bool]:
        nonlocal spent
        start = time.perf_counter()
        settled = real(text, package, uses)
        spent += time.perf_counter() - start
        return settled

    def identity(text: str, package: str, uses: set[str] | None = None) -> tuple[str, bool]:
        return text, False

    document = build_document(load_document(spec), PACKAGE)
    target = Target("t", spec, Path("unused"), PACKAGE, PACKAGE, None)
    # as the tests do: the function the emitters' `Files.settle` calls
    with mock.patch.object(settled_imports, "settle", timed if settle else identity):
        files = {**server.emit_server(document, target), **adapter.emit_adapter(document, target)}
    files[f"{PACKAGE}/__init__.py"] = ""
    files[f"{PACKAGE}/models/__init__.py"] = ""
    return files, spent


def _ruff(files: dict[str, str], root: Path) -> tuple[float, float, dict[str, str]]:
    shutil.rmtree(root, ignore_errors=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([find_ruff_bin(), *_PASSES[0], "--", *sorted(files)], cwd=root, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, {rel: (root / rel).read_text(encoding="utf-8") for rel in files}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("document", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    settled, spent = _emit(args.document, True)
    unsettled, _ = _emit(args.document, False)
    size = sum(len(t) for t in settled.values()) / 1e6
    print(f"{len(settled)} files, {size:.1f} MB; settling took {spent:.3f} s")
    times: dict[str, list[tuple[float, float]]] = {"unsettled": [], "settled": []}
    with tempfile.TemporaryDirectory() as scratch:
        for n in range(args.rounds):
            for name, files in (("unsettled", unsettled), ("settled", settled)):
                wall, cpu, after = _ruff(files, Path(scratch) / name)
                times[name].append((wall, cpu))
                print(f"round {n + 1} {name}: ruff check wall {wall:.3f} s, CPU {cpu:.3f} s")
                # either way ruff should leave exactly the settled text
                differ = sum(after[rel] != settled[rel] for rel in settled)
                print(f"  modules ruff left other than the settled text: {differ}")
    for name, runs in times.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"median {name}: wall {wall:.3f} s, CPU {cpu:.3f} s")


if __name__ == "__main__":
    main()
