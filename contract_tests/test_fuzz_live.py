"""Every operation fuzzed over the network: the reference under uvicorn on loopback, the same
phases, modes and checks as in-process."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis

from contract_tests.support import make_schema, validate
from tests.reference_support.servers import LiveServer

schema = make_schema()


@pytest.fixture(scope="module")
def live_schema(live_reference: LiveServer) -> Any:
    schema.config.update(base_url=live_reference.url)
    return schema


lazy = schemathesis.pytest.from_fixture("live_schema")


@lazy.parametrize()
def test_fuzz_over_the_network(case: Any) -> None:
    response = case.call(timeout=10)
    validate(case, response, source="fuzz live")
