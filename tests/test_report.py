"""The report a person reads after `generate`, and the JSON report that keeps every line.

- every warning the generator creates names a declared rule (a repair or a notice);
- the default report groups warnings by rule, repairs before notices, with counts and the first
  pointers, and never takes more than one screen (25 lines with the summary line), whatever the
  number of warnings and rules;
- `--verbose` and `--report FILE` keep every warning;
- the same fault of a shared file, reached through many `$ref`s, is one error (or one warning)
  with every place it is reached from.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.errors import Location, Problem
from generator.ir.model import Warning_
from generator.report import MAX_LINES, error_lines, group_errors, grouped_lines, verbose_lines
from generator.warning_rules import KINDS, WARNING_RULES
from tests.conftest import ROOT

GENERATOR = ROOT / "generator"


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


def _rule_argument(call: ast.Call) -> ast.expr | None:
    """The rule argument of `Warning_(message, pointer, rule)` or `_warn(message, pointer, rule)`."""
    node = next((k.value for k in call.keywords if k.arg == "rule"), None)
    if node is None and len(call.args) > 2:
        node = call.args[2]
    return node


# Where a rule is passed on rather than named: the loader's own warnings (their rules are
# declared beside the repairs) and model_plan's `_warn` helper.
PASSED_ON = {
    "generator/ir/build.py",
    "generator/plans/model_plan.py",
    "generator/adopt/__init__.py",
}


def test_every_warning_the_generator_creates_names_a_declared_rule() -> None:
    """Read from the source: a new warning without a rule (or with an undeclared one) fails."""
    named = 0
    for path in sorted(GENERATOR.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
            if name != "Warning_" and not (name == "_warn" and rel.endswith("model_plan.py")):
                continue
            node = _rule_argument(call)
            where = f"{rel}:{call.lineno}"
            assert node is not None, f"{where}: a warning without a rule"
            if isinstance(node, ast.Constant):
                assert node.value in WARNING_RULES, f"{where}: rule {node.value!r} is not declared"
                named += 1
            else:
                assert rel in PASSED_ON, f"{where}: name the rule (a declared id) here"
    assert named >= 10  # the scan finds the call sites (server, models, emitters)


def test_every_rule_has_a_kind_and_a_summary() -> None:
    for rule in WARNING_RULES.values():
        assert rule.kind in KINDS, rule
        assert rule.summary and rule.stage in ("loader", "models", "server", "mcp"), rule
    # The loader's rules that change nothing are notices; the others repair.
    assert WARNING_RULES["default-mismatch"].kind == "notice"
    assert WARNING_RULES["responses-missing"].kind == "repair"


def _warnings(rules: int, per_rule: int, kind_split: int) -> list[Warning_]:
    """`rules` rules (the first `kind_split` repairs, the rest notices), `per_rule` each."""
    repairs = [r.id for r in WARNING_RULES.values() if r.kind == "repair"]
    notices = [r.id for r in WARNING_RULES.values() if r.kind == "notice"]
    chosen = (repairs[:kind_split] + notices)[:rules]
    chosen += [f"made-up-{i}" for i in range(rules - len(chosen))]  # unknown: notices
    return [
        Warning_(f"finding {i} of {rule}", f"/paths/~1p{i}/get", rule)
        for rule in chosen
        for i in range(per_rule)
    ]


@pytest.mark.parametrize(
    ("rules", "per_rule"), [(1, 1), (2, 936), (5, 3), (11, 2), (12, 40), (30, 5), (60, 1)]
)
def test_the_default_report_fits_on_one_screen(rules: int, per_rule: int) -> None:
    warnings = _warnings(rules, per_rule, kind_split=3)
    lines = grouped_lines(warnings)
    assert 1 + len(lines) <= MAX_LINES, "\n".join(lines)
    # Every warning is counted in a heading: the kind headings sum to all of them.
    headed = [ln for ln in lines if ln.startswith("  ") and not ln.startswith("    ")]
    counts = [int(ln.split()[0]) for ln in headed if ln.split()[0].isdigit()]
    assert sum(counts) == len(warnings), lines
    # Repairs come first.
    kinds = [ln for ln in headed if ln.split()[0].isdigit()]
    assert kinds[0].split()[1].startswith("repair")


def test_groups_repairs_first_with_counts_and_the_first_pointers() -> None:
    warnings = [
        *(
            Warning_("no client error", f"/paths/~1p{i}/get", "client-error-undocumented")
            for i in range(936)
        ),
        Warning_("operation has no responses", "/paths/~1a/post/responses", "responses-missing"),
        Warning_("a default", "/components/schemas/A/default", "default-mismatch"),
        Warning_("operation has no responses", "/paths/~1b/post/responses", "responses-missing"),
    ]
    lines = grouped_lines(warnings)
    assert lines[0] == "  2 repairs (what is generated differs from the document as written):"
    assert lines[1].startswith("    responses-missing (2): ")
    assert lines[2] == "      at /paths/~1a/post/responses, /paths/~1b/post/responses"
    assert lines[3] == "  937 notices (generated as the document says):"
    assert lines[4].startswith("    client-error-undocumented (936): ")
    assert lines[5] == "      at /paths/~1p0/get, /paths/~1p1/get, /paths/~1p2/get and 933 more"
    assert lines[6] == "    default-mismatch: a default"  # one finding: its own message
    assert lines[-1] == "  every warning: --verbose; as JSON: --report FILE"
    # Nothing left out: no footer.
    assert not grouped_lines(warnings[-3:])[-1].startswith("  every warning")
    # --verbose: every warning, repairs first, each with its rule.
    verbose = verbose_lines(warnings)
    assert len(verbose) == len(warnings)
    assert verbose[0].endswith("[responses-missing]") and verbose[-1].endswith("[default-mismatch]")


def _document(operations: int) -> dict[str, object]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Many", "version": "1.0.0"},
        "paths": {
            f"/items{i}": {
                "get": {
                    "operationId": f"get{i}",
                    "parameters": [{"name": "q", "in": "query", "schema": {"type": "integer"}}],
                    "responses": {
                        "200": {"description": "ok"} if i % 3 else {},  # a third lack one
                        "default": {"description": "d"},
                    }
                    if i % 2
                    else {"200": {"description": "ok"}},
                }
            }
            for i in range(operations)
        },
    }


def test_verbose_and_the_json_report_keep_every_warning(tmp_path: Path) -> None:
    spec = tmp_path / "many.yaml"
    spec.write_text(yaml.safe_dump(_document(120)), encoding="utf-8")
    out, report = tmp_path / "out", tmp_path / "report.json"
    common = ("generate", "--spec", str(spec), "--out", str(out), "--package", "many_api")
    status, stdout, default = _cli(*common, "--report", str(report))
    assert status == 0, default
    status, _, verbose = _cli(*common, "--verbose")
    assert status == 0, verbose
    records = json.loads(report.read_text(encoding="utf-8"))["targets"][0]["warnings"]
    listed = [ln for ln in verbose.splitlines() if ln.startswith("  warning: ")]
    assert len(records) == len(listed) > 75
    assert {f"  warning: {r['pointer']}: {r['message']} [{r['rule']}]" for r in records} == set(
        listed
    )
    # The default report: the summary line and a few grouped lines.
    assert len((stdout + default).splitlines()) <= MAX_LINES
    assert f"{len(records)} warnings in" in stdout
    assert "  warning: " not in default


def _multi_file(tmp_path: Path, responses: str) -> Path:
    """Eight paths that each take one path item from common.yaml (a path item is inlined where
    it is referenced, never hoisted: its faults are reached from every path that uses it).
    `responses`: the path item's `get` responses, as YAML indented for it."""
    shared = "Item:\n  get:\n    responses:\n" + responses
    (tmp_path / "common.yaml").write_text(shared, encoding="utf-8")
    paths = {f"/p{i}": {"$ref": "common.yaml#/Item"} for i in range(8)}
    spec = tmp_path / "api.yaml"
    doc = {"openapi": "3.0.3", "info": {"title": "m", "version": "1"}, "paths": paths}
    spec.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return spec


