"""Python names for everything a spec names: stable, readable, never a keyword or a builtin.

Uniqueness is case-insensitive because generated names become file names too, and macOS and
Windows file systems fold case.
"""

from __future__ import annotations

import builtins
import keyword
import re
from functools import lru_cache

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")

# Names the generated modules import or define themselves; a schema called `Field` must not
# replace pydantic's Field inside the models module.
RESERVED_CLASS_NAMES = frozenset(
    {
        # Names the server modules import beside the models (`server/app.py`,
        # `handlers.py`, `responses.py`): a schema `Response` would shadow Starlette's.
        "Request",
        "Response",
        "Route",
        "FastAPI",
        "Receive",
        "Scope",
        "Send",
        "BodySpec",
        "OperationSpec",
        "ParamSpec",
        "StubError",
        "Handlers",
        "RequestContext",
        "RequestProblem",
        "StubResponse",
        "RawResponse",
        "ContractViolation",
        "ValidationError",
        "Awaitable",
        "Callable",
        "Any",
        "Annotated",
        "ContractModel",
        "conint",
        "constr",
        "confloat",
        "conlist",
        "AwareDatetime",
        "BaseModel",
        "ConfigDict",
        "Enum",
        "Field",
        "IntEnum",
        "Literal",
        "Optional",
        "RootModel",
        "StrEnum",
        "Union",
        "UUID",
        "Decimal",
        "NaiveDatetime",
        "AnyUrl",
        "EmailStr",
        "SecretStr",
        "Base64Str",
        "TypeAdapter",
        "List",
        "Dict",
        "None",
        "True",
        "False",
        "Self",
        "ClassVar",
        "Iterator",
        "Mapping",
        "Sequence",
        "Path",
        "JsonValue",
    }
)
RESERVED_IDENTIFIERS = (
    frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
)


def words(text: str) -> list[str]:
    """Split any spelling (camelCase, snake_case, kebab-case, spaces, paths) into words."""
    return _WORD.findall(text.replace("'", ""))


# `pascal` and `snake` are asked the same names again and again (a large document's parameters,
# properties and components: GitHub's description asks 66,000 times): each answered once, in a
# bounded memo (both full: under a MiB).
@lru_cache(maxsize=2048)
def pascal(text: str, fallback: str = "Model") -> str:
    parts = words(text)
    name = "".join(p[:1].upper() + p[1:] for p in parts) or fallback
    if name[0].isdigit():
        name = fallback + name
    return name


@lru_cache(maxsize=2048)
def snake(text: str, fallback: str = "value") -> str:
    name = "_".join(p.lower() for p in words(text)) or fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    return name


def safe_identifier(name: str) -> str:
    """`name` unless it would shadow a keyword or builtin; then with a trailing underscore."""
    return f"{name}_" if name in RESERVED_IDENTIFIERS else name


class NameRegistry:
    """Hands out unique names in call order; the same key always gets the same name."""

    def __init__(self, reserved: frozenset[str] = frozenset(), suffix: str = "") -> None:
        self._taken = {r.lower() for r in reserved}
        self._by_key: dict[object, str] = {}
        self._suffix = suffix

    def claim(self, wanted: str, key: object | None = None) -> str:
        if key is not None and key in self._by_key:
            return self._by_key[key]
        name = wanted
        if name.lower() in self._taken and self._suffix and not name.endswith(self._suffix):
            name = wanted + self._suffix
        n = 1
        while name.lower() in self._taken:
            n += 1
            name = f"{wanted}{n}"
        self._taken.add(name.lower())
        if key is not None:
            self._by_key[key] = name
        return name

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._taken


def fastapi_stem(operation_id: str, method: str, path: str) -> str | None:
    """The function name inside a FastAPI-generated operationId, or None when it is not one.

    FastAPI writes `{function}{path}` with every non-word character made `_`, then `_{method}`:
    `list_models` on `GET /v1/models` is `list_models_v1_models_get`. Only that exact suffix is
    removed, so a hand-written id that merely ends in `_get` keeps its name.
    """
    suffix = re.sub(r"\W", "_", path) + "_" + method.lower()
    if not operation_id.endswith(suffix):
        return None
    stem = operation_id[: -len(suffix)]
    return stem if stem and re.fullmatch(r"[A-Za-z_]\w*", stem) and not stem.endswith("_") else None


def component_body_stem(pointer: str | None, suffix: str = "Body") -> str | None:
    """`BadRequestBody` for a body reached through `#/components/responses/BadRequest`.

    A request body or response the document names as a component is named after that
    component wherever operations use it, not after whichever operation came first.
    """
    for section in ("/components/requestBodies/", "/components/responses/"):
        if pointer and pointer.startswith(section):
            name = pointer[len(section) :].split("/", 1)[0].replace("~1", "/").replace("~0", "~")
            stem = pascal(name, "Component")
            return stem if stem.endswith(suffix) else stem + suffix
    return None
