"""Serving the stubs to untrusted clients: `serve(app, ServerSettings(...))`.

The guarded uvicorn set-up (the httptools parser refusing ambiguous framing, request head and
body deadlines, a connection cap under the descriptor limit, one-line logs) is the package's
`_serving` module, shared with the MCP server; its docstring says what each guard does.
"""

from .._serving import GuardedHttpToolsProtocol as GuardedHttpToolsProtocol
from .._serving import ServerSettings as ServerSettings
from .._serving import descriptor_limit as descriptor_limit
from .._serving import install_loop_guard as install_loop_guard
from .._serving import protocol_class as protocol_class
from .._serving import serve as serve
from .._serving import serve_async as serve_async
from .._serving import server as server
from .._serving import uvicorn_config as uvicorn_config
