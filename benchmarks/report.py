"""The benchmark's table: printed, and written to reports/bench.md and reports/bench.json."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Row:
    benchmark: str
    ours: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    status: str = ""  # "pass", "FAIL" or "" (no target)


COLUMNS = ("benchmark", "ours", "baseline", "ratio", "target", "status")


def seconds(value: float) -> str:
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def mib(value: float) -> str:
    return f"{value:.0f} MiB"


def ratio(ours: float, baseline: float) -> str:
    return f"{ours / baseline:.2f}x" if baseline else "n/a"


def mark(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def render(title: str, notes: list[str], rows: list[Row]) -> str:
    """A Markdown table padded to line up in a terminal."""
    cells = [COLUMNS, *[tuple(getattr(r, c) for c in COLUMNS) for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]

    def line(values: tuple[str, ...]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    table = [line(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    table.extend(line(row) for row in cells[1:])
    head = [f"## {title}", "", *notes, ""] if notes else [f"## {title}", ""]
    return "\n".join([*head, *table]) + "\n"


def write(out: Path, text: str, rows: list[Row], details: dict[str, object]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.md").write_text(text, encoding="utf-8")
    payload = {"rows": [asdict(r) for r in rows], **details}
    (out / "bench.json").write_text(
        json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
