"""Executable tools: Python functions with JSON Schema parameters, loaded from configuration.

A tool is a function taking the verbatim `arguments` object and returning a JSON-able result;
`TOOL` metadata (description and parameters) sits on the function as `__tool__`.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ToolFunction = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    parameters: dict[str, Any]
    function: ToolFunction

    def definition(self) -> dict[str, Any]:
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }

    async def run(self, arguments: dict[str, Any]) -> Any:
        result = self.function(arguments)
        if inspect.isawaitable(result):
            awaited: Awaitable[Any] = result
            return await awaited
        return result


def tool(description: str, parameters: dict[str, Any]) -> Callable[[ToolFunction], ToolFunction]:
    def mark(function: ToolFunction) -> ToolFunction:
        function.__tool__ = (description, parameters)  # type: ignore[attr-defined]
        return function

    return mark


def load_tools(paths: list[str]) -> dict[str, Tool]:
    """`module:function` paths -> tools by name; a bad path is a clear start-up error."""
    found: dict[str, Tool] = {}
    for path in paths:
        module_name, _, attribute = path.partition(":")
        try:
            function = getattr(importlib.import_module(module_name), attribute)
            description, parameters = function.__tool__
        except (ImportError, AttributeError, ValueError) as exc:
            raise ValueError(f"tool {path!r} cannot be loaded: {exc}") from None
        found[attribute] = Tool(attribute, description, parameters, function)
    return found


class ToolError(Exception):
    """A tool refused its arguments (reported as a `success: false` envelope)."""


_WEATHER = {"oslo": (12, "light rain"), "madrid": (27, "sunny"), "london": (15, "overcast")}


@tool(
    "Get the current weather for a city.",
    {
        "type": "object",
        "properties": {"location": {"type": "string", "description": "City name"}},
        "required": ["location"],
        "additionalProperties": False,
    },
)
def get_weather(arguments: dict[str, Any]) -> dict[str, Any]:
    location = arguments.get("location")
    if not isinstance(location, str) or not location:
        raise ToolError("location is required")
    temperature, conditions = _WEATHER.get(location.lower(), (20, "clear"))
    return {"location": location, "temperatureC": temperature, "conditions": conditions}


@tool(
    "Get the current time in an IANA time zone.",
    {
        "type": "object",
        "properties": {"timezone": {"type": "string", "description": "e.g. Europe/Oslo"}},
        "required": ["timezone"],
    },
)
def get_time(arguments: dict[str, Any]) -> dict[str, Any]:
    try:
        zone = ZoneInfo(str(arguments.get("timezone", "UTC")))
    except (ZoneInfoNotFoundError, ValueError):
        raise ToolError(f"unknown time zone {arguments.get('timezone')!r}") from None
    return {"timezone": str(zone), "time": datetime.now(UTC).astimezone(zone).isoformat()}


# The demo ticket desk keeps the most recent tickets only, each summary bounded: an
# authenticated caller cannot grow this process by sending tickets (at most about
# TICKETS_KEPT x SUMMARY_MAX_CHARS x 4 bytes, 2 MB).
TICKETS_KEPT = 1000
SUMMARY_MAX_CHARS = 500
_TICKETS: deque[dict[str, Any]] = deque(maxlen=TICKETS_KEPT)
_TICKET_NUMBERS = itertools.count(1)


@tool(
    "Open a service ticket for the caller.",
    {
        "type": "object",
        "properties": {
            "summary": {
                "type": "string",
                "description": "One line",
                "maxLength": SUMMARY_MAX_CHARS,
            },
            "priority": {"type": "string", "enum": ["low", "normal", "high"]},
        },
        "required": ["summary"],
    },
)
def create_service_ticket(arguments: dict[str, Any]) -> dict[str, Any]:
    summary = arguments.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise ToolError("summary is required")
    if len(summary) > SUMMARY_MAX_CHARS:
        raise ToolError(f"summary is longer than {SUMMARY_MAX_CHARS} characters")
    if summary == "crash":
        raise RuntimeError("ticket backend unavailable")
    priority = arguments.get("priority", "normal")
    if priority not in ("low", "normal", "high"):
        raise ToolError("priority must be low, normal or high")
    ticket = {
        "id": f"T-{next(_TICKET_NUMBERS)}",
        "summary": summary,
        "priority": priority,
    }
    _TICKETS.append(ticket)
    return ticket
