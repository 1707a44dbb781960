"""The `openapi-contract` command (and `python -m generator`): served by the warm generator
when the project keeps one (generator.warm_client), else run in this process, which then ends
without the interpreter's teardown (`leave`).

Nothing beyond the standard library is imported before the warm generator has been asked: a
run it serves never pays the generator's imports.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import NoReturn

from generator.warm_client import served, start_if_wanted


def main() -> int:
    """Served warm when it can be, else run here."""
    argv = sys.argv[1:]
    code = served(argv)
    if code is not None:
        return code
    from generator.cli import main as cli_main

    try:
        code = cli_main(argv)
    finally:
        start_if_wanted()
    leave(code)


def leave(code: int) -> NoReturn:
    """Exit with `code` without taking the interpreter apart.

    After a large document's run, CPython's finalization frees every object still alive one by
    one and collects cycles through them: about 0.3 s after GitHub's description, for nothing,
    since the process ends. The exit functions still run and the standard streams are flushed,
    as in a normal exit; only the teardown is skipped. A thread still running that is not a
    daemon is waited for by a normal exit instead.
    """
    threading = sys.modules.get("threading")
    if threading is not None and any(
        t.is_alive() and not t.daemon and t is not threading.main_thread()
        for t in threading.enumerate()
    ):
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe: a normal exit would not report it either
            pass
    os._exit(code & 0xFF if code >= 0 else 1)
