"""GitHub's REST description through the generator, end to end (`make github`; slow, not in CI).

1. GitHub's description (@octokit/openapi 23.0.2): `--spec`, or the benchmarks' copy in
   `.bench/api.github.com.json`, fetched once with `npm pack` when missing.
2. `python -m generator generate` on `api.github.com.json`, as a user would.
3. Import everything: every model name, the client with all its resources and errors, the
   server app; check that every operation is kept (client and server); report how many of the
   document's JSON body examples its models accept.
4. One `mypy --strict` over the package.
5. Report the import time of `from github_pkg.client import Client; Client(...)` (best of 5,
   bytecode compiled first, as an installed package has it).

Exit status 1 when a step fails. Times are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.environment import github_document  # noqa: E402
from tests.test_corpus_full import _IMPORT_ALL, _json_examples, _operation_count  # noqa: E402

PACKAGE = "github_pkg"
CLIENT_IMPORT = "from github_pkg.client import Client; Client(base_url='http://x')"


def step(
    title: str, command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    print(f"{title}: exit {done.returncode} in {time.perf_counter() - started:.1f}s", flush=True)
    return done


def import_time(out: Path) -> float:
    """Seconds for the client import, best of 5 (-X importtime's cumulative figure)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", PACKAGE], cwd=out, check=True)
    best = float("inf")
    for _ in range(5):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", CLIENT_IMPORT],
            cwd=out,
            capture_output=True,
            text=True,
            check=True,
        )
        line = next(ln for ln in done.stderr.splitlines() if ln.endswith(f"| {PACKAGE}.client"))
        best = min(best, int(line.split("|")[1]) / 1e6)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, help="the document (default: .bench/, via npm)")
    parser.add_argument("--out", type=Path, help="output folder (default: a temporary one)")
    args = parser.parse_args()
    spec = args.spec or github_document()
    if args.out is not None:
        return check(spec, args.out)
    with tempfile.TemporaryDirectory(prefix="github-") as tmp:
        return check(spec, Path(tmp))


def check(spec: Path, out: Path) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "true"}
    done = step(
        "generate",
        [
            *(sys.executable, "-m", "generator", "generate", "--spec", str(spec)),
            *("--out", str(out), "--package", PACKAGE),
        ],
        cwd=ROOT,
        env=env,
    )
    print(done.stdout.strip())
    if done.returncode:
        print(done.stderr[-3000:])
        return 1
    examples = out / "examples.json"
    examples.write_text(json.dumps({PACKAGE: _json_examples(spec)}), encoding="utf-8")
    done = step("import", [sys.executable, "-c", _IMPORT_ALL, str(examples), PACKAGE], cwd=out)
    if done.returncode:
        print(done.stderr[-3000:])
        return 1
    report = json.loads(done.stdout)
    operations = _operation_count(spec)
    print(
        f"  {report['models']} model names, {len(report['incomplete'])} incomplete; operations: "
        f"{operations} documented, {report['client_operations']} in the client, "
        f"{len(report['server_operations'])} in the server"
    )
    # Reported, not failed: GitHub's examples are written by hand and some disagree with its
    # schemas (a `$ref` left inside an example value, a property the schema requires missing).
    total = len(json.loads(examples.read_text(encoding="utf-8"))[PACKAGE])
    print(f"  JSON body examples: {total - len(report['rejected_examples'])} of {total} validate")
    kept = report["client_operations"] == operations == len(report["server_operations"])
    done = step(
        "mypy --strict",
        [
            *(sys.executable, "-m", "mypy", "--strict"),
            *("--config-file", str(ROOT / "pyproject.toml")),
            *("--cache-dir", str(out / ".mypy_cache"), PACKAGE),
        ],
        cwd=out,
    )
    print("  " + (done.stdout.strip().splitlines() or ["(no output)"])[-1])
    print(f"client import: {import_time(out):.3f}s ({CLIENT_IMPORT})")
    return 0 if kept and not report["incomplete"] and done.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
