"""The docs site builds with every link and anchor checked, and its reference pages are the code's.

`mkdocs build --strict` of the real site (docs/, mkdocs.yml) must pass: a broken link or anchor
anywhere fails this test. The command line page lists every command and option of the parser,
the settings page every key of the settings table, the warnings page every rule. A small site
with a broken link and a broken anchor proves the site's validation settings catch both. The
README's links into docs/ point at pages that exist, and the README has no measured figure.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.cli import build_parser
from generator.config import TARGET_SETTINGS
from generator.warning_rules import WARNING_RULES
from tests.conftest import ROOT

MKDOCS = [sys.executable, "-m", "mkdocs"]


def _build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--config-file", str(config), "--site-dir", str(site)],
        cwd=config.parent,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = _build(ROOT / "mkdocs.yml", out)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "WARNING" not in done.stderr, done.stderr[-3000:]
    return out


def _text(page: Path) -> str:
    return re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))


def test_the_cli_page_has_every_command_and_option(site: Path) -> None:
    text = _text(site / "reference" / "cli" / "index.html")
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for name, command in sub.choices.items():
        assert f"openapi-contract {name}" in text, name
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            for flag in action.option_strings:
                assert flag in text, (name, flag)
    assert "openapi-contract init --spec api.json --package api" in text  # the examples


def test_the_settings_and_warnings_pages_have_every_key_and_rule(site: Path) -> None:
    settings = _text(site / "reference" / "settings" / "index.html")
    for setting in TARGET_SETTINGS:
        assert setting.key in settings, setting.key
    warnings = _text(site / "reference" / "warnings" / "index.html")
    for rule in WARNING_RULES:
        assert rule in warnings, rule


def test_every_page_in_the_nav_exists_and_the_nav_names_the_reference(site: Path) -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def pages(nav: object) -> list[str]:
        if isinstance(nav, str):
            return [nav]
        if isinstance(nav, list):
            return [p for item in nav for p in pages(item)]
        if isinstance(nav, dict):
            return [p for value in nav.values() for p in pages(value)]
        return []

    listed = pages(config["nav"])
    assert {"reference/cli.md", "reference/settings.md", "reference/warnings.md"} <= set(listed)
    for page in listed:
        built = site / page.removesuffix(".md") / "index.html"
        if page == "index.md":
            built = site / "index.html"
        assert built.is_file(), page


def test_a_broken_link_or_anchor_fails_the_build(tmp_path: Path) -> None:
    """The site's own validation settings, on a two-page site with one fault each time."""
    validation = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["validation"]
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "other.md").write_text("# Other\n\n## Here\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        yaml.safe_dump({"site_name": "t", "validation": validation}), encoding="utf-8"
    )
    for link, fault in (
        ("other.md#here", None),
        ("missing.md", "missing.md"),
        ("other.md#nowhere", "nowhere"),
    ):
        (tmp_path / "docs" / "index.md").write_text(f"# T\n\n[x]({link})\n", encoding="utf-8")
        done = _build(config, tmp_path / "site")
        if fault is None:
            assert done.returncode == 0, done.stderr
        else:
            assert done.returncode != 0 and fault in done.stderr, (link, done.stderr)


README = ROOT / "README.md"
# A measured figure: a number with a unit of time, size or ratio, or a count with a thousands
# separator. Those live on docs pages with their date and command, or in reports/.
FIGURE = re.compile(
    r"\b\d[\d,.]*\s?(ms|µs|s|sec|seconds|min|minutes|MiB|GiB|MB|KB|%|x)\b|\b\d{1,3}(,\d{3})+\b"
)


def test_the_readme_is_a_front_door() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    assert FIGURE.findall(prose) == [], FIGURE.findall(prose)
    for target in re.findall(r"\]\((docs/[^)#]+)", text):
        assert (ROOT / target).is_file(), target
