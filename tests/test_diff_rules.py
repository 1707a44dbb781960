"""Every rule of generator/diff/rules.py, fired by a small before/after pair, with its pointer."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from diff_helpers import HEADER, OP, PARAM, REQ, RES, base, diff, get, only, pair, put

from generator.diff.rules import (
    REQUEST_SUBJECTS,
    RESPONSE_SUBJECTS,
    RULES,
    SCHEMA_KINDS,
    rules_markdown,
)

# --- schema keyword kinds: (old fragment, new fragment, pointer suffix, side) -----------------
S = {"type": "string"}
KIND_CASES: dict[str, tuple[dict[str, Any], dict[str, Any], str, str]] = {
    "type-changed": (S, {"type": "integer"}, "/type", "new"),
    "type-generalized": ({"type": "integer"}, {"type": "number"}, "/type", "new"),
    "type-specialized": ({"type": "number"}, {"type": "integer"}, "/type", "new"),
    "format-added": (S, {**S, "format": "date"}, "/format", "new"),
    "format-removed": ({**S, "format": "date"}, S, "/format", "old"),
    "format-changed": ({**S, "format": "date"}, {**S, "format": "date-time"}, "/format", "new"),
    "became-nullable": (S, {"type": ["string", "null"]}, "/type", "new"),
    "became-not-nullable": ({"type": ["string", "null"]}, S, "/type", "new"),
    "enum-value-added": ({**S, "enum": ["a"]}, {**S, "enum": ["a", "b"]}, "/enum/1", "new"),
    "enum-value-removed": ({**S, "enum": ["a", "b"]}, {**S, "enum": ["a"]}, "/enum/1", "old"),
    "became-enum": (S, {**S, "enum": ["a"]}, "/enum", "new"),
    "enum-removed": ({**S, "enum": ["a"]}, S, "/enum", "old"),
    "const-added": (S, {**S, "const": "a"}, "/const", "new"),
    "const-removed": ({**S, "const": "a"}, S, "/const", "old"),
    "const-changed": ({**S, "const": "a"}, {**S, "const": "b"}, "/const", "new"),
    "pattern-added": (S, {**S, "pattern": "^a"}, "/pattern", "new"),
    "pattern-removed": ({**S, "pattern": "^a"}, S, "/pattern", "old"),
    "pattern-changed": ({**S, "pattern": "^a"}, {**S, "pattern": "^b"}, "/pattern", "new"),
    "pattern-generalized": ({**S, "pattern": "^a"}, {**S, "pattern": ".*"}, "/pattern", "new"),
    "one-of-added": ({"oneOf": [S]}, {"oneOf": [S, {"type": "integer"}]}, "/oneOf/1", "new"),
    "one-of-removed": ({"oneOf": [S, {"type": "integer"}]}, {"oneOf": [S]}, "/oneOf/1", "old"),
    "any-of-added": ({"anyOf": [S]}, {"anyOf": [S, {"type": "integer"}]}, "/anyOf/1", "new"),
    "any-of-removed": ({"anyOf": [S, {"type": "integer"}]}, {"anyOf": [S]}, "/anyOf/1", "old"),
    "all-of-added": ({"allOf": [S]}, {"allOf": [S, {"minLength": 1}]}, "/allOf/1", "new"),
    "all-of-removed": ({"allOf": [S, {"minLength": 1}]}, {"allOf": [S]}, "/allOf/1", "old"),
    "default-value-added": (S, {**S, "default": "a"}, "/default", "new"),
    "default-value-removed": ({**S, "default": "a"}, S, "/default", "old"),
    "default-value-changed": ({**S, "default": "a"}, {**S, "default": "b"}, "/default", "new"),
}
for keyword, kw in (
    ("maxLength", "max-length"),
    ("maximum", "max"),
    ("exclusiveMaximum", "exclusive-max"),
    ("maxItems", "max-items"),
    ("minLength", "min-length"),
    ("minimum", "min"),
    ("exclusiveMinimum", "exclusive-min"),
    ("minItems", "min-items"),
):
    KIND_CASES[f"{kw}-set"] = (S, {**S, keyword: 5}, f"/{keyword}", "new")
    KIND_CASES[f"{kw}-unset"] = ({**S, keyword: 5}, S, f"/{keyword}", "old")
    KIND_CASES[f"{kw}-increased"] = ({**S, keyword: 5}, {**S, keyword: 9}, f"/{keyword}", "new")
    KIND_CASES[f"{kw}-decreased"] = ({**S, keyword: 9}, {**S, keyword: 5}, f"/{keyword}", "new")


def _place(subject: str, doc: dict[str, Any], fragment: dict[str, Any]) -> str:
    """Put `fragment` where `subject` names it; returns that schema's pointer."""
    fragment = copy.deepcopy(fragment)
    if subject.endswith("-body"):
        at = REQ if subject.startswith("request") else RES
        put(doc, at, fragment)
        return at
    if subject.endswith("-property"):
        at = REQ if subject.startswith("request") else RES
        name = "name" if subject.startswith("request") else "note"
        put(doc, f"{at}/properties/{name}", fragment)
        return f"{at}/properties/{name}"
    if subject == "request-parameter":
        put(doc, PARAM + "/schema", fragment)
        return PARAM + "/schema"
    put(doc, HEADER + "/schema", fragment)
    return HEADER + "/schema"


