"""Published documents' faults: each repaired by a named rule (lenient), refused with --strict.

Each document of `tests/fixtures/lenient/` holds one fault class. For each:
- lenient loading gives located warnings naming the rule, and the repaired document carries the
  evident intent;
- `generate --spec` writes a package whose every module imports and whose models and client
  are typed by the repair (checked in a fresh interpreter, one for all packages);
- `generate --strict` exits 2 with the same findings as located errors and writes nothing.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.errors import EXIT_INVALID_SPEC, SpecError
from generator.loader import load_document
from generator.loader.repair import RULE_NAMES, RULES
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "lenient"

# document -> the (rule, pointer) of every repair lenient loading must report, in order.
EXPECTED: dict[str, list[tuple[str, str]]] = {
    "exclusive-bound-boolean.yaml": [
        ("exclusive-bound-boolean", "/components/schemas/Room/properties/size/exclusiveMinimum"),
        ("exclusive-bound-boolean", "/components/schemas/Room/properties/size/exclusiveMaximum"),
    ],
    "nullable-in-3-1.yaml": [
        ("nullable-in-3.1", "/components/schemas/Note/properties/text/nullable"),
    ],
    "example-beside-examples.yaml": [
        (
            "example-beside-examples",
            "/paths/~1greeting/get/responses/200/content/application~1json/example",
        ),
    ],
    "recursive-ref.yaml": [
        ("recursive-ref", "/components/schemas/Node/$recursiveAnchor"),
        ("recursive-ref", "/components/schemas/Node/properties/children/items/$recursiveRef"),
    ],
    "required-duplicates.yaml": [
        ("required-duplicates", "/components/schemas/User/required"),
        ("required-empty", "/components/schemas/User/properties/address/required"),
    ],
    "schema-null.yaml": [
        ("schema-null", "/paths/~1blobs/get/parameters/0"),
        ("schema-null", "/paths/~1blobs/get/responses/200/content/application~1json/schema"),
        ("content-null", "/paths/~1blobs/get/responses/410/content"),
    ],
    "schema-examples-map.yaml": [
        ("schema-examples-map", "/components/schemas/Colour/properties/hex/examples"),
    ],
    "responses-missing.yaml": [
        ("responses-missing", "/paths/~1jobs/get/responses"),
        ("responses-missing", "/paths/~1jobs/post"),
        ("response-description-missing", "/paths/~1jobs~1{jobId}/get/responses/200"),
    ],
    "path-parameters.yaml": [
        (
            "path-parameter-optional",
            "/paths/~1shelves~1{shelfId}~1books~1{bookId}/get/parameters/0/required",
        ),
        (
            "path-parameter-not-in-template",
            "/paths/~1shelves~1{shelfId}~1books~1{bookId}/get/parameters/1",
        ),
        ("path-parameter-undeclared", "/paths/~1shelves~1{shelfId}~1books~1{bookId}/get"),
    ],
    "media-type-misplaced.yaml": [
        ("media-type-misplaced", "/paths/~1orders/post/requestBody/content/schema"),
        ("media-type-misplaced", "/paths/~1orders/post/responses/201/schema"),
    ],
    "unknown-fields.yaml": [
        ("invalid-schema-type", "/components/schemas/Task/properties/owner/type"),
        ("unknown-field-dropped", "/paths/~1tasks/get/summry"),
        ("invalid-keyword-dropped", "/components/schemas/Task/properties/code/pattern"),
    ],
}

# Run in a fresh interpreter over every generated package: what each repair makes of the models
# and the client. Prints "ok <document>" per document whose checks pass.
_CHECKS = r"""
import importlib, inspect, json, pkgutil, sys, typing
from pydantic import ValidationError

def every_module(package):
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        importlib.import_module(info.name)
    return root

def rejects(model, value):
    try:
        model.model_validate(value)
    except ValidationError:
        return True
    return False

def method(package, name):
    resources = importlib.import_module(package + ".client.resources")
    for info in pkgutil.iter_modules(resources.__path__):
        module = importlib.import_module(f"{package}.client.resources.{info.name}")
        for cls_name, cls in vars(module).items():
            if inspect.isclass(cls) and cls_name.endswith("Resource") and not cls_name.startswith("Async"):
                if hasattr(cls, name):
                    # The annotations as written (httpx and others are TYPE_CHECKING imports),
                    # each evaluated in the module when it can be: `_m.Book` -> the model.
                    found = {}
                    for key, value in inspect.get_annotations(getattr(cls, name)).items():
                        try:
                            found[key] = eval(value, vars(module))
                        except NameError:
                            found[key] = value
                    return found
    raise AssertionError(f"{package}: no client method {name}")

def operations(package):
    return sorted(importlib.import_module(package + ".server.app").OPERATIONS)

