"""The downstream voice backend (tests/downstream/voice_backend.py, written from the package
README alone) passes `mypy --strict` and runs against the live reference; the typo file fails
`mypy` with exactly one error on each line marked `# typo`, and nowhere else."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

DOWNSTREAM = ROOT / "tests" / "downstream"


def _mypy(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            *map(str, paths),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_downstream_backend_passes_mypy_strict() -> None:
    done = _mypy(DOWNSTREAM / "voice_backend.py")
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_typo_is_one_mypy_error() -> None:
    typos = DOWNSTREAM / "typos.py"
    marked = {
        n for n, line in enumerate(typos.read_text().splitlines(), 1) if line.endswith("# typo")
    }
    assert len(marked) == 9
    done = _mypy(typos)
    errors = [
        int(m.group(1))
        for m in re.finditer(r"^tests/downstream/typos\.py:(\d+): error:", done.stdout, re.M)
    ]
    assert sorted(errors) == sorted(marked), done.stdout
    assert "functoin" in done.stdout and "list_chatty_tools" in done.stdout


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.reference_support.fixtures import start_stack

    stack = start_stack(tmp_path_factory.mktemp("downstream"))
    yield next(stack).url
    next(stack, None)


def test_the_downstream_backend_runs_against_the_reference(reference: str) -> None:
    sys.path.insert(0, str(DOWNSTREAM))
    try:
        import voice_backend
    finally:
        sys.path.remove(str(DOWNSTREAM))
    offer = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
    steps = voice_backend.run(reference, "tok-alice", offer, "10.99.0.1")
    assert steps[0] == "contract 1.1.24"
    assert "weather ok=True" in steps
    assert steps[steps.index("weather ok=True") + 2 :][:2] == [
        "webrtc-direct:ek_",
        "webrtc-proxied",
    ]
    assert steps[-1].startswith("sdp v=0")