SCHEMA_CASES = [
    (subject, kind.kind)
    for kind in SCHEMA_KINDS
    for subject in REQUEST_SUBJECTS + RESPONSE_SUBJECTS
]


def test_every_schema_kind_has_a_case() -> None:
    assert set(KIND_CASES) == {k.kind for k in SCHEMA_KINDS}


@pytest.mark.parametrize(("subject", "kind"), SCHEMA_CASES)
def test_schema_rule(subject: str, kind: str) -> None:
    old_fragment, new_fragment, suffix, side = KIND_CASES[kind]
    old, new = pair()
    at = _place(subject, old, old_fragment)
    _place(subject, new, new_fragment)
    change = only(diff(old, new))
    rule = RULES[f"{subject}-{kind}"]
    assert (change.id, change.pointer, change.side) == (rule.id, at + suffix, side)
    assert (change.level, change.breaks_clients, change.breaks_servers) == (
        rule.level,
        rule.breaks_clients,
        rule.breaks_servers,
    )
    assert change.operations == ("POST /pets",)


# --- everything else: a mutation of the old and/or new document, the id, pointer and side -------
Mutation = Callable[[dict[str, Any], dict[str, Any]], None]


def _op(doc: dict[str, Any]) -> dict[str, Any]:
    return get(doc, OP)  # type: ignore[no-any-return]


def _add_get(doc: dict[str, Any], deprecated: bool = False) -> None:
    doc["paths"]["/pets"]["get"] = {
        "deprecated": deprecated,
        "responses": {"200": {"description": "ok"}},
    }


def _new_path(doc: dict[str, Any], deprecated: bool = False) -> None:
    doc["paths"]["/toys"] = {
        "get": {"deprecated": deprecated, "responses": {"200": {"description": "ok"}}}
    }


def _param(doc: dict[str, Any], **fields: Any) -> None:
    _op(doc)["parameters"].append({"schema": {"type": "string"}, **fields})


