"""What the generated MCP server needs: every tool decision, made once.

The MCP emitter (`generator.emit.mcp`) renders this plan and decides nothing. Decisions made here:

- **One tool per operation**, named after its `operationId` in snake_case (unique), described by
  its summary and description, unless an `x-mcp` extension on the operation (added by an
  overlay, never by editing the document) gives `name`, `title`, `description`, hints, or
  `excluded: true` (the operation gets no tool). A name is at most 64 of `[A-Za-z0-9_-]` (what
  the model providers' tool-calling APIs accept): a longer one is shortened with the operation's
  own words (`generator.plans.mcp_names`) and listed in the document's warnings.
- **Annotations from HTTP semantics**: `readOnlyHint` for GET/HEAD, `idempotentHint` for
  GET/HEAD/PUT/DELETE, `destructiveHint` for DELETE, `openWorldHint` always (the tool reaches an
  outside API). Every hint is written out, so an agent never falls back to the protocol's
  defaults (which call every tool destructive). `x-mcp` hints win.
- **The input schema**: one JSON Schema object whose properties are the operation's per-call
  path, query, header and cookie parameters (the client plan's, under their Python names) and
  its request body under `body` (the first JSON media type, else the first documented one).
  Schemas are the server plan's Draft 2020-12 translation; every `$ref` points into the tool's
  own `$defs` (component schemas keep their names). Every schema passes the 2020-12
  meta-schema: a keyword that fails it is repaired or dropped (`generator.plans.mcp_schema`), with a
  located warning; a `$ref` to another document (never bundled) is dropped the same way.
- **The output schema**: the 2xx JSON bodies' schema. MCP wants an object, so a body that is not
  an object schema is wrapped as `{"result": ...}` (and so is the structured content). An
  operation with a non-JSON or body-less success has no output schema; its result is text.
- **Budgets.** An agent pays for every listed byte in its context window, and the SDK validates
  and re-serializes every byte of a `tools/list` answer: an output schema whose text (with its
  `$defs`) exceeds OUTPUT_SCHEMA_BUDGET is left out (the JSON body still comes back as text).
  GitHub's description: 888 of its 1,223 tools have a JSON success, 791 keep their output schema.
- **Pages.** `tools/list` answers in pages (the protocol's cursor pagination) of at most
  PAGE_SIZE tools and, past the first tool of a page, at most about PAGE_BYTES of tool JSON
  (each tool's `wire_size`). Both SDK sides parse, validate and re-serialize a whole message at
  once; GitHub's 4.8 MB list came through faster in pages of about 250 KB than in pages of 100
  tools (up to 490 KB) or of 384 KB (`scripts/bench_mcp_github.py`, docs/mcp.md). The page
  starts are decided here and shipped with the tools; a cursor is the index of a page's first
  tool.
- **What the agent sees besides the body**: the documented headers of the 2xx responses
  (`Location` of a created call), as a second text item.
- **Calls** go through the generated client: the resource attribute and method name come from
  the client plan, the body is passed as `body=`, and a body with several media types gets the
  chosen one as `content_type=`.
- **Environment**: `<PACKAGE>_BASE_URL` (default: the document's first server URL) and
  `<PACKAGE>_TOKEN` (and `<PACKAGE>_API_KEY` when the document has an API key scheme).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from generator.errors import Location, Problem, SpecError, join_pointer, split_pointer
from generator.ir.model import Document, Operation, Warning_
from generator.ir.naming import NameRegistry, snake
from generator.loader.refs import resolve_pointer
from generator.plans import python_regex
from generator.plans.client import ClientPlan, OperationPlan
from generator.plans.mcp_names import TOOL_NAME, ToolNames, shortened
from generator.plans.mcp_schema import meta_repaired

HINTS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")
_READ_ONLY = frozenset({"get", "head"})
_IDEMPOTENT = frozenset({"get", "head", "put", "delete"})
_DESTRUCTIVE = frozenset({"delete"})
_X_MCP_KEYS = frozenset({"name", "title", "description", "excluded", *HINTS})
BODY_ARGUMENT = "body"
OUTPUT_SCHEMA_BUDGET = 16_384  # characters of compact JSON, $defs included
PAGE_SIZE = 100  # tools at most per `tools/list` page
PAGE_BYTES = 256 * 1024  # compact JSON of a page's tools at most, unless one tool is bigger
RESULT_PROPERTY = "result"
# Keywords whose value maps names to subschemas, and keywords whose value is data, not schemas.
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "dependentSchemas"})
_DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples", "example"})
# The keys and hint values of a tool's JSON besides its texts and schemas (`"inputSchema":` ...).
_WIRE_OVERHEAD = 200


@dataclass(frozen=True, slots=True)
class ToolArgument:
    name: str  # the property of the input schema
    python_name: str  # the keyword of the client method
    location: str  # path, query, header, cookie or body
    required: bool


@dataclass(frozen=True, slots=True)
class ToolPlan:
    name: str
    title: str
    description: str
    operation_id: str
    http_method: str  # upper case
    path: str
    resource: str  # the client attribute (client plan)
    method: str  # the client method name (client plan)
    annotations: tuple[tuple[str, bool], ...]  # every hint, in HINTS order
    arguments: tuple[ToolArgument, ...]
    body_kind: str | None  # MediaKind of the chosen request media type
    content_type: str | None  # passed as content_type= when the method takes several
    input_schema: dict[str, Any]  # without $defs
    input_defs: tuple[str, ...]  # keys of McpPlan.defs the input schema reaches
    output_schema: dict[str, Any] | None  # without $defs
    output_defs: tuple[str, ...]
    output_wrapped: bool  # structured content is {"result": body}
    wire_size: int  # about the characters of the tool in a `tools/list` answer
    result_headers: tuple[str, ...]  # documented 2xx response headers, lower case
    error_statuses: tuple[str, ...]  # documented non-2xx statuses

    @property
    def hints(self) -> dict[str, bool]:
        return dict(self.annotations)

    def as_data(self) -> dict[str, Any]:
        """The tool as plain JSON data, the form the generated server reads at run time."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "annotations": dict(self.annotations),
            "resource": self.resource,
            "method": self.method,
            "arguments": [[a.name, a.python_name, a.location] for a in self.arguments],
            "body_kind": self.body_kind,
            "content_type": self.content_type,
            "input": self.input_schema,
            "input_defs": list(self.input_defs),
            "output": self.output_schema,
            "output_defs": list(self.output_defs),
            "wrapped": self.output_wrapped,
            "headers": list(self.result_headers),
        }


