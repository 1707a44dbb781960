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


# --- text, YAML, JUnit XML and GitHub Actions annotations ---------------------------------------
def to_text(result: DiffResult, policy: PolicyVerdict | None = None) -> str:
    lines = [
        f"{result.old_file} ({result.old_version}) -> {result.new_file} ({result.new_version}): "
        f"{summary_line(result)}" + (f", {len(result.ignored)} ignored" if result.ignored else "")
    ]
    for change in result.changes:
        ops = f" [{', '.join(change.operations)}]" if change.operations else ""
        lines.append(
            f"{change.level:<8} {change.id} {change.location or change.pointer}: "
            f"{change.message}{ops}"
        )
    if policy is not None:
        lines += [f"version policy: {m}" for m in policy.messages]
    return "\n".join(lines) + "\n"


def to_yaml(result: DiffResult, policy: PolicyVerdict | None = None) -> str:
    import yaml

    text: str = yaml.safe_dump(
        to_json_data(result, policy), sort_keys=False, allow_unicode=True, width=100
    )
    return text


def to_junit(result: DiffResult, policy: PolicyVerdict | None = None) -> str:
    """One test case per change, a failure per breaking change (and per policy failure)."""
    from xml.etree import ElementTree as ET

    failures = len(result.breaking) + (0 if policy is None or policy.ok else 1)
    cases = len(result.changes) + (0 if policy is None else 1)
    suites = ET.Element("testsuites", name="contract-diff")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"contract diff {result.old_version} -> {result.new_version}",
        tests=str(cases),
        failures=str(failures),
        errors="0",
        skipped=str(len(result.ignored)),
    )
    for change in result.changes:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=", ".join(change.operations) or "components",
            name=f"{change.id} {change.pointer}",
            file=change.new_location.rsplit(":", 1)[0] if change.new_location else "",
        )
        if change.level == "breaking":
            failure = ET.SubElement(case, "failure", message=change.message, type=change.id)
            failure.text = f"{change.location}: {change.message}"
        else:
            ET.SubElement(case, "system-out").text = f"{change.level}: {change.message}"
    for change in result.ignored:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=", ".join(change.operations) or "components",
            name=f"{change.id} {change.pointer}",
        )
        ET.SubElement(case, "skipped", message="accepted in the ignore file")
    if policy is not None:
        case = ET.SubElement(suite, "testcase", classname="version policy", name="info.version")
        if not policy.ok:
            ET.SubElement(case, "failure", message=" ".join(policy.messages), type="policy")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


_COMMANDS = {"breaking": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github_actions(result: DiffResult, policy: PolicyVerdict | None = None) -> str:
    """GitHub Actions workflow commands: each change annotates the line of the new contract
    that made it (a removal: the nearest enclosing node that is still there)."""
    lines = []
    for change in result.changes:
        file, _, line = change.new_location.rpartition(":")
        where = f"file={_escape_property(file)},line={line}," if file and line.isdigit() else ""
        title = _escape_property(f"{change.id} ({change.level})")
        ops = f" [{', '.join(change.operations)}]" if change.operations else ""
        lines.append(
            f"::{_COMMANDS[change.level]} {where}title={title}::"
            + _escape_data(f"{change.message}{ops} at {change.pointer or '/'}")
        )
    summary = summary_line(result) + (f", {len(result.ignored)} ignored" if result.ignored else "")
    lines.append(f"::notice title=contract diff::{_escape_data(summary)}")
    if policy is not None and not policy.ok:
        for message in policy.messages:
            lines.append(f"::error title=version policy::{_escape_data(message)}")
    return "\n".join(lines) + "\n"


FORMATS = {
    "text": to_text,
    "markdown": to_markdown,
    "json": to_json,
    "yaml": to_yaml,
    "junit": to_junit,
    "githubactions": to_github_actions,
}
