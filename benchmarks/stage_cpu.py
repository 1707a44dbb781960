"""The generator's own CPU time per stage and per emitter, two checkouts interleaved.

    .venv/bin/python -m benchmarks.stage_cpu BEFORE_CHECKOUT AFTER_CHECKOUT DOCUMENT [--rounds 3]

On a shared machine the wall-clock stage lines of `generate --profile` move by a factor of two
between runs of the same code (ruff's processes and other work compete for the cores); the CPU
time of the generator's own process moves far less. Each round runs, per checkout, two fresh
processes with that checkout's `.venv` and code:

- `stages`: the whole pipeline (`generate_target`, the formatter included) with a progress
  callback taking `time.process_time()` as each stage starts: the generator process's CPU per
  stage (all its threads; ruff's processes not counted);
- `emitters`: the document loaded and the intermediate model built once (then `gc.freeze()`, as
  the pipeline does), then each emitter timed alone: model planning, the native models (and
  the package files), the client, the server stubs, MCP and the adapter.

The medians are printed with the after/before ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

# Runs inside the checkout measured (its own code and `.venv`): only names every checkout has.
_CHILD = r"""
import gc, json, sys, time
from pathlib import Path
from generator.config import Target

mode, spec, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
target = Target("bench_api", spec, out, "bench_api", "bench-api", None)
result = {}
if mode == "stages":
    from generator.pipeline import generate_target

    marks = []
    generate_target(target, lambda stage, counts: marks.append((stage, time.process_time())))
    marks.append(("end", time.process_time()))
    result = {name: end - start for (name, start), (_, end) in zip(marks, marks[1:])}
else:
    from generator.emit.adapter import emit_adapter
    from generator.emit.client import emit_client
    from generator.emit.mcp import emit_mcp
    from generator.emit.native_models import emit_native_models
    from generator.emit.package import emit_package
    from generator.emit.server import emit_server
    from generator.loader import load_document
    from generator.plans import build_document
    from generator.plans.model_plan import build_model_plan

    loaded = load_document(spec)
    doc = build_document(loaded, "bench_api")
    del loaded
    gc.collect()
    gc.freeze()
    steps = [
        ("model planning", lambda: build_model_plan(doc, False)),
        ("native models", lambda: (emit_native_models(doc, plan, "bench_api"), emit_package(doc, target))),
        ("client", lambda: emit_client(doc, target)),
        ("server stubs", lambda: emit_server(doc, target)),
        ("MCP and adapter", lambda: (emit_mcp(doc, target), emit_adapter(doc, target))),
    ]
    plan = None
    for name, step in steps:
        start = time.process_time()
        value = step()
        result[name] = time.process_time() - start
        if name == "model planning":
            plan = value
print(json.dumps(result))
"""


def run(checkout: Path, mode: str, document: Path, out: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    python = checkout / ".venv" / "bin" / "python"
    done = subprocess.run(
        [str(python), "-c", _CHILD, mode, str(document.resolve()), str(out)],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    data: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("document", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"load average at the start: {os.getloadavg()[0]:.2f}")
    runs: dict[tuple[str, str], list[dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for r in range(1, args.rounds + 1):
            for mode in ("stages", "emitters"):
                for label, checkout in (("before", args.before), ("after", args.after)):
                    data = run(checkout, mode, args.document, Path(scratch) / label)
                    runs.setdefault((mode, label), []).append(data)
                    shown = ", ".join(f"{k} {v:.2f}" for k, v in data.items())
                    print(f"round {r} {mode} {label}: {shown}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    for mode in ("stages", "emitters"):
        print(f"{mode}, CPU s (median of {args.rounds}): before, after, after/before")
        for name in runs[(mode, "before")][0]:
            before = statistics.median(d[name] for d in runs[(mode, "before")])
            after = statistics.median(d[name] for d in runs[(mode, "after")])
            ratio = after / before if before else float("nan")
            print(f"  {name:<32} {before:7.2f} {after:7.2f}  {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
