"""The server stubs' runtime (each package's `server/__init__.py` is rendered from its document)."""
