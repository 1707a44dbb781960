"""`openapi-contract init`: set up another repository for its contract.

Writes, relative to the repository root:

- the `[[tool.openapi-contract.targets]]` table into pyproject.toml (created when missing,
  appended to otherwise; an existing file is never rewritten, and a target of the same name,
  package or folder is refused with nothing written at all);
- the contract's first release into its history folder (`<history>/<version>.<ext>`), which the
  release gate and the diff need;
- a Makefile fragment, `openapi-contract.mk` (included from the Makefile, which is created when
  missing), unless `--no-makefile`;
- the CI workflow (generator.adopt.workflow): drift check, generation report, contract diff
  against the base revision with GitHub annotations, release gate;
- `.pre-commit-config.yaml` using the toolkit's drift-check hook (generator.adopt.hooks), or,
  when the repository already has one, the snippet to add to it (printed);
- `.gitignore` entries for the generation stamps and the CI report.

Files that exist with other content are left alone (and listed) unless `--force`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from generator.errors import Location, Problem, SpecError

if TYPE_CHECKING:
    from generator.adopt.workflow import Paths
    from generator.ir.model import Warning_

DISTRIBUTION = "openapi-contract-toolkit"
FRAGMENT = "openapi-contract.mk"
WORKFLOW = ".github/workflows/openapi-contract.yml"
EXIT_CONFLICT = 1

HELP = (
    "set up this repository for a contract: the pyproject target, its first release, a Makefile "
    "fragment, the CI workflow and a pre-commit hook"
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--spec", required=True, help="the contract (OpenAPI document) in the repository"
    )
    p.add_argument(
        "--package", help="import name of the generated package (default: from info.title)"
    )
    p.add_argument("--name", help="the target's name (default: the package)")
    p.add_argument("--out", help="the generated distribution's folder (default: generated/PACKAGE)")
    p.add_argument(
        "--history",
        help="the folder of released contracts (default: history/ beside the spec, or "
        "api-history/ when the spec is at the root)",
    )
    p.add_argument("--root", default=".", help="the repository (default: the current folder)")
    p.add_argument("--config", default="pyproject.toml", help="where the target is written")
    p.add_argument(
        "--no-makefile", action="store_true", help="no Makefile fragment: use the CLI directly"
    )
    p.add_argument(
        "--workflow", default=WORKFLOW, help=f"the CI workflow's path (default: {WORKFLOW})"
    )
    p.add_argument(
        "--toolkit",
        help="the pip requirement CI installs the toolkit with (default: how this one was "
        "installed: its git URL and commit, else openapi-contract-toolkit==VERSION)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="overwrite the workflow, the Makefile fragment and the pre-commit config when they "
        "differ (pyproject.toml is only ever appended to)",
    )


@dataclass
class Plan:
    """What init will write: computed in full before anything is written."""

    root: Path
    files: dict[str, str] = field(default_factory=dict)  # path -> whole new content
    appends: dict[str, str] = field(default_factory=dict)  # path -> text appended
    copies: dict[str, Path] = field(default_factory=dict)  # path -> source file
    notes: list[str] = field(default_factory=list)


def _installed() -> tuple[str, str | None, str | None]:
    """This toolkit's version, and the git URL and commit it was installed from (PEP 610)."""
    from importlib import metadata

    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a checkout that pip never installed
        return "", None, None
    direct = dist.read_text("direct_url.json")
    if direct:
        try:
            info = json.loads(direct)
        except ValueError:
            info = {}
        vcs = info.get("vcs_info") if isinstance(info, dict) else None
        if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id"):
            return dist.version, str(info.get("url")), str(vcs["commit_id"])
    return dist.version, None, None