def test_an_error_of_a_shared_file_is_reported_once_with_every_place(tmp_path: Path) -> None:
    spec = _multi_file(
        tmp_path,
        "      '200':\n        description: ok\n        content:\n          application/json:\n"
        "            schema: {$ref: '#/Missing'}\n",
    )
    report = tmp_path / "report.json"
    args = ("generate", "--spec", str(spec), "--out", str(tmp_path / "o"), "--package", "m")
    status, _, err = _cli(*args, "--report", str(report))
    assert status == 2
    errors = [ln for ln in err.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1, err
    assert "common.yaml:8:" in errors[0] and "'#/Missing' points to nothing" in errors[0]
    assert "  reached from 8 places: /paths/~1p0/get/" in err
    assert "and 5 more (--verbose lists them)" in err
    status, _, err = _cli(*args, "--verbose")
    assert status == 2 and "and 5 more" not in err
    assert all(f"/paths/~1p{i}/get/responses/200/" in err for i in range(8)), err
    refused = json.loads(report.read_text(encoding="utf-8"))["targets"][0]
    assert refused["status"] == "refused"
    assert len(refused["errors"]) == 1 and len(refused["errors"][0]["places"]) == 8


def test_a_repair_of_a_shared_file_is_one_finding(tmp_path: Path) -> None:
    spec = _multi_file(
        tmp_path,
        "      '200':\n        description: ok\n        content:\n          application/json:\n"
        "            schema: {type: object, properties: {name: {type: file}}}\n"
        "      '500':\n        description: e\n        content:\n          application/json:\n"
        "            schema: {type: objekt}\n",
    )
    report = tmp_path / "report.json"
    args = ("generate", "--spec", str(spec), "--out", str(tmp_path / "o"), "--package", "m")
    status, _, err = _cli(*args, "--report", str(report))
    assert status == 0, err
    assert "  2 repairs (what is generated differs from the document as written):" in err
    assert "    invalid-schema-type (2): " in err
    assert "(in another file, reached from 16 places)" in err
    assert (
        "common.yaml#/Item/get/responses/200/content/application~1json/schema/properties/name/type"
        in err
    )
    records = json.loads(report.read_text(encoding="utf-8"))["targets"][0]["warnings"]
    repairs = [r for r in records if r["rule"] == "invalid-schema-type"]
    assert len(repairs) == 16 and all(r["via"].startswith("/paths/") for r in repairs)


def test_a_schema_shared_by_many_places_is_hoisted_so_its_fault_is_one_place(
    tmp_path: Path,
) -> None:
    """A schema of another file referenced from several places is hoisted into
    components/schemas (generator/loader/refs.py): its fault stands in one place."""
    (tmp_path / "common.yaml").write_text(
        "Pet:\n  type: object\n  properties:\n    tag: {$ref: '#/Missing'}\n", encoding="utf-8"
    )
    ref = {"content": {"application/json": {"schema": {"$ref": "common.yaml#/Pet"}}}}
    paths = {
        f"/p{i}": {"get": {"responses": {"200": {"description": "ok", **ref}}}} for i in range(3)
    }
    spec = tmp_path / "api.yaml"
    doc = {"openapi": "3.0.3", "info": {"title": "m", "version": "1"}, "paths": paths}
    spec.write_text(yaml.safe_dump(doc), encoding="utf-8")
    args = ("generate", "--spec", str(spec), "--out", str(tmp_path / "o"), "--package", "m")
    status, _, err = _cli(*args)
    assert status == 2
    errors = [ln for ln in err.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1, err
    assert "common.yaml:4:" in errors[0]
    assert "  reached from 1 place: /components/schemas/Pet/properties/tag/$ref" in err


def test_identical_errors_in_the_main_file_stay_apart_when_their_places_differ() -> None:
    one = Problem("bad", Location("api.yaml", "/a", 1, 1))
    other = Problem("bad", Location("api.yaml", "/b", 2, 1))
    assert len(group_errors([one, other, one])) == 2
    assert error_lines([one, one]) == ["error: api.yaml:1:1: /a: bad"]
