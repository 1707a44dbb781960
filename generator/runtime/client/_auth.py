"""Credentials: what the client was given, and what each operation sends (part of the SDK runtime).

One credential per security scheme of the document, from (first found wins):

1. `credentials={"<scheme>": value}` given to the client (a str, or (user, password) for basic,
   or (client id, client secret) for OAuth2 client credentials);
2. the kind's constructor argument: `token=` (bearer, OpenID Connect, OAuth2), `api_key=`
   (every API key scheme), `basic_auth=`, `client_id=` with `client_secret=` (OAuth2);
3. the scheme's environment variable, `<PKG>_<SCHEME>` (`..._USERNAME`/`..._PASSWORD` for basic,
   `..._CLIENT_ID`/`..._CLIENT_SECRET` for OAuth2 client credentials; `SCHEMES` lists them);
4. the kind's variable: `<PKG>_TOKEN`, `<PKG>_API_KEY`, `<PKG>_USERNAME`/`<PKG>_PASSWORD`,
   `<PKG>_CLIENT_ID`/`<PKG>_CLIENT_SECRET` (`ENV_TOKEN`, ... in `_config`, with `SCHEMES`).

An operation sends what its own `security` (else the document's) asks: the first alternative
whose credentials are all configured, the anonymous one (`{}`) last; `security: []` sends
nothing. OAuth2 client credentials are exchanged at the scheme's `tokenUrl` (HTTP basic client
authentication, `grant_type=client_credentials`, the document's scopes) for an access token that
is kept until shortly before it expires, and fetched again once when the API answers 401.
No credential is ever logged or put in an error message (`redacted`, `redact_url`, and a
filter on the `httpx` logger, which logs request URLs at INFO).
"""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

from . import _config
from ._config import (
    ENV_API_KEY,
    ENV_CLIENT_ID,
    ENV_CLIENT_SECRET,
    ENV_PASSWORD,
    ENV_TOKEN,
    ENV_USERNAME,
)

if TYPE_CHECKING:
    import httpx

Credential = str | tuple[str, str]


@dataclass(frozen=True)
class Scheme:
    kind: str  # api_key, bearer, basic, oauth2, openid, other
    location: str | None = None  # an API key's header, query or cookie
    parameter: str | None = None  # an API key's header, query or cookie name
    env: str = ""  # the scheme's own environment variable
    token_url: str | None = None  # OAuth2 client credentials
    scopes: tuple[str, ...] = ()


SCHEMES: dict[str, Scheme] = {name: Scheme(*fields) for name, fields in _config.SCHEMES.items()}
_BEARER_KINDS = frozenset({"bearer", "openid", "oauth2"})
# A fetched token is fetched again this many seconds before the server says it expires.
REFRESH_MARGIN = 30.0

_REDACTED_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"}) | {
    (s.parameter or "").lower()
    for s in SCHEMES.values()
    if s.kind == "api_key" and s.location == "header"
}
_REDACTED_QUERY = frozenset(
    s.parameter
    for s in SCHEMES.values()
    if s.kind == "api_key" and s.location == "query" and s.parameter
)


