"""(old, new) pairs from oasdiff's checker tests, with the level each test asserts.

Each case reproduces one test of https://github.com/oasdiff/oasdiff (its `checker/*_test.go`
file and test name are cited): the documents are oasdiff's fixtures reduced to the part the test
changes, built on one base document shaped like oasdiff's own (`data/openapi-test1.yaml`: the
install-command and security-score operations; `data/checker/*`: POST /api/v1.0/groups,
createOneGroup), and the edit is the one the test makes (in code or between its base and
revision fixtures). `level` is what oasdiff asserts for its change id (ERR = breaking,
WARN = warning, INFO = info); `oasdiff_id` None means the test asserts oasdiff reports nothing at
ERR or WARN level. Where oasdiff's own fixture files are available they are used as written
(tests/fixtures/oasdiff/, each citing its source); where a test asserts only the id, the level is
that of the id in oasdiff's checker/rules.go. `lenient` marks pairs the strict loader refuses as oasdiff wrote them
(operations without responses, `required: []`, undeclared path parameters): the diff reads them
leniently, as the generator does (docs/lenient-loading.md).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]
Edit = Callable[[Doc, Doc], Any]

G = "/api/v1.0/groups"
INSTALL = "/api/{domain}/{project}/install-command"
SCORE = "/api/{domain}/{project}/badges/security-score"
ONE = "/api/v1.0/groups/{groupId}"
ENUMS = "/api/v2/changeOfRequestFieldValueTiedToEnumTest"


def base() -> Doc:
    text = {"type": "string"}
    return copy.deepcopy(
        {
            "openapi": "3.0.1",
            "info": {"title": "Tufin", "version": "1.0"},
            "paths": {
                G: {
                    "post": {
                        "operationId": "createOneGroup",
                        "tags": ["Group"],
                        "parameters": [
                            {"name": "X-Request-Id", "in": "header", "schema": text},
                            {
                                "name": "category",
                                "in": "query",
                                "schema": {"type": "string", "default": "default_category"},
                            },
                            {
                                "name": "status",
                                "in": "query",
                                "schema": {"type": "string", "enum": ["available", "pending"]},
                            },
                            {
                                "name": "ids",
                                "in": "query",
                                "schema": {"type": "array", "maxItems": 20, "items": text},
                            },
                            {
                                "name": "filter",
                                "in": "query",
                                "style": "deepObject",
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "origin": {
                                            "type": "string",
                                            "enum": ["value-a", "value-b"],
                                        }
                                    },
                                },
                            },
                        ],
                        "requestBody": {
                            "required": True,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/GroupView"}
                                }
                            },
                        },
                        "responses": {
                            "200": {
                                "description": "OK",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/Report"}
                                    }
                                },
                            },
                            "400": {"description": "Bad Request"},
                        },
                    }
                },
                ONE: {
                    "get": {
                        "operationId": "getOneGroup",
                        "parameters": [
                            {
                                "name": "groupId",
                                "in": "path",
                                "required": True,
                                "schema": {"type": "string", "pattern": "[0-9a-f]+"},
                            }
                        ],
                        "responses": {
                            "200": {
                                "description": "OK",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/Report"}
                                    }
                                },
                            }
                        },
                    }
                },
                INSTALL: {
                    "get": {
                        "operationId": "GetInstallCommand",
                        "tags": ["install"],
                        "parameters": [
                            {
                                "name": "domain",
                                "in": "path",
                                "required": True,
                                "schema": {"type": "string", "enum": ["generic", "tufin"]},
                            },
                            {"name": "project", "in": "path", "required": True, "schema": text},
                            {
                                "name": "network-policies",
                                "in": "header",
                                "schema": {"type": "object", "properties": {"p": text}},
                            },
                        ],
                        "responses": {
                            "default": {
                                "description": "Command",
                                "headers": {
                                    "X-RateLimit-Limit": {
                                        "required": True,
                                        "schema": {"type": "integer"},
                                    }
                                },
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/Report"}
                                    },
                                    "text/plain": {"schema": text},
                                },
                            }
                        },
                    }
                },
                SCORE: {
                    "get": {
                        "operationId": "GetSecurityScores",
                        "tags": ["security"],
                        "parameters": [
                            {"name": "domain", "in": "path", "required": True, "schema": text},
                            {"name": "project", "in": "path", "required": True, "schema": text},
                        ],
                        "responses": {
                            "200": {
                                "description": "OK",
                                "content": {"application/json": {"schema": {"type": "string"}}},
                            },
                            "400": {"description": "Bad Request"},
                        },
                    }
                },
                ENUMS: {
                    "post": {
                        "requestBody": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Choice"}
                                }
                            }
                        },
                        "responses": {
                            "200": {
                                "description": "OK",
                                "content": {
                                    "application/json": {
                                        "schema": {
                                            "type": "string",
                                            "enum": ["VALUE_1", "VALUE_2", "VALUE_3"],
                                        }
                                    }
                                },
                            }
                        },
                    }
                },
            },
            "components": {
                "schemas": {
                    "GroupView": {
                        "type": "object",
                        "properties": {
                            "data": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "string", "readOnly": True},
                                    "name": {"type": "string"},
                                    "created": {"type": "string"},
                                    "roles": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {"role": text, "id": text},
                                        },
                                    },
                                },
                                "required": ["name"],
                            }
                        },
                    },
                    "Report": {
                        "type": "object",
                        "properties": {
                            "respenum": {"type": "string", "enum": ["ASD", "QWE"]},
                            "code": {"type": "string", "pattern": "^[a-z]+$"},
                            "count": {"type": "integer"},
                            "detail": {
                                "type": "object",
                                "properties": {"note": {"type": "string"}},
                            },
                            "secret": {"type": "string"},
                        },
                        "required": ["count"],
                    },
                    "Choice": {"type": "string"},
                    "Dog": {"type": "object", "properties": {"bark": text}},
                    "Cat": {"type": "object", "properties": {"meow": text}},
                    "Rabbit": {"type": "object", "properties": {"hop": text}},
                    "network-policies": {"type": "object"},
                    "rules": {"type": "object"},
                }
            },
        }
    )


# --- edit helpers ---------------------------------------------------------------------------
def op(doc: Doc, path: str, method: str = "get") -> Doc:
    found: Doc = doc["paths"][path][method]
    return found


def param(doc: Doc, path: str, name: str, method: str = "get") -> Doc:
    return next(p for p in op(doc, path, method)["parameters"] if p["name"] == name)


def drop_param(doc: Doc, path: str, name: str, method: str = "get") -> None:
    params = op(doc, path, method)["parameters"]
    params[:] = [p for p in params if p["name"] != name]


def schema(doc: Doc, name: str) -> Doc:
    found: Doc = doc["components"]["schemas"][name]
    return found


def data(doc: Doc) -> Doc:
    found: Doc = schema(doc, "GroupView")["properties"]["data"]
    return found


def body(doc: Doc, path: str = G, method: str = "post") -> Doc:
    found: Doc = op(doc, path, method)["requestBody"]["content"]["application/json"]["schema"]
    return found


def swap(edit: Edit) -> Edit:
    """The same edit, old and new exchanged (oasdiff's tests often swap base and revision)."""
    return lambda old, new: edit(new, old)


def both(edit: Callable[[Doc], Any]) -> Edit:
    return lambda old, new: (edit(old), edit(new))


def on_new(edit: Callable[[Doc], Any]) -> Edit:
    return lambda old, new: edit(new)


def on_old(edit: Callable[[Doc], Any]) -> Edit:
    return lambda old, new: edit(old)


def union_body(keyword: str, members: list[str]) -> Callable[[Doc], Any]:
    def edit(doc: Doc) -> None:
        op(doc, G, "post")["requestBody"]["content"]["application/json"]["schema"] = {
            keyword: [{"$ref": f"#/components/schemas/{m}"} for m in members]
        }

    return edit


def union_property(keyword: str, members: list[str]) -> Callable[[Doc], Any]:
    def edit(doc: Doc) -> None:
        data(doc)["properties"]["breed"] = {
            keyword: [{"$ref": f"#/components/schemas/{m}"} for m in members]
        }

    return edit


def path_with(ops: dict[str, Doc]) -> Callable[[Doc], Any]:
    def edit(doc: Doc) -> None:
        doc["paths"]["/api/test"] = {
            method: {"responses": {"200": {"description": "OK"}}, **fields}
            for method, fields in ops.items()
        }

    return edit


def drop_path(path: str) -> Callable[[Doc], Any]:
    return lambda doc: doc["paths"].pop(path)


PAST, FUTURE = "2020-08-10", "9999-08-10"
DEP_PAST = {"deprecated": True, "x-sunset": PAST}
DEP_FUTURE = {"deprecated": True, "x-sunset": FUTURE}
DEP = {"deprecated": True}


def deprecate_param(**fields: Any) -> Callable[[Doc], Any]:
    return lambda doc: param(doc, INSTALL, "network-policies").update(fields)


SEC = [{"petstore_auth": ["write:pets", "read:pets"]}]


@dataclass(frozen=True)
class Case:
    source: str  # oasdiff's test file
    test: str  # the test function in it
    oasdiff_id: str | None
    level: str  # breaking, warning or info
    edit: Edit | None = None
    lenient: bool = False  # the strict loader refuses the pair as oasdiff wrote it
    # oasdiff's own base and revision files, reproduced in tests/fixtures/oasdiff/ (instead of
    # an edit of the shared base document)
    files: tuple[str, str] | None = None

    @property
    def name(self) -> str:
        return f"{self.source.rsplit('/', 1)[-1].removesuffix('_test.go')}::{self.test}"


B, W, INF = "breaking", "warning", "info"
CB = "checker/check_breaking_test.go"
CR = "checker/check_api_removed_test.go"
CP = "checker/check_breaking_property_test.go"
CPR = "checker/check_request_parameter_removed_test.go"
CPAT = "checker/check_request_parameter_pattern_added_or_changed_test.go"
CDEF = "checker/check_request_parameters_default_value_changed_test.go"
CSEC = "checker/check_api_security_updated_test.go"
CBODY = "checker/check_request_body_required_value_updated_test.go"
CREQ = "checker/check_request_parameter_required_value_updated_test.go"
CMAX = "checker/check_request_parameters_max_items_updated_test.go"
CENUM = "checker/check_request_parameter_enum_value_updated_test.go"
CBER = "checker/check_request_body_enum_removed_test.go"
CPER = "checker/check_request_parameter_enum_removed_test.go"
CSUB = "checker/check_sub_schema_traversal_test.go"  # asserts the id; the level: checker/rules.go
TRAVERSAL = (
    "additional_properties_traversal_base.yaml",
    "additional_properties_traversal_revision.yaml",
)
CWH = "checker/check_webhook_updated_test.go"
WEBHOOKS = ("webhook_base.yaml", "webhook_revision.yaml")
ENUM_GONE = ("enum_removed_entirely_base.yaml", "enum_removed_entirely_revision.yaml")
COPID = "checker/check_api_operation_id_updated_test.go"

NP = "network-policies"


def _header_param_prop(required: list[str] | None) -> Callable[[Doc], Any]:
    def edit(doc: Doc) -> None:
        s = param(doc, INSTALL, NP)["schema"]
        s["properties"]["courseId"] = {"type": "string", "description": "Unique ID of the course"}
        if required is not None:
            s["required"] = required

    return edit


def _pattern_prop(pattern: str | None) -> Callable[[Doc], Any]:
    """oasdiff's data/pattern-*.yaml: `created`, a request and response property."""

    def edit(doc: Doc) -> None:
        created = data(doc)["properties"]["created"]
        created.pop("pattern", None)
        if pattern is not None:
            created["pattern"] = pattern
        code = schema(doc, "Report")["properties"]["code"]
        code.pop("pattern", None)
        if pattern is not None:
            code["pattern"] = pattern

    return edit


CASES: list[Case] = [
    # --- check_breaking_test.go ---------------------------------------------------------------
    Case(
        CB,
        "TestBreaking_AddingRequiredRequestBody",
        "request-body-added-required",
        B,
        on_new(lambda d: op(d, INSTALL).update(requestBody={"required": True, "content": {}})),
    ),
    Case(
        CB,
        "TestBreaking_RequestBodyRequiredEnabled",
        "request-body-became-required",
        B,
        lambda o, n: (
            op(o, INSTALL).update(requestBody={"required": False, "content": {}}),
            op(n, INSTALL).update(requestBody={"required": True, "content": {}}),
        ),
    ),
    Case(
        CB,
        "TestBreaking_DeletedEnum",
        "request-parameter-enum-value-removed",
        B,
        on_old(lambda d: param(d, INSTALL, "domain")["schema"]["enum"].append("removed-value")),
    ),
    Case(
        CB,
        "TestBreaking_AddedResponseEnum",
        "response-property-enum-value-added",
        W,
        on_old(lambda d: schema(d, "Report")["properties"]["respenum"]["enum"].remove("QWE")),
    ),
    Case(
        CB,
        "TestBreaking_PathParamRename",
        None,
        INF,
        on_new(
            lambda d: (
                d["paths"].update({"/api/v1.0/groups/{id}": d["paths"].pop(ONE)}),
                param(d, "/api/v1.0/groups/{id}", "groupId").update(name="id"),
            )
        ),
    ),
    Case(
        CB,
        "TestBreaking_NewPathParam",
        "new-request-path-parameter",
        B,
        on_old(lambda d: drop_param(d, INSTALL, "project")),
        lenient=True,
    ),
    Case(
        CB,
        "TestBreaking_NewRequiredHeaderParam",
        "new-required-request-parameter",
        B,
        lambda o, n: (drop_param(o, INSTALL, NP), param(n, INSTALL, NP).update(required=True)),
    ),
    Case(
        CB,
        "TestBreaking_HeaderParamRequiredEnabled",
        "request-parameter-became-required",
        B,
        on_new(lambda d: param(d, INSTALL, NP).update(required=True)),
    ),
    Case(
        CB,
        "TestBreaking_ResponseHeaderParamRequiredDisabled",
        "response-header-became-optional",
        B,
        on_new(
            lambda d: op(d, INSTALL)["responses"]["default"]["headers"]["X-RateLimit-Limit"].update(
                required=False
            )
        ),
    ),
    Case(
        CB,
        "TestBreaking_ResponseHeaderRemoved",
        "required-response-header-removed",
        B,
        on_new(lambda d: op(d, INSTALL)["responses"]["default"].pop("headers")),
    ),
    Case(
        CB,
        "TestBreaking_ResponseSuccessStatusUpdated",
        "response-success-status-removed",
        B,
        on_new(lambda d: op(d, SCORE)["responses"].pop("200")),
    ),
    Case(
        CB,
        "TestBreaking_ResponseNonSuccessStatusUpdated",
        "response-non-success-status-removed",
        INF,
        on_new(lambda d: op(d, SCORE)["responses"].pop("400")),
    ),
    Case(
        CB,
        "TestBreaking_OperationIdRemoved",
        "api-operation-id-removed",
        INF,
        on_new(lambda d: op(d, SCORE).update(operationId="newOperationId")),
    ),
    Case(
        CB,
        "TestBreaking_ResponsePropertyEnumRemoved",
        "response-property-enum-value-removed",
        INF,
        on_new(lambda d: schema(d, "Report")["properties"]["respenum"]["enum"].remove("QWE")),
    ),
    Case(
        CB,
        "TestBreaking_TagRemoved",
        "api-tag-removed",
        INF,
        on_new(lambda d: op(d, SCORE)["tags"].__setitem__(0, "newTag")),
    ),
    Case(
        CB,
        "TestBreaking_ResponseMediaTypeEnumRemoved",
        "response-mediatype-enum-value-removed",
        INF,
        on_new(
            lambda d: op(d, ENUMS, "post")["responses"]["200"]["content"]["application/json"][
                "schema"
            ]["enum"].remove("VALUE_3")
        ),
    ),
    Case(
        CB,
        "TestBreaking_ResponseUnparseableStatusRemoved",
        None,
        INF,
        on_new(lambda d: op(d, INSTALL)["responses"].pop("default")),
        lenient=True,
    ),
    Case(
        CB,
        "TestBreaking_ResponseErrorStatusRemoved",
        None,
        INF,
        on_new(lambda d: op(d, SCORE)["responses"].pop("400")),
    ),
    Case(
        CB,
        "TestBreaking_OptionalResponseHeaderRemoved",
        "optional-response-header-removed",
        W,
        lambda o, n: (
            op(o, INSTALL)["responses"]["default"]["headers"]["X-RateLimit-Limit"].update(
                required=False
            ),
            op(n, INSTALL)["responses"]["default"].pop("headers"),
        ),
    ),
    Case(
        CB,
        "TestBreaking_ResponseDeleteMediaType",
        "response-media-type-removed",
        B,
        on_new(lambda d: op(d, INSTALL)["responses"]["default"]["content"].pop("text/plain")),
    ),
    Case(
        CB,
        "TestBreaking_DeletePatten",
        "response-property-pattern-removed",
        B,
        lambda o, n: (_pattern_prop("^[a-z]+$")(o), _pattern_prop(None)(n)),
    ),
    Case(
        CB,
        "TestBreaking_AddPattern",
        "request-property-pattern-added",
        B,
        lambda o, n: (_pattern_prop(None)(o), _pattern_prop("^[a-z]+$")(n)),
    ),
    Case(
        CB,
        "TestBreaking_ModifyPattern",
        "request-property-pattern-changed",
        W,
        lambda o, n: (_pattern_prop("^[a-z]+$")(o), _pattern_prop(".+")(n)),
    ),
    Case(
        CB,
        "TestBreaking_GeneralizedPattern",
        "response-property-pattern-changed",
        W,
        lambda o, n: (_pattern_prop("^[a-z]+$")(o), _pattern_prop(".*")(n)),
    ),
    Case(
        CB,
        "TestBreaking_ModifyPatternToAnyString",
        None,
        W,
        lambda o, n: (_pattern_prop("^[a-z]+$")(o), _pattern_prop(".*")(n)),
    ),
    Case(
        CB,
        "TestBreaking_ModifyParameterPattern",
        "request-parameter-pattern-changed",
        W,
        on_new(lambda d: param(d, ONE, "groupId")["schema"].update(pattern="[0-9]+")),
    ),
    Case(
        CB,
        "TestBreaking_ModifyRequiredOptionalParamDefaultValue",
        "request-parameter-default-value-changed",
        INF,
        lambda o, n: (
            param(o, INSTALL, NP)["schema"].update(default="X"),
            param(n, INSTALL, NP)["schema"].update(default="Y"),
        ),
    ),
    Case(
        CB,
        "TestBreaking_SettingOptionalParamDefaultValue",
        "request-parameter-default-value-added",
        INF,
        on_new(lambda d: param(d, INSTALL, NP)["schema"].update(default="Y")),
    ),
    Case(
        CB,
        "TestBreaking_RemovingOptionalParamDefaultValue",
        "request-parameter-default-value-removed",
        INF,
        on_old(lambda d: param(d, INSTALL, NP)["schema"].update(default="Y")),
    ),
    Case(
        CB,
        "TestBreaking_SchemaRemoved",
        "api-schema-removed",
        INF,
        lambda o, n: (
            o.update(paths={}),
            n.update(paths={}),
            n["components"]["schemas"].pop("network-policies"),
            n["components"]["schemas"].pop("rules"),
        ),
    ),
    Case(
        CB,
        "TestBreaking_RequestBodyMediaTypeRemoved",
        "request-body-media-type-removed",
        B,
        on_old(
            lambda d: op(d, G, "post")["requestBody"]["content"].update(
                {"application/xml": {"schema": {"type": "object"}}}
            )
        ),
    ),
    Case(
        CB,
        "TestBreaking_RequestPropertyAnyOfRemoved",
        "request-body-any-of-removed",
        B,
        lambda o, n: (
            union_body("anyOf", ["Dog", "Cat", "Rabbit"])(o),
            union_body("anyOf", ["Dog", "Cat"])(n),
        ),
    ),
    Case(
        CB,
        "TestBreaking_RequestPropertyAnyOfRemoved",
        "request-property-any-of-removed",
        B,
        lambda o, n: (
            union_property("anyOf", ["Dog", "Cat", "Rabbit"])(o),
            union_property("anyOf", ["Dog", "Cat"])(n),
        ),
    ),
    Case(
        CB,
        "TestBreaking_RequestPropertyOneOfRemoved",
        "request-body-one-of-removed",
        B,
        lambda o, n: (
            union_body("oneOf", ["Dog", "Cat", "Rabbit"])(o),
            union_body("oneOf", ["Dog", "Cat"])(n),
        ),
    ),
    Case(
        CB,
        "TestBreaking_RequestPropertyOneOfRemoved",
        "request-property-one-of-removed",
        B,
        lambda o, n: (
            union_property("oneOf", ["Dog", "Cat", "Rabbit"])(o),
            union_property("oneOf", ["Dog", "Cat"])(n),
        ),
    ),
    Case(
        CB,
        "TestBreaking_RequestPropertyAllOfAdded",
        "request-body-all-of-added",
        W,
        lambda o, n: (
            union_body("allOf", ["Dog", "Cat"])(o),
            union_body("allOf", ["Dog", "Cat", "Rabbit"])(n),
        ),
    ),
    Case(
        CB,
        "TestBreaking_RequestPropertyAllOfAdded",
        "request-property-all-of-added",
        W,
        lambda o, n: (
            union_property("allOf", ["Dog", "Cat"])(o),
            union_property("allOf", ["Dog", "Cat", "Rabbit"])(n),
        ),
    ),
    Case(
        CB,
        "TestBreaking_RequestPropertyAllOfRemoved",
        "request-body-all-of-removed",
        INF,
        lambda o, n: (
            union_body("allOf", ["Dog", "Cat", "Rabbit"])(o),
            union_body("allOf", ["Dog", "Cat"])(n),
        ),
    ),
    Case(
        CB,
        "TestBreaking_RequestPropertyAllOfRemoved",
        "request-property-all-of-removed",
        INF,
        lambda o, n: (
            union_property("allOf", ["Dog", "Cat", "Rabbit"])(o),
            union_property("allOf", ["Dog", "Cat"])(n),
        ),
    ),
    # --- check_api_removed_test.go -------------------------------------------------------------
    Case(
        CR,
        "TestBreaking_DeletedPath",
        "api-path-removed-without-deprecation",
        B,
        on_new(drop_path(SCORE)),
    ),
    Case(
        CR,
        "TestBreaking_DeletedOp",
        "api-removed-without-deprecation",
        B,
        on_old(lambda d: d["paths"][INSTALL].update(put={})),
        lenient=True,
    ),
    Case(
        CR,
        "TestBreaking_DeprecationPast",
        "api-removed-with-deprecation",
        INF,
        lambda o, n: (path_with({"get": {}, "post": DEP_PAST})(o), path_with({"get": {}})(n)),
    ),
    Case(
        CR,
        "TestBreaking_RemoveBeforeSunset",
        "api-removed-before-sunset",
        B,
        lambda o, n: (path_with({"get": {}, "post": DEP_FUTURE})(o), path_with({"get": {}})(n)),
    ),
    Case(
        CR,
        "TestBreaking_DeprecationNoSunset",
        "api-removed-with-deprecation",
        INF,
        lambda o, n: (path_with({"get": {}, "post": DEP})(o), path_with({"get": {}})(n)),
    ),
    Case(
        CR,
        "TestBreaking_RemovedPathForAlpha",
        None,
        INF,
        on_old(
            path_with(
                {"get": {"x-stability-level": "alpha"}, "post": {"x-stability-level": "alpha"}}
            )
        ),
    ),
    Case(
        CR,
        "TestBreaking_RemovedPathForDraft",
        None,
        INF,
        on_old(
            path_with(
                {"get": {"x-stability-level": "draft"}, "post": {"x-stability-level": "draft"}}
            )
        ),
    ),
    Case(
        CR,
        "TestBreaking_RemovedPathForAlphaBreaking",
        "api-path-removed-without-deprecation",
        B,
        on_old(path_with({"get": {}, "post": {}})),
    ),
    Case(
        CR,
        "TestBreaking_RemovedPathForDraftBreaking",
        "api-path-removed-without-deprecation",
        B,
        on_old(path_with({"get": {"x-stability-level": "stable"}, "post": {}})),
    ),
    Case(
        CR,
        "TestBreaking_DeprecationPathPast",
        None,
        INF,
        on_old(path_with({"get": DEP_PAST, "post": DEP_PAST})),
    ),
    Case(
        CR,
        "TestBreaking_DeprecationPathMixed",
        "api-path-removed-before-sunset",
        B,
        on_old(path_with({"get": DEP_PAST, "post": DEP_FUTURE})),
    ),
    Case(
        CR,
        "TestBreaking_PathDeprecationNoSunset",
        "api-path-removed-with-deprecation",
        INF,
        on_old(path_with({"get": DEP, "post": DEP})),
    ),
    Case(
        CR,
        "TestBreaking_RemoveEndpointWithInvalidSunset",
        "api-path-sunset-parse",
        B,
        lambda o, n: (
            path_with({"get": {**DEP, "x-sunset": "invalid-date"}})(o),
            path_with({"post": {}})(n),
        ),
    ),
    Case(
        CR,
        "TestBreaking_DeprecationPathMixed_RFC3339_Sunset",
        "api-path-removed-before-sunset",
        B,
        on_old(
            path_with(
                {"get": DEP_PAST, "post": {"deprecated": True, "x-sunset": "9999-08-10T00:00:00Z"}}
            )
        ),
    ),
    # --- check_request_parameter_removed_test.go -------------------------------------------------
    Case(
        CPR,
        "TestBreaking_DeletedParameter",
        "request-parameter-removed",
        W,
        on_new(lambda d: drop_param(d, INSTALL, NP)),
    ),
    Case(
        CPR,
        "TestBreaking_ParameterDeprecationPast",
        None,
        INF,
        lambda o, n: (deprecate_param(**DEP_PAST)(o), drop_param(n, INSTALL, NP)),
    ),
    Case(
        CPR,
        "TestBreaking_ParameterDeprecationFuture",
        "request-parameter-removed-before-sunset",
        B,
        lambda o, n: (deprecate_param(**DEP_FUTURE)(o), drop_param(n, INSTALL, NP)),
    ),
    Case(
        CPR,
        "TestBreaking_ParameterDeprecationNoSunset",
        None,
        INF,
        lambda o, n: (deprecate_param(**DEP)(o), drop_param(n, INSTALL, NP)),
    ),
    Case(
        CPR,
        "TestBreaking_RemovedParameterForAlpha",
        None,
        INF,
        lambda o, n: (
            both(lambda d: op(d, INSTALL).update({"x-stability-level": "alpha"}))(o, n),
            drop_param(n, INSTALL, NP),
        ),
    ),
    Case(
        CPR,
        "TestBreaking_RemoveParameterWithInvalidSunset",
        "request-parameter-sunset-parse",
        B,
        lambda o, n: (
            deprecate_param(deprecated=True, **{"x-sunset": "invalid-date"})(o),
            drop_param(n, INSTALL, NP),
        ),
    ),
    # --- check_request_parameter_pattern_added_or_changed_test.go --------------------------------
    Case(
        CPAT,
        "TestRequestParameterPatternChanged",
        "request-parameter-pattern-changed",
        W,
        lambda o, n: (
            param(o, G, "category", "post")["schema"].update(pattern="^\\w+$"),
            param(n, G, "category", "post")["schema"].update(pattern="^[\\w\\s]+$"),
        ),
    ),
    Case(
        CPAT,
        "TestRequestParameterPatternGeneralized",
        "request-parameter-pattern-generalized",
        INF,
        lambda o, n: (
            param(o, G, "category", "post")["schema"].update(pattern="^\\w+$"),
            param(n, G, "category", "post")["schema"].update(pattern=".*"),
        ),
    ),
    Case(
        CPAT,
        "TestRequestParameterPatternAdded",
        "request-parameter-pattern-added",
        B,
        on_new(lambda d: param(d, G, "category", "post")["schema"].update(pattern="^\\w+$")),
    ),
    Case(
        CPAT,
        "TestRequestParameterPatternRemoved",
        "request-parameter-pattern-removed",
        INF,
        on_old(lambda d: param(d, G, "category", "post")["schema"].update(pattern="^\\w+$")),
    ),
    # --- check_request_parameters_default_value_changed_test.go (levels: checker/rules.go) -------
    Case(
        CDEF,
        "TestRequestParameterDefaultValueChanged",
        "request-parameter-default-value-changed",
        B,
        on_new(
            lambda d: param(d, G, "category", "post")["schema"].update(default="updated_category")
        ),
    ),
    Case(
        CDEF,
        "TestRequestParameterDefaultValueChangedAndRenamedParameter",
        "request-parameter-default-value-changed",
        B,
        lambda o, n: (
            param(o, ONE, "groupId")["schema"].update(default="2"),
            n["paths"].update({"/api/v1.0/groups/{group_id}": n["paths"].pop(ONE)}),
            param(n, "/api/v1.0/groups/{group_id}", "groupId").update(name="group_id"),
            param(n, "/api/v1.0/groups/{group_id}", "group_id")["schema"].update(default="1"),
        ),
    ),
    # --- check_api_security_updated_test.go ------------------------------------------------------
    Case(
        CSEC,
        "TestAPISecurityAdded",
        "api-security-added",
        INF,
        on_new(lambda d: op(d, G, "post").update(security=copy.deepcopy(SEC))),
    ),
    Case(
        CSEC,
        "TestAPISecurityDeleted",
        "api-security-removed",
        INF,
        on_old(lambda d: op(d, G, "post").update(security=copy.deepcopy(SEC))),
    ),
    Case(
        CSEC,
        "TestAPISecurityScopeRemoved",
        "api-security-scope-removed",
        INF,
        lambda o, n: (
            op(o, G, "post").update(security=copy.deepcopy(SEC)),
            op(n, G, "post").update(security=[{"petstore_auth": ["write:pets"]}]),
        ),
    ),
    Case(
        CSEC,
        "TestAPISecurityScopeAdded",
        "api-security-scope-added",
        INF,
        lambda o, n: (
            op(o, G, "post").update(security=[{"petstore_auth": ["write:pets"]}]),
            op(n, G, "post").update(security=copy.deepcopy(SEC)),
        ),
    ),
    # --- check_request_body_required_value_updated_test.go ---------------------------------------
    Case(
        CBODY,
        "TestRequestBodyBecameRequired",
        "request-body-became-required",
        B,
        on_old(lambda d: op(d, G, "post")["requestBody"].update(required=False)),
    ),
    Case(
        CBODY,
        "TestRequestBodyBecameOptional",
        "request-body-became-optional",
        INF,
        on_new(lambda d: op(d, G, "post")["requestBody"].update(required=False)),
    ),
    # --- check_request_parameter_required_value_updated_test.go ----------------------------------
    Case(
        CREQ,
        "TestBreaking_HeaderParamBecameRequired",
        "request-parameter-became-required",
        B,
        on_new(lambda d: param(d, INSTALL, NP).update(required=True)),
    ),
    Case(
        CREQ,
        "TestBreaking_HeaderParamBecameOptional",
        "request-parameter-became-optional",
        INF,
        on_old(lambda d: param(d, INSTALL, NP).update(required=True)),
    ),
    # --- check_request_parameters_max_items_updated_test.go --------------------------------------
    Case(
        CMAX,
        "TestRequestParameterMaxItemsIncreased",
        "request-parameter-max-items-increased",
        INF,
        lambda o, n: (
            param(o, G, "ids", "post")["schema"].update(maxItems=10),
            param(n, G, "ids", "post")["schema"].update(maxItems=20),
        ),
    ),
    Case(
        CMAX,
        "TestRequestParameterMaxItemsDecreased",
        "request-parameter-max-items-decreased",
        B,
        lambda o, n: (
            param(o, G, "ids", "post")["schema"].update(maxItems=20),
            param(n, G, "ids", "post")["schema"].update(maxItems=10),
        ),
    ),
    Case(
        CMAX,
        "TestBreaking_RequestParameterMaxItemsWithFlatten",
        "request-parameter-max-items-decreased",
        B,
        lambda o, n: (
            both(
                lambda d: d["paths"][G].update(parameters=[op(d, G, "post")["parameters"].pop(3)])
            )(o, n),
            o["paths"][G]["parameters"][0]["schema"].update(maxItems=20),
            n["paths"][G]["parameters"][0]["schema"].update(maxItems=10),
        ),
    ),
    Case(
        CMAX,
        "TestRequestParameterArrayMaxItemsDecreased",
        "request-parameter-max-items-decreased",
        B,
        lambda o, n: (
            param(o, G, "ids", "post")["schema"].update(maxItems=50),
            param(n, G, "ids", "post")["schema"].update(maxItems=10),
        ),
    ),
    # --- check_request_parameter_enum_value_updated_test.go --------------------------------------
    Case(
        CENUM,
        "TestRequestParameterEnumValueRemovedCheck",
        "request-parameter-enum-value-removed",
        B,
        on_old(lambda d: param(d, G, "status", "post")["schema"]["enum"].append("sold")),
    ),
    Case(
        CENUM,
        "TestRequestParameterEnumValueAddedCheck",
        "request-parameter-enum-value-added",
        INF,
        on_new(lambda d: param(d, G, "status", "post")["schema"]["enum"].append("sold")),
    ),
    Case(
        CENUM,
        "TestRequestParameterPropertyEnumValueRemovedCheck",
        "request-parameter-property-enum-value-removed",
        B,
        on_new(
            lambda d: param(d, G, "filter", "post")["schema"]["properties"]["origin"][
                "enum"
            ].remove("value-b")
        ),
    ),
    Case(
        CENUM,
        "TestRequestParameterPropertyEnumValueAddedCheck",
        "request-parameter-property-enum-value-added",
        INF,
        on_old(
            lambda d: param(d, G, "filter", "post")["schema"]["properties"]["origin"][
                "enum"
            ].remove("value-b")
        ),
    ),
    # --- check_api_operation_id_updated_test.go --------------------------------------------------
    Case(
        COPID,
        "TestOperationIdRemoved",
        "api-operation-id-removed",
        INF,
        on_new(lambda d: op(d, G, "post").pop("operationId")),
    ),
    Case(
        COPID,
        "TestOperationIdUpdated",
        "api-operation-id-removed",
        INF,
        on_new(lambda d: op(d, G, "post").update(operationId="newOperationId")),
    ),
    Case(
        COPID,
        "TestOperationIdAdded",
        "api-operation-id-added",
        INF,
        on_old(lambda d: op(d, G, "post").pop("operationId")),
    ),
    # --- check_breaking_property_test.go ---------------------------------------------------------
    Case(
        CP,
        "TestBreaking_NewRequiredProperty",
        "new-required-request-header-property",
        B,
        on_new(_header_param_prop(["courseId"])),
    ),
    Case(CP, "TestBreaking_NewNonRequiredProperty", None, INF, on_new(_header_param_prop(None))),
    Case(
        CP,
        "TestBreaking_PropertyRequiredEnabled",
        "request-header-property-became-required",
        B,
        lambda o, n: (_header_param_prop([])(o), _header_param_prop(["courseId"])(n)),
        lenient=True,
    ),
    Case(
        CP,
        "TestBreaking_PropertyRequiredDisabled",
        None,
        INF,
        lambda o, n: (_header_param_prop(["courseId"])(o), _header_param_prop([])(n)),
        lenient=True,
    ),
    Case(
        CP,
        "TestBreaking_RespBodyRequiredPropertyDisabled",
        "response-property-became-optional",
        B,
        on_new(lambda d: schema(d, "Report").pop("required")),
    ),
    Case(
        CP,
        "TestBreaking_ReqBodyBecameEnum",
        "request-body-became-enum",
        B,
        on_new(lambda d: schema(d, "Choice").update(enum=["VALUE_1", "VALUE_2"])),
    ),
    Case(
        CP,
        "TestBreaking_ReqBodyEnumValueAdded",
        None,
        INF,
        lambda o, n: (
            schema(o, "Choice").update(enum=["VALUE_1"]),
            schema(n, "Choice").update(enum=["VALUE_1", "VALUE_2"]),
        ),
    ),
    Case(
        CP,
        "TestBreaking_ReqBodyBecameEnumAndTypeChanged",
        "request-body-type-changed",
        B,
        on_new(lambda d: schema(d, "Choice").update(type="integer", enum=[1, 2])),
    ),
    Case(
        CP,
        "TestBreaking_ReqPropertyBecameEnum",
        "request-property-became-enum",
        B,
        on_new(lambda d: data(d)["properties"]["name"].update(enum=["a", "b"])),
    ),
    Case(
        CP,
        "TestBreaking_ReqParameterBecameEnum",
        "request-parameter-became-enum",
        B,
        on_new(lambda d: param(d, SCORE, "project")["schema"].update(enum=["a", "b"])),
    ),
    Case(
        CP,
        "TestBreaking_ReqParameterHeaderPropertyBecameEnum",
        "request-header-property-became-enum",
        B,
        on_new(
            lambda d: param(d, INSTALL, NP)["schema"]["properties"]["p"].update(enum=["a", "b"])
        ),
    ),
    Case(
        CP,
        "TestBreaking_RespBodyNullable",
        "response-body-became-nullable",
        B,
        on_new(
            lambda d: op(d, SCORE)["responses"]["200"]["content"]["application/json"][
                "schema"
            ].update(nullable=True)
        ),
    ),
    Case(
        CP,
        "TestBreaking_ReqBodyPropertyNotNullable",
        "request-property-became-not-nullable",
        B,
        on_old(lambda d: data(d)["properties"]["name"].update(nullable=True)),
    ),
    Case(
        CP,
        "TestBreaking_RespBodyPropertyNullable",
        "response-property-became-nullable",
        B,
        on_new(lambda d: schema(d, "Report")["properties"]["count"].update(nullable=True)),
    ),
    Case(
        CP,
        "TestBreaking_RespBodyEmbeddedPropertyNullable",
        "response-property-became-nullable",
        B,
        on_new(
            lambda d: schema(d, "Report")["properties"]["detail"]["properties"]["note"].update(
                nullable=True
            )
        ),
    ),
    Case(
        CP,
        "TestBreaking_RespBodyRequiredPropertyEnabled",
        None,
        INF,
        on_old(lambda d: schema(d, "Report").pop("required")),
    ),
    Case(
        CP,
        "TestBreaking_ReqBodyRequiredPropertyDisabled",
        None,
        INF,
        on_new(lambda d: data(d).pop("required")),
    ),
    Case(
        CP,
        "TestBreaking_ReqBodyRequiredPropertyEnabled",
        "request-property-became-required",
        B,
        on_old(lambda d: data(d).pop("required")),
    ),
    Case(
        CP,
        "TestBreaking_ReqBodyNewRequiredProperty",
        "new-required-request-property",
        B,
        on_new(
            lambda d: (
                data(d)["properties"].update(age={"type": "integer"}),
                data(d)["required"].append("age"),
            )
        ),
    ),
    Case(
        CP,
        "TestBreaking_ReqBodyDeleteRequiredProperty",
        "request-property-removed",
        W,
        on_new(lambda d: (data(d)["properties"].pop("name"), data(d).pop("required"))),
    ),
    Case(
        CP,
        "TestBreaking_ReqBodyDeleteRequiredProperty2",
        "request-property-removed",
        W,
        on_new(lambda d: data(d)["properties"]["roles"]["items"]["properties"].pop("role")),
    ),
    Case(
        CP,
        "TestBreaking_RequiredPropertyWriteOnlyDisabled",
        "response-required-property-became-not-write-only",
        W,
        lambda o, n: (
            schema(o, "Report")["properties"]["secret"].update(writeOnly=True),
            both(lambda d: schema(d, "Report")["required"].append("secret"))(o, n),
        ),
    ),
    Case(
        CP,
        "TestBreaking_Body",
        "request-property-became-required",
        B,
        on_new(lambda d: data(d)["required"].append("created")),
    ),
    Case(
        CP,
        "TestBreaking_Items",
        "request-property-became-required",
        B,
        on_new(lambda d: data(d)["properties"]["roles"]["items"].update(required=["id"])),
    ),
    Case(
        CP,
        "TestBreaking_NestedProp",
        "request-property-became-required",
        B,
        on_new(lambda d: data(d)["required"].append("roles")),
    ),
    Case(
        CP,
        "TestBreaking_OneOf",
        "response-property-became-optional",
        B,
        lambda o, n: (
            both(
                lambda d: op(d, ONE)["responses"]["200"]["content"]["application/json"].update(
                    schema={
                        "oneOf": [
                            {"$ref": "#/components/schemas/Report"},
                            {"$ref": "#/components/schemas/Dog"},
                        ]
                    }
                )
            )(o, n),
            schema(n, "Report").pop("required"),
        ),
    ),
    # --- oasdiff's data/checker/enum_removed_entirely_{base,revision}.yaml, as written ----------
    Case(CBER, "TestRequestBodyEnumRemoved", "request-body-enum-removed", INF, files=ENUM_GONE),
    Case(
        CPER,
        "TestRequestParameterEnumRemoved",
        "request-parameter-enum-removed",
        INF,
        files=ENUM_GONE,
    ),
    Case(
        CPER,
        "TestRequestParameterEnumRemoved",
        "request-parameter-property-enum-removed",
        INF,
        files=ENUM_GONE,
    ),
    # --- oasdiff's data/checker/additional_properties_traversal_{base,revision}.yaml -------------
    Case(
        CSUB,
        "TestAdditionalPropertiesTraversalDeletedRequiredProperty",
        "response-required-property-removed",
        B,
        files=TRAVERSAL,
    ),
    Case(
        CSUB,
        "TestAdditionalPropertiesTraversalAddedRequiredProperty",
        "response-required-property-added",
        INF,
        files=TRAVERSAL[::-1],
    ),
    # --- oasdiff's data/checker/webhook_{base,revision}.yaml -----------------------------------
    Case(CWH, "TestWebhookAddedAndRemoved", "webhook-removed", B, files=WEBHOOKS),
    Case(CWH, "TestWebhookAddedAndRemoved", "webhook-added", INF, files=WEBHOOKS),
    Case(CWH, "TestWebhookNoChanges", None, INF, files=(WEBHOOKS[0], WEBHOOKS[0])),
]
