"""The version policy (docs/api-versioning.md): does the new `info.version` fit the diff?

- The version must be MAJOR.MINOR.PATCH (an optional -prerelease is allowed) and must increase.
- A breaking change needs a major bump (for a 0.x contract: at least a minor bump).
- A warning (may break a client) needs at least a minor bump.
- Additive or otherwise safe changes may ship as a minor or a patch bump: ServiceAi published
  1.1.22 -> 1.1.24 (new Chatty Voice paths and schemas, nothing breaking) as a patch bump, and
  the policy accepts its own history.
- Unchanged contract: any increasing version is accepted; an unchanged version is accepted only
  when the contract did not change (nothing to release).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.diff.model import Change, DiffResult

_SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?")


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int
    pre: tuple[tuple[int, int | str], ...] = ()
    text: str = field(default="", compare=False)

    def sort_key(self) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
        # A release sorts after its pre-releases (1.2.0-rc.1 < 1.2.0).
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, self.pre)

    def __str__(self) -> str:
        return self.text


def parse_version(text: str) -> Version | None:
    match = _SEMVER.fullmatch(text.strip())
    if not match:
        return None
    pre: tuple[tuple[int, int | str], ...] = ()
    if match.group(4):
        pre = tuple((0, int(p)) if p.isdigit() else (1, p) for p in match.group(4).split("."))
    return Version(int(match[1]), int(match[2]), int(match[3]), pre, text.strip())


def bump_kind(old: Version, new: Version) -> str:
    """major, minor, patch, prerelease, same or decrease."""
    if new.sort_key() == old.sort_key():
        return "same"
    if new.sort_key() < old.sort_key():
        return "decrease"
    if new.major != old.major:
        return "major"
    if new.minor != old.minor:
        return "minor"
    if new.patch != old.patch:
        return "patch"
    return "prerelease"


_RANK = {"same": 0, "prerelease": 1, "patch": 1, "minor": 2, "major": 3}


@dataclass
class PolicyVerdict:
    ok: bool
    bump: str
    required: str  # the smallest bump the changes need: none, patch, minor or major
    messages: list[str]

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "bump": self.bump,
            "required": self.required,
            "messages": self.messages,
        }


def _examples(changes: list[Change], limit: int = 5) -> str:
    shown = [f"{c.id} at {c.pointer}" for c in changes[:limit]]
    more = f" and {len(changes) - limit} more" if len(changes) > limit else ""
    return "; ".join(shown) + more


def check_policy(result: DiffResult) -> PolicyVerdict:
    old, new = parse_version(result.old_version), parse_version(result.new_version)
    messages: list[str] = []
    if old is None or new is None:
        bad = result.old_version if old is None else result.new_version
        return PolicyVerdict(
            False,
            "unknown",
            "unknown",
            [f"info.version {bad!r} is not a semantic version (MAJOR.MINOR.PATCH)"],
        )
    bump = bump_kind(old, new)
    breaking, warnings = result.breaking, result.warnings
    if breaking:
        required = "minor" if old.major == 0 else "major"
    elif warnings:
        required = "minor"
    elif result.changes:
        required = "patch"
    else:
        required = "none"
    arrow = f"{old} -> {new}"
    if bump == "decrease":
        messages.append(f"{arrow}: info.version must increase, it went down")
    elif bump == "same" and result.changes:
        messages.append(
            f"{arrow}: the contract changed ({len(result.changes)} changes) but info.version "
            f"did not; bump it (at least a {required} bump)"
        )
    elif bump != "same" and _RANK[bump] < _RANK[required]:
        suggestion = (
            f"{old.major + 1}.0.0" if required == "major" else f"{old.major}.{old.minor + 1}.0"
        )
        what = (
            f"{len(breaking)} breaking change(s) ({_examples(breaking)})"
            if breaking
            else f"{len(warnings)} possibly breaking change(s) ({_examples(warnings)})"
        )
        messages.append(
            f"{arrow} is a {bump} bump, but the diff has {what}: "
            f"a {required} bump is required (for example {suggestion})"
        )
    ok = not messages
    if ok:
        if bump == "same":
            messages.append(f"{arrow}: no contract change, nothing to release")
        else:
            messages.append(
                f"{arrow} is a {bump} bump; the changes need at least: {required} "
                f"({len(breaking)} breaking, {len(warnings)} warnings, "
                f"{len(result.changes)} changes in all)"
            )
    return PolicyVerdict(ok, bump, required, messages)