def redacted(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers as logged: credentials (Authorization, cookies, API key headers) replaced."""
    return {k: ("<redacted>" if k.lower() in _REDACTED_HEADERS else v) for k, v in headers.items()}


def redact_url(url: object) -> str:
    """`url` as logged or shown in an error: API keys in its query replaced."""
    text = str(url)
    if not _REDACTED_QUERY or "?" not in text:
        return text
    parts = urlsplit(text)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(k in _REDACTED_QUERY for k, _ in pairs):
        return text
    query = urlencode([(k, "<redacted>" if k in _REDACTED_QUERY else v) for k, v in pairs])
    return urlunsplit(parts._replace(query=query))


_httpx_filtered = False


def _filter_httpx_log() -> None:
    """httpx logs each request's URL at INFO: with an API key in the query, redact it there too.

    Installed once, when a client of a document with a query API key scheme is made; it only
    rewrites URLs in the `httpx` logger's records.
    """
    global _httpx_filtered
    if _httpx_filtered or not _REDACTED_QUERY:
        return
    import logging

    class _RedactQuery(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            if isinstance(record.args, tuple):
                record.args = tuple(
                    redact_url(a) if "?" in str(a) and "://" in str(a) else a for a in record.args
                )
            return True

    logging.getLogger("httpx").addFilter(_RedactQuery())
    _httpx_filtered = True


def _env(environ: Mapping[str, str], *names: str) -> str | None:
    for name in names:
        value = environ.get(name)
        if value:
            return value
    return None


def _pair(environ: Mapping[str, str], first: str, second: str) -> tuple[str, str] | None:
    a, b = environ.get(first), environ.get(second)
    return (a, b) if a and b is not None else None


class TokenCache:
    """An OAuth2 access token fetched with client credentials, until shortly before it expires."""

    def __init__(self, scheme: Scheme, client_id: str, client_secret: str) -> None:
        self.scheme = scheme
        self._client = (client_id, client_secret)
        self.token: str | None = None
        self.expires_at: float | None = None
        self.lock = threading.Lock()

    def fresh(self, now: float) -> bool:
        if self.token is None:
            return False
        return self.expires_at is None or now < self.expires_at - REFRESH_MARGIN

    def invalidate(self) -> None:
        self.token = None

    def request(self, base_url: str) -> tuple[str, dict[str, str], dict[str, str]]:
        """(URL, headers, form) of the token request."""
        url = urljoin(base_url + "/", self.scheme.token_url or "")
        user, secret = self._client
        raw = f"{quote(user, safe='')}:{quote(secret, safe='')}".encode()
        headers = {
            "Authorization": "Basic " + base64.b64encode(raw).decode("ascii"),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        form = {"grant_type": "client_credentials"}
        if self.scheme.scopes:
            form["scope"] = " ".join(self.scheme.scopes)
        return url, headers, form

    def accept(self, response: httpx.Response, now: float) -> str:
        """The token of the token endpoint's answer; an error raises `TokenRequestError`."""
        from . import _errors

        try:
            data: Any = response.json()
        except ValueError:
            data = None
        if (
            response.status_code != 200
            or not isinstance(data, dict)
            or not data.get("access_token")
        ):
            what = (
                data.get("error_description") or data.get("error")
                if isinstance(data, dict)
                else None
            )
            raise _errors.TokenRequestError(
                f"{response.request.method} {redact_url(response.request.url)} -> "
                f"{response.status_code}: {what or 'no access_token in the answer'}"
            )
        self.token = str(data["access_token"])
        expires_in = data.get("expires_in")
        self.expires_at = now + float(expires_in) if isinstance(expires_in, int | float) else None
        return self.token


class Credentials:
    """The credential of each scheme this client has (see the module docstring)."""

    def __init__(
        self,
        *,
        token: str | None = None,
        api_key: str | None = None,
        basic_auth: tuple[str, str] | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        credentials: Mapping[str, Credential] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        given = dict(credentials or {})
        unknown = sorted(set(given) - set(SCHEMES))
        if unknown:
            from ._errors import ConfigurationError

            known = ", ".join(SCHEMES) or "none"
            raise ConfigurationError(
                f"credentials for unknown schemes {unknown} (the document has: {known})"
            )
        self.values: dict[str, Credential] = {}
        self.tokens: dict[str, TokenCache] = {}
        for name, s in SCHEMES.items():
            value: Credential | None = given.get(name)
            if s.kind == "oauth2" and s.token_url:
                pair = value if isinstance(value, tuple) else None
                if (
                    pair is None
                    and value is None
                    and token is None
                    and client_id
                    and client_secret is not None
                ):
                    pair = (client_id, client_secret)
                if pair is None and value is None and token is None:
                    pair = _pair(env, s.env + "_CLIENT_ID", s.env + "_CLIENT_SECRET")
                    if pair is None and not env.get(s.env):
                        pair = _pair(env, ENV_CLIENT_ID, ENV_CLIENT_SECRET)
                if pair is not None:
                    self.tokens[name] = TokenCache(s, *pair)
                    continue
            if value is None:
                value = self._from_kind(s, env, token, api_key, basic_auth)
            if value is not None:
                self.values[name] = value
        self._args = (token, api_key, basic_auth, client_id, client_secret, credentials)
        if any(SCHEMES[n].location == "query" for n in self.values):
            _filter_httpx_log()

    @staticmethod
    def _from_kind(
        s: Scheme,
        env: Mapping[str, str],
        token: str | None,
        api_key: str | None,
        basic_auth: tuple[str, str] | None,
    ) -> Credential | None:
        if s.kind in _BEARER_KINDS:
            return token or _env(env, s.env, ENV_TOKEN)
        if s.kind == "api_key":
            return api_key or _env(env, s.env, ENV_API_KEY)
        if s.kind == "basic":
            return (
                basic_auth
                or _pair(env, s.env + "_USERNAME", s.env + "_PASSWORD")
                or _pair(env, ENV_USERNAME, ENV_PASSWORD)
            )
        return None

    def changed(self, changes: Mapping[str, Any]) -> Credentials:
        """A copy with some constructor arguments replaced (`with_options`); fetched tokens of
        unchanged client credentials are kept."""
        token, api_key, basic_auth, client_id, client_secret, credentials = self._args
        new = Credentials(
            token=changes.get("token", token),
            api_key=changes.get("api_key", api_key),
            basic_auth=changes.get("basic_auth", basic_auth),
            client_id=changes.get("client_id", client_id),
            client_secret=changes.get("client_secret", client_secret),
            credentials=changes.get("credentials", credentials),
        )
        for name, cache in new.tokens.items():
            old = self.tokens.get(name)
            if old is not None and old._client == cache._client:
                new.tokens[name] = old
        return new

    def configured(self, scheme: str) -> bool:
        return scheme in self.values or scheme in self.tokens

    def choose(self, security: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
        """The alternative to send: the first whose credentials are all configured (anonymous
        last); none configured: nothing is sent and the server answers."""
        for alternative in sorted(security, key=lambda a: not a):
            if all(self.configured(s) for s in alternative):
                return alternative
        return ()

    def query_names(self, alternative: tuple[str, ...]) -> frozenset[str]:
        """The query parameters the alternative's API keys are sent in (a pager drops them from
        a next-page URL that repeats them: the client adds its own)."""
        return frozenset(
            SCHEMES[n].parameter or ""
            for n in alternative
            if SCHEMES[n].kind == "api_key" and SCHEMES[n].location == "query" and n in self.values
        )

    def fetching(self, alternative: tuple[str, ...]) -> list[TokenCache]:
        """The token caches the alternative sends (OAuth2 client credentials)."""
        return [self.tokens[s] for s in alternative if s in self.tokens]

    def apply(
        self,
        alternative: tuple[str, ...],
        headers: dict[str, str],
        query: list[tuple[str, str]],
        cookies: list[str],
    ) -> None:
        for name in alternative:
            s = SCHEMES[name]
            cache = self.tokens.get(name)
            value: Credential | None = cache.token if cache is not None else self.values.get(name)
            if value is None:
                continue
            if s.kind in _BEARER_KINDS and isinstance(value, str):
                headers["Authorization"] = f"Bearer {value}"
            elif s.kind == "basic" and isinstance(value, tuple):
                user, password = value
                raw = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
                headers["Authorization"] = f"Basic {raw}"
            elif s.kind == "api_key" and isinstance(value, str) and s.parameter:
                if s.location == "query":
                    query.append((s.parameter, value))
                elif s.location == "cookie":
                    cookies.append(f"{s.parameter}={quote(value, safe='')}")
                else:
                    headers[s.parameter] = value
