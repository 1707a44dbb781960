"""The contract workflow's pull-request diff step, run locally as the workflow runs it: a
breaking edit is annotated on the line of spec/openapi.yaml that made it, and a line in
spec/diff-ignore.txt accepts it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "contract.yml"
STEP = "Breaking changes against the target branch"


def _step(name: str) -> dict[str, Any]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["contract"]["steps"]
    return next(s for s in steps if s.get("name") == name)


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def _repos(tmp_path: Path) -> Path:
    """An `origin` holding the repository's spec on `main`, and a clone to edit (a pull request)."""
    origin = tmp_path / "origin"
    (origin / "spec").mkdir(parents=True)
    shutil.copy(ROOT / "spec" / "openapi.yaml", origin / "spec" / "openapi.yaml")
    shutil.copy(ROOT / "spec" / "diff-ignore.txt", origin / "spec" / "diff-ignore.txt")
    _git(origin, "init", "-q", "-b", "main")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-q", "-m", "contract")
    work = tmp_path / "work"
    _git(tmp_path, "clone", "-q", str(origin), str(work))
    (work / ".venv").symlink_to(ROOT / ".venv")
    return work


def _run_step(work: Path) -> subprocess.CompletedProcess[str]:
    step = _step(STEP)
    env = {**os.environ, "BASE_REF": "main"}
    env.pop("GITHUB_ACTIONS", None)
    assert step["env"]["BASE_REF"] == "${{ github.base_ref }}"
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=work, env=env, capture_output=True, text=True
    )


def _break_api_version_type(work: Path) -> int:
    """ApiVersionResponse.apiVersion (GET /api/version): string -> integer."""
    spec = work / "spec" / "openapi.yaml"
    lines = spec.read_text(encoding="utf-8").split("\n")
    start = lines.index("    ApiVersionResponse:")
    number = next(i for i in range(start, start + 10) if lines[i].strip() == "type: string")
    lines[number] = lines[number].replace("string", "integer")
    spec.write_text("\n".join(lines), encoding="utf-8")
    return number + 1


def test_an_unchanged_contract_passes(tmp_path: Path) -> None:
    done = _run_step(_repos(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "::error" not in done.stdout


def test_a_breaking_edit_is_annotated_on_its_line_and_the_ignore_file_accepts_it(
    tmp_path: Path,
) -> None:
    work = _repos(tmp_path)
    line = _break_api_version_type(work)
    done = _run_step(work)
    assert done.returncode == 1
    errors = [x for x in done.stdout.splitlines() if x.startswith("::error ")]
    assert errors, done.stdout + done.stderr
    assert any(
        e.startswith(f"::error file=spec/openapi.yaml,line={line},")
        and "response-property-type-changed" in e
        for e in errors
    ), errors
    operation = re.search(r"\[(GET [^\],]+)", errors[0])
    assert operation is not None, errors[0]
    with (work / "spec" / "diff-ignore.txt").open("a", encoding="utf-8") as ignore:
        ignore.write(f"{operation.group(1)} response-property-type-changed\n")
    accepted = _run_step(work)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "::error" not in accepted.stdout
    assert "1 ignored" in accepted.stdout