@dataclass(frozen=True, slots=True)
class McpPlan:
    server_name: str
    instructions: str
    tools: tuple[ToolPlan, ...]
    excluded: tuple[str, ...]  # operationIds hidden by `x-mcp: {excluded: true}`
    defs: dict[str, Any]  # $defs key -> schema, refs rewritten to `#/$defs/<key>`
    uses_api_key: bool
    default_base_url: str | None
    page_size: int = PAGE_SIZE
    page_bytes: int = PAGE_BYTES

    @property
    def page_starts(self) -> tuple[int, ...]:
        """The index of each `tools/list` page's first tool (the cursor that asks for it)."""
        return page_starts([t.wire_size for t in self.tools], self.page_size, self.page_bytes)

    def as_data(self) -> dict[str, Any]:
        return {
            "defs": self.defs,
            "pages": list(self.page_starts),
            "tools": [t.as_data() for t in self.tools],
        }

    def environment(self, package: str) -> Environment:
        """The variables the server reads, named after the import package (`SERVICEAI_API_...`)."""
        prefix = re.sub(r"[^A-Z0-9]+", "_", package.upper()).strip("_")
        return Environment(
            base_url=f"{prefix}_BASE_URL",
            token=f"{prefix}_TOKEN",
            api_key=f"{prefix}_API_KEY" if self.uses_api_key else None,
        )


@dataclass(frozen=True, slots=True)
class Environment:
    base_url: str
    token: str
    api_key: str | None


def build_mcp_plan(raw: dict[str, Any], doc: Document) -> McpPlan:
    return _Planner(raw, doc).plan()


