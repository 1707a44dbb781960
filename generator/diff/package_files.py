"""Which files of the web contract package (`npm-package` targets) a contract change touches.

`make diff` lists them under the contract changes: the package is what web teams install, so a
reviewer sees that, say, 1.1.22 -> 1.1.24 changes `openapi.yaml`, `openapi.json`, `types.d.ts`
and `package.json`. Both sides are generated in memory from the two documents; nothing is
written.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from generator.config import Target, load_targets
from generator.diff.load import is_git_revision
from generator.emit.npm_package import emit_npm_package
from generator.loader import load_document
from generator.loader.source import display_path
from generator.plans.typescript import build_typescript_plan


def _package(target: Target, spec: Path) -> dict[str, str]:
    source = replace(target, spec=spec)
    return emit_npm_package(source, build_typescript_plan(load_document(spec).data))


def package_file_changes(target: Target, old: Path, new: Path) -> list[tuple[str, str]]:
    """(file, "changed" | "added" | "removed" | "unchanged") for every file of the package."""
    before, after = _package(target, old), _package(target, new)
    result = []
    for name in sorted(set(before) | set(after)):
        if name not in before:
            result.append((name, "added"))
        elif name not in after:
            result.append((name, "removed"))
        else:
            result.append((name, "changed" if before[name] != after[name] else "unchanged"))
    return result


def package_files_section(old: str | Path, new: str | Path, config: Path) -> str:
    """Markdown for the targets of `config` that publish `new` as an npm package ('' if none).

    Both sides must be files: a side read from a git revision has no published YAML bytes here
    to package, so the section is left out rather than guessed."""
    if not config.is_file() or is_git_revision(str(old)) or is_git_revision(str(new)):
        return ""
    old, new = Path(old), Path(new)
    lines: list[str] = []
    for target in load_targets(config):
        if target.npm_package is None or target.spec.resolve() != new.resolve():
            continue
        changes = package_file_changes(target, old, new)
        folder = display_path(target.npm_out) if target.npm_out else ""
        touched = sum(1 for _, status in changes if status != "unchanged")
        lines += [
            "",
            f"## Package files: {target.npm_package} ({folder}: {touched} of {len(changes)} files change)",
            "",
            "| file | status |",
            "|---|---|",
            *(f"| `{name}` | {status} |" for name, status in changes),
        ]
    return "\n".join(lines) + "\n" if lines else ""
