"""The report a person reads after `generate`, and the JSON report tools read.

By default the warnings are grouped by rule (generator/warning_rules.py): repairs first (what is
generated differs from the document as written), then notices (generated as written), each rule
with its count and its first few pointers, largest groups first. The default report of a target
never takes more than `MAX_LINES` lines with its summary line, however many warnings and rules
there are; `--verbose` lists every warning, one line each, and `--report FILE` writes every
warning and error as JSON.

Errors that are the same fault of the same file (a shared file of a multi-file document reached
through many `$ref`s) are printed once, with every place of the bundled document that reaches it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import Location, Problem
from generator.ir.model import Warning_
from generator.warning_rules import KINDS, WarningRule, rule_for

# One screen: the summary line and the grouped warnings together.
MAX_LINES = 25
POINTERS_SHOWN = 3
PLACES_SHOWN = 3

_KIND_HEADINGS = {
    "repair": "what is generated differs from the document as written",
    "notice": "generated as the document says",
}


def place(warning: Warning_) -> str:
    """Where a warning is: its pointer, in another file `file#pointer` (a multi-file document)."""
    where = warning.where
    if where is not None and where.via is not None:
        return f"{where.file}#{warning.pointer}"
    return warning.pointer


@dataclass
class Finding:
    """One fault: identical warnings (a shared file reached through many `$ref`s) are one."""

    warning: Warning_
    places: list[str] = field(default_factory=list)  # bundled-document pointers reaching it


def _finding_key(warning: Warning_) -> tuple[object, ...]:
    where = warning.where
    at = (where.file, where.line, where.column) if where is not None else ()
    return (warning.rule, warning.message, warning.pointer, *at)


def findings(warnings: Iterable[Warning_]) -> list[Finding]:
    found: dict[tuple[object, ...], Finding] = {}
    for warning in warnings:
        finding = found.setdefault(_finding_key(warning), Finding(warning))
        via = warning.where.via if warning.where is not None else None
        if via is not None and via not in finding.places:
            finding.places.append(via)
    return list(found.values())


def count_findings(warnings: Iterable[Warning_]) -> int:
    """What the summary line counts: each fault once, however many places reach it."""
    return len(findings(warnings))


@dataclass
class WarningGroup:
    rule: WarningRule
    findings: list[Finding] = field(default_factory=list)


def group_warnings(warnings: Iterable[Warning_]) -> list[WarningGroup]:
    """Repairs before notices; within a kind the largest group first, then by rule id."""
    groups: dict[str, WarningGroup] = {}
    for finding in findings(warnings):
        rule = rule_for(finding.warning.rule)
        groups.setdefault(rule.id, WarningGroup(rule)).findings.append(finding)
    return sorted(
        groups.values(),
        key=lambda g: (KINDS.index(g.rule.kind), -len(g.findings), g.rule.id),
    )


def warning_line(warning: Warning_) -> str:
    """One warning as `--verbose` lists it: `pointer: message [rule]`."""
    line = f"{place(warning)}: {warning.message} [{rule_for(warning.rule).id}]"
    via = warning.where.via if warning.where is not None else None
    return line + (f" (reached from {via})" if via is not None else "")


def verbose_lines(warnings: Sequence[Warning_]) -> list[str]:
    """Every warning, repairs first, each in the document order of its kind."""
    ordered = sorted(warnings, key=lambda w: KINDS.index(rule_for(w.rule).kind))
    return [f"  warning: {warning_line(w)}" for w in ordered]


def _places(group: WarningGroup) -> tuple[str, bool]:
    """The first few places of a group, and whether any was left out."""
    shown = list(dict.fromkeys(place(f.warning) for f in group.findings))
    more = len(shown) - POINTERS_SHOWN
    text = "at " + ", ".join(shown[:POINTERS_SHOWN]) + (f" and {more} more" if more > 0 else "")
    reached = sum(len(f.places) for f in group.findings)
    if reached:
        text += f" (in another file, reached from {reached} places)"
    return text, more > 0


def grouped_lines(warnings: Sequence[Warning_], *, budget: int = MAX_LINES - 1) -> list[str]:
    """The default report: at most `budget` lines (the summary line is the one left)."""
    if not warnings:
        return []
    groups = group_warnings(warnings)
    kinds = [k for k in KINDS if any(g.rule.kind == k for g in groups)]
    room = budget - len(kinds) - 1  # kind headings and the footer
    # Each rule takes two lines (its heading and its places) while there is room; then one;
    # past that, the remaining rules are counted on one line.
    if len(groups) * 2 <= room:
        detailed, shown = len(groups), len(groups)
    elif len(groups) <= room:
        detailed, shown = room - len(groups), len(groups)
    else:
        detailed, shown = 0, room - 1
    lines: list[str] = []
    elided = detailed < len(groups)
    for kind in kinds:
        of_kind = [(i, g) for i, g in enumerate(groups) if g.rule.kind == kind]
        count = sum(len(g.findings) for _, g in of_kind)
        noun = kind + ("s" if count != 1 else "")
        lines.append(f"  {count} {noun} ({_KIND_HEADINGS[kind]}):")
        for index, group in of_kind:
            if index >= shown:
                continue
            n = len(group.findings)
            if n == 1:
                lines.append(f"    {group.rule.id}: {group.findings[0].warning.message}")
            else:
                lines.append(f"    {group.rule.id} ({n}): {group.rule.summary}")
            if index < detailed:
                text, more = _places(group)
                lines.append(f"      {text}")
                elided = elided or more
    hidden = groups[shown:]
    if hidden:
        lines.append(
            f"  ... {len(hidden)} more rules ({sum(len(g.findings) for g in hidden)} warnings): "
            + ", ".join(g.rule.id for g in hidden)
        )
    if elided:
        lines.append("  every warning: --verbose; as JSON: --report FILE")
    return lines


def kind_counts(warnings: Iterable[Warning_]) -> dict[str, int]:
    """Findings per kind (each fault once)."""
    counts: dict[str, int] = dict.fromkeys(KINDS, 0)
    for finding in findings(warnings):
        counts[rule_for(finding.warning.rule).kind] += 1
    return counts


# -- errors -----------------------------------------------------------------------------------


@dataclass
class ErrorGroup:
    problem: Problem  # the first one (its location's `via` aside, they are all alike)
    places: list[str] = field(default_factory=list)  # bundled-document pointers reaching it


def _error_key(problem: Problem) -> tuple[object, ...]:
    where = problem.location
    return (where.file, where.pointer, where.line, where.column, problem.message, problem.rule)


def group_errors(problems: Iterable[Problem]) -> list[ErrorGroup]:
    """Identical errors once, in the order first found, with every place they come from."""
    groups: dict[tuple[object, ...], ErrorGroup] = {}
    for problem in problems:
        group = groups.setdefault(_error_key(problem), ErrorGroup(problem))
        via = problem.location.via
        if via is not None and via not in group.places:
            group.places.append(via)
    return list(groups.values())


def error_lines(problems: Iterable[Problem], *, verbose: bool = False) -> list[str]:
    lines: list[str] = []
    for group in group_errors(problems):
        lines.append(f"error: {group.problem}")
        places = group.places
        if not places:
            continue
        shown = places if verbose else places[:PLACES_SHOWN]
        more = len(places) - len(shown)
        noun = "place" if len(places) == 1 else "places"
        lines.append(
            f"  reached from {len(places)} {noun}: {', '.join(shown)}"
            + (f" and {more} more (--verbose lists them)" if more else "")
        )
    return lines


# -- the JSON report --------------------------------------------------------------------------


def _where(location: Location | None) -> dict[str, Any]:
    if location is None:
        return {}
    where = {"file": location.file, "line": location.line, "column": location.column}
    return where if location.via is None else {**where, "via": location.via}


def warning_record(warning: Warning_) -> dict[str, Any]:
    rule = rule_for(warning.rule)
    return {
        "rule": rule.id,
        "kind": rule.kind,
        "pointer": warning.pointer,
        "message": warning.message,
        **_where(warning.where),
    }


def error_record(group: ErrorGroup) -> dict[str, Any]:
    problem = group.problem
    return {
        "message": problem.message,
        "pointer": problem.location.pointer,
        "rule": problem.rule,
        **_where(problem.location),
        "places": group.places,
    }


@dataclass
class Report:
    """What `--report FILE` writes: one entry per target, every warning and error in it."""

    targets: list[dict[str, Any]] = field(default_factory=list)

    def generated(
        self,
        name: str,
        spec: Path,
        counts: dict[str, int],
        warnings: Sequence[Warning_],
    ) -> None:
        self.targets.append(
            {
                "target": name,
                "spec": str(spec),
                "status": "generated",
                **counts,
                "warning_counts": kind_counts(warnings),  # each fault once
                "warnings": [warning_record(w) for w in warnings],
                "errors": [],
            }
        )

    def up_to_date(self, name: str, spec: Path) -> None:
        self.targets.append(
            {
                "target": name,
                "spec": str(spec),
                "status": "up to date",
                "warnings": [],
                "errors": [],
            }
        )

    def refused(self, name: str, spec: Path, problems: Sequence[Problem]) -> None:
        self.targets.append(
            {
                "target": name,
                "spec": str(spec),
                "status": "refused",
                "warnings": [],
                "errors": [error_record(g) for g in group_errors(problems)],
            }
        )

    def to_json(self) -> str:
        rules = sorted({w["rule"] for t in self.targets for w in t["warnings"]})
        described = {
            r.id: {"kind": r.kind, "summary": r.summary, "stage": r.stage}
            for r in map(rule_for, rules)
        }
        body = {"report": "openapi-contract generate", "targets": self.targets, "rules": described}
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json(), encoding="utf-8")
