"""Fixtures of the contract suite: the fake upstream, the reference in-process and live, media
type registration, and the ordering that runs the coverage-matrix test last."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contract_tests.support import fuzz_settings, reference_server, register_media_types
from reference.app import build_app
from reference.fake_upstream import FakeState, create_fake_app
from reference.settings import Settings
from tests.reference_support.fixtures import API_KEY
from tests.reference_support.servers import LiveServer

register_media_types()

MATRIX_TEST = "test_every_documented_response_was_observed_and_valid"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The coverage matrix reads what every other contract test recorded: it runs last."""
    last = [item for item in items if item.name == MATRIX_TEST]
    items[:] = [item for item in items if item.name != MATRIX_TEST] + last


@pytest.fixture(scope="session")
def fake_upstream() -> Iterator[LiveServer]:
    """The fake OpenAI upstream shared by the fuzz targets (no faults are ever set on it)."""
    server = LiveServer(create_fake_app(FakeState(api_keys={API_KEY}))).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def fuzz_reference_settings(
    fake_upstream: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    return fuzz_settings(tmp_path_factory.mktemp("fuzz"), fake_upstream.url + "/v1")


@pytest.fixture(scope="session")
def asgi_app(fuzz_reference_settings: Settings) -> Any:
    """The reference in-process, response validation off."""
    return build_app(fuzz_reference_settings, validate_responses=False)


@pytest.fixture(scope="session")
def live_reference(fuzz_reference_settings: Settings) -> Iterator[LiveServer]:
    """The reference under uvicorn on a free loopback port, response validation off."""
    with reference_server(fuzz_reference_settings) as server:
        yield server


@pytest.fixture
def reports_dir() -> Path:
    from contract_tests.support import REPORTS

    REPORTS.mkdir(parents=True, exist_ok=True)
    return REPORTS
