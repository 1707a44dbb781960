"""Two per-operation decisions of the client, made once: what is retried and the method name.

**Retries** (`retry_policy`). A 429 means the server did not process the request, so it is
retried on any method. Everything else (connection errors, timeouts, 502/503/504) is retried
only where repeating the call is safe: an idempotent method (GET, PUT, DELETE, ...), or an
operation whose `x-mcp` extension says `idempotentHint: true` (the MCP tool annotation of the
same fact). An `x-retry` extension on the operation, typically added by an overlay, overrides
both: `true` retries like an idempotent method, `false` never retries (not even a 429). An
operation declaring an `Idempotency-Key` header parameter is retried like an idempotent one: the
client sends one generated key on every attempt of a call (the server drops the repeats).

**Method names** (`method_names`). A method lives on its resource (`client.chatty`), so its
name does not repeat the resource: `listChattyTools` on `chatty` is `list_tools`, and
`repos/list-for-org` on `repos` is `list_for_org`. The resource's words (or their singular) are
removed from the operation's name once; a name that would become empty, a keyword, a name the
resource class uses, or a duplicate inside the resource keeps its full name. A builtin's name is
fine (`client.models.list()`): a resource whose method hides a builtin type reads that type
through `builtins` in its annotations (generator.plans.shadowing). An
`x-sdk-name` extension on the operation (added by the names overlay, `spec/overlays/`) names
the method outright. The document-wide `python_name` still names the operation's exceptions
(`ListChattyToolsUnauthorizedError`).
"""

from __future__ import annotations

import dataclasses
import keyword
from typing import Any

from generator.errors import Location, Problem, SpecError, join_pointer
from generator.ir.model import Operation
from generator.ir.naming import NameRegistry, fastapi_stem, snake, words

IDEMPOTENT_METHODS = frozenset({"get", "head", "options", "put", "delete", "trace"})
# Names a generated resource class or its module already uses in method annotations/bodies.
RESOURCE_MEMBERS = frozenset(
    {
        "with_raw_response",
        "with_streaming_response",
        "httpx",
        "cast",
        "self",
        "overload",
        "builtins",
    }
)


IDEMPOTENCY_HEADERS = frozenset({"idempotency-key", "x-idempotency-key"})


def idempotency_header(parameters: Any) -> str | None:
    """The name of the operation's idempotency key header parameter, when it declares one."""
    for p in parameters:
        if p.location == "header" and p.name.lower() in IDEMPOTENCY_HEADERS:
            return str(p.name)
    return None


def retry_policy(method: str, op: dict[str, Any], at: str, keyed: bool = False) -> str:
    """ "all", "rate_limit" or "never" (see the module docstring); `keyed`: the operation
    declares an idempotency key header, which the client fills, so repeating it is safe."""
    hint = op.get("x-retry")
    if hint is not None and not isinstance(hint, bool):
        raise SpecError(
            [
                Problem(
                    "x-retry must be true or false",
                    Location("<document>", join_pointer(at, "x-retry")),
                )
            ]
        )
    if hint is False:
        return "never"
    mcp = op.get("x-mcp")
    idempotent_hint = isinstance(mcp, dict) and mcp.get("idempotentHint") is True
    if hint is True or method in IDEMPOTENT_METHODS or idempotent_hint or keyed:
        return "all"
    return "rate_limit"


def _is_keyword(name: str) -> bool:
    return keyword.iskeyword(name) or keyword.issoftkeyword(name)


def _strip(name_words: list[str], resource_words: list[str]) -> list[str]:
    if not resource_words:
        return name_words
    candidates = [resource_words]
    last = resource_words[-1]
    if last.endswith("s") and len(last) > 1:
        candidates.append([*resource_words[:-1], last[:-1]])
    for wanted in candidates:
        n = len(wanted)
        for i in range(len(name_words) - n + 1):
            if name_words[i : i + n] == wanted:
                return name_words[:i] + name_words[i + n :]
    return name_words


def method_names(operations: list[Operation], raw: list[dict[str, Any]]) -> list[Operation]:
    """Each operation with its `method_name` set (unique inside its resource)."""
    registries: dict[str, NameRegistry] = {}
    result = []
    # Explicit names are claimed first so a derived name never takes one.
    order = sorted(range(len(operations)), key=lambda i: "x-sdk-name" not in raw[i])
    names: dict[int, str] = {}
    for i in order:
        op, given = operations[i], raw[i].get("x-sdk-name")
        registry = registries.setdefault(op.resource, NameRegistry(RESOURCE_MEMBERS))
        if given is not None:
            if not isinstance(given, str) or not given.isidentifier() or _is_keyword(given):
                raise SpecError(
                    [
                        Problem(
                            f"x-sdk-name {given!r} is not a usable Python method name",
                            Location("<document>", join_pointer(op.pointer, "x-sdk-name")),
                        )
                    ]
                )
            if given in registry:
                raise SpecError(
                    [
                        Problem(
                            f"x-sdk-name {given!r} is already a method of resource {op.resource!r}",
                            Location("<document>", join_pointer(op.pointer, "x-sdk-name")),
                        )
                    ]
                )
            names[i] = registry.claim(given)
            continue
        full = [w.lower() for w in words(op.python_name)]
        short = "_".join(_strip(full, [w.lower() for w in words(op.resource)]))
        usable = (
            short
            and short[0].isalpha()
            and short.isidentifier()
            and not _is_keyword(short)
            and short.lower() not in registry
            and short == snake(short)
        )
        names[i] = registry.claim(short if usable else op.python_name)
    for i, op in enumerate(operations):
        why = _why_renamed(op, names[i], "x-sdk-name" in raw[i])
        result.append(dataclasses.replace(op, method_name=names[i], renamed=why))
    return result


def _why_renamed(op: Operation, method: str, given: bool) -> str:
    """What the generation report says about a method not named as its operationId says."""
    written = snake(op.operation_id, "operation")
    if method == written:
        return ""
    reasons = []
    if given:
        return "x-sdk-name"
    stem = fastapi_stem(op.operation_id, op.method, op.path)
    if stem is not None and op.python_name == snake(stem):
        reasons.append(f"FastAPI suffix `{op.operation_id[len(stem) :]}` removed")
    elif op.python_name != written:
        reasons.append(f"`{op.python_name}` (another operation is `{written}`)")
    if method != op.python_name:
        reasons.append(f"resource name `{op.resource}` removed")
    return "; ".join(reasons) or "renamed"
