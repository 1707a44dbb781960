"""Deliberate mistakes against the `stream_api` SDK: mypy reports exactly one error on each line
marked `# typo` (tests/test_sdk_stream_typing.py)."""

from __future__ import annotations

from stream_api import models
from stream_api.client import Client


def completed(completion: models.ChatCompletion) -> str:
    return completion.content


def mistakes(client: Client) -> None:
    client.files.upload(file="report.pdf", purpose="p")  # typo
    client.files.upload(file=b"x", purpose=1)  # typo
    client.files.put_blob(body={"not": "a file"})  # typo
    completion = client.chat.create_completion(model="m", messages=[])
    print(completion.delta)  # typo
    completed(client.chat.create_completion(model="m", messages=[], stream=True))  # typo
    for chunk in client.chat.create_completion(model="m", messages=[], stream=True):
        print(chunk.content)  # typo
    for incident in client.incidents.list():
        print(incident.titel)  # typo
    print(client.incidents.list().first_page.dataa)  # typo
