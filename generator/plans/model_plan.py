"""The models as declarations: every JSON Schema decision of the native models emitter, made once.

The native emitter (generator.emit.native_models) only renders what this module decides:

- every named schema of the document (components and hoisted inline schemas, `Document.schemas`)
  becomes exactly one declaration under its Python name: a model class for an object, a `StrEnum`
  or `IntEnum` for a named enum of strings or integers, a `RootModel` for anything else;
- an inline object inside a schema becomes a nested model named by where it stands
  (`Pet` + `owner` -> `PetOwner`, items of a list `...Item`, values of a map `...Value`, union
  branches `...Option1`); inline enums and constants are `Literal[...]`;
- `allOf` whose one reference is a model becomes a subclass when the other parts add properties
  without redefining inherited ones; any other `allOf` repeats the properties of its parts (a typed
  fallback, warned when a subclass was impossible);
- `oneOf`/`anyOf` are unions, tagged by the `discriminator` when one picks among models;
  validation keywords become pydantic `Field` constraints; formats
  that pydantic parses without loss become their Python types (`date-time` -> `datetime`);
- readOnly and writeOnly properties are optional, so one model parses both directions;
- what cannot be expressed (a `pattern` Python cannot compile, a `$ref` outside the document's
  schemas) is a warning with its JSON pointer and a typed fallback, never a crash.

Declarations come in an order where a class's bases and a root model's type are defined before it
(the only expressions Python evaluates at class creation); field annotations are lazy
(`from __future__ import annotations`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal, TypeGuard

from generator.errors import join_pointer, split_pointer, unescape_pointer_token
from generator.ir.model import Document, Warning_
from generator.ir.naming import RESERVED_CLASS_NAMES, NameRegistry, pascal
from generator.ir.schemas import COMPONENT_PREFIX, PRIMITIVES, canonical
from generator.plans import python_regex
from generator.plans.discriminator import discriminator_tags, limited_values
from generator.plans.model_names import CAPITALISED_BUILTINS, field_name, member_name, names_in
from generator.plans.type_text import (
    ANY,
    LITERAL_TYPES,
    TypeText,
    annotated,
    literal,
    split_union,
    union_of,
)

# Formats parsed into a Python value and written back as the same text. `date-time` and `date`
# are read strictly (RFC 3339, an offset required) and keep the text they came from
# (`DateTimeText` in the package's `_base.py`): pydantic's own `datetime` also takes a bare date
# or a number and rewrites `+00:00` as `Z` and the fractional digits.
_STRING_FORMATS = {
    "date-time": "Annotated[datetime, _DateTimeText]",
    "date": "Annotated[date, _DateText]",
    "uuid": "UUID",
    "binary": "bytes",
}
# Keywords that say something about a value without constraining it: an allOf part that only
# restates an inherited property with these (a new `default`) keeps the subclass.
_ANNOTATIONS = frozenset(
    {"default", "description", "title", "example", "examples", "deprecated", "$comment",
     "externalDocs", "xml"}
)  # fmt: skip


@dataclass(frozen=True)
class FieldDecl:
    name: str  # the Python attribute
    alias: str | None  # the document's name when it differs
    annotation: str  # the full annotation, `| None` included when null is admitted
    required: bool
    default: str | None  # Python source of the default of an optional field
    constraints: tuple[tuple[str, str], ...]  # pydantic Field keyword -> Python source
    description: str
    fallbacks: tuple[str, ...] = ()  # what the field cannot express, said beside it in the code


@dataclass(frozen=True)
class ClassDecl:
    name: str
    bases: tuple[str, ...]  # model bases; empty for the package's base model
    fields: tuple[FieldDecl, ...]
    description: str
    forbid_extra: bool
    refs: frozenset[str]  # model names its annotations use
    fallbacks: tuple[str, ...] = ()  # what the class cannot express, said in the code
    # `oneOf` / `anyOf` of branches that only list `required` names: (names per branch, oneOf?)
    alternatives: tuple[tuple[tuple[str, ...], ...], bool] | None = None
    kind: Literal["class"] = "class"


@dataclass(frozen=True)
class EnumDecl:
    name: str
    base: Literal["StrEnum", "IntEnum"]
    members: tuple[tuple[str, str], ...]  # member name -> Python source of its value
    description: str
    refs: frozenset[str] = frozenset()
    kind: Literal["enum"] = "enum"


@dataclass(frozen=True)
class RootDecl:
    name: str
    annotation: str
    description: str
    refs: frozenset[str]
    python_re: bool = False  # its type checks a pattern: the model needs Python's `re` engine
    # The root type names a model defined later (a cycle): `RootModel[Any]` with `root: <type>`
    deferred: bool = False
    fallbacks: tuple[str, ...] = ()
    kind: Literal["root"] = "root"


Decl = ClassDecl | EnumDecl | RootDecl


@dataclass(frozen=True)
class ModelPlan:
    decls: tuple[Decl, ...]  # in definition order
    rebuild: frozenset[str]  # classes whose annotations refer to themselves or a later model


def build_model_plan(doc: Document, strict: bool = False) -> ModelPlan:
    """The declarations of `doc`'s models; `strict` (a target's `strict-models = true`) refuses
    the two things the models accept on purpose by default: an explicit null for an optional
    property whose schema does not admit it, and lax coercions (`"7"` or `true` for an integer,
    `1` for `true`)."""
    return _Planner(doc, strict).plan()


class _Planner:
    def __init__(self, doc: Document, strict: bool = False) -> None:
        self.doc = doc
        self.strict = strict
        self.v30 = doc.openapi.startswith("3.0")
        self.schemas = {s.python_name: s for s in doc.schemas}
        self.names = NameRegistry(RESERVED_CLASS_NAMES | CAPITALISED_BUILTINS, suffix="Model")
        for s in doc.schemas:
            self.names.claim(s.python_name, ("schema", s.python_name))
        self.decls: dict[str, Decl] = {}
        # a deep `$ref` -> the model it became and whether it admits null
        self.by_ref: dict[str, tuple[str, bool]] = {}
        self.base_of: dict[str, str] = {}  # model -> the model it subclasses
        # property -> its PascalCase stem: a large document's models repeat the same property
        # names (GitHub's: 38,259 fields, 1,926 names)
        self.field_stems: dict[str, str] = {}
        # Fallbacks met while translating the current field or root type (said in its code).
        self.fallbacks: list[str] = []
        self.class_names: set[str] = set()  # names that are (or will be) model classes
        # A component's name as the document writes it <-> its Python name (discriminators).
        self.python_names: dict[str, str] = {}
        self.original_names: dict[str, str] = {}
        for s in doc.schemas:
            tokens = split_pointer(s.source_pointer)
            if not s.inline and len(tokens) == 3 and tokens[:2] == ["components", "schemas"]:
                original = tokens[2]
                self.python_names[original] = s.python_name
                self.original_names[s.python_name] = original
        # To a fixpoint: `CollectionPage: allOf [WebPage]` is a class only once `WebPage` is
        # known to be one, whatever order the document lists them in.
        changed = True
        while changed:
            changed = False
            for s in doc.schemas:
                if s.python_name not in self.class_names and self._is_class(s.schema):
                    self.class_names.add(s.python_name)
                    changed = True

    # -- declarations ------------------------------------------------------------------------

    def plan(self) -> ModelPlan:
        for s in self.doc.schemas:
            self._declare(s.python_name, s.schema, s.source_pointer)
        return self._ordered()

    def _warn(self, message: str, pointer: str, rule: str) -> None:
        self.doc.warnings.append(Warning_(message, pointer, rule))

    def _is_class(self, schema: Any) -> bool:
        """Whether a schema is a model class (an object with properties or an allOf of objects)."""
        if not isinstance(schema, dict) or ("$ref" in schema and len(schema) == 1):
            return False
        if any(k in schema for k in ("enum", "const")):
            return False
        if _not_object(schema):
            # `type: string` beside `properties` (a vendor's slip): JSON Schema applies
            # `properties` to objects only, so the value is the string.
            return False
        if "properties" in schema:
            return True
        if any(k in schema for k in ("oneOf", "anyOf", "items")):
            return False
        if isinstance(schema.get("allOf"), list):
            parts = schema["allOf"]
            return all(isinstance(p, dict) for p in parts) and any(
                self._class_ref(p) is not None or self._is_class(p) or p.get("type") == "object"
                for p in parts
            )
        return schema.get("type") == "object" and not isinstance(
            schema.get("additionalProperties"), dict
        )

    def _is_free_form(self, schema: dict[str, Any]) -> bool:
        """`{type: object}` with nothing to model: a dict inline, a class only when named."""
        return "properties" not in schema and "allOf" not in schema

    def _declare(self, name: str, schema: Any, pointer: str) -> None:
        description = _description(schema)
        if self._is_class(schema):
            self.decls[name] = self._class(name, schema, pointer)
            return
        enum = self._enum(name, schema)
        if enum is not None:
            self.decls[name] = enum
            return
        self.fallbacks, outer = [], self.fallbacks
        root = self._type(schema, name, pointer)
        annotation = annotated(root.annotation, self._applicable(root, schema, pointer))
        python_re = "pattern=" in annotation
        self.decls[name] = RootDecl(
            name,
            annotation,
            description,
            frozenset(root.refs),
            python_re=python_re,
            # `RootModel[<type>]` builds its validator before the class body's config is read,
            # with pydantic's Rust regex engine (no look-ahead, a size limit): a pattern's root
            # type is declared in the body (`root: <type>`), where Python's `re` checks it.
            deferred=python_re,
            fallbacks=tuple(self.fallbacks),
        )
        self.fallbacks = outer

    def _enum(self, name: str, schema: Any) -> EnumDecl | None:
        if not isinstance(schema, dict) or not isinstance(schema.get("enum"), list):
            return None
        values = schema["enum"]
        if not values:
            return None
        if all(isinstance(v, str) for v in values):
            base: Literal["StrEnum", "IntEnum"] = "StrEnum"
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            base = "IntEnum"
        else:
            return None
        if _nullable(schema, self.v30):
            return None  # a RootModel of `Literal[...] | None` says it better
        members = NameRegistry(frozenset({"mro", "name", "value"}))
        listed = []
        for v in dict.fromkeys(values):
            member = member_name(v)
            listed.append((members.claim(member), repr(v)))
        return EnumDecl(name, base, tuple(listed), _description(schema))

    def _class(self, name: str, schema: dict[str, Any], pointer: str) -> ClassDecl:
        required: set[str] = set()
        bases: list[str] = []
        fallbacks: list[str] = []
        refs_in_allof: list[str] = []
        merged_parts: list[tuple[dict[str, Any], str]] = []
        for i, part in enumerate(schema.get("allOf") or []):
            at = join_pointer(pointer, "allOf", i)
            target = self._class_ref(part)
            if target is not None:
                refs_in_allof.append(target)
            elif isinstance(part, dict):
                merged_parts.append((part, at))
        own = _own_properties(schema, pointer)
        for part, at in merged_parts:
            own.update({k: v for k, v in _own_properties(part, at).items() if k not in own})
        required |= set(_required(schema))
        for part, _ in merged_parts:
            required |= set(_required(part))
        inherited: dict[str, tuple[Any, str]] = {}
        base_required: set[str] = set()
        for target in refs_in_allof:
            props, req = self._class_properties(target, set())
            inherited.update({k: v for k, v in props.items() if k not in inherited})
            base_required |= req
        # A name `required` lists without any property (own or inherited) is still required.
        for missing in sorted(required - set(own) - set(inherited)):
            own[missing] = ({}, join_pointer(pointer, "required"))
        restated: dict[str, tuple[Any, str]] = {}
        if len(refs_in_allof) == 1:
            redefined = []
            for k in own:
                if k not in inherited or canonical(own[k][0]) == canonical(inherited[k][0]):
                    continue
                mine, theirs = own[k][0], inherited[k][0]
                if _only_annotations(mine, theirs):
                    # Only a new default (or description): the same type, restated in the subclass.
                    merged = {**theirs, **mine} if set(mine) <= _ANNOTATIONS else mine
                    restated[k] = (merged, own[k][1])
                else:
                    redefined.append(k)
            newly_required = (required - base_required) & set(inherited)
            if self._inherits(refs_in_allof[0], name):
                # allOf through each other: Python cannot create either class first.
                fallbacks.append(f"{refs_in_allof[0]} is built from this model in turn")
                self._warn(
                    f"`{name}` and `{refs_in_allof[0]}` are built from each other (allOf); the "
                    "model repeats the properties instead of subclassing (typed fallback)",
                    pointer,
                    "allof-cycle",
                )
            elif not redefined and not newly_required:
                bases = refs_in_allof
                self.base_of[name] = bases[0]
                own = {
                    k: restated.get(k, v)
                    for k, v in own.items()
                    if k not in inherited or k in restated
                }
            else:
                changed = sorted(set(redefined) | newly_required)
                base = refs_in_allof[0]
                fallbacks.append(
                    f"{', '.join(changed)} differ{'s' if len(changed) == 1 else ''} from {base}, "
                    f"so this model repeats the properties of {base} instead of subclassing it"
                )
                self._warn(
                    f"`{name}` changes the inherited propert{'y' if len(changed) == 1 else 'ies'}"
                    f" {', '.join(f'`{c}`' for c in changed)} of `{refs_in_allof[0]}`; the model "
                    f"repeats the properties of `{refs_in_allof[0]}` instead of subclassing it "
                    "(typed fallback)",
                    pointer,
                    "allof-redefines-property",
                )
        if not bases:
            for key, value in inherited.items():
                own.setdefault(key, value)
            # Inherited properties first, in the order the parts give them.
            own = {**{k: own[k] for k in inherited}, **{k: v for k, v in own.items()}}
            required |= base_required
        fields, refs = self._fields(name, own, required)
        refs |= set(bases)
        # `unevaluatedProperties: false` on a class: every property its parts declare is
        # evaluated, so it forbids exactly what `additionalProperties: false` would.
        forbid = any(
            schema.get(k) is False for k in ("additionalProperties", "unevaluatedProperties")
        ) or (
            # A base with `additionalProperties: false` judges the whole value: a model that
            # repeats its properties instead of subclassing it forbids unknown ones too.
            not bases and any(self._closed(target) for target in refs_in_allof)
        )
        return ClassDecl(
            name,
            tuple(bases),
            tuple(fields),
            _description(schema),
            forbid,
            frozenset(refs),
            tuple(fallbacks),
            _required_alternatives(schema),
        )

    def _closed(self, name: str) -> bool:
        named = self.schemas.get(name)
        return (
            named is not None
            and isinstance(named.schema, dict)
            and named.schema.get("additionalProperties") is False
        )

    def _inherits(self, name: str, ancestor: str) -> bool:
        """Whether the model `name` already subclasses `ancestor` (directly or not)."""
        seen: set[str] = set()
        while name in self.base_of and name not in seen:
            seen.add(name)
            name = self.base_of[name]
            if name == ancestor:
                return True
        return False

    def _class_ref(self, part: Any) -> str | None:
        """The model class an allOf part refers to by `$ref`, if it is one."""
        if not isinstance(part, dict) or not isinstance(part.get("$ref"), str):
            return None
        target = self._ref_name(part["$ref"])
        return target if target in self.class_names else None

    def _class_properties(
        self, name: str, seen: set[str]
    ) -> tuple[dict[str, tuple[Any, str]], set[str]]:
        """Every property (with inherited ones) and the required names of the model `name`."""
        if name in seen:
            return {}, set()
        seen.add(name)
        named = self.schemas.get(name)
        if named is None or not isinstance(named.schema, dict):
            return {}, set()
        schema, pointer = named.schema, named.source_pointer
        props: dict[str, tuple[Any, str]] = {}
        required = set(_required(schema))
        for i, part in enumerate(schema.get("allOf") or []):
            target = self._class_ref(part)
            if target is not None:
                p, r = self._class_properties(target, seen)
            elif isinstance(part, dict):
                p, r = (
                    _own_properties(part, join_pointer(pointer, "allOf", i)),
                    set(_required(part)),
                )
            else:
                continue
            props.update({k: v for k, v in p.items() if k not in props})
            required |= r
        props.update(_own_properties(schema, pointer))
        return props, required

    def _fields(
        self, owner: str, properties: dict[str, tuple[Any, str]], required: set[str]
    ) -> tuple[list[FieldDecl], set[str]]:
        attrs = NameRegistry(frozenset())
        refs: set[str] = set()
        fields = []
        typed: list[tuple[str, Any, TypeText, tuple[tuple[str, str], ...], tuple[str, ...]]] = []
        for prop, (schema, at) in properties.items():
            self.fallbacks, outer = [], self.fallbacks  # nested models collect their own
            stem = self.field_stems.get(prop)
            if stem is None:
                stem = self.field_stems[prop] = pascal(prop, "Field")
            t = self._type(schema, owner + stem, at)
            constraints = self._applicable(t, schema, at)
            typed.append((prop, schema, t, constraints, tuple(self.fallbacks)))
            self.fallbacks = outer
            refs |= t.refs
        # A field must not take a name its class's annotations use (`date: date` breaks both
        # pydantic and mypy), nor a keyword, nor a name pydantic's BaseModel defines.
        used = names_in(" ".join(t.expr for _, _, t, _, _ in typed))
        for prop, schema, t, constraints, fallbacks in typed:
            python = field_name(prop, used)
            python = attrs.claim(python)
            is_required = prop in required and not _read_or_write_only(schema)
            default = None
            if not is_required:
                default = _default_source(schema, t) or "None"
            annotation = t.annotation
            if (
                not is_required
                and default == "None"
                and not annotation.endswith("| None")
                and annotation not in ("Any", "None")
            ):
                # Absent is None; an explicit null the schema forbids is accepted by default
                # (real servers send it) and refused by strict models.
                annotation += " | None"
                if self.strict:
                    annotation = f"Annotated[{annotation}, _NOT_NULL]"
            fields.append(
                FieldDecl(
                    python,
                    prop if python != prop else None,
                    annotation,
                    is_required,
                    default,
                    constraints,
                    _description(schema),
                    fallbacks,
                )
            )
        return fields, refs

    # -- types --------------------------------------------------------------------------------

    def _type(self, schema: Any, context: str, pointer: str) -> TypeText:
        """The type of `schema`; nested models it needs are declared, named from `context`."""
        if not isinstance(schema, dict):
            return TypeText(ANY)
        nullable = _nullable(schema, self.v30)
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self._with_null(self._ref_type(ref, context, pointer), nullable)
        if "properties" in schema and _not_object(schema):
            self._warn(
                f"`type: {schema['type']}` beside `properties`: JSON Schema applies `properties` "
                "to objects only, so they are ignored",
                join_pointer(pointer, "properties"),
                "properties-on-non-object",
            )
        if "const" in schema:
            found = self._literal([schema["const"]])
            return self._with_null(found or TypeText(ANY), nullable)
        if isinstance(schema.get("enum"), list):
            values = [v for v in schema["enum"] if v is not None]
            found = self._literal(values)
            if found is not None:
                return self._with_null(found, nullable or None in schema["enum"])
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and not self._is_class(schema):
                return self._with_null(self._union(schema, key, context, pointer), nullable)
        parts = schema.get("allOf")
        if isinstance(parts, list) and "properties" not in schema and not self._is_class(schema):
            merged = self._merged_all_of(schema, parts)
            if merged is not None:
                # `allOf: [{type: string}, {type: string, minLength: 1}]`: one schema, its
                # constraints kept on the type.
                inner = self._type(merged, context, pointer)
                constraints = self._applicable(inner, merged, pointer)
                expr = annotated(inner.expr, constraints)
                return self._with_null(TypeText(expr, inner.refs, inner.nullable), nullable)
        if isinstance(parts, list) and "properties" not in schema:
            # Parts that only annotate (`{description: ...}`, as AWS's documents write beside
            # every `$ref`) constrain nothing.
            dicts = [p for p in parts if isinstance(p, dict) and not set(p) <= _ANNOTATIONS]
            if len(dicts) == 1:  # `allOf: [{$ref}]` beside a description: the referenced type
                at = join_pointer(pointer, "allOf", parts.index(dicts[0]))
                inner = self._type(dicts[0], context, at)
                return self._with_null(inner, nullable)
        if self._is_class(schema):
            if self._is_free_form(schema):
                return self._with_null(TypeText("dict[str, Any]"), nullable)
            name = self._nested(context, schema, pointer)
            return self._with_null(TypeText(name, {name}), nullable)
        declared = schema.get("type")
        if isinstance(declared, list):
            kinds = [k for k in declared if k != "null"]
            nullable = nullable or len(kinds) < len(declared)
            if len(kinds) != 1:
                branches = [self._typed_as(schema, k, context, pointer) for k in kinds]
                return self._with_null(
                    union_of(branches) if branches else TypeText("None"), nullable
                )
            declared = kinds[0]
        if declared is None:
            if "items" in schema:
                declared = "array"
            elif "additionalProperties" in schema:
                declared = "object"
            else:
                return TypeText(ANY)
        return self._with_null(self._typed_as(schema, declared, context, pointer), nullable)

    def _merged_all_of(self, schema: dict[str, Any], parts: list[Any]) -> dict[str, Any] | None:
        """An allOf of plain schemas (no models, no unions) as one schema, else None."""
        merged = {k: v for k, v in schema.items() if k not in ("allOf", "nullable")}
        # OpenAPI 3.0's `nullable` of one part does not make the others admit null: the whole
        # admits null only when every part does (`allOf: [{$ref: Scope}, {nullable: true}]`,
        # Scope a string enum, is the enum).
        admits_null = [_nullable(schema, True) or "type" not in schema]
        for part in parts:
            if isinstance(part, dict) and isinstance(part.get("$ref"), str) and len(part) == 1:
                target = self._ref_name(part["$ref"])
                if target is None or not _is_primitive_or_enum(self.schemas[target].schema):
                    return None
                part = self.schemas[target].schema
            if not isinstance(part, dict) or any(k in part for k in _NOT_MERGED - {"enum"}):
                return None
            admits_null.append(
                (_nullable(part, True) or "type" not in part)
                and (not isinstance(part.get("enum"), list) or None in part["enum"])
            )
            part = {k: v for k, v in part.items() if k != "nullable"}
            if isinstance(part.get("enum"), list):
                if isinstance(merged.get("enum"), list):
                    kept = [v for v in merged["enum"] if v in part["enum"]]
                    part = {**part, "enum": kept}
                    merged["enum"] = kept
                else:
                    merged["enum"] = part["enum"]
            for key, value in part.items():
                if key not in merged or merged[key] == value or key in _ANNOTATIONS:
                    merged.setdefault(key, value)
                elif key in _LOWER_BOUNDS and _is_number(value) and _is_number(merged[key]):
                    merged[key] = max(merged[key], value)
                elif key in _UPPER_BOUNDS and _is_number(value) and _is_number(merged[key]):
                    merged[key] = min(merged[key], value)
                else:
                    return None  # two patterns, two types: not one schema
        if all(admits_null) and self.v30:
            merged["nullable"] = True
        elif not all(admits_null) and isinstance(merged.get("type"), list):
            merged["type"] = [t for t in merged["type"] if t != "null"] or merged["type"]
        if isinstance(merged.get("enum"), list) and not all(admits_null):
            merged["enum"] = [v for v in merged["enum"] if v is not None]
        return merged

    def _typed_as(self, schema: dict[str, Any], kind: Any, context: str, pointer: str) -> TypeText:
        if kind == "array":
            items = schema.get("items")
            if isinstance(items, dict):
                inner = self._type(items, context + "Item", join_pointer(pointer, "items"))
                constraints = self._applicable(inner, items, join_pointer(pointer, "items"))
                annotation = annotated(inner.annotation, constraints)
                return TypeText(f"list[{annotation}]", inner.refs)
            return TypeText("list[Any]")
        if kind == "object":
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                at = join_pointer(pointer, "additionalProperties")
                inner = self._type(extra, context + "Value", at)
                annotation = annotated(inner.annotation, self._applicable(inner, extra, at))
                return TypeText(f"dict[str, {annotation}]", inner.refs)
            return TypeText("dict[str, Any]")
        if kind == "string":
            fmt = schema.get("format")
            return TypeText(_STRING_FORMATS.get(fmt, "str") if isinstance(fmt, str) else "str")
        if isinstance(kind, str) and kind in PRIMITIVES:
            if self.strict and kind in ("integer", "number", "boolean"):
                # No lax coercion: `"7"` and `true` are not integers, `1` is not `true`.
                return TypeText(f"Annotated[{PRIMITIVES[kind]}, _Strict()]")
            return TypeText(PRIMITIVES[kind])
        return TypeText(ANY)

    def _literal(self, values: list[Any]) -> TypeText | None:
        found = literal(values)
        if found is None or not self.strict:
            return found
        # pydantic's Literal takes `1` for `true` and `true` for `1`; strict models do not.
        if all(isinstance(v, bool) for v in values):
            return TypeText(f"Annotated[{found.expr}, _ONLY_BOOL]")
        if not any(isinstance(v, bool) for v in values) and any(isinstance(v, int) for v in values):
            return TypeText(f"Annotated[{found.expr}, _NOT_BOOL]")
        return found

    def _union(self, schema: dict[str, Any], key: str, context: str, pointer: str) -> TypeText:
        branches = []
        siblings = {k: v for k, v in schema.items() if k in ("type", "nullable")}
        options = [b for b in schema[key] if isinstance(b, dict)]
        nullable = False
        for i, branch in enumerate(schema[key]):
            if not isinstance(branch, dict):
                continue
            if branch.get("type") == "null" and len(branch) <= 2:
                nullable = True
                continue
            if not any(k in branch for k in ("$ref", "type", "properties", "items", "enum", "const",
                                              "oneOf", "anyOf", "allOf")):  # fmt: skip
                # A branch of constraints only (`required: [...]`): the type is the parent's.
                branch = {**siblings, **branch}
                if "type" not in branch:
                    branches.append(TypeText(ANY))
                    continue
            suffix = f"Option{i + 1}" if len(options) > 1 else ""
            at = join_pointer(pointer, key, i)
            t = self._type(branch, context + suffix, at)
            # A branch's own constraints (`{type: integer, minimum: 1000}`) stay on that branch.
            constraints = self._applicable(t, branch, at)
            if constraints:
                t = TypeText(annotated(t.expr, constraints), t.refs, t.nullable)
            branches.append(t)
        result = self._discriminated(schema, key, branches) if branches else None
        if result is None:
            result = union_of(branches) if branches else TypeText("None")
        result.nullable = result.nullable or nullable
        return result

    def _discriminated(
        self, schema: dict[str, Any], key: str, branches: list[TypeText]
    ) -> TypeText | None:
        """A tagged union when a discriminator picks among models, else None.

        Each model is tagged with its name; `discriminated()` (in `_base.py`) reads the
        discriminating property and maps its value through the document's `mapping`, and by the
        schema's own name for values the mapping leaves out (OpenAPI's implicit mapping). No
        branch needs its property narrowed to a literal, so no subclass override is invalid.
        """
        found = schema.get("discriminator")
        prop = found.get("propertyName") if isinstance(found, dict) else None
        names = [b.expr for b in branches]
        if (
            not isinstance(found, dict)
            or not isinstance(prop, str)
            or len(names) < 2
            or len(set(names)) != len(names)
            or any(b.nullable or b.expr not in self.class_names for b in branches)
        ):
            return None
        mapping = found.get("mapping")
        # OpenAPI 3.2 `defaultMapping`: the member for a value the mapping does not name.
        default = self._mapped(found.get("defaultMapping"))
        decided = discriminator_tags(
            [(v, self._mapped(ref)) for v, ref in mapping.items()]
            if isinstance(mapping, dict)
            else [],
            names,
            lambda name: self._tag_values(name, prop),
            lambda name: self.original_names.get(name, name),
            default,
        )
        if decided.undeclared:
            # A branch does not declare the property: nothing to tag it by, so the union stays
            # a smart one (pydantic keeps the branch that validates).
            return None
        default = decided.default
        # Branches with the same tag that differ by another property (an AI API's
        # `type: message` with `role: system` or `role: user`): that value is judged by the
        # smart union of those branches.
        shared = {value: "|".join(owners) for value, owners in decided.shared.items()}
        tags = {value: shared.get(value, name) for value, name in decided.by_value.items()}
        # `_Tag`: pydantic's Tag, imported under a name no schema's class can take.
        members = " | ".join(f"Annotated[{n}, _Tag({n!r})]" for n in names)
        for tag in dict.fromkeys(shared.values()):
            members += f" | Annotated[{' | '.join(tag.split('|'))}, _Tag({tag!r})]"
        extra = f", default={default!r}" if default is not None else ""
        if any(prop not in self._class_properties(n, set())[1] for n in names):
            # A branch does not require the property (GitHub's `user_view_type`): a value
            # without it is judged by the smart union of the branches, as JSON Schema would.
            members += f" | Annotated[{' | '.join(names)}, _Tag('*')]"
            call = f"discriminated({prop!r}, {tags!r}, absent='*'{extra})"
        else:
            call = f"discriminated({prop!r}, {tags!r}{extra})"
        return TypeText(f"Annotated[{members}, {call}]", set(names))

    def _tag_values(self, name: str, prop: str) -> list[str] | None:
        """The values a model's discriminating property is limited to (`const`, `enum`).

        An empty list when the property admits any value, None when the model does not declare
        the property at all.
        """
        props, _ = self._class_properties(name, set())
        if prop not in props:
            return None
        schema = props[prop][0]
        for _ in range(8):  # follow `$ref`s to a named enum (bounded: a cycle is no enum)
            ref = schema.get("$ref") if isinstance(schema, dict) else None
            target = self._ref_name(ref) if isinstance(ref, str) else None
            if target is None:
                break
            schema = self.schemas[target].schema
        return limited_values(schema)

    def _mapped(self, ref: Any) -> str | None:
        """The model a discriminator mapping value names (`#/components/schemas/X` or `X`)."""
        if not isinstance(ref, str):
            return None
        original = ref[len(COMPONENT_PREFIX) :] if ref.startswith(COMPONENT_PREFIX) else ref
        return self.python_names.get(unescape_pointer_token(original))

    def _with_null(self, t: TypeText, nullable: bool) -> TypeText:
        if nullable:
            t.nullable = True
        return t

    def _ref_name(self, ref: str) -> str | None:
        if ref.startswith(COMPONENT_PREFIX):
            rest = ref[len(COMPONENT_PREFIX) :]
            if "/" not in rest:
                name = unescape_pointer_token(rest)
                return name if name in self.schemas else None
        return None

    def _ref_type(self, ref: str, context: str, pointer: str) -> TypeText:
        name = self._ref_name(ref)
        if name is not None:
            target = self.schemas[name].schema
            if _is_primitive(target):
                # A plain primitive component (`alert-number: integer`) is used as its type, as
                # the operations use it: `alert.number` is an int, not a RootModel to unwrap.
                at = self.schemas[name].source_pointer
                inner = self._type(target, name, at)
                constraints = self._applicable(inner, target, at)
                return TypeText(annotated(inner.expr, constraints), set(), inner.nullable)
            # A model class cannot hold null itself: a nullable schema it models admits None
            # where it is used (OpenAPI 3.0 `nullable-simple-user`). A nullable root model
            # (an enum with `nullable: true`) admits it too, and says so in the annotation, so
            # a strict model does not refuse the null its reference admits.
            nullable = isinstance(target, dict) and _admits_null(target, self.v30)
            return TypeText(name, {name}, nullable)
        if ref in self.by_ref:
            done, was_nullable = self.by_ref[ref]  # "" while translated: a cycle, typed Any
            return TypeText(done, {done}, was_nullable) if done else TypeText(ANY)
        target, at = self._resolve(ref)
        if target is None:
            self._warn(
                f"`$ref` {ref} is not a schema of this document; typed as Any",
                pointer,
                "ref-not-a-schema",
            )
            return TypeText(ANY)
        # A reference into a schema (`#/components/schemas/Pet/properties/owner`): its own model.
        owner = ref[len(COMPONENT_PREFIX) :].split("/", 1)[0]
        stem = owner + pascal(ref.rsplit("/", 1)[-1], "Model")
        self.by_ref[ref] = ("", False)  # provisional: a cycle through it stays finite
        t = self._type(target, stem, at)
        if len(t.refs) == 1 and t.expr in t.refs:
            # The next reference to the same place is the same model, nullable as it is
            # (`#/components/schemas/A/properties/n` with `nullable: true`).
            self.by_ref[ref] = (t.expr, t.nullable)
        else:
            del self.by_ref[ref]
        return t

    def _resolve(self, ref: str) -> tuple[Any, str]:
        if not ref.startswith(COMPONENT_PREFIX):
            return None, ""
        tokens = split_pointer(ref)
        named = self.schemas.get(tokens[2]) if len(tokens) > 2 else None
        if named is None:
            return None, ""
        node: Any = named.schema
        for token in tokens[3:]:
            if isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            elif isinstance(node, dict) and token in node:
                node = node[token]
            else:
                return None, ""
        return node, join_pointer(named.source_pointer, *tokens[3:])

    def _nested(self, context: str, schema: dict[str, Any], pointer: str) -> str:
        name = self.names.claim(pascal(context, "Model"), ("nested", pointer))
        if name not in self.decls and name not in self.class_names:
            self.class_names.add(name)
            self._declare(name, schema, pointer)
        return name

    # -- constraints ------------------------------------------------------------------------

    def _applicable(self, t: TypeText, schema: Any, pointer: str) -> tuple[tuple[str, str], ...]:
        """The constraints of a schema typed `t`: none on a union (pydantic cannot apply them)."""
        # Most types hold no `|` at all: one member, without scanning the text.
        if t.expr == ANY or ("|" in t.expr and len(split_union(t.expr)) > 1):
            return ()
        return self._constraints(schema, pointer)

    def _constraints(self, schema: Any, pointer: str) -> tuple[tuple[str, str], ...]:
        if not isinstance(schema, dict) or "$ref" in schema:
            return ()
        found: list[tuple[str, str]] = []
        kinds = schema.get("type")
        kinds = set(kinds) if isinstance(kinds, list) else {kinds}
        numeric = bool(kinds & {"integer", "number"})
        plain_string = not schema.get("enum") and "const" not in schema
        if kinds & {"string"} and plain_string and schema.get("format") not in _STRING_FORMATS:
            for key, kw in (("minLength", "min_length"), ("maxLength", "max_length")):
                if _is_count(schema.get(key)):
                    found.append((kw, repr(schema[key])))
            pattern = schema.get("pattern")
            if isinstance(pattern, str):
                if python_regex.compiles(pattern):
                    found.append(("pattern", repr(pattern)))
                else:
                    self._warn(
                        f"pattern {pattern!r} is not a regular expression Python can "
                        "compile; the model does not check it (typed fallback: str)",
                        join_pointer(pointer, "pattern"),
                        "pattern-not-python",
                    )
                    self.fallbacks.append(
                        f"pattern {pattern!r} is not checked (Python's re cannot compile it)"
                    )
        if kinds & {"array"}:
            for key, kw in (("minItems", "min_length"), ("maxItems", "max_length")):
                if _is_count(schema.get(key)):
                    found.append((kw, repr(schema[key])))
        if numeric and not schema.get("enum") and "const" not in schema:
            low, high = schema.get("minimum"), schema.get("maximum")
            ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
            if _is_number(low):
                found.append(("gt" if ex_low is True else "ge", repr(low)))
            if _is_number(high):
                found.append(("lt" if ex_high is True else "le", repr(high)))
            if _is_number(ex_low):  # OpenAPI 3.1: a bound of its own
                found.append(("gt", repr(ex_low)))
            if _is_number(ex_high):
                found.append(("lt", repr(ex_high)))
            multiple = schema.get("multipleOf")
            if _is_number(multiple) and multiple > 0:
                found.append(("multiple_of", repr(multiple)))
        return tuple(found)

    # -- order --------------------------------------------------------------------------------

    def _ordered(self) -> ModelPlan:
        """Depth-first over every reference, then bases and root types moved before their users."""
        names = list(self.decls)
        deps = {n: sorted(d.refs & self.decls.keys()) for n, d in self.decls.items()}
        position: dict[str, int] = {}
        for root in names:
            if root in position:
                continue
            stack: list[tuple[str, int]] = [(root, 0)]
            visiting = {root}
            while stack:
                node, i = stack.pop()
                if i < len(deps[node]):
                    stack.append((node, i + 1))
                    nxt = deps[node][i]
                    if nxt not in position and nxt not in visiting:
                        visiting.add(nxt)
                        stack.append((nxt, 0))
                    continue
                position[node] = len(position)
        order = sorted(names, key=position.__getitem__)
        # Hard dependencies: a class's bases, a root model's type (evaluated at class creation).
        decls = dict(self.decls)
        for name in order:
            d = decls[name]
            if isinstance(d, RootDecl) and any(
                position[r] >= position[name] for r in d.refs if r in position
            ):
                decls[name] = replace(d, deferred=True)
        hard = {
            n: [b for b in d.bases if b in decls]
            if isinstance(d, ClassDecl)
            else ([] if isinstance(d, EnumDecl) or d.deferred else sorted(d.refs & decls.keys()))
            for n, d in decls.items()
        }
        placed: list[str] = []
        done: set[str] = set()

        def place(name: str, trail: set[str]) -> None:
            if name in done:
                return
            trail.add(name)
            for dep in sorted(hard[name], key=position.__getitem__):
                if dep not in trail:
                    place(dep, trail)
            trail.discard(name)
            done.add(name)
            placed.append(name)

        for name in order:
            place(name, set())
        index = {n: i for i, n in enumerate(placed)}
        rebuild = {
            n
            for n, d in decls.items()
            if isinstance(d, ClassDecl | RootDecl) and any(index[r] >= index[n] for r in deps[n])
        }
        # A subclass inherits its base's unresolved annotations: rebuilt too (after its base,
        # in definition order), or a subclass defined in another module never completes.
        for name in placed:
            d = decls[name]
            if isinstance(d, ClassDecl) and any(b in rebuild for b in d.bases):
                rebuild.add(name)
        return ModelPlan(tuple(decls[n] for n in placed), frozenset(rebuild))


# -- small pure helpers ------------------------------------------------------------------------


def _description(schema: Any) -> str:
    if not isinstance(schema, dict):
        return ""
    text = schema.get("description") or schema.get("title") or ""
    return text.strip() if isinstance(text, str) else ""


def _nullable(schema: dict[str, Any], v30: bool) -> bool:
    if v30 and schema.get("nullable") is True:
        return True
    declared = schema.get("type")
    return declared == "null" or (isinstance(declared, list) and "null" in declared)


def _admits_null(schema: dict[str, Any], v30: bool) -> bool:
    """Whether a schema admits null: nullable, a null type, or a `oneOf`/`anyOf` null branch."""
    if _nullable(schema, v30):
        return True
    if isinstance(schema.get("enum"), list) and None in schema["enum"]:
        return True
    for key in ("oneOf", "anyOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and any(
            isinstance(b, dict) and _nullable(b, v30) for b in branches
        ):
            return True
    return False


def _not_object(schema: dict[str, Any]) -> bool:
    """A `type` that rules objects out (`string`, `[integer, "null"]`)."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return declared != "object"
    if isinstance(declared, list) and declared:
        return "object" not in declared
    return False


