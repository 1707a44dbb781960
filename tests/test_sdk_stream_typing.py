"""The streaming, pagination and upload types, as a downstream team's type checker sees them.

tests/downstream/stream_consumer.py uses them all and passes `mypy --strict`, then runs against
the real server of tests/stream_support/app.py; tests/downstream/stream_typos.py has one mypy
error on each line marked `# typo` and nowhere else. One mypy run checks both files.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT
from stream_support import generated_folder, stream_sdk
from stream_support.app import StreamServer

DOWNSTREAM = ROOT / "tests" / "downstream"


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return stream_sdk(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def mypy_lines(sdk: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    done = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
            "--python-version", "3.11",
            str(DOWNSTREAM / "stream_consumer.py"), str(DOWNSTREAM / "stream_typos.py"),
        ],
        cwd=ROOT,
        env={**os.environ, "MYPYPATH": str(generated_folder())},
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert "error: Cannot find implementation" not in done.stdout, done.stdout
    return done.stdout.splitlines()


def test_the_consumer_passes_mypy_strict(mypy_lines: list[str]) -> None:
    own = [line for line in mypy_lines if "stream_consumer.py" in line]
    assert own == []


def test_each_mistake_is_exactly_one_mypy_error(mypy_lines: list[str]) -> None:
    typos = DOWNSTREAM / "stream_typos.py"
    marked = [
        n for n, line in enumerate(typos.read_text().splitlines(), 1) if line.endswith("# typo")
    ]
    assert len(marked) == 8
    found = [
        int(m.group(1))
        for line in mypy_lines
        if (m := re.match(r".*stream_typos\.py:(\d+): error:", line))
    ]
    assert sorted(found) == marked, "\n".join(mypy_lines)


@pytest.fixture(scope="module")
def server() -> Iterator[StreamServer]:
    s = StreamServer()
    yield s
    s.close()


def test_the_consumer_runs(sdk: ModuleType, server: StreamServer, tmp_path: Path) -> None:
    upload = tmp_path / "notes.txt"
    upload.write_bytes(b"twelve bytes")
    sys.path.insert(0, str(DOWNSTREAM))
    try:
        import stream_consumer
    finally:
        sys.path.remove(str(DOWNSTREAM))
    steps = stream_consumer.run(server.url, upload)
    assert steps == [
        "Hello",
        "Hello",
        "info,warn",
        "tick 1",
        "line 4",
        "first 2",
        "1,2,3,4,5",
        "5",
        "notes.txt 12",
        "blob 10",
        "chunk True",
        "Hello 5",
    ]
