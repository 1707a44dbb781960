"""The files emitters declare settled are as ruff's `check --fix` would leave them.

The formatter skips that pass for them (generator.formatting: `Formatter.submit(settled=)`) and
only formats them; everything else (datamodel-code-generator's models) is checked as before.
Two things must hold for the output to stay byte-identical: the pass, run without `--fix`,
finds nothing in a settled file, and the output formatted with the pass skipped equals the
output with the pass run on every file. Both are checked here on what `generate` submits to
the formatter for documents of every kind: ServiceAi's contract with its overlays (both model
engines), the upstream contract, the repository's fixtures, a document with what GitHub's has
(tests/fixtures/settled/github-like.yaml) and a slice of the corpus. scripts/settled_sweep.py
runs the same over every corpus document, or any others.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import Target
from scripts.settled_sweep import Emitted, differing, findings, submitted
from tests.conftest import CORPUS, ROOT

FIXTURES = ROOT / "tests" / "fixtures"
# (document, overlays, models engine)
DOCUMENTS: list[tuple[Path, Path | None, str]] = [
    (ROOT / "spec" / "openapi.yaml", ROOT / "spec" / "overlays", "datamodel-code-generator"),
    (ROOT / "spec" / "openapi.yaml", ROOT / "spec" / "overlays", "native"),
    (
        ROOT / "spec" / "upstream" / "openai-realtime.yaml",
        ROOT / "spec" / "upstream" / "overlays",
        "native",
    ),
    (FIXTURES / "settled" / "github-like.yaml", None, "native"),
    *((path, None, "native") for path in sorted(FIXTURES.glob("*.yaml"))),
    *((path, None, "native") for path in sorted((FIXTURES / "documents").glob("*.yaml"))),
    *((path, None, "native") for path in sorted((FIXTURES / "lenient").glob("*.yaml"))[::3]),
    # every fifth corpus document (scripts/settled_sweep.py takes them all)
    *((path, None, "native") for path in sorted(CORPUS.glob("*/*.json"))[::5]),
]


@pytest.fixture(scope="module")
def emitted() -> Emitted:
    """Every document's submitted files (each in a package of its own) and the settled ones."""
    assert all(spec.is_file() for spec, _, _ in DOCUMENTS)
    everything = Emitted()
    for i, (spec, overlays, engine) in enumerate(DOCUMENTS):
        target = Target(
            "t", spec, Path("unused"), f"doc{i}", f"doc{i}", overlays, models_engine=engine
        )  # type: ignore[arg-type]
        everything.add(submitted(target), prefix=f"doc{i}-out")
    return everything


def test_documents_declare_settled_files_of_every_kind(emitted: Emitted) -> None:
    kinds = {rel.split("/", 2)[-1].split("/")[0] for rel in emitted.settled}
    # the package's own modules, models, client, server, MCP server, adapter: all settled
    assert {"models", "client", "server", "mcp", "adapter", "_base.py"} <= kinds
    # datamodel-code-generator's models are not ours to settle: they stay checked
    assert any(rel.startswith("doc0-out/doc0/models") for rel in emitted.python)
    assert not any(rel.startswith("doc0-out/doc0/models") for rel in emitted.settled)
    assert any(rel.startswith("doc1-out/doc1/models") for rel in emitted.settled)


def test_ruff_check_finds_nothing_in_settled_files(emitted: Emitted, tmp_path: Path) -> None:
    assert findings(emitted, tmp_path) == []


def test_output_with_the_check_skipped_equals_the_output_with_it(emitted: Emitted) -> None:
    assert differing(emitted) == []
