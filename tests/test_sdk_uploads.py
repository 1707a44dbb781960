"""File uploads through the generated SDK: what a binary part and a binary body accept, how they
are sent (streamed in chunks, never read whole), and the `TypeError` for anything else, raised
before any request is sent."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from stream_support import stream_sdk
from stream_support.app import StreamServer

BIG = 3 * 1024 * 1024 + 17  # larger than a chunk many times over


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return stream_sdk(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def server() -> Iterator[StreamServer]:
    s = StreamServer()
    yield s
    s.close()


@pytest.fixture
def state(server: StreamServer) -> Any:
    server.state.reset()
    return server.state


@pytest.fixture
def c(sdk: ModuleType, server: StreamServer) -> Iterator[Any]:
    with sdk.client.Client(server.url, api_key="k") as client:
        yield client


class Recording(io.RawIOBase):
    """A binary file that records every read's size (to prove nothing reads it whole)."""

    def __init__(self, data: bytes) -> None:
        self.inner = io.BytesIO(data)
        self.reads: list[int] = []

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.inner.seek(offset, whence)

    def tell(self) -> int:
        return self.inner.tell()

    def read(self, size: int | None = -1) -> bytes:
        self.reads.append(-1 if size is None else size)
        return self.inner.read(size)


def part(state: Any, name: str) -> dict[str, Any]:
    return next(p for p in state.uploads[-1]["parts"] if p["name"] == name)


def test_bytes_path_file_and_tuple(c: Any, state: Any, tmp_path: Path) -> None:
    stored = c.files.upload(file=b"raw bytes", purpose="p")
    assert stored.bytes == 9
    assert part(state, "file")["data"] == b"raw bytes"
    assert part(state, "purpose")["data"] == b"p"

    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.7 ...")
    stored = c.files.upload(file=report, purpose="p")
    assert stored.filename == "report.pdf" and part(state, "file")["data"] == b"%PDF-1.7 ..."

    with report.open("rb") as handle:
        c.files.upload(file=handle, purpose="p")
        assert not handle.closed  # the caller's file stays the caller's
    assert part(state, "file")["filename"] == "report.pdf"

    c.files.upload(file=("notes.txt", io.BytesIO(b"hello"), "text/plain"), purpose="p")
    got = part(state, "file")
    assert (got["filename"], got["type"], got["data"]) == ("notes.txt", "text/plain", b"hello")

    c.files.upload(file=("x.bin", b"\x00\x01"), purpose="p", attachments=[b"a", report])
    attachments = [p for p in state.uploads[-1]["parts"] if p["name"] == "attachments"]
    assert [a["data"] for a in attachments] == [b"a", b"%PDF-1.7 ..."]


def test_a_large_file_is_streamed_in_chunks(c: Any, state: Any, tmp_path: Path) -> None:
    data = bytes(range(256)) * (BIG // 256) + b"x" * (BIG % 256)
    recording = Recording(data)
    stored = c.files.upload(file=("big.bin", recording, "application/octet-stream"), purpose="p")
    assert stored.bytes == BIG and part(state, "file")["data"] == data
    assert recording.reads and max(recording.reads) <= 64 * 1024 and -1 not in recording.reads
    # A known length: sent with Content-Length, not chunked.
    assert state.uploads[-1]["content_length"] is not None

    big = tmp_path / "big.bin"
    big.write_bytes(data)
    c.files.upload(file=big, purpose="p")
    assert part(state, "file")["data"] == data


def test_binary_body_accepts_bytes_path_and_file_streamed(
    c: Any, state: Any, tmp_path: Path
) -> None:
    assert c.files.put_blob(body=b"12345").bytes == 5
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"z" * BIG)
    assert c.files.put_blob(body=blob).bytes == BIG
    sent = state.uploads[-1]
    assert sent["content_length"] == str(BIG) and sent["transfer_encoding"] is None
    assert sent["content_type"] == "application/octet-stream"
    recording = Recording(b"y" * BIG)
    assert c.files.put_blob(body=recording).bytes == BIG
    assert max(recording.reads) <= 64 * 1024 and -1 not in recording.reads


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("/etc/hostname", "str"),
        (123, "int"),
        ({"a": 1}, "dict"),
        (io.StringIO("text"), "text mode"),
        (("name.txt", "text content"), "str"),
    ],
)
def test_anything_else_is_a_type_error_before_any_request(
    c: Any, sdk: ModuleType, state: Any, value: Any, named: str
) -> None:
    with pytest.raises(TypeError, match=named) as caught:
        c.files.upload(file=value, purpose="p")
    assert isinstance(caught.value, sdk.client.errors.RequestBuildError)
    with pytest.raises(TypeError):
        c.files.put_blob(body=value)
    assert state.uploads == []  # nothing was sent


def test_async_uploads(sdk: ModuleType, server: StreamServer, state: Any, tmp_path: Path) -> None:
    blob = tmp_path / "a.bin"
    blob.write_bytes(b"q" * BIG)

    async def run() -> tuple[int, int]:
        async with sdk.client.AsyncClient(server.url, api_key="k") as ac:
            stored = await ac.files.upload(file=blob, purpose="p")
            body = await ac.files.put_blob(body=blob)
            return stored.bytes, body.bytes

    assert asyncio.run(run()) == (BIG, BIG)
    assert state.uploads[-1]["content_length"] == str(BIG)
