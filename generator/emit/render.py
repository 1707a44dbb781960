"""One Jinja2 environment for every template-driven emitter.

Templates are compiled once and kept: compiling the thirty-odd templates from source costs more
than a small document's whole generation, so the compiled code goes into a bytecode cache
(generator.emit.template_cache) that later runs load instead.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.filters import do_wordwrap

from generator import timing
from generator.config import toml_string
from generator.emit.template_cache import bytecode_cache
from generator.emit.wordwrap import wrapped

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

# Everything that shapes the compiled code besides the template's own source: part of the
# bytecode cache's key, so a change here never loads code compiled under other settings.
OPTIONS: dict[str, Any] = {
    "undefined": jinja2.StrictUndefined,
    "keep_trailing_newline": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "autoescape": False,
    # `{% do %}`: a template collects text it renders once and reuses (the client resources).
    "extensions": ("jinja2.ext.do",),
}


def _pyrepr(value: Any) -> str:
    """A Python literal for plain JSON data (deterministic: dict order as given)."""
    return repr(value)


def _docstring(text: Any) -> str:
    """Text safe inside triple double quotes (a closing quote of its own would end them)."""
    safe = str(text).replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    return safe + " " if safe.endswith('"') else safe


@jinja2.pass_environment
def _wordwrap(
    environment: jinja2.Environment,
    s: Any,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: str | None = None,
    break_on_hyphens: bool = True,
) -> str:
    """Jinja2's own `wordwrap` (generator.emit.wordwrap: the same text, wrapped faster)."""
    newline = environment.newline_sequence if wrapstring is None else wrapstring
    if isinstance(s, str):
        return wrapped(s, width, break_long_words, newline, break_on_hyphens)
    return do_wordwrap(environment, s, width, break_long_words, newline, break_on_hyphens)


FILTERS: dict[str, Any] = {
    "pyrepr": _pyrepr,
    "tojson": lambda v: json.dumps(v, sort_keys=False),
    "docstring": _docstring,
    "wordwrap": _wordwrap,
    "toml": toml_string,
}


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        bytecode_cache=bytecode_cache(OPTIONS, sorted(FILTERS)),
        **OPTIONS,
    )
    env.filters.update(FILTERS)
    return env


def render(template: str, **context: Any) -> str:
    env = environment()
    with timing.timed("templates: load (compiled or from the cache)"):
        compiled = env.get_template(template)
    with timing.timed("templates: render"):
        return compiled.render(**context)