class _Planner:
    def __init__(self, raw: dict[str, Any], doc: Document) -> None:
        assert doc.client is not None and doc.server is not None, "plans are built first"
        self.raw = raw
        self.doc = doc
        self.client: ClientPlan = doc.client
        self.spec = doc.server.spec
        self.server_ops = {id(s.operation): s for s in doc.server.operations}
        self.def_keys: dict[str, str] = {}  # document pointer -> $defs key
        self.def_names = NameRegistry()
        self.defs: dict[str, Any] = {}
        self.def_refs: dict[str, tuple[str, ...]] = {}  # key -> keys its schema refers to
        # key -> `"<key>":<its schema>` in compact JSON, counted once: a tool's size adds up the
        # $defs it reaches, and a large document's tools reach the same defs again and again.
        self.def_sizes: dict[str, int] = {}
        self._noted: list[str] = []  # $defs keys `_rewrite` wrote (see `_def_key`)
        self.at_pointer: dict[str, Any] = {}  # document pointer -> its schema, rewritten

    def plan(self) -> McpPlan:
        # Component schemas first, so they keep their own names as $defs keys.
        for name in (self.spec.get("components") or {}).get("schemas") or {}:
            self._def_key(join_pointer("/components/schemas", name))
        by_operation = {
            id(o.op): (r.attribute, o) for r in self.client.resources for o in r.operations
        }
        names = ToolNames()
        tools: list[ToolPlan] = []
        excluded: list[str] = []
        for op in self.doc.operations:
            resource, planned = by_operation[id(op)]
            x_mcp = self._x_mcp(op)
            if x_mcp.get("excluded") is True:
                excluded.append(op.operation_id)
                continue
            tools.append(self._tool(op, resource, planned, x_mcp, names))
        return McpPlan(
            server_name=self.doc.title,
            instructions=f"Tools of {self.doc.title} {self.doc.version}: one per operation.",
            tools=tuple(tools),
            excluded=tuple(excluded),
            defs={k: self.defs[k] for k in sorted(self.defs)},
            uses_api_key=self.client.uses_api_key,
            # Only an absolute URL can be a default; a relative server needs the environment.
            default_base_url=next(
                (u for u in self.doc.servers if u.startswith(("http://", "https://"))), None
            ),
        )

    # -- x-mcp --------------------------------------------------------------------------------

    def _x_mcp(self, op: Operation) -> dict[str, Any]:
        try:
            node = resolve_pointer(self.raw, op.pointer)
        except KeyError:
            return {}
        value = node.get("x-mcp") if isinstance(node, dict) else None
        if value is None:
            return {}
        at = join_pointer(op.pointer, "x-mcp")
        if not isinstance(value, dict):
            raise _problem("x-mcp must be an object", at)
        unknown = sorted(set(value) - _X_MCP_KEYS)
        if unknown:
            raise _problem(
                f"x-mcp has unknown keys {', '.join(unknown)} (known: {', '.join(sorted(_X_MCP_KEYS))})",
                at,
            )
        for key in ("excluded", *HINTS):
            if key in value and not isinstance(value[key], bool):
                raise _problem(f"x-mcp {key} must be true or false", join_pointer(at, key))
        for key in ("name", "title", "description"):
            if key in value and not isinstance(value[key], str):
                raise _problem(f"x-mcp {key} must be a string", join_pointer(at, key))
        if "name" in value and not TOOL_NAME.fullmatch(value["name"]):
            raise _problem(
                "x-mcp name must be 1 to 64 letters, digits, '_' or '-' "
                "(what the model providers' tool-calling APIs accept)",
                join_pointer(at, "name"),
            )
        return dict(value)

    # -- one tool -------------------------------------------------------------------------------

    def _tool(
        self,
        op: Operation,
        resource: str,
        planned: OperationPlan,
        x_mcp: dict[str, Any],
        names: ToolNames,
    ) -> ToolPlan:
        natural = snake(op.operation_id, "operation")
        wanted = x_mcp.get("name") or shortened(natural, op.method, op.path)
        name = names.claim(wanted)
        if "name" in x_mcp and name != wanted:
            raise _problem(f"x-mcp name {wanted!r} is already a tool name", op.pointer)
        if "name" not in x_mcp and name != natural:
            self.doc.warnings.append(
                Warning_(
                    f"MCP tool name {natural!r} ({len(natural)} characters) shortened to "
                    f"{name!r}: hosts refuse tool names over 64 characters",
                    op.pointer,
                    "mcp-tool-name-shortened",
                )
            )
        method = op.method.lower()
        hints = {
            "readOnlyHint": method in _READ_ONLY,
            "destructiveHint": method in _DESTRUCTIVE,
            "idempotentHint": method in _IDEMPOTENT,
            "openWorldHint": True,
        }
        hints.update({k: x_mcp[k] for k in HINTS if k in x_mcp})
        arguments, input_schema = self._input(op, planned)
        input_schema = self._repaired(input_schema, op.pointer, "input")
        output, wrapped = self._output(op)
        if output is not None:
            output = self._repaired(output, op.pointer, "output")
        output_defs = self._closure(output) if output is not None else ()
        output_size = self._size(output, output_defs) if output is not None else 0
        if output_size > OUTPUT_SCHEMA_BUDGET:
            output, wrapped, output_defs, output_size = None, False, (), 0
        statuses = tuple(r.status for r in op.responses if not r.is_success)
        description = x_mcp.get("description") or _describe(op, statuses)
        title = x_mcp.get("title") or op.summary or f"{op.method.upper()} {op.path}"
        input_defs = self._closure(input_schema)
        # The wire form: texts (the title twice, once in the annotations), both schemas with
        # their $defs, and the names and hints around them.
        wire_size = (
            len(json.dumps([name, title, title, description]))
            + self._size(input_schema, input_defs)
            + output_size
            + _WIRE_OVERHEAD
        )
        return ToolPlan(
            name=name,
            title=title,
            description=description,
            operation_id=op.operation_id,
            http_method=op.method.upper(),
            path=op.path,
            resource=resource,
            method=planned.body_method,  # tools pass the whole body (`body=`)
            annotations=tuple((k, hints[k]) for k in HINTS),
            arguments=arguments,
            body_kind=self._chosen_media(planned)[1] if planned.body else None,
            content_type=(
                self._chosen_media(planned)[0]
                if planned.body and len(planned.body.media) > 1
                else None
            ),
            input_schema=input_schema,
            input_defs=input_defs,
            output_schema=output,
            output_defs=output_defs,
            output_wrapped=wrapped,
            wire_size=wire_size,
            result_headers=tuple(
                dict.fromkeys(
                    h.name.lower() for r in op.responses if r.is_success for h in r.headers
                )
            ),
            error_statuses=statuses,
        )

    def _chosen_media(self, planned: OperationPlan) -> tuple[str, str]:
        assert planned.body is not None
        media = planned.body.media
        chosen = next((m for m in media if m.kind == "json"), media[0])
        return chosen.name, chosen.kind

    def _input(
        self, op: Operation, planned: OperationPlan
    ) -> tuple[tuple[ToolArgument, ...], dict[str, Any]]:
        server_op = self.server_ops[id(op)]
        pointers = {(p.name, p.location): p.schema_pointer for p in server_op.params}
        properties: dict[str, Any] = {}
        required: list[str] = []
        arguments: list[ToolArgument] = []
        taken = NameRegistry()
        for p in planned.params:
            name = taken.claim(p.python_name)
            schema = self._schema_at(pointers.get((p.name, p.location)))
            if p.description and isinstance(schema, dict) and "description" not in schema:
                schema = {**schema, "description": p.description}
            properties[name] = schema
            if p.required:
                required.append(name)
            arguments.append(ToolArgument(name, p.python_name, p.location, p.required))
        if planned.body is not None:
            media_name, kind = self._chosen_media(planned)
            name = taken.claim(BODY_ARGUMENT)
            schema = self._body_schema(server_op.bodies, media_name, kind)
            if planned.body.description and "description" not in schema:
                schema = {**schema, "description": planned.body.description}
            properties[name] = schema
            if planned.body.required:
                required.append(name)
            arguments.append(ToolArgument(name, BODY_ARGUMENT, "body", planned.body.required))
        root: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            root["required"] = required
        root["additionalProperties"] = False
        return tuple(arguments), root

    def _body_schema(self, bodies: Any, media_name: str, kind: str) -> dict[str, Any]:
        pointer = next((b.schema_pointer for b in bodies if b.media_type == media_name), None)
        if kind == "text":
            return {"type": "string", "contentMediaType": media_name}
        if kind == "binary":
            return {"type": "string", "contentEncoding": "base64", "contentMediaType": media_name}
        schema = self._schema_at(pointer)
        return schema if isinstance(schema, dict) else {}

    def _output(self, op: Operation) -> tuple[dict[str, Any] | None, bool]:
        successes = [r for r in op.responses if r.is_success]
        if not successes or any(not r.content for r in successes):
            return None, False
        branches: list[Any] = []
        for r in successes:
            for m in r.content:
                if m.kind != "json":
                    return None, False
                schema = self._schema_at(m.schema_pointer)
                if schema not in branches:
                    branches.append(schema)
        body: Any = branches[0] if len(branches) == 1 else {"anyOf": branches}
        if isinstance(body, dict) and self._is_object(body):
            return {**body, "type": "object"}, False
        return {
            "type": "object",
            "properties": {RESULT_PROPERTY: body},
            "required": [RESULT_PROPERTY],
        }, True

    def _is_object(self, schema: dict[str, Any], seen: frozenset[str] = frozenset()) -> bool:
        """Whether every value `schema` admits is an object: its `type` says so, or a `$ref` it
        is, or one branch of its `allOf` (every branch holds, so one object branch suffices)."""
        node: Any = schema
        while isinstance(node, dict) and "$ref" in node and set(node) <= {"$ref", "description"}:
            key = node["$ref"].removeprefix("#/$defs/")
            if key in seen or key not in self.defs:
                return False
            seen = seen | {key}
            node = self.defs[key]
        if not isinstance(node, dict):
            return False
        if node.get("type") == "object":
            return True
        return "type" not in node and any(
            isinstance(branch, dict) and self._is_object(branch, seen)
            for branch in node.get("allOf") or []
        )

    # -- schemas and $defs ----------------------------------------------------------------------

    def _schema_at(self, pointer: str | None) -> Any:
        if pointer is None:
            return {}
        if pointer.startswith("/components/schemas/") and len(split_pointer(pointer)) == 3:
            return {"$ref": "#/$defs/" + self._def_key(pointer)}
        # The tools of a large document share their parameters' schemas
        # (`/components/parameters/owner/schema`): each rewritten once, the one copy shared by
        # the tools (read-only from here on: the plan is written out as JSON).
        found = self.at_pointer.get(pointer)
        if found is None:
            try:
                node = resolve_pointer(self.spec, pointer)
            except KeyError:
                return {}
            found = self.at_pointer[pointer] = self._rewrite(node)
        return found

    def _def_key(self, pointer: str) -> str:
        key = self.def_keys.get(pointer)
        if key is not None:
            return key
        tokens = split_pointer(pointer)
        wanted = (
            tokens[2]
            if len(tokens) == 3 and tokens[:2] == ["components", "schemas"]
            else "_".join(re.sub(r"[^A-Za-z0-9]+", "_", t).strip("_") for t in tokens)
        )
        key = self.def_names.claim(re.sub(r"[^A-Za-z0-9_.-]", "_", wanted) or "schema", pointer)
        self.def_keys[pointer] = key
        try:
            node = resolve_pointer(self.spec, pointer)
        except KeyError:
            node = {}
        self.defs[key] = {}  # placeholder: a cycle refers to the key before it is rewritten
        # The keys the rewritten def refers to are noted as it is rewritten (its own, not the
        # ones of the defs it registers on the way), not found by a second walk over it.
        outer, self._noted = self._noted, []
        try:
            rewritten = self._rewrite(node)
            noted = self._noted
        finally:
            self._noted = outer
        schema = self._repaired(rewritten, pointer, None)
        self.defs[key] = schema
        # A repaired schema may have lost a reference with what was dropped: walked again.
        self.def_refs[key] = tuple(
            dict.fromkeys(noted if schema is rewritten else _refs_in(schema))
        )
        return key

    def _repaired(self, schema: Any, pointer: str, root: str | None) -> Any:
        """`schema` valid against the 2020-12 meta-schema; each repair warned about, located in
        the document (a def) or on the operation (`root`: the tool's input or output schema)."""
        fixed, changed = meta_repaired(schema)
        for at in changed:
            where = f"the {root} schema of its MCP tool at {at or '/'}" if root else "MCP tools"
            self.doc.warnings.append(
                Warning_(
                    f"schema keyword fails the JSON Schema 2020-12 meta-schema: repaired or "
                    f"dropped in {where}",
                    pointer if root else pointer + at,
                    "mcp-schema-repaired",
                )
            )
        return fixed

    def _rewrite(self, node: Any) -> Any:
        """A copy of `node` whose local `$ref`s point to `#/$defs/<key>` (registering each).

        Scalars (most values) are kept where they stand, not passed to a call of their own.
        """
        if isinstance(node, list):
            return [self._rewrite(v) if isinstance(v, dict | list) else v for v in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for k, v in node.items():
            if k in ("$schema", "$id") or (k == "id" and isinstance(v, str)):
                # A tool schema is one 2020-12 document: a nested dialect is dropped, and so is
                # a base URI, under which the tool's `#/$defs/...` references would not resolve
                # (draft 4's `id` too: ajv, in the TypeScript SDK, refuses the whole tool list
                # over it, "NOT SUPPORTED: keyword id").
                continue
            if k == "items" and isinstance(v, list):
                # Draft 4's tuple form (a schema under `$schema: draft-04`): 2020-12 says
                # `prefixItems`, and the schema for the items after them is `items`.
                out["prefixItems"] = self._rewrite(v)
                if "additionalItems" in node:
                    out["items"] = self._rewrite(node["additionalItems"])
                continue
            if k == "additionalItems" and isinstance(node.get("items"), list):
                continue
            if k == "pattern" and not python_regex.compiles(v):
                # The models' typed fallback (warned by the generator): Python clients, the MCP
                # SDK's among them, reject a schema whose pattern `re` cannot compile.
                continue
            if k in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(v, bool):
                # A schema written in draft 4's dialect: the flag turns its bound exclusive.
                bound = "minimum" if k == "exclusiveMinimum" else "maximum"
                if v and bound in node:
                    out[k] = node[bound]
                continue
            if k in ("minimum", "maximum") and node.get("exclusiveM" + k[1:]) is True:
                continue
            if k == "$ref" and isinstance(v, str) and v.startswith("#"):
                key = self._def_key(unquote(v[1:]))
                self._noted.append(key)
                out[k] = "#/$defs/" + key
            elif k == "$ref":
                # Another document's schema (the loader bundles relative files; a URL is never
                # fetched): left in, it would dangle in the tool's schema. Any value there.
                continue
            elif k in _SCHEMA_MAPS and isinstance(v, dict):
                out[k] = {
                    name: self._rewrite(sub) if isinstance(sub, dict | list) else sub
                    for name, sub in v.items()
                }
            elif k in _DATA_KEYWORDS or not isinstance(v, dict | list):
                out[k] = v
            else:
                out[k] = self._rewrite(v)
        return out

    def _size(self, root: dict[str, Any], keys: tuple[str, ...]) -> int:
        """The length of `root` with the $defs `keys` as one compact JSON text (`_size`), each
        def's part counted once for the whole plan."""
        if not keys:
            return _size(root, (), self.defs)
        total = _size({**root, "$defs": {}}, (), self.defs) + len(keys) - 1  # `{}`, commas
        for key in keys:
            size = self.def_sizes.get(key)
            if size is None:
                size = self.def_sizes[key] = len(_compact({key: self.defs[key]})) - 2
            total += size
        return total

    def _closure(self, schema: Any) -> tuple[str, ...]:
        """Every $defs key `schema` reaches, in a stable order."""
        found: dict[str, None] = {}
        todo = _refs_in(schema)
        while todo:
            key = todo.pop()
            if key in found:
                continue
            found[key] = None
            todo.extend(self.def_refs.get(key, ()))
        return tuple(sorted(found))


def _refs_in(node: Any) -> list[str]:
    """The $defs keys a (rewritten) schema refers to. Keyword values that are data (`default`,
    `enum`...) hold no references, but a property *named* `default` is a schema like any other."""
    found: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                found.append(ref.removeprefix("#/$defs/"))
            for k, v in current.items():
                if k in _SCHEMA_MAPS and isinstance(v, dict):
                    stack.extend(v.values())
                elif k not in _DATA_KEYWORDS:
                    stack.append(v)
        elif isinstance(current, list):
            stack.extend(current)
    return found


def page_starts(sizes: list[int], max_tools: int, max_bytes: int) -> tuple[int, ...]:
    """Where each page starts: a page closes at `max_tools` tools, or before the tool that would
    take it past `max_bytes` (a tool bigger than that gets a page of its own)."""
    starts = [0]
    count = total = 0
    for index, size in enumerate(sizes):
        if count and (count == max_tools or total + size > max_bytes):
            starts.append(index)
            count = total = 0
        count += 1
        total += size
    return tuple(starts)


def _size(root: dict[str, Any], keys: tuple[str, ...], defs: dict[str, Any]) -> int:
    """The length of `root` with the $defs `keys` as one compact JSON text (a tool's share of
    its `tools/list` page)."""
    whole = {**root, "$defs": {k: defs[k] for k in keys}} if keys else root
    return len(_compact(whole))


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _describe(op: Operation, statuses: tuple[str, ...]) -> str:
    parts = [op.summary.strip()] if op.summary else []
    if op.description and op.description.strip() != op.summary.strip():
        parts.append(op.description.strip())
    parts.append(f"`{op.method.upper()} {op.path}`.")
    if statuses:
        parts.append(
            "Documented errors (returned as tool errors with the status and body): "
            + ", ".join(statuses)
            + "."
        )
    return "\n\n".join(parts)


def _problem(message: str, pointer: str) -> SpecError:
    return SpecError([Problem(message, Location("<document>", pointer))])
