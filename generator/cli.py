"""openapi-contract: Pydantic models, a typed client SDK, server stubs, an MCP server, a REST
adapter and a web contract package from one OpenAPI document; contract diffs and releases.

An invalid document exits with status 2 and one located line per problem; nothing is written.
No command shows a traceback for a problem in its input. `python -m generator` is the same
command.
"""

from __future__ import annotations

import argparse
import os
import sys
import sysconfig
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.config import MODELS_ENGINES, Target, load_targets, models_engine
from generator.errors import EXIT_INVALID_SPEC, Location, Problem, SpecError

if TYPE_CHECKING:
    from generator.report import Report

EXIT_INTERNAL_ERROR = 3
PROG = "openapi-contract"

# The pipeline (datamodel-code-generator, jinja2, the validator) is imported only by commands
# that generate, so that a no-op `make generate` answers in well under half a second.


def _targets(args: argparse.Namespace) -> list[Target]:
    if getattr(args, "spec", None):
        spec = Path(args.spec)
        package = args.package or "api_client"
        out = Path(args.out) if args.out else Path("generated") / package
        overlays = Path(args.overlays) if getattr(args, "overlays", None) else None
        engine = models_engine(args.models_engine, Location("--models-engine", ""))
        target = Target(package, spec, out, package, package.replace("_", "-"), overlays)
        strict_models = bool(getattr(args, "strict_models", False))
        # Someone else's document: lenient unless --strict.
        return [
            replace(target, models_engine=engine, strict_models=strict_models, strict=args.strict)
        ]
    targets = load_targets(Path(args.config))
    if args.target:
        targets = [t for t in targets if t.name in args.target]
    if args.strict:
        targets = [replace(t, strict=True) for t in targets]
    return targets


def cmd_generate(args: argparse.Namespace) -> int:
    if args.profile:
        from generator.profiling import run_profiled

        return run_profiled(args.argv)
    from generator.progress import progress_wanted
    from generator.report import Report

    profile_out = os.environ.get("OPENAPI_CONTRACT_PROFILE_OUT")  # generator.profiling
    profiled: list[dict[str, object]] = []
    configured = not getattr(args, "spec", None)
    root = Path(args.config).resolve().parent
    show_progress = not args.quiet and progress_wanted()
    report = Report()
    try:
        for target in _targets(args):
            _generate_one(args, target, configured, root, show_progress, report, profiled)
    finally:
        if args.report:  # also when a target is refused: its errors are in it
            report.write(Path(args.report))
    if args.link:
        cmd_link(args)
    if profile_out:
        from generator import timing
        from generator.profiling import record

        record(profile_out, profiled, timing.totals())
    return 0


