"""Deliberate mistakes against the SDKs of tests/downstream/corpus_consumer.py: mypy reports
exactly one error on each line marked `# typo` and none elsewhere
(tests/test_sdk_corpus_consumer.py)."""

from __future__ import annotations

from pathlib import Path

from circleci.client import Client as CircleCI
from formapi.client import Client as FormAPI
from mercure.client import Client as Mercure


def mistakes(hub: Mercure, ci: CircleCI, form: FormAPI, pdf: Path) -> None:
    # A missing required keyword: the template's name.
    form.pdf.create_template(template_document=pdf)  # typo
    # A wrong upload type: a `str` path is not a file.
    form.pdf.create_template(template_document=str(pdf), template_name="invoice")  # typo
    # A missing required keyword: the topic to subscribe to.
    hub.default.get_well_known_mercure()  # typo
    # A misspelt keyword of a paged operation.
    ci.default.get_recent_builds(limt=2)  # typo
    for build in ci.default.get_recent_builds(limit=2):
        # A misspelt field of a model.
        print(build.brnch)  # typo
    created = form.pdf.create_template(template_document=pdf, template_name="invoice")
    print(created.idd)  # typo
    # A misspelt field of a multipart body (`template_parent_folder_id`).
    pdfs = form.pdf
    pdfs.create_template(template_document=pdf, template_name="", template_parent_folder="")  # typo
    with hub.default.get_well_known_mercure(topic=["books"]) as stream:
        for event in stream:
            # An event of this stream is a `str`, not a model.
            print(event.data)  # typo
    # The credential of an API key scheme is a string.
    Mercure(api_key=1234)  # typo
