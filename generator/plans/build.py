"""The intermediate model with every emitter's plan laid on it: what the pipeline emits from."""

from __future__ import annotations

from generator import memory
from generator.ir.build import build_model
from generator.ir.model import Document
from generator.loader import LoadedDocument
from generator.plans.adapter import build_adapter_plan
from generator.plans.client import build_client_plan
from generator.plans.mcp import build_mcp_plan
from generator.plans.server import build_server_plan


def build_document(loaded: LoadedDocument, package: str = "api") -> Document:
    """The whole intermediate model: operations and schemas, then the server and client plans.

    `package` is the import name of the generated package; it names the client's environment
    variables (`<PACKAGE>_BASE_URL`, ...). The order matters: the MCP and adapter plans read
    the client's (its method names), and each plan may add warnings to the document.
    """
    document = build_model(loaded)
    document.server = build_server_plan(loaded.data, document)
    # The server plan's checks held a copy of the embedded schemas (jsonschema-rs's, in C
    # allocations): freed now, handed back (generator/memory.py).
    memory.release_freed_memory()
    document.client = build_client_plan(document, package)
    document.mcp = build_mcp_plan(loaded.data, document)
    document.adapter = build_adapter_plan(document)
    return document
