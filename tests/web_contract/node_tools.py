"""The pinned Node tools the web-contract tests use, installed with npm into an ignored cache.

`.cache/npm-tools/` (git-ignored) gets typescript, openapi-typescript and openapi-fetch at the
versions below, once; later runs reuse it while the versions match. Without `npm` the tests
skip with a message saying how to get it, except in CI (`CI=true`), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "npm-tools"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Exact versions: the comparison and the compile results depend on them.
PINNED = {
    "typescript": "5.9.3",
    "openapi-typescript": "7.9.1",
    "openapi-fetch": "0.17.0",
    "openapi-typescript-helpers": "0.1.0",
}
NPM_MISSING = (
    "npm is not installed: the web-contract tests need Node.js and npm "
    "(Debian/Ubuntu: `apt-get install nodejs npm`); they install their pinned tools themselves"
)


def node_tools() -> Path:
    """The cache folder holding node_modules/ with the pinned tools (installed when needed)."""
    return pinned_npm_packages(CACHE, PINNED)


def pinned_npm_packages(cache: Path, pinned: dict[str, str]) -> Path:
    """`cache` holding node_modules/ with exactly the `pinned` versions (installed when needed)."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        if IN_CI:
            pytest.fail(NPM_MISSING)
        pytest.skip(NPM_MISSING)
    manifest = cache / "package.json"
    wanted = {"name": cache.name + "-cache", "private": True, "dependencies": pinned}
    installed = all(
        (cache / "node_modules" / name / "package.json").is_file()
        and json.loads((cache / "node_modules" / name / "package.json").read_text())["version"]
        == version
        for name, version in pinned.items()
    )
    if installed and manifest.is_file() and json.loads(manifest.read_text()) == wanted:
        return cache
    cache.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(wanted, indent=2) + "\n")
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error"],
        cwd=cache,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"npm install of {pinned} failed:\n{done.stderr[-2000:]}")
    return cache


def tsc(cache: Path, files: list[Path], cwd: Path) -> list[str]:
    """`tsc --strict --noEmit` over `files`; the diagnostics, one line each (empty: compiles)."""
    done = subprocess.run(
        [
            "node",
            str(cache / "node_modules" / "typescript" / "bin" / "tsc"),
            "--strict",
            "--noEmit",
            "--pretty",
            "false",
            "--target",
            "es2022",
            "--module",
            "esnext",
            "--moduleResolution",
            "bundler",
            "--lib",
            "es2022,dom",
            *(str(f.relative_to(cwd)) for f in files),
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [ln for ln in done.stdout.splitlines() if ln.strip()]
    if done.returncode != 0 and not lines:
        raise AssertionError(f"tsc failed without diagnostics:\n{done.stderr}")
    return lines


def link_node_modules(cache: Path, folder: Path) -> None:
    """Let files in `folder` import the pinned packages (openapi-fetch, openapi-typescript)."""
    link = folder / "node_modules"
    if not link.exists():
        link.symlink_to(cache / "node_modules", target_is_directory=True)
