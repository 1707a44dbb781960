"""Lenient responses: the data built without validation, and what did not validate (SDK runtime).

A client made with `response_validation="lenient"` (or a copy from
`with_options(response_validation="lenient")`) does not raise `InvalidResponseError` when a
success body does not match its schema (a naive timestamp, a `null` where the schema says
integer): it returns the body built as the documented type without validation, as the OpenAI SDK
does, and keeps the validation errors on the result:

- a model is built with `model_construct`, its nested models too where the annotation names
  them (a list of models is a list of built models, a union takes the member that validates,
  else the first model member); whatever cannot be built is kept as decoded JSON;
- `result._validation_errors` (a model) holds pydantic's errors, with their field paths, for
  that model; `validation_errors(result)` reads them for a model or a list of models;
  `RawResponse.validation_errors` holds them for any result.

A body whose content type or JSON does not match still raises `InvalidResponseError`, which keeps
the raw text: nothing is lost either way.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

ResponseValidation = Literal["strict", "lenient"]


def build(tp: Any, data: Any) -> Any:
    """`data` as `tp` without validation (see the module docstring)."""
    from pydantic import BaseModel, RootModel

    origin = get_origin(tp)
    if origin is typing.Annotated:
        return build(get_args(tp)[0], data)
    if origin in (Union, types.UnionType):
        return _build_union(get_args(tp), data)
    if origin in (list, tuple, set, frozenset) or (
        origin is not None and getattr(origin, "__name__", "") in ("Sequence", "Iterable")
    ):
        args = get_args(tp)
        if isinstance(data, list) and args:
            return [build(args[0], item) for item in data]
        return data
    if origin is dict or (origin is not None and getattr(origin, "__name__", "") == "Mapping"):
        args = get_args(tp)
        if isinstance(data, dict) and len(args) == 2:
            return {k: build(args[1], v) for k, v in data.items()}
        return data
    if isinstance(tp, type) and issubclass(tp, RootModel):
        root = tp.model_fields.get("root")
        return tp.model_construct(build(root.annotation, data) if root is not None else data)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if not isinstance(data, dict):
            return data
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        by_alias = {(f.alias or name): name for name, f in tp.model_fields.items()}
        for key, value in data.items():
            name = by_alias.get(key) or (key if key in tp.model_fields else None)
            if name is None:
                extra[key] = value
            else:
                values[name] = build(tp.model_fields[name].annotation, value)
        built = tp.model_construct(**values, **extra)
        return built
    return data


def _build_union(members: tuple[Any, ...], data: Any) -> Any:
    from pydantic import BaseModel, TypeAdapter, ValidationError

    for member in members:
        if member is type(None):
            if data is None:
                return None
            continue
        try:
            return TypeAdapter(member).validate_python(data)
        except (ValidationError, TypeError, ValueError):
            continue
    for member in members:
        if isinstance(member, type) and issubclass(member, BaseModel) and isinstance(data, dict):
            return build(member, data)
    return data


def attach(value: Any, errors: list[dict[str, Any]]) -> None:
    """Errors onto the built result: a model keeps its own, each model of a list its own."""
    if hasattr(value, "model_fields_set"):
        _set(value, errors)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if hasattr(item, "model_fields_set"):
                mine = [
                    {**e, "loc": tuple(e.get("loc", ()))[1:]}
                    for e in errors
                    if tuple(e.get("loc", ()))[:1] == (i,)
                ]
                _set(item, mine)


def _set(model: Any, errors: list[dict[str, Any]]) -> None:
    try:
        model._validation_errors = errors
    except (AttributeError, TypeError, ValueError):  # a model that refuses attributes
        return


def validation_errors(result: Any) -> list[dict[str, Any]]:
    """The validation errors of a lenient result (a model or a list of models); [] when none."""
    found = getattr(result, "_validation_errors", None)
    if found is not None:
        return list(found)
    if isinstance(result, list):
        return [
            {**e, "loc": (i, *tuple(e.get("loc", ())))}
            for i, item in enumerate(result)
            for e in getattr(item, "_validation_errors", None) or []
        ]
    return []
