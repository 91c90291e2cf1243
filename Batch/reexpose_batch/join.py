"""Joining: the segments in order, without re-encoding, with the source's audio and subtitles taken once.

The concat demuxer lays the segments end to end (each starts at timestamp 0, so the timeline is continuous);
audio and subtitles come straight from the source, never cut, so there is no gap or click at segment bounds.
The light levels are the maximum over the segments' measured MaxCLL/MaxFALL, written as Matroska tags: ffmpeg
5.1 cannot set content-light side data on a stream it copies (see Batch/README.md for the bitstream route).
"""

import json
import os
from pathlib import Path

from .errors import BatchError
from .tools import ffmpeg_bin, ffprobe_json, run_checked


def video_offset(source):
    """Seconds from the source's start (its earliest stream) to its first video frame: the segments start at
    0, so the joined video is shifted by this much to keep its place against the source's audio."""
    info = ffprobe_json(source, "-select_streams", "v:0", "-show_entries", "stream=start_time:format=start_time")
    try:
        v = float(info["streams"][0]["start_time"])
        f = float(info["format"]["start_time"])
    except (KeyError, IndexError, ValueError):
        return 0.0
    return max(0.0, v - f)


def max_levels(stats_paths):
    """(maxCLL, maxFALL) over the segments' stats JSONs; None where no segment measured one."""
    cll = fall = None
    for p in stats_paths:
        s = json.loads(Path(p).read_text())
        if s.get("maxCLL") is not None:
            cll = max(cll or 0, float(s["maxCLL"]))
        if s.get("maxFALL") is not None:
            fall = max(fall or 0, float(s["maxFALL"]))
    return cll, fall


def join_segments(segment_files, stats_files, source, out_path):
    """Writes out_path (Matroska): the segments' video, copied, then the source's audio and subtitles.
    Returns the (maxCLL, maxFALL) written."""
    out_path = Path(out_path)
    if not segment_files:
        raise BatchError(f"{out_path}: no segments to join")
    for f in segment_files:
        if not Path(f).is_file():
            raise BatchError(f"{out_path}: segment {f} is missing")
    lst = out_path.with_name(f".{out_path.stem}.concat.txt")
    lst.write_text("ffconcat version 1.0\n" + "".join(
        "file '" + str(Path(f).resolve()).replace("'", "'\\''") + "'\n" for f in segment_files))
    cll, fall = max_levels(stats_files)
    tags = []
    if cll is not None:
        tags += ["-metadata:s:v:0", f"MAX_CLL={round(cll)}"]
    if fall is not None:
        tags += ["-metadata:s:v:0", f"MAX_FALL={round(fall)}"]
    tmp = out_path.with_name(f".{out_path.stem}.{os.getpid()}.tmp.mkv")
    offset = video_offset(source)
    shift = ["-itsoffset", f"{offset:.6f}"] if offset > 0 else []
    argv = [ffmpeg_bin(), "-nostdin", "-v", "error", "-y", *shift, "-f", "concat", "-safe", "0", "-i", str(lst),
            "-i", str(source), "-map", "0:v:0", "-map", "1:a?", "-map", "1:s?", "-map_metadata", "1",
            "-map_chapters", "1", "-c", "copy", *tags, "-f", "matroska", str(tmp)]
    try:
        run_checked(argv, f"join {out_path.name}")
        os.replace(tmp, out_path)
    finally:
        tmp.unlink(missing_ok=True)
        lst.unlink(missing_ok=True)
    return cll, fall
