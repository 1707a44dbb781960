"""One document through the fidelity measure: generate, draw, judge, count.

For every component schema: valid instances are drawn (`instances.Drawer`) and kept when the
oracle accepts them; invalid ones are derived by mutation (`mutations.mutants`) and kept when
the oracle rejects them. Each models package under test (`ENGINES`) then parses every instance:
a valid one must be accepted and dumped back (`mode="json", by_alias=True, exclude_unset=True`)
to the same value; an invalid one must be rejected. Every miss keeps its schema and instance.
"""

from __future__ import annotations

import importlib
import itertools
import json
import random
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from benchmarks.fidelity.instances import Drawer, Unsatisfiable
from benchmarks.fidelity.mutations import LENIENT_KINDS, STRICT_KINDS, mutants
from benchmarks.fidelity.oracle import Oracle

# Engines measured: the native models, the native models with `strict-models = true`, and
# datamodel-code-generator's models of the same document.
ENGINES = ("native", "native-strict", "datamodel-code-generator")
_COUNTER = itertools.count()
_MAX_MISSES = 25
_MUTANTS_PER_INSTANCE = 16  # misses kept per engine and kind of miss in the report


@dataclass
class Instances:
    """What was drawn for one component schema."""

    schema: str  # where the schema stands in the document (a JSON pointer)
    model: str  # its Python name
    valid: list[Any] = field(default_factory=list)
    invalid: list[tuple[str, Any]] = field(default_factory=list)  # (mutation kind, instance)
    # The schema admits null: a model class cannot hold null itself, so the generated code
    # admits it where the model is used (`Model | None`), and so is it judged.
    nullable: bool = False


@dataclass
class Score:
    engine: str
    valid: int = 0
    accepted: int = 0
    round_trip: int = 0
    invalid: int = 0
    rejected: int = 0
    invalid_by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [n, rejected]
    misses: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None  # the package could not be generated or imported

    def rate(self, part: int, whole: int) -> float | None:
        return None if whole == 0 else part / whole

    def as_json(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "valid": self.valid,
            "valid_accepted": self.accepted,
            "round_trip_equal": self.round_trip,
            "invalid": self.invalid,
            "invalid_rejected": self.rejected,
            "invalid_by_kind": self.invalid_by_kind,
            "error": self.error,
            "misses": self.misses,
        }


def load(path: Path) -> dict[str, Any]:
    """The document as the generator reads it: lenient repairs applied (each is warned at
    generation and states the intent the models implement, e.g. 3.0's `nullable: true` in a
    3.1 document), so the judge and the models agree on what the schema says."""
    from generator.loader import load_document

    return load_document(path).data


def draw_instances(
    document: dict[str, Any], names: dict[str, str], seed: str, per_schema: int
) -> tuple[Oracle, list[Instances]]:
    """Valid and invalid instances for each named schema (`names`: pointer -> Python name)."""
    oracle = Oracle(document)
    drawn: list[Instances] = []
    for schema_name, model in names.items():
        rng = random.Random(f"{seed}:{schema_name}")
        drawer = Drawer(oracle.root, rng, oracle.v30)
        try:
            schema = oracle.schema(schema_name)
        except (KeyError, IndexError, ValueError, TypeError):
            continue  # not a place in this document (a schema the loader built)
        found = Instances(schema_name, model, nullable=oracle.is_valid(schema_name, None))
        seen: set[str] = set()
        for _ in range(per_schema * 4):
            if len(found.valid) >= per_schema:
                break
            try:
                value = drawer.draw(schema)
            except (Unsatisfiable, RecursionError, ValueError, IndexError, TypeError):
                continue
            key = json.dumps(value, sort_keys=True, default=str)
            if key not in seen and oracle.is_valid(schema_name, value):
                seen.add(key)
                found.valid.append(value)
        bad_seen: set[str] = set()
        for value in found.valid:
            candidates = list(mutants(drawer, schema, value))
            if len(candidates) > _MUTANTS_PER_INSTANCE:  # a seeded sample keeps large runs short
                candidates = rng.sample(candidates, _MUTANTS_PER_INSTANCE)
            for kind, _, changed in candidates:
                key = kind + json.dumps(changed, sort_keys=True, default=str)
                if key in bad_seen:
                    continue
                bad_seen.add(key)
                if not oracle.is_valid(schema_name, changed):
                    found.invalid.append((kind, changed))
        drawn.append(found)
    return oracle, drawn


