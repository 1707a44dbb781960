"""What the diff engine reports: one Change per rule that fired at one place of the contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["breaking", "warning", "info"]
Side = Literal["old", "new"]
Direction = Literal["request", "response", "none"]

LEVEL_ORDER: dict[str, int] = {"breaking": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Change:
    """One classified difference between two versions of a contract.

    `pointer` is a JSON pointer into the NEW document, except when the changed node no longer
    exists there (a removed path, operation, parameter, response, media type, property or schema):
    then it points into the OLD document. `side` says which. A schema reached through `$ref` is
    reported where it is written (for example under /components/schemas), and `operations` lists
    every operation whose request or response the change affects.
    """

    id: str
    level: Level
    breaks_clients: bool
    breaks_servers: bool
    pointer: str
    side: Side
    message: str
    old: Any = None
    new: Any = None
    operations: tuple[str, ...] = field(default=())
    location: str = ""  # file:line of the pointer, filled in when the document is known
    # file:line in the NEW document where the change shows (for a removal: the nearest node that
    # is still there), for annotations on the file a pull request edits.
    new_location: str = ""

    def sort_key(self) -> tuple[int, str, str, str, str]:
        return (
            LEVEL_ORDER[self.level],
            self.pointer,
            self.id,
            _plain(self.old),
            _plain(self.new),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "breaks_clients": self.breaks_clients,
            "breaks_servers": self.breaks_servers,
            "pointer": self.pointer,
            "side": self.side,
            "location": self.location,
            "new_location": self.new_location,
            "operations": list(self.operations),
            "message": self.message,
            "old": self.old,
            "new": self.new,
        }


def _plain(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, default=str)


@dataclass
class DiffResult:
    old_file: str
    new_file: str
    old_version: str
    new_version: str
    changes: list[Change]
    ignored: list[Change] = field(default_factory=list)  # accepted in an ignore file

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.level == "breaking"]

    @property
    def warnings(self) -> list[Change]:
        return [c for c in self.changes if c.level == "warning"]

    def counts(self) -> dict[str, int]:
        counts = {"breaking": 0, "warning": 0, "info": 0}
        for change in self.changes:
            counts[change.level] += 1
        return counts
