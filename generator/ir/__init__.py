"""The intermediate model of an OpenAPI document that every emitter reads."""

from generator.ir.build import build_document
from generator.ir.model import Document, Operation, Parameter, RequestBody, Response

__all__ = ["Document", "Operation", "Parameter", "RequestBody", "Response", "build_document"]