RES_NOTE = RES + "/properties/note"
SOON = "9999-12-31"  # a sunset date that has not passed
REQ_TAG = REQ + "/properties/tag"
CASES: list[tuple[str, Mutation, str, str]] = [
    ("endpoint-added", lambda o, n: _add_get(n), "/paths/~1pets/get", "new"),
    ("endpoint-added", lambda o, n: _new_path(n), "/paths/~1toys/get", "new"),
    ("api-path-removed-without-deprecation", lambda o, n: _new_path(o), "/paths/~1toys", "old"),
    ("api-path-removed-with-deprecation", lambda o, n: _new_path(o, True), "/paths/~1toys", "old"),
    ("api-removed-without-deprecation", lambda o, n: _add_get(o), "/paths/~1pets/get", "old"),
    ("api-removed-with-deprecation", lambda o, n: _add_get(o, True), "/paths/~1pets/get", "old"),
    ("endpoint-deprecated", lambda o, n: _op(n).update(deprecated=True), OP + "/deprecated", "new"),
    ("endpoint-reactivated", lambda o, n: _op(o).update(deprecated=True), OP, "new"),
    ("api-operation-id-added", lambda o, n: _op(o).pop("operationId"), OP + "/operationId", "new"),
    (
        "api-operation-id-removed",
        lambda o, n: _op(n).pop("operationId"),
        OP + "/operationId",
        "old",
    ),
    ("api-tag-added", lambda o, n: _op(n)["tags"].append("new"), OP + "/tags/1", "new"),
    ("api-tag-removed", lambda o, n: _op(n)["tags"].clear(), OP + "/tags/0", "old"),
    (
        "api-security-removed",
        lambda o, n: (
            _op(o).update(security=[{"bearer": []}, {"key": []}]),
            _op(n).update(security=[{"bearer": []}]),
        ),
        OP + "/security/1",
        "old",
    ),
    (
        "api-security-added",
        lambda o, n: (
            _op(o).update(security=[{"bearer": []}]),
            _op(n).update(security=[{"bearer": []}, {"key": []}]),
        ),
        OP + "/security/1",
        "new",
    ),
    (
        "new-required-request-parameter",
        lambda o, n: _param(n, name="r", **{"in": "query", "required": True}),
        OP + "/parameters/1",
        "new",
    ),
    (
        "new-optional-request-parameter",
        lambda o, n: _param(n, name="r", **{"in": "query"}),
        OP + "/parameters/1",
        "new",
    ),
    (
        "new-request-path-parameter",
        lambda o, n: _param(n, name="id", **{"in": "path", "required": True}),
        OP + "/parameters/1",
        "new",
    ),
    ("request-parameter-removed", lambda o, n: _op(n)["parameters"].clear(), PARAM, "old"),
    (
        "request-parameter-became-required",
        lambda o, n: get(n, PARAM).update(required=True),
        PARAM,
        "new",
    ),
    (
        "request-parameter-became-optional",
        lambda o, n: get(o, PARAM).update(required=True),
        PARAM,
        "new",
    ),
    (
        "request-body-added-required",
        lambda o, n: _op(o).pop("requestBody"),
        OP + "/requestBody",
        "new",
    ),
    (
        "request-body-added-optional",
        lambda o, n: (_op(o).pop("requestBody"), _op(n)["requestBody"].pop("required")),
        OP + "/requestBody",
        "new",
    ),
    ("request-body-removed", lambda o, n: _op(n).pop("requestBody"), OP + "/requestBody", "old"),
    (
        "request-body-became-required",
        lambda o, n: _op(o)["requestBody"].pop("required"),
        OP + "/requestBody",
        "new",
    ),
    (
        "request-body-became-optional",
        lambda o, n: _op(n)["requestBody"].pop("required"),
        OP + "/requestBody",
        "new",
    ),
    (
        "request-body-media-type-added",
        lambda o, n: _op(n)["requestBody"]["content"].update({"text/plain": {}}),
        OP + "/requestBody/content/text~1plain",
        "new",
    ),
    (
        "request-body-media-type-removed",
        lambda o, n: _op(o)["requestBody"]["content"].update({"text/plain": {}}),
        OP + "/requestBody/content/text~1plain",
        "old",
    ),
    (
        "response-success-status-added",
        lambda o, n: _op(n)["responses"].update({"201": {"description": "made"}}),
        OP + "/responses/201",
        "new",
    ),
    (
        "response-success-status-removed",
        lambda o, n: _op(o)["responses"].update({"201": {"description": "made"}}),
        OP + "/responses/201",
        "old",
    ),
    (
        "response-non-success-status-added",
        lambda o, n: _op(n)["responses"].update({"404": {"description": "none"}}),
        OP + "/responses/404",
        "new",
    ),
    (
        "response-non-success-status-removed",
        lambda o, n: _op(n)["responses"].pop("400"),
        OP + "/responses/400",
        "old",
    ),
    (
        "response-media-type-added",
        lambda o, n: _op(n)["responses"]["200"]["content"].update({"text/csv": {}}),
        OP + "/responses/200/content/text~1csv",
        "new",
    ),
    (
        "response-media-type-removed",
        lambda o, n: _op(o)["responses"]["200"]["content"].update({"text/csv": {}}),
        OP + "/responses/200/content/text~1csv",
        "old",
    ),
    (
        "required-response-header-removed",
        lambda o, n: _op(n)["responses"]["200"].pop("headers"),
        HEADER,
        "old",
    ),
    (
        "optional-response-header-removed",
        lambda o, n: (get(o, HEADER).pop("required"), _op(n)["responses"]["200"].pop("headers")),
        HEADER,
        "old",
    ),
    ("response-header-became-optional", lambda o, n: get(n, HEADER).pop("required"), HEADER, "new"),
    (
        "response-header-added",
        lambda o, n: _op(o)["responses"]["200"].pop("headers"),
        HEADER,
        "new",
    ),
    (
        "new-required-request-property",
        lambda o, n: (
            get(n, REQ)["properties"].update(age={"type": "integer"}),
            get(n, REQ)["required"].append("age"),
        ),
        REQ + "/properties/age",
        "new",
    ),
    (
        "new-optional-request-property",
        lambda o, n: get(n, REQ)["properties"].update(age={"type": "integer"}),
        REQ + "/properties/age",
        "new",
    ),
    ("request-property-removed", lambda o, n: get(n, REQ)["properties"].pop("tag"), REQ_TAG, "old"),
    (
        "request-property-became-required",
        lambda o, n: get(n, REQ)["required"].append("tag"),
        REQ_TAG,
        "new",
    ),
    (
        "request-property-became-optional",
        lambda o, n: get(n, REQ)["required"].clear(),
        REQ + "/properties/name",
        "new",
    ),
    (
        "response-required-property-added",
        lambda o, n: (
            get(n, RES)["properties"].update(age={"type": "integer"}),
            get(n, RES)["required"].append("age"),
        ),
        RES + "/properties/age",
        "new",
    ),
    (
        "response-optional-property-added",
        lambda o, n: get(n, RES)["properties"].update(age={"type": "integer"}),
        RES + "/properties/age",
        "new",
    ),
    (
        "response-required-property-removed",
        lambda o, n: get(n, RES)["properties"].pop("id"),
        RES + "/properties/id",
        "old",
    ),
    (
        "response-optional-property-removed",
        lambda o, n: get(n, RES)["properties"].pop("note"),
        RES_NOTE,
        "old",
    ),
    (
        "response-property-became-optional",
        lambda o, n: get(n, RES)["required"].clear(),
        RES + "/properties/id",
        "new",
    ),
    (
        "response-property-became-required",
        lambda o, n: get(n, RES)["required"].append("note"),
        RES_NOTE,
        "new",
    ),
    (
        "api-path-removed-before-sunset",
        lambda o, n: (_new_path(o, True), o["paths"]["/toys"]["get"].update({"x-sunset": SOON})),
        "/paths/~1toys",
        "old",
    ),
    (
        "api-removed-before-sunset",
        lambda o, n: (_add_get(o, True), o["paths"]["/pets"]["get"].update({"x-sunset": SOON})),
        "/paths/~1pets/get",
        "old",
    ),
    (
        "webhook-added",
        lambda o, n: n.update(
            webhooks={"ping": {"post": {"responses": {"200": {"description": "ok"}}}}}
        ),
        "/webhooks/ping",
        "new",
    ),
    (
        "webhook-removed",
        lambda o, n: o.update(
            webhooks={"ping": {"post": {"responses": {"200": {"description": "ok"}}}}}
        ),
        "/webhooks/ping",
        "old",
    ),
    (
        "api-path-sunset-parse",
        lambda o, n: (_add_get(o, True), o["paths"]["/pets"]["get"].update({"x-sunset": "soon"})),
        "/paths/~1pets/get",
        "old",
    ),
    (
        "request-parameter-sunset-parse",
        lambda o, n: (
            get(o, PARAM).update({"deprecated": True, "x-sunset": "soon"}),
            _op(n)["parameters"].clear(),
        ),
        PARAM,
        "old",
    ),
    (
        "api-stability-decreased",
        lambda o, n: (
            _op(o).update({"x-stability-level": "beta"}),
            _op(n).update({"x-stability-level": "alpha"}),
        ),
        OP + "/x-stability-level",
        "new",
    ),
    (
        "api-stability-increased",
        lambda o, n: _op(o).update({"x-stability-level": "beta"}),
        OP,
        "new",
    ),
    (
        "api-security-relaxed",
        lambda o, n: (
            _op(o).update(security=[{"bearer": [], "key": []}]),
            _op(n).update(security=[{"bearer": []}]),
        ),
        OP + "/security/0",
        "new",
    ),
    (
        "api-security-scope-added",
        lambda o, n: (
            _op(o).update(security=[{"oauth": ["read"]}]),
            _op(n).update(security=[{"oauth": ["read", "write"]}]),
        ),
        OP + "/security/0",
        "new",
    ),
    (
        "api-security-scope-removed",
        lambda o, n: (
            _op(o).update(security=[{"oauth": ["read", "write"]}]),
            _op(n).update(security=[{"oauth": ["read"]}]),
        ),
        OP + "/security/0",
        "old",
    ),
    (
        "request-parameter-removed-with-deprecation",
        lambda o, n: (get(o, PARAM).update(deprecated=True), _op(n)["parameters"].clear()),
        PARAM,
        "old",
    ),
    (
        "request-parameter-removed-before-sunset",
        lambda o, n: (
            get(o, PARAM).update({"deprecated": True, "x-sunset": SOON}),
            _op(n)["parameters"].clear(),
        ),
        PARAM,
        "old",
    ),
    (
        "response-required-property-became-not-write-only",
        lambda o, n: get(o, RES)["properties"]["id"].update(writeOnly=True),
        RES + "/properties/id",
        "new",
    ),
    (
        "response-optional-property-became-not-write-only",
        lambda o, n: get(o, RES)["properties"]["note"].update(writeOnly=True),
        RES_NOTE,
        "new",
    ),
    (
        "response-required-property-became-write-only",
        lambda o, n: get(n, RES)["properties"]["id"].update(writeOnly=True),
        RES + "/properties/id",
        "new",
    ),
    (
        "api-schema-added",
        lambda o, n: n["components"]["schemas"].update(Toy={}),
        "/components/schemas/Toy",
        "new",
    ),
    (
        "api-schema-removed",
        lambda o, n: n["components"]["schemas"].pop("Pet"),
        "/components/schemas/Pet",
        "old",
    ),
]