def _generate_one(
    args: argparse.Namespace,
    target: Target,
    configured: bool,
    root: Path,
    show_progress: bool,
    report: Report,
    profiled: list[dict[str, object]],
) -> None:
    from generator.progress import StageReporter
    from generator.report import count_findings, grouped_lines, verbose_lines

    started = time.perf_counter()
    # --spec never reads or writes a stamp (nor imports importlib.metadata)
    stamp = _stamp() if configured else None
    inputs = stamp.input_digest(target) if stamp else None
    if stamp and not args.force and stamp.is_current(target, root, inputs):
        report.up_to_date(target.name, target.spec)
        if not args.quiet:
            print(f"{target.name}: up to date ({target.out})")
        return
    if target.models_engine == "datamodel-code-generator":
        from generator.emit import models_worker

        # Before the pipeline's imports: a worker started now is ready sooner.
        models_worker.start_early(target.models_worker)
    from generator.pipeline import generate_target
    from generator.writer import write_files

    reporter = StageReporter(target.name, enabled=show_progress)
    try:
        result = generate_target(target, progress=reporter)
    except SpecError as err:
        report.refused(target.name, target.spec, err.problems)
        raise
    reporter("write", {"files": len(result.files)})
    changed = sum(write_files(f, fs) for f, fs in result.folders(target).items())
    reporter.close()
    profiled.append({"name": target.name, "stages": reporter.finished})
    if stamp:
        stamp.record(target, root, inputs)
    doc = result.document
    warnings = doc.warnings
    if doc.moved:  # a converted Swagger 2.0 document: warnings point where the 2.0 file says
        from generator.loader.swagger2 import original_pointer

        warnings = [replace(w, pointer=original_pointer(doc.moved, w.pointer)) for w in warnings]
    counts = {
        "operations": len(doc.operations),
        "webhooks": len(doc.webhooks),
        "models": len(doc.schemas),
        "files": len(result.files),
        "changed": changed,
    }
    report.generated(target.name, target.spec, counts, warnings)
    if args.quiet:
        return
    print(
        f"{target.name}: {len(doc.operations)} operations, "
        + (f"{len(doc.webhooks)} webhooks, " if doc.webhooks else "")
        + f"{len(doc.schemas)} models, "
        + _sdk_counts(doc)
        + f"{len(result.files)} files ({changed} changed), {count_findings(warnings)} warnings"
        f" in {time.perf_counter() - started:.2f}s -> {target.out}"
        # What was read: the version, converted or not, and what bundling did.
         + (f" ({doc.source})" if doc.source else ""),
        flush=True,
    )
    lines = verbose_lines(warnings) if args.verbose else grouped_lines(warnings)
    for line in lines:
        print(line, file=sys.stderr)
    if args.verbose:  # what was converted or hoisted, each located (not faults)
        for note in doc.notes:
            print(f"  note: {note.pointer}: {note.message}", file=sys.stderr)
        for line in _sdk_lines(doc):
            print(line, flush=True)
    # SDK methods named other than their operation ids: each with --verbose, a count otherwise.
    renames = doc.client.renames if doc.client is not None else ()
    if renames and args.verbose:
        for route, operation_id, call, why in renames:
            print(f"  renamed: {route} {operation_id} -> client.{call} ({why})", file=sys.stderr)
    elif renames:
        print(f"  renamed: {len(renames)} SDK methods (--verbose lists them)", file=sys.stderr)


def _sdk_counts(doc: Any) -> str:
    """`3 paginated, 1 streamed, ` for the summary line (nothing when there are none)."""
    ops = doc.client.operations if doc.client is not None else ()
    paged = sum(1 for o in ops if o.paging)
    streamed = sum(1 for o in ops if o.streams)
    text = f"{paged} paginated, " if paged else ""
    return text + (f"{streamed} streamed, " if streamed else "")


def _sdk_lines(doc: Any) -> list[str]:
    """With --verbose: each paginated and streamed operation, how the client treats it."""
    lines = []
    for resource in doc.client.resources if doc.client is not None else ():
        for o in resource.operations:
            call = f"client.{resource.attribute}.{o.name}()"
            where = f"  {o.op.method.upper()} {o.op.path} ({call})"
            if o.paging:
                lines.append(f"{where}: pagination {o.paging.description}")
            if o.streams:
                formats = sorted({m.stream[0] for r in o.responses for m in r.media if m.stream})
                flag = f", `{o.streams.flag}=True` overload" if o.streams.flag else ""
                item = o.streams.item.replace("_m.", "")
                lines.append(f"{where}: stream of {item} ({', '.join(formats)}{flag})")
    return lines


def _stamp() -> Any:
    from generator import stamp

    return stamp


def cmd_init(args: argparse.Namespace) -> int:
    """Set up a repository for its contract (generator/adopt/__init__.py)."""
    from generator import adopt

    return adopt.run(args)


