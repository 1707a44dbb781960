"""The fixed slice of `make sdk-e2e` that `make test` runs: two documents through Prism.

readme's `3.0/security.json` (every auth kind: basic, bearer, API key in header, query and
cookie, OAuth2, OpenID Connect) and tests/fixtures/sdk-stream.yaml (the stream flag, event
streams, every pagination style, uploads) are generated, served by the pinned Prism mock and
called operation by operation through the generated client (scripts/sdk_e2e.py). Without node
and npm this fails in CI (`CI=true`) and skips elsewhere, saying how to get them.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import IN_CI
from stream_support import PACKAGE, generated_folder, stream_sdk

from scripts import sdk_e2e


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, sdk_e2e.DocumentReport]:
    if shutil.which("npm") is None or shutil.which("node") is None:
        message = "the SDK end-to-end slice needs node and npm (apt-get install nodejs npm)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    work = tmp_path_factory.mktemp("sdk-e2e")
    sources = [s for s in sdk_e2e.DOCUMENTS if s.name in sdk_e2e.SLICE]
    sdk_e2e.prism_bin()  # installed once, before the mocks start side by side
    mocks = {s.name: sdk_e2e.start_mock(s, work) for s in sources}
    # The fixture's package is the one the other SDK tests generated (stream_support).
    stream_sdk(tmp_path_factory.getbasetemp())
    generated = {"sdk-stream": (generated_folder(), PACKAGE)}
    found = {}
    try:
        for source in sources:
            found[source.name] = sdk_e2e.run_document(
                source, work, mock=mocks[source.name], generated=generated.get(source.name)
            )
    finally:
        for mock in mocks.values():
            mock.stop()
    sdk_e2e.write_reports(list(found.values()), work, "pytest tests/test_sdk_e2e_slice.py")
    return found


def test_every_operation_is_called_and_nothing_fails_on_the_sdk(
    reports: dict[str, sdk_e2e.DocumentReport],
) -> None:
    for name, report in reports.items():
        assert not report.error, (name, report.error)
        assert len(report.calls) == report.operations > 0, name
        bad = [
            c
            for c in report.calls
            if c.outcome in ("sdk error", "harness")
            or (c.outcome == "parse failure" and c.fault.startswith("sdk"))
        ]
        assert bad == [], bad


def test_every_auth_kind_gets_its_credential(reports: dict[str, sdk_e2e.DocumentReport]) -> None:
    security = reports["security"]
    assert {"basic", "bearer", "api_key (header)", "api_key (query)", "api_key (cookie)"} <= set(
        security.auth
    )
    # No 401 from Prism: each secured operation got what its scheme asks for.
    assert security.count("auth") == 0
    assert security.count("request violation") == 0
    # /status/401 documents nothing but its 401, which Prism answers: its exception is raised.
    assert security.count("typed") == security.operations - 1


def test_streams_pagers_and_uploads_through_prism(
    reports: dict[str, sdk_e2e.DocumentReport],
) -> None:
    fixture = reports["sdk-stream"]
    by_kind: dict[str, list[sdk_e2e.Call]] = {}
    for call in fixture.calls:
        by_kind.setdefault(call.kind, []).append(call)
    # Every pager returned its items (Prism answers each page with the documented example).
    pagers = by_kind["pager"]
    assert len(pagers) == fixture.paginated == 7
    assert all(c.outcome in ("typed", "mock limit") for c in pagers)
    assert sum(1 for c in pagers if c.outcome == "typed") >= 6
    assert all(c.outcome == "typed" for c in by_kind["upload"])
    # Prism cannot render an object schema as text/event-stream or JSON Lines (its
    # NO_COMPLEX_OBJECT_TEXT problem): reported as the mock's limit, never as the SDK's.
    for call in by_kind["stream"]:
        assert call.outcome in ("typed", "mock limit"), call
    assert fixture.streamed == 6
