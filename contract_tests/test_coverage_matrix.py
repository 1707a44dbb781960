"""The response coverage matrix: every documented (operation, status, media type) of
spec/openapi.yaml against what the suite observed AND validated. Runs last (conftest.py orders
it), writes reports/contract-coverage.{md,json}, and fails on any documented response that no
test produced."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from contract_tests.support import (
    CONTRACT,
    COVERAGE,
    SPEC_GAP_OPERATIONS,
    SPEC_GAP_REASON,
    documented_responses,
)


def _matrix() -> dict[str, Any]:
    rows = []
    for label, status, media in documented_responses():
        key = (label, status, media)
        rows.append(
            {
                "operation": label,
                "status": status,
                "media_type": media,
                "observed": COVERAGE.observed.get(key, 0),
                "observed_by": sorted(COVERAGE.sources.get(key, ())),
            }
        )
    observed = sum(1 for row in rows if row["observed"])
    return {
        "spec": "spec/openapi.yaml",
        "version": CONTRACT["info"]["version"],
        "summary": {"documented": len(rows), "observed_and_valid": observed},
        "responses": rows,
        "undocumented_observed": [
            {"operation": op, "status": status, "media_type": media, "count": n}
            for (op, status, media), n in sorted(COVERAGE.undocumented.items())
        ],
        "known_spec_gaps": {
            "reason": SPEC_GAP_REASON,
            "operations": [
                {"operation": op, "negative_cases_answered_400": COVERAGE.gap_hits.get(op, 0)}
                for op in SPEC_GAP_OPERATIONS
            ],
        },
        "published_contract_gaps": [
            {"gap": gap, "responses": found}
            for gap, found in sorted(COVERAGE.contract_gaps.items())
        ],
        "mutations_caught": {name: parts for name, parts in sorted(COVERAGE.mutations.items())},
        "generated_cases": [
            {"source": source, "operation": op, "phase": phase, "mode": mode, "count": n}
            for (source, op, phase, mode), n in sorted(COVERAGE.cases.items())
        ],
    }


def _markdown(matrix: dict[str, Any]) -> str:
    s = matrix["summary"]
    lines = [
        f"# Contract response coverage: ServiceAi {matrix['version']}",
        "",
        f"{s['observed_and_valid']} of {s['documented']} documented (operation, status, media type) "
        "responses were observed and passed every schemathesis check.",
        "",
        "| operation | status | media type | observed | observed by |",
        "| --- | --- | --- | ---: | --- |",
    ]
    for row in matrix["responses"]:
        mark = row["observed"] if row["observed"] else "**NOT OBSERVED**"
        lines.append(
            f"| `{row['operation']}` | {row['status']} | {row['media_type'] or '(no body)'} "
            f"| {mark} | {', '.join(row['observed_by'])} |"
        )
    lines += ["", "## Undocumented statuses observed", ""]
    if matrix["undocumented_observed"]:
        lines += ["| operation | status | media type | count |", "| --- | --- | --- | ---: |"]
        lines += [
            f"| `{u['operation']}` | {u['status']} | {u['media_type']} | {u['count']} |"
            for u in matrix["undocumented_observed"]
        ]
    else:
        lines.append("None (the spec-gap 400s below are counted separately).")
    gaps = matrix["known_spec_gaps"]
    lines += ["", "## Known spec gaps", "", gaps["reason"], ""]
    lines += ["| operation | negative cases answered 400 |", "| --- | ---: |"]
    lines += [
        f"| `{g['operation']}` | {g['negative_cases_answered_400']} |" for g in gaps["operations"]
    ]
    lines += ["", "## Gaps of the published contract (test_upstream_statuses.py)", ""]
    lines += ["| gap | responses | statuses and media types |", "| --- | ---: | --- |"]
    lines += [
        f"| {g['gap']} | {len(g['responses'])} | {', '.join(g['responses'][:12])}"
        f"{' ...' if len(g['responses']) > 12 else ''} |"
        for g in matrix["published_contract_gaps"]
    ]
    lines += ["", "## Broken variants (test_mutations.py)", ""]
    lines += ["| variant | caught by |", "| --- | --- |"]
    lines += [
        f"| {name} | {'; '.join(parts) if parts else '**NOT CAUGHT**'} |"
        for name, parts in matrix["mutations_caught"].items()
    ]
    lines += ["", "## Generated cases", "", "| source | operation | phase | mode | cases |"]
    lines += ["| --- | --- | --- | --- | ---: |"]
    lines += [
        f"| {c['source']} | `{c['operation']}` | {c['phase']} | {c['mode']} | {c['count']} |"
        for c in matrix["generated_cases"]
    ]
    return "\n".join(lines) + "\n"


def test_every_documented_response_was_observed_and_valid(reports_dir: Path) -> None:
    matrix = _matrix()
    (reports_dir / "contract-coverage.json").write_text(json.dumps(matrix, indent=2) + "\n")
    (reports_dir / "contract-coverage.md").write_text(_markdown(matrix))
    missing = [
        f"{row['operation']} {row['status']} {row['media_type'] or '(no body)'}"
        for row in matrix["responses"]
        if not row["observed"]
    ]
    assert not missing, "documented responses never observed:\n  " + "\n  ".join(missing)
