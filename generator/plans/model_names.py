"""Names inside generated models: fields (the document's name as alias) and enum members."""

from __future__ import annotations

import builtins
import keyword
import re

# Names a field must not take: pydantic's own attributes (`model_config`, `json`, `copy`...).
_MODEL_ATTRIBUTES = frozenset(
    {
        "copy",
        "dict",
        "json",
        "parse_obj",
        "parse_raw",
        "parse_file",
        "from_orm",
        "construct",
        "schema",
        "schema_json",
        "validate",
        "update_forward_refs",
    }
)

# Class names a nested model must not take (`Exception`, `Warning`): they would shadow builtins.
CAPITALISED_BUILTINS = frozenset(n for n in dir(builtins) if n[:1].isupper())
_IDENT = re.compile(r"[^0-9a-zA-Z_]+")


_STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def names_in(text: str) -> set[str]:
    """The names annotations use (not the words inside their string literals)."""
    code = re.sub(r"\b\w+=", "", _STRING_LITERAL.sub("", text))  # keyword names look nothing up
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", code)) | {"Annotated", "Field", "Literal"}


def field_name(prop: str, used: set[str]) -> str:
    name = _IDENT.sub("_", prop).strip("_")
    if not name:
        name = "field"
    if name[0].isdigit():
        name = f"field_{name}"
    if prop.startswith("_") and name == prop.strip("_"):
        name = f"field_{name}"  # pydantic keeps leading underscores private
    if (
        keyword.iskeyword(name)
        or keyword.issoftkeyword(name)
        or name in _MODEL_ATTRIBUTES
        or name.startswith("model_")
        or name in used
    ):
        name += "_"
    return name


def member_name(value: str | int) -> str:
    text = str(value)
    name = _IDENT.sub("_", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text)).strip("_").upper()
    if not name:
        name = "EMPTY" if text == "" else "VALUE"
    if name[0].isdigit() or (isinstance(value, int) and str(value).startswith("-")):
        name = ("VALUE_MINUS_" if str(value).startswith("-") else "VALUE_") + name
    if keyword.iskeyword(name) or name.startswith("_"):
        name = f"VALUE_{name}"
    return name
