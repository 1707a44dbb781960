"""`generate --profile`: where one run's time goes, in stages, steps and imports.

The run is made again in a fresh interpreter under `-X importtime` (CPython's own import
timer), so the figures are those of a user's `generate`: interpreter start-up, every import,
every stage. The child writes its stage and step timings to a JSON file named by
`PROFILE_ENV`; the parent prints them with the imports summed by top-level package.
Imports made lazily inside a stage are counted in that stage too: the two lists overlap.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROFILE_ENV = "OPENAPI_CONTRACT_PROFILE_OUT"
_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)\s*$")
TOP_PACKAGES = 12  # packages listed by name; the rest are summed in one line


@dataclass(frozen=True)
class ImportTimes:
    """`-X importtime` lines summed: self time per top-level package, and in all."""

    by_package: dict[str, float]  # seconds, self time of every module of that package
    modules: dict[str, int]  # modules imported per package
    total: float  # seconds: the sum of every module's self time

    @classmethod
    def parse(cls, lines: Sequence[str]) -> ImportTimes:
        by_package: dict[str, float] = {}
        modules: dict[str, int] = {}
        stdlib: frozenset[str] = getattr(sys, "stdlib_module_names", frozenset())
        total = 0.0
        for line in lines:
            found = _IMPORT_LINE.match(line)
            if not found:
                continue
            seconds = int(found.group(1)) / 1e6
            root = found.group(4).split(".")[0]
            key = "(standard library)" if root in stdlib or root.startswith("_") else root
            by_package[key] = by_package.get(key, 0.0) + seconds
            modules[key] = modules.get(key, 0) + 1
            total += seconds
        return cls(by_package, modules, total)


def record(
    path: str, targets: list[dict[str, Any]], steps: Mapping[str, tuple[float, int]]
) -> None:
    """The child's side: its targets' stages and the steps' totals, as JSON."""
    data = {"targets": targets, "steps": {k: list(v) for k, v in steps.items()}}
    Path(path).write_text(json.dumps(data), encoding="utf-8")


def run_profiled(argv: Sequence[str]) -> int:
    """Run `generate` (without --profile) in a fresh interpreter and print its profile."""
    from generator.progress import STAGE_LABELS

    child = [a for a in argv if a != "--profile"]
    with tempfile.TemporaryDirectory(prefix="generate-profile-") as tmp:
        out = Path(tmp) / "timings.json"
        env = {**os.environ, PROFILE_ENV: str(out)}
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "generator", *child],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
        imports = [ln for ln in done.stderr.splitlines() if ln.startswith("import time:")]
        rest = [ln for ln in done.stderr.splitlines() if not ln.startswith("import time:")]
        if rest:
            print("\n".join(rest), file=sys.stderr)
        timings = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {}
    print(report(wall, ImportTimes.parse(imports), timings, STAGE_LABELS), flush=True)
    return done.returncode


def report(
    wall: float, imports: ImportTimes, timings: Mapping[str, Any], labels: Mapping[str, str]
) -> str:
    lines = [f"profile: {wall:.3f} s wall for the whole process (a fresh interpreter)"]
    staged = 0.0
    for target in timings.get("targets", []):
        lines.append(f"  stages of {target['name']}:")
        for stage, counts, seconds in target["stages"]:
            what = ", ".join(f"{n} {key}" for key, n in counts.items())
            label = labels.get(stage, stage) + (f" ({what})" if what else "")
            lines.append(f"    {label:<52} {seconds:8.3f} s")
            staged += seconds
    steps = timings.get("steps", {})
    if steps:
        lines.append("  steps inside the stages (summed):")
        for name, (seconds, count) in steps.items():
            lines.append(f"    {name:<44} {count:>6}x {seconds:8.3f} s")
    lines.append(
        f"  imports: {imports.total:.3f} s, {sum(imports.modules.values())} modules "
        "(-X importtime self time by top-level package; lazy ones overlap the stages):"
    )
    ranked = sorted(imports.by_package.items(), key=lambda kv: (-kv[1], kv[0]))
    for name, seconds in ranked[:TOP_PACKAGES]:
        lines.append(f"    {name:<44} {imports.modules[name]:>6}m {seconds:8.3f} s")
    others = ranked[TOP_PACKAGES:]
    if others:
        count = sum(imports.modules[n] for n, _ in others)
        seconds = sum(s for _, s in others)
        label = f"{len(others)} other packages"
        lines.append(f"    {label:<44} {count:>6}m {seconds:8.3f} s")
    lines.append(
        f"  outside the stages (interpreter start-up, imports before the first stage, "
        f"summary): {max(0.0, wall - staged):.3f} s"
    )
    return "\n".join(lines)
