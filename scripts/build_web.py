"""Build the voice web client (`web/`) into `web/dist/`: type-check, bundle, vendor the renderer.

`python scripts/build_web.py` (or `make web`):

1. installs the exact tool versions `web/package.json` names (esbuild, typescript, openapi-fetch)
   with npm into the git-ignored `.cache/web-tools/`, once, and links `web/node_modules` to it;
2. runs `tsc --strict` over `web/src` against the contract's types
   (`generated/serviceai-api-spec`): a contract change that breaks the page fails here, at the
   line that uses it;
3. bundles `web/src/main.ts` and `web/src/reference.ts` with esbuild (openapi-fetch inside, no
   CDN), copies the HTML and CSS;
4. copies Redoc's standalone bundle (`vendor` in `web/package.json`, fetched with `npm pack`)
   next to them for the API reference page.

`web/dist/` is git-ignored; the reference server serves it (reference/web.py) and answers a JSON
503 naming this command while it is missing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
DIST = WEB / "dist"
TOOLS = ROOT / ".cache" / "web-tools"
CONTRACT_PACKAGE = ROOT / "generated" / "serviceai-api-spec"
ENTRY_POINTS = ("main.ts", "reference.ts")
STATIC = ("index.html", "reference.html", "style.css")
NPM_MISSING = (
    "npm is not installed: the web client is built with Node.js tools "
    "(Debian/Ubuntu: `apt-get install nodejs npm`); the build installs its pinned tools itself"
)
# tsc's one-line diagnostics: file(line,col): error TSxxxx: message
DIAGNOSTIC = re.compile(
    r"^(?P<file>[^(]+)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): (?P<msg>.*)$"
)


class BuildError(Exception):
    """The build cannot finish; the message says where (tsc's diagnostics) or what is missing."""

    def __init__(self, message: str, diagnostics: list[str] | None = None) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics or []


@dataclass(frozen=True)
class Manifest:
    version: str
    tools: dict[str, str]
    redoc_version: str
    redoc_file: str


def manifest() -> Manifest:
    data = json.loads((WEB / "package.json").read_text(encoding="utf-8"))
    redoc = data["vendor"]["redoc"]
    return Manifest(data["version"], dict(data["devDependencies"]), redoc["version"], redoc["file"])


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise BuildError(NPM_MISSING)
    return npm


def _installed_version(package: str) -> str | None:
    found = TOOLS / "node_modules" / package / "package.json"
    if not found.is_file():
        return None
    return str(json.loads(found.read_text(encoding="utf-8"))["version"])


def install_tools(m: Manifest | None = None) -> Path:
    """`.cache/web-tools/` holding node_modules with the pinned tools and the Redoc bundle."""
    m = m or manifest()
    npm = _npm()
    wanted = {"name": "web-tools-cache", "private": True, "dependencies": m.tools}
    package_json = TOOLS / "package.json"
    current = (
        json.loads(package_json.read_text(encoding="utf-8")) if package_json.is_file() else None
    )
    if current != wanted or any(_installed_version(n) != v for n, v in m.tools.items()):
        TOOLS.mkdir(parents=True, exist_ok=True)
        package_json.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error"],
            cwd=TOOLS,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BuildError(f"npm install of {m.tools} failed:\n{done.stderr[-2000:]}")
    _vendor_redoc(npm, m)
    link = WEB / "node_modules"
    if not link.is_symlink() and not link.exists():  # a dangling link comes back to life above
        # tsc and esbuild resolve `openapi-fetch` from web/src upwards, as in any web project
        link.symlink_to(os.path.relpath(TOOLS / "node_modules", WEB), target_is_directory=True)
    return TOOLS


def redoc_bundle(m: Manifest | None = None) -> Path:
    m = m or manifest()
    return TOOLS / "vendor" / f"redoc-{m.redoc_version}" / Path(m.redoc_file).name


def _vendor_redoc(npm: str, m: Manifest) -> None:
    """Redoc's standalone bundle out of its npm tarball (its dependencies are inside the bundle;
    `npm pack` checks the tarball against the registry's integrity hash)."""
    target = redoc_bundle(m)
    if target.is_file():
        return
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "pack", f"redoc@{m.redoc_version}", "--silent", "--pack-destination", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    tarball = folder / f"redoc-{m.redoc_version}.tgz"
    if done.returncode != 0 or not tarball.is_file():
        raise BuildError(f"npm pack redoc@{m.redoc_version} failed:\n{done.stderr[-2000:]}")
    with tarfile.open(tarball) as archive:
        for member, name in ((m.redoc_file, target.name), ("LICENSE", "LICENSE")):
            extracted = archive.extractfile(f"package/{member}")
            if extracted is None:
                raise BuildError(f"redoc@{m.redoc_version} has no {member}")
            (folder / name).write_bytes(extracted.read())
    tarball.unlink()


def typecheck(tsconfig: Path = WEB / "tsconfig.json") -> list[str]:
    """`tsc --strict` with `tsconfig` (web/tsconfig.json, or one extending it with the contract's
    types elsewhere); its diagnostics, one line each (an explanation tsc continues on indented
    lines joined to it), paths relative to the repository."""
    install_tools()
    done = subprocess.run(
        [
            "node",
            str(TOOLS / "node_modules" / "typescript" / "bin" / "tsc"),
            "--project",
            str(tsconfig),
            "--pretty",
            "false",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    diagnostics: list[str] = []
    for line in done.stdout.splitlines():
        if line.startswith((" ", "\t")) and diagnostics:
            diagnostics[-1] += " " + line.strip()  # the rest of the one before's explanation
        elif line.strip():
            diagnostics.append(line)
    if done.returncode != 0 and not diagnostics:
        raise BuildError(f"tsc failed without diagnostics:\n{done.stderr[-2000:]}")
    return diagnostics


def bundle(out: Path = DIST) -> list[Path]:
    """esbuild's bundles of the entry points, the static files and the Redoc bundle in `out`."""
    m = manifest()
    install_tools(m)
    staging = out.with_name(out.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    done = subprocess.run(
        [
            str(TOOLS / "node_modules" / ".bin" / "esbuild"),
            *(str(WEB / "src" / e) for e in ENTRY_POINTS),
            "--bundle",
            "--format=esm",
            "--target=es2022",
            "--minify",
            "--sourcemap",
            "--legal-comments=linked",
            f"--define:__CLIENT_VERSION__={json.dumps(m.version)}",
            f"--outdir={staging}",
            "--log-level=warning",
        ],
        cwd=WEB,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BuildError(f"esbuild failed:\n{done.stderr[-4000:]}")
    for name in STATIC:
        shutil.copyfile(WEB / name, staging / name)
    shutil.copyfile(redoc_bundle(m), staging / "redoc.standalone.js")
    shutil.copyfile(redoc_bundle(m).with_name("LICENSE"), staging / "redoc.LICENSE.txt")
    files = sorted(p for p in staging.iterdir() if p.is_file())
    (staging / "build.json").write_text(
        json.dumps(
            {
                "client_version": m.version,
                "tools": m.tools,
                "redoc": m.redoc_version,
                "files": {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in files},
            },
            indent=2,
            sort_keys=True,
        )
        + "\n",
        encoding="utf-8",
    )
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    return sorted(out.iterdir())


def build(out: Path = DIST, tsconfig: Path = WEB / "tsconfig.json") -> list[Path]:
    """Type-check, then bundle; BuildError (with tsc's diagnostics) when the page is wrong,
    and then nothing is written."""
    diagnostics = typecheck(tsconfig)
    if diagnostics:
        raise BuildError(
            "web/ does not compile against the contract:\n  " + "\n  ".join(diagnostics),
            diagnostics,
        )
    return bundle(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/build_web.py", description=__doc__)
    parser.add_argument("--out", type=Path, default=DIST)
    args = parser.parse_args(argv)
    try:
        files = build(args.out)
    except BuildError as exc:
        print(exc, file=sys.stderr)
        return 1
    shown = os.path.relpath(args.out, Path.cwd())
    print(f"web client built into {shown}/: {', '.join(p.name for p in files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
