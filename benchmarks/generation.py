"""Generation on one document: our full pipeline against the baselines, in the same run.

Ours writes models, client and server stubs; openapi-python-client writes a client;
datamodel-code-generator writes models. Each run starts from an empty output folder. A no-op
`make generate` (nothing changed) is timed separately: the first run brings the stamps up to
date, the second is the one measured.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.environment import COLD, ROOT, log
from benchmarks.measure import Measurement, measure, run_once


@dataclass(frozen=True)
class Tool:
    """A generator under test. `command` may use {spec}, {out} and {python}."""

    name: str
    label: str  # what it writes, for the table
    command: tuple[str, ...]
    out_is_file: bool = False  # {out} names a file (models.py) rather than a folder
    # How its warnings are counted and its output imported (benchmarks/quality.py):
    # "ours", "opc", "dcg" or "custom".
    kind: str = "custom"
    python: str = ""  # the interpreter its output is imported with (default: this one)
    corpus_command: tuple[str, ...] = ()  # on the corpus (default: `command`)
    corpus_out: str = ""  # what {out} names in a corpus job's folder ("": the folder itself)
    corpus_entries: tuple[str, ...] = ()  # modules that must import for an output to count
    in_corpus: bool = True

    def argv(self, spec: Path, out: Path, command: tuple[str, ...] = ()) -> list[str]:
        values = {"spec": str(spec), "out": str(out), "python": sys.executable}
        return [part.format(**values) for part in command or self.command]

    @property
    def interpreter(self) -> str:
        return self.python or sys.executable


OURS_PACKAGE = "github_api"
CORPUS_PACKAGE = "corpus_api"  # ours on a corpus document
CORPUS_CLIENT = "corpus_client"  # openapi-python-client's package on a corpus document


def ours(package: str = OURS_PACKAGE) -> Tool:
    # Not quiet: its summary line carries the warning count (CI=true keeps the list out).
    generate = ("{python}", "-m", "generator", "generate", "--spec", "{spec}", "--out", "{out}",
                "--package")  # fmt: skip
    return Tool(
        "ours",
        "models + client + server",
        (*generate, package),
        kind="ours",
        corpus_command=(*generate, CORPUS_PACKAGE),
        corpus_entries=tuple(f"{CORPUS_PACKAGE}.{m}" for m in ("models", "client", "server")),
    )


def baselines(bin_dir: Path) -> list[Tool]:
    """The pinned tools in the benchmark's own environment, with their default settings."""
    opc = str(bin_dir / "openapi-python-client")
    dcg = str(bin_dir / "datamodel-codegen")
    dcg_common = ("--input", "{spec}", "--input-file-type", "openapi", "--output", "{out}",
                  "--output-model-type", "pydantic_v2.BaseModel")  # fmt: skip
    python = str(bin_dir / "python")
    return [
        Tool(
            "openapi-python-client",
            "client",
            (opc, "generate", "--path", "{spec}", "--output-path", "{out}", "--overwrite"),
            kind="opc",
            python=python,
            corpus_command=(
                opc,
                "generate",
                "--path",
                "{spec}",
                "--output-path",
                "{out}",
                "--meta",
                "none",
            ),
            corpus_out=CORPUS_CLIENT,
            corpus_entries=(CORPUS_CLIENT,),
        ),
        Tool(
            "datamodel-code-generator",
            "models (black+isort)",
            (dcg, *dcg_common),
            True,
            kind="dcg",
            python=python,
            corpus_out="models.py",
            corpus_entries=("models",),
        ),
        Tool(
            "datamodel-code-generator --formatters builtin",
            "models (builtin formatter)",
            (dcg, *dcg_common, "--formatters", "builtin"),
            True,
            kind="dcg",
            python=python,
            in_corpus=False,  # the same models as above, formatted otherwise
        ),
    ]


def bench_generation(
    spec: Path, tools: list[Tool], work: Path, *, repeat: int, timeout: float = 900.0
) -> list[Measurement]:
    """Each tool `repeat` times on `spec`, interleaved so drift hits every tool alike.

    Every run writes into a folder of its own, new, as a first generation does; the folders of
    the earlier rounds are removed once all have run, and the last round's output is moved to
    `output_of(work, tool)` for the checks after. Removing the output of the round before just
    ahead of a run made that run's writes wait on the disk: on this machine's ext4 (mounted
    with `discard`) creating 1,671 files where 1,671 had just been removed took 1.2 to 1.5 s
    instead of 0.25 s, and the penalty fell on whichever tool writes sooner after the removal.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "true", **COLD}
    results = {t.name: Measurement(t.name, t.argv(spec, _out(work, t))) for t in tools}
    rounds = work / "rounds"
    _clear_folder(rounds)
    for round_ in range(repeat):
        for tool in tools:
            current = results[tool.name]
            if current.samples and not current.ok:
                continue  # a tool that failed once is not retried
            out = _out(rounds / str(round_), tool)
            _prepare(out)
            # What the run before wrote goes to disk now, not during this run (the other
            # tool's output, written back by the kernel meanwhile, took this one's I/O and CPU).
            os.sync()
            log(f"generate {spec.name}: {tool.name} (run {round_ + 1}/{repeat})")
            logfile = work / f"{_slug(tool.name)}.log"
            sample = run_once(
                tool.argv(spec, out),
                cwd=work,
                env=tool_env(tool, env),
                log=logfile,
                timeout=timeout,
            )
            current.samples.append(sample)
            current.log = str(logfile)
    for tool in tools:  # each tool's last output where the checks after look for it
        runs = len(results[tool.name].samples)
        final = _out(work, tool)
        _clear_folder(_folder(final))
        last = _folder(_out(rounds / str(runs - 1), tool)) if runs else None
        if last is not None and last.exists():
            _folder(final).parent.mkdir(parents=True, exist_ok=True)
            last.rename(_folder(final))
    _clear_folder(rounds)
    os.sync()  # the removal done with before anything else is timed
    return [results[t.name] for t in tools]


def tool_env(tool: Tool, env: dict[str, str]) -> dict[str, str]:
    """`env` with the tool's own environment first on PATH: openapi-python-client runs `ruff`
    from PATH after generating (its post-hooks), and without it there skips formatting."""
    if not tool.python:
        return env
    return {**env, "PATH": f"{Path(tool.python).parent}{os.pathsep}{env.get('PATH', '')}"}


def bench_noop_generate(command: list[str], cwd: Path, *, repeat: int) -> Measurement:
    """A no-op regeneration: run once to be current, then time `repeat` more runs."""
    env = {**os.environ, "CI": "true", **COLD}
    run_once(command, cwd=cwd, env=env)
    return measure("no-op generate", command, repeat=repeat, cwd=cwd, env=env)


def output_of(work: Path, tool: Tool) -> Path:
    """Where `tool`'s output on the benchmarked document is (a folder, or models.py)."""
    return _out(work, tool)


def _out(work: Path, tool: Tool) -> Path:
    folder = work / "out" / _slug(tool.name)
    return folder / "models.py" if tool.out_is_file else folder


def _folder(out: Path) -> Path:
    """The folder a tool's output is in (`out` itself, or the folder of models.py)."""
    return out.parent if out.suffix == ".py" else out


def _prepare(out: Path) -> None:
    """`out` cleared for a run: the folder of models.py made, or the folder's parent."""
    folder = _folder(out)
    _clear_folder(folder)
    if out.suffix == ".py":
        folder.mkdir(parents=True)
    else:
        folder.parent.mkdir(parents=True, exist_ok=True)


def _clear_folder(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-")
