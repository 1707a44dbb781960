"""The runtime of every generated package: modules copied into it as they are.

This folder has the layout of a generated package (`_base.py`, `client/_transport.py`, ...), so
a relative import here (`from .._version import __version__`) resolves the same way in place,
where ruff and mypy check it, and in the package it is copied into. What varies per document is
not here: each package renders it from a small template (`templates/client/_config.py.jinja`,
`templates/package/_version.py.jinja`); the stand-ins of those modules in this folder
(generator.emit.runtime.STAND_INS) carry example values and are never copied.
"""
