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
    # Native models refuse what they accept on purpose by default: an explicit null for an
    # optional property whose schema forbids it, lax numeric coercions (docs/model-fidelity.md).
    strict_models: bool = False
    # Strict: the document's faults that lenient loading repairs (generator/loader/repair.py)
    # are errors instead; for contracts we own, never for a vendor's document.
    strict: bool = False
    # The contract package for web clients (generator/emit/npm_package.py): its npm name, and
    # the folder it is written to (default: generated/<scope>-<name>).
    npm_package: str | None = None
    npm_out: Path | None = None
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


def _flag(value: object, key: str, where: Location) -> bool:
    if not isinstance(value, bool):
        raise SpecError([Problem(f"{key} must be true or false, not {value!r}", where)])
    return value


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
                strict_models=_flag(entry.get("strict-models", False), "strict-models", where),
                strict=_flag(entry.get("strict", False), "strict", where),
                npm_package=npm_package(entry.get("npm-package"), where),
                npm_out=npm_out(root, entry, where),
                sdk_versions=root / "spec" / "history" / "sdk-versions.json",
            )
        )
    return targets


_NPM_NAME = re.compile(r"(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*")


def npm_package(value: object, where: Location) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _NPM_NAME.fullmatch(value) or len(value) > 214:
        raise SpecError([Problem(f"npm-package {value!r} is not a valid npm package name", where)])
    return value


def npm_out(root: Path, entry: dict[str, object], where: Location) -> Path | None:
    """Where the npm package goes: `npm-out`, else generated/<scope>-<name> beside `out`."""
    name = npm_package(entry.get("npm-package"), where)
    if name is None:
        return None
    if "npm-out" in entry:
        return root / str(entry["npm-out"])
    return (root / str(entry["out"])).parent / name.lstrip("@").replace("/", "-")
