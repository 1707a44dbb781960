"""The reference pages of the docs site, rendered from the code they describe.

The docs site's build hook (docs/hooks/reference.py) adds these pages at build time, so the CLI,
the target settings and the warning rules are described once, in code: the argparse parser of
generator/cli.py (every command, option, default and example), the settings table of
generator/config.py, and the rule table of generator/warning_rules.py.
"""

from __future__ import annotations

import argparse

# Where the hook puts each page in the site (its nav names them).
CLI_PAGE = "reference/cli.md"
SETTINGS_PAGE = "reference/settings.md"
WARNINGS_PAGE = "reference/warnings.md"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _flags(action: argparse.Action) -> str:
    if not action.option_strings:
        return f"`{action.metavar or action.dest}`"
    shown = []
    for flag in action.option_strings:
        if action.nargs == 0:
            shown.append(f"`{flag}`")
        else:
            metavar = action.metavar or (
                "{" + ",".join(map(str, action.choices)) + "}"
                if action.choices
                else action.dest.upper()
            )
            shown.append(f"`{flag} {metavar}`")
    return ", ".join(shown)


def _default(action: argparse.Action) -> str:
    if action.nargs == 0 or action.default in (None, [], argparse.SUPPRESS):
        return ""
    return f"`{action.default}`"


def cli_page() -> str:
    from generator.cli import PROG, build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    aliases: dict[str, list[str]] = {}
    commands: dict[str, argparse.ArgumentParser] = {}
    for name, command in sub.choices.items():
        first = next((n for n, c in commands.items() if c is command), None)
        if first is None:
            commands[name] = command
        else:
            aliases.setdefault(first, []).append(name)
    lines = [
        "# Command line",
        "",
        "<!-- Rendered from generator/cli.py's parser by the docs build "
        "(generator/docs_pages.py). -->",
        "",
        f"`{PROG}` is installed with the toolkit (`pip install openapi-contract-toolkit`); "
        "`python -m generator` is the same command. An unusable document exits with status 2 "
        "and one located error per problem; no command shows a traceback for a problem in its "
        "input.",
        "",
        "| command | what it does |",
        "| --- | --- |",
    ]
    for name, command in commands.items():
        lines.append(f"| [`{name}`](#{name}) | {_cell(command.description or '')} |")
    for name, command in commands.items():
        lines += ["", f"## {name}", ""]
        lines += [command.description or "", ""]
        if name in aliases:
            lines += [f"Also: `{PROG} {' '.join(aliases[name])}`.", ""]
        usage = command.format_usage().removeprefix("usage: ").strip()
        lines += ["```text", " ".join(usage.split()), "```", ""]
        lines += ["| option | default | what it does |", "| --- | --- | --- |"]
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            lines.append(f"| {_flags(action)} | {_default(action)} | {_cell(action.help or '')} |")
        if command.epilog:
            lines += ["", "```sh"]
            lines += [ln for ln in command.epilog.splitlines()[1:] if ln.strip()]
            lines += ["```"]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def settings_page() -> str:
    from generator.config import PROJECT_SETTINGS, TARGET_SETTINGS

    lines = [
        "# Target settings",
        "",
        "<!-- Rendered from generator/config.py's TARGET_SETTINGS by the docs build "
        "(generator/docs_pages.py). -->",
        "",
        "`openapi-contract generate` (and `check`, `link`, `release`, `sdk-version`) reads its "
        "targets from `pyproject.toml`: each `[[tool.openapi-contract.targets]]` table is one "
        "document turned into one installable package. Paths are relative to `pyproject.toml`. "
        "A key that is not one of these is an error naming the known ones. "
        "`openapi-contract init` writes a target for you.",
        "",
        "| setting | kind | required | default | what it sets |",
        "| --- | --- | --- | --- | --- |",
    ]
    for s in TARGET_SETTINGS:
        kind = s.kind + (": " + ", ".join(f"`{c}`" for c in s.choices) if s.choices else "")
        lines.append(
            f"| `{s.key}` | {kind} | {'yes' if s.required else ''} | {s.default} | "
            f"{_cell(s.help)} |"
        )
    lines += ["", "Every setting, with an example value:", "", "```toml"]
    lines.append("[[tool.openapi-contract.targets]]")
    lines += [f"{s.key} = {s.example}" for s in TARGET_SETTINGS if s.example]
    lines += ["```"]
    lines += [
        "",
        "## Project settings",
        "",
        "`[tool.openapi-contract]` itself holds, beside its targets, the settings of the whole "
        "project (an unknown key is an error here too):",
        "",
        "| setting | kind | default | what it sets |",
        "| --- | --- | --- | --- |",
    ]
    for s in PROJECT_SETTINGS:
        lines.append(f"| `{s.key}` | {s.kind} | {s.default} | {_cell(s.help)} |")
    lines += ["", "```toml", "[tool.openapi-contract]"]
    lines += [f"{s.key} = {s.example}" for s in PROJECT_SETTINGS if s.example]
    lines += ["```"]
    return "\n".join(lines) + "\n"


def warnings_page() -> str:
    from generator.warning_rules import WARNING_RULES

    lines = [
        "# Warning rules",
        "",
        "<!-- Rendered from generator/warning_rules.py by the docs build "
        "(generator/docs_pages.py). -->",
        "",
        "Every warning `generate` reports names one of these rules. A **repair** changes what "
        "is generated (a fault of the document repaired by lenient loading, or a typed "
        "fallback where a construct has no exact Python type); a **notice** changes nothing. "
        "The default report lists repairs first; see [the generation report](../report.md).",
        "",
        "| rule | kind | reported by | what it means |",
        "| --- | --- | --- | --- |",
    ]
    order = {"repair": 0, "notice": 1}
    for rule in sorted(WARNING_RULES.values(), key=lambda r: (order[r.kind], r.stage, r.id)):
        lines.append(f"| `{rule.id}` | {rule.kind} | {rule.stage} | {_cell(rule.summary)} |")
    return "\n".join(lines) + "\n"


PAGES = {CLI_PAGE: cli_page, SETTINGS_PAGE: settings_page, WARNINGS_PAGE: warnings_page}
