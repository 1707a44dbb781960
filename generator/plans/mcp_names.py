"""Tool names an agent host accepts: at most 64 of `[A-Za-z0-9_-]`, unique, from the operation.

MCP itself allows 128 characters and `.`, but the model providers' tool-calling APIs (and the
hosts that forward tools to them) cap a function name at 64 of `[A-Za-z0-9_-]`: a longer name is
refused there, so the generated server never lists one. A name over the cap is shortened
deterministically with the operation's own words, in this order, stopping as soon as it fits:

1. FastAPI's generated suffix is dropped: its operation ids are the route function's name, the
   path and the method (`read_item_api_v1_items_item_id_get`); the function's name stays.
2. A word met again is dropped (`list_runs_threads_thread_id_runs` -> `list_runs_threads_thread_id`).
3. Trailing words are dropped until the name fits (never cut inside a word, unless the first
   word alone is too long).

A clash (two operations shortened to the same name, or a natural name taken) gets `_2`, `_3`...
within the cap.
"""

from __future__ import annotations

import re

from generator.ir.naming import words

MAX_TOOL_NAME = 64
TOOL_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def shortened(name: str, method: str, path: str) -> str:
    """`name` (snake_case) within MAX_TOOL_NAME characters, from its own words."""
    if len(name) <= MAX_TOOL_NAME:
        return name
    parts = name.split("_")
    suffix = [w.lower() for w in words(path)] + [method.lower()]
    if len(parts) > len(suffix) and parts[-len(suffix) :] == suffix:
        parts = parts[: -len(suffix)]
    if len("_".join(parts)) > MAX_TOOL_NAME:
        parts = list(dict.fromkeys(parts))
    while len(parts) > 1 and len("_".join(parts)) > MAX_TOOL_NAME:
        parts.pop()
    return "_".join(parts)[:MAX_TOOL_NAME]


class ToolNames:
    """Unique tool names in claim order, case-insensitively, each within the cap."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, wanted: str) -> str:
        name, n = wanted, 1
        while name.lower() in self._taken:
            n += 1
            tail = f"_{n}"
            name = wanted[: MAX_TOOL_NAME - len(tail)] + tail
        self._taken.add(name.lower())
        return name
