"""The calls leg (POST /api/realtime/webrtc -> OpenAI's POST /realtime/calls) answering every
status from 400 to 599, as OpenAI's JSON error, as text and as HTML.

Every answer must be the verbatim pass-through the `default` response's prose promises (status,
content type and body as OpenAI sent them). Schemathesis then validates each one against the
published contract. Where the two disagree, the disagreement is a gap of the published contract,
not of the server, and the coverage matrix names it (`published_contract_gaps`):

- a status the contract documents explicitly (400, 401, 403, 429, 500, 502) types its body as
  this server's envelope (`{error: string}`), so OpenAI's `{error: {...}}`, text or HTML under it
  cannot validate;
- `default` documents application/json and text/plain only, so an HTML error page cannot.

The test fails when a response is not verbatim, when one the rules call valid fails validation,
or when one they call a gap validates (then the rules, and the matrix, are out of date).

Every status costs a round trip through the reference and its fake upstream and a schemathesis
validation per flavour (600 in all: about a minute on a busy 2-core machine). `make test` runs a
fixed slice of the statuses (STATUSES: every status the contract documents, both ends of each
class and every fifth status, each in all three flavours); `make contract-full`
(CONTRACT_FULL=1) runs all 200.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from schemathesis.checks import not_a_server_error

from contract_tests.scenarios import WEBRTC
from contract_tests.support import CONTRACT, COVERAGE, OFFER, make_schema, validate_httpx
from tests.reference_support.process import Served, served

FLAVOURS = {
    "json": (
        "application/json",
        '{{"error":{{"message":"upstream said {status}","type":"invalid_request_error",'
        '"param":null,"code":"e{status}"}}}}',
    ),
    "text": ("text/plain; charset=utf-8", "upstream said {status}"),
    "html": (
        "text/html; charset=utf-8",
        "<html><body><h1>{status}</h1><p>upstream said {status}</p></body></html>",
    ),
}
DOCUMENTED = {
    int(k)
    for k in CONTRACT["paths"]["/api/realtime/webrtc"]["post"]["responses"]
    if k.isdigit() and int(k) >= 400
}
# The statuses `make test` drives; every one from 400 to 599 with `make contract-full`.
STATUSES = (
    range(400, 600)
    if os.environ.get("CONTRACT_FULL") == "1"
    else sorted({*DOCUMENTED, 400, 499, 500, 599, *range(400, 600, 5)})
)
DEFAULT_MEDIA = set(
    CONTRACT["paths"]["/api/realtime/webrtc"]["post"]["responses"]["default"]["content"]
)

REASONS = {
    "typed": "OpenAI's error passed through under a status the contract documents with this "
    "server's own JSON envelope ({error: string}); the pass-through cannot validate there",
    "media": "an error page whose media type the `default` response does not list "
    "(application/json, text/plain only) passed through verbatim",
}


def expected_gap(status: int, content_type: str) -> str | None:
    if status in DOCUMENTED:
        return "typed"
    if content_type.split(";")[0] not in DEFAULT_MEDIA:
        return "media"
    return None


def _drive(server: Served, combos: list[tuple[int, str]]) -> list[tuple[int, str, httpx.Response]]:
    """Each (status, flavour) through one served process: set the fault, exchange an offer."""
    results = []
    auth = {"authorization": f"Bearer {server.token}"}
    with (
        httpx.Client(base_url=server.url, headers=auth, timeout=10) as client,
        httpx.Client(base_url=server.fake_url, timeout=10) as fake,
    ):
        csrf = client.get("/api/csrf-token").json()["token"]
        for status, flavour in combos:
            content_type, template = FLAVOURS[flavour]
            fault = {
                "status": status,
                "body": template.format(status=status),
                "content_type": content_type,
                "paths": ["/realtime/calls"],
            }
            fake.post("/__faults", json=fault).raise_for_status()
            response = client.post(
                "/api/realtime/webrtc", json={"sdp": OFFER}, headers={"x-csrf-token": csrf}
            )
            results.append((status, flavour, response))
    return results


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Served]]:
    """Two processes (two cores), each with its own fake upstream."""
    tmp = tmp_path_factory.mktemp("statuses")
    config = {"webrtc_rate_limit": 1_000_000}
    with served(tmp / "a", config) as a, served(tmp / "b", config) as b:
        yield [a, b]


def test_every_upstream_status_is_passed_through_verbatim(servers: list[Served]) -> None:
    combos = [(status, flavour) for status in STATUSES for flavour in FLAVOURS]
    with ThreadPoolExecutor(len(servers)) as pool:
        halves = pool.map(_drive, servers, [combos[0::2], combos[1::2]])
        results = [r for half in halves for r in half]
    schema = make_schema()
    problems: list[str] = []
    gaps: dict[str, list[str]] = {}
    valid = 0
    for status, flavour, response in sorted(results, key=lambda r: (r[0], r[1])):
        content_type, template = FLAVOURS[flavour]
        body = template.format(status=status)
        got = (response.status_code, response.headers.get("content-type"), response.text)
        if got != (status, content_type, body):
            problems.append(f"{status} {flavour}: not verbatim: {got!r}")
            continue
        relax = (not_a_server_error,) if status >= 500 else ()
        gap = expected_gap(status, content_type)
        try:
            validate_httpx(schema, WEBRTC, response, source="upstream statuses", relax=relax)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis' FailureGroup
            if gap is None:
                problems.append(f"{status} {flavour}: invalid: {str(exc)[:300]}")
            else:
                gaps.setdefault(gap, []).append(f"{status} {content_type.split(';')[0]}")
            continue
        if gap is not None:
            problems.append(f"{status} {flavour}: validates, yet the rules call it {gap}")
        valid += 1
    assert not problems, "\n".join(problems[:20])
    for key, found in gaps.items():
        COVERAGE.contract_gaps[f"{WEBRTC}: {REASONS[key]}"] = found
    assert set(STATUSES) >= DOCUMENTED
    typed = len(DOCUMENTED) * len(FLAVOURS)
    html_elsewhere = len(STATUSES) - len(DOCUMENTED)
    assert (len(gaps.get("typed", [])), len(gaps.get("media", []))) == (typed, html_elsewhere)
    assert valid == len(combos) - typed - html_elsewhere
    for server in servers:
        assert "Traceback" not in server.log_text()
