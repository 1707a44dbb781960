"""What the reference serves to browsers, outside the published contract (docs/web-client.md).

- `GET /`: the voice web client (`web/`, built by `make web` into `web/dist/`);
- `GET /assets/{name}`: its scripts and style, and the vendored Redoc bundle;
- `GET /docs`: the API reference page, Redoc rendering `/openapi.json`;
- `GET /openapi.json`, `GET /openapi.yaml`: the published contract, byte for byte (the web
  contract package, `generated/serviceai-api-spec/`: `openapi.yaml` is `spec/openapi.yaml`).

The pages carry a Content-Security-Policy that lets them talk to this server only (a crafted
link cannot make the served page send its token elsewhere) and forbids framing. While the client
is not built, its routes answer a JSON 503 naming the command that builds it; an unknown asset is
a JSON 404. The security headers (`reference/hardening.py`) and CORS (`reference/cors.py`) apply
to these routes as to the API's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from reference.cors import Cors, rules_from_contract
from reference.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parent.parent
WEB_BUILD = ROOT / "web" / "dist"
CONTRACT_PACKAGE = ROOT / "generated" / "serviceai-api-spec"

_ASSET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
}
_PAGE_HEADERS = {"referrer-policy": "no-referrer", "x-frame-options": "DENY"}
CLIENT_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; media-src 'self' blob: mediastream:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
# Redoc injects its styles (styled-components) and runs its search index in a blob: worker.
REFERENCE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; img-src 'self' data:; font-src 'self' data:; worker-src blob:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
NOT_BUILT = "The web client is not built: run `make web` (scripts/build_web.py)."


def _error(status: int, message: str, code: str) -> JSONResponse:
    return JSONResponse({"error": message, "code": code}, status_code=status)


def browser_routes(web_dir: Path, contract_dir: Path) -> list[Route]:
    def page(name: str, csp: str) -> Response:
        path = web_dir / name
        if not path.is_file():
            return _error(503, NOT_BUILT, "WEB_NOT_BUILT")
        return FileResponse(
            path,
            media_type="text/html; charset=utf-8",
            headers={**_PAGE_HEADERS, "content-security-policy": csp, "cache-control": "no-cache"},
        )

    async def client(request: Request) -> Response:
        return page("index.html", CLIENT_CSP)

    async def reference(request: Request) -> Response:
        return page("reference.html", REFERENCE_CSP)

    async def asset(request: Request) -> Response:
        name = str(request.path_params["name"])
        media_type = _MEDIA_TYPES.get(Path(name).suffix)
        if not web_dir.is_dir():
            return _error(503, NOT_BUILT, "WEB_NOT_BUILT")
        # a plain file name of the build folder: no separators, no dot files, nothing else
        path = web_dir / name
        if not _ASSET_NAME.fullmatch(name) or media_type is None or not path.is_file():
            return _error(404, f"No such asset: {name[:128]}", "NOT_FOUND")
        return FileResponse(path, media_type=media_type, headers={"cache-control": "no-cache"})

    def contract(name: str, media_type: str) -> Response:
        path = contract_dir / name
        if not path.is_file():
            return _error(503, f"The contract file {name} is missing.", "CONTRACT_MISSING")
        return FileResponse(path, media_type=media_type, headers={"cache-control": "no-cache"})

    async def openapi_json(request: Request) -> Response:
        return contract("openapi.json", "application/json")

    async def openapi_yaml(request: Request) -> Response:
        return contract("openapi.yaml", "application/yaml")

    return [
        Route("/", client, methods=["GET"]),
        Route("/docs", reference, methods=["GET"]),
        Route("/assets/{name:path}", asset, methods=["GET"]),
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/openapi.yaml", openapi_yaml, methods=["GET"]),
    ]


def install_browser_support(app: FastAPI, settings: Settings) -> None:
    """The routes above, and CORS when origins are allowed (before the security headers are
    added, so they wrap CORS's answers too)."""
    contract_dir = settings.contract_dir or CONTRACT_PACKAGE
    app.router.routes.extend(browser_routes(settings.web_dir or WEB_BUILD, contract_dir))
    if settings.cors_allowed_origins:
        try:
            doc = json.loads((contract_dir / "openapi.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SettingsError(
                f"cors_allowed_origins needs the published contract: {exc}"
            ) from None
        app.add_middleware(
            Cors, origins=settings.cors_allowed_origins, rules=rules_from_contract(doc)
        )
