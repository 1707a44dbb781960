"""The diff as Markdown (for people and PR comments) and JSON (for tools). Deterministic: no
timestamps, changes sorted by level, pointer and rule id."""

from __future__ import annotations

import json
from typing import Any

from generator.diff.model import Change, DiffResult
from generator.diff.policy import PolicyVerdict

_TITLES = (
    ("breaking", "Breaking changes"),
    ("warning", "Warnings (may break clients)"),
    ("info", "Other changes"),
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def summary_line(result: DiffResult) -> str:
    counts = result.counts()
    return (
        f"{len(result.changes)} changes: {counts['breaking']} breaking, "
        f"{counts['warning']} warnings, {counts['info']} info"
    )


def to_markdown(result: DiffResult, policy: PolicyVerdict | None = None) -> str:
    lines = [
        f"# Contract diff {result.old_version} -> {result.new_version}",
        "",
        f"- Old: `{result.old_file}` ({result.old_version})",
        f"- New: `{result.new_file}` ({result.new_version})",
        f"- {summary_line(result)}",
    ]
    if policy is not None:
        verdict = "passes" if policy.ok else "FAILS"
        lines.append(f"- Version policy {verdict}: " + " ".join(policy.messages))
    lines += [
        "",
        "Pointers are into the new document, or into the old one (side `old`) for what was "
        "removed. Rules: docs/diff-rules.md.",
    ]
    for level, title in _TITLES:
        chosen = [c for c in result.changes if c.level == level]
        if not chosen:
            continue
        lines += [
            "",
            f"## {title} ({len(chosen)})",
            "",
            "| Rule | Change | Pointer | Side | Operations | Breaks clients | Breaks servers |",
            "|---|---|---|---|---|---|---|",
        ]
        lines += [_row(c) for c in chosen]
    if not result.changes:
        lines += ["", "No changes."]
    return "\n".join(lines) + "\n"


def _row(change: Change) -> str:
    ops = ", ".join(change.operations) or "-"
    where = f"`{change.pointer or '/'}`"
    if change.location:
        where += f" ({change.location})"
    return (
        f"| `{change.id}` | {_cell(change.message)} | {_cell(where)} | {change.side} | "
        f"{_cell(ops)} | {_yes(change.breaks_clients)} | {_yes(change.breaks_servers)} |"
    )


def to_json_data(result: DiffResult, policy: PolicyVerdict | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "old": {"file": result.old_file, "version": result.old_version},
        "new": {"file": result.new_file, "version": result.new_version},
        "summary": {"changes": len(result.changes), **result.counts()},
        "changes": [c.to_json() for c in result.changes],
    }
    if policy is not None:
        data["policy"] = policy.to_json()
    return data


def to_json(result: DiffResult, policy: PolicyVerdict | None = None) -> str:
    return json.dumps(to_json_data(result, policy), indent=2, ensure_ascii=False) + "\n"
