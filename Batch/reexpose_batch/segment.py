"""One segment on one worker: exact frames out of the source, through reexpose, into an encoder, atomically.

This runs inside a Dask worker, so it takes and returns plain dicts, resolves the binaries on the worker, and
leaves either a complete segment file or none (it writes to a temporary name and renames at the end).
"""

import json
import os
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from .errors import StepError
from .plan import Segment
from .tools import ffmpeg_bin, reexpose_bin

# How far before a segment's first frame the decoder seeks (seconds). `-ss` on the input lands on a keyframe at
# or before the target; the margin covers demuxers whose index is coarse. Frames are then chosen by timestamp,
# and their count is checked, so a seek that lands too late is an error, never a silently shorter segment.
SEEK_MARGIN_S = 1.0

ENCODERS = ("ffv1", "x265")


def segment_name(index):
    return f"seg_{index:05d}"


def decode_argv(source, seg, threads=1):
    """ffmpeg reading exactly frames [start, end) of the source's first video stream as raw video in Matroska,
    timestamps starting at 0, decoding and filtering on `threads` threads."""
    argv = [ffmpeg_bin(), "-nostdin", "-v", "error", "-threads", str(threads), "-filter_threads", str(threads)]
    seek = seg.start_seconds - SEEK_MARGIN_S
    if seg.start_frame > 0 and seek > 0:
        argv += ["-ss", f"{seek:.6f}", "-noaccurate_seek"]
    cond = f"gte(pts\\,{seg.start_pts})"
    if seg.end_pts is not None:
        cond += f"*lt(pts\\,{seg.end_pts})"
    argv += ["-copyts", "-i", str(source), "-map", "0:v:0",
             "-vf", f"select={cond},setpts=PTS-STARTPTS", "-fps_mode", "passthrough",
             "-c:v", "rawvideo", "-strict", "-1", "-f", "matroska", "-"]
    return argv


def reexpose_argv(preset, settings, stats_path, threads=1):
    argv = [reexpose_bin(), "--preset", preset, "--quiet", "--threads", str(threads)]
    for kv in settings:
        argv += ["--set", kv]
    return argv + ["--stats", str(stats_path)]


def encode_argv(encoder, out_path, x265_params=None, keyint=None, threads=1):
    """ffv1: lossless intermediate. x265: HEVC Main10 with the preset's parameters, closed GOPs and headers on
    every keyframe, so segments concatenate into one valid stream. Both encode on `threads` threads."""
    argv = [ffmpeg_bin(), "-nostdin", "-v", "error", "-f", "matroska", "-i", "-", "-map", "0:v:0",
            "-threads", str(threads)]
    if encoder == "ffv1":
        argv += ["-c:v", "ffv1", "-level", "3", "-slicecrc", "1"]
    elif encoder == "x265":
        params = ":".join(p for p in [x265_params or "", "open-gop=0", f"keyint={int(keyint or 250)}",
                                      "repeat-headers=1", f"pools={int(threads)}",
                                      f"frame-threads={min(int(threads), 4)}", "log-level=error"] if p)
        argv += ["-c:v", "libx265", "-pix_fmt", "yuv420p10le", "-profile:v", "main10", "-x265-params", params]
    else:
        raise ValueError(f"unknown encoder {encoder!r} (one of {', '.join(ENCODERS)})")
    return argv + ["-f", "matroska", str(out_path)]


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


def process_segment(spec):
    """Re-exposes one segment. spec: source, segment (dict), preset, settings, encoder, x265_params, keyint,
    seg_dir, threads (of each process in the pipe; default 1). Returns index, frames, maxCLL, maxFALL, file, stats, seconds."""
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

    threads = int(spec.get("threads", 1))
    argvs = [decode_argv(spec["source"], seg, threads),
             reexpose_argv(spec["preset"], spec.get("settings", ()), tmp_stats, threads),
             encode_argv(spec["encoder"], tmp_video, spec.get("x265_params"), spec.get("keyint"), threads)]
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
        stats = json.loads(tmp_stats.read_text())
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
            "seconds": round(time.monotonic() - t0, 3), "worker_pid": os.getpid()}
