"""Whether a document's `pattern` compiles as a Python regular expression.

The generated code checks a `pattern` with Python's `re` (the models' `Field(pattern=...)`, the
MCP tools' JSON Schemas that hosts validate in Python), so a pattern only ECMA-262 accepts is left
out there. `re` also warns (FutureWarning: "Possible nested set") about patterns such as `[[a]`
whose meaning a later Python may change: that is a fact about the document, never a Python
warning on the user's terminal.
"""

from __future__ import annotations

import re
import warnings
from typing import Any


def compiles(pattern: Any) -> bool:
    """True when `pattern` is a string Python's `re` compiles (its warnings silenced)."""
    if not isinstance(pattern, str):
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            re.compile(pattern)
        except (re.error, RecursionError, OverflowError):
            return False
    return True
