"""Running methods in real ffmpeg pipes, and decoding their output to absolute light.

Every method is a command that reads a video stream on stdin and writes Matroska on stdout,
exactly like ``reexpose --preset NAME --quiet``. The LDR clip is fed by
``ffmpeg -i ldr.mkv -f nut -c:v rawvideo -`` and the output is stored as a file, probed with
ffprobe and decoded in numpy (decode_hdr): planar Y'CbCr of any bit depth or gbrpf32le, the
matrix and range undone here, then the inverse PQ / HLG (or the SDR/linear scale) applied.
Doing the matrix in numpy avoids swscale's float path, which reads PQ 203 cd/m^2 as ~199.
"""

import json
import os
import shutil
import subprocess
import time

import numpy as np

from . import colour

# Baseline `zscale-static`: the BT.1886 display-referred static conversion, ffmpeg's zscale as a
# stand-in for a `static` preset. zimg linearises tin=bt709 display-referred, i.e. with the
# BT.1886 EOTF (pure 2.4 power, black 0), not the inverse BT.709 OETF (checked in test_eval:
# code 0.5 -> 0.5**2.4 x 203 cd/m^2). BT.709 SDR, SDR white = 203 cd/m^2 through npl ->
# PQ BT.2020 yuv420p10le limited range, in Matroska.
ZSCALE_FILTER = ("zscale=tin=bt709:pin=bt709:min=bt709:rin=limited:"
                 "t=smpte2084:p=bt2020:m=bt2020nc:r=limited:npl=203,format=yuv420p10le")
_ZSCALE_OUT = ["-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc",
               "-color_range", "tv", "-c:v", "rawvideo", "-strict", "-1", "-f", "matroska", "-"]
ZSCALE_CMD = ["ffmpeg", "-v", "error", "-f", "nut", "-i", "-", "-vf", ZSCALE_FILTER] + _ZSCALE_OUT

# Baseline `hqdn3d-zscale@LS:CS:LT:CT`: what a user can type today, ffmpeg's hqdn3d at 16 bits
# (luma spatial, chroma spatial, luma temporal, chroma temporal strengths) then the same static
# conversion. HQDN3D_DEFAULT is used for a bare `hqdn3d-zscale`; `make eval-hqdn3d-sweep` scores
# HQDN3D_SWEEP on data/tune and names the best (Training/README.md).
HQDN3D_DEFAULT = "16:12:24:18"
HQDN3D_SWEEP = ("2:1.5:3:2.25", "4:3:6:4.5", "8:6:12:9", "16:12:24:18")
HQDN3D_PREFIX = "hqdn3d-zscale"


def parse_hqdn3d(strength):
    """'LS:CS:LT:CT' -> its four non-negative floats; ValueError otherwise."""
    parts = strength.split(":")
    try:
        vals = [float(x) for x in parts]
    except ValueError:
        vals = []
    if len(vals) != 4 or any(not (v >= 0.0 and v < 1e4) for v in vals):
        raise ValueError(f"hqdn3d strength '{strength}': expected LS:CS:LT:CT, four numbers >= 0")
    return vals


def hqdn3d_strength(method):
    """The strength of a `hqdn3d-zscale[@LS:CS:LT:CT]` method name, or None for other methods."""
    name, _, strength = method.partition("@")
    if name != HQDN3D_PREFIX:
        return None
    strength = strength or HQDN3D_DEFAULT
    parse_hqdn3d(strength)
    return strength


def hqdn3d_filter(strength=HQDN3D_DEFAULT):
    """The -vf chain of the hqdn3d baseline: 16-bit 4:2:0, hqdn3d, then the zscale conversion."""
    parse_hqdn3d(strength)
    return f"format=yuv420p16le,hqdn3d={strength}," + ZSCALE_FILTER


