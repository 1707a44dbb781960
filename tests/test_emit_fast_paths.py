"""The emitters' fast paths (a filter, an escape, a sort key) give exactly the plain code's result."""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

import jinja2
import pytest
import yaml
from jinja2.filters import do_wordwrap

from generator.emit import model_imports, render, wordwrap
from generator.emit.native_models import docstring

TRICKY = [
    "",
    " ",
    "\t",
    "word",
    "  leading spaces kept on the first line",
    "trailing spaces dropped   ",
    "trailing tab\t",
    "ends in a no-break space\xa0",
    "ends in an ideographic space\u3000",
    "no-break space then blanks\xa0  ",
    "\xa0",
    "\u2009 \u2009",
    "a hyphenated-word at the very-end-of-a-line that goes on and on past the width of it",
    "x" * 120,
    "short\nlines\n\nwith paragraphs\r\nand CRLF\rand CR",
    "line\x0bvertical tab\x0cform feed\x1cfile sep\u2028line sep",
    "- a list item\n  - nested, indented by two\n    - by four " + "y " * 60,
    "exactly eighty characters " + "z" * 54,
    "em--dash between--words and a --flag and trailing--",
    "ünïcödé wörds " * 12,
]


_JINJA = jinja2.Environment()


def _jinja(text: str, width: int, hyphens: bool) -> str:
    return do_wordwrap(_JINJA, text, width, True, "\n", hyphens)


def _ours(text: str, width: int, hyphens: bool) -> str:
    return render._wordwrap(render.environment(), text, width, break_on_hyphens=hyphens)


@pytest.mark.parametrize("width", [1, 5, 20, 54, 79, 80, 88, 92])
@pytest.mark.parametrize("text", TRICKY)
def test_wordwrap_matches_jinja(text: str, width: int) -> None:
    for hyphens in (True, False):
        assert _ours(text, width, hyphens) == _jinja(text, width, hyphens)


def test_wordwrap_matches_jinja_on_random_text() -> None:
    rng = random.Random(20261207)
    pieces = [
        "a", "bc", "def", "-", "--", "---", " ", "  ", "\t", "\n", "\xa0", "\u3000",
        ".", ",", "é", "x" * 12, "y" * 30, "well-known", "a--b", "https://e.com/x-y-z",
    ]  # fmt: skip
    ours_env, jinja_env = render.environment(), jinja2.Environment()
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 40)))
        width = rng.choice([1, 3, 8, 13, 20, 40, 80, 88])
        for hyphens in (True, False):
            for long_words in (True, False):
                ours = render._wordwrap(ours_env, text, width, long_words, None, hyphens)
                jinja = do_wordwrap(jinja_env, text, width, long_words, None, hyphens)
                assert ours == jinja, (text, width, hyphens, long_words)


def test_wordwrap_matches_jinja_on_the_contract_s_prose() -> None:
    """Every description and summary of our own contract, as the client's docstrings wrap it."""
    spec = yaml.safe_load((Path(__file__).parent.parent / "spec" / "openapi.yaml").read_text())
    texts = set()

    def collect(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("description", "summary") and isinstance(value, str):
                    texts.add(value)
                collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    collect(spec)
    assert len(texts) > 20
    for text in sorted(texts):
        for width in (80, 88, 92):
            assert _ours(text, width, True) == _jinja(text, width, True), (text, width)


def test_whitespace_is_textwrap_s() -> None:
    assert textwrap._whitespace == wordwrap.TEXTWRAP_WHITESPACE  # type: ignore[attr-defined]


def test_wordwrap_of_a_non_string_is_jinja_s() -> None:
    with pytest.raises(AttributeError):
        _ours(42, 80, True)  # type: ignore[arg-type]


def _docstring_reference(text: str) -> str:
    """The model docstring as it was first written: every character checked one by one."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"""', '\\"\\"\\"')
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\t", "    ")
    )
    escaped = "".join(
        ch if ch == "\n" or ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
        for ch in escaped
    )
    if escaped.endswith('"'):
        escaped += " "
    lines = escaped.split("\n")
    if len(lines) == 1:
        return f'"""{escaped}"""'
    return '"""' + lines[0] + "\n" + "\n".join(lines[1:]) + '\n"""'


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain",
        'ends in a quote"',
        'has """ inside',
        "back\\slash",
        "two\nlines\r\nand\rmore",
        "tab\there",
        "bell\x07 and nul\x00 and escape\x1b",
        "no-break\xa0space and line sep\u2028and zero width\u200b",
        "\x85next line",
        "ünïcödé",
    ],
)
def test_model_docstring_matches_the_per_character_escape(text: str) -> None:
    assert docstring(text) == _docstring_reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a",
        "Pet",
        "pet_store",
        "x2",
        "X10y",
        "10",
        "2fa_method",
        "v1_2_3",
        "_private9",
        "²x",
        "ab²",
    ],
)
def test_natural_key_matches_the_runs(text: str) -> None:
    def reference(text: str) -> tuple[tuple[str, int, int, str], ...]:
        runs = model_imports._RUNS.findall(text)
        return tuple(
            (("0", 0, 0, run) if run[0] == "0" else ("0", 1, int(run), ""))
            if run[0].isdigit()
            else (run, 0, 0, "")
            for run in runs
        )

    try:
        expected: object = reference(text)
    except ValueError as error:  # a digit `\d` does not match (superscript two)
        expected = type(error)
    try:
        got: object = model_imports._natural(text)
    except ValueError as error:
        got = type(error)
    assert got == expected
