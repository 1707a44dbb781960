"""The CLI names itself `openapi-contract` everywhere and every command's --help has examples."""

from __future__ import annotations

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import EXAMPLES, PROG, build_parser
from tests.conftest import run_generator


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_every_command_has_examples_that_parse() -> None:
    commands = _commands()
    assert set(EXAMPLES) == {name for name in commands if name != "bump"}  # bump: an alias
    parser = build_parser()
    for name, examples in EXAMPLES.items():
        lines = [ln.strip() for ln in examples.splitlines()[1:] if ln.strip()]
        assert lines, name
        for line in lines:
            words = shlex.split(line.split("  #", 1)[0])
            assert words[:2] == [PROG, name], line
            parser.parse_args(words[1:])  # an example that does not parse exits (fails)


@pytest.mark.parametrize("command", sorted(EXAMPLES))
def test_help_names_the_program_and_shows_the_examples(command: str) -> None:
    text = _commands()[command].format_help()
    assert text.startswith(f"usage: {PROG} {command}"), text
    assert "examples:\n  openapi-contract " + command in text, text


def test_python_dash_m_generator_is_the_same_command() -> None:
    done = run_generator("--help")
    assert done.returncode == 0
    assert done.stdout.startswith(f"usage: {PROG} "), done.stdout
    assert "openapi-contract COMMAND --help" in done.stdout
    # The console script pip installs (the project is installed editable in its environment).
    installed = subprocess.run(
        [str(Path(sys.executable).parent / PROG), "init", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0 and installed.stdout.startswith(f"usage: {PROG} init")
