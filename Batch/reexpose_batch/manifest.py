"""The manifest: what was planned for a source with which settings, and which segments are finished.

It is what makes a rerun cheap: with the same source (path, size, mtime) and the same settings, the plan is
reused (no second cut detection) and finished segments whose files exist are not submitted again. Written
atomically (temporary file, rename) so a crash of the driver never leaves it half-written.
"""

import json
import os
from pathlib import Path

from .plan import Segment

VERSION = 1
NAME = "manifest.json"


def job_key(source, preset, settings, encoder, segment_seconds, x265_params):
    """The fields that must match for a previous run's segments to be reused."""
    st = os.stat(source)
    return {"source": str(Path(source).resolve()), "source_size": st.st_size, "source_mtime_ns": st.st_mtime_ns,
            "preset": preset, "settings": list(settings), "encoder": encoder,
            "segment_seconds": float(segment_seconds), "x265_params": x265_params}


def new_manifest(key, info, segments, keyint):
    return {"version": VERSION, **key, "frames": info.frames, "time_base": str(info.time_base),
            "frame_rate": str(info.frame_rate), "keyint": keyint,
            "segments": [{**s.to_dict(), "status": "pending"} for s in segments]}


def load(work_dir):
    p = Path(work_dir) / NAME
    if not p.exists():
        return None
    try:
        return json.loads(p.read_text())
    except (OSError, json.JSONDecodeError):
        return None  # unreadable: plan again


def matches(manifest, key):
    return manifest is not None and manifest.get("version") == VERSION and all(manifest.get(k) == v
                                                                              for k, v in key.items())


def save(work_dir, manifest):
    p = Path(work_dir) / NAME
    tmp = p.with_name(f".{NAME}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(manifest, indent=1) + "\n")
    os.replace(tmp, p)


def segments_of(manifest):
    keys = Segment.__dataclass_fields__.keys()
    return [Segment.from_dict({k: s[k] for k in keys}) for s in manifest["segments"]]


def is_done(manifest, index, seg_dir):
    """Finished: marked done and both its video and stats files are on disk."""
    s = manifest["segments"][index]
    return (s.get("status") == "done" and (Path(seg_dir) / s.get("file", "")).is_file()
            and (Path(seg_dir) / s.get("stats", "")).is_file())
