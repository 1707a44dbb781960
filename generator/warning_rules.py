"""Every warning's rule: its id, its kind, and the one line the grouped report heads it with.

Two kinds, and the report lists them in this order:

- a **repair** changes what is generated: lenient loading repaired a fault of the document
  (generator/loader/repair.py), or a construct has no exact Python type and a typed fallback
  stands in for it. A user should read each one.
- a **notice** changes nothing: the code is generated as the document says, and the notice says
  something worth knowing about it (the server stubs answer an undocumented status, a default
  that its own schema rejects is kept as written).

The loader's rules are declared beside their repairs (`generator.loader.repair.RULES`); the
generator's own are declared here. A warning whose rule is not in this table is reported under
its rule id as a notice, and `tests/test_report.py` fails on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator.loader.repair import RULES as LOADER_RULES

WarningKind = Literal["repair", "notice"]
KINDS: tuple[WarningKind, ...] = ("repair", "notice")


@dataclass(frozen=True)
class WarningRule:
    id: str
    kind: WarningKind
    summary: str  # the finding, in one line
    stage: str  # who reports it: loader, models, server


# The loader's findings that repair nothing: the document is used as written.
_LOADER_NOTICES = frozenset({"equivalent-path-templates", "default-mismatch", "unknown-dialect"})

_GENERATOR_RULES: tuple[WarningRule, ...] = (
    WarningRule(
        "allof-redefines-property",
        "repair",
        "an `allOf` redefines an inherited property: the model repeats the base's properties "
        "instead of subclassing it (typed fallback)",
        "models",
    ),
    WarningRule(
        "allof-cycle",
        "repair",
        "two schemas are built from each other through `allOf`: the model repeats the "
        "properties instead of subclassing (typed fallback)",
        "models",
    ),
    WarningRule(
        "pattern-not-python",
        "repair",
        "a `pattern` Python's `re` cannot compile is not checked: the field is a plain `str` "
        "(typed fallback)",
        "models",
    ),
    WarningRule(
        "ref-not-a-schema",
        "repair",
        "a schema `$ref` names no schema of the document: typed `Any`",
        "models",
    ),
    WarningRule(
        "discriminator-literal-fallback",
        "repair",
        "a discriminator narrows an inherited property to a value its base type does not admit: "
        "the literal is kept with `# type: ignore[assignment]` (typed fallback)",
        "models",
    ),
    WarningRule(
        "ref-outside-components",
        "notice",
        "a schema reference outside `components/schemas` is modelled under its target's name",
        "models",
    ),
    WarningRule(
        "properties-on-non-object",
        "notice",
        "`properties` beside a `type` that is not `object`: JSON Schema ignores them, and so "
        "does the model",
        "models",
    ),
    WarningRule(
        "mcp-tool-name-shortened",
        "repair",
        "an MCP tool name over 64 characters is shortened with the operation's own words (hosts "
        "refuse longer function names)",
        "mcp",
    ),
    WarningRule(
        "mcp-schema-repaired",
        "repair",
        "a tool schema keyword fails the JSON Schema 2020-12 meta-schema: repaired where the "
        "intent is clear, else dropped (MCP clients refuse the whole tool list otherwise)",
        "mcp",
    ),
    WarningRule(
        "client-error-undocumented",
        "notice",
        "operations document no client-error response: the server stubs answer an invalid "
        "request with an undocumented 400",
        "server",
    ),
    WarningRule(
        "server-error-undocumented",
        "notice",
        "operations document no server-error response: the server stubs answer an unhandled "
        "error with an undocumented 503",
        "server",
    ),
    WarningRule(
        "webhook-client-error-undocumented",
        "notice",
        "webhooks document no client-error response: the receiver answers an invalid delivery "
        "with an undocumented 400",
        "server",
    ),
    WarningRule(
        "error-body-unconventional",
        "notice",
        "no conventional error body validates against a documented error schema: the server "
        "stubs write `{error: <message>}`",
        "server",
    ),
)

WARNING_RULES: dict[str, WarningRule] = {
    **{
        rule.name: WarningRule(
            rule.name,
            "notice" if rule.name in _LOADER_NOTICES else "repair",
            f"{rule.fault}: {rule.intent}",
            "loader",
        )
        for rule in LOADER_RULES
    },
    **{rule.id: rule for rule in _GENERATOR_RULES},
}


def rule_for(rule_id: str) -> WarningRule:
    """The rule of a warning; an unknown id (or none) is a notice under its own name."""
    known = WARNING_RULES.get(rule_id)
    if known is not None:
        return known
    return WarningRule(rule_id or "unclassified", "notice", rule_id or "unclassified", "unknown")