def cmd_check(args: argparse.Namespace) -> int:
    from generator.pipeline import generate_target
    from generator.writer import differences

    stale = False
    for target in _targets(args):
        for folder, files in generate_target(target).folders(target).items():
            lines = differences(folder, files)
            if lines:
                stale = True
                print(f"{folder} differs from what the generator writes now:", file=sys.stderr)
                for line in lines:
                    print(f"  {line}", file=sys.stderr)
    if stale:
        print(f"Run `{PROG} generate` and commit the result.", file=sys.stderr)
        return 1
    print("generated code is up to date")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Errors (exit 2) and repairs, each located and marked; --strict makes repairs errors."""
    from generator.loader import load_document

    overlays = [Path(p) for p in args.overlay]
    try:
        doc = load_document(Path(args.document), overlays=overlays, strict=args.strict)
    except SpecError as err:
        for repair in err.repairs:  # the errors follow (main prints them)
            print(f"repair: {repair}")
        raise
    for note in [*doc.conversions, *doc.bundle.notes]:
        print(f"converted: {note}" if note in doc.conversions else f"bundled: {note}")
    for warning in doc.warnings:
        print(f"repair: {warning}")
    if doc.warnings:
        rules = sorted({w.rule or "" for w in doc.warnings})
        print(
            f"{args.document}: usable after {len(doc.warnings)} repair(s) ({', '.join(rules)}); "
            "--strict refuses it"
        )
    else:
        print(f"{args.document}: valid")
    if doc.source_version.startswith("2."):
        print(
            f"{args.document}: Swagger {doc.source_version}, read as OpenAPI 3.0.3 "
            f"({len(doc.conversions)} conversion decision(s))"
        )
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    """Make the generated packages importable in this environment (a .pth file, no install)."""
    site = Path(sysconfig.get_paths()["purelib"])
    lines = sorted(str(t.out.resolve()) for t in load_targets(Path(args.config)))
    pth = site / "openapi-contract-generated.pth"
    text = "\n".join(lines) + "\n"
    if not pth.exists() or pth.read_text(encoding="utf-8") != text:
        pth.write_text(text, encoding="utf-8")
    return 0


def cmd_models_worker(args: argparse.Namespace) -> int:
    """The warm datamodel-code-generator processes of `models-worker = true` targets."""
    from generator.emit import models_worker

    found = models_worker.stop_all() if args.action == "stop" else models_worker.running()
    verb = "stopped" if args.action == "stop" else "running"
    if not found:
        print(f"no models worker {verb}")
    for path, pid in found.items():
        print(f"{verb}: {path} (process {pid})")
    return 0


def cmd_background(args: argparse.Namespace) -> int:
    """Every background process of the toolkit: the warm generator and the models workers."""
    from generator import warm_client
    from generator.emit import models_worker

    stop = args.action == "stop"
    kinds = (
        ("warm generator", warm_client.stop_all if stop else warm_client.running),
        ("models worker", models_worker.stop_all if stop else models_worker.running),
    )
    verb = "stopped" if stop else "running"
    found = 0
    for kind, listed in kinds:
        for path, pid in listed().items():
            print(f"{verb}: {kind} {path} (process {pid})")
            found += 1
    if not found:
        print(f"no background process {verb}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from datetime import date

    from generator.diff import diff_files
    from generator.diff.accept import apply_levels, read_ignore, read_levels, split_ignored
    from generator.diff.load import is_git_revision
    from generator.diff.package_files import package_files_section
    from generator.diff.policy import check_policy
    from generator.diff.release import base_for
    from generator.diff.report import FORMATS, summary_line, to_json, to_markdown
    from generator.diff.rules import rules_markdown

    if args.rules:
        sys.stdout.write(rules_markdown())
        return 0
    if args.old and not args.new and not is_git_revision(args.old):
        # one file: that contract against its previous release; one git revision
        # (`origin/main:spec/openapi.yaml`): the working spec/openapi.yaml against it
        args.old, args.new = None, args.old
    new: str = args.new or "spec/openapi.yaml"
    if args.old:
        old: str = args.old
    elif is_git_revision(new):
        raise SpecError(
            [Problem("a git revision needs an explicit OLD contract", Location(new, ""))]
        )
    else:
        old = str(base_for(Path(args.history), Path(new)))
    overlay_dir = Path(args.overlay_dir) if args.overlay_dir else None
    try:
        today = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        raise SpecError(
            [Problem(f"--date {args.date!r} is not YYYY-MM-DD", Location("<command line>", ""))]
        ) from None
    result = diff_files(old, new, overlay_dir=overlay_dir, today=today)
    if args.levels:
        result.changes = apply_levels(result.changes, read_levels(Path(args.levels)))
    if args.ignore:
        lines = [line for path in args.ignore for line in read_ignore(Path(path))]
        result.changes, result.ignored = split_ignored(result.changes, lines)
    policy = check_policy(result) if args.policy else None
    # The generated packages' files that change with the contract (the web contract package
    # among them) go with the Markdown report.
    package_files = package_files_section(old, new, Path(args.config))
    if args.output_dir:
        out = Path(args.output_dir)
        out.mkdir(parents=True, exist_ok=True)
        markdown = to_markdown(result, policy) + package_files
        (out / "diff.md").write_text(markdown, encoding="utf-8")
        (out / "diff.json").write_text(to_json(result, policy), encoding="utf-8")
        (out / "diff.junit.xml").write_text(FORMATS["junit"](result, policy), encoding="utf-8")
    if args.format != "none":
        sys.stdout.write(FORMATS[args.format](result, policy))
        if args.format == "markdown":
            sys.stdout.write(package_files)
    status = 0
    failing = {"breaking": ("breaking",), "warning": ("breaking", "warning")}.get(args.fail_on, ())
    flagged = [c for c in result.changes if c.level in failing]
    if flagged:
        print(
            f"diff {result.old_version} -> {result.new_version}: {summary_line(result)}; "
            f"failing on {args.fail_on}:",
            file=sys.stderr,
        )
        for change in flagged:
            print(
                f"  {change.id}: {change.pointer} ({change.side}): {change.message}"
                + (f" [{change.location}]" if change.location else ""),
                file=sys.stderr,
            )
        status = 1
    if policy is not None and not policy.ok:
        for message in policy.messages:
            print(f"version policy: {message}", file=sys.stderr)
        status = 1
    return status


def cmd_release(args: argparse.Namespace) -> int:
    from generator.diff.release import release

    outcome = release(
        Path(args.spec),
        Path(args.history),
        Path(args.changelog),
        None if args.no_generate else Path(args.config),
        dry_run=args.dry_run,
        check=args.check,
        date=args.date,
    )
    for message in outcome.messages:
        print(message, file=sys.stdout if outcome.ok else sys.stderr)
    return 0 if outcome.ok else 1


_STRICT_HELP = (
    "refuse the faults lenient loading repairs (docs/lenient-loading.md) instead: exit 2, "
    "nothing written"
)


def cmd_sdk_version(args: argparse.Namespace) -> int:
    """Re-record (or check) the SDK post-release of every target (generator.sdk_version)."""
    from generator.emit.package import distribution_version, package_version
    from generator.pipeline import generate_target
    from generator.sdk_version import fingerprint, load_records, next_record, save_records

    targets = load_targets(Path(args.config))
    paths = {t.sdk_versions for t in targets if t.sdk_versions is not None}
    if not paths:
        print("no configured targets", file=sys.stderr)
        return 1
    (path,) = paths
    records = load_records(path)
    stale = []
    for target in targets:
        result = generate_target(target)
        doc = result.document
        now = fingerprint(
            result.files, package_version(doc, target), distribution_version(doc.version)
        )
        old = records.get(target.distribution)
        new = next_record(old, doc.version, now)
        if args.check:
            if old is None or (old.contract == doc.version and old.fingerprint != now):
                stale.append(target.distribution)
            continue
        if new != old:
            records[target.distribution] = new
            post = f".post{new.post}" if new.post else ""
            print(f"{target.distribution}: {distribution_version(doc.version)}{post}")
    if args.check:
        if stale:
            print(
                f"generated code changed without a new SDK version: {', '.join(stale)}. "
                "Run `make sdk-version` and commit the result.",
                file=sys.stderr,
            )
            return 1
        print("SDK versions are recorded for the generated code")
        return 0
    save_records(path, records)
    return main(["generate", "--config", args.config, "-q"])


# One example per command, shown at the end of its --help (and on the docs site's CLI page).
EXAMPLES = {
    "generate": """\
