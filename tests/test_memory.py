"""The run's memory (generator/memory.py): freed memory handed back, the collector kept off
the long-lived model.

glibc keeps what a process frees inside its heap: a large document's run frees its loaded
document and jsonschema-rs's copy of the embedded schemas, then the rendered texts of each
emitter, and without `malloc_trim` that memory stays resident beside the ruff processes. What
is checked: the call is made where the pipeline frees (order of stages and calls), it is made
on glibc and only when the process is large enough to matter. And the cyclic collector: paused
while the loaded document and the model are built, the model set aside (frozen) while the
emitters render, everything handed back when the run ends or fails; no cycle keeps the loaded
document alive once the pipeline drops it.
"""

from __future__ import annotations

import gc
import platform
import weakref
from collections.abc import Mapping
from pathlib import Path

import pytest

from generator import memory, pipeline
from generator.cache_dir import CACHE_ENV
from generator.config import Target
from generator.errors import SpecError
from generator.loader import load_document
from generator.plans import build_document

GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


def test_freed_pages_are_released_on_glibc_when_the_process_is_large(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(memory, "WORTH_RELEASING", 0)
    assert memory.release_freed_memory() is GLIBC
    monkeypatch.setattr(memory, "WORTH_RELEASING", 1 << 62)  # a small process: nothing done
    assert memory.release_freed_memory() is False


def test_the_pipeline_releases_where_it_frees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []

    def release() -> bool:
        events.append("release")
        return True

    def progress(stage: str, counts: Mapping[str, int]) -> None:
        events.append(stage)

    monkeypatch.setattr(memory, "release_freed_memory", release)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    spec = Path(__file__).parent / "fixtures" / "edge-cases.yaml"
    target = Target("edge", spec, tmp_path / "out", "edge_api", "edge-api", None)
    pipeline.generate_target(target, progress)
    assert events == [
        "load",
        "ir",
        "release",  # the server plan's checks freed (generator/plans/build.py)
        "release",  # the loaded document freed
        "release",  # the package's files submitted
        "server",
        # each server module as it is rendered: __init__, _spec, validation, responses,
        # handlers, app; then the runtime modules and the webhook receiver
        *["release"] * 7,
        "models",
        "release",  # the models (a small document's in one part)
        "client",
        "release",  # the client's package modules
        "release",  # its resource modules
        "release",  # MCP server
        "release",  # REST adapter
        "format",
    ]


def test_the_model_is_set_aside_from_collections_during_the_run_and_handed_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built with the collector paused, then frozen while emitters render; unfrozen after."""
    seen: dict[str, tuple[bool, int]] = {}

    def progress(stage: str, counts: Mapping[str, int]) -> None:
        seen[stage] = (gc.isenabled(), gc.get_freeze_count())

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    spec = Path(__file__).parent / "fixtures" / "edge-cases.yaml"
    target = Target("edge", spec, tmp_path / "out", "edge_api", "edge-api", None)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    pipeline.generate_target(target, progress)
    assert seen["ir"] == (False, 0)  # paused while the model is built
    enabled, frozen = seen["models"]
    assert enabled and frozen > 1000  # resumed; the model set aside
    assert seen["format"][1] > 1000  # still set aside while the emitters render
    assert gc.isenabled() and gc.get_freeze_count() == 0  # handed back at the end


def test_a_failed_load_resumes_the_collector(tmp_path: Path) -> None:
    spec = tmp_path / "broken.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: [not, a, mapping]\npaths: {}\n", encoding="utf-8")
    target = Target("broken", spec, tmp_path / "out", "broken_api", "broken-api", None)
    with pytest.raises(SpecError):
        pipeline.generate_target(target)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_dropping_the_loaded_document_leaves_no_cycle_holding_it() -> None:
    """The server plan's check referred back to its planner, which holds the loaded document:
    a cycle that kept about 15 MiB of GitHub's document alive until a full collection. Broken,
    reference counting frees the document once the pipeline drops it."""
    spec = Path(__file__).parent / "fixtures" / "edge-cases.yaml"
    gc.collect()
    gc.disable()
    try:
        loaded = load_document(spec)
        document = build_document(loaded, "edge_api")
        data = weakref.ref(loaded)
        del loaded
        assert data() is None
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        kinds = {type(o).__name__ for o in gc.garbage}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert "_Planner" not in kinds and "SchemaCheck" not in kinds
    assert document.server is not None
