"""Planning: where a programme may be split, and which consecutive shots make up each segment.

A segment starts only at a shot start that `reexpose --detect-cuts` printed, because only there does the
filter's state reset, so only there does a part re-expose to the same frames as the whole run. Segments are
grouped shots of about the target length; a shot longer than the target stays whole.
"""

import re
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Optional

from .errors import BatchError
from .tools import ffprobe_json, reexpose_bin, run_checked


@dataclass(frozen=True)
class Segment:
    """Frames [start_frame, end_frame) of the source. Timestamps are in the source video stream's time base;
    end_pts is the next segment's start_pts (None for the last), used to select the frames after a seek."""

    index: int
    start_frame: int
    end_frame: int
    start_pts: int
    start_seconds: float
    end_pts: Optional[int] = None

    @property
    def frames(self):
        return self.end_frame - self.start_frame

    def to_dict(self):
        return asdict(self)

    @staticmethod
    def from_dict(d):
        return Segment(**d)


@dataclass(frozen=True)
class VideoInfo:
    """What the planner and the workers need to know about the source's first video stream."""

    frames: int
    time_base: Fraction
    frame_rate: Fraction


def probe_video(path):
    """Frame count (packets read, `-count_packets`), time base and frame rate of the first video stream."""
    info = ffprobe_json(path, "-select_streams", "v:0", "-count_packets",
                        "-show_entries", "stream=nb_read_packets,time_base,r_frame_rate,avg_frame_rate")
    streams = info.get("streams") or []
    if not streams:
        raise BatchError(f"{path}: no video stream")
    s = streams[0]
    try:
        frames = int(s["nb_read_packets"])
        tb = Fraction(s["time_base"])
        rate = s.get("avg_frame_rate") if s.get("avg_frame_rate", "0/0") not in ("0/0", "0/1") else s["r_frame_rate"]
        fr = Fraction(rate)
    except (KeyError, ValueError, ZeroDivisionError) as e:
        raise BatchError(f"{path}: cannot read frame count, time base or rate from ffprobe ({e})") from None
    if frames <= 0:
        raise BatchError(f"{path}: video stream has no frames")
    return VideoInfo(frames=frames, time_base=tb, frame_rate=fr)


_TB = re.compile(r"time base (\d+)/(\d+)")


def parse_cuts(text):
    """Parses `--detect-cuts` output into (time_base or None, [(frame, pts, seconds)])."""
    tb = None
    shots = []
    for line in text.splitlines():
        if line.startswith("#"):
            m = _TB.search(line)
            if m:
                tb = Fraction(int(m.group(1)), max(int(m.group(2)), 1))
            continue
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise BatchError(f"unexpected --detect-cuts line: {line!r}")
        shots.append((int(parts[0]), int(parts[1]), float(parts[2])))
    if not shots or shots[0][0] != 0:
        raise BatchError("--detect-cuts printed no shot at frame 0")
    return tb, shots


def detect_cuts(path, preset, settings=()):
    """Runs the preset's own scene-cut detector over the file (`reexpose --detect-cuts`)."""
    argv = [reexpose_bin(), "--preset", preset, *_set_args(settings), "--detect-cuts", "-i", str(path)]
    return parse_cuts(run_checked(argv, f"detect cuts in {path}"))


def _set_args(settings):
    args = []
    for kv in settings:
        args += ["--set", kv]
    return args


def plan_segments(shots, total_frames, target_frames):
    """Groups consecutive shots (frame, pts, seconds; frame 0 first) into segments of about target_frames.

    At each shot start the segment closes there when that is at least as near the target as closing at the
    next shot start would be; so segments land near the target and never split a shot."""
    if target_frames <= 0:
        raise BatchError("segment length must be positive")
    starts = [s for s in shots if s[0] < total_frames]
    if not starts or starts[0][0] != 0:
        raise BatchError("no shot starts at frame 0")
    segments = []
    cur = starts[0]
    for i in range(1, len(starts)):
        here = starts[i][0]
        after = starts[i + 1][0] if i + 1 < len(starts) else total_frames
        length_here = here - cur[0]
        length_after = after - cur[0]
        if abs(length_here - target_frames) <= abs(length_after - target_frames):
            segments.append((cur, starts[i]))
            cur = starts[i]
    segments.append((cur, None))
    out = []
    for k, (a, b) in enumerate(segments):
        out.append(Segment(index=k, start_frame=a[0], end_frame=b[0] if b else total_frames,
                           start_pts=a[1], start_seconds=a[2], end_pts=b[1] if b else None))
    return out


def plan_file(path, preset, settings=(), segment_seconds=60.0):
    """Detects cuts, probes the stream and plans the segments. Returns (VideoInfo, [Segment]).

    detect-cuts timestamps are rescaled to the stream's time base when the two differ, so workers can
    select frames by timestamp after a seek."""
    info = probe_video(path)
    tb, shots = detect_cuts(path, preset, settings)
    if tb is not None and tb != info.time_base:
        shots = [(f, round(Fraction(p) * tb / info.time_base), s) for f, p, s in shots]
    target = max(1, round(float(segment_seconds * info.frame_rate)))
    return info, plan_segments(shots, info.frames, target)