@pytest.mark.parametrize(("rule_id", "mutate", "pointer", "side"), CASES, ids=[c[0] for c in CASES])
def test_rule(rule_id: str, mutate: Mutation, pointer: str, side: str) -> None:
    old, new = pair()
    mutate(old, new)
    change = only(diff(old, new))
    rule = RULES[rule_id]
    assert (change.id, change.pointer, change.side) == (rule_id, pointer, side)
    assert (change.level, change.breaks_clients, change.breaks_servers) == (
        rule.level,
        rule.breaks_clients,
        rule.breaks_servers,
    )


def test_every_rule_has_a_case() -> None:
    """Each case above asserts its own id, so this is the table's coverage."""
    covered = {f"{subject}-{kind}" for subject, kind in SCHEMA_CASES} | {c[0] for c in CASES}
    assert set(RULES) == covered


def test_identical_documents_have_no_changes() -> None:
    old, new = pair()
    assert diff(old, new) == []


def test_the_issue_examples_are_breaking_with_their_pointer() -> None:
    old, new = pair()
    get(new, RES)["properties"].pop("note")  # remove a response property
    get(new, REQ)["required"].append("tag")  # an optional request field becomes required
    put(new, PARAM + "/schema", {"type": "string", "enum": ["a"]})
    put(old, PARAM + "/schema", {"type": "string", "enum": ["a", "b"]})  # narrow an enum
    put(new, RES + "/properties/id", {"type": "string"})  # change a type
    found = {(c.id, c.pointer, c.level) for c in diff(old, new)}
    assert found == {
        ("response-optional-property-removed", RES_NOTE, "breaking"),
        ("request-property-became-required", REQ_TAG, "breaking"),
        ("request-parameter-enum-value-removed", PARAM + "/schema/enum/1", "breaking"),
        ("response-property-type-changed", RES + "/properties/id/type", "breaking"),
    }


