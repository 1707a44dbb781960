"""The pre-commit hooks: this repository's `.pre-commit-hooks.yaml`, and the snippet `init` writes.

`HOOKS` is the one description of the hooks: `.pre-commit-hooks.yaml` at the top of this
repository must say the same (`tests/test_init.py` compares them), and `init` writes a
`.pre-commit-config.yaml` that uses them: from this repository's git URL when the toolkit was
installed from one (PEP 610 records it), else as `repo: local` hooks running the installed
`openapi-contract` (pre-commit's `language: system`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Hook:
    id: str
    name: str
    entry: str
    description: str


HOOKS: tuple[Hook, ...] = (
    Hook(
        "openapi-contract-check",
        "generated code is current (openapi-contract check)",
        "openapi-contract check",
        "Fail when a target's generated code differs from what the generator writes now.",
    ),
    Hook(
        "openapi-contract-generate",
        "regenerate (openapi-contract generate)",
        "openapi-contract generate",
        "Regenerate every target; pre-commit fails the commit when a file changed.",
    ),
)


def render_hooks_file() -> str:
    """This repository's `.pre-commit-hooks.yaml`."""
    out = (
        "# pre-commit hooks of the openapi-contract toolkit (rendered from "
        "generator/adopt/hooks.py:\n"
        "# `python -m generator.adopt hooks > .pre-commit-hooks.yaml`). "
        "`openapi-contract init` writes a\n"
        "# .pre-commit-config.yaml that uses them.\n"
    )
    for hook in HOOKS:
        out += (
            f"- id: {hook.id}\n"
            f"  name: {json.dumps(hook.name)}\n"
            f"  description: {json.dumps(hook.description)}\n"
            f"  entry: {hook.entry}\n"
            "  language: python\n"
            "  pass_filenames: false\n"
            "  always_run: false\n"
        )
    return out


def files_pattern(paths: list[str]) -> str:
    """A pre-commit `files` regex matching these paths (files, or folders ending in /)."""
    return "^(" + "|".join(re.escape(p) for p in paths) + ")"


def render_config(files: str, repo: str | None, rev: str | None) -> str:
    """The user's `.pre-commit-config.yaml` (the drift check on commit)."""
    hook = HOOKS[0]
    if repo and rev:
        return (
            "repos:\n"
            f"  - repo: {repo}\n"
            f"    rev: {rev}\n"
            "    hooks:\n"
            f"      - id: {hook.id}\n"
            f"        files: {json.dumps(files)}\n"
        )
    return (
        "repos:\n"
        "  - repo: local  # the installed toolkit (pip install openapi-contract-toolkit)\n"
        "    hooks:\n"
        f"      - id: {hook.id}\n"
        f"        name: {json.dumps(hook.name)}\n"
        f"        entry: {hook.entry}\n"
        "        language: system\n"
        "        pass_filenames: false\n"
        f"        files: {json.dumps(files)}\n"
    )
