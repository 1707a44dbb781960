"""`python -m generator diff` and `release --check` as CI and users run them."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from diff_helpers import RES, base, get

from tests.conftest import ROOT, run_generator

HISTORY = "spec/history"


def _write(path: Path, doc: dict) -> Path:  # type: ignore[type-arg]
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def test_published_bump_passes_the_gate() -> None:
    done = run_generator(
        "diff", f"{HISTORY}/1.1.22.yaml", "spec/openapi.yaml", "--fail-on", "breaking", "--policy"
    )
    assert done.returncode == 0, done.stderr
    assert "14 changes: 0 breaking, 0 warnings, 14 info" in done.stdout
    assert "Version policy passes" in done.stdout


def test_defaults_compare_the_spec_with_the_release_before_its_version() -> None:
    done = run_generator("diff", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["old"]["file"].endswith("1.1.22.yaml")
    assert data["new"] == {"file": "spec/openapi.yaml", "version": "1.1.24"}
    assert data["summary"]["breaking"] == 0


def test_breaking_changes_exit_1_with_their_pointers(tmp_path: Path) -> None:
    done = run_generator(
        "diff", f"{HISTORY}/1.1.24.yaml", f"{HISTORY}/1.1.22.yaml", "--fail-on", "breaking",
        "--format", "none", "--output-dir", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 1
    assert "api-path-removed-without-deprecation: /paths/~1api~1csrf-token (old)" in done.stderr
    assert "Traceback" not in done.stderr
    data = json.loads((tmp_path / "diff.json").read_text(encoding="utf-8"))
    assert data["summary"]["breaking"] == 14
    assert "## Breaking changes (14)" in (tmp_path / "diff.md").read_text(encoding="utf-8")


def test_a_patch_bump_over_a_breaking_change_fails_the_policy(tmp_path: Path) -> None:
    old, new = base("1.1.24"), base("1.1.25")
    get(new, RES)["properties"].pop("note")
    done = run_generator(
        "diff", str(_write(tmp_path / "old.yaml", old)), str(_write(tmp_path / "new.yaml", new)),
        "--policy", "--format", "none",
    )  # fmt: skip
    assert done.returncode == 1
    assert "version policy: 1.1.24 -> 1.1.25 is a patch bump" in done.stderr
    assert "response-optional-property-removed at /paths/~1pets/post/responses/200" in done.stderr
    assert "a major bump is required (for example 2.0.0)" in done.stderr


def test_an_invalid_spec_exits_2_with_a_located_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 3.1.0\ninfo:\n  title: x\n  version: [1\n", encoding="utf-8")
    done = run_generator("diff", f"{HISTORY}/1.1.24.yaml", str(bad))
    assert done.returncode == 2
    assert "bad.yaml:" in done.stderr and "error:" in done.stderr
    assert "Traceback" not in done.stderr


def test_rules_output_is_the_committed_docs() -> None:
    done = run_generator("diff", "--rules")
    assert done.returncode == 0
    assert done.stdout == (ROOT / "docs" / "diff-rules.md").read_text(encoding="utf-8")


def test_release_check_passes_on_the_repository() -> None:
    done = run_generator("release", "--check")
    assert done.returncode == 0, done.stderr
    assert "1.1.24 is released" in done.stdout
