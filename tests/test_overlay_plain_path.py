"""Overlay targets that only name members: resolved without the JSONPath engine, same matches.

`generator/loader/plain_path.py` answers a query made of member names alone; every other query
goes to python-jsonpath. Both must select the same nodes, and a run whose overlays only name
members must not import the engine at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonpath
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.loader import plain_path
from generator.loader.overlay import overlays_for
from tests.conftest import OVERLAYS, SPEC
from tests.generate_imports import loaded_of, modules_after_generate

ROOT = Path(__file__).resolve().parent.parent
ENGINE = jsonpath.JSONPathEnvironment(strict=True)

DOCUMENT: dict[str, Any] = {
    "paths": {
        "/pets": {"get": {"responses": {"200": {"description": "ok"}}}},
        "/pets/{id}": {"get": {"tags": ["a", "b"]}},
    },
    "components": {"schemas": {"Pet": {"type": "object"}, "Zoë": {}, "a'b": {}, 'a"b': {}}},
    "list": [{"name": 1}, {"name": 2}],
    "null": None,
    "": {"empty": True},
}


def _engine(query: str, document: Any) -> list[tuple[Any, ...]]:
    return [tuple(m.parts) for m in ENGINE.finditer(query, document)]


def _plain(query: str, document: Any) -> list[tuple[str, ...]] | None:
    names = plain_path.parse(query)
    return None if names is None else plain_path.matches(names, document)


@pytest.mark.parametrize(
    "query",
    [
        "$",
        "$.paths",
        "$.paths['/pets'].get.responses['200']",
        '$.paths["/pets/{id}"].get',
        "$.paths['/pets'].post",  # matches nothing
        "$.components.schemas.Pet",
        "$.components.schemas.Zoë",
        '$.components.schemas["a\'b"]',
        "$.components.schemas['a\"b']",
        "$.list.name",  # a name on an array selects nothing
        "$.null.x",
        "$['']",
        "$[''].empty",
        "$.paths['/pets'].get.responses.200",  # not a name shorthand: an error for both
    ],
)
def test_a_query_of_member_names_selects_what_the_engine_selects(query: str) -> None:
    plain = _plain(query, DOCUMENT)
    if query.endswith(".200"):
        assert plain is None
        with pytest.raises(jsonpath.JSONPathError):
            _engine(query, DOCUMENT)
        return
    assert plain is not None
    assert plain == _engine(query, DOCUMENT)


@pytest.mark.parametrize(
    "query",
    [
        "$.paths.*",
        "$..get",
        "$.list[0]",
        "$.list[?@.name == 1]",
        "$.paths[ '/pets' ]",
        "$.components.schemas['a\\'b']",
        "$['a','b']",
        "paths.x",
        "$.",
        "$.1a",
        "$ .paths",
    ],
)
def test_any_other_query_is_left_to_the_engine(query: str) -> None:
    assert plain_path.parse(query) is None


_NAMES = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6)
_TREES: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.integers(0, 3) | st.text(max_size=2),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_NAMES, inner, max_size=4),
    max_leaves=12,
)


def _query(names: list[str]) -> str:
    parts = []
    for name in names:
        if name.isidentifier() and name.isascii():
            parts.append("." + name)
        elif "'" not in name:
            parts.append(f"['{name}']")
        else:
            parts.append(f'["{name}"]')
    return "$" + "".join(parts)


@settings(max_examples=200, deadline=None)
@given(tree=_TREES, names=st.lists(_NAMES, max_size=4))
def test_random_documents_and_names_agree_with_the_engine(tree: Any, names: list[str]) -> None:
    query = _query(names)
    plain = _plain(query, tree)
    if plain is None:  # a name this module leaves to the engine (an escape, a control character)
        return
    assert plain == _engine(query, tree)


def test_servicesai_overlays_name_members_only_and_the_run_does_not_import_the_engine(
    tmp_path: Path,
) -> None:
    targets = [
        action["target"]
        for overlay in overlays_for(SPEC, OVERLAYS)
        for action in yaml.safe_load(overlay.read_text(encoding="utf-8"))["actions"]
    ]
    assert targets and all(plain_path.parse(t) is not None for t in targets)
    loaded = modules_after_generate(
        *("-q", "--spec", str(SPEC), "--overlays", str(OVERLAYS)),
        *("--out", str(tmp_path / "out"), "--package", "api"),
    )
    assert (tmp_path / "out" / "api" / "client").is_dir()
    assert loaded_of(["jsonpath"], loaded) == []