examples:
  openapi-contract generate                      # every target in pyproject.toml
  openapi-contract generate --spec api.json --out out --package api
  openapi-contract generate --spec api.json --out out --package api --report report.json
""",
    "check": """\
examples:
  openapi-contract check                         # exit 1 when generated code is stale
""",
    "init": """\
examples:
  openapi-contract init --spec api.json --package api
  openapi-contract init --spec api.json --package api --no-makefile
""",
    "validate": """\
examples:
  openapi-contract validate api.yaml
  openapi-contract validate api.yaml --strict   # repairs are errors (exit 2)
""",
    "link": """\
examples:
  openapi-contract link                          # import generated packages in this venv
""",
    "diff": """\
examples:
  openapi-contract diff old.yaml new.yaml
  openapi-contract diff origin/main:api.yaml api.yaml --fail-on breaking --format githubactions
""",
    "release": """\
examples:
  openapi-contract release --spec api.yaml --history api-history --dry-run
  openapi-contract release --check --spec api.yaml --history api-history
""",
    "models-worker": """\
examples:
  openapi-contract models-worker status          # the workers running for this user
  openapi-contract models-worker stop            # end them now instead of after 30 idle minutes
""",
    "background": """\
examples:
  openapi-contract background status             # the warm generator and models workers running
  openapi-contract background stop               # end them now instead of after 30 idle minutes
