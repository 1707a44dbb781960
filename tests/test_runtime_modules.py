"""The static runtime modules (generator/runtime/) where they stand, and as packages get them.

They are imported here from `generator.runtime...`, with the stand-ins' example values
(`client/_config.py`), not through a generated package: a fault in the runtime shows here
before any document is generated. Their constants that the generator also decides with
(media kinds, retried statuses, status bases) must agree with the generator's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.emit.runtime import HEADER, RUNTIME, STAND_INS, runtime_module
from generator.ir.media import _TEXT_TYPES, media_kind
from generator.plans.client import RETRY_STATUSES, STATUS_BASES
from generator.runtime.client import _auth, _config, _errors, _retry, _transport

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    ROOT / "generated" / "serviceai" / "serviceai_api",
    ROOT / "generated" / "openai_realtime" / "openai_realtime_api",
)


def _copied() -> list[str]:
    names = sorted(p.relative_to(RUNTIME).as_posix() for p in RUNTIME.rglob("*.py"))
    return [n for n in names if n not in STAND_INS]


def test_every_runtime_module_is_copied_into_each_package_as_it_is() -> None:
    copied = _copied()
    assert "client/_transport.py" in copied and "_base.py" in copied
    for package in PACKAGES:
        for name in copied:
            text = (package / name).read_text(encoding="utf-8")
            assert text == HEADER + (RUNTIME / name).read_text(encoding="utf-8"), package / name
            assert text == runtime_module(name)


def test_the_stand_ins_are_never_copied_and_each_package_renders_its_own() -> None:
    for name in STAND_INS:
        with pytest.raises(ValueError, match="stand-in"):
            runtime_module(name)
    config = (PACKAGES[0] / "client" / "_config.py").read_text(encoding="utf-8")
    assert 'PACKAGE = "serviceai_api"' in config
    assert 'ENV_BASE_URL = "SERVICEAI_API_BASE_URL"' in config
    assert "example" not in config


def test_text_types_agree_with_the_generators_media_kinds() -> None:
    # The runtime reads a response as text where the generator typed it as text.
    assert _transport._TEXT_TYPES == _TEXT_TYPES
    for media in sorted(_TEXT_TYPES):
        assert media_kind(media) == "text"


def test_retried_statuses_agree_with_the_client_plan() -> None:
    assert _retry.RetryConfig().statuses == frozenset(RETRY_STATUSES)
    assert _retry.retry_after({"retry-after-ms": "1500"}) == 1.5
    assert _retry.retry_after({"retry-after": "2"}) == 2.0
    assert _retry.retry_after({"retry-after": "-1"}) is None
    assert _retry.retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, lambda: 0.0) > 0


def test_status_bases_are_the_plans_table() -> None:
    assert [(code, cls.__name__) for code, cls in _errors.STATUS_BASES.items()] == list(
        STATUS_BASES
    )
    unexpected = _errors.unexpected_status(404)
    assert issubclass(unexpected, _errors.NotFoundError)
    assert issubclass(unexpected, _errors.UnexpectedStatus)
    assert _errors.unexpected_status(404) is unexpected  # made once per base
    assert issubclass(_errors.unexpected_status(599), _errors.ServerError)
    assert _errors.unexpected_status(200) is _errors.UnexpectedStatus


def test_credentials_come_from_the_config_and_are_never_shown() -> None:
    assert set(_auth.SCHEMES) == set(_config.SCHEMES)
    assert _auth.SCHEMES["apiKey"].parameter == "X-API-Key"
    environ = {_config.ENV_TOKEN: "t0ken", _config.ENV_API_KEY: "k3y"}
    credentials = _auth.Credentials(environ=environ)
    assert credentials.configured("bearerAuth") and credentials.configured("apiKey")
    shown = _auth.redacted({"Authorization": "Bearer t0ken", "x-api-key": "k3y", "Accept": "*/*"})
    assert shown == {"Authorization": "<redacted>", "x-api-key": "<redacted>", "Accept": "*/*"}
    with pytest.raises(_errors.ConfigurationError, match="unknown schemes"):
        _auth.Credentials(credentials={"nope": "x"}, environ={})


def test_copied_runtimes_name_their_own_package() -> None:
    # What the templates wrote with the package's name, the copies read from where they stand
    # (`from . import validation`, the logger of `__name__`'s package) or from `_config`.
    import openai_realtime_api.server._runtime as realtime_server
    import serviceai_api.client._transport as transport
    import serviceai_api.server._runtime as server

    assert server.log.name == "serviceai_api.server"
    assert realtime_server.log.name == "openai_realtime_api.server"
    assert server.validation.__name__ == "serviceai_api.server.validation"
    assert transport.user_agent().startswith("serviceai-api/")
    assert (transport.ENV_BASE_URL, transport.ENV_LOG) == (
        "SERVICEAI_API_BASE_URL",
        "SERVICEAI_API_LOG",
    )
    assert transport.DEFAULT_BASE_URL is None


def test_the_mcp_server_reads_its_document_from_config(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.emit.mcp import TOOLS_FILE
    from generator.plans.mcp import RESULT_PROPERTY
    from generator.runtime.client import AsyncClient
    from generator.runtime.mcp import server

    assert (server.TOOLS_FILE, server.RESULT_PROPERTY) == (TOOLS_FILE, RESULT_PROPERTY)
    # The stand-in document has an API key scheme: the client is given both credentials.
    monkeypatch.setenv("EXAMPLE_API_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("EXAMPLE_API_TOKEN", "t0ken")
    monkeypatch.setenv("EXAMPLE_API_API_KEY", "k3y")
    client = server.client_from_environment()
    assert isinstance(client, AsyncClient)
    assert (client.base_url, client.token, client.api_key) == ("http://127.0.0.1:9", "t0ken", "k3y")
    # A generated package names itself in its usage line, from where its server stands.
    import serviceai_api.mcp.server as generated

    with pytest.raises(SystemExit):
        generated.main(["--help"])
    assert capsys.readouterr().out.startswith("usage: python -m serviceai_api.mcp ")
    assert generated.ENV_API_KEY is None  # its document has no API key scheme
