"""What a team decided about the diff's findings: per-rule levels and accepted changes.

- Levels (oasdiff's `--severity-levels` format): `rule-id LEVEL` per line.
- Ignore file (oasdiff's `--err-ignore` / `--warn-ignore` format): one accepted change per line,
  naming its operation (`METHOD /path`) and its rule id or message. See docs/diff-rules.md.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from generator.diff.model import Change, Level
from generator.diff.rules import RULES
from generator.errors import Location, Problem, SpecError

_LEVELS: dict[str, Level | None] = {
    "err": "breaking",
    "error": "breaking",
    "breaking": "breaking",
    "warn": "warning",
    "warning": "warning",
    "info": "info",
    "none": None,
}
_OPERATION = re.compile(
    r"\b(webhook\s+)?(get|put|post|delete|options|head|patch|trace)\s+(\S+)", re.IGNORECASE
)


def _lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise SpecError([Problem(f"cannot read: {err.strerror}", Location(str(path), ""))]) from err
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.strip().startswith("#")
    ]


def read_levels(path: Path) -> dict[str, Level | None]:
    """rule id -> its level here (None: drop the rule's changes)."""
    levels: dict[str, Level | None] = {}
    problems = []
    for number, line in _lines(path):
        parts = line.split()
        where = Location(str(path), "", number, 1)
        if len(parts) != 2 or parts[1].lower() not in _LEVELS:
            problems.append(Problem("expected `rule-id LEVEL` (ERR, WARN, INFO or NONE)", where))
        elif parts[0] not in RULES:
            problems.append(Problem(f"unknown rule id {parts[0]} (docs/diff-rules.md)", where))
        else:
            levels[parts[0]] = _LEVELS[parts[1].lower()]
    if problems:
        raise SpecError(problems)
    return levels


def apply_levels(changes: list[Change], levels: dict[str, Level | None]) -> list[Change]:
    kept = []
    for change in changes:
        if change.id not in levels:
            kept.append(change)
        elif (level := levels[change.id]) is not None:
            kept.append(replace(change, level=level, breaks_clients=level != "info"))
    return kept


def read_ignore(path: Path) -> list[str]:
    return [line.lower() for _, line in _lines(path)]


def _operations_named(line: str) -> set[str]:
    named = set()
    for m in _OPERATION.finditer(line):
        webhook, method, target = m.group(1), m.group(2).lower(), m.group(3)
        if webhook:
            named.add(f"webhook {method} {target}")
        elif target.startswith("/"):
            named.add(f"{method} {target}")
    return named


def is_ignored(change: Change, lines: list[str]) -> bool:
    labels = {op.lower() for op in change.operations}
    for line in lines:
        named = _operations_named(line)
        if named and not (named & labels):
            continue
        if not named and labels:
            continue
        if re.search(rf"(?<![\w-]){re.escape(change.id)}(?![\w-])", line) or (
            change.message.lower() in line
        ):
            return True
    return False


def split_ignored(changes: list[Change], lines: list[str]) -> tuple[list[Change], list[Change]]:
    kept: list[Change] = []
    ignored: list[Change] = []
    for change in changes:
        (ignored if is_ignored(change, lines) else kept).append(change)
    return kept, ignored
