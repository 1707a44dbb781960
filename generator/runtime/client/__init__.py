"""The client SDK's runtime (each package's `client/__init__.py` is rendered from its document)."""
