"""The rule table: every change id the diff engine can report, and how it is classified.

Ids and classifications follow oasdiff's breaking-changes checker (https://github.com/oasdiff/oasdiff)
where it has the same check; `deviation` says where and why this table differs. The table is the
single source of truth: the engine looks every change up here, and docs/diff-rules.md is rendered
from it (`openapi-contract diff --rules`; a test fails when the committed file is stale).

Levels: `breaking` (oasdiff ERR: an existing client fails against the new contract, or the
regenerated SDK no longer accepts code written against the old one), `warning` (oasdiff WARN: may
break a client, cannot be decided from the document alone), `info` (safe for existing clients).
`breaks_servers` says whether a server implemented against the OLD contract stops conforming to the
NEW one (it must be updated before the new contract is published); it never changes the level.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from generator.diff.model import Direction, Level
from generator.diff.oasdiff_levels import OASDIFF_LEVELS

Effect = Literal["widen", "narrow", "incomparable", "none"]


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    breaks_clients: bool
    breaks_servers: bool
    direction: Direction
    description: str
    deviation: str = ""
    # oasdiff's level for the same id (None: oasdiff has no such check). A rule whose level
    # differs must say why in `deviation` (tests/test_diff_rules.py enforces it).
    oasdiff: Level | None = None


def _classify(direction: Direction, effect: Effect) -> tuple[Level, bool, bool]:
    """oasdiff's model: narrowing what a client may send, or widening what it may receive, breaks
    clients; the opposite breaks servers written against the old contract."""
    if effect == "none":
        return "info", False, False
    if effect == "incomparable":
        return "breaking", True, True
    client_side = (direction != "response") == (effect == "narrow")
    return ("breaking", True, False) if client_side else ("info", False, True)


RULES: dict[str, Rule] = {}


def _add(
    id_: str,
    direction: Direction,
    effect: Effect,
    description: str,
    *,
    level: Level | None = None,
    deviation: str = "",
) -> None:
    derived, clients, servers = _classify(direction, effect)
    if level is not None and level != derived:
        clients = clients or level != "info"
        derived = level
    if id_ in RULES:  # pragma: no cover - a programming error in the table
        raise ValueError(f"duplicate rule id {id_}")
    RULES[id_] = Rule(id_, derived, clients, servers, direction, description, deviation)


# --- paths and operations -------------------------------------------------------------------
_add("endpoint-added", "none", "widen", "An operation (or a whole path) was added.")
_add(
    "api-path-removed-without-deprecation",
    "none",
    "narrow",
    "A path was removed without its operations being deprecated first.",
    level="breaking",
)
_add(
    "api-path-removed-with-deprecation",
    "none",
    "none",
    "A path was removed whose operations were all deprecated, with no sunset date or one that "
    "has passed (`x-sunset`, see docs/diff-rules.md#sunset-and-stability).",
)
_add(
    "api-path-removed-before-sunset",
    "none",
    "narrow",
    "A path was removed while one of its deprecated operations' sunset date is still ahead.",
    level="breaking",
)
_add(
    "api-removed-without-deprecation",
    "none",
    "narrow",
    "An operation was removed without being deprecated first.",
    level="breaking",
)
_add(
    "api-removed-with-deprecation",
    "none",
    "none",
    "A deprecated operation was removed, with no sunset date or one that has passed.",
)
_add(
    "api-removed-before-sunset",
    "none",
    "narrow",
    "A deprecated operation was removed before its sunset date.",
    level="breaking",
)
_add(
    "api-path-sunset-parse",
    "none",
    "narrow",
    "A deprecated operation (or a path of them) was removed whose `x-sunset` is not a date: "
    "whether the sunset passed cannot be told.",
    level="breaking",
)
_add(
    "api-stability-decreased",
    "none",
    "narrow",
    "An operation's `x-stability-level` went down (stable > beta > alpha > draft).",
    level="breaking",
)
_add(
    "api-stability-increased",
    "none",
    "none",
    "An operation's `x-stability-level` went up.",
)
_add("webhook-added", "none", "none", "A webhook (3.1 `webhooks`) was added.")
_add(
    "webhook-removed",
    "none",
    "narrow",
    "A webhook was removed: clients subscribed to it no longer receive its calls.",
    level="breaking",
)
_add("endpoint-deprecated", "none", "none", "An operation was marked deprecated.")
_add("endpoint-reactivated", "none", "none", "An operation is no longer deprecated.")
_add("api-operation-id-added", "none", "none", "An operation got an operationId or a new one.")
_add("api-operation-id-removed", "none", "none", "An operation lost or changed its operationId.")
_add("api-tag-added", "none", "none", "An operation got a tag.")
_add("api-tag-removed", "none", "none", "An operation lost a tag.")
# Security requirements are compared as sets: a client may satisfy any one alternative, and an
# alternative is a set of schemes, each with a set of scopes it must hold.
_add(
    "api-security-removed",
    "request",
    "narrow",
    "A security alternative of an operation was removed, and no remaining alternative is "
    "satisfied by the credentials it asked for (removing the anonymous alternative means a "
    "public operation now requires credentials).",
)
_add(
    "api-security-added",
    "request",
    "widen",
    "A security alternative was added to an operation (clients may use it or keep theirs).",
)
_add(
    "api-security-relaxed",
    "request",
    "widen",
    "A security alternative asks for fewer schemes than before: credentials that satisfied it "
    "still do.",
    deviation="oasdiff reports the old alternative removed (error) and a new one added; here "
    "alternatives are sets of requirements, and a subset is a relaxation, not a removal.",
)
_add(
    "api-security-scope-added",
    "request",
    "narrow",
    "A scope is now required by a security scheme of an operation.",
    deviation="oasdiff's tests (check_api_security_updated_test.go) assert info, its current "
    "rule table error. Breaking here: a token issued without the new scope is refused.",
)
_add(
    "api-security-scope-removed",
    "request",
    "widen",
    "A scope is no longer required by a security scheme of an operation.",
)

# --- parameters -------------------------------------------------------------------------------
_add(
    "new-required-request-parameter",
    "request",
    "narrow",
    "A required parameter was added to an operation.",
)
_add("new-optional-request-parameter", "request", "widen", "An optional parameter was added.")
_add(
    "new-request-path-parameter",
    "request",
    "narrow",
    "A path parameter was added to an operation.",
)
_add(
    "request-parameter-removed",
    "request",
    "none",
    "A parameter was removed; clients that still send it are ignored or rejected.",
    level="warning",
)
_add(
    "request-parameter-removed-with-deprecation",
    "request",
    "none",
    "A deprecated parameter was removed, with no sunset date or one that has passed.",
)
_add(
    "request-parameter-sunset-parse",
    "request",
    "narrow",
    "A deprecated parameter was removed whose `x-sunset` is not a date.",
)
_add(
    "request-parameter-removed-before-sunset",
    "request",
    "narrow",
    "A deprecated parameter was removed before its sunset date.",
)
_add(
    "request-parameter-became-required",
    "request",
    "narrow",
    "An optional parameter became required.",
)
_add(
    "request-parameter-became-optional", "request", "widen", "A required parameter became optional."
)

# --- request bodies ---------------------------------------------------------------------------
_add("request-body-added-required", "request", "narrow", "A required request body was added.")
_add("request-body-added-optional", "request", "widen", "An optional request body was added.")
_add(
    "request-body-removed",
    "request",
    "narrow",
    "The request body was removed; clients that send one may be rejected.",
)
_add("request-body-became-required", "request", "narrow", "The request body became required.")
_add("request-body-became-optional", "request", "widen", "The request body became optional.")
_add("request-body-media-type-added", "request", "widen", "A request media type was added.")
_add("request-body-media-type-removed", "request", "narrow", "A request media type was removed.")

# --- responses --------------------------------------------------------------------------------
_add("response-success-status-added", "response", "none", "A 2xx response status was added.")
_add(
    "response-success-status-removed",
    "response",
    "narrow",
    "A 2xx response status was removed.",
    level="breaking",
)
_add("response-non-success-status-added", "response", "none", "A non-2xx status was added.")
_add("response-non-success-status-removed", "response", "none", "A non-2xx status was removed.")
_add("response-media-type-added", "response", "none", "A response media type was added.")
_add(
    "response-media-type-removed",
    "response",
    "narrow",
    "A response media type was removed.",
    level="breaking",
)
_add(
    "required-response-header-removed",
    "response",
    "widen",
    "A required response header was removed.",
)
_add(
    "optional-response-header-removed",
    "response",
    "none",
    "An optional response header was removed; clients that read it when present lose it.",
    level="warning",
)
_add("response-header-became-optional", "response", "widen", "A response header became optional.")
_add("response-header-added", "response", "narrow", "A response header was added.")

# --- object properties ------------------------------------------------------------------------
_add(
    "new-required-request-property",
    "request",
    "narrow",
    "A required property was added to a request schema.",
)
_add(
    "new-optional-request-property",
    "request",
    "widen",
    "An optional property was added to a request schema.",
)
_add(
    "request-property-removed",
    "request",
    "none",
    "A property was removed from a request schema; clients that send it are ignored or rejected.",
    level="warning",
)
_add(
    "request-property-became-required",
    "request",
    "narrow",
    "An optional request property became required.",
)
_add(
    "request-property-became-optional",
    "request",
    "widen",
    "A required request property became optional.",
)
_add(
    "response-required-property-added",
    "response",
    "narrow",
    "A required property was added to a response schema.",
)
_add(
    "response-optional-property-added",
    "response",
    "none",
    "An optional property was added to a response schema.",
)
_add(
    "response-required-property-removed",
    "response",
    "widen",
    "A required property was removed from a response schema.",
)
_add(
    "response-optional-property-removed",
    "response",
    "widen",
    "An optional property was removed from a response schema.",
    deviation="oasdiff: warning (info since 1.30), since old clients already cope with its "
    "absence on the wire. Here the SDK is generated from the contract: the regenerated model "
    "drops the attribute, so client code that reads it no longer type-checks or runs.",
)
_add(
    "response-property-became-optional",
    "response",
    "widen",
    "A required response property became optional.",
)
_add(
    "response-property-became-required",
    "response",
    "narrow",
    "An optional response property became required.",
)
_add(
    "response-required-property-became-not-write-only",
    "response",
    "none",
    "A required property lost `writeOnly`: it now appears in responses, where it was hidden.",
    level="warning",
)
_add(
    "response-optional-property-became-not-write-only",
    "response",
    "none",
    "An optional property lost `writeOnly`: it may now appear in responses.",
)
_add(
    "response-required-property-became-write-only",
    "response",
    "widen",
    "A required response property became `writeOnly`: responses no longer carry it.",
    deviation="oasdiff: info. Here the regenerated response model drops the attribute, so client "
    "code that reads it breaks, as for a removed required property.",
)

# --- components -------------------------------------------------------------------------------
_add("api-schema-added", "none", "none", "A schema was added under components/schemas.")
_add(
    "api-schema-removed",
    "none",
    "narrow",
    "A schema was removed from components/schemas.",
    level="breaking",
    deviation="oasdiff: info (a component nobody references changes no request or response). "
    "Every component becomes a class of the generated SDK's models module, so removing (or "
    "renaming) one breaks code that imports it.",
)

# --- schema keywords, per subject ---------------------------------------------------------------
# Each kind below exists for every subject of its direction: request-body / request-property /
# request-parameter and response-body / response-property / response-header. `-body` is the
# media type's schema itself, `-property` anything nested in it.
REQUEST_SUBJECTS = ("request-body", "request-property", "request-parameter")
RESPONSE_SUBJECTS = ("response-body", "response-property", "response-header")


@dataclass(frozen=True)
class SchemaKind:
    kind: str
    effect: Effect
    description: str
    request_level: Level | None = None
    response_level: Level | None = None
    deviation: str = ""


SCHEMA_KINDS: list[SchemaKind] = [
    SchemaKind("type-changed", "incomparable", "The type changed to an unrelated one."),
    SchemaKind(
        "type-generalized", "widen", "The type was widened (integer to number, a type added)."
    ),
    SchemaKind(
        "type-specialized", "narrow", "The type was narrowed (number to integer, a type removed)."
    ),
    SchemaKind("format-added", "narrow", "A format was set."),
    SchemaKind("format-removed", "widen", "The format was removed."),
    SchemaKind("format-changed", "incomparable", "The format changed."),
    SchemaKind("became-nullable", "widen", "null became a valid value."),
    SchemaKind("became-not-nullable", "narrow", "null is no longer a valid value."),
    SchemaKind("enum-value-added", "widen", "An enum value was added.", response_level="warning"),
    SchemaKind("enum-value-removed", "narrow", "An enum value was removed."),
    SchemaKind("became-enum", "narrow", "The values were restricted to an enum."),
    SchemaKind(
        "enum-removed",
        "widen",
        "The enum restriction was removed.",
    ),
    SchemaKind("const-added", "narrow", "A const value was set."),
    SchemaKind("const-removed", "widen", "The const value was removed."),
    SchemaKind("const-changed", "incomparable", "The const value changed."),
    SchemaKind("pattern-added", "narrow", "A pattern was set."),
    SchemaKind(
        "pattern-generalized",
        "widen",
        "The pattern was changed to one that matches anything (`.*`).",
        response_level="warning",
    ),
    SchemaKind("pattern-removed", "widen", "The pattern was removed."),
    SchemaKind(
        "pattern-changed",
        "incomparable",
        "The pattern changed (whether it narrows cannot be decided).",
        request_level="warning",
        response_level="warning",
    ),
]
for _kw, _upper in (
    ("max-length", True),
    ("max", True),
    ("exclusive-max", True),
    ("max-items", True),
    ("min-length", False),
    ("min", False),
    ("exclusive-min", False),
    ("min-items", False),
):
    _shrinks = "decreased" if _upper else "increased"
    _grows = "increased" if _upper else "decreased"
    SCHEMA_KINDS += [
        SchemaKind(f"{_kw}-set", "narrow", f"A {_kw} bound was set."),
        SchemaKind(f"{_kw}-unset", "widen", f"The {_kw} bound was removed."),
        SchemaKind(f"{_kw}-{_shrinks}", "narrow", f"The {_kw} bound was tightened."),
        SchemaKind(f"{_kw}-{_grows}", "widen", f"The {_kw} bound was relaxed."),
    ]
SCHEMA_KINDS += [
    SchemaKind("one-of-added", "widen", "A oneOf member was added."),
    SchemaKind("one-of-removed", "narrow", "A oneOf member was removed."),
    SchemaKind("any-of-added", "widen", "An anyOf member was added."),
    SchemaKind("any-of-removed", "narrow", "An anyOf member was removed."),
    SchemaKind(
        "all-of-added",
        "narrow",
        "An allOf member was added (whether it narrows what the others allow cannot be decided).",
        request_level="warning",
    ),
    SchemaKind("all-of-removed", "widen", "An allOf member was removed."),
    SchemaKind("default-value-added", "none", "A default value was set."),
    SchemaKind("default-value-removed", "none", "The default value was removed."),
    SchemaKind("default-value-changed", "none", "The default value changed."),
]
SCHEMA_KIND_BY_NAME = {k.kind: k for k in SCHEMA_KINDS}

for _k in SCHEMA_KINDS:
    for _subjects, _direction, _level in (
        (REQUEST_SUBJECTS, "request", _k.request_level),
        (RESPONSE_SUBJECTS, "response", _k.response_level),
    ):
        for _subject in _subjects:
            _add(
                f"{_subject}-{_k.kind}",
                _direction,  # type: ignore[arg-type]
                _k.effect,
                _k.description,
                level=_level,
                deviation=_k.deviation,
            )


def _override(
    id_: str,
    *,
    level: Level | None = None,
    deviation: str | None = None,
) -> None:
    """Adjust one generated schema rule where a subject differs from its kind's default."""
    current = RULES[id_]
    changed = replace(current)
    if level is not None:
        changed = replace(changed, level=level, breaks_clients=level != "info")
    if deviation is not None:
        changed = replace(changed, deviation=deviation)
    RULES[id_] = changed


