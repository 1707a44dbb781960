"""The installable package around the generated code: pyproject, README, py.typed, __init__."""

from __future__ import annotations

import re

from generator.config import Target
from generator.emit.render import render
from generator.emit.runtime import runtime_module
from generator.ir.model import Document
from generator.sdk_version import load_records, post_number, with_post


def package_version(doc: Document, target: Target) -> str:
    """The distribution's version: the contract's, plus the SDK post-release recorded for it."""
    record = load_records(target.sdk_versions).get(target.distribution)
    return with_post(distribution_version(doc.version), post_number(record, doc.version))


def emit_package(doc: Document, target: Target) -> dict[str, str]:
    version = package_version(doc, target)
    context = {
        "doc": doc,
        "target": target,
        "client": doc.client,
        "dist_version": version,
        "contract_version": distribution_version(doc.version),
        # where the package sits in the repository (pip's `#subdirectory=`)
        "subdirectory": (
            f"generated/{target.out.name}"
            if target.out.parent.name == "generated"
            else "<folder-of-this-package>"
        ),
    }
    pkg = target.package
    files = {
        "pyproject.toml": render("package/pyproject.toml.jinja", **context),
        "README.md": render("package/README.md.jinja", **context),
        f"{pkg}/__init__.py": render("package/__init__.py.jinja", **context),
        f"{pkg}/_version.py": render("package/_version.py.jinja", **context),
        f"{pkg}/_base.py": runtime_module("_base.py"),
        # the guarded uvicorn set-up of the server stubs and the MCP server's HTTP transport
        f"{pkg}/_serving.py": runtime_module("_serving.py"),
        f"{pkg}/py.typed": "",
    }
    # Release hook (generator/diff/release.py): a target with a changelog ships it, after the
    # SDK's own post-release note; it is written beside pyproject.toml (the sdist) and inside
    # the package (the wheel).
    contract_log = (
        target.changelog.read_text(encoding="utf-8")
        if target.changelog is not None and target.changelog.is_file()
        else f"# Changelog\n\n## {doc.version}\n\nGenerated from {doc.title} {doc.version}.\n"
    )
    changelog = contract_log
    if version != distribution_version(doc.version):
        note = (
            f"## SDK {target.distribution} {version}\n\n"
            f"A post-release for contract {doc.version}: the generated code changed, the "
            "contract did not (recorded in spec/history/sdk-versions.json).\n\n"
        )
        head, sep, rest = contract_log.partition("\n## ")
        changelog = f"{head.rstrip()}\n\n{note}## {rest}" if sep else f"{contract_log}\n{note}"
    files["CHANGELOG.md"] = changelog
    files[f"{pkg}/CHANGELOG.md"] = changelog
    files["MANIFEST.in"] = "include CHANGELOG.md README.md\n"
    return files


_PEP440 = re.compile(r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?")


def distribution_version(version: str) -> str:
    """`info.version` as a PEP 440 version pip accepts (`2026-08-21` -> `2026.8.21`).

    A version that is already valid is kept as written; anything else becomes a local version
    of 0.0.0 that still reads as the original (`beta-2` -> `0.0.0+beta.2`).
    """
    if _PEP440.fullmatch(version):
        return version
    date = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", version)
    if date:
        return ".".join(str(int(part)) for part in date.groups())
    local = re.sub(r"[^A-Za-z0-9]+", ".", version).strip(".")
    return f"0.0.0+{local}" if local else "0.0.0"