def hqdn3d_cmd(strength=HQDN3D_DEFAULT):
    """The pipe command of `hqdn3d-zscale@strength` (single-threaded filtering: repeatable)."""
    return (["ffmpeg", "-v", "error", "-f", "nut", "-i", "-", "-filter_threads", "1",
             "-vf", hqdn3d_filter(strength)] + _ZSCALE_OUT)


class PipeError(RuntimeError):
    """A method's pipe failed or produced no video."""


def reexpose_bin():
    """Path of the reexpose binary: $REEXPOSE_BIN or .build/release/reexpose."""
    return os.environ.get("REEXPOSE_BIN", ".build/release/reexpose")


def reexpose_cmd(preset, stats=None, events=None):
    """The reexpose command line for a preset (optionally writing --stats JSON, reading --events)."""
    cmd = [reexpose_bin(), "--preset", preset, "--quiet"]
    return cmd + (["--stats", stats] if stats else []) + (["--events", events] if events else [])


def run_pipe(ldr_path, method_cmd, out_path):
    """Feed ldr_path through method_cmd into out_path; returns wall seconds of the pipe."""
    feed = ["ffmpeg", "-v", "error", "-i", ldr_path, "-f", "nut", "-c:v", "rawvideo", "-"]
    start = time.monotonic()
    with open(out_path, "wb") as out:
        src = subprocess.Popen(feed, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            dst = subprocess.Popen(method_cmd, stdin=src.stdout, stdout=out,
                                   stderr=subprocess.PIPE)
        except OSError as e:
            src.kill()
            src.wait()
            raise PipeError(f"cannot start {method_cmd[0]}: {e}") from e
        src.stdout.close()
        _, err = dst.communicate()
        src_err = src.stderr.read()
        src.wait()
    wall = time.monotonic() - start
    if dst.returncode != 0 or os.path.getsize(out_path) == 0:
        raise PipeError(f"{' '.join(method_cmd)} exited {dst.returncode}: "
                        f"{err.decode(errors='replace')[-2000:]}{src_err.decode(errors='replace')[-500:]}")
    return wall


def probe(path):
    """Stream properties of a video file (ffprobe JSON of the first video stream)."""
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "stream=width,height,pix_fmt,color_range,color_space,color_transfer,"
                          "color_primaries", "-of", "json", path],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    streams = json.loads(out.stdout or b"{}").get("streams", [])
    if out.returncode != 0 or not streams:
        raise PipeError(f"{path}: no video stream ({out.stderr.decode(errors='replace')[-500:]})")
    return streams[0]


_YUV = {  # pix_fmt -> (bits, chroma subsampling x, y)
    "yuv420p": (8, 2, 2), "yuv422p": (8, 2, 1), "yuv444p": (8, 1, 1),
    "yuv420p10le": (10, 2, 2), "yuv422p10le": (10, 2, 1), "yuv444p10le": (10, 1, 1),
    "yuv420p12le": (12, 2, 2), "yuv444p12le": (12, 1, 1),
    "yuv420p16le": (16, 2, 2), "yuv444p16le": (16, 1, 1),
}
_KRB = {"bt2020nc": (0.2627, 0.0593), "bt2020c": (0.2627, 0.0593), "bt709": (0.2126, 0.0722),
        "smpte170m": (0.299, 0.114), "bt470bg": (0.299, 0.114)}


def yuv_to_rgb(y, u, v, bits, limited, matrix):
    """Planar Y'CbCr (integer codes, chroma already upsampled) -> non-linear R'G'B' [..., 3]."""
    s = float(1 << (bits - 8))
    if limited:
        yf = (y - 16.0 * s) / (219.0 * s)
        uf = (u - 128.0 * s) / (224.0 * s)
        vf = (v - 128.0 * s) / (224.0 * s)
    else:
        m = float((1 << bits) - 1)
        yf, uf, vf = y / m, u / m - 0.5 * (1 << bits) / m, v / m - 0.5 * (1 << bits) / m
    kr, kb = _KRB.get(matrix, _KRB["bt709"])
    kg = 1.0 - kr - kb
    r = yf + 2.0 * (1.0 - kr) * vf
    b = yf + 2.0 * (1.0 - kb) * uf
    g = (yf - kr * r - kb * b) / kg
    return np.stack([r, g, b], axis=-1)


