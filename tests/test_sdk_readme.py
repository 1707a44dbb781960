"""The generated README (issue 20): every operation with its arguments (name, type, required),
one example call per resource that type-checks as written, and how each scheme authenticates."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from client_support.generated import shop_sdk
from conftest import ROOT


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shop_sdk(tmp_path_factory.getbasetemp())[0]  # sdk-core.yaml as `shop_api`


def test_every_operation_is_listed_with_its_arguments(out: Path) -> None:
    readme = (out / "README.md").read_text()
    for resource in ("orders", "payments", "auth"):
        assert f"### `client.{resource}`" in readme
    row = next(
        line for line in readme.splitlines() if line.startswith("| `client.orders.create()`")
    )
    assert "`client.orders.create_from_body(body=...)`" in row
    assert "`idempotency_key: str`, **`item: str`**, **`quantity: int`**, `note: str`" in row
    assert "| `Order` |" in row
    listed = next(
        line for line in readme.splitlines() if line.startswith("| `client.orders.list()`")
    )
    assert "**`status: ListOrdersStatus`**, `limit: int`" in listed and "`list[Order]`" in listed
    calls = re.findall(r"^\| `client\.(\w+\.\w+)\(\)`", readme, re.M)
    assert len(calls) == 14  # every operation of the document, once
    # No stream, pager or upload in this document: no such section (tests/test_sdk_merged.py
    # reads the examples where a document has them).
    assert "### Streams, pages and files" not in readme


def test_authentication_table_names_arguments_and_variables(out: Path) -> None:
    readme = (out / "README.md").read_text()
    assert (
        "| `headerKey` | the `X-API-Key` header API key | `api_key=` | `SHOP_API_HEADER_KEY`, then `SHOP_API_API_KEY` |"
        in readme
    )
    assert "`SHOP_API_BASIC_AUTH_USERNAME`/`SHOP_API_BASIC_AUTH_PASSWORD`" in readme
    assert "`SHOP_API_OAUTH_CLIENT_ID`/`SHOP_API_OAUTH_CLIENT_SECRET`" in readme
    assert "`SHOP_API_BEARER_AUTH`, then `SHOP_API_TOKEN`" in readme


def test_the_examples_type_check_as_written(out: Path) -> None:
    readme = (out / "README.md").read_text()
    blocks = re.findall(r"### `client\.\w+`\n\n```python\n(.*?)```", readme, re.S)
    assert len(blocks) == 3
    lines = ["from shop_api.client import Client", "", "", "def use(client: Client) -> None:"]
    for block in blocks:
        for line in block.strip().splitlines():
            if line.startswith("from "):
                lines.insert(1, line)
            elif line.strip():
                lines.append("    " + line.split("  # ")[0])
    program = out / "readme_examples.py"
    program.write_text("\n".join(lines) + "\n")
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "mypy"), "--strict", program.name],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, program.read_text() + done.stdout
