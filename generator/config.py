"""Which documents to generate, read from `[tool.openapi-contract]` in pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from generator.background import WARM_SETTING
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
    # datamodel-code-generator kept imported in a background process between runs, so that a
    # schema edit does not pay its start-up (generator.emit.models_worker); never in CI.
    models_worker: bool = False
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


# -- the settings of a target: one declarative table -------------------------------------------
#
# `load_targets` reads a target through this table (an unknown key is an error naming the known
# ones), `openapi-contract init` writes a target from it, and the docs site's settings page is
# generated from it (docs/hooks/reference.py): the settings are described once, here.

SettingKind = Literal["text", "path", "import name", "boolean", "choice", "npm name"]


@dataclass(frozen=True)
class Setting:
    key: str  # as written in [[tool.openapi-contract.targets]]
    kind: SettingKind
    help: str  # what it sets, one sentence
    required: bool = False
    default: str = ""  # the default, as the docs say it (empty: none)
    choices: tuple[str, ...] = ()
    example: str = ""  # a TOML value, for the docs' example target


TARGET_SETTINGS: tuple[Setting, ...] = (
    Setting(
        "name",
        "text",
        "The target's name: `generate --target NAME` picks it; messages and reports name it.",
        required=True,
        example='"serviceai"',
    ),
    Setting(
        "spec",
        "path",
        "The OpenAPI document (YAML or JSON, OpenAPI 3.0 or 3.1), relative to pyproject.toml.",
        required=True,
        example='"spec/openapi.yaml"',
    ),
    Setting(
        "out",
        "path",
        "The folder of the generated distribution. It is written by the generator alone: "
        "files it does not write are removed.",
        required=True,
        example='"generated/serviceai"',
    ),
    Setting(
        "package",
        "import name",
        "The import name of the generated package (`import serviceai_api`).",
        required=True,
        example='"serviceai_api"',
    ),
    Setting(
        "distribution",
        "text",
        "The pip name of the generated distribution.",
        default="`package` with `-` for `_`",
        example='"serviceai-api"',
    ),
    Setting(
        "overlays",
        "path",
        "A folder of OpenAPI Overlay 1.0 documents; those whose `extends` names the spec are "
        "applied before generation.",
        example='"spec/overlays"',
    ),
    Setting(
        "changelog",
        "path",
        "A changelog shipped in the package as CHANGELOG.md (`openapi-contract release` "
        "writes it).",
        example='"spec/CHANGELOG.md"',
    ),
    Setting(
        "models-engine",
        "choice",
        "Who writes the Pydantic models: the native engine (fast at any scale) or the pinned "
        "datamodel-code-generator.",
        default="native",
        choices=MODELS_ENGINES,
        example='"native"',
    ),
    Setting(
        "models-worker",
        "boolean",
        'With `models-engine = "datamodel-code-generator"`: keep it imported in a background '
        "process between runs (it leaves after 30 idle minutes; never started in CI), so that "
        "regenerating after a schema edit does not pay its half-second start-up.",
        default="false",
        example="true",
    ),
    Setting(
        "strict-models",
        "boolean",
        "Native models refuse an explicit null that an optional property's schema forbids, "
        'and lax coercions (`"7"` for an integer).',
        default="false",
        example="false",
    ),
    Setting(
        "strict",
        "boolean",
        "A fault that lenient loading would repair is an error (exit 2): for contracts you own.",
        default="false",
        example="true",
    ),
    Setting(
        "npm-package",
        "npm name",
        "Also write the web contract package (openapi.json, types.d.ts, package.json) under "
        "this npm name.",
        example='"@serviceai/api-spec"',
    ),
    Setting(
        "npm-out",
        "path",
        "Where the web contract package goes.",
        default="`<scope>-<name>` beside `out`",
        example='"generated/serviceai-api-spec"',
    ),
)
SETTING_KEYS = tuple(s.key for s in TARGET_SETTINGS)

# The settings of the project (`[tool.openapi-contract]` itself), beside its targets.
PROJECT_SETTINGS: tuple[Setting, ...] = (
    Setting(
        WARM_SETTING,
        "boolean",
        "`generate` at a developer's terminal is served by a background process that keeps the "
        "generator imported and forks a child per run (it leaves after 30 idle minutes; never "
        "in CI), so that regenerating a small contract does not pay the imports' 0.3 s.",
        default="false",
        example="true",
    ),
)


def _setting_value(setting: Setting, value: object, where: Location) -> object:
    """The value of one setting as written, checked against its kind."""
    if setting.kind == "boolean":
        return _flag(value, setting.key, where)
    if setting.kind == "choice":
        if value not in setting.choices:
            raise SpecError(
                [
                    Problem(
                        f"{setting.key} must be one of {', '.join(setting.choices)}, not {value!r}",
                        where,
                    )
                ]
            )
        return value
    if setting.kind == "npm name":
        return npm_package(value, where)
    if not isinstance(value, str) or not value:
        raise SpecError(
            [Problem(f"{setting.key} must be a non-empty string, not {value!r}", where)]
        )
    if setting.kind == "import name" and not re.fullmatch(r"[a-z_][a-z0-9_]*", value):
        raise SpecError([Problem(f"{setting.key} {value!r} is not a valid import name", where)])
    return value


def read_project(table: object, where: Location) -> dict[str, object]:
    """The project's own settings (beside `targets`), each checked; unknown keys refused."""
    if not isinstance(table, dict):
        raise SpecError([Problem("[tool.openapi-contract] must be a table", where)])
    known = ("targets", *(s.key for s in PROJECT_SETTINGS))
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise SpecError(
            [
                Problem(
                    f"unknown setting(s) {', '.join(map(repr, unknown))}; known: "
                    + ", ".join(known),
                    where,
                )
            ]
        )
    return {
        s.key: _setting_value(s, table[s.key], where) for s in PROJECT_SETTINGS if s.key in table
    }


