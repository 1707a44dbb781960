"""A fixed slice of the shared corpus: each document's MCP server under the TypeScript SDK.

Each document is generated in process; its server runs over stdio, driven by the pinned
`@modelcontextprotocol/sdk` client against a stub upstream that answers every operation with a
minimal instance of its documented success, then of its documented error
(tests/mcp_ts/documents.py). For every tool: listed, name within 64 of `[A-Za-z0-9_-]`, input
and output schemas valid against the 2020-12 meta-schema and compiled by ajv, and three calls
(success, documented error, undeclared argument) that each come back as a result, never as an
SDK exception. GitHub's and OpenAI's descriptions run the same way outside `make test`
(`make mcp-ts-documents`).
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.conftest import CORPUS
from tests.mcp_ts.documents import Outcome, StubUpstream, document_session, generate, outcome
from tests.mcp_ts.node_sdk import run_sessions, sdk
from tests.test_mcp_documents import document as faulty_document

# Bodies, arrays, discriminators, several media types, parameters of every style, circular
# schemas, 3.1 types: the constructs that reach the tool schemas. `make mcp-ts-documents` runs
# all of them (and GitHub's and OpenAI's descriptions); `make test` runs IN_SUITE, within its
# time budget.
SLICE = (
    "3.0/petstore-expanded.json",
    "3.0/discriminators.json",
    "3.0/circular.json",
    "3.0/response-multiple-mediatypes.json",
    "3.0/parameters-style.json",
    "3.0/schema-types.json",
    "3.1/schema-types.json",
    "3.1/petstore.json",
)
IN_SUITE = (
    "3.0/discriminators.json",
    "3.0/response-multiple-mediatypes.json",
    "3.1/schema-types.json",
    "3.1/petstore.json",
)
FAULTY = "faulty"  # array-element refs, refs under `default`..., draft 4, a FastAPI name


@pytest.fixture(scope="module")
def outcomes(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[Outcome, dict[str, Any]]]:
    cache = sdk()
    root = tmp_path_factory.mktemp("mcp-ts-corpus")
    stubs: list[StubUpstream] = []
    sessions = []
    try:
        faulty = root / "faulty.yaml"  # every fault tests/test_mcp_documents.py reproduces
        faulty.write_text(yaml.safe_dump(faulty_document(), sort_keys=False), encoding="utf-8")
        for i, rel in enumerate((*IN_SUITE, FAULTY)):
            package = f"slice_{i}_api"
            out = root / package
            document = generate(faulty if rel == FAULTY else CORPUS / rel, out, package)
            stub = StubUpstream(document)
            stubs.append(stub)
            session = document_session(document, out, package, stub.start())
            session["label"] = rel
            sessions.append(session)
        results = run_sessions(cache, sessions)
    finally:
        for stub in stubs:
            stub.stop()
    by_label = {s["label"]: s for s in sessions}
    return {r["label"]: (outcome(r), by_label[r["label"]]) for r in results}


# Tools no minimal instance can call with success: unsatisfiable `allOf`s (the corpus's
# "incompatible" quirks) and a `oneOf` whose minimal instance matches two branches.
UNCALLABLE = {
    "3.0/discriminators.json": {"post_potentially_undefined_form_data"},
    "3.0/schema-types.json": {
        "quirks_entirely_incompatible_all_of",
        "quirks_partially_usable_incompatible_all_of",
    },
    "3.1/schema-types.json": {
        "quirks_entirely_incompatible_all_of",
        "quirks_partially_usable_incompatible_all_of",
    },
}


@pytest.mark.parametrize("rel", (*IN_SUITE, FAULTY))
def test_every_tool_lists_validates_and_answers_every_call(
    outcomes: dict[str, tuple[Outcome, dict[str, Any]]], rel: str
) -> None:
    found, session = outcomes[rel]
    can_succeed = session["callable"]
    assert found.error is None, found
    assert found.tools > 0
    assert found.schema_problems == []
    assert found.long_names == []
    assert found.thrown == []  # no call ever became an SDK exception
    assert found.invalid_rejected == found.tools
    assert sorted(found.succeeded) == sorted(can_succeed), found.ok_errors
    # Success is documented for all but the Swagger petstore's write operations (errors only).
    documented_failure = set(can_succeed) | UNCALLABLE.get(rel, set())
    assert len(documented_failure) >= found.tools - 7
    # Answered with its documented error, every tool that documents one reports a tool error
    # (and the one of a document that documents none stays a success).
    # (the others answer as they did with the success: a tool error where that failed too).
    failed_before = {t for t in session["tools"] if t not in found.succeeded}
    assert set(found.error_mode_errors) == set(session["erring"]) | failed_before


def test_the_slice_is_in_the_corpus() -> None:
    assert all((CORPUS / rel).is_file() for rel in SLICE) and set(IN_SUITE) <= set(SLICE)