def _is_primitive_or_enum(schema: Any) -> bool:
    """A primitive, or a plain enum of one type (a named `Scope: {type: string, enum}`)."""
    if _is_primitive(schema):
        return True
    return (
        isinstance(schema, dict)
        and isinstance(schema.get("enum"), list)
        and not any(k in schema for k in ("$ref", "allOf", "oneOf", "anyOf", "not", "properties"))
    )


def _required(schema: dict[str, Any]) -> list[str]:
    value = schema.get("required")
    return [r for r in value if isinstance(r, str)] if isinstance(value, list) else []


def _only_annotations(mine: Any, theirs: Any) -> bool:
    """Whether a restated property changes nothing but annotations (a default, a description)."""
    if not isinstance(mine, dict) or not isinstance(theirs, dict):
        return False
    if set(mine) <= _ANNOTATIONS:
        return True

    def bare(schema: dict[str, Any]) -> Any:
        return canonical({k: v for k, v in schema.items() if k not in _ANNOTATIONS})

    return bool(bare(mine) == bare(theirs))


# allOf parts that cannot be merged into one plain schema (models, unions, references).
_NOT_MERGED = frozenset(
    {"$ref", "properties", "additionalProperties", "items", "allOf", "oneOf", "anyOf", "not",
     "discriminator", "enum", "const", "patternProperties", "if"}
)  # fmt: skip
_LOWER_BOUNDS = frozenset({"minimum", "minLength", "minItems", "exclusiveMinimum"})
_UPPER_BOUNDS = frozenset({"maximum", "maxLength", "maxItems", "exclusiveMaximum"})

