"""Contract-first OpenAPI toolkit: one intermediate model of a document feeds every emitter."""

__version__ = "0.1.0"
