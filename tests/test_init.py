"""`openapi-contract init` in a new repository, then the CI workflow it wrote, step by step.

The end-to-end test builds an empty git repository holding one published document, runs `init`,
generates with the Makefile fragment it wrote, commits, and then runs every `run:` step of the
written workflow file itself (parsed, never a copy), with the environment GitHub would give it:
on a commit that leaves the contract alone every step passes; after an edit that breaks the
contract the diff step fails with a `::error` annotation on the contract's line.

The only step not run is the toolkit's installation (`id: install`): the test runs the steps
with this checkout's toolkit first on PATH instead of one pip would fetch.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.adopt import FRAGMENT, WORKFLOW
from generator.adopt.hooks import HOOKS, render_hooks_file
from generator.adopt.workflow import CONTRACT_STEPS, render_action
from generator.cli import main
from generator.config import load_targets
from tests.conftest import CORPUS, ROOT

DOCUMENT = CORPUS / "3.0" / "petstore.json"
BIN = Path(sys.executable).parent  # this checkout's `openapi-contract` (installed editable)
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,  # nothing from the machine's git configuration
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "OPENAPI_"))}
    env.pop("CI", None)
    return {**env, **GIT_ENV, "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", **extra}


def _run(repo: Path, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=repo, env=_env(**env), capture_output=True, text=True, check=False
    )


def _git(repo: Path, *args: str) -> str:
    done = _run(repo, "git", *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_NAME = re.compile(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*")


def _evaluate(text: str, context: dict[str, Any]) -> str:
    """`${{ a.b || c.d }}` against `context`: the first non-empty value (GitHub's `||`).

    Only what the written workflow uses is understood; anything else fails the test, so a new
    expression in the workflow cannot be silently skipped here.
    """

    def one(match: re.Match[str]) -> str:
        for operand in (o.strip() for o in match.group(1).split("||")):
            assert _NAME.fullmatch(operand), f"the harness cannot evaluate {operand!r}"
            value: Any = context
            for key in operand.split("."):
                value = value.get(key) if isinstance(value, dict) else None
            if value:
                return str(value)
        return ""

    return _EXPRESSION.sub(one, text)


def _run_workflow(
    repo: Path, workflow: dict[str, Any], context: dict[str, Any], only: str | None = None
) -> list[tuple[str, subprocess.CompletedProcess[str]]]:
    """Every `run:` step of the workflow's one job (or the one named `only`), in order, as
    GitHub's runner runs them; the first that fails ends the job."""
    (job,) = workflow["jobs"].values()
    variables = {**workflow.get("env", {}), **job.get("env", {})}
    results = []
    for step in job["steps"]:
        if "uses" in step or step.get("id") == "install" or only not in (None, step["name"]):
            continue
        assert "if" not in step, f"the harness does not evaluate `if:` ({step['name']})"
        env = {
            key: _evaluate(str(value), context)
            for key, value in {**variables, **step.get("env", {})}.items()
        }
        # GitHub's default shell for `run:` on Linux.
        done = _run(
            repo, "bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"], **env
        )
        results.append((step["name"], done))
        if done.returncode != 0:
            break
    return results


@pytest.mark.slow
@pytest.mark.timeout(900)  # a dozen generator runs in subprocesses: minutes on a loaded machine
def test_init_then_the_written_workflow_passes_and_a_breaking_edit_fails_the_diff(
    tmp_path: Path,
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "api.json").write_bytes(DOCUMENT.read_bytes())
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "the published document")

    done = _run(repo, "openapi-contract", "init", "--spec", "api.json", "--package", "petstore")
    assert done.returncode == 0, done.stderr + done.stdout
    for written in ("pyproject.toml", WORKFLOW, FRAGMENT, "Makefile", ".pre-commit-config.yaml"):
        assert (repo / written).is_file(), (written, done.stdout)
    assert (repo / "api-history" / "1.0.0.json").read_bytes() == DOCUMENT.read_bytes()
    (target,) = load_targets(repo / "pyproject.toml")
    assert (target.name, target.package, target.spec) == ("petstore", "petstore", repo / "api.json")

    # The user generates (with the Makefile fragment) and commits.
    done = _run(repo, "make", "contract-generate")
    assert done.returncode == 0, done.stderr + done.stdout
    assert (repo / "generated" / "petstore" / "petstore" / "client").is_dir()
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "adopt the contract toolkit")
    adopted = _git(repo, "rev-parse", "HEAD")
    assert _git(repo, "status", "--porcelain") == ""  # stamps and reports are ignored

    workflow = yaml.safe_load((repo / WORKFLOW).read_text(encoding="utf-8"))
    run_steps = [s for s in workflow["jobs"]["contract"]["steps"] if "run" in s]
    assert [s["run"] for s in run_steps if s.get("id") != "install"] == [
        s.run for s in CONTRACT_STEPS
    ]

    # A push that leaves the contract alone: every step passes.
    (repo / "NOTES.md").write_text("notes\n", encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "notes")
    push = {"github": {"event_name": "push", "event": {"before": adopted}}}
    results = _run_workflow(repo, workflow, push)
    assert len(results) == len(CONTRACT_STEPS), [name for name, _ in results]
    for name, done in results:
        assert done.returncode == 0, (name, done.stdout, done.stderr)
        assert "::error" not in done.stdout, (name, done.stdout)
    outputs = {name: done.stdout + done.stderr for name, done in results}
    assert any("generated code is up to date" in text for text in outputs.values()), outputs
    assert any("petstore: " in text and " operations, " in text for text in outputs.values())
    assert any("1.0.0 is released" in text for text in outputs.values()), outputs
    report = json.loads((repo / "openapi-contract-report.json").read_text(encoding="utf-8"))
    assert report["targets"][0]["status"] == "generated"

    # A pull request that removes an operation: the diff step against its base fails, with an
    # annotation on the contract's line.
    base = _git(repo, "rev-parse", "HEAD")
    document = json.loads((repo / "api.json").read_text(encoding="utf-8"))
    del document["paths"]["/pet/findByStatus"]
    (repo / "api.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "drop findByStatus")
    pull_request = {
        "github": {"event_name": "pull_request", "event": {"pull_request": {"base": {"sha": base}}}}
    }
    diff_step = next(s.name for s in CONTRACT_STEPS if "openapi-contract diff" in s.run)
    ((name, failed),) = _run_workflow(repo, workflow, pull_request, only=diff_step)
    assert failed.returncode == 1, (failed.stdout, failed.stderr)
    assert re.search(r"^::error file=api\.json,line=\d+", failed.stdout, re.M), failed.stdout
    assert "api-path-removed" in failed.stdout, failed.stdout
    # The release gate says the same contract version now holds another contract.
    gate = next(s for s in run_steps if "release --check" in s["run"])
    env = {k: str(v) for k, v in workflow["env"].items()}
    done = _run(repo, "bash", "-eo", "pipefail", "-c", gate["run"], **env)
    assert done.returncode == 1 and "bump info.version" in done.stdout + done.stderr


def _init(repo: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["init", "--root", str(repo), *args])
    return status, out.getvalue(), err.getvalue()


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "spec").mkdir(parents=True)
    shutil.copyfile(DOCUMENT, repo / "spec" / "api.json")
    return repo


