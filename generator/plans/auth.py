"""Credentials of the client SDK: one per security scheme, decided once.

Every scheme of the document is something the client can be given (the template
`client/_config.py.jinja` renders this plan for the runtime's `client/_auth.py`):

- an API key (`in: header | query | cookie`), HTTP bearer, OpenID Connect (a bearer token),
  HTTP basic, OAuth2 (a ready access token, or the client credentials flow: the client fetches
  the token from the `tokenUrl` and fetches it again before it expires and once on a 401);
- from a constructor argument: `token=` (bearer, OpenID Connect, OAuth2), `api_key=` (every API
  key scheme), `basic_auth=(user, password)`, `client_id=`/`client_secret=` (OAuth2 client
  credentials), or `credentials={scheme name: value}` for one scheme (several API keys);
- else from the environment, named after the package and the scheme: `<PKG>_<SCHEME>` (the
  scheme's name in upper snake case: `bearerAuth` of `shop_api` is `SHOP_API_BEARER_AUTH`),
  `<PKG>_<SCHEME>_USERNAME`/`_PASSWORD` for basic and `<PKG>_<SCHEME>_CLIENT_ID`/
  `_CLIENT_SECRET` for OAuth2 client credentials; then the kind's variable: `<PKG>_TOKEN`
  (bearer, OpenID Connect, OAuth2: today's variable keeps working), `<PKG>_API_KEY`,
  `<PKG>_USERNAME`/`<PKG>_PASSWORD`, `<PKG>_CLIENT_ID`/`<PKG>_CLIENT_SECRET`.

What an operation sends is its own `security` (else the document's; `security: []` sends
nothing): the first alternative whose credentials are all configured, an empty (anonymous)
alternative last. `Operation.security` holds those alternatives (generator.ir.build).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.ir.model import SecurityScheme
from generator.ir.naming import snake

# The kind-wide variables (and the client's own) a scheme's variable must not take.
KIND_VARIABLES = ("TOKEN", "API_KEY", "USERNAME", "PASSWORD", "CLIENT_ID", "CLIENT_SECRET")
_OWN_VARIABLES = frozenset({"BASE_URL", "LOG", *KIND_VARIABLES})
_KIND_VARIABLE = {"api_key": "API_KEY", "bearer": "TOKEN", "openid": "TOKEN", "oauth2": "TOKEN"}


@dataclass(frozen=True)
class SchemePlan:
    name: str  # as the document names it (the key of `credentials=`)
    kind: str  # api_key, bearer, basic, oauth2, openid, other
    location: str | None  # an API key's header/query/cookie
    parameter: str | None  # an API key's header/query/cookie name
    env: str  # <PKG>_<SCHEME>: the scheme's own variable (and the prefix of its pairs)
    token_url: str | None  # OAuth2 client credentials
    scopes: tuple[str, ...]
    description: str

    @property
    def what(self) -> str:
        """What the credential is, for docs: `the X-API-Key header`, `a bearer token`."""
        if self.kind == "api_key":
            return f"the `{self.parameter}` {self.location or 'header'} API key"
        if self.kind == "basic":
            return "HTTP basic (user, password)"
        if self.kind == "oauth2":
            flow = " or client credentials" if self.token_url else ""
            return f"OAuth2 (a bearer token{flow})"
        if self.kind in ("bearer", "openid"):
            return "a bearer token"
        return "not supported by the client (send it with extra_headers=)"


@dataclass(frozen=True)
class AuthPlan:
    prefix: str  # <PKG>
    schemes: tuple[SchemePlan, ...]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(s.kind for s in self.schemes)

    @property
    def uses_api_key(self) -> bool:
        return "api_key" in self.kinds

    @property
    def uses_basic(self) -> bool:
        return "basic" in self.kinds

    @property
    def uses_client_credentials(self) -> bool:
        return any(s.token_url for s in self.schemes)

    @property
    def redacted_headers(self) -> tuple[str, ...]:
        return tuple(
            (s.parameter or "").lower()
            for s in self.schemes
            if s.kind == "api_key" and s.location == "header" and s.parameter
        )

    @property
    def redacted_query(self) -> tuple[str, ...]:
        return tuple(
            s.parameter
            for s in self.schemes
            if s.kind == "api_key" and s.location == "query" and s.parameter
        )

    def variable(self, kind_variable: str) -> str:
        return f"{self.prefix}_{kind_variable}"


def build_auth_plan(schemes: tuple[SecurityScheme, ...], prefix: str) -> AuthPlan:
    taken: set[str] = set()
    planned = []
    for s in schemes:
        stem = re.sub(r"\W", "_", snake(s.name, "scheme")).upper()
        # `apiKey` (an API key scheme) may be `<PKG>_API_KEY`: the same credential either way.
        if (stem in _OWN_VARIABLES and stem != _KIND_VARIABLE.get(s.kind)) or stem in taken:
            stem += "_SCHEME"
        while stem in taken:
            stem += "_"
        taken.add(stem)
        planned.append(
            SchemePlan(
                name=s.name,
                kind=s.kind,
                location=s.location,
                parameter=s.parameter_name,
                env=f"{prefix}_{stem}",
                token_url=s.token_url,
                scopes=s.scopes,
                description=s.description,
            )
        )
    return AuthPlan(prefix, tuple(planned))
