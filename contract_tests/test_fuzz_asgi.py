"""Every operation fuzzed in-process (ASGI): examples, coverage and fuzzing phases, positive and
negative generation, every check."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis

from contract_tests.support import make_schema, validate

schema = make_schema()


@pytest.fixture(scope="module")
def asgi_schema(asgi_app: Any) -> Any:
    schema.app = asgi_app
    return schema


lazy = schemathesis.pytest.from_fixture("asgi_schema")


@lazy.parametrize()
def test_fuzz_in_process(case: Any) -> None:
    response = case.call()
    validate(case, response, source="fuzz in-process")
