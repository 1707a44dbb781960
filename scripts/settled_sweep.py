"""Prove, on any documents, that the files emitters declare settled need no `ruff check --fix`.

    .venv/bin/python scripts/settled_sweep.py [DOCUMENT ...] [--corpus] [--chunk 40]

For each document, `generate` runs as usual up to the formatter, which is replaced by one that
keeps what it is given: every file and whether its emitter declared it settled. Then, over all
the documents' Python files together (each document's package named apart): `ruff check` with
the formatter's rules and no `--fix` must find nothing in a settled file, and the formatter's
output with the check skipped for the settled files must equal its output with the check run
on every file (today's output). Prints the counts, ruff's CPU time both ways, and every
finding or differing file; exit status 1 when there is one. `--corpus` adds every document of the readme corpus
(/work/shared/corpus, as tests/conftest.py finds it). tests/test_settled_output.py runs the
same on a fixed slice in `make test`.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from unittest import mock

from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

from generator import pipeline
from generator.config import Target
from generator.formatting import CHECK, format_files


@dataclass
class Emitted:
    """Python files as submitted to the formatter (path -> text), and the settled ones."""

    python: dict[str, str] = field(default_factory=dict)
    settled: set[str] = field(default_factory=set)

    def add(self, other: Emitted, prefix: str) -> None:
        self.python.update({f"{prefix}/{rel}": text for rel, text in other.python.items()})
        self.settled.update(f"{prefix}/{rel}" for rel in other.settled)


class _Keeper:
    """Stands in for `generator.formatting.Formatter` in the pipeline: keeps what it is given."""

    def __init__(self, launcher: object = None) -> None:
        self.emitted = Emitted()
        self.order: dict[str, str] = {}

    def __enter__(self) -> _Keeper:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass

    def __len__(self) -> int:
        return len(self.order)

    def submit(self, files: dict[str, str], settled: bool | Collection[str] = False) -> None:
        for rel, text in files.items():
            self.order[rel] = text
            if not rel.endswith(".py"):
                continue
            self.emitted.python[rel] = text
            if settled is True or (settled is not False and rel in settled):
                self.emitted.settled.add(rel)
            else:
                self.emitted.settled.discard(rel)

    def result(self) -> dict[str, str]:
        return dict(self.order)


def submitted(target: Target) -> Emitted:
    """What `generate` hands the formatter for `target`: its Python files, as emitted."""
    keepers: list[_Keeper] = []

    def keeper(launcher: object = None) -> _Keeper:
        keepers.append(_Keeper(launcher))
        return keepers[-1]

    with mock.patch.object(pipeline, "Formatter", keeper):
        pipeline.generate_target(target)
    (only,) = keepers
    return only.emitted


def findings(emitted: Emitted, root: Path) -> list[str]:
    """ruff's findings (its rules, without fixing) in the settled files, written under `root`
    with the other Python files (ruff's first party is read from the packages on disk)."""
    for rel, text in emitted.python.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    paths = sorted(emitted.settled)
    found: list[str] = []
    for start in range(0, len(paths), 500):  # a bounded command line
        done = subprocess.run(
            [
                find_ruff_bin(),
                *CHECK,
                "--output-format",
                "concise",
                "--quiet",
                "--",
                *paths[start : start + 500],
            ],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode not in (0, 1):
            raise RuntimeError(done.stderr)
        found += [line for line in done.stdout.splitlines() if line.strip()]
    return found


def differing(emitted: Emitted, cpu: list[float] | None = None) -> list[str]:
    """The files whose output differs between the check skipped for settled files and run;
    `cpu` gets ruff's CPU seconds for each (its processes' user and system time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    skipped = format_files(emitted.python, emitted.settled)
    middle = resource.getrusage(resource.RUSAGE_CHILDREN)
    checked = format_files(emitted.python)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu += [_cpu(middle) - _cpu(before), _cpu(after) - _cpu(middle)]
    return sorted(rel for rel in checked if skipped.get(rel) != checked[rel])


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documents", nargs="*", type=Path)
    parser.add_argument("--corpus", action="store_true", help="every readme corpus document")
    parser.add_argument("--chunk", type=int, default=40, help="documents checked together")
    args = parser.parse_args(argv)
    documents = list(args.documents)
    if args.corpus:
        from tests.conftest import CORPUS

        documents += sorted(CORPUS.glob("*/*.json")) + sorted(CORPUS.glob("*/*.yaml"))
    import tempfile

    bad = 0
    for start in range(0, len(documents), args.chunk):
        emitted = Emitted()
        for i, spec in enumerate(documents[start : start + args.chunk], start):
            target = Target("t", spec, Path("unused"), f"doc{i}", f"doc{i}", None)
            try:
                emitted.add(submitted(target), prefix=f"doc{i}-out")
            except Exception as exc:  # an unusable document: nothing to prove on it
                print(f"{spec}: not generated ({type(exc).__name__})")
        with tempfile.TemporaryDirectory() as root:
            found = findings(emitted, Path(root))
        cpu: list[float] = []
        differ = differing(emitted, cpu)
        bad += len(found) + len(differ)
        print(
            f"documents {start + 1}-{min(start + args.chunk, len(documents))}: "
            f"{len(emitted.python)} Python files, {len(emitted.settled)} settled, "
            f"{len(found)} findings, {len(differ)} differing; ruff's CPU {cpu[0]:.2f} s with "
            f"the check skipped for the settled files, {cpu[1]:.2f} s with it run on all"
        )
        for line in [*found, *(f"differs: {rel}" for rel in differ)]:
            print("  " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
