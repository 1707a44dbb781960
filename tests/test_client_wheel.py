"""The generated ServiceAi SDK as downstream teams get it: a wheel, installed into a fresh
virtual environment, whose README example runs against a local server."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import httpx
import pydantic
import serviceai_api
from client_support.server import Reply, ScriptedServer
from conftest import ROOT

PACKAGE = ROOT / "generated" / "serviceai"


def _run(
    *args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, env=env, cwd=cwd
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


def test_wheel_installs_and_its_readme_example_runs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # Build from a copy: setuptools leaves build/ and *.egg-info/ beside the sources.
    source = tmp_path / "src"
    shutil.copytree(
        PACKAGE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
    )
    _run(
        sys.executable,
        "-m",
        "build",
        "--wheel",
        "--no-isolation",
        "--outdir",
        dist,
        source,
    )
    (wheel,) = dist.glob("*.whl")
    assert wheel.name.startswith(f"serviceai_api-{serviceai_api.__version__}-")
    # The MCP server's tools are package data beside it, not code: the wheel must carry them.
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("serviceai_api/mcp/tools.json")
    assert shipped == (PACKAGE / "serviceai_api" / "mcp" / "tools.json").read_bytes()

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    pip: list[str | Path] = [
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ]
    # The wheel itself, then its two runtime dependencies at the versions this environment has.
    _run(*pip, "--no-deps", wheel)
    _run(*pip, f"httpx=={httpx.__version__}", f"pydantic=={pydantic.VERSION}")

    readme = (PACKAGE / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", readme, re.S)
    assert example, "the README has no python example"
    script = tmp_path / "example.py"
    script.write_text(example.group(1), encoding="utf-8")

    server = ScriptedServer()
    try:
        server.script(Reply(json={"apiVersion": "1.1.24", "minClientVersion": "1.0.0"}))
        env = {"PATH": os.environ.get("PATH", ""), "SERVICEAI_API_BASE_URL": server.url}
        done = _run(python, "-I", script, env=env, cwd=tmp_path)
    finally:
        server.close()
    assert "apiVersion='1.1.24'" in done.stdout
    (request,) = server.requests
    assert request.path == "/api/version"
    # The installed copy ran, not the repository's.
    where = _run(
        python, "-I", "-c", "import serviceai_api; print(serviceai_api.__file__)", cwd=tmp_path
    )
    assert str(env_dir) in where.stdout