def _package_from_title(title: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
    if not name:
        return "api"
    if name[0].isdigit():
        name = "api_" + name
    return name if name.endswith("api") else name + "_api"


def _relative(root: Path, path: Path, what: str) -> str:
    try:
        return PurePosixPath(path.resolve().relative_to(root.resolve())).as_posix()
    except ValueError:
        raise SpecError(
            [Problem(f"{what} must be inside the repository {root}", Location(str(path), ""))]
        ) from None


def plan_init(args: argparse.Namespace) -> Plan:
    # The workflow's and hooks' texts are imported here, not with the package: the CLI reads
    # this package's arguments on every run (`generate` too), and they cost 15 ms to build.
    from generator.adopt.hooks import files_pattern, render_config
    from generator.adopt.workflow import REPORT_FILE, Paths, render_workflow
    from generator.config import load_targets, parse_targets, read_target, target_toml
    from generator.diff.release import history_versions
    from generator.loader import load_document
    from generator.report import grouped_lines

    root = Path(args.root)
    spec_path = Path(args.spec) if Path(args.spec).is_absolute() else root / args.spec
    spec = _relative(root, spec_path, "the spec")
    loaded = load_document(spec_path)  # an unusable document: SpecError, exit 2
    info = loaded.data.get("info") or {}
    version = str(info.get("version") or "")
    if not version:
        raise SpecError([Problem("info.version is needed to release", loaded.locate("/info"))])
    package = args.package or _package_from_title(str(info.get("title") or ""))
    name = args.name or package
    out = args.out or f"generated/{package}"
    spec_dir = PurePosixPath(spec).parent
    history = args.history or (
        "api-history" if str(spec_dir) == "." else (spec_dir / "history").as_posix()
    )
    paths = Paths(
        config=args.config,
        spec=spec,
        history=history,
        changelog=f"{history}/CHANGELOG.md",
        diff_ignore=f"{history}/diff-ignore.txt",
    )
    plan = Plan(root)

    # The target: read back through the settings table before anything is written.
    target = {"name": name, "spec": spec, "out": out, "package": package}
    table = target_toml(target)
    where = Location(args.config, "/tool/openapi-contract/targets")
    read_target(target, where)  # a bad --package: SpecError, exit 2
    config = root / args.config
    if config.exists():
        existing = load_targets(config)
        clash = [
            f"{t.name} ({what})"
            for t in existing
            for what, same in (
                ("same name", t.name == name),
                ("same package", t.package == package),
                ("same folder", t.out.resolve() == (root / out).resolve()),
            )
            if same
        ]
        if clash:
            raise _Conflict(
                f"{args.config} already has a target like this one: {', '.join(clash)}; "
                "nothing written (--name, --package and --out choose others)"
            )
        text = config.read_text(encoding="utf-8")
        addition = ("\n" if text and not text.endswith("\n") else "") + "\n" + table
        names = [t.name for t in parse_targets(text + addition, config)]
        if names != [t.name for t in existing] + [name]:
            raise _Conflict(
                f"{args.config} declares its targets in a way a new table cannot be appended to "
                "(an inline array?); add this table yourself:\n" + table
            )
        plan.appends[args.config] = addition
    else:
        plan.files[args.config] = (
            "# The OpenAPI contract's generated packages (openapi-contract-toolkit).\n" + table
        )

    # The first release: what the diff and the release gate compare with.
    history_dir = root / history
    if not history_versions(history_dir):
        plan.copies[f"{history}/{version}{spec_path.suffix}"] = spec_path
    if loaded.warnings:
        plan.notes.append(
            f"{spec} loads only after {len(loaded.warnings)} repair(s); the release gate loads "
            "it strictly and refuses it until the document is fixed:"
        )
        plan.notes += grouped_lines([_as_warning(w) for w in loaded.warnings], budget=12)

    toolkit_version, git_url, commit = _installed()
    toolkit = args.toolkit or (
        f"{DISTRIBUTION} @ git+{git_url}@{commit}"
        if git_url and commit
        else f"{DISTRIBUTION}=={toolkit_version}"
        if toolkit_version
        else DISTRIBUTION
    )
    if not args.toolkit and not git_url:
        plan.notes.append(
            f"CI installs `{toolkit}`; --toolkit names another requirement (a git URL)"
        )
    plan.files[args.workflow] = render_workflow(paths, toolkit, toolkit_version or "unknown")

    if not args.no_makefile:
        plan.files[FRAGMENT] = render_fragment(paths)
        makefile = root / "Makefile"
        include = f"include {FRAGMENT}\n"
        if not makefile.exists():
            plan.files["Makefile"] = include
        elif include not in makefile.read_text(encoding="utf-8"):
            text = makefile.read_text(encoding="utf-8")
            plan.appends["Makefile"] = ("\n" if text and not text.endswith("\n") else "") + (
                "\n# The contract's commands (openapi-contract init).\n" + include
            )

    pre_commit = render_config(files_pattern([spec, args.config, out + "/"]), git_url, commit)
    if (root / ".pre-commit-config.yaml").exists() and not args.force:
        if "openapi-contract-check" not in (root / ".pre-commit-config.yaml").read_text(
            encoding="utf-8"
        ):
            plan.notes.append(
                ".pre-commit-config.yaml exists and is left as it is; add the drift check:\n"
                + pre_commit
            )
    else:
        plan.files[".pre-commit-config.yaml"] = pre_commit

    gitignore = root / ".gitignore"
    ignored = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.exists() else []
    wanted = [line for line in (".generate-stamp/", REPORT_FILE) if line not in ignored]
    if wanted:
        text = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
        lead = "\n" if text and not text.endswith("\n") else ""
        plan.appends[".gitignore"] = lead + "\n".join(wanted) + "\n"
    return plan


def _as_warning(problem: Problem) -> Warning_:
    from generator.ir.model import Warning_

    return Warning_(problem.message, problem.location.pointer, problem.rule or "", problem.location)


class _Conflict(Exception):
    pass


def render_fragment(paths: Paths) -> str:
    values = paths.values()
    assignments = "".join(f"{key} ?= {value}\n" for key, value in values.items())
    return f"""\
# The contract's commands, written by `openapi-contract init` (the CI workflow runs the same).
# Include it from the Makefile: `include {FRAGMENT}`.
OPENAPI_CONTRACT ?= openapi-contract
{assignments}# What `make contract-diff` compares with.
BASE ?= origin/main

.PHONY: contract-generate contract-check contract-diff contract-release contract-gate

# Write the generated packages of every target (grouped report; --verbose lists every warning).
contract-generate:
\t$(OPENAPI_CONTRACT) generate --config $(OPENAPI_CONTRACT_CONFIG)

# Fail when the committed generated code is not what the generator writes now.
contract-check:
\t$(OPENAPI_CONTRACT) check --config $(OPENAPI_CONTRACT_CONFIG)

# Every change of the contract since BASE, classified (breaking, warning, info).
contract-diff:
\t$(OPENAPI_CONTRACT) diff "$(BASE):$(OPENAPI_CONTRACT_SPEC)" $(OPENAPI_CONTRACT_SPEC) --format text

# Release: diff against the last release, check the version policy, write the changelog,
# regenerate, store the contract in the history.
contract-release:
\t$(OPENAPI_CONTRACT) release --spec $(OPENAPI_CONTRACT_SPEC) --history $(OPENAPI_CONTRACT_HISTORY) \\
\t  --changelog $(OPENAPI_CONTRACT_CHANGELOG) --config $(OPENAPI_CONTRACT_CONFIG)

# The release gate CI runs: the contract is released and fits the version policy.
contract-gate:
\t$(OPENAPI_CONTRACT) release --check --spec $(OPENAPI_CONTRACT_SPEC) \\
\t  --history $(OPENAPI_CONTRACT_HISTORY) --changelog $(OPENAPI_CONTRACT_CHANGELOG) \\
\t  --config $(OPENAPI_CONTRACT_CONFIG)
"""


def run(args: argparse.Namespace) -> int:
    import shutil

    try:
        plan = plan_init(args)
    except _Conflict as conflict:
        print(f"error: {conflict}", file=sys.stderr)
        return EXIT_CONFLICT
    root = plan.root
    left: list[str] = []
    for rel, content in plan.files.items():
        path = root / rel
        if path.exists() and path.read_text(encoding="utf-8") != content and not args.force:
            left.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        state = (
            "unchanged"
            if path.exists() and path.read_text(encoding="utf-8") == content
            else ("overwritten" if path.exists() else "written")
        )
        path.write_text(content, encoding="utf-8")
        print(f"{state}: {rel}")
    for rel, addition in plan.appends.items():
        path = root / rel
        with path.open("a", encoding="utf-8") as handle:
            handle.write(addition)
        print(f"appended to: {rel}")
    for rel, source in plan.copies.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, root / rel)
        print(f"first release: {rel}")
    for rel in left:
        print(f"left as it is (it differs; --force overwrites): {rel}")
    for note in plan.notes:
        print(f"note: {note}")
    make = "make contract-generate" if FRAGMENT in plan.files else "openapi-contract generate"
    print(f"next: `{make}`, then commit the generated code with these files")
    return 0
