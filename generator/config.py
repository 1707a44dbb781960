"""Which documents to generate, read from `[tool.openapi-contract]` in pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from generator.errors import Location, Problem, SpecError


@dataclass(frozen=True)
class Target:
    name: str
    spec: Path
    out: Path  # the distribution folder written by the generator alone
    package: str  # the import package inside it
    distribution: str  # the pip name
    overlay_dir: Path | None
    changelog: Path | None = None  # copied into the package as CHANGELOG.md (see `release`)
    # Who writes the Pydantic models: the native engine (generator.emit.native_models, fast at
    # any scale) or datamodel-code-generator (pinned, used as a library).
    models_engine: ModelsEngine = "native"
    # The SDK post-release record (generator.sdk_version); None outside a configured project.
    sdk_versions: Path | None = None


ModelsEngine = Literal["native", "datamodel-code-generator"]
MODELS_ENGINES: tuple[ModelsEngine, ...] = ("native", "datamodel-code-generator")


def models_engine(value: object, where: Location) -> ModelsEngine:
    for engine in MODELS_ENGINES:
        if value == engine:
            return engine
    raise SpecError(
        [Problem(f"models-engine must be one of {', '.join(MODELS_ENGINES)}, not {value!r}", where)]
    )


def load_targets(pyproject: Path) -> list[Target]:
    root = pyproject.parent
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(
            [Problem(f"cannot read generator configuration: {exc}", Location(str(pyproject), ""))]
        ) from None
    raw = data.get("tool", {}).get("openapi-contract", {}).get("targets", [])
    targets = []
    for i, entry in enumerate(raw):
        where = Location(str(pyproject), f"/tool/openapi-contract/targets/{i}")
        missing = [k for k in ("name", "spec", "out", "package") if k not in entry]
        if missing:
            raise SpecError([Problem(f"target needs {', '.join(missing)}", where)])
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", entry["package"]):
            raise SpecError(
                [Problem(f"package {entry['package']!r} is not a valid import name", where)]
            )
        targets.append(
            Target(
                name=entry["name"],
                spec=root / entry["spec"],
                out=root / entry["out"],
                package=entry["package"],
                distribution=entry.get("distribution", entry["package"].replace("_", "-")),
                overlay_dir=root / entry["overlays"] if "overlays" in entry else None,
                changelog=root / entry["changelog"] if "changelog" in entry else None,
                models_engine=models_engine(entry.get("models-engine", "native"), where),
                sdk_versions=root / "spec" / "history" / "sdk-versions.json",
            )
        )
    return targets
