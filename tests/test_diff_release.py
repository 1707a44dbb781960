"""`make bump` in a throw-away copy of a mini project (the real spec/history is never touched)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from diff_helpers import RES, base, get

from tests.conftest import run_generator

PYPROJECT = """
[[tool.openapi-contract.targets]]
name = "pets"
spec = "spec/openapi.yaml"
changelog = "spec/CHANGELOG.md"
out = "generated/pets"
package = "pets_api"
"""


def _project(tmp_path: Path, new_version: str, breaking: bool = False) -> Path:
    (tmp_path / "spec" / "history").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    old = base("1.0.0")
    (tmp_path / "spec" / "history" / "1.0.0.yaml").write_text(yaml.safe_dump(old), "utf-8")
    new = base(new_version)
    if breaking:
        get(new, RES)["properties"].pop("id")
    else:
        get(new, RES)["properties"]["age"] = {"type": "integer"}
    (tmp_path / "spec" / "openapi.yaml").write_text(yaml.safe_dump(new), "utf-8")
    return tmp_path


def _release(root: Path, *args: str) -> tuple[int, str]:
    done = run_generator("release", "--config", "pyproject.toml", *args, cwd=root)
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout + done.stderr


def test_release_writes_changelog_regenerates_and_stores_the_version(tmp_path: Path) -> None:
    root = _project(tmp_path, "1.1.0")
    code, out = _release(root, "--check")
    assert code == 1 and "1.1.0 is not in spec/history yet: run `openapi-contract release`" in out
    code, out = _release(root)
    assert code == 0, out
    stored = root / "spec" / "history" / "1.1.0.yaml"
    assert stored.read_bytes() == (root / "spec" / "openapi.yaml").read_bytes()
    changelog = (root / "spec" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 1.1.0\n\nCompared with 1.0.0: 1 contract changes, none breaking." in changelog
    assert "response-optional-property-added" in changelog
    shipped = root / "generated" / "pets" / "CHANGELOG.md"
    assert shipped.read_text(encoding="utf-8") == changelog  # copied by the generator
    assert 'version = "1.1.0"' in (root / "generated" / "pets" / "pyproject.toml").read_text()
    # Idempotent: a second run changes nothing; the gate now passes.
    snapshot = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    code, out = _release(root)
    assert code == 0 and "nothing to do" in out
    assert snapshot == {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert _release(root, "--check")[0] == 0


def test_a_breaking_change_without_a_major_bump_is_refused(tmp_path: Path) -> None:
    root = _project(tmp_path, "1.0.1", breaking=True)
    code, out = _release(root, "--no-generate")
    assert code == 1
    assert "1.0.0 -> 1.0.1 is a patch bump" in out and "major bump is required" in out
    assert sorted(p.name for p in (root / "spec" / "history").iterdir()) == ["1.0.0.yaml"]
    assert not (root / "spec" / "CHANGELOG.md").exists()


def test_a_major_bump_releases_the_breaking_change(tmp_path: Path) -> None:
    root = _project(tmp_path, "2.0.0", breaking=True)
    code, out = _release(root, "--no-generate", "--date", "2026-01-02")
    assert code == 0, out
    changelog = (root / "spec" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## 2.0.0 (2026-01-02)" in changelog and "### Breaking changes" in changelog
    assert (root / "spec" / "history" / "2.0.0.yaml").exists()


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = _project(tmp_path, "1.1.0")
    code, out = _release(root, "--dry-run")
    assert code == 0 and "## 1.1.0" in out
    assert not (root / "spec" / "CHANGELOG.md").exists()
    assert not (root / "generated").exists()


def test_editing_a_released_version_in_place_fails_the_gate(tmp_path: Path) -> None:
    root = _project(tmp_path, "1.0.0")  # changed contract, same version as the release
    code, out = _release(root, "--check")
    assert code == 1 and "bump info.version" in out


def test_an_invalid_spec_exits_2(tmp_path: Path) -> None:
    root = _project(tmp_path, "1.1.0")
    (root / "spec" / "openapi.yaml").write_text("openapi: 3.1.0\npaths: {}\n", "utf-8")
    code, out = _release(root)
    assert code == 2 and "openapi.yaml" in out
    shutil.rmtree(root / "spec")
