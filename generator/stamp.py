"""Skip regeneration when nothing it depends on changed (a no-op `make generate` is instant).

A stamp records, per target, a digest of every input of generation (the spec's folder, the
overlays, the generator's own code and templates, the versions of the pinned tools) and a digest
of the files it wrote. Both must still match for the target to be skipped, so a hand edit under
generated/ is repaired by the next `make generate`. Stamps live outside the repository
(`.generate-stamp/`): they are a cache, not output.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from functools import cache
from pathlib import Path

from generator.config import Target
from generator.writer import existing_files

GENERATOR_ROOT = Path(__file__).resolve().parent
_TOOLS = ("datamodel-code-generator", "ruff", "jinja2", "pydantic")


def _files_under(folder: Path, patterns: tuple[str, ...]) -> list[Path]:
    return sorted(
        {
            p
            for pattern in patterns
            for p in folder.rglob(pattern)
            if p.is_file() and "__pycache__" not in p.parts
        }
    )


@cache
def _generator_digest() -> bytes:
    """The generator's own code and templates, read once per process (every target's digest
    holds it; a process runs the code it loaded, whatever the files say later)."""
    digest = hashlib.sha256()
    for path in _files_under(GENERATOR_ROOT, ("*.py", "*.jinja")):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.digest()


def input_digest(target: Target) -> str:
    digest = hashlib.sha256()
    digest.update(_generator_digest())
    specs = _files_under(target.spec.parent, ("*.yaml", "*.yml", "*.json"))
    overlays = (
        _files_under(target.overlay_dir, ("*.yaml", "*.yml", "*.json"))
        if target.overlay_dir
        else []
    )
    changelog = [target.changelog] if target.changelog and target.changelog.is_file() else []
    records = (
        [target.sdk_versions]
        if target.sdk_versions is not None and target.sdk_versions.is_file()
        else []
    )
    for path in [*specs, *overlays, *changelog, *records]:
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    for tool in _TOOLS:
        digest.update(f"{tool}={tool_version(tool)}".encode())
    digest.update(repr(target).encode())
    return digest.hexdigest()


def tool_version(distribution: str) -> str:
    """A distribution's installed version, from its `.dist-info` folder's name where the
    package sits (importlib.metadata, the fallback, costs more than the rest of a no-op run)."""
    module = distribution.replace("-", "_").lower()
    spec = importlib.util.find_spec(module)
    if spec is not None and spec.origin is not None:
        site = Path(spec.origin).parent.parent
        found = sorted(site.glob(f"{module}-*.dist-info"), key=lambda p: p.name.lower())
        if len(found) == 1:
            return found[0].name[len(module) + 1 : -len(".dist-info")]
    from importlib import metadata

    return metadata.version(distribution)


def output_digest(target: Target) -> str:
    digest = hashlib.sha256()
    for folder in (target.out, target.npm_out):
        for rel, data in existing_files(folder).items() if folder is not None else ():
            digest.update(rel.encode())
            digest.update(data)
    return digest.hexdigest()


def _stamp_path(target: Target, root: Path) -> Path:
    return root / ".generate-stamp" / f"{target.name}.json"


def is_current(target: Target, root: Path, inputs: str | None = None) -> bool:
    """Whether the stamp matches; `inputs`: the input digest when already computed."""
    path = _stamp_path(target, root)
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(
        recorded.get("inputs") == (inputs or input_digest(target))
        and recorded.get("outputs") == output_digest(target)
    )


def record(target: Target, root: Path, inputs: str | None = None) -> None:
    """Write the stamp; `inputs`: the digest taken before generating (what was generated)."""
    path = _stamp_path(target, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"inputs": inputs or input_digest(target), "outputs": output_digest(target)}),
        encoding="utf-8",
    )