def read_target(entry: object, where: Location) -> dict[str, object]:
    """A target's settings as written (only the keys given), each checked; unknown keys refused."""
    if not isinstance(entry, dict):
        raise SpecError([Problem("a target must be a table", where)])
    unknown = sorted(set(entry) - set(SETTING_KEYS))
    if unknown:
        raise SpecError(
            [
                Problem(
                    f"unknown target setting(s) {', '.join(map(repr, unknown))}; known: "
                    + ", ".join(SETTING_KEYS),
                    where,
                )
            ]
        )
    missing = [s.key for s in TARGET_SETTINGS if s.required and s.key not in entry]
    if missing:
        raise SpecError([Problem(f"target needs {', '.join(missing)}", where)])
    return {
        s.key: _setting_value(s, entry[s.key], where) for s in TARGET_SETTINGS if s.key in entry
    }


def target_toml(values: dict[str, object]) -> str:
    """One `[[tool.openapi-contract.targets]]` table, the settings in the table's order."""
    lines = ["[[tool.openapi-contract.targets]]"]
    for setting in TARGET_SETTINGS:
        if setting.key in values:
            value = values[setting.key]
            text = ("true" if value else "false") if isinstance(value, bool) else toml_string(value)
            lines.append(f"{setting.key} = {text}")
    return "\n".join(lines) + "\n"


_TOML_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_string(value: object) -> str:
    """`value` as a TOML basic string: the quote, the backslash and every control character
    (U+0000 to U+001F and U+007F, which TOML does not allow as they are) escaped."""
    return '"' + "".join(_toml_char(c) for c in str(value)) + '"'


def _toml_char(c: str) -> str:
    if c in _TOML_ESCAPES:
        return _TOML_ESCAPES[c]
    if c < " " or c == "\x7f":
        return f"\\u{ord(c):04X}"
    return c


def load_targets(pyproject: Path) -> list[Target]:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(
            [Problem(f"cannot read generator configuration: {exc}", Location(str(pyproject), ""))]
        ) from None
    return parse_targets(text, pyproject)


def parse_targets(text: str, pyproject: Path) -> list[Target]:
    """The targets of a pyproject.toml's text (paths relative to `pyproject`'s folder)."""
    root = pyproject.parent
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(
            [Problem(f"cannot read generator configuration: {exc}", Location(str(pyproject), ""))]
        ) from None
    project = data.get("tool", {}).get("openapi-contract", {})
    read_project(project, Location(str(pyproject), "/tool/openapi-contract"))
    raw = project.get("targets", [])
    targets = []
    for i, entry in enumerate(raw):
        where = Location(str(pyproject), f"/tool/openapi-contract/targets/{i}")
        values = read_target(entry, where)
        package = str(values["package"])
        out = root / str(values["out"])
        npm_name = values.get("npm-package")
        npm_folder = None
        if isinstance(npm_name, str):
            npm_folder = (
                root / str(values["npm-out"])
                if "npm-out" in values
                else out.parent / npm_name.lstrip("@").replace("/", "-")
            )
        targets.append(
            Target(
                name=str(values["name"]),
                spec=root / str(values["spec"]),
                out=out,
                package=package,
                distribution=str(values.get("distribution", package.replace("_", "-"))),
                overlay_dir=root / str(values["overlays"]) if "overlays" in values else None,
                changelog=root / str(values["changelog"]) if "changelog" in values else None,
                models_engine=models_engine(values.get("models-engine", "native"), where),
                models_worker=bool(values.get("models-worker", False)),
                strict_models=bool(values.get("strict-models", False)),
                strict=bool(values.get("strict", False)),
                npm_package=npm_name if isinstance(npm_name, str) else None,
                npm_out=npm_folder,
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
