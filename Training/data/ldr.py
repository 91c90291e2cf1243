"""LDR formation: how a camera turns the HDR ground truth into an 8-bit SDR clip.

Order of operations, all per clip with parameters drawn once (see draw_ldr_params):
  1. exposure shift: x = hdr * 2**ev (hdr already normalised, 1.0 = SDR white);
  2. sensor noise in linear light: shot noise with variance x / full_well (Gaussian
     approximation of Poisson) plus read noise with standard deviation read_sigma;
  3. clipping to [0, 1] (sensor saturation at SDR white);
  4. camera response (CRF): srgb, bt1886 (x ** (1/2.4)), bt709 (BT.709 OETF) or
     smooth (x ** (1/gamma) bent by a monotone S/inverse-S term, see crf);
  5. 8-bit quantisation (rounding) to R'G'B' codes;
  6. conversion to Y'CbCr 4:2:0 BT.709 limited range by ffmpeg, either lossless (FFV1) or
     through libx264 at the clip's CRF; the decoded video is the LDR the model sees.
The ground truth stays linear: hdr * 2**ev, without noise or clipping.
"""

import math
import subprocess

import numpy as np

CRFS = ("srgb", "bt1886", "bt709", "smooth")


def draw_ldr_params(rng, codec_prob=0.5):
    """Random LDR-formation parameters for one clip, as a JSON-ready dict."""
    r = rng.random()
    # At ev = 0 (median at 18 % grey) about 12 % of a training view clips already.
    if r < 0.45:
        ev = float(rng.uniform(0.3, 2.0))        # over-exposed: 25-60 % of pixels clip
    elif r < 0.8:
        ev = float(rng.uniform(-3.0, -1.0))      # under-exposed: shadows crush
    else:
        ev = float(rng.uniform(-1.0, 0.3))
    kind = CRFS[int(rng.integers(len(CRFS)))]
    crf = {"kind": kind, "gamma": 2.2, "bend": 0.0}
    if kind == "smooth":
        crf["gamma"] = float(rng.uniform(1.8, 2.6))
        crf["bend"] = float(rng.uniform(-0.6, 0.6))
    use_codec = bool(rng.random() < codec_prob)
    return {
        "ev": ev,
        "full_well": float(np.exp(rng.uniform(np.log(300.0), np.log(5000.0)))),
        "read_sigma": float(np.exp(rng.uniform(np.log(2e-4), np.log(3e-3)))),
        "crf": crf,
        "codec": "libx264" if use_codec else "ffv1",
        "x264_crf": int(rng.integers(16, 33)) if use_codec else None,
    }


def crf(x, params):
    """Apply a camera response curve to linear values in [0, 1]; returns values in [0, 1].

    smooth: y0 = x ** (1/gamma), y = y0 + bend * sin(2 pi y0) / (2 pi). The derivative
    1 + bend * cos(2 pi y0) stays positive for |bend| < 1, so the curve is monotone and
    keeps 0 -> 0, 1 -> 1; bend < 0 adds an S-shaped contrast, bend > 0 flattens mid-tones.
    """
    x = np.clip(x, 0.0, 1.0)
    kind = params["kind"]
    if kind == "srgb":
        return np.where(x <= 0.0031308, 12.92 * x, 1.055 * np.power(x, 1 / 2.4) - 0.055)
    if kind == "bt1886":
        return np.power(x, 1 / 2.4)
    if kind == "bt709":
        return np.where(x < 0.018, 4.5 * x, 1.099 * np.power(x, 0.45) - 0.099)
    if kind == "smooth":
        y0 = np.power(x, 1.0 / params["gamma"])
        return np.clip(y0 + params["bend"] * np.sin(2 * math.pi * y0) / (2 * math.pi), 0.0, 1.0)
    raise ValueError(f"unknown camera response '{kind}', expected one of {CRFS}")


def form_codes(hdr, params, rng):
    """Steps 1-5: normalised linear HDR [T, H, W, 3] (before the exposure shift) -> 8-bit
    R'G'B' codes uint8 [T, H, W, 3]."""
    x = hdr.astype(np.float32) * np.float32(2.0 ** params["ev"])
    shot = np.sqrt(np.maximum(x, 0.0) / np.float32(params["full_well"]))
    x = x + shot * rng.standard_normal(x.shape, dtype=np.float32)
    x = x + np.float32(params["read_sigma"]) * rng.standard_normal(x.shape, dtype=np.float32)
    y = crf(np.clip(x, 0.0, 1.0), params["crf"])
    return np.round(y * 255.0).astype(np.uint8)


def _run(cmd, data=None):
    p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {p.stderr.decode(errors='replace')[-2000:]}")
    return p.stdout


# Tags for the LDR video; -fflags +bitexact keeps the Matroska muxer from writing random
# UIDs and version strings, so that equal frames give equal files.
_TAGS = ["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
         "-color_range", "tv"]
_BITEXACT = ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1"]


def encode_video(codes, path, params, fps=30):
    """Step 6: write 8-bit R'G'B' codes [T, H, W, 3] as a BT.709 4:2:0 Matroska file."""
    t, h, w, _ = codes.shape
    cmd = ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
           "-s", f"{w}x{h}", "-r", str(fps), "-i", "-",
           "-vf", "scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int",
           "-pix_fmt", "yuv420p"] + _TAGS
    if params["codec"] == "libx264":
        cmd += ["-c:v", "libx264", "-preset", "medium", "-crf", str(params["x264_crf"]),
                "-threads", "1", "-x264-params", "log=-1"]
    else:
        cmd += ["-c:v", "ffv1", "-level", "3", "-threads", "1", "-slices", "4"]
    _run(cmd + _BITEXACT + [path], np.ascontiguousarray(codes).tobytes())


def decode_video_rgb24(path):
    """Decode an 8-bit SDR video to R'G'B' codes uint8 [T, H, W, 3] with the BT.709 matrix."""
    w, h = probe_size(path)
    raw = _run(["ffmpeg", "-v", "error", "-i", path, "-vf",
                "scale=in_color_matrix=bt709:in_range=tv:flags=bicubic+accurate_rnd+full_chroma_int",
                "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3)


def probe_size(path):
    """(width, height) of the first video stream of a file."""
    out = _run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=width,height", "-of", "csv=p=0", path]).decode().strip()
    w, h = out.split("\n")[0].split(",")[:2]
    return int(w), int(h)
