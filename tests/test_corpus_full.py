"""Every document of the shared public corpus, generated as a user would, imports and type-checks.

`python -m generator generate` (the CLI) runs on each of the 57 documents in
`../shared/corpus/readme-oas-examples/` with `make corpus-readme` (`make test` runs a fixed
slice: every third document for the native engine, every ninth for datamodel-code-generator,
and always the faulty and example-rejecting ones) and on `tests/fixtures/edge-cases.yaml` (names that
collide case-insensitively or are keywords, statuses such as 299, 520 and `4XX`, operations
without tags or operationId, non-JSON and multipart bodies, an allOf that redefines an inherited
property, a pattern Python cannot compile). For each valid document:

- every operation of the document is kept: in the server's operation table, as an abstract
  handler, and as an operation of a client resource;
- the models (every name in `models.__all__`, each model complete once its references are
  resolved) import and accept every example the document gives for a JSON body, except the few
  it writes as JSON text (REJECTED_EXAMPLES); the client with every resource module and its
  errors, and the server app import;
- the MCP server module (`<package>.mcp`) imports and lists one tool per operation, every input
  and output schema valid JSON Schema; the REST adapter (`<package>.adapter`) imports;
- one `mypy --strict` run over all the generated packages (MCP and adapter included) finds no
  error.

`3.0/openapi-workshop/title.json` (`paths: {}`, empty `components`) has nothing to generate: it
is refused with a located error. The two faulty documents are generated with a named repair (a
located warning); with `--strict`
they are refused with a located error (file:line:column and the JSON pointer), exit status 2,
never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from generator.errors import EXIT_INVALID_SPEC
from generator.loader import load_document
from generator.loader.refs import resolve_pointer
from generator.plans import build_document
from generator.schema_walk import HTTP_METHODS
from tests.conftest import CORPUS, ROOT

EDGE_CASES = ROOT / "tests" / "fixtures" / "edge-cases.yaml"
# Faulty documents: generated with a named repair (lenient loading, the default), refused with
# `--strict` by a located error at the same pointer: (pointer, rule) for each.
REPAIRED = {
    # OpenAPI 3.0 requires at least one response per operation.
    "3.0/openapi-workshop/post.json": ("/paths/~1hoot/post/responses", "responses-missing"),
    # A schema declaring draft 2019-09 uses draft-04's boolean exclusiveMaximum.
    "3.1/schema-validation-local.json": (
        "/paths/~1anything~1numbers/parameters/7/schema/exclusiveMaximum",
        "exclusive-bound-boolean",
    ),
}


def rel_name(doc: Path) -> str:
    return doc.relative_to(CORPUS).as_posix()


def corpus_slice(corpus_documents: list[Path], step: int) -> set[str] | None:
    """The fixed slice `make test` runs: every `step`-th corpus document in sorted order, with the
    repaired, refused and example-rejecting ones; None (every document) with `make corpus-readme`
    (CORPUS_FULL=1), which runs both engines on all 57."""
    if os.environ.get("CORPUS_FULL") == "1":
        return None
    names = sorted(rel_name(d) for d in corpus_documents)
    return {*names[::step], *REPAIRED, *REFUSED, *REJECTED_EXAMPLES}


# Unusable documents: refused with a located error, lenient or not (nothing to generate).
REFUSED = {"3.0/openapi-workshop/title.json": "#: nothing to generate"}
# Warnings the generator must give (typed fallbacks), by document: pointer prefixes.
EXPECTED_WARNINGS = {
    "edge-cases.yaml": [
        "/components/schemas/Kitten: `Kitten` changes the inherited property `kind` of `Cat`",
        "/components/schemas/Pet/properties/nickname/pattern: pattern '^\\\\p{L}+$' is not",
    ],
}

# Run in one interpreter for all packages: imports everything, prints one JSON line per package.
_IMPORT_ALL = r"""
import importlib, importlib.util, json, pkgutil, sys, typing
from pydantic import TypeAdapter, ValidationError

