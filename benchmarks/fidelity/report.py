"""reports/fidelity.md and reports/fidelity.json from the measured documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.fidelity.mutations import LENIENT_KINDS


def _pct(part: int, whole: int) -> str:
    return "-" if whole == 0 else f"{100 * part / whole:.1f}%"


def totals(results: list[dict[str, Any]], engine: str) -> dict[str, int]:
    keys = ("valid", "valid_accepted", "round_trip_equal", "invalid", "invalid_rejected")
    total = dict.fromkeys(keys, 0)
    lenient = [0, 0]
    for r in results:
        score = r["engines"].get(engine)
        if not score:
            continue
        for k in keys:
            total[k] += score[k]
        for kind in LENIENT_KINDS:
            n, rejected = score["invalid_by_kind"].get(kind, [0, 0])
            lenient[0] += n
            lenient[1] += rejected
    total["lenient_invalid"], total["lenient_rejected"] = lenient
    return total


def write(results: list[dict[str, Any]], engines: tuple[str, ...], out: Path, command: str) -> str:
    out.mkdir(parents=True, exist_ok=True)
    summary = {e: totals(results, e) for e in engines}
    (out / "fidelity.json").write_text(
        json.dumps(
            {"command": command, "totals": summary, "documents": results}, indent=1, default=str
        )
        + "\n",
        encoding="utf-8",
    )
    lines = [
        "# Model fidelity",
        "",
        f"`{command}`. Valid instances drawn from every component schema and invalid ones derived",
        "by mutation, judged by `jsonschema` in the document's dialect (docs/model-fidelity.md).",
        "Invalid rejected (strictly): the share of invalid instances refused, the lenient kinds",
        f"({', '.join(LENIENT_KINDS)}) left out, as the default models accept them on purpose.",
        "",
        "## Totals",
        "",
        "| engine | valid | accepted | round-trip equal | invalid | rejected | rejected (lenient kinds left out) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for e in engines:
        t = summary[e]
        strict_n = t["invalid"] - t["lenient_invalid"]
        strict_r = t["invalid_rejected"] - t["lenient_rejected"]
        lines.append(
            f"| {e} | {t['valid']} | {_pct(t['valid_accepted'], t['valid'])} | "
            f"{_pct(t['round_trip_equal'], t['valid'])} | {t['invalid']} | "
            f"{_pct(t['invalid_rejected'], t['invalid'])} | {_pct(strict_r, strict_n)} |"
        )
    lines += ["", "## Per document", ""]
    lines.append(
        "| document | schemas | engine | valid | accepted | round-trip | invalid | rejected |"
    )
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        name = _short_name(r["document"])
        for e in engines:
            s = r["engines"].get(e)
            if s is None:
                continue
            if s.get("error") and not s["valid"]:
                lines.append(
                    f"| {name} | {r.get('schemas', '-')} | {e} | error: {s['error'][:80]} | | | | |"
                )
                continue
            lines.append(
                f"| {name} | {r.get('schemas', '-')} | {e} | {s['valid']} | "
                f"{_pct(s['valid_accepted'], s['valid'])} | {_pct(s['round_trip_equal'], s['valid'])} | "
                f"{s['invalid']} | {_pct(s['invalid_rejected'], s['invalid'])} |"
            )
    lines += ["", "## Misses (first of each kind per document and engine)", ""]
    for r in results:
        for e in engines:
            s = r["engines"].get(e)
            if not s or not s["misses"]:
                continue
            lines.append(f"### {_short_name(r['document'])} ({e})")
            lines.append("")
            shown: dict[str, int] = {}
            for miss in s["misses"]:
                if shown.get(miss["miss"], 0) >= 3:
                    continue
                shown[miss["miss"]] = shown.get(miss["miss"], 0) + 1
                instance = json.dumps(miss["instance"], default=str)
                if len(instance) > 200:
                    instance = instance[:200] + "..."
                detail = f" ({miss['detail'][:200]})" if miss["detail"] else ""
                lines.append(f"- {miss['miss']}: `{miss['schema']}` `{instance}`{detail}")
            lines.append("")
    text = "\n".join(lines) + "\n"
    (out / "fidelity.md").write_text(text, encoding="utf-8")
    return text


def _short_name(document: str) -> str:
    parts = Path(document).parts
    return "/".join(parts[-3:]) if "readme-oas-examples" in parts else "/".join(parts[-2:])
