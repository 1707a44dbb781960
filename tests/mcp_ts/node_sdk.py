"""The TypeScript MCP SDK client, pinned, installed with npm into the ignored `.cache/mcp-ts/`.

`driver.mjs` (beside this file) runs sessions against generated MCP servers with the SDK's
`Client` over stdio or streamable HTTP; `run_sessions` hands it the sessions and reads back what
it saw. Without npm the tests skip with a message, except in CI (`CI=true`), where they fail.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from tests.web_contract.node_tools import ROOT, pinned_npm_packages

CACHE = ROOT / ".cache" / "mcp-ts"
DRIVER = Path(__file__).with_name("driver.mjs")
# Exact versions: what the SDK checks (output schemas with ajv) changes between releases.
PINNED = {
    "@modelcontextprotocol/sdk": "1.32.2",
    "zod": "4.6.7",
    "ajv": "8.20.0",
    "ajv-formats": "3.0.1",
}


def sdk() -> Path:
    """The folder whose node_modules/ holds the pinned SDK (installed when needed)."""
    return pinned_npm_packages(CACHE, PINNED)


def run_sessions(
    cache: Path, sessions: list[dict[str, Any]], timeout: float = 600
) -> list[dict[str, Any]]:
    """Run `sessions` with the TypeScript SDK's client; one result per session, in order."""
    with tempfile.TemporaryDirectory(dir=cache) as work:
        folder = Path(work)
        # The driver imports the pinned packages: it runs from inside the cache folder.
        driver = folder / DRIVER.name
        shutil.copyfile(DRIVER, driver)
        (folder / "sessions.json").write_text(json.dumps(sessions), encoding="utf-8")
        done = subprocess.run(
            ["node", str(driver), "sessions.json", "results.json"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"the TypeScript MCP driver failed:\n{done.stderr[-4000:]}")
        results: list[dict[str, Any]] = json.loads((folder / "results.json").read_text("utf-8"))
    return results
