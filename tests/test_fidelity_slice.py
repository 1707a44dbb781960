"""The fidelity measure on a fixed slice of the readme corpus (the whole run: `make fidelity`).

Every valid instance drawn from the documents' schemas must be accepted by the native models
and dumped back to the same JSON; with `strict-models` every invalid one must be rejected
(>= 99%). The measure itself is checked too: a model that accepts nothing, or everything, is
caught, so a passing slice means what it says.
"""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from benchmarks.fidelity.instances import Drawer, Unsatisfiable
from benchmarks.fidelity.measure import Instances, judge, measure_document
from benchmarks.fidelity.mutations import LENIENT_KINDS
from benchmarks.fidelity.oracle import Oracle
from tests.conftest import CORPUS

SLICE = (
    "3.0/petstore.json",
    "3.0/discriminators.json",
    "3.0/complex-nesting.json",
    "3.0/schema-circular.json",
    "3.0/response-schemas.json",
    "3.0/schema-enums.json",
    "3.1/petstore.json",
    "3.1/schema-types.json",
)


@pytest.mark.parametrize("name", SLICE)
def test_native_models_accept_round_trip_and_strict_rejects(name: str) -> None:
    result = measure_document(CORPUS / name, ("native", "native-strict"), "slice-1", 4)
    native, strict = result["engines"]["native"], result["engines"]["native-strict"]
    assert native["error"] is None and strict["error"] is None, (native["error"], strict["error"])
    assert native["valid"] > 0 and native["invalid"] > 0
    for score in (native, strict):
        misses = [m for m in score["misses"] if m["miss"] in ("valid-rejected", "round-trip")]
        assert score["valid_accepted"] == score["valid"], misses[:3]
        assert score["round_trip_equal"] == score["valid"], misses[:3]
    assert strict["invalid_rejected"] >= 0.99 * strict["invalid"], strict["misses"][:3]
    lenient = sum(native["invalid_by_kind"].get(k, [0, 0])[0] for k in LENIENT_KINDS)
    lenient_rejected = sum(native["invalid_by_kind"].get(k, [0, 0])[1] for k in LENIENT_KINDS)
    others = native["invalid"] - lenient
    assert native["invalid_rejected"] - lenient_rejected >= 0.97 * others, native["misses"][:3]


def test_drawn_instances_follow_the_schema_and_patterns() -> None:
    document = {
        "openapi": "3.1.0",
        "components": {
            "schemas": {
                "Code": {"type": "string", "pattern": r"^[A-Z]{2}-\d{3}(-[a-z]+)?$"},
                "Port": {"type": "integer", "minimum": 1000, "exclusiveMaximum": 1010},
                "At": {"type": "string", "format": "date-time"},
            }
        },
    }
    oracle = Oracle(document)
    drawer = Drawer(oracle.root, random.Random(3), v30=False)
    for name in ("Code", "Port", "At"):
        at = f"/components/schemas/{name}"
        for _ in range(20):
            assert oracle.is_valid(at, drawer.draw(oracle.schema(at)))
    assert not oracle.is_valid("/components/schemas/At", "2020-01-01")  # format asserted
    with pytest.raises(Unsatisfiable):
        drawer.draw(False)


def test_the_measure_catches_a_model_that_rejects_or_accepts_too_much() -> None:
    class Closed(BaseModel):
        model_config = ConfigDict(extra="forbid")

    class Anything(BaseModel):
        model_config = ConfigDict(extra="allow")

    found = Instances("/components/schemas/X", "X", valid=[{"a": 1}], invalid=[("wrong-type", 7)])
    too_strict = judge("native", SimpleNamespace(X=Closed), [found])
    assert too_strict.accepted == 0 and too_strict.misses[0]["miss"] == "valid-rejected"
    lax: Any = SimpleNamespace(X=Anything)
    too_lax = judge("native", lax, [Instances("p", "X", valid=[], invalid=[("wrong-type", {})])])
    assert too_lax.rejected == 0 and too_lax.misses[0]["miss"].startswith("invalid-accepted")


def test_the_slice_documents_exist() -> None:
    missing = [name for name in SLICE if not (CORPUS / name).is_file()]
    assert not missing, f"the shared corpus lacks {missing} (at {CORPUS})"
