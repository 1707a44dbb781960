"""The contract gate of a repository: its CI steps, written once and rendered twice.

`openapi-contract init` renders them into the repository's workflow
(`.github/workflows/openapi-contract.yml`), and this repository's reusable GitHub Action
(`action.yml`, composite) is rendered from the same steps: the two run the same commands.
`tests/test_init.py` runs the steps of a written workflow in a throw-away git repository and
fails when the committed `action.yml` is not what `render_action()` writes now
(`python -m generator.adopt action > action.yml` rewrites it).

Every step reads its paths from `OPENAPI_CONTRACT_*` environment variables: the workflow sets
them once for the job, the action from its inputs. Nothing from the event is pasted into a
script: GitHub expressions only ever fill environment variables.
"""

from __future__ import annotations

from dataclasses import dataclass

# The report `generate` writes in CI (every warning, as JSON), uploaded as an artifact.
REPORT_FILE = "openapi-contract-report.json"

# The variables the steps read, with what each names (the action's inputs say the same).
VARIABLES: tuple[tuple[str, str, str], ...] = (
    # (variable, action input, description)
    ("OPENAPI_CONTRACT_CONFIG", "config", "the pyproject.toml holding [tool.openapi-contract]"),
    ("OPENAPI_CONTRACT_SPEC", "spec", "the contract (OpenAPI document), as committed"),
    ("OPENAPI_CONTRACT_HISTORY", "history", "the folder of released contracts"),
    ("OPENAPI_CONTRACT_CHANGELOG", "changelog", "the changelog `openapi-contract release` writes"),
    (
        "OPENAPI_CONTRACT_DIFF_IGNORE",
        "diff-ignore",
        "accepted changes (oasdiff's err-ignore format), used when the file exists",
    ),
)

# The revision the diff compares with: a pull request's base, else the commit before a push.
BASE_EXPRESSION = "${{ github.event.pull_request.base.sha || github.event.before }}"


@dataclass(frozen=True)
class Step:
    name: str
    run: str
    env: tuple[tuple[str, str], ...] = ()


CONTRACT_STEPS: tuple[Step, ...] = (
    Step(
        "Generated code is committed and current (drift check)",
        'openapi-contract check --config "$OPENAPI_CONTRACT_CONFIG"\n',
    ),
    Step(
        "Generate (the report groups warnings by rule; the JSON report holds every one)",
        f'openapi-contract generate --config "$OPENAPI_CONTRACT_CONFIG" --report {REPORT_FILE}\n',
    ),
    Step(
        "Contract diff against the base revision (breaking changes fail, annotated)",
        """\
base="$OPENAPI_CONTRACT_BASE"
if [ -n "$base" ] && ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  git fetch --no-tags --depth=1 origin "$base" 2>/dev/null || true
fi
if [ -z "$base" ] || ! git cat-file -e "$base:$OPENAPI_CONTRACT_SPEC" 2>/dev/null; then
  echo "no base revision holding $OPENAPI_CONTRACT_SPEC: nothing to compare"
  exit 0
fi
ignore=()
if [ -f "$OPENAPI_CONTRACT_DIFF_IGNORE" ]; then
  ignore=(--ignore "$OPENAPI_CONTRACT_DIFF_IGNORE")
fi
openapi-contract diff "$base:$OPENAPI_CONTRACT_SPEC" "$OPENAPI_CONTRACT_SPEC" \\
  "${ignore[@]}" --fail-on breaking --format githubactions
""",
        (("OPENAPI_CONTRACT_BASE", BASE_EXPRESSION),),
    ),
    Step(
        "The contract is released and fits the version policy (release gate)",
        """\
openapi-contract release --check --spec "$OPENAPI_CONTRACT_SPEC" \\
  --history "$OPENAPI_CONTRACT_HISTORY" --changelog "$OPENAPI_CONTRACT_CHANGELOG" \\
  --config "$OPENAPI_CONTRACT_CONFIG"
""",
    ),
)


def _block(text: str, indent: int) -> str:
    pad = " " * indent
    return "".join(pad + line if line.strip() else "\n" for line in text.splitlines(True))


def _quoted(value: str) -> str:
    # YAML double-quoted: JSON's escapes are YAML's.
    import json

    return json.dumps(value)