examples = json.loads(open(sys.argv[1], encoding="utf-8").read())
for package in sys.argv[2:]:
    models = importlib.import_module(package + ".models")
    incomplete = []
    for name in models.__all__:
        value = getattr(models, name)
        complete = getattr(value, "__pydantic_complete__", True)
        if complete is not True and value.model_rebuild() is not True:
            incomplete.append(name)
    namespace = {"Any": typing.Any, "Literal": typing.Literal}
    namespace.update((name, getattr(models, name)) for name in models.__all__)
    rejected = []
    for annotation, value, pointer in examples.get(package, []):
        try:
            TypeAdapter(eval(annotation, namespace)).validate_python(value)
        except ValidationError:
            rejected.append(pointer)
    importlib.import_module(package + ".client.errors")
    client = importlib.import_module(package + ".client")
    client.Client("http://localhost")
    resources = importlib.import_module(package + ".client.resources")
    specs = 0
    for info in pkgutil.iter_modules(resources.__path__):
        module = importlib.import_module(f"{package}.client.resources.{info.name}")
        specs += sum(type(v).__name__ == "OperationSpec" for v in vars(module).values())
    app = importlib.import_module(package + ".server.app")
    handlers = importlib.import_module(package + ".server.handlers")
    tools = []
    if importlib.util.find_spec(package + ".mcp") is not None:  # not in the second engine's run
        tools = importlib.import_module(package + ".mcp").tool_definitions()
        from jsonschema import Draft202012Validator
        for tool in tools:
            Draft202012Validator.check_schema(tool.input_schema)
            if tool.output_schema is not None:
                Draft202012Validator.check_schema(tool.output_schema)
        importlib.import_module(package + ".adapter")
    print(json.dumps({
        "package": package,
        "models": len(models.__all__),
        "incomplete": incomplete,
        "client_operations": specs,
        "server_operations": sorted(app.OPERATIONS),
        "handlers": sorted(handlers.Handlers.__abstractmethods__),
        "rejected_examples": rejected,
        "mcp_tools": len({t.name for t in tools}),
    }))
