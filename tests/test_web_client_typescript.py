"""`tsc --strict` on the web client (web/), and a contract change that breaks the page failing
the build at the line that uses it.

The page's only knowledge of the API is the contract's types (`@serviceai/api-spec`, resolved to
generated/serviceai-api-spec). Each mutation below changes the contract (the document, before
generation), renders its types.d.ts with the generator's TypeScript emitter, and type-checks a
copy of web/src against it: the diagnostics must be exactly the lines of web/src that use what
changed, nothing else. One tsc program, with web/tsconfig.json's options, checks the page against
the real contract and every mutation (a copy of the page per variant, each resolving the package
to its own types), so lib.dom is read once; a second run is `make web`'s own build refusing a
mutated contract. npm is needed (the pinned tools are installed into .cache/web-tools/ once);
without it these tests skip, under CI they fail.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.emit.typescript import render_types
from generator.loader import load_document
from generator.plans.typescript import build_typescript_plan
from scripts import build_web
from tests.conftest import IN_CI, ROOT, SPEC

SRC = ROOT / "web" / "src"
PACKAGE = ROOT / "generated" / "serviceai-api-spec"
WEBRTC = "/api/realtime/webrtc"


@pytest.fixture(scope="module")
def tools() -> Path:
    try:
        return build_web.install_tools()
    except build_web.BuildError as exc:
        if build_web.NPM_MISSING in str(exc) and not IN_CI:
            pytest.skip(str(exc))
        raise


# -- mutations of the contract -------------------------------------------------------------


def _rename_csrf_token(doc: dict[str, Any]) -> None:
    ok = doc["paths"]["/api/csrf-token"]["get"]["responses"]["200"]["content"]
    for schema in (
        doc["components"]["schemas"]["CsrfTokenResponse"],
        ok["application/json"]["schema"],
    ):
        schema["properties"]["csrfToken"] = schema["properties"].pop("token")
        schema["required"] = ["csrfToken"]


def _require_device_header(doc: dict[str, Any]) -> None:
    operation = doc["paths"][WEBRTC]["post"]
    device = {"name": "X-Device-Id", "in": "header", "required": True, "schema": {"type": "string"}}
    operation["parameters"] = [*operation["parameters"], device]


def _move_realtime_token(doc: dict[str, Any]) -> None:
    doc["paths"]["/api/realtime/token"] = doc["paths"].pop("/api/realtime-token")


def _drop_client_secret(doc: dict[str, Any]) -> None:
    token = doc["paths"]["/api/realtime-token"]["post"]["responses"]
    for schema in (
        doc["components"]["schemas"]["RealtimeTokenResponse"],
        token["200"]["content"]["application/json"]["schema"],
        token["500"]["content"]["application/json"]["schema"],
    ):
        del schema["properties"]["clientSecret"]


def _rename_tool_description(doc: dict[str, Any]) -> None:
    listed = doc["paths"]["/api/chatty-voice/tools"]["get"]["responses"]["200"]["content"]
    for schema in (
        doc["components"]["schemas"]["ChattyToolDefinition"],
        listed["application/json"]["schema"]["items"],
    ):
        function = schema["properties"]["function"]
        function["properties"]["summary"] = function["properties"].pop("description")
        function["required"] = ["name", "summary", "parameters"]


# mutation -> (its change, the file and a pattern of the lines in web/src that use what changed)
MUTATIONS: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "csrf-token-renamed": (_rename_csrf_token, "api.ts", r"return data\.token;"),
    "device-header-required": (_require_device_header, "api.ts", r'"X-CSRF-Token": csrf'),
    # the call, and the line reading its answer (now another operation's)
    "realtime-token-moved": (
        _move_realtime_token,
        "api.ts",
        r'client\.POST\("/api/realtime-token"|const token: RealtimeToken \| undefined =',
    ),
    "client-secret-dropped": (_drop_client_secret, "api.ts", r"token\.clientSecret"),
    "tool-description-renamed": (
        _rename_tool_description,
        "main.ts",
        r"tool\.function\.description",
    ),
}


def _lines(file: str, pattern: str) -> set[int]:
    text = (SRC / file).read_text(encoding="utf-8").splitlines()
    found = {n for n, line in enumerate(text, 1) if re.search(pattern, line)}
    assert found, f"web/src/{file} no longer has a line matching {pattern!r}: update the test"
    return found


@functools.cache
def _contract() -> dict[str, Any]:
    return load_document(SPEC).data


def _mutated_types(mutate: Callable[[dict[str, Any]], None]) -> str:
    doc = copy.deepcopy(_contract())
    mutate(doc)
    return render_types(build_typescript_plan(doc))


def _package(folder: Path, types: str, tag: str) -> None:
    """The contract package as generated (its entry points re-export types.d.ts) with the
    mutated types in place of its own."""
    shutil.copytree(PACKAGE, folder)
    package = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))
    # tsc treats two packages of one name and version as one (it reads the first only)
    package["version"] += f"-{tag}"
    (folder / "package.json").write_text(json.dumps(package), encoding="utf-8")
    (folder / "types.d.ts").write_text(types, encoding="utf-8")


@pytest.fixture(scope="module")
def checked(
    tools: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, set[tuple[str, int]]]:
    """One tsc program over a copy of web/src per variant: `unchanged` against the contract's
    own types.d.ts, each mutation against its mutated one. Per variant, the (file, line) of
    every diagnostic."""
    work = tmp_path_factory.mktemp("web-tsc")
    # work/node_modules: the real tools; work/<variant>/node_modules/@serviceai/api-spec: the
    # variant's package, found first from work/<variant>/src
    (work / "node_modules").mkdir()
    for name in os.listdir(tools / "node_modules"):
        if not name.startswith(("@serviceai", ".")):
            (work / "node_modules" / name).symlink_to(tools / "node_modules" / name)
    variants = {"unchanged": (PACKAGE / "types.d.ts").read_text(encoding="utf-8")}
    variants |= {name: _mutated_types(mutate) for name, (mutate, _, _) in MUTATIONS.items()}
    for name, types in variants.items():
        shutil.copytree(SRC, work / name / "src")
        _package(work / name / "node_modules" / "@serviceai" / "api-spec", types, name)
    # web/tsconfig.json's compiler options; the package resolves like any npm dependency here
    config = json.loads((ROOT / "web" / "tsconfig.json").read_text(encoding="utf-8"))
    options = {k: v for k, v in config["compilerOptions"].items() if k != "paths"}
    (work / "tsconfig.json").write_text(
        json.dumps({"compilerOptions": options, "include": ["*/src/**/*.ts"]}), encoding="utf-8"
    )
    found: dict[str, set[tuple[str, int]]] = {name: set() for name in variants}
    for line in build_web.typecheck(work / "tsconfig.json"):
        match = build_web.DIAGNOSTIC.match(line)
        assert match is not None, line
        parts = (ROOT / match["file"]).resolve().relative_to(work.resolve()).parts
        found[parts[0]].add((parts[-1], int(match["line"])))
    return found


def test_web_client_compiles_under_strict(checked: dict[str, set[tuple[str, int]]]) -> None:
    config = json.loads((ROOT / "web" / "tsconfig.json").read_text(encoding="utf-8"))
    assert config["compilerOptions"]["strict"] is True
    assert config["compilerOptions"]["paths"]["@serviceai/api-spec"] == [
        "../generated/serviceai-api-spec"
    ]
    assert checked["unchanged"] == set()


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_contract_changes_fail_at_the_lines_that_use_them(
    checked: dict[str, set[tuple[str, int]]], mutation: str
) -> None:
    _mutate, file, pattern = MUTATIONS[mutation]
    assert checked[mutation] == {(file, n) for n in _lines(file, pattern)}


def test_the_build_refuses_a_page_the_contract_breaks(tools: Path, tmp_path: Path) -> None:
    """`make web` itself, with web/tsconfig.json (here extended to find the mutated package):
    tsc first, and nothing is written when the page does not compile."""
    _package(
        tmp_path / "api-spec", _mutated_types(_require_device_header), "device-header-required"
    )
    (tmp_path / "tsconfig.json").write_text(
        json.dumps(
            {
                "extends": str(ROOT / "web" / "tsconfig.json"),
                "compilerOptions": {"paths": {"@serviceai/api-spec": [str(tmp_path / "api-spec")]}},
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "dist"
    with pytest.raises(build_web.BuildError) as refused:
        build_web.build(out, tmp_path / "tsconfig.json")
    (line,) = _lines("api.ts", r'"X-CSRF-Token": csrf')
    (diagnostic,) = refused.value.diagnostics
    column = _column("api.ts", line, "header:")
    assert diagnostic.startswith(f"web/src/api.ts({line},{column}): error TS2741: ")
    assert """Property '"X-Device-Id"' is missing""" in diagnostic
    assert diagnostic in str(refused.value)
    assert not out.exists()


def _column(file: str, line: int, text: str) -> int:
    """tsc's 1-based column of `text` in the line."""
    return (SRC / file).read_text(encoding="utf-8").splitlines()[line - 1].index(text) + 1
