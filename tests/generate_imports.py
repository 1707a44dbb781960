"""What a `generate` run imports: the CLI run in a fresh interpreter, its `sys.modules` after.

Tests of lazy imports (a run must not load what it does not use) read the modules from here
instead of each writing the same probe.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable

from tests.conftest import ROOT


def modules_after_generate(*arguments: str) -> set[str]:
    """The modules loaded once `openapi-contract generate <arguments>` has run (exit 0)."""
    probe = (
        "import json, sys\n"
        "from generator.cli import main\n"
        f"status = main(['generate', *{list(arguments)!r}])\n"
        "print(json.dumps({'status': status, 'modules': sorted(sys.modules)}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "CI": "true"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["status"] == 0
    return set(found["modules"])


def loaded_of(packages: Iterable[str], loaded: set[str]) -> list[str]:
    """The `packages` of which the run loaded the package itself or any of its modules."""
    return [p for p in packages if p in loaded or any(m.startswith(p + ".") for m in loaded)]
