"""The benchmark's own environment under `.bench/` (gitignored), made on first use and cached.

* `.bench/venv`: the baseline tools, pinned, isolated from the project's `.venv`, with what
  their generated code needs to import.
* `.bench/api.github.com.json`: GitHub's REST description, from the npm registry
  (`npm pack @octokit/openapi@23.0.2`), never committed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / ".bench"
VENV = BENCH / "venv"

BASELINE_PINS = (
    "openapi-python-client==0.29.1",
    "datamodel-code-generator==0.89.0",
    # What their output needs at run time beyond their own dependencies (httpx, attrs,
    # pydantic): datamodel-code-generator writes `EmailStr`, which needs pydantic[email].
    "email-validator==2.4.0",
)
GITHUB_PACKAGE = "@octokit/openapi@23.0.2"
GITHUB_MEMBER = "package/generated/api.github.com.json"
GITHUB_DOCUMENT = BENCH / "api.github.com.json"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _pins_digest() -> str:
    return hashlib.sha256("\n".join(BASELINE_PINS).encode()).hexdigest()[:16]


def baseline_venv() -> Path:
    """`.bench/venv` with the pinned baselines installed (only when the pins changed)."""
    marker = VENV / f".installed-{_pins_digest()}"
    if marker.exists():
        return VENV
    log(f"creating {VENV.relative_to(ROOT)} with {', '.join(BASELINE_PINS)} (first use only)")
    if VENV.exists():
        shutil.rmtree(VENV)
    BENCH.mkdir(parents=True, exist_ok=True)
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(VENV)], check=True)
    pip_log = BENCH / "pip.log"
    with open(pip_log, "wb") as out:
        done = subprocess.run(
            [str(VENV / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check",
             *BASELINE_PINS],
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"installing the baselines failed; see {pip_log}")
    marker.touch()
    return VENV


def baseline_bin(name: str) -> str:
    return str(baseline_venv() / "bin" / name)


def github_document() -> Path:
    """GitHub's REST description, fetched with `npm pack` on first use."""
    if GITHUB_DOCUMENT.is_file():
        return GITHUB_DOCUMENT
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed once to fetch GitHub's description (apt-get install npm)")
    BENCH.mkdir(parents=True, exist_ok=True)
    log(f"fetching {GITHUB_PACKAGE} with npm pack")
    done = subprocess.run(
        ["npm", "pack", GITHUB_PACKAGE, "--silent"],
        cwd=BENCH,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = BENCH / done.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(GITHUB_MEMBER)
        if member is None:
            raise SystemExit(f"{tarball.name} has no {GITHUB_MEMBER}")
        partial = GITHUB_DOCUMENT.with_suffix(".partial")
        partial.write_bytes(member.read())
        os.replace(partial, GITHUB_DOCUMENT)
    tarball.unlink()
    return GITHUB_DOCUMENT


if __name__ == "__main__":
    print(baseline_venv())
    print(github_document())
