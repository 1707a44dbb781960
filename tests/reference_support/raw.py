"""Raw HTTP/1.1 over a socket: what an attacker sends, byte for byte, and everything the server
answers until it closes the connection (or goes quiet)."""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass


@dataclass
class Exchange:
    data: bytes  # every byte the server sent
    closed: bool  # the server closed the connection (else it went quiet for `quiet` seconds)

    @property
    def statuses(self) -> list[int]:
        """The status of every response in `data` (two means a second request was executed)."""
        return [int(status) for status in re.findall(rb"HTTP/1\.1 (\d{3}) ", self.data)]

    def json_body(self) -> object:
        return json.loads(self.data.split(b"\r\n\r\n", 1)[1])

    def header(self, name: str) -> str | None:
        head = self.data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        for line in head.split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return None


def address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


def exchange(url: str, raw: bytes, quiet: float = 2.0, limit: float = 30.0) -> Exchange:
    """Send `raw`, then read until the server closes, or sends nothing for `quiet` seconds."""
    with socket.create_connection(address(url), timeout=limit) as sock:
        sock.sendall(raw)
        return read_all(sock, quiet)


def read_all(sock: socket.socket, quiet: float) -> Exchange:
    data = b""
    sock.settimeout(quiet)
    while True:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            return Exchange(data, False)
        except ConnectionResetError:
            return Exchange(data, True)
        if not chunk:
            return Exchange(data, True)
        data += chunk
