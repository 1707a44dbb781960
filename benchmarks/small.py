"""Small documents: where a generator's fixed cost (start-up, imports, templates, formatter) shows.

Three documents beside the large one, each through ours and every baseline in the same run,
interleaved round by round (one warm-up round first, not counted), and ratios taken pair by pair
(ours in round i against the baseline in round i, the median of those), so a machine whose speed
drifts during the run moves both sides of a ratio alike:

* 2 operations: `readme-oas-examples/3.1/petstore-simple.json` (the shared corpus);
* 20 operations: `readme-oas-examples/3.1/petstore.json`;
* ServiceAi: `spec/openapi.yaml`, the contract this project regenerates after every edit.

Then the command a contract author runs: `make generate` after an edit to `spec/openapi.yaml`, in
a private copy of the project, against openapi-python-client on the same document. Three kinds
of edit: a tag's description (the models stay as they were), a model's description (its
docstring changes: datamodel-code-generator's output is reused with the text written back,
generator.emit.description_mask) and a model's properties (a new property: no cache can skip
datamodel-code-generator).

With `generate --profile` once per document, the report shows where our time goes.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.environment import COLD, ROOT, log
from benchmarks.generation import Tool, bench_generation
from benchmarks.measure import Measurement, Sample, run_once

CORPUS = ROOT.parent / "shared" / "corpus" / "readme-oas-examples"
SMALL_DOCUMENTS = (
    ("2 operations", CORPUS / "3.1" / "petstore-simple.json"),
    ("20 operations", CORPUS / "3.1" / "petstore.json"),
    ("ServiceAi", ROOT / "spec" / "openapi.yaml"),
)
# What `make generate` reads and writes, copied for the edit benchmark (never the real project).
_PROJECT_FILES = ("pyproject.toml", "Makefile", "spec", "generated")
EDIT_MARK = "bench edit"


@dataclass
class SmallResult:
    label: str
    document: Path
    generation: list[Measurement]  # ours first, then each baseline, in the tools' order
    profile: str = ""  # `generate --profile` of ours on this document


@dataclass
class EditResult:
    """`make generate` after one kind of edit, against a baseline on the edited document."""

    kind: str  # what the edit changes, for the table
    ours: Measurement
    baseline: Measurement
    edits: list[str] = field(default_factory=list)


def paired_ratio(ours: Measurement, other: Measurement, value: Callable[[Sample], float]) -> float:
    """The median of ours/other taken round by round (the samples are interleaved)."""
    pairs = [
        value(a) / value(b)
        for a, b in zip(ours.samples, other.samples, strict=False)
        if value(b) > 0
    ]
    return statistics.median(pairs) if pairs else float("nan")


def byte_compile_ours() -> None:
    """Our modules byte-compiled, as pip compiles the baselines' when it installs them.

    `compileall` writes `.pyc` files even where PYTHONDONTWRITEBYTECODE is set (a development
    shell often sets it); without them every run would compile the generator from source.
    """
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "generator")],
        check=True,
        capture_output=True,
    )


def bench_small(
    tools: list[Tool], work: Path, *, repeat: int, warm_up: bool = True, profiles: int = 3
) -> list[SmallResult]:
    """Each small document through every tool; `profiles`: how many get `generate --profile`."""
    results = []
    for label, document in SMALL_DOCUMENTS:
        if not document.is_file():
            log(f"small documents: {document} is missing; {label} skipped")
            continue
        folder = work / "small" / re.sub(r"\W+", "-", label)
        # One round not counted: the first run of each tool fills the page cache (and ours its
        # template cache, as any user's second run finds it).
        if warm_up:
            bench_generation(document, tools, folder, repeat=1)
        generation = bench_generation(document, tools, folder, repeat=repeat)
        profile = profile_ours(tools[0], document, folder) if len(results) < profiles else ""
        results.append(SmallResult(label, document, generation, profile))
    return results


def profile_ours(ours: Tool, document: Path, folder: Path) -> str:
    out = folder / "profiled"
    shutil.rmtree(out, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    argv = [*ours.argv(document, out), "--profile"]
    done = subprocess.run(
        argv,
        cwd=folder,
        env={**os.environ, "PYTHONPATH": str(ROOT), "CI": "true", **COLD},
        capture_output=True,
        text=True,
        check=False,
    )
    text = done.stdout[done.stdout.find("profile:") :] if "profile:" in done.stdout else ""
    return text.strip() or f"(profile failed, exit {done.returncode}: {done.stderr[-300:]})"


def bench_edit_generate(baseline: Tool, work: Path, *, repeat: int) -> list[EditResult]:
    """`make generate` after an edit of spec/openapi.yaml, beside `baseline` on that document.

    Three kinds of edit, each `repeat` times after one warm-up: a tag's description (the
    documentation changes, the models do not: their cached module is used), a model's
    description (a docstring changes: the cached module of the schemas without their
    descriptions is used, the text written back) and a model's properties (a new property each
    time: datamodel-code-generator runs, in the warm worker the project keeps).

    The project is copied (the Makefile, pyproject.toml, spec/ and generated/) and `make` is
    told to use this project's virtualenv. `make generate` ends with `generator link`, which
    points the virtualenv at the copy's generated packages; the real ones are linked again at
    the end, whatever happens.
    """
    project = work / "edit-project"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    for name in _PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, copy_function=shutil.copy2)
        else:
            shutil.copy2(source, project / name)
    spec = project / "spec" / "openapi.yaml"
    venv = ROOT / ".venv"
    # `make` reinstalls when pyproject.toml is newer than the virtualenv's stamp: in the copy that
    # would point the editable install at a folder without the generator. A checkout made after
    # the virtualenv has a newer pyproject.toml, so the copy's is dated back to the stamp.
    stamp = venv / ".installed"
    if stamp.exists():
        # A second before it, in nanoseconds: a float of seconds can round to a few hundred
        # nanoseconds after the stamp, and make then reinstalls (into the copy).
        then = stamp.stat().st_mtime_ns - 1_000_000_000
        os.utime(project / "pyproject.toml", ns=(then, then))
    make = ["make", "-s", "generate", f"VENV={venv}"]
    # A cache of its own, new for each bench run (filled by the first `make generate` below,
    # as a user's is by their last run): the user's cache, shared with every other run on the
    # machine, kept the models of the edits of earlier bench runs (the same texts, numbered
    # from 0), so a model edit measured a cache hit instead of datamodel-code-generator.
    cache = work / "edit-cache"
    # As at the API team's terminal, not in CI: the project's warm generator (warm-generator =
    # true, generator.warm_client) and its targets' models worker (models-worker = true,
    # generator.emit.models_worker) are started by the first `make generate` and serve the runs
    # after it; they are stopped at the end, and those an earlier bench run left in this cache
    # (one stopped early) before its sockets are removed.
    env = {**os.environ, "OPENAPI_CONTRACT_CACHE_DIR": str(cache)}
    _stop_background(venv, env)
    shutil.rmtree(cache, ignore_errors=True)
    for name in (
        "CI",
        "MAKEFLAGS",
        "OPENAPI_CONTRACT_MODELS_WORKER",
        "OPENAPI_CONTRACT_WARM_GENERATOR",
    ):
        env.pop(name, None)
    baseline_out = work / "edit-baseline"
    python = baseline.python or sys.executable
    baseline_env = {**env, "PATH": f"{Path(python).parent}{os.pathsep}{env.get('PATH', '')}"}
    results = []
    try:
        run_once(make, cwd=project, env=env)  # the copy's stamps, brought up to date
        for kind, edit in (
            ("a tag's description", edit_tag_description),
            ("a model's description", edit_model_description),
            ("a model's properties", edit_model_property),
        ):
            result = EditResult(
                kind,
                Measurement(f"make generate after an edit of {kind}", make),
                Measurement(baseline.name, baseline.argv(spec, baseline_out)),
            )
            for round_ in range(repeat + 1):  # the first round is a warm-up, not counted
                result.edits.append(edit(spec, len(result.edits)))
                log(f"make generate after an edit of {kind} (run {round_}/{repeat})")
                sample = run_once(make, cwd=project, env=env, log=work / "edit-make.log")
                shutil.rmtree(baseline_out, ignore_errors=True)
                other = run_once(
                    baseline.argv(spec, baseline_out),
                    cwd=work,
                    env=baseline_env,
                    log=work / "edit-baseline.log",
                )
                if round_:
                    result.ours.samples.append(sample)
                    result.baseline.samples.append(other)
            results.append(result)
    finally:
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "generator", "link"], cwd=ROOT, check=False
        )
        _stop_background(venv, env)
    return results


def _stop_background(venv: Path, env: dict[str, str]) -> None:
    """`openapi-contract background stop` for the cache `env` names."""
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "generator", "background", "stop"],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
    )


def edit_tag_description(spec: Path, n: int) -> str:
    """A documentation edit: the first tag's one-line description says which run this is.

    The client's docstrings and the web package change; the models do not. A document without
    such a tag gets a comment appended instead (and says so in the report).
    """
    lines = spec.read_text(encoding="utf-8").splitlines(keepends=True)
    marker = f" ({EDIT_MARK} "
    if "tags:\n" in lines:
        for i in range(lines.index("tags:\n") + 1, len(lines) - 1):
            if not lines[i].startswith(" ") and lines[i].strip() and lines[i][0] != "#":
                break
            found = re.fullmatch(
                r"(    description: )([^>|'\"].*?)(?: \(bench edit \d+\))?\n", lines[i]
            )
            if lines[i - 1].startswith("  - name: ") and found:
                lines[i] = f"{found.group(1)}{found.group(2)}{marker}{n})\n"
                spec.write_text("".join(lines), encoding="utf-8")
                return f"the description of tag {lines[i - 1].split(':', 1)[1].strip()}"
    spec.write_text("".join(lines) + f"# {EDIT_MARK} {n}\n", encoding="utf-8")
    return "a comment appended"


def edit_model_description(spec: Path, n: int) -> str:
    """A model edit: a schema's description says which run this is.

    The description goes on the first schema under `components.schemas` that has none of its
    own, so the models module changes with every edit. A document without such a schema gets a
    comment appended instead (and says so in the report).
    """
    lines = spec.read_text(encoding="utf-8").splitlines(keepends=True)
    text = f"      description: {EDIT_MARK} {n}\n"
    start = lines.index("  schemas:\n") if "  schemas:\n" in lines else len(lines)
    for i in range(start + 1, len(lines)):
        if not lines[i].strip() or lines[i].lstrip().startswith("#"):
            continue
        if not lines[i].startswith("    "):
            break  # the end of components.schemas
        if not re.fullmatch(r"    [A-Za-z_][\w.-]*:\n", lines[i]):
            continue
        block = []
        for line in lines[i + 1 :]:
            if line.strip() and not line.startswith("      "):
                break
            block.append(line)
        ours = [
            j for j, line in enumerate(block) if line.startswith(f"      description: {EDIT_MARK}")
        ]
        if ours:
            lines[i + 1 + ours[0]] = text
        elif any(line.startswith("      description:") for line in block):
            continue
        else:
            lines.insert(i + 1, text)
        spec.write_text("".join(lines), encoding="utf-8")
        return f"the description of {lines[i].strip().rstrip(':')}"
    spec.write_text("".join(lines) + f"# {EDIT_MARK} {n}\n", encoding="utf-8")
    return "a comment appended"


def edit_model_property(spec: Path, n: int) -> str:
    """A structural model edit: the first schema with `properties` gets an optional string
    property named after the run (the one of the run before is taken out), so the models module
    is a new input for datamodel-code-generator every time. A document without such a schema
    gets a comment appended instead (and says so in the report).
    """
    lines = spec.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [
        line
        for line in lines
        if not re.fullmatch(r"        benchEdit\d+: \{type: string\}\n", line)
    ]
    start = lines.index("  schemas:\n") if "  schemas:\n" in lines else len(lines)
    for i in range(start + 1, len(lines) - 1):
        if not lines[i].startswith("    ") and lines[i].strip() and lines[i][0] != "#":
            break  # the end of components.schemas
        if lines[i] == "      properties:\n" and lines[i + 1].startswith("        "):
            name = next(
                line.strip().rstrip(":")
                for line in reversed(lines[:i])
                if re.fullmatch(r"    [A-Za-z_][\w.-]*:\n", line)
            )
            lines.insert(i + 1, f"        benchEdit{n}: {{type: string}}\n")
            spec.write_text("".join(lines), encoding="utf-8")
            return f"a new property of {name}"
    spec.write_text("".join(lines) + f"# {EDIT_MARK} {n}\n", encoding="utf-8")
    return "a comment appended"