packages = json.loads(sys.argv[1])
for document, package in packages.items():
    every_module(package)
    m = importlib.import_module(package + ".models")
    if document == "exclusive-bound-boolean.yaml":
        assert rejects(m.Room, {"size": 0}) and rejects(m.Room, {"size": 10})
        assert m.Room.model_validate({"size": 5}).size == 5
    elif document == "nullable-in-3-1.yaml":
        assert m.Note.model_validate({"text": None}).text is None
        assert rejects(m.Note, {"text": 1})
    elif document == "example-beside-examples.yaml":
        assert method(package, "get_greeting")["return"] is m.Greeting
    elif document == "recursive-ref.yaml":
        tree = m.Node.model_validate({"name": "a", "children": [{"name": "b", "children": []}]})
        assert isinstance(tree.children[0], m.Node) and tree.children[0].name == "b"
    elif document == "required-duplicates.yaml":
        assert rejects(m.User, {"id": 1}) and rejects(m.User, {"name": "x"})
        assert m.User.model_validate({"id": 1, "name": "x", "address": {}}).id == 1
    elif document == "schema-null.yaml":
        hints = method(package, "list_blobs")
        assert hints["return"] is typing.Any, hints
        assert "tag" in hints, hints
    elif document == "schema-examples-map.yaml":
        assert m.Colour.model_validate({"hex": "#fff"}).hex == "#fff"
    elif document == "responses-missing.yaml":
        assert operations(package) == ["get_job", "list_jobs", "start_job"], operations(package)
        assert method(package, "get_job")["return"] is m.Job
    elif document == "path-parameters.yaml":
        hints = method(package, "get_book")
        assert hints["shelf_id"] is str and hints["book_id"] is int, hints
        assert "library_id" not in hints, hints
    elif document == "media-type-misplaced.yaml":
        hints = method(package, "create_order")
        assert hints["return"] is m.Order, hints
        assert m.Order in typing.get_args(hints["body"]) or hints["body"] is m.Order, hints
    elif document == "unknown-fields.yaml":
        assert m.Task.model_validate({"code": "anything", "owner": [1]}).owner == [1]
    else:
        raise AssertionError(f"no check for {document}")
    print("ok", document)
"""


def _package(document: str) -> str:
    return "l_" + re.sub(r"\W", "_", document.removesuffix(".yaml"))


def _cli(*args: str) -> tuple[int, str]:
    """The CLI in this process (no interpreter start-up per document): status and stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(list(args))
    return status, err.getvalue()


