"""Command line: `python -m generator {generate,check,validate,link,diff,release}`.

An invalid document exits with status 2 and one located line per problem; nothing is written.
No command shows a traceback for a problem in its input.
"""

from __future__ import annotations

import argparse
import sys
import sysconfig
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from generator import stamp
from generator.config import MODELS_ENGINES, Target, load_targets, models_engine
from generator.errors import EXIT_INVALID_SPEC, Location, Problem, SpecError

EXIT_INTERNAL_ERROR = 3

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
    from generator.progress import StageReporter, in_ci, progress_wanted, warning_lines

    configured = not getattr(args, "spec", None)
    root = Path(args.config).resolve().parent
    ci = in_ci()
    show_progress = not args.quiet and progress_wanted()
    for target in _targets(args):
        started = time.perf_counter()
        if configured and not args.force and stamp.is_current(target, root):
            if not args.quiet:
                print(f"{target.name}: up to date ({target.out})")
            continue
        from generator.pipeline import generate_target
        from generator.writer import write_files

        reporter = StageReporter(target.name, enabled=show_progress)
        result = generate_target(target, progress=reporter)
        reporter("write", {"files": len(result.files)})
        changed = sum(write_files(f, fs) for f, fs in result.folders(target).items())
        reporter.close()
        if configured:
            stamp.record(target, root)
        doc = result.document
        if not args.quiet:
            from generator.loader.swagger2 import original_pointer

            # A converted Swagger 2.0 document's warnings point where the 2.0 file says it.
            warnings = [
                f"{original_pointer(doc.moved, w.pointer) if doc.moved else w.pointer}: {w.message}"
                for w in doc.warnings
            ]
            lines = warning_lines(warnings, verbose=args.verbose, ci=ci)
            hint = " (--verbose lists them)" if warnings and not lines else ""
            print(
                f"{target.name}: {len(doc.operations)} operations, "
                + (f"{len(doc.webhooks)} webhooks, " if doc.webhooks else "")
                + f"{len(doc.schemas)} models, "
                + _sdk_counts(doc)
                + f"{len(result.files)} files ({changed} changed), {len(doc.warnings)} warnings"
                f"{hint} in {time.perf_counter() - started:.2f}s -> {target.out}"
                # What was read: the version, converted or not, and what bundling did.
                 + (f" ({doc.source})" if doc.source else ""),
                flush=True,
            )
            for line in lines:
                print(line, file=sys.stderr)
            if args.verbose:  # what was converted or hoisted, each located (not faults)
                for note in doc.notes:
                    print(f"  note: {note.pointer}: {note.message}", file=sys.stderr)
                for line in _sdk_lines(doc):
                    print(line, flush=True)
            # Like the warnings: each with --verbose, a count otherwise, nothing in CI.
            renames = doc.client.renames if doc.client is not None else ()
            if renames and args.verbose:
                for route, operation_id, call, why in renames:
                    print(
                        f"  renamed: {route} {operation_id} -> client.{call} ({why})",
                        file=sys.stderr,
                    )
            elif renames and not ci:
                print(
                    f"  renamed: {len(renames)} SDK methods (--verbose lists them)", file=sys.stderr
                )
    return 0


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
        print("Run `make generate` and commit the result.", file=sys.stderr)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func, help_ in (
        ("generate", cmd_generate, "write generated/ from the configured documents"),
        ("check", cmd_check, "fail when generated/ differs from what would be written now"),
    ):
        p = sub.add_parser(name, help=help_)
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
            "-v", "--verbose", action="store_true", help="list every warning (also in CI)"
        )
        p.add_argument("--force", action="store_true", help="regenerate even when up to date")
        p.add_argument("--strict", action="store_true", help=_STRICT_HELP)
        p.set_defaults(func=func)
    p = sub.add_parser("link", help="make the generated packages importable in this virtualenv")
    p.add_argument("--config", default="pyproject.toml")
    p.set_defaults(func=cmd_link)
    p = sub.add_parser("validate", help="validate one document and report located problems")
    p.add_argument("document")
    p.add_argument(
        "--overlay", action="append", default=[], help="overlay to apply first (repeatable)"
    )
    p.add_argument("--strict", action="store_true", help=_STRICT_HELP)
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser(
        "diff",
        help="classify every change between two contract versions (docs/diff-rules.md)",
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
    p = sub.add_parser(
        "release",
        aliases=["bump"],
        help="diff against the last release, check the version policy, write the changelog, "
        "regenerate and store the new version in the history",
    )
    p.add_argument("--spec", default="spec/openapi.yaml")
    p.add_argument("--history", default="spec/history")
    p.add_argument("--changelog", default="spec/CHANGELOG.md")
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
    p = sub.add_parser(
        "sdk-version",
        help="record a PEP 440 post-release for every package whose generated code changed "
        "under the same contract (spec/history/sdk-versions.json), then regenerate",
    )
    p.add_argument("--config", default="pyproject.toml")
    p.add_argument("--check", action="store_true", help="fail when a record is out of date")
    p.set_defaults(func=cmd_sdk_version)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SpecError as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_INVALID_SPEC
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a generator bug: one line to report, never a traceback
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
