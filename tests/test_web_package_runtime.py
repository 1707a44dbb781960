"""The web contract package's run-time part, as a web project meets it (needs npm).

`npm pack` of generated/serviceai-api-spec is installed with npm into a fresh project (beside the
peers at the versions the package names: openapi-fetch, and ajv for the validators). The
project's own TypeScript (tests/web_contract/runtime_main.ts) imports the client factory, the
document (`openapi`, and `openapi.json` as a JSON module) and the validators; it compiles under
`tsc --strict` (Node's module resolution, through the package's `exports`) and then runs under
Node against the reference ServiceAi backend on loopback: a typed call answered 200, the tool
catalogue, an unauthenticated call answered 401, a body validated and one refused.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.mcp_ts.node_sdk import PINNED as MCP_PINNED
from tests.reference_support.fixtures import Stack, start_stack
from tests.web_contract.node_tools import PINNED, node_tools

PACKAGE = ROOT / "generated" / "serviceai-api-spec"
MAIN = ROOT / "tests" / "web_contract" / "runtime_main.ts"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    yield from start_stack(tmp_path_factory.mktemp("web-runtime"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tools = node_tools()  # typescript, and npm itself checked
    npm = shutil.which("npm")
    assert npm is not None
    work = tmp_path_factory.mktemp("web-project")
    packed = subprocess.run(
        [npm, "pack", str(PACKAGE), "--pack-destination", str(work), "--silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert packed.returncode == 0, packed.stderr
    tarball = work / packed.stdout.strip().splitlines()[-1]
    app = work / "app"
    app.mkdir()
    manifest = {
        "name": "web-app",
        "private": True,
        "type": "module",
        "dependencies": {
            "@serviceai/api-spec": f"file:{tarball}",
            "openapi-fetch": PINNED["openapi-fetch"],
            "ajv": MCP_PINNED["ajv"],
        },
    }
    (app / "package.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    installed = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"],
        cwd=app,
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    shutil.copyfile(MAIN, app / "main.ts")
    compiled = subprocess.run(
        [
            "node",
            str(tools / "node_modules" / "typescript" / "bin" / "tsc"),
            *("--strict", "--pretty", "false", "--target", "es2022", "--lib", "es2022,dom"),
            *("--module", "nodenext", "--moduleResolution", "nodenext"),
            *("--resolveJsonModule", "--skipLibCheck", "false", "--outDir", "out", "main.ts"),
        ],
        cwd=app,
        capture_output=True,
        text=True,
        check=False,
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    return app


def test_the_installed_package_types_and_calls_the_reference_at_run_time(
    project: Path, stack: Stack
) -> None:
    ran = subprocess.run(
        ["node", "out/main.js"],
        cwd=project,
        env={"BASE_URL": stack.url, "TOKEN": "tok-alice", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    seen = json.loads(ran.stdout.strip().splitlines()[-1])
    assert seen["title"] == seen["publishedTitle"] == "ServiceAi API"
    assert seen["defaultBaseUrl"] is None  # the contract's servers are relative
    assert seen["apiVersion"] == "1.1.24"
    assert seen["tool"]  # the catalogue's first function name
    assert seen["forbiddenStatus"] == 401
    assert seen["validBody"] == []
    assert seen["invalidBody"] == [
        "(root): must have required property 'minClientVersion'",
        "/apiVersion: must be string",
    ]


def test_a_bare_import_of_the_package_works_under_node(project: Path) -> None:
    """`import "@serviceai/api-spec"` (ERR_PACKAGE_PATH_NOT_EXPORTED before it had a run-time part)."""
    ran = subprocess.run(
        [
            "node",
            "--input-type=module",
            "-e",
            'import * as m from "@serviceai/api-spec"; '
            'import * as v from "@serviceai/api-spec/validators"; '
            "console.log(JSON.stringify([Object.keys(m).sort(), Object.keys(v).sort()]));",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == [
        ["createClient", "defaultBaseUrl", "openapi"],
        ["createValidators", "schemas"],
    ]
