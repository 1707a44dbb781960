"""How uvicorn's HTTP/1.1 parsers treat ambiguous framing, on a raw socket (docs/operations.md).

Each case is sent to uvicorn 0.54 serving a small echo application with `--http h11`, `--http
httptools` (and `--http zttp` when that package is installed), and to the generated
`serviceai_api.server.serve` helpers. A row shows the status lines that came back and whether
the server closed the connection; `GET /smuggled` among them means a smuggled request ran.

    .venv/bin/python scripts/framing_probe.py
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ECHO = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    out = f"{scope['method']} {scope['path']} body={size}".encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-length", str(len(out)).encode())]})
    await send({"type": "http.response.body", "body": out})
"""
GUARDED = """
import sys
from echo import app
from serviceai_api.server.serve import ServerSettings, serve
serve(app, ServerSettings(port=int(sys.argv[1]), log_level="critical"))
"""
SMUGGLED = b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
CASES = {
    "Content-Length + Transfer-Encoding": b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n" + SMUGGLED,
    "Transfer-Encoding + Content-Length": b"POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
    b"chunked\r\nContent-Length: 50\r\n\r\n" + SMUGGLED,
    "obs-fold": b"GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",
    "bare LF": b"GET /a HTTP/1.1\nHost: x\n\n",
    "Transfer-Encoding: chunked, identity": b"POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
    b"chunked, identity\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    "two Content-Length values": b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
    b"Content-Length: 5\r\n\r\nabcde",
    "NUL in a field value": b"GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
    "no Host": b"GET /a HTTP/1.1\r\n\r\n",
    "pipelined (valid)": b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def probe(port: int, raw: bytes) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(raw)
        sock.settimeout(1.0)
        data, closed = b"", False
        try:
            while chunk := sock.recv(65536):
                data += chunk
            closed = True
        except (TimeoutError, ConnectionResetError):
            pass
    lines = [
        part.split(b"\r\n")[0].decode(errors="replace") for part in data.split(b"HTTP/1.1 ")[1:]
    ]
    ran = [p.split(b" body=")[0].decode() for p in data.split(b"\r\n\r\n")[1:] if b" body=" in p]
    return f"{', '.join(lines) or '-'}{' ran ' + ' + '.join(ran) if ran else ''}" + (
        ", closed" if closed else ", kept open"
    )


def run(work: Path, command: list[str]) -> dict[str, str]:
    port = free_port()
    process = subprocess.Popen([*command, str(port)], cwd=work, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        return {name: probe(port, raw) for name, raw in CASES.items()}
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "echo.py").write_text(ECHO)
        (work / "guarded.py").write_text(GUARDED)
        servers = {}
        for parser in ("h11", "httptools", "zttp"):
            if parser != "h11" and importlib.util.find_spec(parser) is None:
                continue
            uvicorn = [sys.executable, "-m", "uvicorn", "echo:app", "--http", parser]
            servers[f"uvicorn --http {parser}"] = [*uvicorn, "--log-level", "critical", "--port"]
        servers["serviceai_api.server.serve"] = [sys.executable, "guarded.py"]
        results = {name: run(work, command) for name, command in servers.items()}
    print("| request | " + " | ".join(results) + " |")
    print("| --- |" + " --- |" * len(results))
    for case in CASES:
        print(f"| {case} | " + " | ".join(r[case] for r in results.values()) + " |")


if __name__ == "__main__":
    main()