# A parameter's default is what the server assumes when a client leaves it out: changing it
# changes what existing calls mean, and the regenerated SDK silently sends the new default.
_override(
    "request-parameter-default-value-changed",
    level="breaking",
    deviation="oasdiff: info in its current rule table (error in earlier versions). Kept "
    "breaking: the generated SDK's keyword default changes silently, and so does what an "
    "existing call that omits the parameter means.",
)
for _subject in ("request-body", "request-property"):
    _override(
        f"{_subject}-all-of-added",
        deviation="oasdiff's rule says error, but it compares allOf branch by branch and cannot "
        "tell whether a new member narrows what the others allow: its disclaimer caps the change "
        "at warning (check_breaking_test.go asserts warning), as here.",
    )
for _subject in RESPONSE_SUBJECTS:
    _override(
        f"{_subject}-enum-removed",
        deviation="oasdiff checks a removed enum in requests only.",
    )

# oasdiff's own level for every id both tools have (None: no counterpart).
for _id, _rule in list(RULES.items()):
    RULES[_id] = replace(_rule, oasdiff=OASDIFF_LEVELS.get(_id))


def rule(id_: str) -> Rule:
    return RULES[id_]


# What oasdiff checks and this engine does not report, with the reason: the oasdiff agreement
# suite (tests/test_diff_oasdiff.py) accepts a miss only when its oasdiff id is listed here.
NOT_REPORTED: dict[str, str] = {
    "new-request-path-parameter": (
        "a parameter named in the path template is part of every request to that path, declared "
        "or not; the lenient loader declares a missing one (typed `str`, rule "
        "`path-parameter-undeclared`), so declaring it later changes nothing a client sends. "
        "oasdiff compares the declarations and calls it breaking."
    ),
}

