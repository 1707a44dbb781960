"""One Jinja2 environment for every template-driven emitter."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _pyrepr(value: Any) -> str:
    """A Python literal for plain JSON data (deterministic: dict order as given)."""
    return repr(value)


def _docstring(text: Any) -> str:
    """Text safe inside triple double quotes (a closing quote of its own would end them)."""
    safe = str(text).replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    return safe + " " if safe.endswith('"') else safe


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["pyrepr"] = _pyrepr
    env.filters["tojson"] = lambda v: json.dumps(v, sort_keys=False)
    env.filters["docstring"] = _docstring
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
