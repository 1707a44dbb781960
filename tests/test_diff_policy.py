"""The version policy: breaking needs major, warnings minor, additive may ship as a patch."""

from __future__ import annotations

import pytest
from diff_helpers import RES, diff, get, pair

from generator.diff.model import Change, DiffResult
from generator.diff.policy import check_policy, parse_version


def _result(old: str, new: str, changes: list[Change]) -> DiffResult:
    return DiffResult("old.yaml", "new.yaml", old, new, changes)


def _breaking() -> list[Change]:
    old, new = pair()
    get(new, RES)["properties"].pop("id")
    return diff(old, new)


def _additive() -> list[Change]:
    old, new = pair()
    get(new, RES)["properties"]["age"] = {"type": "integer"}
    return diff(old, new)


def _warning() -> list[Change]:
    old, new = pair()
    get(new, RES)["properties"]["note"]["pattern"] = "^a"
    get(old, RES)["properties"]["note"]["pattern"] = "^b"
    return diff(old, new)


@pytest.mark.parametrize("new", ["1.1.25", "1.2.0"])
def test_a_patch_or_minor_bump_over_a_breaking_change_fails_clearly(new: str) -> None:
    verdict = check_policy(_result("1.1.24", new, _breaking()))
    assert not verdict.ok and verdict.required == "major"
    message = verdict.messages[0]
    assert f"1.1.24 -> {new} is a" in message
    assert "response-required-property-removed at /paths/~1pets/post/responses/200" in message
    assert "a major bump is required (for example 2.0.0)" in message


def test_a_major_bump_allows_breaking_changes() -> None:
    assert check_policy(_result("1.1.24", "2.0.0", _breaking())).ok


def test_a_0x_contract_may_break_in_a_minor() -> None:
    assert check_policy(_result("0.3.1", "0.4.0", _breaking())).ok
    assert not check_policy(_result("0.3.1", "0.3.2", _breaking())).ok


@pytest.mark.parametrize("new", ["1.1.25", "1.2.0", "2.0.0"])
def test_additive_changes_may_ship_as_patch_minor_or_major(new: str) -> None:
    assert check_policy(_result("1.1.24", new, _additive())).ok


def test_a_possibly_breaking_change_needs_a_minor_bump() -> None:
    changes = _warning()
    assert {c.level for c in changes} == {"warning"}
    assert not check_policy(_result("1.1.24", "1.1.25", changes)).ok
    assert check_policy(_result("1.1.24", "1.2.0", changes)).ok


@pytest.mark.parametrize("new", ["1.1.24", "1.1.23", "1.0.0"])
def test_a_version_that_does_not_increase_fails(new: str) -> None:
    verdict = check_policy(_result("1.1.24", new, _additive()))
    assert not verdict.ok
    assert "must increase" in verdict.messages[0] or "did not" in verdict.messages[0]


def test_an_unchanged_contract_with_an_unchanged_version_passes() -> None:
    assert check_policy(_result("1.1.24", "1.1.24", [])).ok


def test_a_version_that_is_not_semver_fails() -> None:
    verdict = check_policy(_result("1.1.24", "v2", []))
    assert not verdict.ok and "not a semantic version" in verdict.messages[0]


def test_prereleases_sort_before_their_release() -> None:
    rc, final = parse_version("2.0.0-rc.1"), parse_version("2.0.0")
    assert rc is not None and final is not None
    assert rc.sort_key() < final.sort_key()
    assert parse_version("1.10.0").sort_key() > parse_version("1.9.3").sort_key()  # type: ignore[union-attr]
