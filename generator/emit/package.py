"""The installable package around the generated code: pyproject, README, py.typed, __init__."""

from __future__ import annotations

from generator.config import Target
from generator.emit.render import render
from generator.ir.client import build_client_plan
from generator.ir.model import Document


def emit_package(doc: Document, target: Target) -> dict[str, str]:
    context = {"doc": doc, "target": target, "client": build_client_plan(doc)}
    pkg = target.package
    files = {
        "pyproject.toml": render("package/pyproject.toml.jinja", **context),
        "README.md": render("package/README.md.jinja", **context),
        f"{pkg}/__init__.py": render("package/__init__.py.jinja", **context),
        f"{pkg}/_version.py": render("package/_version.py.jinja", **context),
        f"{pkg}/_base.py": render("package/_base.py.jinja", **context),
        f"{pkg}/py.typed": "",
    }
    # Release hook (generator/diff/release.py): a target with a changelog ships it verbatim.
    if target.changelog is not None and target.changelog.is_file():
        files["CHANGELOG.md"] = target.changelog.read_text(encoding="utf-8")
    return files
