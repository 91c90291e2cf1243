"""The command lines that run one segment: three processes for the pipe engine, one for the filter engine.

Both engines select the same frames (by timestamp, after a seek to a keyframe at or before the segment), hand
reexpose the same decoded pictures and encode with the same settings, so their segments hold the same frames.
"""

from .tools import ffmpeg_bin, reexpose_bin

# How far before a segment's first frame the decoder seeks (seconds). `-ss` on the input lands on a keyframe at
# or before the target; the margin covers demuxers whose index is coarse. Frames are then chosen by timestamp,
# and their count is checked, so a seek that lands too late is an error, never a silently shorter segment.
SEEK_MARGIN_S = 1.0

ENCODERS = ("ffv1", "x265")
# The libavcodec encoder behind each --encoder choice.
ENCODER_NAMES = {"ffv1": "ffv1", "x265": "libx265"}


def input_args(source, seg, threads=1):
    """Decoder threads, the seek and the input, with the source's own timestamps kept for the selection."""
    argv = ["-threads", str(threads)]
    seek = seg.start_seconds - SEEK_MARGIN_S
    if seg.start_frame > 0 and seek > 0:
        argv += ["-ss", f"{seek:.6f}", "-noaccurate_seek"]
    return argv + ["-copyts", "-i", str(source), "-map", "0:v:0"]


def select_filter(seg):
    """Frames [start, end) by timestamp, renumbered from 0 (`,` escaped for the filter-graph level)."""
    cond = f"gte(pts\\,{seg.start_pts})"
    if seg.end_pts is not None:
        cond += f"*lt(pts\\,{seg.end_pts})"
    return f"select={cond},setpts=PTS-STARTPTS"


def encoder_args(encoder, x265_params=None, keyint=None, threads=1):
    """ffv1: lossless intermediate. x265: HEVC Main10 with the preset's parameters, closed GOPs and headers on
    every keyframe, so segments concatenate into one valid stream. Both encode on `threads` threads."""
    argv = ["-threads", str(threads)]
    if encoder == "ffv1":
        return argv + ["-c:v", "ffv1", "-level", "3", "-slicecrc", "1"]
    if encoder == "x265":
        params = ":".join(p for p in [x265_params or "", "open-gop=0", f"keyint={int(keyint or 250)}",
                                      "repeat-headers=1", f"pools={int(threads)}",
                                      f"frame-threads={min(int(threads), 4)}", "log-level=error"] if p)
        return argv + ["-c:v", "libx265", "-pix_fmt", "yuv420p10le", "-profile:v", "main10", "-x265-params", params]
    raise ValueError(f"unknown encoder {encoder!r} (one of {', '.join(ENCODERS)})")


# --- pipe engine: ffmpeg | reexpose | ffmpeg ---

def decode_argv(source, seg, threads=1):
    """ffmpeg reading exactly frames [start, end) of the source's first video stream as raw video in Matroska,
    timestamps starting at 0, decoding and filtering on `threads` threads."""
    return [ffmpeg_bin(), "-nostdin", "-v", "error", "-filter_threads", str(threads),
            *input_args(source, seg, threads), "-vf", select_filter(seg), "-fps_mode", "passthrough",
            "-c:v", "rawvideo", "-strict", "-1", "-f", "matroska", "-"]


def reexpose_argv(preset, settings, stats_path, threads=1):
    argv = [reexpose_bin(), "--preset", preset, "--quiet", "--threads", str(threads)]
    for kv in settings:
        argv += ["--set", kv]
    return argv + ["--stats", str(stats_path)]


def encode_argv(encoder, out_path, x265_params=None, keyint=None, threads=1):
    """ffmpeg encoding the Matroska raw video on stdin into out_path."""
    return [ffmpeg_bin(), "-nostdin", "-v", "error", "-f", "matroska", "-i", "-", "-map", "0:v:0",
            *encoder_args(encoder, x265_params, keyint, threads), "-f", "matroska", str(out_path)]


# --- filter engine: one ffmpeg with the reexpose filter ---

# What ends or quotes a value inside one filter's `key=value:…` list, and a filter's arguments inside a graph.
_VALUE_SPECIAL = "\\':"
_GRAPH_SPECIAL = "\\'[],;"


def _escape(text, special):
    """Backslash before each special character and whitespace (av_get_token's quoting)."""
    return "".join("\\" + c if c in special or c.isspace() else c for c in str(text))


def reexpose_filter(preset, settings, stats_path, threads=1, options=frozenset()):
    """The `reexpose=…` filter of a graph, escaped twice as libavfilter parses it: each value within the
    filter's `key=value:…` list, then the whole list within the graph (paths may hold `:`, `,`, `'`, spaces).
    `options`: the options this build's filter has. Single-threaded (threads 1), `pipeline=0` keeps the
    filter's work on ffmpeg's filter thread where the filter offers a pipelined worker thread."""
    pairs = [("preset", preset)]
    if settings:
        pairs.append(("set", "|".join(settings)))
    pairs += [("threads", threads), ("stats", stats_path)]
    if int(threads) == 1 and "pipeline" in options:
        pairs.append(("pipeline", 0))
    args = ":".join(f"{k}={_escape(v, _VALUE_SPECIAL)}" for k, v in pairs)
    return "reexpose=" + _escape(args, _GRAPH_SPECIAL)


def filter_argv(ffmpeg, source, seg, preset, settings, encoder, out_path, stats_path, options,
                x265_params=None, keyint=None, threads=1):
    """One ffmpeg: decode, select, reexpose (writing its stats file at the end of the input), encode."""
    graph = select_filter(seg) + "," + reexpose_filter(preset, settings, stats_path, threads, options)
    return [ffmpeg, "-nostdin", "-v", "error", "-filter_threads", str(threads),
            *input_args(source, seg, threads), "-vf", graph, "-fps_mode", "passthrough",
            *encoder_args(encoder, x265_params, keyint, threads), "-f", "matroska", str(out_path)]
