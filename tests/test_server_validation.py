"""The stubs' JSON Schema checks: a schema without references is checked as it stands.

Reaching a schema through the document's registry costs a reference lookup on every call; the
header every ServiceAi operation takes is checked on every request, so its validator must not.
"""

from __future__ import annotations

from serviceai_api.server import validation

HEADER = "/paths/~1api~1version/get/parameters/0/schema"  # X-Client-Version: {type: string}
ERROR_BODY = "/paths/~1api~1realtime~1webrtc/post/responses/400/content/application~1json/schema"


def test_a_schema_without_references_is_validated_as_it_stands() -> None:
    checker = validation.validator(HEADER)
    assert checker.schema == {"type": "string"}
    assert validation.errors(HEADER, "1.0.0") == []
    assert validation.errors(HEADER, 1) == ["(root): 1 is not of type 'string'"]


def test_a_schema_with_references_resolves_them_against_the_document() -> None:
    checker = validation.validator(ERROR_BODY)
    assert "$ref" in checker.schema  # {"$ref": "<document>#/paths/..."}
    assert validation.errors(ERROR_BODY, {"error": "bad"}) == []
    assert validation.errors(ERROR_BODY, {"code": "x"}) == [
        "(root): 'error' is a required property"
    ]
