"""TypeScript generation against Python generation on the same document, in one process.

- Python: `generate_target` on a target with no npm package (load and validate, intermediate
  model, models, client, server stubs, ruff formatting: everything `generate` does but write).
- TypeScript: the TypeScript plan and `types.d.ts` rendering from the loaded document (what an
  `npm-package` target adds; it reuses the Python side's loaded document when no overlay
  applies), with the cyclic collector as `generate` has it then (paused).

The two alternate, `repeat` times each, and the medians are compared: the target is a tenth.
`python -m benchmarks.typescript [--spec FILE] [--repeat N]` (default: GitHub's description,
fetched with npm once); `make bench` adds its row to the table.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import Row, seconds
from generator import memory
from generator.config import Target
from generator.emit.typescript import render_types
from generator.loader import load_document
from generator.pipeline import generate_target
from generator.plans.typescript import build_typescript_plan

TARGET_RATIO = 0.10


@dataclass(frozen=True)
class TypescriptTiming:
    document: str
    python_s: float  # median wall
    typescript_s: float  # median wall
    lines: int  # of types.d.ts
    python_cpu_s: float = 0.0  # median CPU, ruff's subprocesses included
    typescript_cpu_s: float = 0.0  # median CPU

    @property
    def ratio(self) -> float:
        return self.typescript_s / self.python_s

    def row(self) -> Row:
        ok = self.ratio <= TARGET_RATIO
        return Row(
            f"{self.document}: types.d.ts ({self.lines} lines) vs Python generation",
            seconds(self.typescript_s),
            f"Python pipeline: {seconds(self.python_s)}",
            f"{self.ratio:.2f}x",
            f"<= {TARGET_RATIO:.2f}x",
            "pass" if ok else "FAIL",
        )

    def to_json(self) -> dict[str, object]:
        return {
            "document": self.document,
            "python_s": round(self.python_s, 4),
            "typescript_s": round(self.typescript_s, 4),
            "ratio": round(self.ratio, 4),
            "python_cpu_s": round(self.python_cpu_s, 4),
            "typescript_cpu_s": round(self.typescript_cpu_s, 4),
            "types_lines": self.lines,
        }


def bench_typescript(spec: Path, work: Path, repeat: int = 3) -> TypescriptTiming:
    target = Target("bench", spec, work / "python", "bench_api", "bench-api", None)
    python: list[tuple[float, float]] = []
    typescript: list[tuple[float, float]] = []
    lines = 0
    for _ in range(repeat):
        started, cpu = time.perf_counter(), _cpu()
        generate_target(target)
        python.append((time.perf_counter() - started, _cpu() - cpu))
        # As `generate` builds them: with the collector paused while the document and what
        # lives as long are built, and those set aside after (generator/memory.py). Timed
        # alone, the plan's end set off a full collection over the loaded document (about
        # 50 ms on GitHub's) that `generate` never runs.
        with memory.run_scope(), memory.long_lived_built():
            data = load_document(spec).data
            started, cpu = time.perf_counter(), _cpu()
            text = render_types(build_typescript_plan(data))
            typescript.append((time.perf_counter() - started, _cpu() - cpu))
        lines = text.count("\n")
        del data, text
    return TypescriptTiming(
        spec.name,
        statistics.median(w for w, _ in python),
        statistics.median(w for w, _ in typescript),
        lines,
        statistics.median(c for _, c in python),
        statistics.median(c for _, c in typescript),
    )


def _cpu() -> float:
    """CPU seconds of this process and of its finished subprocesses (ruff)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, help="the document (default: GitHub's, via npm)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.spec is None:
        from benchmarks.environment import github_document

        args.spec = github_document()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-ts-") as tmp:
        timing = bench_typescript(args.spec, Path(tmp), args.repeat)
    row = timing.row()
    print(
        f"{timing.document}: Python generation {seconds(timing.python_s)}, TypeScript "
        f"{seconds(timing.typescript_s)} ({timing.lines} lines): {row.ratio} "
        f"(target {row.target}): {row.status}; CPU: Python {seconds(timing.python_cpu_s)}, "
        f"TypeScript {seconds(timing.typescript_cpu_s)} "
        f"({timing.typescript_cpu_s / timing.python_cpu_s:.2f}x)"
    )
    return 0 if row.status == "pass" else 1


if __name__ == "__main__":
    raise SystemExit(main())
