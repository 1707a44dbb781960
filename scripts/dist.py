"""`make dist`: build, install and try every generated package as a downstream team would.

For each target of `[tool.openapi-contract]`: build the wheel and the sdist (`python -m build
--no-isolation`, from a copy so the sources stay clean) into `dist/`, check both carry
`CHANGELOG.md`, install the wheel into a fresh virtual environment (its dependencies at this
environment's versions), then run the README's example there against a loopback server that
answers the example operation with the document's own example (or `{}`), and check that
importing `<package>.server` without the `server` extra fails naming the extra. Exit status 1
on the first failure, with what failed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import venv
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.config import Target, load_targets  # noqa: E402
from generator.emit.package import package_version  # noqa: E402
from generator.loader import load_document  # noqa: E402
from generator.plans import build_document  # noqa: E402


class DistError(Exception):
    pass


def _run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, env=env, cwd=cwd
    )
    if done.returncode != 0:
        raise DistError(f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def example_reply(target: Target) -> tuple[int, bytes, str]:
    """The README example operation's documented 2xx example (status, body, content type)."""
    doc = build_document(load_document(target.spec, overlay_dir=target.overlay_dir))
    plan = doc.client
    op = plan.example.op if plan is not None and plan.example is not None else None
    for response in op.responses if op is not None else ():
        if response.is_success and response.code is not None:
            for media in response.content:
                if media.kind == "json":
                    value: Any = media.examples[0].value if media.examples else {}
                    return response.code, json.dumps(value).encode(), media.name
    return 200, b"{}", "application/json"


class _Server(ThreadingHTTPServer):
    reply: tuple[int, bytes, str]
    paths: list[str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        status, body, content_type = self.server.reply
        self.server.paths.append(self.path)
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer


def build(target: Target, dist: Path, work: Path) -> tuple[Path, Path]:
    source = work / "src"
    shutil.copytree(
        target.out, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
    )
    out = work / "dist"
    _run(
        sys.executable,
        "-m",
        "build",
        "--wheel",
        "--sdist",
        "--no-isolation",
        "--outdir",
        out,
        source,
    )
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    version = package_version(
        build_document(load_document(target.spec, overlay_dir=target.overlay_dir)), target
    )
    if f"-{version}" not in wheel.name:
        raise DistError(f"{wheel.name} is not version {version}")
    with zipfile.ZipFile(wheel) as zf:
        if f"{target.package}/CHANGELOG.md" not in zf.namelist():
            raise DistError(f"{wheel.name} has no {target.package}/CHANGELOG.md")
    with tarfile.open(sdist) as tf:
        if not any(n.endswith("/CHANGELOG.md") for n in tf.getnames()):
            raise DistError(f"{sdist.name} has no CHANGELOG.md")
    dist.mkdir(parents=True, exist_ok=True)
    for made in (wheel, sdist):
        shutil.copy2(made, dist / made.name)
    return dist / wheel.name, dist / sdist.name


def try_in_clean_venv(target: Target, wheel: Path, work: Path) -> str:
    import httpx
    import pydantic

    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--quiet"]
    _run(*pip, "--disable-pip-version-check", "--no-deps", wheel)
    _run(
        *pip,
        "--disable-pip-version-check",
        f"httpx=={httpx.__version__}",
        f"pydantic=={pydantic.VERSION}",
    )
    readme = (target.out / "README.md").read_text(encoding="utf-8")
    found = re.search(r"```python\n(.*?)```", readme, re.S)
    if not found:
        raise DistError(f"{target.out / 'README.md'} has no python example")
    script = work / "example.py"
    script.write_text(found.group(1), encoding="utf-8")
    server = _Server(("127.0.0.1", 0), _Handler)
    server.reply = example_reply(target)
    server.paths = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    prefix = re.sub(r"\W", "_", target.package).upper()
    env = {
        "PATH": os.environ.get("PATH", ""),
        f"{prefix}_BASE_URL": f"http://127.0.0.1:{server.server_port}",
    }
    try:
        output = _run(python, "-I", script, env=env, cwd=work)
    finally:
        server.shutdown()
        server.server_close()
    if output.startswith(("error", "no response", "sdk error")):
        raise DistError(f"{target.name}: the README example failed: {output}")
    where = _run(
        python, "-I", "-c", f"import {target.package}; print({target.package}.__file__)", cwd=work
    )
    if str(env_dir) not in where:
        raise DistError(f"{target.name}: the example did not run the installed package")
    done = subprocess.run(
        [str(python), "-I", "-c", f"import {target.package}.server"],
        capture_output=True,
        text=True,
        check=False,
        cwd=work,
    )
    if done.returncode == 0 or f"{target.distribution}[server]" not in done.stderr:
        raise DistError(f"{target.name}: importing the server without its extra: {done.stderr}")
    return output.strip()


def main() -> int:
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    try:
        for target in load_targets(ROOT / "pyproject.toml"):
            with tempfile.TemporaryDirectory(prefix=f"dist-{target.name}-") as tmp:
                wheel, sdist = build(target, dist, Path(tmp))
                output = try_in_clean_venv(target, wheel, Path(tmp))
            print(f"{target.name}: {wheel.name}, {sdist.name}; README example: {output[:100]}")
    except DistError as exc:
        print(f"make dist: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
