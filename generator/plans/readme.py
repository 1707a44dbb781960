"""What the generated package README says about the client, decided once.

Per resource: a table of every operation with its arguments (name, type, required) and one
example call, the operation needing the fewest arguments, with placeholder values a reader
replaces (`"..."` for text, `1` for numbers, the first member of an enum; `...` where only the
reader knows). Per security scheme: the constructor argument and the environment variables it
is read from. Annotations are shown as a reader writes them (`Order`, not `_m.Order`).

One example each, where the document has one, of a streamed call (the `stream=True` overload
first), a paginated walk and an upload (a `pathlib.Path` for the file part or binary body), with
the same placeholders for their other required arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.ir.model import Document
    from generator.plans.auth import AuthPlan
    from generator.plans.client import ClientPlan, OperationPlan, ResourcePlan


@dataclass(frozen=True, slots=True)
class ArgumentRow:
    name: str
    annotation: str  # as a reader writes it
    required: bool
    where: str  # path, query, header, cookie, body


@dataclass(frozen=True, slots=True)
class OperationRow:
    call: str  # `orders.create(...)`
    body_call: str | None  # `orders.create_from_body(body=...)` when the body form is separate
    route: str
    summary: str
    arguments: tuple[ArgumentRow, ...]
    returns: str
    errors: str


@dataclass(frozen=True, slots=True)
class ResourceSection:
    attribute: str
    example: str  # one line of Python: `result = client.orders.get(1)`
    operations: tuple[OperationRow, ...]
    example_imports: str = ""  # `from shop_api import models` when the example names a model


@dataclass(frozen=True, slots=True)
class SchemeRow:
    name: str
    what: str
    argument: str
    variables: str


@dataclass(frozen=True, slots=True)
class FeatureExample:
    """A streamed call, a paginated walk or an upload, as the README shows it."""

    kind: str  # "stream", "pager" or "upload"
    code: str  # lines of Python using `client` (a Client)
    imports: str = ""


@dataclass(frozen=True, slots=True)
class ReadmePlan:
    sections: tuple[ResourceSection, ...]
    schemes: tuple[SchemeRow, ...]
    features: tuple[FeatureExample, ...] = ()

    def feature(self, kind: str) -> FeatureExample | None:
        return next((f for f in self.features if f.kind == kind), None)


# The resource modules' private aliases (models, params, transport, streams, pagers, files,
# errors): a reader writes `Stream[Event]`, imported from `<package>.client`.
_PREFIXES = re.compile(r"\b_(?:m|p|t|s|pg|f|e)\.")


def shown(annotation: str) -> str:
    """An annotation as a reader writes it: no module aliases, `NotGiven` left out."""
    text = _PREFIXES.sub("", annotation).replace("builtins.", "")
    return re.sub(r"\s*\|\s*NotGiven", "", text)


def build_readme_plan(plan: ClientPlan, doc: Document, package: str) -> ReadmePlan:
    enums = {
        s.python_name: s.schema["enum"][0]
        for s in doc.schemas
        if isinstance(s.schema, dict)
        and isinstance(s.schema.get("enum"), list)
        and s.schema["enum"]
        and isinstance(s.schema["enum"][0], str | int)
        and not isinstance(s.schema["enum"][0], bool)
    }
    sections = []
    for r in plan.resources:
        rows = tuple(_row(r, op) for op in r.operations)
        op = min(r.operations, key=_example_rank)
        example, named_model = _example(r, op, enums)
        imports = f"from {package} import models" if named_model else ""
        sections.append(ResourceSection(r.attribute, example, rows, imports))
    return ReadmePlan(tuple(sections), _schemes(plan.auth), _features(plan, enums, package))


def _features(plan: ClientPlan, enums: dict[str, Any], package: str) -> tuple[FeatureExample, ...]:
    found = []
    if plan.stream_example is not None:
        res, op = plan.stream_example
        streams = op.streams
        assert streams is not None
        given = {streams.flag: "True"} if streams.flag else {}
        call, model = _call(res, op, enums, given)
        found.append(
            FeatureExample(
                "stream",
                f"with {call} as stream:\n    for event in stream:  # {shown(streams.item)}\n"
                "        print(event)",
                _imports(package, model),
            )
        )
    if plan.pager_example is not None:
        res, op = plan.pager_example
        assert op.paging is not None
        call, model = _call(res, op, enums, {})
        style = op.paging.description.split(" ")[0]
        found.append(
            FeatureExample(
                "pager",
                f"for item in {call}:  # {shown(op.paging.item)}, {style} pagination\n"
                "    print(item)",
                _imports(package, model),
            )
        )
    if plan.upload_example is not None:
        res, op = plan.upload_example
        field = plan.upload_field or "body"
        annotation = next((f.annotation for f in op.fields if f.python_name == field), "")
        # A part that takes several files takes a list of them.
        path = 'Path("report.pdf")'
        value = (
            f"[{path}]" if annotation.startswith(("list[", "builtins.list[", "Sequence[")) else path
        )
        call, model = _call(res, op, enums, {field: value})
        target = "result = " if op.return_annotation != "None" else ""
        found.append(
            FeatureExample(
                "upload",
                f"{target}{call}",
                "\n".join(["from pathlib import Path", _imports(package, model)]).strip(),
            )
        )
    return tuple(found)


def _imports(package: str, model: bool) -> str:
    return f"from {package} import models" if model else ""


def _call(
    r: str, op: OperationPlan, enums: dict[str, Any], given: dict[str, str]
) -> tuple[str, bool]:
    """`client.<r>.<op>(...)` with placeholders for the required arguments and `given` ones."""
    parts = []
    named_model = False
    for p in op.path_params:
        value, model = _placeholder(p.annotation, enums)
        parts.append(value)
        named_model = named_model or model
    names = set()
    for item in _required(op)[len(op.path_params) :]:
        name = getattr(item, "python_name", "body")
        names.add(name)
        if name in given:
            parts.append(f"{name}={given[name]}")
            continue
        value, model = _placeholder(item.annotation, enums)
        parts.append(f"{name}={value}")
        named_model = named_model or model
    parts += [f"{name}={value}" for name, value in given.items() if name not in names]
    return f"client.{r}.{op.name}({', '.join(parts)})", named_model


def _row(r: ResourcePlan, op: OperationPlan) -> OperationRow:
    args = [ArgumentRow(p.python_name, shown(p.annotation), True, "path") for p in op.path_params]
    args += [
        ArgumentRow(p.python_name, shown(p.annotation), p.required, p.location)
        for p in op.keyword_params
    ]
    args += [ArgumentRow(f.python_name, shown(f.annotation), f.required, "body") for f in op.fields]
    if op.body is not None and not op.fields:
        args.append(ArgumentRow("body", shown(op.body.annotation), op.body.required, "body"))
    errors = ", ".join(
        f"{resp.status} `{resp.exception}`" for resp in op.responses if resp.exception
    )
    return OperationRow(
        call=f"{r.attribute}.{op.name}()",
        body_call=f"{r.attribute}.{op.body_method}(body=...)" if op.splits_body else None,
        route=f"{op.op.method.upper()} {op.op.path}",
        summary=" ".join(op.docstring.split()).replace("|", "\\|"),
        arguments=tuple(args),
        returns=shown(op.return_annotation),
        errors=errors or "none documented",
    )


def _required(op: OperationPlan) -> list[Any]:
    return [
        *op.path_params,
        *(p for p in op.keyword_params if p.required),
        *(f for f in op.fields if f.required),
        *([op.body] if op.body is not None and not op.fields and op.body.argument_required else []),
    ]


def _example_rank(op: OperationPlan) -> tuple[int, int, int]:
    """Fewest required arguments, then something returned, then a GET."""
    return (len(_required(op)), op.return_annotation == "None", op.op.method != "get")


def _example(r: ResourcePlan, op: OperationPlan, enums: dict[str, Any]) -> tuple[str, bool]:
    call, named_model = _call(r.attribute, op, enums, {})
    target = "result = " if op.return_annotation != "None" else ""
    return f"{target}{call}", named_model


def _placeholder(annotation: str, enums: dict[str, Any]) -> tuple[str, bool]:
    """A value of `annotation` for an example, and whether it names a model."""
    first = annotation.split(" | ")[0].strip()
    if first.startswith("_m.") and first[3:] in enums:
        return f"models.{first[3:]}({enums[first[3:]]!r})", True
    literal = re.match(r"Literal\[(.+?)(?:,|\])", first)
    if literal:
        return literal.group(1), False
    simple = {"str": '"..."', "int": "1", "float": "1.0", "bool": "True", "bytes": 'b"..."'}
    if first in simple:
        return simple[first], False
    if first.startswith(("Sequence[", "list[", "builtins.list[")):
        return "[]", False
    if first.startswith(("Mapping[", "dict[", "builtins.dict[")):
        return "{}", False
    return "...", False


def _schemes(auth: AuthPlan | None) -> tuple[SchemeRow, ...]:
    if auth is None:
        return ()
    rows = []
    for s in auth.schemes:
        if s.kind == "api_key":
            argument, variables = "api_key=", f"`{s.env}`, then `{auth.variable('API_KEY')}`"
        elif s.kind == "basic":
            argument = "basic_auth=(user, password)"
            variables = (
                f"`{s.env}_USERNAME`/`{s.env}_PASSWORD`, then "
                f"`{auth.variable('USERNAME')}`/`{auth.variable('PASSWORD')}`"
            )
        elif s.kind == "oauth2" and s.token_url:
            argument = "token=, or client_id= and client_secret="
            variables = (
                f"`{s.env}` (a token), `{s.env}_CLIENT_ID`/`{s.env}_CLIENT_SECRET`, then "
                f"`{auth.variable('CLIENT_ID')}`/`{auth.variable('CLIENT_SECRET')}`, "
                f"`{auth.variable('TOKEN')}`"
            )
        elif s.kind in ("bearer", "openid", "oauth2"):
            argument, variables = "token=", f"`{s.env}`, then `{auth.variable('TOKEN')}`"
        else:
            argument, variables = "extra_headers=", "none"
        rows.append(SchemeRow(s.name, s.what, f"`{argument}`", variables))
    return tuple(rows)
