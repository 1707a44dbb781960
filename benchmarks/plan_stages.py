"""The intermediate model stage from two checkouts, plan by plan, in CPU time (before/after).

    .venv/bin/python -m benchmarks.plan_stages BEFORE_CHECKOUT AFTER_CHECKOUT DOCUMENT [--rounds 5]

The stage `generate --profile` calls "intermediate model" is `build_document`: the model
(`build_model`), then the server, client, MCP and adapter plans laid on it. Its wall time on a
machine shared with other work moves with their load (on the 2-core machine of 2026-12-07, at a
load of 6, the same code read 5.4 s and 8.5 s); the CPU time of this process moves far less.
Each round starts one process per checkout (its own `.venv`, `PYTHONPATH` the checkout), the
checkouts interleaved; the process loads the document (not measured), then times each part with
`time.process_time`, the native engine's model plan (the "models" stage's first step) too. The
medians are printed with the after/before ratios.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
from pathlib import Path

PARTS = ("model", "server", "client", "mcp", "adapter", "model_plan")

# Run inside a checkout: only names every checkout since the plans were split out has.
_PROGRAM = """
import gc, json, sys, time
from pathlib import Path
from generator.loader import load_document
from generator.ir.build import build_model
from generator.plans.server import build_server_plan
from generator.plans.client import build_client_plan
from generator.plans.mcp import build_mcp_plan
from generator.plans.adapter import build_adapter_plan
from generator.plans.model_plan import build_model_plan

gc.disable()  # as the pipeline builds the model (generator/memory.py)
loaded = load_document(Path(sys.argv[1]))
marks = [time.process_time()]
doc = build_model(loaded)
marks.append(time.process_time())
doc.server = build_server_plan(loaded.data, doc)
marks.append(time.process_time())
doc.client = build_client_plan(doc, "bench_api")
marks.append(time.process_time())
doc.mcp = build_mcp_plan(loaded.data, doc)
marks.append(time.process_time())
doc.adapter = build_adapter_plan(doc)
marks.append(time.process_time())
build_model_plan(doc)
marks.append(time.process_time())
print(json.dumps([b - a for a, b in zip(marks, marks[1:])]))
"""


def run(checkout: Path, document: Path) -> dict[str, float]:
    """CPU seconds of each part in one fresh process of `checkout`."""
    done = subprocess.run(
        [str(checkout / ".venv" / "bin" / "python"), "-c", _PROGRAM, str(document.resolve())],
        cwd=checkout,
        env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    times = json.loads(done.stdout.strip().splitlines()[-1])
    parts = dict(zip(PARTS, times, strict=True))
    parts["stage"] = sum(parts[p] for p in PARTS[:5])  # build_document
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("document", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
    for i in range(args.rounds):
        for side in ("before", "after"):
            parts = run(getattr(args, side), args.document)
            runs[side].append(parts)
            shown = ", ".join(f"{k} {v:.3f}" for k, v in parts.items())
            print(f"round {i + 1} {side}: {shown}", flush=True)
    for key in (*PARTS, "stage"):
        before = statistics.median(r[key] for r in runs["before"])
        after = statistics.median(r[key] for r in runs["after"])
        ratio = after / before if before else float("nan")
        print(f"{key} CPU s: before {before:.3f}, after {after:.3f}, after/before {ratio:.2f}x")


if __name__ == "__main__":
    main()
