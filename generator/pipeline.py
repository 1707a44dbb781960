"""Spec -> intermediate model -> every emitter -> formatted files, for one target.

What only some targets use (datamodel-code-generator, the web package's TypeScript planner) is
imported where it is used, so a run pays only for what its targets need.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import memory
from generator.config import Target
from generator.emit.adapter import emit_adapter
from generator.emit.client import emit_client
from generator.emit.mcp import emit_mcp
from generator.emit.native_models import emit_native_models
from generator.emit.package import emit_package
from generator.emit.server import emit_server
from generator.emit.settled_imports import settled_paths
from generator.formatting import Formatter
from generator.ir import Document
from generator.launcher import Launcher
from generator.loader import load_document
from generator.plans import build_document
from generator.plans.model_plan import build_model_plan
from generator.schema_walk import path_item_operations


@dataclass
class GenerationResult:
    document: Document
    files: dict[str, str]  # path relative to the target folder -> text
    # Other folders the target owns (the npm contract package): folder -> its files.
    other_folders: dict[Path, dict[str, str]] = field(default_factory=dict)

    def folders(self, target: Target) -> dict[Path, dict[str, str]]:
        """Every folder this target writes, with the files each must hold exactly."""
        return {target.out: self.files, **self.other_folders}


# Told as each stage starts: its name (STAGES) and what it works on ({"schemas": 969}).
Progress = Callable[[str, Mapping[str, int]], None]
STAGES = ("load", "ir", "server", "models", "client", "format", "write")  # write: the caller's


def generate_target(target: Target, progress: Progress | None = None) -> GenerationResult:
    # ruff's processes are started by a shell started now, while this process is small, not
    # forked from it once it holds a large document (generator/launcher.py).
    with memory.run_scope(), Launcher() as launcher:
        return _generate(target, progress, launcher)


def _generate(target: Target, progress: Progress | None, launcher: Launcher) -> GenerationResult:
    step = progress or _silent
    if target.models_engine == "datamodel-code-generator":
        from generator.emit import models_worker

        models_worker.start_early(target.models_worker)
    step("load", {})
    # The loaded document and the intermediate model are built with the cyclic collector
    # paused, then the model is set aside from its collections (generator/memory.py).
    with memory.long_lived_built():
        loaded = load_document(target.spec, overlay_dir=target.overlay_dir, strict=target.strict)
        step("ir", {"operations": count_operations(loaded.data)})
        document = build_document(loaded, target.package)
        asked = None
        if target.models_engine == "datamodel-code-generator":
            from generator.emit.models import ask_models_beside

            # Asked of the warm worker now, it writes the models while the web package and the
            # other emitters render (generator.emit.models_worker).
            asked = ask_models_beside(document, target.package, target.models_worker)
        other_folders = {}
        if target.npm_package is not None and target.npm_out is not None:
            from generator.emit.npm_package import emit_npm_package
            from generator.plans.typescript import build_typescript_plan

            # The web package types the document as published: overlays serve the Python SDK.
            published = (
                load_document(target.spec, strict=target.strict) if loaded.overlays else loaded
            )
            plan = build_typescript_plan(published.data)
            other_folders[target.npm_out] = emit_npm_package(target, plan)
            del published, plan
        # The source text, its line index and the parts of the document the intermediate model
        # does not keep are freed before emitting: about 50 MiB less at the peak on GitHub's
        # description.
        del loaded
    memory.release_freed_memory()  # what the loaded document held, handed back
    # Each emitter's files go to the formatter as soon as they are rendered: written to its
    # scratch folder (their texts not kept here), formatted in the background in batches while
    # the rest renders. The package's own files first: ruff sorts an import as first-party
    # only inside a complete package (every `__init__.py` from the module's folder up).
    with Formatter(launcher) as formatter:
        # Every emitter of ours writes its Python files as `ruff check --fix` would leave them
        # (settled: ruff only formats them), but those it says it could not settle
        # (generator.emit.settled_imports.Files); datamodel-code-generator's models are checked.
        def submit(files: dict[str, str], settled: bool = True) -> None:
            formatter.submit(files, settled and settled_paths(files))
            # The texts wait for ruff on disk; what rendering them took is handed back while
            # ruff runs beside this process (generator/memory.py).
            del files
            memory.release_freed_memory()

        submit(emit_package(document, target))
        # While the warm worker writes the models, the other emitters render; their files are
        # held and submitted after the models, and the models' warnings go where they would
        # have been.
        held: list[dict[str, str]] = []
        emitted = submit if asked is None else held.append
        # The server stubs first (their plan is part of the intermediate model): a large
        # document's modules are the largest files (GitHub's about 3 MB each), and each goes to
        # ruff as soon as it is rendered, formatted while the models and the client render
        # instead of after them. Rendering them adds no warnings: their order is the same.
        step("server", {"operations": len(document.operations)})
        if asked is None:
            emit_server(document, target, flush=submit)
        else:
            emitted(emit_server(document, target))
        step("models", {"schemas": len(document.schemas)})
        if target.models_engine == "native":
            model_plan = build_model_plan(document, target.strict_models)
            # Each megabyte of modules to ruff as it is written, while the rest is.
            submit(emit_native_models(document, model_plan, target.package, flush=submit))
            del model_plan
        else:
            # datamodel-code-generator (and pydantic with it) is imported only by the targets
            # that ask for it: a third of a second of start-up the native engine does not need.
            from generator.emit.models import emit_models

            if asked is None:
                submit(emit_models(document, target.package, target.models_worker), settled=False)
        warned = len(document.warnings)
        step(
            "client", {"operations": len(document.operations), "resources": len(document.resources)}
        )
        if asked is None:  # a few resource modules at a time, formatted while the rest render
            emit_client(document, target, flush=submit)
        else:
            emitted(emit_client(document, target))
        emitted(emit_mcp(document, target))
        emitted(emit_adapter(document, target))
        if asked is not None:
            others = len(document.warnings)
            submit(emit_models(document, target.package, target.models_worker, asked), False)
            models_warnings = document.warnings[others:]
            del document.warnings[others:]
            document.warnings[warned:warned] = models_warnings
            for files in held:
                submit(files)
            del held
        step("format", {"files": len(formatter)})
        return GenerationResult(document, formatter.result(), other_folders)


def count_operations(data: Any) -> int:
    """Operations in a loaded document, before the intermediate model is built."""
    paths = data.get("paths") if isinstance(data, dict) else None
    if not isinstance(paths, dict):
        return 0
    return sum(1 for item in paths.values() for _ in path_item_operations(item))


def _silent(stage: str, counts: Mapping[str, int]) -> None:
    pass
