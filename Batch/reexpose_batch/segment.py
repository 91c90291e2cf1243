"""One segment on one worker: exact frames out of the source, through reexpose, into an encoder, atomically.

This runs inside a Dask worker, so it takes and returns plain dicts, resolves the binaries on the worker, and
leaves either a complete segment file or none (it writes to a temporary name and renames at the end). The
engine (engine.py) decides the processes: the pipe's three or the filter's one; either way the stats file
(`reexpose --stats`, or the filter's `stats` option) gives the frame count that is checked and the light levels.
"""

import json
import os
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from . import ffcaps
from .commands import decode_argv, encode_argv, filter_argv, reexpose_argv
from .engine import filter_unavailable
from .errors import StepError
from .plan import Segment
from .tools import filter_ffmpeg_bin


def segment_name(index):
    return f"seg_{index:05d}"


def _blame(stages):
    """The stage to name when a pipe fails: the first failure that is not merely a broken pipe downstream of
    another failure, else the first failure."""
    failed = [s for s in stages if s[2] != 0]
    if not failed:
        return None
    for s in failed:
        if s[2] != -13 and "Broken pipe" not in s[3]:
            return s
    return failed[0]


def _crash_hook(spec, seg, tmp_video):
    """Test hook: on the first attempt at this segment, leave a partial file and kill the worker process."""
    d = spec.get("crash_once_dir")
    if not d or seg.index not in spec.get("crash_segments", [seg.index]):
        return
    marker = Path(d) / f"{segment_name(seg.index)}.crashed"
    if marker.exists():
        return
    marker.write_text(str(os.getpid()))
    tmp_video.write_bytes(b"partial")
    os._exit(1)


def _argvs(spec, seg, what, tmp_video, tmp_stats):
    """The segment's processes, first to last, each reading the previous one's stdout."""
    threads = int(spec.get("threads", 1))
    encoder, params, keyint = spec["encoder"], spec.get("x265_params"), spec.get("keyint")
    if spec.get("engine", "pipe") == "filter":
        ff = filter_ffmpeg_bin(spec.get("filter_ffmpeg"))
        why = filter_unavailable(ff, encoder)
        if why:
            raise StepError(what, [ff or "ffmpeg"], None, f"filter engine on this worker: {why}")
        return [filter_argv(ff, spec["source"], seg, spec["preset"], spec.get("settings", ()), encoder, tmp_video,
                            tmp_stats, ffcaps.filter_options(ff), params, keyint, threads)]
    return [decode_argv(spec["source"], seg, threads),
            reexpose_argv(spec["preset"], spec.get("settings", ()), tmp_stats, threads),
            encode_argv(encoder, tmp_video, params, keyint, threads)]


def process_segment(spec):
    """Re-exposes one segment. spec: source, segment (dict), preset, settings, encoder, x265_params, keyint,
    seg_dir, threads (of each process; default 1), engine (pipe or filter; default pipe), filter_ffmpeg (an
    explicit filter ffmpeg, else the worker's own). Returns index, frames, maxCLL, maxFALL, file, stats,
    seconds, engine."""
    seg = Segment.from_dict(spec["segment"])
    seg_dir = Path(spec["seg_dir"])
    seg_dir.mkdir(parents=True, exist_ok=True)
    name = segment_name(seg.index)
    final_video = seg_dir / f"{name}.mkv"
    final_stats = seg_dir / f"{name}.json"
    token = uuid.uuid4().hex[:8]
    tmp_video = seg_dir / f".{name}.{token}.tmp.mkv"
    tmp_stats = seg_dir / f".{name}.{token}.tmp.json"
    what = f"segment {seg.index} (frames {seg.start_frame}-{seg.end_frame - 1})"
    t0 = time.monotonic()
    _crash_hook(spec, seg, tmp_video)

    argvs = _argvs(spec, seg, what, tmp_video, tmp_stats)
    errs = [tempfile.TemporaryFile() for _ in argvs]
    procs = []
    try:
        prev = None
        for i, argv in enumerate(argvs):
            last = i == len(argvs) - 1
            try:
                p = subprocess.Popen(argv, stdin=prev if prev is not None else subprocess.DEVNULL,
                                     stdout=None if last else subprocess.PIPE, stderr=errs[i])
            except FileNotFoundError as e:
                raise StepError(what, argv, 127, str(e)) from None
            if prev is not None:
                prev.close()  # the child holds it now; closing ours lets SIGPIPE/EOF propagate
            prev = p.stdout
            procs.append(p)
        codes = [p.wait() for p in procs]
        stages = []
        for argv, code, f in zip(argvs, codes, errs):
            f.seek(0)
            stages.append((what, argv, code, f.read().decode("utf-8", "replace")[-2000:]))
        bad = _blame(stages)
        if bad:
            raise StepError(*bad)
        try:
            stats = json.loads(tmp_stats.read_text())
        except (OSError, ValueError) as e:
            raise StepError(what, argvs[-1], None, f"no readable stats file after a clean exit ({e})") from None
        frames = int(stats.get("frames", -1))
        if frames != seg.frames:
            raise StepError(what, argvs[0], None, f"selected {frames} frames, expected {seg.frames} "
                                               f"(a seek or timestamp mismatch in the source)")
        os.replace(tmp_stats, final_stats)
        os.replace(tmp_video, final_video)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        for f in errs:
            f.close()
        for t in (tmp_video, tmp_stats):
            t.unlink(missing_ok=True)
    return {"index": seg.index, "frames": frames, "maxCLL": stats.get("maxCLL"), "maxFALL": stats.get("maxFALL"),
            "file": final_video.name, "stats": final_stats.name, "bytes": final_video.stat().st_size,
            "seconds": round(time.monotonic() - t0, 3), "worker_pid": os.getpid(),
            "engine": spec.get("engine", "pipe")}
