"""Our generator from two checkouts on one document, run by run interleaved (before/after).

    .venv/bin/python -m benchmarks.checkouts BEFORE_CHECKOUT AFTER_CHECKOUT DOCUMENT [--rounds 3]

Each checkout runs with its own `.venv` and its own code (`PYTHONPATH` is the checkout), as
`generate --spec DOCUMENT --out <scratch> --package bench_api`. Per run: wall time, CPU time
(user + system of the process and every process it waited for, ruff included: on a shared
machine it moves far less than the wall time), the process tree's peak summed resident set
(sampled as `make bench` samples it) and the largest single process. The medians are printed
with the after/before ratios, and the outputs of the last round are compared file by file.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.measure import _TreeSampler


def run(checkout: Path, document: Path, out: Path) -> tuple[float, float, float, float]:
    """wall s, CPU s, tree peak MiB, largest process MiB."""
    shutil.rmtree(out, ignore_errors=True)
    python = checkout / ".venv" / "bin" / "python"
    argv = [str(python), "-m", "generator", "generate", "--spec", str(document), "--out",
            str(out), "--package", "bench_api", "--quiet"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(checkout), "CI": "true"}
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=checkout, env=env, stdout=subprocess.DEVNULL, start_new_session=True
    )
    sampler = _TreeSampler(proc.pid)
    sampler.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        sampler.stop()
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{checkout}: exit {proc.returncode}")
    # wait4 reports the process's own time and that of the children it waited for (ruff)
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, sampler.peak_mib, max(sampler.largest_mib, usage.ru_maxrss / 1024)


def same_tree(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    if files_a != files_b:
        return False
    return all(filecmp.cmp(a / rel, b / rel, shallow=False) for rel in files_a)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("before", type=Path)
    p.add_argument("after", type=Path)
    p.add_argument("document", type=Path)
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    checkouts = {"before": args.before.resolve(), "after": args.after.resolve()}
    document = args.document.resolve()
    results: dict[str, list[tuple[float, float, float, float]]] = {k: [] for k in checkouts}
    print(f"load average at the start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="checkouts-") as tmp:
        for round_ in range(args.rounds):
            for name, checkout in checkouts.items():
                sample = run(checkout, document, Path(tmp) / name)
                results[name].append(sample)
                print(f"round {round_ + 1} {name}: wall {sample[0]:.2f} s, CPU {sample[1]:.2f} s, "
                      f"tree peak {sample[2]:.1f} MiB, largest process {sample[3]:.1f} MiB")  # fmt: skip
        identical = same_tree(Path(tmp) / "before", Path(tmp) / "after")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    labels = ("wall s", "CPU s", "tree peak MiB", "largest process MiB")
    for i, label in enumerate(labels):
        before = statistics.median(s[i] for s in results["before"])
        after = statistics.median(s[i] for s in results["after"])
        print(
            f"{label}: before {before:.2f}, after {after:.2f}, after/before {after / before:.2f}x"
        )
    print(f"outputs byte-identical: {identical}")


if __name__ == "__main__":
    main()
