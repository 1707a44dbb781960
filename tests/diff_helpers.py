"""Small before/after documents for the diff tests: one path with a request and a response."""

from __future__ import annotations

import copy
from typing import Any

from generator.diff import diff_data
from generator.diff.model import Change

OP = "/paths/~1pets/post"
REQ = OP + "/requestBody/content/application~1json/schema"
RES = OP + "/responses/200/content/application~1json/schema"
PARAM = OP + "/parameters/0"
HEADER = OP + "/responses/200/headers/X-Rate"


def base(version: str = "1.0.0") -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Pets", "version": version},
        "paths": {
            "/pets": {
                "post": {
                    "operationId": "createPet",
                    "tags": ["pets"],
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string"},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "name": {"type": "string"},
                                        "tag": {"type": "string"},
                                    },
                                    "required": ["name"],
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "headers": {
                                "X-Rate": {"required": True, "schema": {"type": "integer"}}
                            },
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "id": {"type": "integer"},
                                            "note": {"type": "string"},
                                        },
                                        "required": ["id"],
                                    }
                                }
                            },
                        },
                        "400": {"description": "bad"},
                    },
                }
            }
        },
        "components": {"schemas": {"Pet": {"type": "object"}}},
    }


def get(doc: dict[str, Any], pointer: str) -> Any:
    node: Any = doc
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def put(doc: dict[str, Any], pointer: str, value: Any) -> None:
    parent, _, last = pointer.rpartition("/")
    last = last.replace("~1", "/").replace("~0", "~")
    holder = get(doc, parent)
    if isinstance(holder, list):
        holder[int(last)] = value
    else:
        holder[last] = value


def pair() -> tuple[dict[str, Any], dict[str, Any]]:
    old = base()
    return old, copy.deepcopy(old)


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    return diff_data(old, new)


def only(changes: list[Change]) -> Change:
    assert len(changes) == 1, [(c.id, c.pointer) for c in changes]
    return changes[0]
