"""Deliberate mistakes a type checker must catch: each `# typo` line gives exactly one mypy error
(a required body field left out, too: `exchange_realtime_sdp` without `sdp`).

Checked by tests/test_downstream_typing.py; never run.
"""

from __future__ import annotations

from serviceai_api.client import Client


def mistakes(client: Client) -> None:
    client.chatty.execute_tool(functoin="get_weather")  # typo
    client.chatty.execute_tool(function=1)  # typo
    client.chatty.execute_tool(function="get_weather", argumnets={})  # typo
    client.chatty.execute_tool(arguments=["not", "an", "object"])  # typo
    client.chatty.create_realtime_token(directWebrtc=True)  # typo
    client.chatty.create_realtime_token(directWebRTC="yes")  # typo
    client.chatty.exchange_realtime_sdp(x_csrf_token="c", spd="v=0")  # typo
    client.chatty.exchange_realtime_sdp(x_csrf_token="c")  # typo
    client.chatty.list_chatty_tools()  # typo
