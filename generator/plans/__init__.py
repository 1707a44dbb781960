"""Each emitter's plan: what the client, server, MCP server, REST adapter, models and TypeScript
types make of the intermediate model (`generator.ir`), decided once so the emitters only render.

A plan reads the model; the model never imports a plan at run time (the plan fields of
`generator.ir.model.Document` name their types under `TYPE_CHECKING` only).
"""

from generator.plans.build import build_document

__all__ = ["build_document"]
