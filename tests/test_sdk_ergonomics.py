"""Issue 13 decisions and delivery, without a server: method names, retry policy, body keyword
fields and TypedDicts, docstrings, the README's operation list, the `[server]` extra's import
error, the SDK post-release record and the release workflow."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, run_generator

from generator.errors import SpecError
from generator.ir.model import Document
from generator.loader import load_document
from generator.plans import build_document
from generator.sdk_version import SdkRecord, fingerprint, next_record, with_post

FIXTURE = ROOT / "tests" / "fixtures" / "sdk-ergonomics.yaml"


def _doc(path: Path = FIXTURE) -> Document:
    return build_document(load_document(path), "pets_api")


def _ops(doc: Document) -> dict[str, Any]:
    return {op.operation_id: op for op in doc.operations}


def test_method_names_drop_the_resource_once_and_x_sdk_name_wins() -> None:
    ops = _ops(_doc())
    assert ops["createPet"].method_name == "create"  # singular of `pets`
    assert ops["uploadPetPhoto"].method_name == "upload_photo"
    assert ops["updatePet"].method_name == "replace"  # x-sdk-name
    # `list` is the name a person writes; the resource's annotations read the builtin through
    # `builtins` (generator.plans.shadowing).
    assert ops["listPets"].method_name == "list"
    assert ops["listStores"].method_name == "list"
    # `storesList` -> `list` is taken: names stay unique inside the resource.
    assert ops["storesList"].method_name == "stores_list"
    # Exceptions and the document-wide name keep the full operation name.
    assert ops["createPet"].python_name == "create_pet"


def test_the_serviceai_names_do_not_repeat_the_resource() -> None:
    doc = build_document(
        load_document(ROOT / "spec" / "openapi.yaml", overlay_dir=ROOT / "spec" / "overlays")
    )
    names = {(op.resource, op.method_name) for op in doc.operations}
    assert ("chatty", "list_tools") in names and ("chatty", "execute_tool") in names
    assert ("chatty", "get_ai_context") in names and ("meta", "get_api_version") in names


def test_x_sdk_name_must_be_a_usable_name(tmp_path: Path) -> None:
    raw = yaml.safe_load(FIXTURE.read_text())
    raw["paths"]["/pets"]["get"]["x-sdk-name"] = "not a name"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw))
    with pytest.raises(SpecError, match="x-sdk-name"):
        _doc(bad)


def test_retry_policy_by_method_and_hints(tmp_path: Path) -> None:
    ops = _ops(_doc())
    assert ops["createPet"].retry == "all"  # POST with x-mcp idempotentHint: true
    assert ops["listPets"].retry == "never"  # GET with x-retry: false
    assert ops["uploadPetPhoto"].retry == "all"  # POST with x-retry: true
    assert ops["updatePet"].retry == "all"  # PUT
    raw = yaml.safe_load(FIXTURE.read_text())
    del raw["paths"]["/pets"]["post"]["x-mcp"]
    raw["paths"]["/pets"]["get"]["x-retry"] = "sometimes"
    plain = tmp_path / "plain.yaml"
    raw_ok = json.loads(json.dumps(raw))
    del raw_ok["paths"]["/pets"]["get"]["x-retry"]
    plain.write_text(yaml.safe_dump(raw_ok))
    assert _ops(_doc(plain))["createPet"].retry == "rate_limit"  # POST: a 429 alone
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw))
    with pytest.raises(SpecError, match="x-retry"):
        _doc(bad)


def test_body_fields_and_typed_dicts() -> None:
    plan = _doc().client
    assert plan is not None
    ops = {op.op.operation_id: op for op in plan.operations}
    fields = {f.python_name: f for f in ops["updatePet"].fields}
    assert fields["name"].required and fields["name"].annotation == "str"
    assert fields["odata_type"].name == "odata.type"
    assert fields["odata_type"].annotation == "Literal['a', 'b']"
    assert fields["from_"].argument == "int | _t.NotGiven | None"
    assert fields["owner"].annotation == "_p.UpdatePetRequestOwnerParam"
    assert fields["tags"].annotation == "Sequence[str]"
    assert fields["kind"].annotation == "str | int"
    assert fields["extra"].annotation == "Mapping[str, float]"
    created = {f.python_name: f.annotation for f in ops["createPet"].fields}
    assert created["parent"] == "_p.NewPetParam | _m.NewPet"  # a recursive component
    dicts = {d.name: d for d in plan.typed_dicts}
    assert ("parent", "NewPetParam | _m.NewPet", False) in dicts["NewPetParam"].fields
    assert ("id", "int", True) in dicts["UpdatePetRequestOwnerParam"].fields
    assert plan.env_prefix == "PETS_API"
    assert plan.default_base_url == "https://api.example.com/v1"


def test_generated_package_docstrings_readme_and_server_extra(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_generator(
        "generate", "--spec", str(FIXTURE), "--out", str(out), "--package", "pets_api"
    )
    assert done.returncode == 0, done.stderr
    resource = (out / "pets_api" / "client" / "resources" / "pets.py").read_text()
    assert "        Args:\n            body: The whole request body" in resource
    assert "            name: The pet's name.\n" in resource
    assert "        Returns:\n            created" in resource
    readme = (out / "README.md").read_text()
    for call, route in (
        ("client.pets.create()", "POST /pets"),
        ("client.pets.list()", "GET /pets"),
        ("client.pets.replace()", "PUT /pets/{id}"),
        ("client.pets.upload_photo()", "POST /pets/{id}/photos"),
        ("client.stores.list()", "GET /stores"),
        ("client.stores.stores_list()", "DELETE /stores"),
    ):
        # A body with required fields lists its whole-body method in the same cell.
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{call}`"))
        assert f"| `{route}` |" in row
    assert 'pip install "pets-api[server]"' in readme
    assert "#subdirectory=" in readme and ".whl" in readme and "--index-url" in readme
    for where in (out / "CHANGELOG.md", out / "pets_api" / "CHANGELOG.md"):
        assert where.read_text().startswith("# Changelog")
    assert '"CHANGELOG.md"' in (out / "pyproject.toml").read_text()
    # Without the server's dependencies, importing it names the extra.
    blocked = "import sys; sys.modules['starlette'] = None; sys.modules['fastapi'] = None; "
    run = subprocess.run(
        [sys.executable, "-c", blocked + "import pets_api.server"],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert 'pip install "pets-api[server]"' in run.stderr and "ImportError" in run.stderr


def test_post_releases_follow_the_generated_code() -> None:
    files = {"pkg/_version.py": '__version__ = "1.2.0"\n', "pkg/a.py": "x = 1\n"}
    first = fingerprint(files, "1.2.0", "1.2.0")
    bumped = {"pkg/_version.py": '__version__ = "1.2.0.post1"\n', "pkg/a.py": "x = 1\n"}
    assert fingerprint(bumped, "1.2.0.post1", "1.2.0") == first  # the post number is not code
    assert fingerprint({**files, "CHANGELOG.md": "anything"}, "1.2.0", "1.2.0") == first
    changed = fingerprint({**files, "pkg/a.py": "x = 2\n"}, "1.2.0", "1.2.0")
    record = SdkRecord("1.2.0", 0, first)
    assert next_record(record, "1.2.0", first) == record  # same code: same version
    assert next_record(record, "1.2.0", changed) == SdkRecord("1.2.0", 1, changed)
    assert next_record(SdkRecord("1.2.0", 3, first), "1.3.0", changed).post == 0  # new contract
    assert next_record(None, "1.2.0", first) == SdkRecord("1.2.0", 0, first)
    assert with_post("1.2.0", 0) == "1.2.0" and with_post("1.2.0", 2) == "1.2.0.post2"


def test_the_recorded_sdk_versions_match_the_generated_code() -> None:
    done = run_generator("sdk-version", "--check")
    assert done.returncode == 0, done.stdout + done.stderr
    records = json.loads((ROOT / "spec" / "history" / "sdk-versions.json").read_text())
    import serviceai_api

    post = records["serviceai-api"]["post"]
    assert serviceai_api.__version__ == with_post(records["serviceai-api"]["contract"], post)


def test_release_workflow_builds_and_publishes_or_dry_runs() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "release.yml").read_text())
    triggers = workflow[True]  # YAML reads the `on:` key as a boolean
    assert "spec/history/**" in triggers["push"]["paths"]
    steps = workflow["jobs"]["release"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert any("make dist" in r for r in runs)
    assert any("sdk-version --check" in r for r in runs)
    publish = next(s for s in steps if s.get("name") == "Publish")
    dry = next(s for s in steps if s.get("name", "").startswith("Dry run"))
    assert "INDEX_URL != ''" in publish["if"] and "twine upload" in publish["run"]
    assert "INDEX_URL == ''" in dry["if"]
    env = workflow["jobs"]["release"]["env"]
    assert env["INDEX_URL"] == "${{ secrets.PACKAGE_INDEX_URL }}"
