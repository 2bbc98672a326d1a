"""Evidence export of one camera event: a ZIP holding the clip, the snapshot, `metadata.json` (the event, who
exported it and when) and `manifest.sha256` (the SHA-256 of every other file, in `sha256sum -c` format)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

MANIFEST = "manifest.sha256"


def evidence_name(event_id: str) -> str:
    """The ZIP's file name; the caller hands it to Flask's `send_file(download_name=…)`, which quotes it in
    Content-Disposition (`filename=` and RFC 5987 `filename*=`), so an odd id can never add a parameter."""
    return f"bang-chung-{event_id}.zip"


def manifest(contents: dict[str, bytes]) -> str:
    """`<sha256>  <name>` lines, sorted by name."""
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(contents.items()))


def verify(archive: bytes) -> list[str]:
    """Names whose bytes do not match the manifest, or that the manifest misses ([] means it verifies)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        lines = [line.split("  ", 1) for line in z.read(MANIFEST).decode().splitlines()]
        listed = {parts[1]: parts[0] for parts in lines if len(parts) == 2}
        names = [n for n in z.namelist() if n != MANIFEST]
        bad = [n for n in names if listed.get(n) != hashlib.sha256(z.read(n)).hexdigest()]
        return bad + [n for n in listed if n not in names]


def evidence_zip(
    event: Mapping[str, object], files: Mapping[str, Path], exported_by: Mapping[str, str], commune: str
) -> tuple[bytes, str]:
    """The ZIP and its own SHA-256 (recorded in the audit); `event` is the episode as the review API shows it
    (its addresses left out of the metadata)."""
    contents = {name: path.read_bytes() for name, path in files.items()}
    meta = {
        "commune": commune,
        "event": {k: v for k, v in event.items() if not k.endswith("_url")},
        "files": sorted(contents),
        "exported_by": exported_by,
        "exported_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "note": "Dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP): chỉ dùng cho việc xác minh vụ việc.",
    }
    contents["metadata.json"] = json.dumps(meta, ensure_ascii=False, indent=2).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in sorted(contents.items()):
            z.writestr(name, data)
        z.writestr(MANIFEST, manifest(contents))
    data = buffer.getvalue()
    return data, hashlib.sha256(data).hexdigest()