def test_every_fixture_is_expected_and_every_rule_is_documented() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.yaml")) == sorted(EXPECTED)
    used = {rule for repairs in EXPECTED.values() for rule, _ in repairs}
    assert used <= RULE_NAMES
    assert len({r.name for r in RULES}) == len(RULES)
    table = (ROOT / "docs" / "lenient-loading.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"| `{rule.name}` |" in table, rule.name


@pytest.mark.parametrize("document", sorted(EXPECTED))
def test_lenient_loading_repairs_with_a_located_warning_naming_the_rule(document: str) -> None:
    loaded = load_document(FIXTURES / document)
    found = [(w.rule, w.location.pointer) for w in loaded.warnings]
    assert found == EXPECTED[document]
    for warning in loaded.warnings:
        assert warning.location.file.endswith(document) and warning.location.line is not None
        assert str(warning).endswith(f"[{warning.rule}]")


@pytest.mark.parametrize("document", sorted(EXPECTED))
def test_strict_loading_refuses_with_the_same_findings_as_located_errors(document: str) -> None:
    with pytest.raises(SpecError) as caught:
        load_document(FIXTURES / document, strict=True)
    found = [(p.rule, p.location.pointer) for p in caught.value.problems]
    assert found == EXPECTED[document]


def test_the_repairs_carry_the_evident_intent() -> None:
    def data(document: str) -> dict[str, Any]:
        return load_document(FIXTURES / document).data

    size = data("exclusive-bound-boolean.yaml")["components"]["schemas"]["Room"]["properties"]
    assert size["size"] == {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10}
    note = data("nullable-in-3-1.yaml")["components"]["schemas"]["Note"]["properties"]["text"]
    assert note == {"type": ["string", "null"]}
    node = data("recursive-ref.yaml")["components"]["schemas"]["Node"]
    assert node["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Node"}
    user = data("required-duplicates.yaml")["components"]["schemas"]["User"]
    assert user["required"] == ["id", "name"]
    assert "required" not in user["properties"]["address"]
    jobs = data("responses-missing.yaml")["paths"]["/jobs"]
    assert list(jobs["post"]["responses"]) == ["default"] == list(jobs["get"]["responses"])
    orders = data("media-type-misplaced.yaml")["paths"]["/orders"]["post"]
    ref = {"$ref": "#/components/schemas/Order"}
    assert orders["requestBody"]["content"] == {"application/json": {"schema": ref}}
    assert orders["responses"]["201"]["content"] == {"application/json": {"schema": ref}}


def test_generated_packages_import_and_are_typed_by_the_repairs(tmp_path: Path) -> None:
    packages = {}
    for document in sorted(EXPECTED):
        package = _package(document)
        out = tmp_path / package
        status, err = _cli(
            *("generate", "--verbose", "--spec", str(FIXTURES / document)),
            *("--out", str(out), "--package", package),
        )
        assert status == 0, (document, err)
        for rule, pointer in EXPECTED[document]:
            assert re.search(
                rf"^  warning: {re.escape(pointer)}: .* \[{re.escape(rule)}\]$", err, re.M
            ), (document, err)
        packages[document] = package
    done = subprocess.run(
        [sys.executable, "-c", _CHECKS, json.dumps(packages)],
        cwd=tmp_path,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(str(tmp_path / p) for p in packages.values()),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert sorted(done.stdout.split()[1::2]) == sorted(EXPECTED)


@pytest.mark.parametrize("document", sorted(EXPECTED))
def test_strict_generate_exits_2_with_the_located_errors_and_writes_nothing(
    tmp_path: Path, document: str
) -> None:
    out = tmp_path / "out"
    spec = FIXTURES / document
    status, err = _cli("generate", "--strict", "--spec", str(spec), "--out", str(out))
    assert status == EXIT_INVALID_SPEC, err
    assert "Traceback" not in err
    for rule, pointer in EXPECTED[document]:
        assert re.search(
            rf"^error: \S*{re.escape(document)}:\d+:\d+: {re.escape(pointer)}: .*\[{re.escape(rule)}\]$",
            err,
            re.M,
        ), (document, err)
    assert not out.exists()


def test_validate_tells_errors_from_repairs(tmp_path: Path) -> None:
    spec = FIXTURES / "responses-missing.yaml"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["validate", str(spec)]) == 0
    lines = out.getvalue().splitlines()
    assert sum(line.startswith("repair: ") for line in lines) == 3
    assert lines[-1].endswith(
        "usable after 3 repair(s) (response-description-missing, responses-missing); "
        "--strict refuses it"
    )
    status, err = _cli("validate", "--strict", str(spec))
    assert status == EXIT_INVALID_SPEC
    assert err.count("error: ") == 3 and "(refused: strict)" in err
    broken = tmp_path / "broken.yaml"
    broken.write_text(spec.read_text().replace("'#/components/schemas/Job'", "'#/nowhere'"))
    status, err = _cli("validate", str(broken))
    assert status == EXIT_INVALID_SPEC  # a dangling $ref is an error even when lenient
    assert re.search(
        r"^error: .*broken.yaml:\d+:\d+: .*/\$ref: \$ref '#/nowhere' points", err, re.M
    )
    # Errors and repairs together: each listed, marked as what it is.
    mixed = tmp_path / "mixed.yaml"
    mixed.write_text(
        "openapi: 3.0.3\ninfo: {title: X, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses:\n        '200':\n          content: 5\n    post: {}\n"
    )
    out, errors = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(errors):
        status = main(["validate", str(mixed)])
    err = errors.getvalue()
    assert status == EXIT_INVALID_SPEC
    assert re.findall(r"\[([a-z-]+)\]$", out.getvalue(), re.M) == [
        "response-description-missing",
        "responses-missing",
    ]
    assert all(line.startswith("repair: ") for line in out.getvalue().splitlines())
    assert re.fullmatch(
        r"error: \S*mixed.yaml:8:11: /paths/~1a/get/responses/200/content: "
        r"5 is not of type 'object'\n",
        err,
    )


def test_a_failed_one_of_reports_the_best_matching_branch_not_the_reference_branch(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: X, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses:\n        '200':\n          description: ok\n          content: 5\n"
    )
    with pytest.raises(SpecError) as caught:
        load_document(spec)
    (problem,) = caught.value.problems
    assert problem.location.pointer == "/paths/~1a/get/responses/200/content"
    assert problem.message == "5 is not of type 'object'"
    assert "'$ref' is a required property" not in str(problem)


def test_a_document_with_nothing_to_generate_is_an_error(tmp_path: Path) -> None:
    spec = tmp_path / "api.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: {title: X, version: '1'}\n")
    with pytest.raises(SpecError) as caught:
        load_document(spec)
    assert "nothing to generate" in str(caught.value)


def test_an_operation_without_responses_is_valid_openapi_3_1(tmp_path: Path) -> None:
    """3.1 made `responses` optional: no repair is reported and --strict accepts it; the
    operation still gets the untyped `default` the generator types. In 3.0 it is a repair."""
    text = (
        "openapi: {version}\ninfo: {{title: t, version: '1'}}\n"
        "paths:\n  /ping:\n    post:\n      operationId: ping\n"
    )
    spec = tmp_path / "ping31.yaml"
    spec.write_text(text.format(version="3.1.0"), encoding="utf-8")
    loaded = load_document(spec, strict=True)
    assert loaded.warnings == []
    assert loaded.data["paths"]["/ping"]["post"]["responses"] == {
        "default": {"description": "Untyped response (the document gives none)."}
    }
    old = tmp_path / "ping30.yaml"
    old.write_text(text.format(version="3.0.3"), encoding="utf-8")
    assert [w.rule for w in load_document(old).warnings] == ["responses-missing"]
    with pytest.raises(SpecError):
        load_document(old, strict=True)
