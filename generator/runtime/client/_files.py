"""File uploads (part of the SDK runtime): what a binary part or body accepts, sent streamed.

A multipart part the document types as binary (`format: binary`, a non-text
`contentMediaType`) and a binary request body take `FileTypes`:

- `bytes`;
- a path (`os.PathLike`: `pathlib.Path("report.pdf")`): opened only while it is sent, read in
  chunks, its name the part's filename;
- an open binary file (`open(p, "rb")`, `io.BytesIO`): read in chunks from its start, never
  closed by the SDK;
- `(filename, content)` or `(filename, content, content_type)` with one of the above.

Anything else (a `str`, a text file, a number, a mapping) raises `TypeError` before any request
is sent: a path given as a `str` would otherwise be uploaded as its own text.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import AsyncIterator, Iterator
from typing import IO, Any, TypeAlias

FileContent: TypeAlias = "bytes | os.PathLike[str] | IO[bytes]"
FileTypes: TypeAlias = (
    "FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]"
)
_CHUNK = 64 * 1024


def is_stream(value: Any) -> bool:
    """A path or an open file (sent as a file part wherever it is given)."""
    return isinstance(value, os.PathLike) or (
        hasattr(value, "read") and not isinstance(value, str | bytes)
    )


def _content(value: Any, where: str) -> Any:
    """What httpx sends for one file's content: bytes, a lazily opened path, or the file."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, os.PathLike):
        return _PathFile(os.fspath(value))
    if isinstance(value, io.TextIOBase):
        raise TypeError(f"{where}: a file opened in text mode; open it with 'rb'")
    if hasattr(value, "read") and not isinstance(value, str):
        return value
    raise TypeError(
        f"{where} takes bytes, a path (os.PathLike), an open binary file or "
        f"(filename, content, content_type), not {type(value).__name__}"
    )


def _filename(value: Any) -> str | None:
    if isinstance(value, os.PathLike):
        path: str = os.fspath(value)
        return os.path.basename(path)
    name = getattr(value, "name", None)
    return str(os.path.basename(name)) if isinstance(name, str) and name else None


def file_part(
    name: str, value: Any, content_type: str | None
) -> tuple[str | None, Any, str | None]:
    """(filename, content, content type) of one binary multipart part, as httpx sends it."""
    where = f"the {name!r} part"
    if isinstance(value, tuple):
        if len(value) not in (2, 3):
            raise TypeError(
                f"{where}: a tuple is (filename, content) or (filename, content, content_type)"
            )
        filename, content = value[0], value[1]
        if filename is not None and not isinstance(filename, str):
            raise TypeError(f"{where}: the filename must be a str or None")
        kind = value[2] if len(value) == 3 else None
        if kind is not None and not isinstance(kind, str):
            raise TypeError(f"{where}: the content type must be a str or None")
        return (
            filename,
            _content(content, where),
            kind or content_type or "application/octet-stream",
        )
    content = _content(value, where)
    return (_filename(value) or name, content, content_type or "application/octet-stream")


def body_content(value: Any, asynchronous: bool = False) -> tuple[Any, int | None]:
    """A binary request body: (what httpx sends, its length when known without reading it)."""
    content = _content(value, "the request body")
    if isinstance(content, bytes):
        return content, len(content)
    length = _length(content)
    return (_AsyncChunks(content) if asynchronous else _Chunks(content)), length


def _length(file: Any) -> int | None:
    try:
        return os.fstat(file.fileno()).st_size - _tell(file)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        pass
    try:
        here = file.tell()
        end = file.seek(0, os.SEEK_END)
        file.seek(here)
        return int(end) - int(here)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None


def _tell(file: Any) -> int:
    try:
        return int(file.tell())
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return 0


class _Chunks:
    """The body read in chunks as it is sent; a retry starts again where the first try did."""

    def __init__(self, file: Any) -> None:
        self.file = file
        self.start = _tell(file)

    def __iter__(self) -> Iterator[bytes]:
        if hasattr(self.file, "seek"):
            with contextlib.suppress(OSError, io.UnsupportedOperation):
                self.file.seek(self.start)
        try:
            while True:
                chunk = self.file.read(_CHUNK)
                if not chunk:
                    break
                yield bytes(chunk)
        finally:
            if isinstance(self.file, _PathFile):
                self.file.close()


class _AsyncChunks(_Chunks):
    """`_Chunks` for the async client (httpx sends only async iterables there)."""

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._read()

    async def _read(self) -> AsyncIterator[bytes]:
        for chunk in _Chunks.__iter__(self):
            yield chunk

    __iter__ = None  # type: ignore[assignment]  # not a sync iterable: httpx must stream it async


class _PathFile:
    """A file named by a path, opened on the first read and closed at its end (and reopened
    when read again, for a retry), so building a request holds no open file."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.name = path
        self._file: IO[bytes] | None = None
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        if self._file is None:
            self._file = open(self.path, "rb")  # noqa: SIM115 - closed at the end of the file
            self._file.seek(self._position)
        data = self._file.read(size)
        self._position += len(data)
        if not data or size < 0:
            self.close()
        return data

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_END:
            offset += os.path.getsize(self.path)
        elif whence == os.SEEK_CUR:
            offset += self._position
        self._position = offset
        if self._file is not None:
            self._file.seek(offset)
        return offset

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
