"""The diff's behaviour beyond single rules: security as sets, renamed path parameters,
parameters with `content`, webhooks, sunset dates, x-stability-level, a change in another file
reported once, the ignore file, per-rule levels, the output formats and git revisions."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from diff_helpers import PARAM, REQ, diff, get, pair

from generator.cli import main
from generator.diff import diff_data, diff_files


def _ids(changes: list[Any]) -> list[tuple[str, str]]:
    return [(c.id, c.level) for c in changes]


def _op(doc: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = doc["paths"]["/pets"]["post"]
    return found


# --- security ---------------------------------------------------------------------------------
def test_dropping_a_scheme_from_an_alternative_is_a_relaxation() -> None:
    old, new = pair()
    _op(old)["security"] = [{"bearer": [], "key": []}]
    _op(new)["security"] = [{"bearer": []}]
    assert _ids(diff(old, new)) == [("api-security-relaxed", "info")]


def test_removing_a_scope_is_info_and_adding_one_breaks() -> None:
    old, new = pair()
    _op(old)["security"] = [{"oauth": ["read", "write"]}]
    _op(new)["security"] = [{"oauth": ["read"]}]
    assert _ids(diff(old, new)) == [("api-security-scope-removed", "info")]
    assert _ids(diff(new, old)) == [("api-security-scope-added", "breaking")]


def test_the_order_of_alternatives_and_scopes_does_not_matter() -> None:
    old, new = pair()
    _op(old)["security"] = [{"a": ["x", "y"]}, {"b": []}]
    _op(new)["security"] = [{"b": []}, {"a": ["y", "x"]}]
    assert diff(old, new) == []


def test_removing_an_alternative_a_client_may_hold_alone_breaks() -> None:
    old, new = pair()
    _op(old)["security"] = [{"a": []}, {"b": []}]
    _op(new)["security"] = [{"a": []}]
    assert _ids(diff(old, new)) == [("api-security-removed", "breaking")]


# --- parameters -------------------------------------------------------------------------------
def _path_param(doc: dict[str, Any], path: str, name: str) -> None:
    doc["paths"][path] = {
        "get": {
            "parameters": [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {"200": {"description": "ok"}},
        }
    }


def test_a_renamed_path_parameter_is_the_same_parameter() -> None:
    old, new = pair()
    _path_param(old, "/books/{bookId}", "bookId")
    _path_param(new, "/books/{id}", "id")
    assert diff(old, new) == []
    new["paths"]["/books/{id}"]["get"]["parameters"][0]["schema"]["maxLength"] = 3
    assert _ids(diff(old, new)) == [("request-parameter-max-length-set", "breaking")]


def test_a_parameter_declared_with_content_is_compared() -> None:
    old, new = pair()
    content = {
        "application/json": {"schema": {"type": "object", "properties": {"a": {"type": "string"}}}}
    }
    get(old, PARAM).pop("schema")
    get(old, PARAM)["content"] = content
    get(new, PARAM).pop("schema")
    get(new, PARAM)["content"] = {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"a": {"type": "integer"}, "b": {"type": "string"}},
                "required": ["b"],
            }
        }
    }
    found = _ids(diff(old, new))
    assert ("request-parameter-type-changed", "breaking") in found
    assert ("new-required-request-property", "breaking") in found


# --- webhooks ---------------------------------------------------------------------------------
def _webhook(doc: dict[str, Any], schema: dict[str, Any]) -> None:
    doc["webhooks"] = {
        "newPet": {
            "post": {
                "requestBody": {"content": {"application/json": {"schema": schema}}},
                "responses": {"200": {"description": "ok"}},
            }
        }
    }


def test_webhooks_are_compared() -> None:
    old, new = pair()
    _webhook(old, {"type": "string"})
    _webhook(new, {"type": "integer"})
    change = next(c for c in diff(old, new) if c.id == "request-body-type-changed")
    assert change.operations == ("webhook POST newPet",)
    assert (
        change.pointer == "/webhooks/newPet/post/requestBody/content/application~1json/schema/type"
    )
    new.pop("webhooks")
    assert _ids(diff(old, new)) == [("webhook-removed", "breaking")]


# --- sunset and stability ---------------------------------------------------------------------
def _deprecated_get(doc: dict[str, Any], sunset: str | None) -> None:
    doc["paths"]["/pets"]["get"] = {"deprecated": True, "responses": {"200": {"description": "ok"}}}
    if sunset:
        doc["paths"]["/pets"]["get"]["x-sunset"] = sunset


@pytest.mark.parametrize(
    ("sunset", "today", "expected"),
    [
        ("2026-06-30", date(2026, 6, 29), ("api-removed-before-sunset", "breaking")),
        ("2026-06-30", date(2026, 6, 30), ("api-removed-with-deprecation", "info")),
        ("2026-06-30T00:00:00Z", date(2026, 7, 1), ("api-removed-with-deprecation", "info")),
        (None, date(2026, 1, 1), ("api-removed-with-deprecation", "info")),
        ("next year", date(2026, 1, 1), ("api-path-sunset-parse", "breaking")),
    ],
)
def test_removal_before_the_sunset_date_breaks(
    sunset: str | None, today: date, expected: tuple[str, str]
) -> None:
    old, new = pair()
    _deprecated_get(old, sunset)
    assert _ids(diff_data(old, new, today)) == [expected]


def test_changes_to_an_alpha_operation_break_no_one() -> None:
    old, new = pair()
    _op(old)["x-stability-level"] = "alpha"
    _op(new)["x-stability-level"] = "alpha"
    get(new, REQ)["required"].append("tag")
    change = next(iter(diff(old, new)))
    assert (change.id, change.level) == ("request-property-became-required", "info")
    assert change.message.endswith("(stability: alpha)")
    _op(old)["x-stability-level"] = "beta"
    assert ("request-property-became-required", "breaking") in _ids(diff(old, new))


# --- a change in another file -----------------------------------------------------------------
def _two_files(folder: Path, kind: str) -> Path:
    folder.mkdir()
    (folder / "common.yaml").write_text(yaml.safe_dump({"Name": {"type": kind}}), encoding="utf-8")
    body = {"content": {"application/json": {"schema": {"$ref": "common.yaml#/Name"}}}}
    ops = {
        path: {"post": {"requestBody": body, "responses": {"200": {"description": "ok"}}}}
        for path in ("/a", "/b")
    }
    doc = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": ops}
    (folder / "main.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    return folder / "main.yaml"


def test_a_change_in_a_referenced_file_is_reported_once(tmp_path: Path) -> None:
    old = _two_files(tmp_path / "old", "string")
    new = _two_files(tmp_path / "new", "integer")
    changes = diff_files(old, new).changes
    assert [(c.id, c.operations) for c in changes] == [
        ("request-body-type-changed", ("POST /a", "POST /b"))
    ]
    assert changes[0].location.endswith("new/common.yaml:2")  # `type:` of Name


# --- the command line: ignore file, levels, formats --------------------------------------------
def _files(tmp_path: Path) -> tuple[str, str]:
    old, new = pair()
    get(new, REQ)["required"].append("tag")  # request-property-became-required
    paths = []
    for name, doc in (("old", old), ("new", new)):
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        paths.append(str(path))
    return paths[0], paths[1]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["diff", *args])
    return status, capsys.readouterr().out


def test_an_ignore_file_accepts_a_change_of_the_operation_it_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _files(tmp_path)
    ignore = tmp_path / "ignore.txt"
    ignore.write_text("# accepted\nGET /pets request-property-became-required\n", encoding="utf-8")
    status, _ = _run(capsys, old, new, "--ignore", str(ignore), "--fail-on", "breaking")
    assert status == 1  # another operation: not accepted
    ignore.write_text("POST /pets request-property-became-required\n", encoding="utf-8")
    status, out = _run(capsys, old, new, "--ignore", str(ignore), "--fail-on", "breaking",
                       "--format", "text")  # fmt: skip
    assert status == 0
    assert "1 ignored" in out
    ignore.write_text("post /pets property `tag` became required\n", encoding="utf-8")
    assert _run(capsys, old, new, "--ignore", str(ignore), "--fail-on", "breaking")[0] == 0


def test_per_rule_levels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _files(tmp_path)
    levels = tmp_path / "levels.txt"
    levels.write_text("request-property-became-required WARN\n", encoding="utf-8")
    status, out = _run(capsys, old, new, "--levels", str(levels), "--format", "json",
                       "--fail-on", "breaking")  # fmt: skip
    assert status == 0
    assert json.loads(out)["summary"]["warning"] == 1
    levels.write_text("request-property-became-required NONE\n", encoding="utf-8")
    _, out = _run(capsys, old, new, "--levels", str(levels), "--format", "json")
    assert json.loads(out)["summary"]["changes"] == 0
    levels.write_text("no-such-rule ERR\n", encoding="utf-8")
    assert main(["diff", old, new, "--levels", str(levels)]) == 2
    assert "levels.txt:1:1" in capsys.readouterr().err


def test_output_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _files(tmp_path)
    _, out = _run(capsys, old, new, "--format", "githubactions")
    assert out.splitlines()[0].startswith(f"::error file={new},line=")
    assert "title=request-property-became-required (breaking)::" in out
    _, out = _run(capsys, old, new, "--format", "yaml")
    assert yaml.safe_load(out)["changes"][0]["id"] == "request-property-became-required"
    _, out = _run(capsys, old, new, "--format", "junit")
    suite = ElementTree.fromstring(out).find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    _, out = _run(capsys, old, new, "--format", "text")
    assert "breaking request-property-became-required" in out


def get_line(path: str, text: str) -> int:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_annotations_point_at_the_changed_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = pair()
    get(new, REQ)["properties"]["name"]["maxLength"] = 5
    paths = []
    for name, doc in (("old", old), ("new", new)):
        path = tmp_path / f"{name}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        paths.append(str(path))
    _, out = _run(capsys, *paths, "--format", "githubactions")
    assert out.startswith(f"::error file={paths[1]},line={get_line(paths[1], 'maxLength: 5')},")


# --- git revisions ----------------------------------------------------------------------------
def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)
    return done.stdout.decode()


def test_a_git_revision_is_an_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _two_files(tmp_path / "spec", "string")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "v1")
    (tmp_path / "spec" / "common.yaml").write_text(
        yaml.safe_dump({"Name": {"type": "integer"}}), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    status, out = _run(capsys, "main:spec/main.yaml", "spec/main.yaml", "--format", "text",
                       "--fail-on", "breaking")  # fmt: skip
    assert status == 1
    assert out.startswith("main:spec/main.yaml (1) -> spec/main.yaml (1): 1 changes: 1 breaking")
    assert "request-body-type-changed spec/common.yaml:2" in out
    assert _run(capsys, "main:spec/main.yaml", "main:spec/main.yaml")[0] == 0
    (tmp_path / "spec" / "openapi.yaml").write_text(
        (tmp_path / "spec" / "main.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "v2")
    (tmp_path / "spec" / "openapi.yaml").write_text(
        yaml.safe_dump(
            {
                "openapi": "3.1.0",
                "info": {"title": "t", "version": "2"},
                "paths": {"/x": {"get": {"responses": {"204": {"description": "none"}}}}},
            }
        ),
        encoding="utf-8",
    )
    status, out = _run(capsys, "main:spec/openapi.yaml", "--format", "text")  # alone: vs the spec
    assert out.startswith("main:spec/openapi.yaml (1) -> spec/openapi.yaml (2)")
    assert "api-path-removed-without-deprecation" in out
    assert main(["diff", "nope:spec/main.yaml", str(old)]) == 2
    assert "git cannot show nope:spec/main.yaml" in capsys.readouterr().err


def test_stability_follows_an_operation_whose_path_parameter_was_renamed() -> None:
    old, new = pair()
    _path_param(old, "/books/{bookId}", "bookId")
    _path_param(new, "/books/{id}", "id")
    old["paths"]["/books/{bookId}"]["get"]["x-stability-level"] = "draft"
    new["paths"]["/books/{id}"]["get"]["x-stability-level"] = "draft"
    new["paths"]["/books/{id}"]["get"]["parameters"][0]["schema"]["maxLength"] = 3
    assert _ids(diff(old, new)) == [("request-parameter-max-length-set", "info")]
