"""`python -m benchmarks.bundle [--paths N] [--repeat R]`: bundle a generated multi-file document.

The document is the one tests/test_documents_loading.py checks for read counts: N path files,
each referring to a schema file that refers to a properties file that refers back (N cycles
through two files, each hoisted), and one common file every schema uses; 3N + 2 files in all
(N = 1,000 by default: 3,002 files). Prints the median of R runs of `bundle()` (parse, resolve,
hoist) and of `load_document()` (bundle, repair, validate), in seconds, and the files read.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from generator.loader import load_document
from generator.loader.refs import bundle
from generator.loader.source import parse_file


def write_document(folder: Path, paths: int) -> Path:
    for name in ("paths", "schemas", "props"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    (folder / "common.yaml").write_text("Id: {type: string, pattern: '^[a-z0-9]+$'}\n")
    lines = ["openapi: 3.0.3", "info: {title: Many, version: '1'}", "paths:"]
    for n in range(paths):
        lines.append(f"  /things{n}: {{$ref: 'paths/p{n}.yaml'}}")
        (folder / "paths" / f"p{n}.yaml").write_text(
            f"get:\n  operationId: getThing{n}\n  responses:\n    '200':\n      description: ok\n"
            f"      content:\n        application/json:\n"
            f"          schema: {{$ref: '../schemas/s{n}.yaml'}}\n"
        )
        (folder / "schemas" / f"s{n}.yaml").write_text(
            f"type: object\nproperties:\n  id: {{$ref: '../common.yaml#/Id'}}\n"
            f"  detail: {{$ref: '../props/d{n}.yaml'}}\n"
        )
        (folder / "props" / f"d{n}.yaml").write_text(
            f"type: object\nproperties:\n  owner: {{$ref: '../schemas/s{n}.yaml'}}\n"
        )
    main = folder / "main.yaml"
    main.write_text("\n".join(lines) + "\n")
    return main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bundle")
    parser.add_argument("--paths", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bundle-bench-") as tmp:
        main_file = write_document(Path(tmp), args.paths)
        bundles, loads, files = [], [], 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            files = len(bundle(parse_file(main_file)).files_read)
            bundles.append(time.perf_counter() - started)
            started = time.perf_counter()
            load_document(main_file)
            loads.append(time.perf_counter() - started)
    print(
        f"{files} files: bundle {statistics.median(bundles):.2f} s, "
        f"load (bundle, repair, validate) {statistics.median(loads):.2f} s "
        f"(median of {args.repeat})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