def test_direction_decides_the_level() -> None:
    """Widening breaks clients in a response and is safe in a request, and vice versa."""
    assert RULES["request-property-enum-value-added"].level == "info"
    assert RULES["request-property-enum-value-added"].breaks_servers
    assert RULES["response-property-enum-value-added"].level == "warning"
    assert RULES["request-property-max-length-decreased"].level == "breaking"
    assert RULES["response-property-max-length-decreased"].level == "info"
    assert RULES["response-property-max-length-increased"].level == "breaking"


def test_every_level_that_differs_from_oasdiff_says_why() -> None:
    unexplained = [
        r.id
        for r in RULES.values()
        if r.oasdiff is not None and r.oasdiff != r.level and not r.deviation
    ]
    assert unexplained == []


def test_committed_rule_docs_are_current() -> None:
    from pathlib import Path

    docs = Path(__file__).resolve().parent.parent / "docs" / "diff-rules.md"
    assert docs.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/diff-rules.md is stale: openapi-contract diff --rules > docs/diff-rules.md"
    )


def test_a_public_operation_that_needs_credentials_is_breaking() -> None:
    old, new = pair()
    _op(new)["security"] = [{"bearer": []}]
    found = {(c.id, c.pointer, c.side, c.level) for c in diff(old, new)}
    assert found == {
        ("api-security-removed", OP, "old", "breaking"),  # the anonymous alternative is gone
        ("api-security-added", OP + "/security/0", "new", "info"),
    }


def test_base_document_is_what_the_cases_expect() -> None:
    assert get(base(), PARAM)["name"] == "q"


def test_oasdiff_levels_name_known_rules() -> None:
    from generator.diff.oasdiff_levels import OASDIFF_LEVELS

    assert [i for i in OASDIFF_LEVELS if i not in RULES] == []
    assert RULES["request-body-added-required"].oasdiff == "breaking"
