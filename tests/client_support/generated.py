"""Generate an SDK for a test document into a temporary folder and import it."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from conftest import run_generator


def generate_sdk(spec: Path, out: Path, package: str) -> ModuleType:
    """`python -m generator generate` as a user runs it, then `import <package>` from `out`."""
    done = run_generator("generate", "--spec", str(spec), "--out", str(out), "--package", package)
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(out))
    importlib.invalidate_caches()
    module = importlib.import_module(package)
    importlib.import_module(f"{package}.client")
    return module


# tests/fixtures/sdk-core.yaml, generated once per session as `shop_api` (test_client_auth,
# _lenient, _retries, test_sdk_required, test_sdk_readme read the same package: one generation
# instead of five, and the mypy runs over it share the incremental cache's analysis of it).
SHOP_SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "sdk-core.yaml"
SHOP_PACKAGE = "shop_api"
_shop: dict[str, tuple[Path, ModuleType]] = {}


def shop_sdk(base: Path) -> tuple[Path, ModuleType]:
    """The folder and the imported package of sdk-core.yaml's SDK (generated on first use)."""
    if SHOP_PACKAGE not in _shop:
        out = base / "shop-sdk"
        _shop[SHOP_PACKAGE] = (out, generate_sdk(SHOP_SPEC, out, SHOP_PACKAGE))
    return _shop[SHOP_PACKAGE]
