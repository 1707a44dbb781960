"""Hand memory the run has freed back to the operating system, where the C library keeps it;
keep the cyclic garbage collector off the objects that live for the whole run.

CPython gives its small objects back in whole arenas, but everything larger (dicts of more than
a few keys, lists, long strings) comes from the C library's `malloc`, and glibc keeps what was
freed inside its heap: the resident set stays as large as it ever was, though nothing uses it.
A large document's run frees a lot at a few known moments (jsonschema-rs's copy of the embedded
schemas once the server plan is checked, the loaded document once the intermediate model is
built): on GitHub's description about 50 MiB each time, which stays resident beside the ruff
processes that format the output unless it is handed back. `malloc_trim(0)` returns the free
pages of every arena (glibc 2.8 and later); it costs a few milliseconds for a heap of hundreds
of MiB. Elsewhere (musl, macOS, Windows) there is nothing to call and nothing is done.

The loaded document and the intermediate model are about a million containers, built at the
start and kept to the end of the run. As they grow, CPython's cyclic collector runs its full
collection again and again over all of them (on GitHub's description about a second of a
twelve-second run, in pauses of up to a quarter of a second), to find little garbage.
`long_lived_built` pauses it while they are built and the loaded document is dropped, then
sets aside (`gc.freeze`) what is alive, so the collections of the rest of the run pass the model
over. Nothing is collected first: what dies there dies by reference counting (the server plan
breaks the one cycle that held the loaded document: tests/test_memory.py checks that dropping
the document leaves next to no cyclic garbage), and a cycle left behind is collected after the
run; `run_scope` hands it back to the collector when the run ends (a process
that generates document after document, the corpus workers, must not keep it out of its
collections for good).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from generator import timing

_TRIM: Callable[[int], int] | None = None
_LOOKED_UP = False


def _malloc_trim() -> Callable[[int], int] | None:
    global _TRIM, _LOOKED_UP
    if not _LOOKED_UP:
        _LOOKED_UP = True
        import ctypes  # only when there is something to release: a small run never asks

        try:
            # The program's own symbols include its C library's; `find_library` would start
            # `ldconfig`, a process forked from this one.
            trim = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError):  # no glibc: its allocator is not this one
            return None
        trim.argtypes = [ctypes.c_size_t]
        trim.restype = ctypes.c_int
        _TRIM = trim
    return _TRIM


# Below this resident size a run has little to hand back: a small document's run skips the call
# (and the import of ctypes, a few milliseconds of its third of a second).
WORTH_RELEASING = 64 << 20


def release_freed_memory() -> bool:
    """The C library's free heap pages given back; False where there is no `malloc_trim`, or
    when the process is too small for it to matter."""
    if _resident_bytes() < WORTH_RELEASING:
        return False
    trim = _malloc_trim()
    if trim is None:
        return False
    with timing.timed("memory: freed pages released (malloc_trim)"):
        trim(0)
    return True


def _resident_bytes() -> int:
    """This process's resident set (Linux's /proc; 0 elsewhere, where glibc is not either)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector paused while the body runs, and resumed (if it ran before) however
    the body ends. For work that allocates hundreds of thousands of small objects and makes no
    cycles (what it drops goes by reference counting): each collection those allocations would
    set off traverses everything alive, a large loaded document included, for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def long_lived_built() -> Iterator[None]:
    """The cyclic collector paused while the body builds what lives long (and drops what it
    no longer needs); what is alive at its end is set aside (`gc.freeze`) from the collections
    of the rest of the run. Should the body fail, the collector is only resumed."""
    with collector_paused():
        yield
        gc.freeze()


@contextmanager
def run_scope() -> Iterator[None]:
    """One run: what was set aside goes back to the collector at its end."""
    try:
        yield
    finally:
        gc.unfreeze()
