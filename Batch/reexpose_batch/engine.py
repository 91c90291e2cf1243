"""Which engine runs a job's segments.

pipe:   `ffmpeg (decode, select) | reexpose --stats | ffmpeg (encode)`, three processes; any ffmpeg will do.
filter: one ffmpeg built with the reexpose filter (`make ffmpeg`): decode, select, `reexpose=…:stats=…`,
        encode. No raw video through two pipes and a Matroska mux and demux, and a single-threaded segment
        keeps one core busy instead of three processes spread over several, so workers scale with cores.

Both give the same frames, the same frame-count check and the same measured light levels (the filter's
`stats` file is written by the same library code as `reexpose --stats`). The choice is made on the driver, per
source: `auto` takes the filter engine when the driver's filter ffmpeg has what the job needs and decodes the
source; workers resolve their own binaries, and a worker without that ffmpeg fails its segments with a
message that says so.
"""

import subprocess

from . import ffcaps
from .commands import ENCODER_NAMES
from .errors import BatchError
from .tools import filter_ffmpeg_bin

ENGINES = ("auto", "pipe", "filter")

# The filter engine cannot do without `stats`: it gives the frame count to check and the measured light levels.
REQUIRED_FILTER_OPTIONS = ("stats",)


def filter_unavailable(ffmpeg, encoder):
    """Why `ffmpeg` cannot run the filter engine with `encoder`, or None when it can."""
    if not ffmpeg:
        return "no ffmpeg with the reexpose filter (run `make ffmpeg`, or set REEXPOSE_FFMPEG)"
    options = ffcaps.filter_options(ffmpeg)
    if options is None:
        return f"{ffmpeg} has no reexpose filter (or cannot be run)"
    missing = [o for o in REQUIRED_FILTER_OPTIONS if o not in options]
    if missing:
        return f"{ffmpeg}: its reexpose filter has no {'/'.join(missing)} option (an older build: rerun `make ffmpeg`)"
    if not ffcaps.has(ffmpeg, "filter", "select"):
        return f"{ffmpeg} has no select filter"
    if not ffcaps.has(ffmpeg, "encoder", ENCODER_NAMES[encoder]):
        return f"{ffmpeg} has no {ENCODER_NAMES[encoder]} encoder"
    return None


def source_unreadable(ffmpeg, source):
    """Why `ffmpeg` cannot demux and decode the source's first video frame (a minimal build has few
    decoders), or None when it can."""
    argv = [ffmpeg, "-nostdin", "-v", "error", "-threads", "1", "-i", str(source), "-map", "0:v:0",
            "-frames:v", "1", "-f", "null", "-"]
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        return str(e)
    if p.returncode != 0:
        last = (p.stderr.strip().splitlines() or [f"exit status {p.returncode}"])[-1]
        return f"{ffmpeg} cannot decode its first video frame: {last}"
    return None


def settings_unfit(settings):
    """Why the filter's `set` option cannot carry these --set overrides, or None: it is one `|`-separated
    string, so a `|` inside an override would split it."""
    bad = [kv for kv in settings if "|" in kv]
    return f"--set {bad[0]!r} contains '|', which the filter's set option cannot carry" if bad else None


def choose(requested, source, encoder, ffmpeg=None, settings=()):
    """(engine, note) for one source: `requested` is auto, pipe or filter; `ffmpeg` an explicit filter ffmpeg.
    auto falls back to the pipe and says why; filter that cannot run is a BatchError."""
    if requested not in ENGINES:
        raise BatchError(f"unknown engine {requested!r} (one of {', '.join(ENGINES)})")
    if requested == "pipe":
        return "pipe", "requested"
    ff = filter_ffmpeg_bin(ffmpeg)
    why = settings_unfit(settings) or filter_unavailable(ff, encoder) or source_unreadable(ff, source)
    if why is None:
        return "filter", ff
    if requested == "filter":
        raise BatchError(f"{source}: --engine filter cannot run: {why}")
    return "pipe", why