"""


# The document's own examples that its schemas reject: it gives these bodies as JSON text (a
# string) where the schema says array or object, to exercise tools' handling of such examples.
REJECTED_EXAMPLES = {
    "3.0/request-examples.json": sorted(
        f"/paths/~1requestBody-primitive-example/{method}/{where}/content/application~1json"
        f"/examples/{pet}/value"
        for method in ("put", "patch")
        for where in ("requestBody", "responses/200")
        for pet in ("cat", "dog")
    ),
}


def _json_examples(spec: Path) -> list[tuple[str, object, str]]:
    """(type annotation, example value, pointer) of every example of a JSON body."""
    document = build_document(load_document(spec))
    found = []
    for op in document.operations:
        bodies = [m for r in op.responses for m in r.content]
        bodies += list(op.request_body.content) if op.request_body else []
        for media in bodies:
            if media.kind == "json" and media.type.expr != "Any":
                found += [(media.type.annotation, e.value, e.pointer) for e in media.examples]
    return found


def _package(rel: str) -> str:
    return "c_" + re.sub(r"\W", "_", rel.rsplit(".", 1)[0]).lower()


def _operation_count(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    count = 0
    for item in (data.get("paths") or {}).values():
        while isinstance(item, dict) and str(item.get("$ref", "")).startswith("#/"):
            item = resolve_pointer(data, item["$ref"][1:])  # a path item by reference
        if isinstance(item, dict):
            count += sum(isinstance(item.get(method), dict) for method in HTTP_METHODS)
    return count


def _generate(
    spec: Path, out: Path, package: str, engine: str, *flags: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            *(sys.executable, "-m", "generator", "generate", "--verbose"),
            *("--spec", str(spec), "--out", str(out), "--package", package),
            *("--models-engine", engine, *flags),
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "CI": "true"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.corpus
@pytest.mark.slow
# 57 packages generated, imported (MCP tools and adapter included) and type-checked: on a
# 2-core machine shared with other jobs this outgrows the suite's 300 s guard.
@pytest.mark.timeout(900)
def test_every_corpus_document_generates_packages_that_import_and_pass_mypy_strict(
    corpus_documents: list[Path], tmp_path: Path
) -> None:
    """The default (native) models engine, on the corpus (half of it in `make test`: every
    second document) and the edge cases."""
    only = corpus_slice(corpus_documents, 3)
    _check_corpus(corpus_documents, tmp_path, "native", with_edge_cases=True, only=only)


@pytest.mark.corpus
@pytest.mark.slow
# 57 packages generated, imported (MCP tools and adapter included) and type-checked: on a
# 2-core machine shared with other jobs this outgrows the suite's 300 s guard.
@pytest.mark.timeout(900)
def test_the_datamodel_code_generator_engine_on_the_corpus(
    corpus_documents: list[Path], tmp_path: Path
) -> None:
    """The engine a target may choose (`models-engine`), held to the same checks on the corpus:
    a smaller fixed slice in `make test`, every document with `make corpus-readme`.

    The edge cases are the native engine's: one of them (an allOf that redefines an inherited
    property's type) has no valid subclass, and datamodel-code-generator writes one.
    """
    only = corpus_slice(corpus_documents, 9)  # every ninth document in `make test`
    _check_corpus(
        corpus_documents, tmp_path, "datamodel-code-generator", with_edge_cases=False, only=only
    )


@pytest.mark.corpus
@pytest.mark.parametrize("rel", sorted(REPAIRED))
def test_faulty_corpus_documents_are_refused_with_strict(
    corpus_documents: list[Path], tmp_path: Path, rel: str
) -> None:
    """`--strict` makes each repair a located error: exit 2, nothing written, no traceback."""
    spec = CORPUS / rel
    assert spec in corpus_documents
    out = tmp_path / "out"
    done = _generate(spec, out, "strict_pkg", "native", "--strict")
    assert done.returncode == EXIT_INVALID_SPEC, (rel, done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr
    pointer, rule = REPAIRED[rel]
    located = re.search(
        rf"^error: {re.escape(str(spec))}:\d+:\d+: {re.escape(pointer)}: .*\[{re.escape(rule)}\]$",
        done.stderr,
        re.M,
    )
    assert located, done.stderr
    assert not out.exists()


def _check_corpus(
    corpus_documents: list[Path],
    tmp_path: Path,
    engine: str,
    *,
    with_edge_cases: bool,
    only: set[str] | None = None,
) -> None:
    assert len(corpus_documents) == 57
    documents = {doc.relative_to(CORPUS).as_posix(): doc for doc in corpus_documents}
    if only is not None:
        documents = {rel: doc for rel, doc in documents.items() if rel in only}
    if with_edge_cases:
        documents[EDGE_CASES.name] = EDGE_CASES
    packages = {rel: _package(rel) for rel in documents}
    workers = min(8, max(2, os.cpu_count() or 2))
    with ThreadPoolExecutor(workers) as pool:
        runs = dict(
            zip(
                documents,
                pool.map(
                    lambda rel: _generate(
                        documents[rel], tmp_path / packages[rel], packages[rel], engine
                    ),
                    documents,
                ),
                strict=True,
            )
        )

    if engine != "native":
        # The MCP server and the adapter do not depend on the models engine: the native run
        # imports and type-checks them, this one does not pay for them twice.
        for rel in documents:
            for part in ("mcp", "adapter"):
                shutil.rmtree(tmp_path / packages[rel] / packages[rel] / part, ignore_errors=True)
    generated: dict[str, str] = {}
    for rel, done in runs.items():
        if rel in REFUSED:
            assert done.returncode == EXIT_INVALID_SPEC, (rel, done.stderr[-2000:])
            assert "Traceback" not in done.stderr, done.stderr
            assert re.search(
                rf"^error: {re.escape(str(documents[rel]))}:\d+:\d+: {re.escape(REFUSED[rel])}",
                done.stderr,
                re.M,
            ), done.stderr
            continue
        assert done.returncode == 0, (rel, done.stderr[-3000:])
        for warning in re.findall(r"^  warning: (.*)$", done.stderr, re.M):
            assert warning.startswith("/"), (rel, warning)  # every warning has its JSON pointer
        for expected in EXPECTED_WARNINGS.get(rel, []):
            assert f"  warning: {expected}" in done.stderr, (rel, done.stderr)
        if rel in REPAIRED:
            pointer, rule = REPAIRED[rel]
            assert re.search(
                rf"^  warning: {re.escape(pointer)}: .* \[{re.escape(rule)}\]$", done.stderr, re.M
            ), (rel, done.stderr)
        generated[rel] = packages[rel]
    usable = len(set(documents) - set(REFUSED))  # the edge cases included
    assert len(generated) == usable  # every usable document (and the edge cases)
    if only is None:
        assert usable == 56 + with_edge_cases

    # Import every package: models, client (every resource, the errors), server stubs; and
    # validate every example the document gives for a JSON body against its generated type.
    examples = {p: _json_examples(documents[rel]) for rel, p in generated.items()}
    # The corpus gives 34, each slice at least 30 (request-examples.json): the check is not empty.
    assert sum(map(len, examples.values())) >= 30
    examples_file = tmp_path / "examples.json"
    examples_file.write_text(json.dumps(examples), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, str(examples_file), *generated.values()],
        cwd=tmp_path,
        env={"PYTHONPATH": os.pathsep.join(str(tmp_path / p) for p in generated.values())},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    reports = {r["package"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert set(reports) == set(generated.values())
    for rel, package in generated.items():
        report = reports[package]
        operations = _operation_count(documents[rel])
        assert report["incomplete"] == [], (rel, report["incomplete"])
        assert report["client_operations"] == operations, rel  # no operation dropped
        assert len(report["server_operations"]) == operations, rel
        assert report["server_operations"] == report["handlers"], rel
        if engine == "native":
            assert report["mcp_tools"] == operations, rel  # one MCP tool per operation
        assert sorted(report["rejected_examples"]) == REJECTED_EXAMPLES.get(rel, []), rel

    # One mypy --strict run over every generated package (models, client, server).
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--config-file", str(ROOT / "pyproject.toml")]
        + [str(tmp_path / p / p) for p in generated.values()],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    failing = sorted(
        rel
        for rel, p in generated.items()
        if re.search(rf"^{re.escape(p)}/{re.escape(p)}/\S+: error", done.stdout, re.M)
    )
    print(f"{len(generated) - len(failing)} of {len(generated)} packages pass mypy --strict")
    assert failing == [], done.stdout[-5000:]
    assert done.returncode == 0, done.stdout[-5000:]
