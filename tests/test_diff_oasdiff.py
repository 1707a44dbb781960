"""The contract diff measured against oasdiff's own checker tests (tests/oasdiff_cases.py).

For each (old, new) pair, our level for the change oasdiff's test asserts must equal oasdiff's,
or differ for a reason written in docs/diff-rules.md: the rule's deviation column, or the "Not
reported" list for a change this engine does not report. At least 95% must agree.
Documents are loaded the way `generator diff` loads them (generator.diff.load.load_contract).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.diff import diff_documents, load_contract
from generator.diff.model import Change
from generator.diff.rules import NOT_REPORTED, RULES
from generator.errors import SpecError
from tests.oasdiff_cases import CASES, Case, base

# oasdiff ids that this engine reports under another id (same change, same meaning).
ALIASES: dict[str, tuple[str, ...]] = {
    # oasdiff names the media type's schema "media type"; here it is the body.
    "response-mediatype-enum-value-removed": ("response-body-enum-value-removed",),
    # Properties of a parameter's (object) schema are reported with the parameter's subject.
    "new-required-request-header-property": ("new-required-request-property",),
    "request-header-property-became-required": ("request-property-became-required",),
    "request-header-property-became-enum": ("request-parameter-became-enum",),
    "request-parameter-property-enum-value-removed": ("request-parameter-enum-value-removed",),
    "request-parameter-property-enum-value-added": ("request-parameter-enum-value-added",),
    "request-parameter-property-enum-removed": ("request-parameter-enum-removed",),
    # Dropping a security alternative for a subset of it (here: none) is a relaxation.
    "api-security-removed": ("api-security-relaxed",),
    # A pattern that matches anything is reported as generalized, at the same level.
    "response-property-pattern-changed": ("response-property-pattern-generalized",),
}
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "oasdiff"
SEVERITY = {"breaking": 0, "warning": 1, "info": 2, "missing": 3}
TODAY = __import__("datetime").date(2026, 1, 1)


_RESULTS: dict[int, tuple[str, list[Change]] | SpecError] = {}


def _measure(index: int, tmp_path: Path) -> tuple[str, list[Change]]:
    case = CASES[index]
    files = []
    if case.files is not None:
        files = [FIXTURES / name for name in case.files]
    else:
        assert case.edit is not None
        old, new = base(), base()
        case.edit(old, new)
        for side, doc in (("old", old), ("new", new)):
            path = tmp_path / f"{index:03d}-{side}.yaml"
            path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
            files.append(path)
    result = diff_documents(load_contract(files[0]), load_contract(files[1]), TODAY)
    if case.oasdiff_id is None:
        chosen = result.changes  # oasdiff reports nothing above info: neither may we
        if not chosen:
            return "info", chosen
    else:
        ids = (case.oasdiff_id, *ALIASES.get(case.oasdiff_id, ()))
        chosen = [c for c in result.changes if c.id in ids]
        if not chosen:
            return "missing", chosen
    return min((c.level for c in chosen), key=SEVERITY.__getitem__), chosen


def our_level(index: int, tmp_path: Path) -> tuple[str, list[Change]]:
    """Our level for the change case `index` asserts, and our changes it looked at (memoised:
    each pair is loaded and diffed once per test session)."""
    if index not in _RESULTS:
        try:
            _RESULTS[index] = _measure(index, tmp_path)
        except SpecError as err:
            _RESULTS[index] = err
    found = _RESULTS[index]
    if isinstance(found, SpecError):
        raise found
    return found


def documented(case: Case, level: str, chosen: list[Change]) -> str:
    """Why our level differs, from docs/diff-rules.md (empty: undocumented)."""
    if level == "missing":
        return NOT_REPORTED.get(case.oasdiff_id or "", "")
    reasons = [RULES[c.id].deviation for c in chosen if c.level == level and RULES[c.id].deviation]
    return reasons[0] if reasons else ""


def _params() -> list[object]:
    return [pytest.param(i, id=f"{i:03d}-{case.name}") for i, case in enumerate(CASES)]


@pytest.mark.parametrize("index", _params())
def test_level_agrees_with_oasdiff_or_the_deviation_is_documented(
    index: int, tmp_path: Path
) -> None:
    case = CASES[index]
    level, chosen = our_level(index, tmp_path)
    if level != case.level:
        assert documented(case, level, chosen), (
            f"{case.source} {case.test}: oasdiff says {case.oasdiff_id or 'nothing'} is "
            f"{case.level}, we say {level} ({[c.id for c in chosen]}) and docs/diff-rules.md "
            "gives no reason"
        )


def agreement(tmp_path: Path) -> tuple[int, int, list[str]]:
    """(pairs that agree, pairs the strict loader refuses, the disagreements)."""
    agree = refused = 0
    differ = []
    for i, case in enumerate(CASES):
        try:
            level, _ = our_level(i, tmp_path)
        except SpecError:
            refused += 1
            continue
        if level == case.level:
            agree += 1
        else:
            differ.append(f"{case.name}: oasdiff {case.level}, ours {level}")
    return agree, refused, differ


def test_at_least_95_percent_agree_with_oasdiff(tmp_path: Path) -> None:
    agree, refused, differ = agreement(tmp_path)
    assert len(CASES) >= 100
    measured = len(CASES) - refused
    print(
        f"\noasdiff agreement: {agree}/{len(CASES)} pairs ({agree / len(CASES):.1%}); "
        f"{agree}/{measured} ({agree / measured:.1%}) of the pairs the loader accepts; "
        f"{refused} refused; differ: {differ}"
    )
    # The diff reads every pair (leniently where oasdiff's documents are faulty).
    assert refused == 0
    assert agree / len(CASES) >= 0.95, differ


def test_every_lenient_mark_is_a_pair_only_the_lenient_loader_reads(tmp_path: Path) -> None:
    """The pairs marked `lenient` are faulty as oasdiff wrote them: strict loading refuses one
    side, and the diff (lenient, like the generator) still compares them."""
    marked = [i for i, case in enumerate(CASES) if case.lenient]
    assert marked
    for i in marked:
        our_level(i, tmp_path)  # lenient: no SpecError
        case = CASES[i]
        old, new = base(), base()
        assert case.edit is not None
        case.edit(old, new)
        refused = 0
        for side, doc in (("old", old), ("new", new)):
            path = tmp_path / f"strict-{i:03d}-{side}.yaml"
            path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
            try:
                load_contract(path, strict=True)
            except SpecError:
                refused += 1
        assert refused, f"{case.name} is marked lenient but loads strictly"
