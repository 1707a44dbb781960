"""Our own contracts are strict: a fault lenient loading would repair fails `make generate`.

`make generate` runs `python -m generator generate` over `[tool.openapi-contract]` in
pyproject.toml. The test runs it on a copy of the repository's configuration and `spec/` whose
contract gained a 3.0-style `exclusiveMinimum: true`: exit 2, a located error naming the rule,
nothing written. (Lenient generation of each fault class: tests/test_lenient_loading.py.)
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

from generator.errors import EXIT_INVALID_SPEC
from tests.conftest import ROOT, run_generator

FAULT = "          minimum: 0\n          exclusiveMinimum: true\n"


def _config(tmp_path: Path) -> Path:
    """A copy of spec/ with the fault, and the repository's serviceai target pointing at it."""
    shutil.copytree(ROOT / "spec", tmp_path / "spec")
    spec = tmp_path / "spec" / "openapi.yaml"
    text = spec.read_text(encoding="utf-8")
    anchor = "        expiresInSeconds:\n          type: integer\n          minimum: 0\n"
    assert text.count(anchor) == 1
    spec.write_text(text.replace(anchor, anchor.replace("          minimum: 0\n", FAULT)))
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (target,) = [
        t for t in config["tool"]["openapi-contract"]["targets"] if t["name"] == "serviceai"
    ]
    assert target["strict"] is True  # the repository's own setting is what is tested
    lines = ["[[tool.openapi-contract.targets]]"]
    for key, value in target.items():
        if key == "out":
            value = "out/serviceai"
        lines.append(f"{key} = {str(value).lower() if isinstance(value, bool) else repr(value)}")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return pyproject


def test_both_of_our_contracts_are_strict_targets() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    targets = {t["name"]: t for t in config["tool"]["openapi-contract"]["targets"]}
    assert targets["serviceai"]["strict"] is True
    assert targets["openai-realtime"]["strict"] is True


def test_a_3_0_style_exclusive_minimum_fails_generation_of_the_strict_contract(
    tmp_path: Path,
) -> None:
    pyproject = _config(tmp_path)
    done = run_generator("generate", "--config", str(pyproject), cwd=tmp_path)
    assert done.returncode == EXIT_INVALID_SPEC, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert re.search(
        r"^error: \S*spec/openapi\.yaml:\d+:\d+: /components/schemas/\w+/properties/"
        r"expiresInSeconds/exclusiveMinimum: .*\[exclusive-bound-boolean\]$",
        done.stderr,
        re.M,
    ), done.stderr
    assert not (tmp_path / "out").exists()
