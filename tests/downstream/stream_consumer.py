"""A consumer of the SDK generated from tests/fixtures/sdk-stream.yaml (package `stream_api`):
a streamed chat completion, a plain one, JSON Lines, every-item pagination with the first page,
uploads of a path, bytes and a tuple, a download read in chunks, and the async client.
`mypy --strict` passes on it and `run()` works against tests/stream_support/app.py
(tests/test_sdk_stream_typing.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from stream_api import models
from stream_api.client import AsyncClient, Client, Stream, SyncPager
from stream_api.client.errors import StreamParseError


def run(base_url: str, upload: Path) -> list[str]:
    steps: list[str] = []
    with Client(base_url, api_key="k") as client:
        stream: Stream[models.ChatCompletionChunk] = client.chat.create_completion(
            model="m", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        with stream:
            steps.append("".join(chunk.delta for chunk in stream))
        completion: models.ChatCompletion = client.chat.create_completion(
            model="m", messages=[{"role": "user", "content": "hi"}]
        )
        steps.append(completion.content)
        steps.append(",".join(line.level for line in client.events.stream_logs()))
        try:
            for tick in client.events.stream(topic="malformed"):
                steps.append(f"tick {tick.n}")
        except StreamParseError as error:
            steps.append(f"line {error.line}")
        pager: SyncPager[models.Incident, models.ListIncidentsOKBody] = client.incidents.list(
            limit=2
        )
        first: models.ListIncidentsOKBody = pager.first_page
        steps.append(f"first {len(first.data or [])}")
        steps.append(",".join(incident.id for incident in pager))
        steps.append(str(sum(len(page) for page in client.repos.list(per_page=2).pages())))
        stored = client.files.upload(file=upload, purpose="p", attachments=[b"a"])
        steps.append(f"{stored.filename} {stored.bytes}")
        blob = client.files.put_blob(body=("x" * 10).encode())
        steps.append(f"blob {blob.bytes}")
        with client.files.with_streaming_response.download("f1") as response:
            chunk = next(response.iter_bytes())
            steps.append(f"chunk {len(chunk) > 0}")
    steps.append(asyncio.run(_async(base_url)))
    return steps


async def _async(base_url: str) -> str:
    async with AsyncClient(base_url, api_key="k") as client:
        stream = await client.chat.create_completion(model="m", messages=[], stream=True)
        text = "".join([chunk.delta async for chunk in stream])
        pager = await client.models.list()
        ids = [model.id async for model in pager]
        return f"{text} {len(ids)}"
