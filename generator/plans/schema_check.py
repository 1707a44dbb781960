"""Is this value valid for that schema of the document? jsonschema-rs first, jsonschema when needed.

The server plan asks it of every conventional error body against each JSON error schema (a
handful of fixed values per operation). jsonschema-rs answers without importing the Python
validator stack (jsonschema, referencing, attrs, jsonschema-specifications: about a tenth of a
second, more than the check). A schema jsonschema-rs cannot take (a reference it cannot
resolve, a pattern its regular expressions refuse) goes to jsonschema as before, imported then:
it answers, or raises, as it did. Neither fetches anything: jsonschema-rs is given a retriever
that refuses, as jsonschema's registry has no retrieval. Both are the pinned validators of the
same draft (2020-12, formats not asserted); `tests/test_schema_check.py` compares their verdicts
on the error bodies of every document of the shared corpus.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_UNSET: Any = object()


class SchemaCheck:
    """Validators of the schemas of one embedded document `SPEC_URI`, by JSON pointer.

    `embedded` is called once, at the first check: the document must be complete by then.
    `part`, when given, is the part of that document one pointer's schema needs (the schema and
    every schema it refers to, at the same pointers): jsonschema-rs's registry copies its whole
    document into its own memory, which for a large document (GitHub's: about 50 MiB) is far
    more than the few error schemas checked need. A schema the part cannot serve (a reference
    the part lacks) goes to jsonschema over the whole document, as any schema jsonschema-rs
    refuses does.
    """

    def __init__(
        self,
        uri: str,
        embedded: Callable[[], dict[str, Any]],
        part: Callable[[str], dict[str, Any]] | None = None,
    ) -> None:
        self._uri = uri
        self._embedded = embedded
        self._part = part
        self._document: Any = _UNSET
        self._fast_registry: Any = _UNSET  # jsonschema-rs's registry, None when unusable
        self._slow_registry: Any = None
        self._validators: dict[str, Callable[[Any], bool]] = {}

    def is_valid(self, pointer: str, instance: Any) -> bool:
        if pointer not in self._validators:
            self._validators[pointer] = self._fast(pointer) or self._slow(pointer)
        check = self._validators[pointer]
        try:
            return check(instance)
        except ValueError:  # jsonschema-rs refused while validating: jsonschema decides
            check = self._validators[pointer] = self._slow(pointer)
            return check(instance)

    def _ref(self, pointer: str) -> dict[str, str]:
        return {"$ref": self._uri + "#" + _fragment(pointer)}

    def _doc(self) -> Any:
        if self._document is _UNSET:
            self._document = self._embedded()
        return self._document

    def _fast(self, pointer: str) -> Callable[[Any], bool] | None:
        try:
            import jsonschema_rs
        except ImportError:  # pinned, but optional here: jsonschema decides
            return None
        try:
            if self._part is not None:  # a registry of this schema's part alone
                registry = jsonschema_rs.Registry(
                    [(self._uri, self._part(pointer))],
                    draft=jsonschema_rs.Draft202012,
                    retriever=_refuse,
                )
            else:
                if self._fast_registry is _UNSET:
                    self._fast_registry = jsonschema_rs.Registry(
                        [(self._uri, self._doc())],
                        draft=jsonschema_rs.Draft202012,
                        retriever=_refuse,
                    )
                registry = self._fast_registry
            if registry is None:
                return None
            validator = jsonschema_rs.Draft202012Validator(
                self._ref(pointer), registry=registry, retriever=_refuse
            )
        except Exception:  # a schema it cannot take: jsonschema decides
            if self._part is None and self._fast_registry is _UNSET:
                self._fast_registry = None
            return None

        def fast(instance: Any) -> bool:
            try:
                return bool(validator.is_valid(instance))
            except Exception as exc:
                raise ValueError(str(exc)) from None

        return fast

    def _slow(self, pointer: str) -> Callable[[Any], bool]:
        from jsonschema import Draft202012Validator

        if self._slow_registry is None:
            from referencing import Registry
            from referencing.jsonschema import DRAFT202012

            registry: Registry[Any] = Registry().with_resource(
                self._uri, DRAFT202012.create_resource(self._doc())
            )
            self._slow_registry = registry.crawl()
        validator = Draft202012Validator(self._ref(pointer), registry=self._slow_registry)
        return validator.is_valid


def _refuse(uri: str) -> Any:
    raise ValueError(f"not fetched: {uri}")


def _fragment(pointer: str) -> str:
    """A JSON pointer as a URI fragment (RFC 6901 section 6), percent-encoded."""
    from urllib.parse import quote

    return quote(pointer, safe="/~")
