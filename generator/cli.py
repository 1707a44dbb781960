"""Command line: `python -m generator {generate,check,validate}`.

An invalid document exits with status 2 and one located line per problem; nothing is written.
No command shows a traceback for a problem in its input.
"""

from __future__ import annotations

import argparse
import sys
import sysconfig
import time
from collections.abc import Sequence
from pathlib import Path

from generator.config import Target, load_targets
from generator.errors import EXIT_INVALID_SPEC, SpecError
from generator.loader import load_document
from generator.pipeline import generate_target
from generator.writer import differences, write_files


def _targets(args: argparse.Namespace) -> list[Target]:
    if getattr(args, "spec", None):
        spec = Path(args.spec)
        package = args.package or "api_client"
        out = Path(args.out) if args.out else Path("generated") / package
        overlays = Path(args.overlays) if getattr(args, "overlays", None) else None
        return [Target(package, spec, out, package, package.replace("_", "-"), overlays)]
    targets = load_targets(Path(args.config))
    if args.target:
        targets = [t for t in targets if t.name in args.target]
    return targets


def cmd_generate(args: argparse.Namespace) -> int:
    for target in _targets(args):
        started = time.perf_counter()
        result = generate_target(target)
        changed = write_files(target.out, result.files)
        doc = result.document
        if not args.quiet:
            print(
                f"{target.name}: {len(doc.operations)} operations, {len(doc.schemas)} models, "
                f"{len(result.files)} files ({changed} changed), {len(doc.warnings)} warnings "
                f"in {time.perf_counter() - started:.2f}s -> {target.out}"
            )
            for warning in doc.warnings:
                print(f"  warning: {warning.pointer}: {warning.message}", file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    stale = False
    for target in _targets(args):
        lines = differences(target.out, generate_target(target).files)
        if lines:
            stale = True
            print(f"{target.out} differs from what the generator writes now:", file=sys.stderr)
            for line in lines:
                print(f"  {line}", file=sys.stderr)
    if stale:
        print("Run `make generate` and commit the result.", file=sys.stderr)
        return 1
    print("generated code is up to date")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    overlays = [Path(p) for p in args.overlay]
    load_document(Path(args.document), overlays=overlays)
    print(f"{args.document}: valid")
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
        p.add_argument("-q", "--quiet", action="store_true")
        p.set_defaults(func=func)
    p = sub.add_parser("link", help="make the generated packages importable in this virtualenv")
    p.add_argument("--config", default="pyproject.toml")
    p.set_defaults(func=cmd_link)
    p = sub.add_parser("validate", help="validate one document and report located problems")
    p.add_argument("document")
    p.add_argument(
        "--overlay", action="append", default=[], help="overlay to apply first (repeatable)"
    )
    p.set_defaults(func=cmd_validate)
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
