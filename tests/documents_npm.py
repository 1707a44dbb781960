"""The published documents and the converter the document tests compare with, from npm.

`.cache/npm-documents/` (git-ignored) gets @readme/oas-examples (its `2.0/` folder: every Swagger
2.0 document of ReadMe's example set) and swagger2openapi at the versions below, once; later runs
reuse it while the versions match. Without `npm` the tests skip with a message saying how to get
it, except in CI (`CI=true`), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "npm-documents"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Exact versions: the document set and the conversions compared depend on them.
PINNED = {"@readme/oas-examples": "8.2.2", "swagger2openapi": "7.0.8"}
NPM_MISSING = (
    "npm is not installed: the Swagger 2.0 corpus tests need Node.js and npm "
    "(Debian/Ubuntu: `apt-get install nodejs npm`); they install their pinned packages themselves"
)
# Converts every file named on the command line with swagger2openapi's own API, in one process
# (patch: true, as its CLI's `--patch`, fixes what it can; warnOnly keeps going), and writes
# `<out>/<index>.json` for each.
_CONVERT = """
const fs = require("fs");
const path = require("path");
const s2o = require("swagger2openapi");
const yaml = require("yaml");
const [out, ...files] = process.argv.slice(2);
(async () => {
  for (const [i, file] of files.entries()) {
    const text = fs.readFileSync(file, "utf8");
    const doc = file.endsWith(".json") ? JSON.parse(text) : yaml.parse(text);
    const result = await s2o.convertObj(doc, { patch: true, warnOnly: true });
    fs.writeFileSync(path.join(out, `${i}.json`), JSON.stringify(result.openapi, null, 1));
  }
})().catch((e) => { console.error(e); process.exit(1); });
"""


def npm_documents() -> Path:
    """The cache folder holding node_modules/ with the pinned packages (installed when needed)."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        if IN_CI:
            pytest.fail(NPM_MISSING)
        pytest.skip(NPM_MISSING)
    manifest = CACHE / "package.json"
    wanted = {"name": "npm-documents-cache", "private": True, "dependencies": PINNED}
    installed = all(
        (CACHE / "node_modules" / name / "package.json").is_file()
        and json.loads((CACHE / "node_modules" / name / "package.json").read_text())["version"]
        == version
        for name, version in PINNED.items()
    )
    if installed and manifest.is_file() and json.loads(manifest.read_text()) == wanted:
        return CACHE
    CACHE.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(wanted, indent=2) + "\n")
    done = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error"],
        cwd=CACHE,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"npm install of {PINNED} failed:\n{done.stderr[-2000:]}")
    return CACHE


def swagger2_documents(cache: Path) -> list[Path]:
    """Every Swagger 2.0 document of @readme/oas-examples (JSON and YAML), sorted."""
    folder = cache / "node_modules" / "@readme" / "oas-examples" / "2.0"
    found = sorted(p for p in folder.rglob("*") if p.suffix in (".json", ".yaml", ".yml"))
    assert found, f"no Swagger 2.0 documents under {folder}"
    return found


def convert_with_swagger2openapi(cache: Path, documents: list[Path], out: Path) -> list[Path]:
    """Each document converted by the pinned swagger2openapi (as JSON files in `out`)."""
    out.mkdir(parents=True, exist_ok=True)
    script = out / "convert.cjs"
    script.write_text(_CONVERT, encoding="utf-8")
    done = subprocess.run(
        ["node", str(script), str(out), *(str(d) for d in documents)],
        cwd=cache,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NODE_PATH": str(cache / "node_modules")},
    )
    if done.returncode != 0:
        raise AssertionError(f"swagger2openapi failed:\n{done.stderr[-3000:]}")
    return [out / f"{i}.json" for i in range(len(documents))]