""",
    "sdk-version": """\
examples:
  openapi-contract sdk-version --check
""",
}


def _command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_: str,
    aliases: Sequence[str] = (),
) -> argparse.ArgumentParser:
    return sub.add_parser(
        name,
        help=help_,
        description=help_[:1].upper() + help_[1:] + ".",
        aliases=list(aliases),
        epilog=EXAMPLES[name],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=__doc__,
        epilog="Each command has examples: openapi-contract COMMAND --help",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, func, help_ in (
        (
            "generate",
            cmd_generate,
            "write the generated packages of the configured targets (or of --spec)",
        ),
        ("check", cmd_check, "fail when generated code differs from what would be written now"),
    ):
        p = _command(sub, name, help_)
        p.add_argument(
            "--config", default="pyproject.toml", help="where [tool.openapi-contract] is"
        )
        p.add_argument("--target", action="append", help="only this target (repeatable)")
        p.add_argument("--spec", help="generate one document instead of the configured targets")
        p.add_argument("--out", help="output folder for --spec")
        p.add_argument("--package", help="import package name for --spec")
        p.add_argument("--overlays", help="overlay folder for --spec")
        p.add_argument(
            "--models-engine",
            choices=MODELS_ENGINES,
            default="native",
            help="who writes the models for --spec (default: native)",
        )
        p.add_argument(
            "--strict-models",
            action="store_true",
            help="native models for --spec refuse an explicit null an optional property's "
            "schema forbids and lax coercions (default: accepted)",
        )
        p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
        p.add_argument(
            "-v",
            "--verbose",
            action="store_true",
            help="list every warning and every place of an error, one line each (default: "
            "warnings grouped by rule, one screen at most)",
        )
        if name == "generate":
            p.add_argument(
                "--report",
                metavar="FILE",
                help="also write every warning and error of every target as JSON to FILE",
            )
        p.add_argument("--force", action="store_true", help="regenerate even when up to date")
        p.add_argument("--strict", action="store_true", help=_STRICT_HELP)
        if name == "generate":
            p.add_argument(
                "--link",
                action="store_true",
                help="then make the generated packages importable, as `link` does (one "
                "interpreter start less for `make generate`)",
            )
            p.add_argument(
                "--profile",
                action="store_true",
                help="run again in a fresh interpreter and print where the time goes "
                "(stages, templates, formatter, imports)",
            )
        p.set_defaults(func=func)
    from generator import adopt

    p = _command(sub, "init", adopt.HELP)
    adopt.add_arguments(p)
    p.set_defaults(func=cmd_init)
    p = _command(sub, "link", "make the generated packages importable in this virtualenv")
    p.add_argument("--config", default="pyproject.toml", help="where [tool.openapi-contract] is")
    p.set_defaults(func=cmd_link)
    p = _command(sub, "validate", "validate one document and report located problems")
    p.add_argument("document", help="the OpenAPI document (YAML or JSON)")
    p.add_argument(
        "--overlay", action="append", default=[], help="overlay to apply first (repeatable)"
    )
    p.add_argument("--strict", action="store_true", help=_STRICT_HELP)
    p.add_argument("-v", "--verbose", action="store_true", help="list every place of each error")
    p.set_defaults(func=cmd_validate)
    p = _command(
        sub,
        "diff",
        "classify every change between two contract versions (docs/diff-rules.md)",
    )
    p.add_argument(
        "old",
        nargs="?",
        help="old contract, a path or a git revision REV:path (default: the newest release in "
        "--history older than NEW's version; a lone REV:path is compared with spec/openapi.yaml)",
    )
    p.add_argument(
        "new", nargs="?", help="new contract (default: spec/openapi.yaml; one argument is NEW)"
    )
    p.add_argument("--history", default="spec/history", help="released contracts")
    p.add_argument(
        "--format",
        choices=("text", "markdown", "json", "yaml", "junit", "githubactions", "none"),
        default="markdown",
        help="what to print (githubactions: one annotation per change; default: markdown)",
    )
    p.add_argument("--output-dir", help="also write diff.md, diff.json and diff.junit.xml here")
    p.add_argument(
        "--ignore",
        action="append",
        default=[],
        help="accepted changes, one per line (oasdiff's err-ignore format; repeatable)",
    )
    p.add_argument("--levels", help="per-rule levels: `rule-id ERR|WARN|INFO|NONE` per line")
    p.add_argument("--date", help="today's date for x-sunset (YYYY-MM-DD; default: today)")
    p.add_argument(
        "--fail-on", choices=("breaking", "warning"), help="exit 1 when such changes are found"
    )
    p.add_argument(
        "--policy", action="store_true", help="check info.version against the version policy"
    )
    p.add_argument("--overlay-dir", help="apply these overlays to both documents first")
    p.add_argument("--rules", action="store_true", help="print the rule table (Markdown)")
    p.add_argument(
        "--config",
        default="pyproject.toml",
        help="targets whose npm package files are listed when NEW is their spec",
    )
    p.set_defaults(func=cmd_diff)
    p = _command(
        sub,
        "release",
        "diff against the last release, check the version policy, write the changelog, "
        "regenerate and store the new version in the history",
        aliases=["bump"],
    )
    p.add_argument("--spec", default="spec/openapi.yaml", help="the contract to release")
    p.add_argument("--history", default="spec/history", help="released contracts")
    p.add_argument("--changelog", default="spec/CHANGELOG.md", help="where entries are written")
    p.add_argument("--config", default="pyproject.toml", help="targets to regenerate")
    p.add_argument("--no-generate", action="store_true", help="do not regenerate the targets")
    p.add_argument("--date", help="release date for the changelog heading (default: none)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="report, write nothing")
    mode.add_argument(
        "--check",
        action="store_true",
        help="CI gate: the spec must be released (in --history) and fit the version policy",
    )
    p.set_defaults(func=cmd_release)
    p = _command(
        sub,
        "sdk-version",
        "record a PEP 440 post-release for every package whose generated code changed "
        "under the same contract (spec/history/sdk-versions.json), then regenerate",
    )
    p.add_argument("--config", default="pyproject.toml", help="where [tool.openapi-contract] is")
    p.add_argument("--check", action="store_true", help="fail when a record is out of date")
    p.set_defaults(func=cmd_sdk_version)
    p = _command(
        sub,
        "models-worker",
        "list or stop the background processes that keep datamodel-code-generator imported "
        "for targets with `models-worker = true`",
    )
    p.add_argument("action", choices=("status", "stop"), help="list them, or end them now")
    p.set_defaults(func=cmd_models_worker)
    p = _command(
        sub,
        "background",
        "list or stop the background processes a project's settings keep between runs (the "
        "warm generator of `warm-generator = true`, the models workers of `models-worker = true`)",
    )
    p.add_argument("action", choices=("status", "stop"), help="list them, or end them now")
    p.set_defaults(func=cmd_background)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # `generate --profile` reruns it
    try:
        return int(args.func(args))
    except SpecError as err:
        from generator.report import error_lines

        for line in error_lines(err.problems, verbose=bool(getattr(args, "verbose", False))):
            print(line, file=sys.stderr)
        return EXIT_INVALID_SPEC
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a generator bug: one line to report, never a traceback
        formatting = sys.modules.get("generator.formatting")  # imported by a run that formats
        if formatting is not None and isinstance(exc, formatting.FormattingError):
            # ruff refused the generated code: its own message says where and why
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_INTERNAL_ERROR
        import traceback

        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        message = str(exc).splitlines()[0] if str(exc) else ""
        print(
            f"error: internal error ({type(exc).__name__}: {message} at {where}); "
            "this is a generator bug, please report it with the document",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR
