"""The native model modules are emitted with exactly the imports they use, in ruff's order.

The formatter's `ruff check --fix` pass still runs over them; where the emitted import block is
already what it would write, ruff finds nothing to fix and reads each file once (a fix costs it
a second pass over the file). These tests run that very pass (`generator.formatting._PASSES`)
over the emitted, unformatted modules of several documents and find no change: had the block
kept an import ruff prunes, or dropped one the code uses (ruff would flag the name, never add
the import), or sorted differently, the text would change or the module would not work.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

from generator.emit.datamodel_codegen import BASE_CLASS, HEADER
from generator.emit.model_imports import import_block, used_names
from generator.emit.native_models import emit_native_models
from generator.formatting import _PASSES
from generator.loader import load_document
from generator.plans import build_document
from generator.plans.model_plan import build_model_plan
from tests.conftest import CORPUS, ROOT

# ServiceAi's contract, the repository's fixtures, and corpus documents rich in model constructs
# (discriminators, nullable and composed schemas, formats, enums, recursion).
DOCUMENTS = [
    ROOT / "spec" / "openapi.yaml",
    *sorted((ROOT / "tests" / "fixtures").glob("*.yaml")),
    CORPUS / "3.0" / "discriminators.json",
    CORPUS / "3.0" / "circular.json",
    CORPUS / "3.0" / "complex-nesting.json",
    CORPUS / "3.1" / "schema-types.json",
    CORPUS / "3.1" / "petstore.json",
]


def _ruff_check_fix(root: Path, paths: list[str]) -> None:
    """The formatter's first pass, exactly as it runs it, over `paths` under `root`."""
    done = subprocess.run(
        [find_ruff_bin(), *_PASSES[0], "--", *paths],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _unchanged_by_ruff(tmp_path: Path, files: dict[str, str]) -> dict[str, str]:
    """path -> the text ruff's check --fix makes of it, for the files it changes."""
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    _ruff_check_fix(tmp_path, sorted(files))
    after = {rel: (tmp_path / rel).read_text(encoding="utf-8") for rel in files}
    return {rel: after[rel] for rel in files if after[rel] != files[rel]}


def test_ruff_finds_nothing_to_fix_in_the_emitted_model_modules(tmp_path: Path) -> None:
    files: dict[str, str] = {}
    for i, spec in enumerate(DOCUMENTS):
        assert spec.is_file(), spec
        for strict in (False, True):
            package = f"doc{i}_{'strict' if strict else 'lenient'}"
            document = build_document(load_document(spec), package)
            files.update(emit_native_models(document, build_model_plan(document, strict), package))
            # as emit_package writes it: ruff's first party is the package the module is in
            files[f"{package}/__init__.py"] = ""
    modules = {rel: text for rel, text in files.items() if not rel.endswith("__init__.py")}
    assert len(modules) > 100  # many modules, with and without sibling imports
    assert any("\nfrom ." in text for text in modules.values())
    changed = _unchanged_by_ruff(tmp_path, files)
    assert not changed, f"ruff changed {len(changed)} modules, first: {next(iter(changed))}"


def test_names_in_strings_comments_literals_and_field_names_are_not_uses() -> None:
    code = '''class Thing(Model):
    """A datetime, as Any UUID would say."""

    # Typed fallback: Field and Literal here are words of a comment
    date: Annotated[str, Field(alias='date')] = None
    kind: Literal["IntEnum", 'StrEnum', "it's \\"date\\""] = "UUID"
    other: x.Any | None = None
'''
    assert used_names(code) >= {"Annotated", "Field", "Literal", "str", "None", "x", "Model"}
    for word in ("datetime", "UUID", "IntEnum", "StrEnum", "date", "kind", "other", "Any"):
        assert word not in used_names(code), word


def test_a_made_up_module_is_what_ruff_would_write(tmp_path: Path) -> None:
    """Every import kind at once, names in strings, and sibling names ruff orders its own way."""
    local = {
        "_zeta10": ["Zeta10", "Zeta2"],
        "_zeta2": ["ZETA_X", "Zeta", "zeta_lower"],
        "_b": ["B"],
        "_long": [f"AVeryLongModelNameNumber{n}ThatTakesRoom" for n in (1, 2, 10, 3)],
    }
    siblings = " | ".join(name for names in local.values() for name in names)
    code = f'''class Thing({BASE_CLASS}):
    """Its date, datetime and UUID are only words here."""

    model_config = ConfigDict(extra="forbid")
    _check_required_alternatives = _required_alternatives([["a"], ["b"]], True)

    when: Annotated[datetime, _Strict()] | None = None
    kind: Literal["IntEnum"] = "IntEnum"
    choice: Annotated[{siblings}, discriminated("kind")] | Any = None
    date: _DateText | None = None


class Colour(StrEnum):
    RED = "red"


class Things(RootModel[list[Thing]]):
    pass
'''
    module = "\n".join([HEADER.rstrip("\n"), *import_block(code, "pkg", BASE_CLASS, local), ""])
    text = module + "\n" + code
    rel = "pkg/models/_thing.py"
    assert not _unchanged_by_ruff(
        tmp_path, {"pkg/__init__.py": "", "pkg/models/__init__.py": "", rel: text}
    )
    assert "from datetime import datetime\n" in text  # `date` is only a field name
    assert "UUID" not in text.split("class Thing")[0]
    assert "IntEnum" not in text.split("class Thing")[0]
    assert "from pkg._base import DateText as _DateText" in text


@pytest.mark.parametrize("package", ["api", "zz_api", "a_api"])
def test_the_sections_are_in_ruffs_order_whatever_the_package_is_called(
    tmp_path: Path, package: str
) -> None:
    code = f"class A({BASE_CLASS}):\n    x: Annotated[UUID, Field()] = _NOT_NULL\n"
    lines = import_block(code, package, BASE_CLASS, {"_b": ["B"]})
    text = "\n".join([HEADER.rstrip("\n"), *lines, ""]) + "\n" + code + "    y: B\n"
    files = {f"{package}/__init__.py": "", f"{package}/models/__init__.py": ""}
    files[f"{package}/models/_a.py"] = text
    assert not _unchanged_by_ruff(tmp_path, files)


def test_a_made_up_models_init_is_what_ruff_would_write(tmp_path: Path) -> None:
    """`__all__` in RUF022's order (case-sensitive, natural, constants first) and the
    re-exports in isort's (case-insensitive), a long one wrapped as ruff wraps it."""
    from generator.emit.model_modules import _init

    long_name = "ActionsSetSelectedRepositoriesEnabledGithubActionsOrganizationRequestBody"
    module_of_name = {
        "ZETA_X": "_zeta2",
        "Zeta10": "_zeta10",
        "Zeta2": "_zeta2",
        "zeta_lower": "_zeta2",
        "ActionsCreateOrgVariable": "_actions",
        "ActionsCreateOrUpdateSecret": "_actions",
        long_name: "_actions_set_selected_repositories_enabled_github_actions_organization",
    }
    text = _init(HEADER.rstrip("\n"), "pkg", "Made up", module_of_name)
    assert f"        {long_name} as {long_name},\n" in text
    files = {"pkg/__init__.py": "", "pkg/models/__init__.py": text}
    assert not _unchanged_by_ruff(tmp_path, files)
