"""The contract package for web clients (`npm-package` on a target): one folder holding the
published document as YAML and JSON, its TypeScript declarations, package.json, the changelog,
and a run-time part (a typed openapi-fetch client factory, the document as an ES module, JSON
Schema validators per component; generator/emit/npm_runtime.py). `npm pack` of the folder is the
release web teams install.

The document is the one published, without overlays (those only serve the Python SDK): web
teams type their calls from the same contract they read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from generator.config import Target
from generator.emit.npm_runtime import AJV_RANGE, OPENAPI_FETCH_RANGE, runtime_files
from generator.emit.typescript import render_types
from generator.loader.source import parse_file
from generator.plans.typescript import TsPlan, npm_version

# What the package holds, besides package.json (npm always packs that one).
PACKAGE_FILES = (
    "openapi.yaml",
    "openapi.json",
    "openapi.js",
    "openapi.d.ts",
    "types.d.ts",
    "index.js",
    "index.d.ts",
    "validators.js",
    "validators.d.ts",
    "CHANGELOG.md",
)


def published_yaml(spec: Path, data: Any) -> str:
    """The document as published: the file's own bytes when it is YAML."""
    if spec.suffix.lower() in (".yaml", ".yml"):
        return spec.read_bytes().decode("utf-8")
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def published_json(data: Any) -> str:
    """The same document as JSON: anchors expanded, key order kept."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def package_json(target: Target, plan: TsPlan, files: list[str]) -> str:
    exports: dict[str, Any] = {
        ".": {"types": "./index.d.ts", "default": "./index.js"},
        "./types": {"types": "./types.d.ts"},
        "./validators": {"types": "./validators.d.ts", "default": "./validators.js"},
        "./openapi.json": "./openapi.json",
        "./openapi.yaml": "./openapi.yaml",
        "./package.json": "./package.json",
    }
    manifest = {
        "name": target.npm_package,
        "version": npm_version(plan.version),
        "description": f"The {plan.title} contract: OpenAPI document (YAML, JSON), TypeScript "
        "types, a typed openapi-fetch client and JSON Schema validators",
        "type": "module",
        "types": "./index.d.ts",
        "exports": exports,
        "files": files,
        "sideEffects": False,
        "peerDependencies": {"openapi-fetch": OPENAPI_FETCH_RANGE, "ajv": AJV_RANGE},
        # ajv only for `./validators`: a project that does not import it needs no ajv.
        "peerDependenciesMeta": {"ajv": {"optional": True}},
    }
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def emit_npm_package(target: Target, plan: TsPlan) -> dict[str, str]:
    source = parse_file(target.spec)
    files = {
        "openapi.yaml": published_yaml(target.spec, source.data),
        "openapi.json": published_json(source.data),
        "types.d.ts": render_types(plan),
        **runtime_files(plan, source.data),
    }
    if target.changelog is not None and target.changelog.is_file():
        files["CHANGELOG.md"] = target.changelog.read_bytes().decode("utf-8")
    files["package.json"] = package_json(target, plan, [f for f in PACKAGE_FILES if f in files])
    return files
