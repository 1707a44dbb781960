"""The base of every generated model and the helpers its annotations name.

`discriminated` tags a discriminated union; `DateTimeText` and `DateText` read an RFC 3339
`date-time` / `date` and write back the very text they read; `required_alternatives` checks a
`oneOf`/`anyOf` of `required` lists; `NOT_NULL` rejects an explicit null (strict models).
"""

import re
from collections.abc import Callable, Hashable, Sequence
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema


class ContractModel(BaseModel):
    """A schema object. Unknown properties are kept, as JSON Schema allows them by default.

    Fields are populated by their Python name or by the name the document gives them, and
    serialised by the document's name (`model_dump(by_alias=True)`). A `pattern` is checked with
    Python's `re`, the engine the generator verified it compiles with.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True, regex_engine="python-re")

    if TYPE_CHECKING:
        # Set by the client on each model it returns: the server's id of the request. Declared
        # for type checkers only (a ClassVar to them, so it is no field and no __init__ argument).
        _request_id: ClassVar[str | None]
        # Set on a model a lenient client built without validation: pydantic's errors.
        _validation_errors: ClassVar[list[dict[str, Any]] | None]


def discriminated(
    prop: str, tags: dict[str, str], absent: str | None = None, default: str | None = None
) -> Discriminator:
    """The union member for a value: its `prop` (an OpenAPI discriminator) mapped through `tags`.

    `tags` maps each discriminating value to the tag of one member (its model's name). A value
    with a value `tags` does not hold goes to the member tagged `default` (OpenAPI 3.2's
    `defaultMapping`) when there is one, else it is a validation error naming it; one without
    the property goes to `default` too, else to the member tagged `absent` (the smart union of
    every branch) when a branch does not require the property, else it is an error too.
    """

    def tag(value: Any) -> Hashable:
        if isinstance(value, dict):
            found = value.get(prop)
        elif isinstance(value, BaseModel):
            found = next(
                (
                    getattr(value, name)
                    for name, field in type(value).model_fields.items()
                    if (field.alias or name) == prop
                ),
                None,
            )
        else:
            return None
        if isinstance(found, Enum):
            found = found.value
        if found is None:
            return default if default is not None else absent
        return tags.get(str(found), default)

    function: Callable[[Any], Hashable] = tag
    return Discriminator(function)


# RFC 3339 (JSON Schema's `date-time` and `date`): what Python's fromisoformat also reads but
# the format forbids (no offset, a week date, a space, a bare number) is refused.
_DATE = r"\d{4}-\d{2}-\d{2}"
_DATE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})"
)


class _Kept(datetime):
    """An aware datetime that remembers the text it was read from (written back unchanged)."""

    text: str


class _KeptDate(date):
    text: str


def _read_date_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a date-time needs a time zone offset")
        return value
    found = _DATE_TIME.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        raise ValueError("not an RFC 3339 date-time (YYYY-MM-DDThh:mm:ss[.f](Z|+hh:mm))")
    day, time, fraction, zone = found.groups()
    offset = "+00:00" if zone in ("Z", "z") else zone
    micro = ((fraction or "") + "000000")[:6]  # digits past microseconds stay in the text
    try:
        parsed = datetime.fromisoformat(f"{day}T{time}.{micro}{offset}")
    except ValueError as exc:
        raise ValueError(f"not a valid date-time: {exc}") from None
    kept = _Kept(*parsed.timetuple()[:6], parsed.microsecond, parsed.tzinfo)
    kept.text = value
    return kept


def _read_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not re.fullmatch(_DATE, value):
        raise ValueError("not an RFC 3339 date (YYYY-MM-DD)")
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"not a valid date: {exc}") from None
    kept = _KeptDate(parsed.year, parsed.month, parsed.day)
    kept.text = value
    return kept


def _write(value: Any) -> str:
    text = getattr(value, "text", None)
    return text if isinstance(text, str) else str(value.isoformat())


class _TextKeeping:
    """The core schema of a `date-time` / `date` read strictly and written back as read."""

    def __init__(self, read: Callable[[Any], Any], fmt: str) -> None:
        self.read, self.fmt = read, fmt

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self.read,
            serialization=core_schema.plain_serializer_function_ser_schema(
                _write, when_used="json"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "format": self.fmt}


# `Annotated[datetime, DateTimeText]`: mypy sees a datetime; the value is an aware one whose
# JSON form is the text it came from ("2020-01-01T00:00:00.10+00:00" stays exactly that).
DateTimeText = _TextKeeping(_read_date_time, "date-time")
DateText = _TextKeeping(_read_date, "date")


def _reject_null(value: Any) -> Any:
    if value is None:
        raise ValueError("null is not allowed here (the schema does not admit it)")
    return value


# Strict models: an optional property that is absent is None, but an explicit null is refused.
NOT_NULL = BeforeValidator(_reject_null)


def _only_bool(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError("a boolean is required")
    return value


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    return value


# Strict models: `Literal[True]` refuses 1, `Literal[1]` refuses true.
ONLY_BOOL = BeforeValidator(_only_bool)
NOT_BOOL = BeforeValidator(_not_bool)


def required_alternatives(alternatives: Sequence[Sequence[str]], exactly_one: bool) -> Any:
    """A before-validator: `oneOf` (exactly one) / `anyOf` (one or more) of `required` lists."""

    def check(cls: type[BaseModel], data: Any) -> Any:
        if isinstance(data, dict):
            met = sum(all(name in data for name in names) for names in alternatives)
            if met == 0 or (exactly_one and met > 1):
                wanted = " or ".join("{" + ", ".join(names) + "}" for names in alternatives)
                which = "exactly one of" if exactly_one else "one of"
                raise ValueError(f"needs {which} the property sets {wanted}")
        return data

    return model_validator(mode="before")(classmethod(check))  # type: ignore[arg-type]
