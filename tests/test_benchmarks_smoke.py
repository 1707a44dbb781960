"""The benchmark harness runs end to end in quick mode and renders its table.

No network and no baseline install: a fake baseline command stands in for the pinned tools,
a tiny document for GitHub's, and the no-op regeneration runs on a private copy of a project.
Nothing here looks at how long anything took.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

TINY = """\
openapi: 3.1.0
info: {title: Tiny, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        "200":
          description: the pets
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties: {name: {type: string}}
"""

# Unusable (a $ref that points to nothing): our generator refuses it, even leniently.
INVALID = """\
openapi: 3.0.3
info: {title: Invalid, version: 1.0.0}
paths:
  /x:
    get:
      responses:
        '200': {$ref: '#/components/responses/Nowhere'}
"""

PYPROJECT = """\
[[tool.openapi-contract.targets]]
name = "tiny"
spec = "tiny.yaml"
out = "generated/tiny"
package = "tiny_api"
"""


@pytest.mark.timeout(900)  # a whole benchmark run, small documents included, on a busy machine
def test_quick_benchmark_renders_its_table(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "tiny.yaml").write_text(TINY, encoding="utf-8")
    (corpus / "invalid.yaml").write_text(INVALID, encoding="utf-8")
    # The fake baseline writes a module where it is told to, as a generator would.
    fake = (
        "{python} -c 'import pathlib, sys; p = pathlib.Path(sys.argv[1]); p.mkdir(); "
        '(p / "fake_module.py").write_text("VALUE = 1")\' {out}'
    )
    noop = f"{sys.executable} -m generator generate -q --config {tmp_path / 'pyproject.toml'}"
    out = tmp_path / "reports"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--document",
            str(tmp_path / "tiny.yaml"),
            "--baseline",
            f"fake-generator={fake}",
            "--noop-command",
            noop,
            "--corpus",
            "--corpus-dir",
            str(corpus),
            "--requests",
            "20",
            "--import-repeat",
            "1",
            "--out",
            str(out),
            "--work",
            str(tmp_path / "work"),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=800,  # a bound for a stuck run on a busy machine, not a measure
    )
    assert done.returncode == 0, done.stderr
    table = done.stdout
    assert "| benchmark" in table and "| ratio" in table
    for row in (
        "generate tiny.yaml: wall",
        "generate tiny.yaml: peak RSS",
        "fake-generator: ",
        "no-op `make generate`",
        "import bench_api.client + Client()",
        "import serviceai_api.client + Client()",
        "first call meta.get_api_version()",
        "client: one call, per request",
        "server: throughput",
        "tiny.yaml: modules failing to import",
        "tiny.yaml: warnings logged",
        "corpus (2 docs): importable output",
        "corpus (2 docs): every module imports",
        "corpus (2 docs): warnings logged",
        "tiny.yaml: types.d.ts (",
        # The small documents, each against the baseline in the same run, with our profile.
        "generate 2 operations (petstore-simple.json): wall",
        "generate 20 operations (petstore.json): wall",
        "generate ServiceAi (openapi.yaml): wall",
        "## Where our time goes (`generate --profile`)",
        "stages of bench_api:",
    ):
        assert row in table, row
    # The generated package really was written by our pipeline, with models, client and server.
    package = tmp_path / "work" / "out" / "ours" / "bench_api"
    assert (package / "client" / "__init__.py").is_file()
    assert (package / "server" / "app.py").is_file()
    # The same table is written to bench.md, and the measurements to bench.json.
    assert (out / "bench.md").read_text(encoding="utf-8") in table + "\n"
    report = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    names = [m["name"] for m in report["generation"]]
    assert names == ["ours", "fake-generator"]
    assert all(m["ok"] for m in report["generation"])
    assert report["noop_generate"]["ok"]
    assert [r["error"] for r in report["imports"]] == [None, None]
    assert {r["status"] for r in report["rows"]} <= {"", "pass", "FAIL"}
    # Every module of each output was imported; ours printed its warning count.
    assert [q["imports"]["failed"] for q in report["quality"]] == [0, 0]
    assert report["quality"][0]["imports"]["modules"] > 10
    assert report["quality"][1]["imports"]["modules"] == 1
    # One warning: listPets documents no 5xx (the stubs' last resort answers an undocumented 503).
    assert report["quality"][0]["warnings"] == 1
    assert report["typescript"]["types_lines"] > 20 and report["typescript"]["python_s"] > 0
    small = {r["label"]: r for r in report["small"]}
    assert list(small) == ["2 operations", "20 operations", "ServiceAi"]
    for result in small.values():
        assert [m["name"] for m in result["generation"]] == ["ours", "fake-generator"]
        assert all(m["ok"] for m in result["generation"])
    assert "imports: " in small["2 operations"]["profile"]  # quick: the first one profiled
    assert report["edit_generate"] == []  # quick mode leaves `make generate` after an edit out
    # On the corpus, ours imports the valid document and refuses the invalid one.
    mine, fake_tool = report["corpus"]["tools"]
    assert (mine["importable"], mine["refused"], mine["documents"]) == (1, 1, 2)
    assert (fake_tool["importable"], fake_tool["every_module_imports"]) == (2, 2)


def test_a_failing_baseline_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--document",
            str(tmp_path / "tiny.yaml"),
            "--baseline",
            "broken={python} -c 'raise SystemExit(3)'",
            "--noop-command",
            f"{sys.executable} -c pass",
            "--skip-runtime",
            "--no-small",
            "--import-repeat",
            "1",
            "--out",
            str(tmp_path / "reports"),
            "--work",
            str(tmp_path / "work"),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    assert "broken: failed (exit 3)" in done.stdout
    assert "server: throughput" not in done.stdout


def test_peak_memory_sums_the_processes_alive_together() -> None:
    """A parent and its child each holding 80 MiB at the same time count as about 160 MiB."""
    from benchmarks.measure import run_once

    # Touch every page so the 80 MiB are resident, not only reserved.
    hold = "b = bytearray(80 * 2**20)\nfor i in range(0, len(b), 4096): b[i] = 1\n"
    child = hold + "import time\ntime.sleep(0.6)\n"
    parent = hold + f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {child!r}])\n"
    sample = run_once([sys.executable, "-c", parent])
    assert sample.returncode == 0
    assert 80 <= sample.max_process_rss < 150  # each process alone
    assert sample.peak_rss >= 160  # both together, as a user's machine has to hold them


def test_a_large_parent_does_not_inflate_the_child_it_measures() -> None:
    """Linux keeps a forked child's high-water mark across exec: measured from a process that
    holds 200 MiB (as pytest does late in a run), an 80 MiB child still counts as 80 MiB."""
    script = (
        "b = bytearray(200 * 2**20)\n"
        "for i in range(0, len(b), 4096): b[i] = 1\n"
        "import sys\n"
        "from benchmarks.measure import run_once\n"
        "hold = 'b = bytearray(80 * 2**20)\\nfor i in range(0, len(b), 4096): b[i] = 1\\n'\n"
        "s = run_once([sys.executable, '-c', hold + 'import time; time.sleep(0.3)'])\n"
        "print(s.max_process_rss, s.peak_rss)\n"
    )
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True
    )
    single, peak = map(float, done.stdout.split())
    assert 80 <= single < 150 and 80 <= peak < 150


def test_the_edits_of_make_generate_after_an_edit_are_real_and_do_not_pile_up(
    tmp_path: Path,
) -> None:
    """The benchmark edits a copy of the contract: a tag's description, a model's description,
    a model's properties; each edit replaces the one before, and the contract stays valid
    (strict, as the target)."""
    from benchmarks.small import edit_model_description, edit_model_property, edit_tag_description
    from generator.loader import load_document

    spec = tmp_path / "openapi.yaml"
    spec.write_text((ROOT / "spec" / "openapi.yaml").read_text(encoding="utf-8"))
    original = spec.read_text(encoding="utf-8")
    assert edit_tag_description(spec, 0).startswith("the description of tag ")
    assert edit_tag_description(spec, 1).startswith("the description of tag ")
    assert edit_model_description(spec, 2).startswith("the description of ")
    assert edit_model_description(spec, 3).startswith("the description of ")
    text = spec.read_text(encoding="utf-8")
    assert text.count("bench edit") == 2 and "(bench edit 1)" in text and "bench edit 3" in text
    assert len(text.splitlines()) == len(original.splitlines()) + 1  # one line added, once
    doc = load_document(spec, strict=True).data
    tags = {t["name"]: t.get("description", "") for t in doc["tags"]}
    assert any(d.endswith("(bench edit 1)") for d in tags.values())
    described = [s for s in doc["components"]["schemas"].values() if "bench edit 3" in str(s)]
    assert len(described) == 1
    assert edit_model_property(spec, 4).startswith("a new property of ")
    assert edit_model_property(spec, 5).startswith("a new property of ")
    text = spec.read_text(encoding="utf-8")
    assert "benchEdit4" not in text and text.count("benchEdit5") == 1
    assert len(text.splitlines()) == len(original.splitlines()) + 2  # and one property
    schemas = load_document(spec, strict=True).data["components"]["schemas"]
    grown = [s for s in schemas.values() if "benchEdit5" in s.get("properties", {})]
    assert len(grown) == 1 and grown[0]["properties"]["benchEdit5"] == {"type": "string"}