def _step_lines(step: Step, env: tuple[tuple[str, str], ...], shell: str | None) -> str:
    lines = f"      - name: {step.name}\n"
    if shell:
        lines += f"        shell: {shell}\n"
    every_env = env + step.env
    if every_env:
        lines += "        env:\n"
        lines += "".join(f"          {key}: {value}\n" for key, value in every_env)
    lines += "        run: |\n" + _block(step.run, 10)
    return lines


@dataclass(frozen=True)
class Paths:
    """A repository's contract paths, relative to its root (posix)."""

    config: str
    spec: str
    history: str
    changelog: str
    diff_ignore: str

    def values(self) -> dict[str, str]:
        return {
            "OPENAPI_CONTRACT_CONFIG": self.config,
            "OPENAPI_CONTRACT_SPEC": self.spec,
            "OPENAPI_CONTRACT_HISTORY": self.history,
            "OPENAPI_CONTRACT_CHANGELOG": self.changelog,
            "OPENAPI_CONTRACT_DIFF_IGNORE": self.diff_ignore,
        }


def render_workflow(paths: Paths, toolkit: str, version: str) -> str:
    """The repository's workflow: install the toolkit, then the contract steps."""
    env = "".join(f"  {key}: {_quoted(value)}\n" for key, value in paths.values().items())
    steps = "".join(_step_lines(step, (), None) for step in CONTRACT_STEPS)
    return f"""\
# The contract gate of {paths.spec}, written by `openapi-contract init` (openapi-contract-toolkit
# {version}). Each step is a command you can run locally too (the Makefile fragment has them):
# the generated code is committed and current, it generates (report uploaded), the contract
# diff against the base revision fails on a breaking change with an annotation on the line that
# made it, and the release gate checks that the contract is released in its history and fits
# the version policy. Edit freely: `init` never overwrites this file without --force.
name: openapi-contract

on:
  push:
  pull_request:

permissions:
  contents: read

env:
{env}
jobs:
  contract:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the diff reads the base revision
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the toolkit
        id: install
        run: python -m pip install {_quoted(toolkit)}
{steps}      - name: Upload the generation report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: openapi-contract-report
          path: {REPORT_FILE}
          if-no-files-found: ignore
"""


def render_action() -> str:
    """This repository's reusable action (action.yml): the same steps, paths from inputs."""
    defaults = {
        "config": "pyproject.toml",
        "spec": "",
        "history": "spec/history",
        "changelog": "spec/CHANGELOG.md",
        "diff-ignore": "spec/diff-ignore.txt",
    }
    inputs = ""
    for _variable, name, description in VARIABLES:
        inputs += f"  {name}:\n    description: {_quoted(description)}\n"
        if defaults[name]:
            inputs += f"    required: false\n    default: {_quoted(defaults[name])}\n"
        else:
            inputs += "    required: true\n"
    inputs += (
        "  base:\n"
        "    description: \"the revision the diff compares with (default: the pull request's "
        'base, else the commit before the push)"\n'
        "    required: false\n"
        f'    default: "{BASE_EXPRESSION}"\n'
        "  python-version:\n"
        '    description: "the Python the toolkit runs on"\n'
        "    required: false\n"
        '    default: "3.11"\n'
    )
    env = tuple(
        (variable, "${{ inputs." + name + " }}") for variable, name, _description in VARIABLES
    )
    steps = ""
    for step in CONTRACT_STEPS:
        # The base comes from an input here (its default is the same expression).
        own = tuple(
            (key, "${{ inputs.base }}" if value == BASE_EXPRESSION else value)
            for key, value in step.env
        )
        steps += _step_lines(Step(step.name, step.run, own), env, "bash")
    steps = "\n".join(line[2:] if line else line for line in steps.split("\n"))
    return f"""\
# Rendered from generator/adopt/workflow.py: `python -m generator.adopt action > action.yml`
# (tests/test_init.py fails when this file is stale). The same steps as the workflow that
# `openapi-contract init` writes; the checkout must include the base revision (fetch-depth: 0).
name: openapi-contract
description: "Contract gate: generated code current, generation report, contract diff against the base revision (annotated), release gate"
inputs:
{inputs}
runs:
  using: composite
  steps:
    - uses: actions/setup-python@v5
      with:
        python-version: ${{{{ inputs.python-version }}}}
    - name: Install the toolkit (this action's own checkout)
      shell: bash
      run: python -m pip install "$GITHUB_ACTION_PATH"
{steps}    - name: Upload the generation report
      if: always()
      uses: actions/upload-artifact@v4
      with:
        name: openapi-contract-report
        path: {REPORT_FILE}
        if-no-files-found: ignore
"""
