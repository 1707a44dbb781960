"""SDK post-releases: a package whose generated code changes while its contract does not.

A wheel's version is its contract's (`1.1.24`). When the generator changes the code it writes
for the same contract (a renamed method, a new runtime feature), the package gets a PEP 440
post-release (`1.1.24.post1`), so an index never holds two different wheels under one version.

The record is `spec/history/sdk-versions.json`, beside the released contracts: per distribution,
the contract version, the post number and a fingerprint of the generated files (every file of
the package except its changelog, with the version string itself blanked, so the fingerprint
does not depend on the post number it decides). The generator reads it (`package_version`);
two commands keep it true:

- `make sdk-version` (`python -m generator sdk-version`) re-records every target: a target
  whose fingerprint changed under the same contract gets the next post number, a target on a
  new contract version starts again at `.post0`-less `X.Y.Z`; then it regenerates. Run it after
  merging generator changes; it is idempotent.
- `python -m generator sdk-version --check` (a test runs it) fails when a target's generated
  code no longer matches its recorded fingerprint under the same contract version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RECORD_NAME = "sdk-versions.json"


@dataclass(frozen=True)
class SdkRecord:
    contract: str
    post: int
    fingerprint: str

    def as_json(self) -> dict[str, Any]:
        return {"contract": self.contract, "post": self.post, "fingerprint": self.fingerprint}


def load_records(path: Path | None) -> dict[str, SdkRecord]:
    if path is None or not path.is_file():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: SdkRecord(str(entry["contract"]), int(entry["post"]), str(entry["fingerprint"]))
        for name, entry in raw.items()
        if isinstance(entry, dict)
    }


def save_records(path: Path, records: dict[str, SdkRecord]) -> None:
    data = {name: records[name].as_json() for name in sorted(records)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def post_number(record: SdkRecord | None, contract: str) -> int:
    """The post-release of `contract`'s package (0: the contract's own version)."""
    return record.post if record is not None and record.contract == contract else 0


def with_post(version: str, post: int) -> str:
    return f"{version}.post{post}" if post > 0 else version


def fingerprint(files: dict[str, str], version: str, contract_version: str) -> str:
    """What identifies the generated code of one package, whatever its post number.

    `version` (`1.1.24.post1`) is written back as `contract_version` (`1.1.24`) before hashing.
    """
    digest = hashlib.sha256()
    for rel in sorted(files):
        if Path(rel).name == "CHANGELOG.md":
            continue  # it lists the post-releases themselves
        digest.update(rel.encode())
        digest.update(b"\0")
        text = (
            files[rel].replace(version, contract_version)
            if version != contract_version
            else files[rel]
        )
        digest.update(text.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def next_record(record: SdkRecord | None, contract: str, fingerprint_now: str) -> SdkRecord:
    """The record after re-recording: same code -> unchanged; new code -> the next post."""
    if record is None or record.contract != contract:
        return SdkRecord(contract, 0, fingerprint_now)
    if record.fingerprint == fingerprint_now:
        return record
    return SdkRecord(contract, record.post + 1, fingerprint_now)
