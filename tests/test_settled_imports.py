"""The server and adapter modules are emitted with the imports they use, in ruff's form.

Their templates import every model any operation uses; `generator.emit.settled_imports` keeps
the ones each module names and orders the block as ruff's isort does. ruff's `check --fix` pass
(`generator.formatting._PASSES`, run here exactly as the formatter runs it) then finds nothing
to fix in them, and reads each file once. These tests check both halves of that on several
documents: ruff leaves the settled modules as they are, and the modules rendered without
settling become, under ruff, the very same text (so the generated output cannot differ).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

from generator.config import Target
from generator.emit import settled_imports
from generator.emit.adapter import emit_adapter
from generator.emit.server import emit_server
from generator.emit.settled_imports import (
    read_imports,
    settle,
    settle_imports,
    settled_paths,
    used_imports,
    used_on_a_line,
)
from generator.formatting import _PASSES
from generator.loader import load_document
from generator.plans import build_document
from tests.conftest import CORPUS, ROOT

# ServiceAi's contract, the repository's fixtures (webhooks among them), and corpus documents
# with many operations, models in bodies and responses, several media types, and webhooks.
DOCUMENTS = [
    ROOT / "spec" / "openapi.yaml",
    *sorted((ROOT / "tests" / "fixtures").glob("*.yaml")),
    CORPUS / "3.0" / "petstore-expanded.json",
    CORPUS / "3.0" / "response-multiple-mediatypes.json",
    CORPUS / "3.0" / "discriminators.json",
    CORPUS / "3.0" / "file-uploads.json",
    CORPUS / "3.1" / "readme.json",
]


def _ruff_fix(root: Path, files: dict[str, str]) -> dict[str, str]:
    """The formatter's first pass, exactly as it runs it: path -> the text it leaves."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    done = subprocess.run(
        [find_ruff_bin(), *_PASSES[0], "--", *sorted(files)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return {rel: (root / rel).read_text(encoding="utf-8") for rel in files}


def _emitted(package: str, spec: Path, doubtful: set[str] | None = None) -> dict[str, str]:
    """The server and adapter modules; those their emitters could not settle (a string names
    an import no code reads: ruff decides) added to `doubtful`."""
    document = build_document(load_document(spec), package)
    target = Target("t", spec, Path("unused"), package, package, None)
    server, adapter = emit_server(document, target), emit_adapter(document, target)
    files = {**server, **adapter}
    if doubtful is not None:
        doubtful |= (set(files) - settled_paths(server)) - settled_paths(adapter)
    # as emit_package writes them: ruff's first party is the package the module is in
    files[f"{package}/__init__.py"] = ""
    files[f"{package}/models/__init__.py"] = ""
    return files


def test_ruff_finds_nothing_to_fix_and_unsettled_modules_become_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settled: dict[str, str] = {}
    doubtful: set[str] = set()
    for i, spec in enumerate(DOCUMENTS):
        assert spec.is_file(), spec
        settled.update(_emitted(f"doc{i}", spec, doubtful))
    monkeypatch.setattr(settled_imports, "settle", lambda text, package, uses=None: (text, False))
    unsettled: dict[str, str] = {}
    for i, spec in enumerate(DOCUMENTS):
        unsettled.update(_emitted(f"doc{i}", spec))
    # the documents give many modules, models imported, webhooks and adapters among them
    assert sum("/server/handlers.py" in rel for rel in settled) == len(DOCUMENTS)
    assert any(rel.endswith("/server/webhooks.py") for rel in settled)
    assert sum(rel.endswith("/adapter/app.py") for rel in settled) >= len(DOCUMENTS) - 1
    assert sum(".models import (" in text for text in settled.values()) > 10
    assert settled != unsettled  # settling changed something for ruff not to do
    after = _ruff_fix(tmp_path / "settled", settled)
    changed = [rel for rel in settled if after[rel] != settled[rel] and rel not in doubtful]
    assert not changed, f"ruff changed {len(changed)} modules, first: {changed[0]}"
    by_ruff = _ruff_fix(tmp_path / "unsettled", unsettled)
    differ = [rel for rel in settled if by_ruff[rel] != settled[rel] and rel not in doubtful]
    assert not differ, f"{len(differ)} modules differ from ruff's own, first: {differ[0]}"
    # a module left to ruff becomes, under ruff, what it makes of the unsettled one
    assert [rel for rel in doubtful if after[rel] != by_ruff[rel]] == []


MADE_UP = '''# Generated
"""A module: its docstring names Unused and ClassVar, which it does not use."""

from __future__ import annotations

import json
import abc
from typing import Any, ClassVar, Final, cast
from pkg.server._runtime import StubResponse, RawResponse
from pkg.models import (
    Zeta10,
    Zeta2,
    Unused,
    Quoted,
    InAll,
    InFString,
    zeta_lower,
    ZETA_X,
)
from ..client import AsyncClient
from pkg.server import responses as r
from . import near
from pydantic import TypeAdapter
from pkg.server import Handlers
from starlette.routing import (
    Route,
)
import os

__all__ = ["InAll", "Thing"]
NAME: Final = f"{InFString.__name__}"


@abc.abstractmethod  # Unused in a comment
def thing(x: object, y: Zeta10 | Zeta2 | ZETA_X) -> Any:
    """Unused and RawResponse are json words here."""
    return cast("Quoted", x), zeta_lower, StubResponse, r, near, AsyncClient, Route, TypeAdapter, Handlers, os
'''


def test_a_made_up_module_is_what_ruff_would_write(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/server/__init__.py": ""}
    settled = settle_imports(MADE_UP, "pkg")
    after = _ruff_fix(tmp_path / "a", {**files, "pkg/server/m.py": settled})["pkg/server/m.py"]
    assert after == settled
    by_ruff = _ruff_fix(tmp_path / "b", {**files, "pkg/server/m.py": MADE_UP})["pkg/server/m.py"]
    assert by_ruff == settled
    block = settled.split("__all__")[0]
    for gone in ("Unused", "ClassVar", "RawResponse", "json"):
        assert gone not in block.split('"""')[2], gone
    for kept in ("Quoted", "InAll", "InFString", "zeta_lower", "ZETA_X", "Route,\n)"):
        assert kept in block, kept
    assert settle_imports(settled, "pkg") == settled


@pytest.mark.parametrize(
    ("odd", "left_alone"),
    [
        ("import os  # a comment ruff keeps with its import\n", True),
        ("from typing import (\n    Any,  # kept\n)\n", True),
        ("# a comment between imports\nimport os\n", True),
        ("import os, sys\n", True),
        ("\nx = 0\nimport os\n", True),
        # code after the block: its own imports are ruff's; the block above is settled
        ("try:\n    import os\nexcept ImportError:\n    os = None\n", False),
    ],
)
def test_a_block_it_does_not_know_is_left_to_ruff(
    tmp_path: Path, odd: str, left_alone: bool
) -> None:
    text = f'"""Doc."""\n\nfrom __future__ import annotations\n\nimport abc\n{odd}\nx = 1\n'
    settled = settle_imports(text, "pkg")
    assert (settled == text) is left_alone
    files = {"pkg/__init__.py": ""}
    after = _ruff_fix(tmp_path / "a", {**files, "pkg/m.py": settled})["pkg/m.py"]
    assert after == _ruff_fix(tmp_path / "b", {**files, "pkg/m.py": text})["pkg/m.py"]


def test_used_on_a_line_is_a_superset_of_ruffs_uses() -> None:
    lines = {
        'x: "Quoted[Inner]" = f"{InF} {InF2}"': {"Quoted", "Inner", "InF", "InF2", "x"},
        '__all__ = ["Exported", "Other"]': {"__all__", "Exported", "Other"},
        "y = 'a string naming Word'  # Comment naming Remark": {
            "y",
            "a",
            "string",
            "naming",
            "Word",
        },
        '    """Doc naming Docword."""': set(),
        "    return obj.attribute, '#', After  # and Later": {"return", "obj", "After"},
        "z = 'it\\'s Escaped' + Code": {"z", "it", "s", "Escaped", "Code"},
        'w = f"""{Triple}""" + rf"{Raw}" + """Plain words"""': {"w", "Triple", "Raw"},
        "v = '''Single''' + \"x\"": {"v", "x"},
        "c = cast(\"Literal['a'] | None\", Value)": {"c", "cast", "Literal", "a", "None", "Value"},
        'return"#"+Tight': {"return", "Tight"},
    }
    for line, names in lines.items():
        assert used_on_a_line(line) == names, line


def test_read_imports_tells_names_read_from_names_only_a_string_holds() -> None:
    code = (
        "app = new_app('Pet store', '1.0')  # Pet\n"
        "body: Order\n"
        "x = cast('Tag', y)  # a type in a string\n"
        "z = obj.Attribute\n"
        '    """A docstring of\n'
        '    several lines naming Inside, prose."""\n'
        "PetOwner = 1\n"
    )
    imported = {"Pet", "Order", "Tag", "Inside", "Attribute", "Unused"}
    # read: Order; named only by a string (ruff may read it as a type): Pet, Tag
    assert read_imports(imported, code) == ({"Order"}, {"Pet", "Tag"})
    assert used_imports(imported, code) == {"Order", "Pet", "Tag"}
    # triple quotes that do not pair up as docstrings: every imported word doubtful
    odd = code + 'x = \'a"""b\'\n'
    every = {"Pet", "Order", "Tag", "Inside", "Attribute"}
    assert read_imports(imported, odd) == (every, every)


def test_read_imports_reads_a_repeated_line_once_and_never_a_docstrings_lines() -> None:
    # each distinct line outside a docstring is read once, wherever it stands: a line both
    # in a docstring and in code is read; one only in docstrings is not
    code = (
        '    """Opens a docstring\n'
        "    Kept(1)\n"
        "    Prose(1)\n"
        "    # a comment line in it: Comment\n"
        '    ends it."""\n'
        "    Kept(1)\n"
        '    """One line, even quotes: Single."""\n'
        "    Kept(1)\n"
        '    """Unterminated at the end\n'
        "    Tail(1)"
    )
    imported = {"Kept", "Prose", "Comment", "Single", "Tail"}
    assert read_imports(imported, code) == ({"Kept"}, set())
    # three quotes opening no docstring: every imported word doubtful
    assert read_imports(imported, 'x = \'"""\'\n' + code) == (
        {"Kept", "Prose", "Comment", "Single", "Tail"},
        {"Kept", "Prose", "Comment", "Single", "Tail"},
    )


def test_a_module_whose_string_names_an_unused_import_is_left_to_ruff() -> None:
    text = (
        '"""A module."""\n\nfrom __future__ import annotations\n\n'
        "from pkg.models import CheckDomainVerify, Pet\n\n"
        "spec = dict(operation_id='CheckDomainVerify', body=Pet)\n"
    )
    settled, sure = settle(text, "pkg")
    assert not sure  # ruff decides whether the string reads the import
    assert "CheckDomainVerify, Pet" in settled  # kept: ruff may drop it, never add it back
    text = text.replace("'CheckDomainVerify'", "'check_domain'")
    settled, sure = settle(text, "pkg")
    assert sure
    assert "from pkg.models import Pet\n" in settled
