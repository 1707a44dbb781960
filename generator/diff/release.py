"""`python -m generator release` (`make bump`): validate, diff against the last released contract,
check the version policy, write the changelog entry, regenerate, and store the new version.

Every step is deterministic and idempotent: releasing a version that is already in the history
(with the same content) changes nothing. The changelog carries a date only when `--date` is given.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from generator.config import load_targets
from generator.diff import diff_documents
from generator.diff.load import load_contract
from generator.diff.model import Change, DiffResult
from generator.diff.policy import PolicyVerdict, Version, check_policy, parse_version
from generator.errors import Location, Problem, SpecError
from generator.loader.source import display_path, parse_file
from generator.pipeline import generate_target
from generator.writer import write_files

CHANGELOG_HEADER = (
    "# Changelog\n\n"
    "Contract (and SDK) versions of this API, newest first. Entries are written by "
    "`make bump` (`python -m generator release`) from the contract diff; "
    "see docs/api-versioning.md.\n"
)


@dataclass
class ReleaseOutcome:
    ok: bool
    messages: list[str] = field(default_factory=list)
    diff: DiffResult | None = None
    policy: PolicyVerdict | None = None


def history_versions(history: Path) -> list[tuple[Version, Path]]:
    """The released contracts, oldest first (files named <version>.yaml/.yml/.json)."""
    found = []
    for path in history.iterdir() if history.is_dir() else []:
        if path.suffix in (".yaml", ".yml", ".json"):
            version = parse_version(path.stem)
            if version is not None:
                found.append((version, path))
    return sorted(found, key=lambda vp: vp[0].sort_key())


def latest_release(history: Path) -> Path:
    versions = history_versions(history)
    if not versions:
        raise SpecError(
            [Problem("no released contract (<version>.yaml) found", Location(str(history), ""))]
        )
    return versions[-1][1]


def previous_release(history: Path, version: str) -> Path | None:
    """The newest release older than `version` (the one a release of `version` is judged against)."""
    current = parse_version(version)
    if current is None:
        return None
    older = [p for v, p in history_versions(history) if v.sort_key() < current.sort_key()]
    return older[-1] if older else None


def base_for(history: Path, spec: Path) -> Path:
    """What `diff` compares `spec` with by default: the release before the spec's version (so an
    already released spec shows what its release changed), else the latest release."""
    data = parse_file(spec).data
    version = str(data.get("info", {}).get("version", "")) if isinstance(data, dict) else ""
    return previous_release(history, version) or latest_release(history)


def _operations(change: Change) -> str:
    return ", ".join(f"`{op}`" for op in change.operations)


def changelog_entry(result: DiffResult, date: str | None = None) -> str:
    """The SDK changelog section for `result.new_version`, grouped for readers."""
    title = f"## {result.new_version}" + (f" ({date})" if date else "")
    counts = result.counts()
    lines = [
        title,
        "",
        f"Compared with {result.old_version}: {len(result.changes)} contract changes, "
        + (f"{counts['breaking']} breaking." if counts["breaking"] else "none breaking."),
    ]
    groups: list[tuple[str, list[str]]] = [
        ("Breaking changes", []),
        ("Possibly breaking", []),
        ("Added", []),
        ("Removed", []),
        ("Changed", []),
    ]
    by_name = dict(groups)
    for change in result.changes:
        where = _operations(change) or f"`{change.pointer}`"
        text = f"- {where}: {change.message} (`{change.id}`)"
        if change.id == "endpoint-added":
            text = f"- {_operations(change)} (`{change.id}`)"
        if change.id == "api-schema-added":
            text = f"- schema `{change.pointer.rsplit('/', 1)[-1]}` (`{change.id}`)"
        if change.level == "breaking":
            by_name["Breaking changes"].append(text)
        elif change.level == "warning":
            by_name["Possibly breaking"].append(text)
        elif "added" in change.id or change.id.startswith("new-"):
            by_name["Added"].append(text)
        elif "removed" in change.id:
            by_name["Removed"].append(text)
        else:
            by_name["Changed"].append(text)
    for name, items in groups:
        if items:
            lines += ["", f"### {name}", "", *items]
    return "\n".join(lines) + "\n"


def add_changelog_entry(changelog: Path, version: str, entry: str) -> bool:
    """Insert `entry` at the top unless `version` already has one; True when written."""
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else CHANGELOG_HEADER
    if has_entry(text, version):
        return False
    head, sep, rest = text.partition("\n## ")
    new_text = head.rstrip("\n") + "\n\n" + entry + (("\n## " + rest) if sep else "")
    changelog.parent.mkdir(parents=True, exist_ok=True)
    changelog.write_text(new_text, encoding="utf-8")
    return True


def has_entry(text: str, version: str) -> bool:
    return any(
        line == f"## {version}" or line.startswith(f"## {version} ") for line in text.splitlines()
    )


def _same_contract(a: Path, b: Path) -> bool:
    return bool(parse_file(a).data == parse_file(b).data)


def release(
    spec: Path,
    history: Path,
    changelog: Path,
    config: Path | None,
    *,
    dry_run: bool = False,
    check: bool = False,
    date: str | None = None,
) -> ReleaseOutcome:
    """Run the release; with `check`, only verify that the current spec is released and fits."""
    # Validation first, strict: our own contract gets no lenient repair (a SpecError, exit 2).
    new = load_contract(spec, strict=True)
    previous = latest_release(history)
    version = str(new.data.get("info", {}).get("version", ""))
    released = history / f"{version}{spec.suffix}"
    if released.resolve() == previous.resolve() or released.exists():
        # Already released: the stored copy must be this contract, unchanged.
        if not _same_contract(released, spec):
            return ReleaseOutcome(
                False,
                [
                    f"{display_path(spec)} differs from the released {display_path(released)} "
                    f"but keeps info.version {version}: bump info.version (see "
                    "docs/api-versioning.md) and run `openapi-contract release`"
                ],
            )
        messages = [f"{version} is released ({display_path(released)}); nothing to do"]
        if changelog.exists() and not has_entry(changelog.read_text(encoding="utf-8"), version):
            return ReleaseOutcome(False, [f"{display_path(changelog)} has no entry for {version}"])
        before = previous_release(history, version)
        if check and before is not None:
            # The gate also re-judges the stored release against the one before it.
            result = diff_documents(load_contract(before), new)
            policy = check_policy(result)
            return ReleaseOutcome(policy.ok, [*messages, *policy.messages], result, policy)
        return ReleaseOutcome(True, messages)
    result = diff_documents(load_contract(previous), new)
    policy = check_policy(result)
    outcome = ReleaseOutcome(policy.ok, list(policy.messages), result, policy)
    if not policy.ok:
        return outcome
    if check:
        outcome.ok = False
        outcome.messages.append(
            f"{version} is not in {display_path(history)} yet: run `openapi-contract release` "
            "to release it"
        )
        return outcome
    entry = changelog_entry(result, date)
    if dry_run:
        outcome.messages += ["dry run: nothing written; the changelog entry would be:", "", entry]
        return outcome
    if add_changelog_entry(changelog, version, entry):
        outcome.messages.append(f"wrote the {version} entry of {display_path(changelog)}")
    if config is not None:
        for target in load_targets(config):
            for folder, files in generate_target(target).folders(target).items():
                changed = write_files(folder, files)
                outcome.messages.append(f"regenerated {display_path(folder)} ({changed} changed)")
    history.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(spec, released)
    outcome.messages.append(f"stored {display_path(released)}")
    return outcome
