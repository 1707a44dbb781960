"""The intermediate model of an OpenAPI document: what the document says, decided once.

The emitters' plans (what the client, server, MCP server, adapter, models and TypeScript types
make of it) are one layer up, in `generator.plans`.
"""

from generator.ir.build import build_model
from generator.ir.model import Document, Operation, Parameter, RequestBody, Response

__all__ = ["Document", "Operation", "Parameter", "RequestBody", "Response", "build_model"]
