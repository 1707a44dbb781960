"""The MCP server's runtime (each package's `mcp/__init__.py` is rendered from its document)."""
