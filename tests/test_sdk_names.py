"""Names a person would write (issue 20): FastAPI operation ids, bodies named after their own
operation, shared error bodies named after their status, builtin method names, the report."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml
from conftest import ROOT, run_generator

from generator.ir.model import Document
from generator.ir.naming import component_body_stem, fastapi_stem
from generator.loader import load_document
from generator.plans import build_document
from generator.plans.shadowing import shield

FIXTURE = ROOT / "tests" / "fixtures" / "sdk-names.yaml"


def _doc(path: Path = FIXTURE) -> Document:
    return build_document(load_document(path), "names_api")


def _calls(doc: Document) -> dict[str, str]:
    plan = doc.client
    assert plan is not None
    return {
        o.op.operation_id: f"{r.attribute}.{o.name}" for r in plan.resources for o in r.operations
    }


def test_fastapi_suffix_is_exactly_the_path_and_method() -> None:
    assert fastapi_stem("list_models_v1_models_get", "get", "/v1/models") == "list_models"
    assert fastapi_stem("read_item_items__item_id__get", "get", "/items/{item_id}") == "read_item"
    assert fastapi_stem("list_models_get", "get", "/v1/models") is None  # hand-written
    assert fastapi_stem("_v1_models_get", "get", "/v1/models") is None  # nothing left
    assert fastapi_stem("list_models_v1_models_get", "post", "/v1/models") is None


def test_methods_are_named_as_a_person_would_and_every_renaming_is_reported() -> None:
    doc = _doc()
    assert _calls(doc) == {
        "list_models_v1_models_get": "models.list",
        "retrieve_model_v1_models__model_id__get": "models.retrieve",
        "createPet": "pets.create",
        "updatePet": "pets.update",
    }
    by_id = {o.operation_id: o for o in doc.operations}
    # Exceptions and server handlers use the document-wide name, suffix removed too.
    assert by_id["list_models_v1_models_get"].python_name == "list_models"
    assert doc.client is not None
    assert (
        "GET /v1/models",
        "list_models_v1_models_get",
        "models.list",
        "FastAPI suffix `_v1_models_get` removed; resource name `models` removed",
    ) in doc.client.renames
    assert len(doc.client.renames) == 4


def test_a_function_name_two_fastapi_routes_share_keeps_both_ids(tmp_path: Path) -> None:
    raw = yaml.safe_load(FIXTURE.read_text())
    raw["paths"]["/v2/models"] = {
        "get": {
            "tags": ["models"],
            "operationId": "list_models_v2_models_get",
            "responses": {"204": {"description": "none"}},
        }
    }
    path = tmp_path / "two.yaml"
    path.write_text(yaml.safe_dump(raw))
    calls = _calls(_doc(path))
    assert calls["list_models_v1_models_get"] == "models.list_v_1_models_get"
    assert calls["list_models_v2_models_get"] == "models.list_v_2_models_get"


def test_bodies_are_named_after_their_own_operation() -> None:
    doc = _doc()
    names = {s.python_name for s in doc.schemas}
    ops = {o.operation_id: o for o in doc.operations}
    update = ops["updatePet"]
    assert update.request_body is not None
    # Identical to the create's 201 body, yet named after the update.
    assert update.request_body.content[0].type.expr == "UpdatePetRequest"
    by_status = {r.status: r.content[0].type.expr for r in update.responses}
    assert by_status["200"] == "UpdatePetOKBody"
    assert "CreatePetCreatedBody" in names
    # An inline error body several operations share: named after no operation.
    assert by_status["409"] == "ErrorBody"
    listed = {r.status: r.content[0].type.expr for r in ops["list_models_v1_models_get"].responses}
    assert listed["400"] == "ErrorBody"
    # A response the document names as a component: named after the component.
    create = {r.status: r.content[0].type.expr for r in ops["createPet"].responses}
    assert create["404"] == "NotFoundBody"
    assert not any(n.startswith("ListModelsV1") for n in names)


def test_shared_error_bodies_of_one_status_are_named_after_it(tmp_path: Path) -> None:
    raw = yaml.safe_load(FIXTURE.read_text())
    del raw["paths"]["/pets/{id}"]["put"]["responses"]["409"]
    path = tmp_path / "one-status.yaml"
    path.write_text(yaml.safe_dump(raw))
    ops = {o.operation_id: o for o in _doc(path).operations}
    listed = {r.status: r.content[0].type.expr for r in ops["list_models_v1_models_get"].responses}
    assert listed["400"] == "BadRequestBody"
    assert component_body_stem("/components/responses/NotFound") == "NotFoundBody"
    assert component_body_stem("/components/requestBodies/PetBody") == "PetBody"


def test_builtin_method_names_are_shielded_in_annotations_only() -> None:
    names = frozenset({"list", "dict"})
    assert shield("list[_m.Model]", names) == "builtins.list[_m.Model]"
    assert shield("Literal['list', 'dict'] | dict[str, Any]", names) == (
        "Literal['list', 'dict'] | builtins.dict[str, Any]"
    )
    assert shield("_t.list | mylist", names) == "_t.list | mylist"


def test_generated_sdk_with_a_list_method_passes_mypy_strict(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_generator(
        "generate", "--spec", str(FIXTURE), "--out", str(out), "--package", "names_api", "--verbose"
    )
    assert done.returncode == 0, done.stderr
    assert "renamed: GET /v1/models list_models_v1_models_get -> client.models.list" in done.stderr
    resource = (out / "names_api" / "client" / "resources" / "models.py").read_text()
    assert "import builtins" in resource and "    def list(\n" in resource
    assert "-> builtins.list[_m.Model]:" in resource
    program = tmp_path / "use.py"
    program.write_text(
        "from names_api.client import Client\n"
        "from names_api.models import Model\n\n"
        "def names(client: Client) -> list[str]:\n"
        "    models: list[Model] = client.models.list()\n"
        "    one: Model = client.models.retrieve('m1')\n"
        "    return [m.id for m in models] + [one.id]\n"
    )
    checked = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "mypy"), "--strict", "names_api/client", str(program)],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
