"""Documented responses that depend on the upstream or on state, built deterministically against
the live reference (fault-injecting fake upstream, real rate limits, old client versions) and
validated by schemathesis with every check. Only what a deliberate fault contradicts is relaxed,
per request (see scenarios.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from contract_tests.scenarios import SCENARIOS, Target, live_target


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    with live_target(tmp_path_factory.mktemp("faults")) as t:
        yield t


@pytest.mark.parametrize("scenario", list(SCENARIOS.values()), ids=list(SCENARIOS))
def test_documented_response(target: Target, scenario: Callable[[Target], None]) -> None:
    scenario(target)
