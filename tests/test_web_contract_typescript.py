"""The web contract package against the TypeScript tools web teams use (needs npm).

The pinned typescript, openapi-typescript 7 and openapi-fetch are installed once into
`.cache/npm-tools/` (tests/web_contract/node_tools.py). One `tsc --strict --noEmit` run
compiles, together:
- generated/serviceai-api-spec/types.d.ts with tests/web_contract/usage.ts (every ServiceAi
  operation through openapi-fetch, a switch over the realtime-token branches) and
  tests/web_contract/wrong.ts (deliberate type errors: each must be rejected);
- for ServiceAi and every corpus document, our types.d.ts, openapi-typescript 7's and a checking
  file asserting that each schema, request body, response and parameter set is mutually
  assignable between the two (tests/web_contract/compat.py).
The comparison report (equal types per document, every difference with its reason) is written
to reports/web-contract-compat.md.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import test_typescript_facts as facts
from tests.conftest import CORPUS, ROOT, SPEC
from tests.web_contract import compat
from tests.web_contract.node_tools import link_node_modules, node_tools, tsc

PACKAGE = ROOT / "generated" / "serviceai-api-spec"
FIXTURES = ROOT / "tests" / "web_contract"
REPORT = ROOT / "reports" / "web-contract-compat.md"


@dataclass
class Compiled:
    work: Path
    runs: list[compat.DocumentRun]
    usage_errors: list[str]  # diagnostics about usage.ts / types.d.ts
    wrong_errors: list[str]  # diagnostics about wrong.ts
    others: list[str]


@pytest.fixture(scope="module")
def tools() -> Path:
    return node_tools()


@pytest.fixture(scope="module")
def compiled(tools: Path, tmp_path_factory: pytest.TempPathFactory) -> Compiled:
    work = tmp_path_factory.mktemp("web-contract")
    link_node_modules(tools, work)
    shutil.copyfile(PACKAGE / "types.d.ts", work / "types.d.ts")
    for name in ("usage.ts", "wrong.ts"):
        shutil.copyfile(FIXTURES / name, work / name)
    documents = [("ServiceAi (spec/openapi.yaml)", SPEC)] + [
        (str(p.relative_to(CORPUS)), p) for p in sorted(CORPUS.rglob("*.json"))
    ]
    runs = compat.prepare(documents, work)
    compat.run_openapi_typescript(runs, work)
    # The facts the types share with the Python models (tests/test_typescript_facts.py),
    # compiled in the same run.
    (work / "facts_types.d.ts").write_text(facts.rendered(), encoding="utf-8")
    (work / "facts_usage.ts").write_text(
        facts.USAGE.replace('"./types"', '"./facts_types"'), encoding="utf-8"
    )
    files = [work / "types.d.ts", work / "usage.ts", work / "wrong.ts"]
    files += [work / "facts_types.d.ts", work / "facts_usage.ts"]
    diagnostics = tsc(tools, files + compat.write_checks(runs, work), work)
    others = compat.read_results(runs, diagnostics)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(compat.report(runs), encoding="utf-8")
    errors = [ln for ln in others if compat._ERROR.match(ln)]
    return Compiled(
        work,
        runs,
        [ln for ln in errors if not ln.startswith("wrong.ts")],
        [ln for ln in errors if ln.startswith("wrong.ts")],
        others,
    )


def test_usage_of_every_operation_compiles_under_strict(compiled: Compiled) -> None:
    assert compiled.usage_errors == []
    usage = (FIXTURES / "usage.ts").read_text(encoding="utf-8")
    # Every operation of the contract is called in the usage file.
    for run in compiled.runs[:1]:
        for key in run.data["paths"]:
            assert f'"{key}"' in usage, f"usage.ts does not call {key}"


def test_the_facts_shared_with_the_python_models_compile_both_ways(compiled: Compiled) -> None:
    """Discriminator tags, `null` beside a union, request forms: `facts_usage.ts` compiles, and
    each of its `@ts-expect-error` lines is an error (an unused one would be reported)."""
    assert [ln for ln in compiled.others if "facts_" in ln] == []
    assert "@ts-expect-error" in facts.USAGE


def test_deliberate_type_errors_are_rejected(compiled: Compiled) -> None:
    """tsc checks something: each EXPECT-ERROR line fails with its code, and only those."""
    lines = (FIXTURES / "wrong.ts").read_text(encoding="utf-8").splitlines()
    expected = {
        (i + 1, m.group(1))
        for i, ln in enumerate(lines)
        if (m := re.search(r"EXPECT-ERROR (TS\d+)", ln))
    }
    assert len(expected) == 4
    found = set()
    for line in compiled.wrong_errors:
        match = compat._ERROR.match(line)
        assert match is not None
        found.add((int(match["line"]), match["code"]))
    assert found == expected


def test_serviceai_types_equal_openapi_typescript(compiled: Compiled) -> None:
    run = compiled.runs[0]
    assert run.skipped is None and run.ours_errors == [] and run.theirs_errors == []
    assert len(run.items) >= 40
    unexplained = [d for d in run.differences if not d.reasons]
    assert unexplained == [], compat.report(compiled.runs)
    # The contract's own types are all equal: nothing here needs a deliberate divergence.
    assert run.equal == len(run.items), compat.report(compiled.runs[:1])


def test_corpus_types_compile_under_strict(compiled: Compiled) -> None:
    failing = {r.label: r.ours_errors[:3] for r in compiled.runs if r.ours_errors}
    assert failing == {}


def test_corpus_types_equal_or_explained(compiled: Compiled) -> None:
    corpus = compiled.runs[1:]
    compared = [r for r in corpus if r.skipped is None and r.theirs_failure is None]
    # The corpus has one document with nothing to generate (no paths, no components), which the
    # generator refuses, and one whose discriminator mapping openapi-typescript 7 cannot resolve
    # (`Option One`); every other one, the leniently repaired ones included, is compared.
    assert sorted(r.label for r in corpus if r not in compared) == [
        "3.0/discriminators.json",
        "3.0/openapi-workshop/title.json",
    ]
    unexplained = {
        r.label: [f"{d.label}: {d.message[:200]}" for d in r.differences if not d.reasons]
        for r in compared
    }
    assert {k: v for k, v in unexplained.items() if v} == {}, REPORT.read_text()
    assert sum(r.equal for r in compared) > 0.9 * sum(len(r.items) for r in compared)


def test_npm_pack_holds_exactly_the_package_files(tools: Path, tmp_path: Path) -> None:
    npm = shutil.which("npm")
    assert npm is not None
    done = subprocess.run(
        [npm, "pack", str(PACKAGE), "--pack-destination", str(tmp_path), "--silent"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    tarball = tmp_path / done.stdout.strip().splitlines()[-1]
    assert tarball.name == "serviceai-api-spec-1.1.24.tgz"
    with tarfile.open(tarball) as archive:
        names = sorted(m.name for m in archive.getmembers() if m.isfile())
        packed_yaml = archive.extractfile("package/openapi.yaml")
        assert packed_yaml is not None and packed_yaml.read() == SPEC.read_bytes()
    assert names == [
        "package/CHANGELOG.md",
        "package/index.d.ts",
        "package/index.js",
        "package/openapi.d.ts",
        "package/openapi.js",
        "package/openapi.json",
        "package/openapi.yaml",
        "package/package.json",
        "package/types.d.ts",
        "package/validators.d.ts",
        "package/validators.js",
    ]