_EXTRA_DOCS = """
## Measured against oasdiff

tests/test_diff_oasdiff.py runs more than 100 (old, new) pairs taken from oasdiff's own checker
tests (tests/oasdiff_cases.py cites the test of each) and compares our level for the change each
test asserts with oasdiff's. A pair whose level differs fails unless its rule's Deviation column
(or "Not reported" below) says why; at least 95% must agree. `python -m pytest
tests/test_diff_oasdiff.py -s` prints the numbers and every disagreement. Where the two tools
name the same change differently, the suite's alias table says so: oasdiff reports properties of
a parameter's object schema as `request-parameter-property-...` / `request-header-property-...`
(here: the parameter's subject, `request-parameter-...` or `new-required-request-property`), a
media type's enum as `response-mediatype-...` (here `response-body-...`), and the removal of a
security alternative in favour of a subset of it as `api-security-removed` (here
`api-security-relaxed`).

## Sunset and stability

- An operation (or parameter) marked `deprecated: true` may carry `x-sunset` (an RFC 3339 date,
  `2026-12-31` or a full timestamp). Removing it before that date is breaking
  (`api-removed-before-sunset`, `api-path-removed-before-sunset`,
  `request-parameter-removed-before-sunset`); removing it on or after the date, or when it was
  deprecated without a sunset date, is info (`api-removed-with-deprecation`, ...). The date
  compared is today's (UTC), or `--date YYYY-MM-DD` for reproducible runs.
- `x-stability-level` on an operation (`draft`, `alpha`, `beta`, `stable`; none means stable):
  a change to a `draft` or `alpha` operation (as the old document declares it) is never breaking
  or a warning: it is reported at info level with `(stability: alpha)` in its message. Lowering
  the level is breaking (`api-stability-decreased`).

## Accepting a change: the ignore file

`--ignore FILE` (oasdiff's `--err-ignore` / `--warn-ignore` format) lists accepted changes, one
per line: the operation as `METHOD /path`, then the change's text or its rule id, for example

    GET /api/version api-removed-without-deprecation
    POST /api/sessions request-property-removed /components/schemas/Session/properties/model

A line matches a change when it names one of the change's operations (or no operation is named
and the change belongs to none) and contains its rule id or its message; matching ignores case.
An ignored change is left out of the report and of `--fail-on`; the summary counts it.
Blank lines and lines starting with `#` are comments.

## Per-rule levels

`--levels FILE` (oasdiff's `--severity-levels` format): one `rule-id LEVEL` per line, LEVEL one
of `ERR`/`breaking`, `WARN`/`warning`, `INFO`/`info` or `NONE` (drop the rule's changes).

## Output formats

`--format text|markdown|json|yaml|junit|githubactions`. `githubactions` prints one workflow
command per change (`::error file=spec/openapi.yaml,line=N::...` for breaking, `::warning` for
warnings, `::notice` for info), located on the line of the pointer it names; `junit` writes one
test case per change (failures for breaking changes).

## Inputs

Either contract may be a git revision, `REV:path` (`origin/main:spec/openapi.yaml`), read
with `git show`; its relative `$ref`s are read from the same revision. Given alone,
`openapi-contract diff origin/main:spec/openapi.yaml` compares the working
`spec/openapi.yaml` with that revision.
"""


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def rules_markdown() -> str:
    """docs/diff-rules.md: the table above, as published documentation."""
    lines = [
        "# Contract diff rules",
        "",
        "<!-- Generated from generator/diff/rules.py by `openapi-contract diff --rules "
        "> docs/diff-rules.md`. Do not edit by hand: tests/test_diff_rules.py fails when this "
        "file is stale. -->",
        "",
        f"`openapi-contract diff` knows {len(RULES)} rule ids. Ids and classifications follow "
        "[oasdiff](https://github.com/oasdiff/oasdiff)'s breaking-changes checks; the Deviation "
        "column says where this table differs and why. See docs/api-versioning.md for how the "
        "levels drive the version policy.",
        "",
        "- **breaking**: an existing client fails against the new contract, or code written "
        "against the old SDK no longer works with the regenerated one. Needs a major version.",
        "- **warning**: may break a client; the document alone cannot tell.",
        "- **info**: safe for existing clients.",
        "- **Breaks servers**: a server implemented against the old contract no longer conforms "
        "(for example it must now accept a new enum value). Informational: the service ships its "
        "implementation together with the contract.",
        "",
        "## Operations, parameters, bodies, responses, properties, components",
        "",
        "| Id | Level | oasdiff | Breaks clients | Breaks servers | Description | "
        "Deviation from oasdiff |",
        "|---|---|---|---|---|---|---|",
    ]
    schema_ids = {
        f"{s}-{k.kind}" for k in SCHEMA_KINDS for s in REQUEST_SUBJECTS + RESPONSE_SUBJECTS
    }
    for r in RULES.values():
        if r.id in schema_ids:
            continue
        lines.append(
            f"| `{r.id}` | {r.level} | {r.oasdiff or '-'} | {_yes(r.breaks_clients)} | "
            f"{_yes(r.breaks_servers)} | {r.description} | {r.deviation} |"
        )
    lines += [
        "",
        "## Schema keywords",
        "",
        "Each kind exists once per subject: `request-body-`, `request-property-`, "
        "`request-parameter-` (request) and `response-body-`, `response-property-`, "
        "`response-header-` (response) followed by the kind, for example "
        "`request-property-enum-value-removed` or `response-body-type-changed`. `-body` is the "
        "schema of a media type itself, `-property` anything nested in it (properties, items, "
        "union members, additionalProperties).",
        "",
        "| Kind | Request level (clients / servers) | Response level (clients / servers) | "
        "Description | Deviation from oasdiff |",
        "|---|---|---|---|---|",
    ]
    for k in SCHEMA_KINDS:
        req = RULES[f"request-body-{k.kind}"]
        res = RULES[f"response-body-{k.kind}"]
        lines.append(
            f"| `{k.kind}` | {req.level} ({_yes(req.breaks_clients)} / "
            f"{_yes(req.breaks_servers)}) | {res.level} ({_yes(res.breaks_clients)} / "
            f"{_yes(res.breaks_servers)}) | {k.description} | {k.deviation} |"
        )
    lines += [
        "",
        "### Subjects that differ from their kind",
        "",
        "These ids have a level of their own, or a level that differs from oasdiff's.",
        "",
        "| Id | Level | oasdiff | Deviation from oasdiff |",
        "|---|---|---|---|",
    ]
    unmatched = []
    for k in SCHEMA_KINDS:
        for subject in REQUEST_SUBJECTS + RESPONSE_SUBJECTS:
            r = RULES[f"{subject}-{k.kind}"]
            request = r.direction == "request"
            usual = (k.request_level if request else k.response_level) or _classify(
                r.direction, k.effect
            )[0]
            if r.oasdiff is None:
                unmatched.append(r.id)
            if (
                r.level != usual
                or r.deviation != k.deviation
                or (r.oasdiff is not None and r.oasdiff != r.level)
            ):
                lines.append(f"| `{r.id}` | {r.level} | {r.oasdiff or '-'} | {r.deviation} |")
    lines += [
        "",
        f"{len(unmatched)} schema ids have no oasdiff counterpart (oasdiff folds `format` into "
        "type changes, checks most `-unset` bounds and response header schemas only in part, and "
        "names parameter properties differently): " + ", ".join(f"`{i}`" for i in unmatched) + ".",
    ]
    lines += ["", *_EXTRA_DOCS.strip("\n").split("\n")]
    lines += [
        "",
        "## Not reported",
        "",
        "What oasdiff reports and this engine does not:",
        "",
        *(
            [f"- `{id_}`: {why}" for id_, why in NOT_REPORTED.items()]
            or [
                "- nothing that the oasdiff agreement suite (tests/test_diff_oasdiff.py) exercises."
            ]
        ),
        "",
        "Descriptions, summaries, examples, `info`, `servers`, `externalDocs` and vendor "
        "extensions do not change what a client may send or receive and are not reported. "
        "Siblings of a `$ref` are ignored (the referenced schema is compared). Union members "
        "are matched by `$ref` target, then by equal content, then by position when the same "
        "number of members is left on both sides (and compared in depth); what remains is "
        "reported as added or removed. A component schema that no operation uses is compared "
        "in both directions, since SDK code may build it or parse it.",
        "",
    ]
    return "\n".join(lines)