def decode_signal(path, info=None):
    """Decode a video file to its non-linear R'G'B' float64 [T, H, W, 3] plus probe info."""
    info = info or probe(path)
    w, h, fmt = int(info["width"]), int(info["height"]), info["pix_fmt"]
    raw_fmt = fmt if (fmt in _YUV or fmt in ("gbrpf32le", "gbrp16le")) else "gbrpf32le"
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt",
                          raw_fmt, "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if raw.returncode != 0:
        raise PipeError(f"{path}: decode failed: {raw.stderr.decode(errors='replace')[-500:]}")
    buf = raw.stdout
    if raw_fmt == "gbrpf32le":
        g, b, r = np.frombuffer(buf, "<f4").reshape(-1, 3, h, w).transpose(1, 0, 2, 3)
        return np.stack([r, g, b], -1).astype(np.float64), info
    if raw_fmt == "gbrp16le":
        g, b, r = np.frombuffer(buf, "<u2").reshape(-1, 3, h, w).transpose(1, 0, 2, 3)
        return np.stack([r, g, b], -1).astype(np.float64) / 65535.0, info
    bits, sx, sy = _YUV[raw_fmt]
    dt = np.uint8 if bits == 8 else np.dtype("<u2")
    cw, ch = -(-w // sx), -(-h // sy)
    per = w * h + 2 * cw * ch
    a = np.frombuffer(buf, dt).reshape(-1, per).astype(np.float64)
    y = a[:, :w * h].reshape(-1, h, w)
    # Chroma upsampling: sample repetition (the same for every method, so it is fair).
    up = lambda c: np.repeat(np.repeat(c.reshape(-1, ch, cw), sy, 1), sx, 2)[:, :h, :w]
    u = up(a[:, w * h:w * h + cw * ch])
    v = up(a[:, w * h + cw * ch:])
    limited = info.get("color_range", "tv") != "pc"
    return yuv_to_rgb(y, u, v, bits, limited, info.get("color_space", "bt709")), info


def signal_to_nits2020(rgb, info, hlg_peak=1000.0):
    """Non-linear R'G'B' -> absolute linear BT.2020 cd/m^2 using the stream's tags.

    smpte2084: PQ EOTF; arib-std-b67: HLG EOTF at hlg_peak; linear (or a float format with
    no transfer tag): scene linear with 1.0 = 203 cd/m^2; anything else: SDR BT.1886 with
    white at 203 cd/m^2. Primaries other than bt2020 are taken as BT.709.
    """
    trc = info.get("color_transfer", "unknown")
    if trc == "smpte2084":
        lin = colour.pq_eotf(rgb)
    elif trc == "arib-std-b67":
        lin = colour.hlg_eotf(np.clip(rgb, 0.0, 1.0), hlg_peak)
    elif trc == "linear" or info["pix_fmt"] == "gbrpf32le":
        lin = np.maximum(rgb, 0.0) * colour.SDR_WHITE_NITS
    else:
        lin = colour.bt1886_to_linear(rgb) * colour.SDR_WHITE_NITS
    if info.get("color_primaries") != "bt2020":
        lin = lin @ colour.M709_TO_2020.T
    return lin


def decode_hdr(path):
    """Decode an HDR (or SDR) video file to absolute linear BT.2020 cd/m^2 [T, H, W, 3]."""
    rgb, info = decode_signal(path)
    return signal_to_nits2020(rgb, info).astype(np.float32), info


def have(tool):
    """Whether an executable is on PATH (or is an existing path)."""
    return os.path.exists(tool) or shutil.which(tool) is not None