_BRANCH_NOTES = frozenset({"required", "description", "title", "$comment"})


def _required_alternatives(
    schema: dict[str, Any],
) -> tuple[tuple[tuple[str, ...], ...], bool] | None:
    """`oneOf: [{required: [a, b]}, {required: [a, c]}]` beside properties: the name sets."""
    for key in ("oneOf", "anyOf"):
        branches = schema.get(key)
        if not isinstance(branches, list) or not branches:
            continue
        if all(
            isinstance(b, dict) and isinstance(b.get("required"), list) and set(b) <= _BRANCH_NOTES
            for b in branches
        ):
            sets = tuple(tuple(dict.fromkeys(_required(b))) for b in branches)
            return sets, key == "oneOf"
    return None


def _own_properties(schema: Any, pointer: str) -> dict[str, tuple[Any, str]]:
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict):
        return {}
    at = join_pointer(pointer, "properties")
    return {str(k): (v, join_pointer(at, str(k))) for k, v in props.items()}


def _is_primitive(schema: Any) -> bool:
    """A string, number, integer or boolean schema with no enum: a type, not a model."""
    if not isinstance(schema, dict) or any(
        k in schema for k in ("$ref", "enum", "const", "allOf", "oneOf", "anyOf", "not")
    ):
        return False
    declared = schema.get("type")
    if isinstance(declared, list):
        kinds = [k for k in declared if k != "null"]
        declared = kinds[0] if len(kinds) == 1 else None
    return declared in ("string", "integer", "number", "boolean")


def _read_or_write_only(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("readOnly") is True or schema.get("writeOnly") is True
    )


def _default_source(schema: Any, t: TypeText) -> str | None:
    """The Python source of a property's default when its type admits it, else None."""
    if not isinstance(schema, dict) or "default" not in schema:
        return None
    value = schema["default"]
    if value is None:
        return None
    expr = t.expr
    for marker in (", _Strict()]", ", _ONLY_BOOL]", ", _NOT_BOOL]"):  # strict models' wrappers
        if expr.startswith("Annotated[") and expr.endswith(marker):
            expr = expr[len("Annotated[") : -len(marker)]
    if expr.startswith("Literal["):
        return repr(value) if isinstance(value, LITERAL_TYPES) and repr(value) in expr else None
    checks: dict[str, tuple[type, ...]] = {
        "str": (str,),
        "int": (int,),
        "float": (int, float),
        "bool": (bool,),
    }
    kinds = checks.get(expr)
    if kinds is None or not isinstance(value, kinds):
        return None
    if expr in ("int", "float") and isinstance(value, bool):
        return None
    return repr(float(value)) if expr == "float" and isinstance(value, int) else repr(value)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)