def test_init_appends_to_an_existing_pyproject_and_never_clobbers(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    before = '[project]\nname = "mine"\nversion = "1"\n\n[tool.other]\nkeep = true\n'
    (repo / "pyproject.toml").write_text(before, encoding="utf-8")
    (repo / "Makefile").write_text("all:\n\techo mine\n", encoding="utf-8")
    status, out, err = _init(repo, "--spec", "spec/api.json")
    assert status == 0, err
    text = (repo / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith(before) and "[[tool.openapi-contract.targets]]" in text
    (target,) = load_targets(repo / "pyproject.toml")
    assert target.package == "swagger_petstore_api"  # from info.title
    assert (repo / "Makefile").read_text(encoding="utf-8").startswith("all:\n\techo mine\n")
    assert "include openapi-contract.mk" in (repo / "Makefile").read_text(encoding="utf-8")
    assert (repo / "spec" / "history" / "1.0.0.json").is_file()  # history beside the spec

    # Again: the same target is refused, nothing is written.
    snapshot = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    status, out, err = _init(repo, "--spec", "spec/api.json")
    assert status == 1 and "already has a target like this one" in err, err
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()} == snapshot

    # A second target: appended; a changed workflow is left alone without --force.
    (repo / WORKFLOW).write_text("# mine\n", encoding="utf-8")
    status, out, err = _init(repo, "--spec", "spec/api.json", "--package", "other", "--no-makefile")
    assert status == 0, err
    assert [t.package for t in load_targets(repo / "pyproject.toml")] == [
        "swagger_petstore_api",
        "other",
    ]
    assert f"left as it is (it differs; --force overwrites): {WORKFLOW}" in out
    assert (repo / WORKFLOW).read_text(encoding="utf-8") == "# mine\n"


def test_init_without_a_makefile_and_with_a_pre_commit_config(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    status, out, err = _init(repo, "--spec", "spec/api.json", "--no-makefile")
    assert status == 0, err
    assert not (repo / FRAGMENT).exists() and not (repo / "Makefile").exists()
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "repos: []\n"
    assert "add the drift check:" in out and HOOKS[0].id in out  # the snippet, printed
    assert "next: `openapi-contract generate`" in out


def test_init_refuses_an_unusable_document_and_a_bad_package(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (repo / "spec" / "bad.json").write_text('{"openapi": "3.0.3", "paths": {}}', encoding="utf-8")
    status, _, err = _init(repo, "--spec", "spec/bad.json")
    assert status == 2 and "error: " in err
    status, _, err = _init(repo, "--spec", "spec/api.json", "--package", "Not-A-Name")
    assert status == 2 and "is not a valid import name" in err
    assert list(repo.iterdir()) == [repo / "spec"]  # nothing written


def test_the_committed_action_and_pre_commit_hooks_are_current() -> None:
    action = (ROOT / "action.yml").read_text(encoding="utf-8")
    assert action == render_action(), (
        "action.yml is stale: python -m generator.adopt action > action.yml"
    )
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert hooks == render_hooks_file(), (
        ".pre-commit-hooks.yaml is stale: python -m generator.adopt hooks > .pre-commit-hooks.yaml"
    )
    # The action runs the same commands as the workflow init writes.
    steps = yaml.safe_load(action)["runs"]["steps"]
    assert [s["run"] for s in steps if "run" in s][1:] == [s.run for s in CONTRACT_STEPS]
    assert [h["id"] for h in yaml.safe_load(hooks)] == [h.id for h in HOOKS]
