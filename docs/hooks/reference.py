"""MkDocs hook: the reference pages rendered from the code (generator/docs_pages.py).

The command line (every command, option and example), the target settings and the warning rules
are described once, in code; this hook adds their pages to the site at build time, so they are
never written twice and never stale.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from generator.docs_pages import PAGES


def on_files(files: Files, config: Any) -> Files:
    for path, render in PAGES.items():
        files.append(File.generated(config, path, content=render()))
    return files
