"""Generation is deterministic, and the drift check catches hand edits and stale output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_generator


@pytest.fixture(scope="module")
def generated_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's inputs, generated once, as a user's checkout would be."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "spec", root / "spec")
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    done = run_generator("generate", "--config", str(root / "pyproject.toml"))
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture()
def project(generated_once: Path, tmp_path: Path) -> Path:
    """A private copy of the generated project that a test may modify."""
    shutil.copytree(generated_once, tmp_path / "project")
    return tmp_path / "project"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_second_run_changes_nothing(project: Path) -> None:
    before = snapshot(project / "generated")
    done = run_generator("generate", "--config", str(project / "pyproject.toml"))
    assert done.returncode == 0
    assert "(0 changed)" in done.stdout and "changed)" in done.stdout
    assert snapshot(project / "generated") == before


def test_output_is_byte_identical_across_fresh_runs(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = tmp_path_factory.mktemp("again")
    shutil.copytree(project / "spec", other / "spec")
    shutil.copy2(project / "pyproject.toml", other / "pyproject.toml")
    assert run_generator("generate", "--config", str(other / "pyproject.toml")).returncode == 0
    assert snapshot(other / "generated") == snapshot(project / "generated")


def test_no_timestamps_or_absolute_paths_in_output(project: Path) -> None:
    for rel, data in snapshot(project / "generated").items():
        text = data.decode("utf-8")
        assert str(project) not in text, rel
        assert "#   timestamp:" not in text and "#   filename:" not in text, rel


def test_check_passes_on_fresh_output(project: Path) -> None:
    done = run_generator("check", "--config", str(project / "pyproject.toml"))
    assert done.returncode == 0, done.stderr


def test_check_fails_after_a_hand_edit(project: Path) -> None:
    models = project / "generated" / "serviceai" / "serviceai_api" / "models" / "_error_envelope.py"
    models.write_text(models.read_text() + "\n# tweaked by hand\n")
    done = run_generator("check", "--config", str(project / "pyproject.toml"))
    assert done.returncode == 1
    assert "differs   serviceai_api/models/_error_envelope.py" in done.stderr


def test_check_fails_after_a_spec_edit_without_regeneration(project: Path) -> None:
    spec = project / "spec" / "openapi.yaml"
    spec.write_text(
        spec.read_text().replace(
            "        token:\n          type: string\n",
            "        token:\n          type: string\n          maxLength: 64\n",
            1,
        )
    )
    done = run_generator("check", "--config", str(project / "pyproject.toml"))
    assert done.returncode == 1
    assert "serviceai_api/models/_csrf_token_response.py" in done.stderr


def test_check_reports_stray_and_missing_files(project: Path) -> None:
    package = project / "generated" / "serviceai" / "serviceai_api"
    (package / "stray.py").write_text("x = 1\n")
    (package / "_version.py").unlink()
    done = run_generator("check", "--config", str(project / "pyproject.toml"))
    assert done.returncode == 1
    assert "unexpected serviceai_api/stray.py" in done.stderr
    assert "missing   serviceai_api/_version.py" in done.stderr
    # Regeneration restores exactly the generator's files.
    assert run_generator("generate", "--config", str(project / "pyproject.toml")).returncode == 0
    assert not (package / "stray.py").exists() and (package / "_version.py").exists()


def test_repository_generated_folder_is_current() -> None:
    done = run_generator("check")
    assert done.returncode == 0, done.stderr


def test_noop_generate_is_skipped_and_a_hand_edit_is_still_repaired(project: Path) -> None:
    config = str(project / "pyproject.toml")
    first = run_generator("generate", "--config", config)
    assert first.returncode == 0
    assert run_generator("generate", "--config", config).stdout.count("up to date") == 2
    models = project / "generated" / "serviceai" / "serviceai_api" / "models" / "__init__.py"
    original = models.read_bytes()
    models.write_text("# hand edit\n")
    repaired = run_generator("generate", "--config", config)
    assert "serviceai: 7 operations" in repaired.stdout
    assert models.read_bytes() == original


def test_spec_edit_invalidates_the_stamp(project: Path) -> None:
    config = str(project / "pyproject.toml")
    assert run_generator("generate", "--config", config).returncode == 0
    spec = project / "spec" / "openapi.yaml"
    spec.write_text(spec.read_text().replace("Fresh CSRF token.", "A fresh CSRF token."))
    done = run_generator("generate", "--config", config)
    assert "serviceai: 7 operations" in done.stdout


def test_the_stamp_holds_the_generators_own_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit of the generator's code or templates regenerates (its digest is read once per
    process: a process runs the code it loaded)."""
    from generator import stamp
    from generator.config import load_targets

    target = load_targets(ROOT / "pyproject.toml")[0]
    code = tmp_path / "generator"
    (code / "templates").mkdir(parents=True)
    (code / "a.py").write_text("A = 1\n")
    (code / "templates" / "b.py.jinja").write_text("{{ b }}\n")
    monkeypatch.setattr(stamp, "GENERATOR_ROOT", code)
    digests = []
    for edit in (None, ("a.py", "A = 2\n"), ("templates/b.py.jinja", "{{ c }}\n")):
        if edit is not None:
            (code / edit[0]).write_text(edit[1])
        stamp._generator_digest.cache_clear()
        digests.append(stamp.input_digest(target))
        assert stamp.input_digest(target) == digests[-1]  # read once, the same answer
    stamp._generator_digest.cache_clear()
    assert len(set(digests)) == 3


def test_a_title_with_quotes_backslashes_and_control_characters_is_a_valid_pyproject(
    tmp_path: Path,
) -> None:
    """The distribution's description holds the document's title: TOML-escaped, so pip can
    read the generated pyproject.toml whatever the title holds."""
    import tomllib

    from generator.cli import main

    title = 'Edge "cases" \\ API\t\x7f\x01 ünïcode'
    spec = tmp_path / "api.json"
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.1.0",
                "info": {"title": title, "version": "1.0"},
                "paths": {"/a": {"get": {"responses": {"204": {"description": "none"}}}}},
            }
        ),
        encoding="utf-8",
    )
    assert main(["generate", "-q", "--spec", str(spec), "--out", str(tmp_path / "out")]) == 0
    (pyproject,) = (tmp_path / "out").glob("pyproject.toml")
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    assert (
        project["description"]
        == f"Typed Python SDK for {title} 1.0, generated from its OpenAPI document."
    )
