"""Stateful runs: schemathesis chains the declared links (contract_tests/overlays/links.yaml)."""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest

from contract_tests.support import CONTRACT, COVERAGE, make_schema, validate
from tests.reference_support.servers import LiveServer

SOURCE = "stateful"


def _machine(schema: Any) -> Any:
    base = schema.as_state_machine()

    class ContractMachine(base):  # type: ignore[misc, valid-type]
        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            __tracebackhide__ = True
            validate(
                case,
                response,
                source=SOURCE,
                additional_checks=additional_checks,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    return ContractMachine


@pytest.fixture(scope="module")
def machine(live_reference: LiveServer) -> Any:
    schema = make_schema(max_examples=40, stateful_steps=8)
    schema.config.update(base_url=live_reference.url)
    return _machine(schema)


def test_links_are_declared_and_resolve(machine: Any) -> None:
    declared = sum(
        len(response.get("links", {}))
        for item in CONTRACT["paths"].values()
        for operation in item.values()
        for response in operation["responses"].values()
    )
    assert declared == 7
    assert machine.schema.statistic.transitions.total == declared


def test_stateful_chains_the_links(machine: Any) -> None:
    machine.run(
        settings=hypothesis.settings(
            max_examples=40,
            stateful_step_count=8,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
    seen = {k for k, v in COVERAGE.sources.items() if SOURCE in v}
    # Without the declared header link no request carries a valid X-CSRF-Token: only the chain
    # csrf-token -> webrtc reaches the exchange's 200; stateless cases stop at the 403.
    assert ("POST /api/realtime/webrtc", "200", "application/sdp") in seen, seen