def generate_models(spec: Path, engine: str, workdir: Path) -> tuple[Any, dict[str, str]]:
    """The imported models package of `spec` and its named schemas: pointer -> Python name.

    Components and the inline schemas the generator makes models of (request and response
    bodies), each drawn from where the document writes it.
    """
    from generator.config import Target
    from generator.pipeline import generate_target
    from generator.writer import write_files

    package = f"fidelity_{next(_COUNTER)}_pkg"
    out = workdir / package
    target = Target(package, spec, out, package, package.replace("_", "-"), None)
    if engine == "datamodel-code-generator":
        target = replace(target, models_engine="datamodel-code-generator")
    elif engine == "native-strict":
        target = replace(target, strict_models=True)
    result = generate_target(target)
    write_files(out, result.files)
    names = {s.source_pointer: s.python_name for s in result.document.schemas}
    sys.path.insert(0, str(out))
    try:
        models = importlib.import_module(f"{package}.models")
    finally:
        sys.path.remove(str(out))
    return models, names


def judge(engine: str, models: Any, drawn: list[Instances]) -> Score:
    score = Score(engine)
    for found in drawn:
        try:
            model = getattr(models, found.model)
            if found.nullable and isinstance(model, type) and issubclass(model, BaseModel):
                model = model | None
            adapter: TypeAdapter[Any] = TypeAdapter(model)
        except Exception as exc:
            score.error = f"{found.model}: {type(exc).__name__}: {exc}"[:500]
            continue
        for value in found.valid:
            score.valid += 1
            try:
                parsed = adapter.validate_python(value)
            except Exception as exc:
                _miss(score, "valid-rejected", found, value, _short(exc))
                continue
            score.accepted += 1
            try:
                dumped = adapter.dump_python(parsed, mode="json", by_alias=True, exclude_unset=True)
            except Exception as exc:
                _miss(score, "dump-failed", found, value, _short(exc))
                continue
            if _same(dumped, value):
                score.round_trip += 1
            else:
                _miss(score, "round-trip", found, value, f"dumped as {_text(dumped)}")
        for kind, value in found.invalid:
            score.invalid += 1
            tally = score.invalid_by_kind.setdefault(kind, [0, 0])
            tally[0] += 1
            try:
                adapter.validate_python(value)
            except Exception:
                score.rejected += 1
                tally[1] += 1
                continue
            if kind not in LENIENT_KINDS or (engine == "native-strict" and kind in STRICT_KINDS):
                _miss(score, f"invalid-accepted ({kind})", found, value, "")
    return score


def _same(a: Any, b: Any) -> bool:
    """JSON equality (1 == 1.0, but True is not 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and bool(a == b)


def _miss(score: Score, what: str, found: Instances, value: Any, detail: str) -> None:
    if sum(1 for m in score.misses if m["miss"] == what) >= _MAX_MISSES:
        return
    score.misses.append(
        {
            "miss": what,
            "schema": found.schema,
            "model": found.model,
            "instance": value,
            "detail": detail,
        }
    )


def _short(exc: Exception) -> str:
    return str(exc).replace("\n", " ")[:300]


def _text(value: Any) -> str:
    return json.dumps(value, default=str)[:300]


def measure_document(
    spec: Path, engines: tuple[str, ...], seed: str, per_schema: int
) -> dict[str, Any]:
    """The scores of every engine on one document (JSON-ready)."""
    document = load(spec)
    result: dict[str, Any] = {"document": str(spec), "engines": {}}
    with tempfile.TemporaryDirectory(prefix="fidelity-") as tmp:
        drawn: list[Instances] | None = None
        for engine in engines:
            try:
                models, names = generate_models(spec, engine, Path(tmp))
            except BaseException as exc:  # SystemExit from a refused document included
                if isinstance(exc, KeyboardInterrupt):
                    raise
                score = Score(engine, error=f"generation failed: {type(exc).__name__}: {exc}"[:500])
                result["engines"][engine] = score.as_json()
                continue
            if drawn is None:
                _, drawn = draw_instances(document, names, f"{seed}:{spec.name}", per_schema)
                result["schemas"] = len(drawn)
            result["engines"][engine] = judge(engine, models, drawn).as_json()
    return result
