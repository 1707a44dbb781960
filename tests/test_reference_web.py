"""What the reference serves to browsers (reference/web.py) and its CORS policy
(reference/cors.py), over real HTTP. The browser itself is tests/test_web_client_browser.py's;
here a small stand-in build folder is enough, so no npm is needed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reference.app import build_app
from reference.cors import normalize_origin, rules_from_contract
from reference.settings import Settings, SettingsError, load_settings
from tests.conftest import ROOT, SPEC
from tests.reference_support.fixtures import Stack, start_stack

PACKAGE = ROOT / "generated" / "serviceai-api-spec"
ALLOWED = "http://localhost:5173"
OTHER = "http://localhost:5174"
WEBRTC_HEADERS = "authorization,content-type,x-client-version,x-csrf-token"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dist")
    (folder / "index.html").write_text("<!doctype html><title>client</title>")
    (folder / "reference.html").write_text("<!doctype html><title>reference</title>")
    (folder / "main.js").write_text("export {};\n")
    (folder / "style.css").write_text("body {}\n")
    (folder / "notes.md").write_text("not an asset type the server serves\n")
    return folder


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, build: Path) -> Iterator[Stack]:
    yield from start_stack(
        tmp_path_factory.mktemp("web"),
        cors_allowed_origins=[ALLOWED, "HTTP://Example.COM:80"],
        web_dir=build,
        mint_rate_limit=1,
    )


@pytest.fixture(scope="module")
def unbuilt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """CORS off (the default), no web build, no contract files."""
    tmp = tmp_path_factory.mktemp("unbuilt")
    yield from start_stack(tmp, web_dir=tmp / "nothing", contract_dir=tmp / "nothing")


@pytest.fixture
def http(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url, timeout=10) as client:
        yield client


def _cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


# -- the contract and the pages ------------------------------------------------------------


def test_contract_served_byte_for_byte(http: httpx.Client) -> None:
    yaml = http.get("/openapi.yaml")
    assert yaml.status_code == 200 and yaml.headers["content-type"] == "application/yaml"
    assert yaml.content == SPEC.read_bytes()
    json_ = http.get("/openapi.json")
    assert json_.status_code == 200 and json_.headers["content-type"] == "application/json"
    assert json_.content == (PACKAGE / "openapi.json").read_bytes()
    assert json_.json()["info"]["version"] == "1.1.24"
    head = http.head("/openapi.yaml")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) == len(SPEC.read_bytes())


def test_pages_and_assets(http: httpx.Client, build: Path) -> None:
    page = http.get("/")
    assert page.status_code == 200 and page.text == (build / "index.html").read_text()
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    csp = page.headers["content-security-policy"]
    assert "connect-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self';" in csp and "unsafe" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"] == "no-referrer"
    docs = http.get("/docs")
    assert docs.status_code == 200 and "reference" in docs.text
    assert "worker-src blob:" in docs.headers["content-security-policy"]
    script = http.get("/assets/main.js")
    assert script.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert http.get("/assets/style.css").headers["content-type"] == "text/css; charset=utf-8"
    # the hardening applies here too
    for response in (page, docs, script, http.get("/openapi.json")):
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "name",
    [
        "missing.js",
        "notes.md",  # in the folder, but not a type the server hands out
        "..%2Findex.html",
        "..%2F..%2Fpyproject.toml",
        "%2e%2e/%2e%2e/pyproject.toml",
        ".hidden.js",
        "sub/main.js",
        "main.js%00.css",
        "x" * 300 + ".js",
    ],
)
def test_unknown_or_hostile_asset_is_a_json_404(http: httpx.Client, name: str) -> None:
    response = http.get(f"/assets/{name}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    if "%2F" in name:
        # An encoded slash is refused before routing by the generated server runtime, as for
        # any path (docs/operations.md): the asset route never sees it.
        assert response.json() == {"detail": "Not Found"}
    else:
        assert response.json()["code"] == "NOT_FOUND"


def test_wrong_method_is_json_not_text(http: httpx.Client) -> None:
    for path in ("/", "/docs", "/openapi.json", "/assets/main.js"):
        response = http.post(path, content=b"{}")
        assert response.status_code == 405, path
        assert response.headers["content-type"] == "application/json", path


def test_not_built_and_missing_contract_are_clear_503s(unbuilt: Stack) -> None:
    with httpx.Client(base_url=unbuilt.url) as http:
        for path in ("/", "/docs", "/assets/main.js"):
            response = http.get(path)
            assert response.status_code == 503, path
            assert response.json() == {
                "error": "The web client is not built: run `make web` (scripts/build_web.py).",
                "code": "WEB_NOT_BUILT",
            }
        for path in ("/openapi.json", "/openapi.yaml"):
            response = http.get(path)
            assert response.status_code == 503 and response.json()["code"] == "CONTRACT_MISSING"


# -- CORS -------------------------------------------------------------------------------------


def _preflight(
    http: httpx.Client, path: str, method: str, headers: str, origin: str = ALLOWED
) -> httpx.Response:
    return http.options(
        path,
        headers={
            "origin": origin,
            "access-control-request-method": method,
            "access-control-request-headers": headers,
        },
    )


def test_preflight_answered_per_the_contract(http: httpx.Client) -> None:
    response = _preflight(http, "/api/realtime/webrtc", "POST", WEBRTC_HEADERS)
    assert response.status_code == 204 and response.content == b""
    assert _cors_headers(response) == {
        "access-control-allow-origin": ALLOWED,
        "access-control-allow-methods": "POST",
        "access-control-allow-headers": "Authorization, Content-Type, X-CSRF-Token, "
        "X-Client-Version",
        "access-control-max-age": "600",
    }
    assert "Origin" in response.headers["vary"]
    tools = _preflight(http, "/api/chatty-voice/tools", "GET", "authorization,x-client-version")
    assert tools.status_code == 204
    assert tools.headers["access-control-allow-methods"] == "GET"
    # GET /api/version is public (security: []) and takes no body: only X-Client-Version
    version = _preflight(http, "/api/version", "GET", "x-client-version")
    assert version.headers["access-control-allow-headers"] == "X-Client-Version"


@pytest.mark.parametrize(
    ("path", "method", "headers", "origin", "reason"),
    [
        ("/api/realtime/webrtc", "POST", WEBRTC_HEADERS, OTHER, "origin"),
        ("/api/realtime/webrtc", "POST", WEBRTC_HEADERS, "null", "origin"),
        ("/api/realtime/webrtc", "PUT", WEBRTC_HEADERS, ALLOWED, "PUT is not documented"),
        ("/api/realtime/webrtc", "POST", "x-forwarded-for", ALLOWED, "x-forwarded-for"),
        ("/api/version", "GET", "authorization", ALLOWED, "authorization"),
        ("/api/secret", "GET", "", ALLOWED, "not an operation"),
        ("/openapi.json", "GET", "authorization", ALLOWED, "not an operation"),
    ],
)
def test_preflight_refused_without_cors_headers(
    http: httpx.Client, path: str, method: str, headers: str, origin: str, reason: str
) -> None:
    response = _preflight(http, path, method, headers, origin)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json"
    assert response.json()["code"] == "CORS_REFUSED" and reason in response.json()["error"]
    assert _cors_headers(response) == {}


def test_actual_requests_carry_cors_for_allowed_origins_only(http: httpx.Client) -> None:
    auth = {"authorization": "Bearer tok-bob"}
    allowed = http.get("/api/csrf-token", headers={**auth, "origin": ALLOWED})
    assert allowed.status_code == 200
    assert _cors_headers(allowed) == {
        "access-control-allow-origin": ALLOWED,
        "access-control-expose-headers": "Retry-After, X-Request-ID",
    }
    other = http.get("/api/csrf-token", headers={**auth, "origin": OTHER})
    assert other.status_code == 200 and _cors_headers(other) == {}
    assert "Origin" in other.headers["vary"]
    # a normalized entry of the setting (HTTP://Example.COM:80) matches the browser's origin
    example = http.get("/openapi.json", headers={"origin": "http://example.com"})
    assert example.headers["access-control-allow-origin"] == "http://example.com"
    # an error answer is readable cross-origin too, its Retry-After exposed
    first = http.post("/api/realtime-token", json={}, headers={**auth, "origin": ALLOWED})
    limited = http.post("/api/realtime-token", json={}, headers={**auth, "origin": ALLOWED})
    assert first.status_code != 429 and limited.status_code == 429
    assert limited.headers["access-control-allow-origin"] == ALLOWED
    assert limited.headers["access-control-expose-headers"] == "Retry-After, X-Request-ID"
    assert int(limited.headers["retry-after"]) > 0


def test_credentials_never_allowed(http: httpx.Client) -> None:
    responses = [
        _preflight(http, "/api/realtime/webrtc", "POST", WEBRTC_HEADERS),
        http.get("/api/csrf-token", headers={"origin": ALLOWED, "cookie": "session=1"}),
    ]
    for response in responses:
        assert "access-control-allow-credentials" not in response.headers


def test_cors_off_by_default_changes_nothing(unbuilt: Stack) -> None:
    with httpx.Client(base_url=unbuilt.url) as http:
        preflight = _preflight(http, "/api/realtime/webrtc", "POST", WEBRTC_HEADERS)
        # no CORS layer: the contract's own answer to an undocumented method
        assert preflight.status_code == 405 and preflight.headers["allow"] == "POST"
        assert _cors_headers(preflight) == {}
        plain = http.get("/api/version", headers={"origin": ALLOWED})
        assert _cors_headers(plain) == {} and "vary" not in plain.headers


def test_origin_setting_is_normalized_and_checked(tmp_path: Path) -> None:
    assert normalize_origin("HTTPS://App.Example.com:443/") == "https://app.example.com"
    assert normalize_origin("http://[::1]:5173") == "http://[::1]:5173"
    base = {"upstream_base_url": "http://127.0.0.1:9/v1"}
    settings = Settings(
        **base, cors_allowed_origins=["http://localhost:5173", "http://LOCALHOST:5173"]
    )
    assert settings.cors_allowed_origins == ["http://localhost:5173"]
    for bad in (
        "*",
        "null",
        "localhost:5173",
        "http://a.example/path",
        "ftp://a.example",
        "http://u:p@a.example",
        "http://a.example:99999",
    ):
        with pytest.raises(SettingsError) as caught:
            load_settings(**base, cors_allowed_origins=[bad])
        assert "cors_allowed_origins" in str(caught.value)


def test_rules_follow_the_contract_document() -> None:
    doc = {
        "openapi": "3.1.0",
        "security": [{"key": []}],
        "components": {
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}},
            "parameters": {"Trace": {"name": "X-Trace", "in": "header", "schema": {}}},
        },
        "paths": {
            "/items/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Trace"}],
                "get": {"responses": {}},
                "put": {"requestBody": {"content": {}}, "responses": {}, "security": []},
            }
        },
    }
    (rule,) = rules_from_contract(doc)
    assert rule.methods == ("GET", "PUT")
    assert sorted(rule.headers.values()) == ["Content-Type", "X-Api-Key", "X-Trace"]
    assert rule.pattern.fullmatch("/items/42") and not rule.pattern.fullmatch("/items/4/2")


def test_cors_without_the_contract_stops_start_up(tmp_path: Path) -> None:
    settings = Settings(
        upstream_base_url="http://127.0.0.1:9/v1",
        cors_allowed_origins=[ALLOWED],
        contract_dir=tmp_path,
    )
    with pytest.raises(SettingsError, match="cors_allowed_origins needs the published contract"):
        build_app(settings)
