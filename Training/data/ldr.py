"""LDR formation: how a camera turns the HDR ground truth into an 8-bit SDR clip.

Order of operations, all per clip with parameters drawn once (see draw_ldr_params):
  1. exposure shift: x = hdr * 2**ev (hdr already normalised, 1.0 = SDR white), per frame
     x_t = hdr_t * 2**(ev + ev_ramp[t]) when the clip has an auto-exposure ramp
     (draw_exposure_ramp; synth --ae-prob);
  2. sensor noise in linear light: shot noise with variance x / full_well (Gaussian
     approximation of Poisson) plus read noise with standard deviation read_sigma; a clean
     clip (full_well null, read_sigma 0) gets none;
  3. clipping to [0, 1] (sensor saturation at SDR white);
  4. camera response (CRF): srgb, bt1886 (x ** (1/2.4)), bt709 (BT.709 OETF) or
     smooth (x ** (1/gamma) bent by a monotone S/inverse-S term, see crf);
  5. 8-bit quantisation (rounding) to R'G'B' codes;
  6. conversion to Y'CbCr 4:2:0 BT.709 limited range by ffmpeg, either lossless (FFV1),
     through libx264 at the clip's CRF, or through an MPEG-2 archive encode (mpeg2video,
     4:2:0, progressive, GOP 12 with B-frames, at a broadcast-like bitrate); the decoded video
     is the LDR the model sees.
The ground truth stays linear: hdr * 2**ev (per frame with a ramp), without noise or clipping.

The draw (draw_ldr_params, "ldr_model": 2 in the parameters) aims at real footage:
  * CLEAN_PROB of the clips are clean: no sensor noise and, when lossy, x264 at CRF 16-20;
  * the others are noisy: full_well log-uniform over FULL_WELL_RANGE (shot-noise variance up
    to x/80) and read_sigma log-uniform over READ_SIGMA_RANGE (up to 0.015), both linear with
    1.0 = SDR white; lossy clips go through x264 at a CRF uniform over X264_CRF_RANGE (16-35)
    or, for MPEG2_PROB of them, through MPEG-2 at MPEG2_BPP_RANGE bits per pixel and frame.
Every parameter is recorded, plus sigma_grey: the noise sigma at 18 % grey in linear light,
sqrt(0.18 / full_well + read_sigma**2), which the evaluation groups clips by
(Training/eval/metrics.py noise_group). Clips drawn before (no "ldr_model") had full_well
300-5000, read_sigma 2e-4-3e-3, no clean share, x264 CRF 16-32 and no MPEG-2.
"""

import math
import subprocess

import numpy as np

CRFS = ("srgb", "bt1886", "bt709", "smooth")
CODECS = ("ffv1", "libx264", "mpeg2video")

LDR_MODEL = 2
CLEAN_PROB = 0.2                    # share of clean clips (no sensor noise, high-quality encode)
FULL_WELL_RANGE = (80.0, 20000.0)   # shot-noise variance x / full_well: up to x / 80
READ_SIGMA_RANGE = (2e-4, 0.015)    # read-noise sigma, linear (1.0 = SDR white)
X264_CRF_RANGE = (16, 35)           # inclusive, noisy clips
CLEAN_X264_CRF_RANGE = (16, 20)     # inclusive, clean clips
MPEG2_PROB = 0.3                    # share of the lossy noisy clips encoded as MPEG-2
# Bits per pixel and frame of the MPEG-2 archive setting: 0.25-0.6 is 2.6-6.2 Mbit/s at
# 720x576, 25 fps, the range of SD broadcast and DVD-era archive encodes.
MPEG2_BPP_RANGE = (0.25, 0.6)
GREY = 0.18


def sigma_at(x, full_well, read_sigma):
    """Noise sigma in linear light at signal level x for a clip's noise parameters
    (full_well None or 0: no shot noise)."""
    shot = x / full_well if full_well else 0.0
    return math.sqrt(shot + (read_sigma or 0.0) ** 2)


def _log_uniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def draw_ldr_params(rng, codec_prob=0.5, clean_prob=CLEAN_PROB, mpeg2_prob=MPEG2_PROB):
    """Random LDR-formation parameters for one clip, as a JSON-ready dict.

    codec_prob: share of clips sent through a lossy encode (x264 or MPEG-2), the rest FFV1;
    clean_prob: share of clean clips; mpeg2_prob: share of the lossy noisy clips that are
    MPEG-2 rather than x264. The number of draws is the same whatever the outcome."""
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
    # Draw everything, then pick, so that one choice does not shift the stream of the others.
    clean = bool(rng.random() < clean_prob)
    lossy = bool(rng.random() < codec_prob)
    mpeg2 = bool(rng.random() < mpeg2_prob)
    full_well = _log_uniform(rng, *FULL_WELL_RANGE)
    read_sigma = _log_uniform(rng, *READ_SIGMA_RANGE)
    x264_crf = int(rng.integers(X264_CRF_RANGE[0], X264_CRF_RANGE[1] + 1))
    clean_crf = int(rng.integers(CLEAN_X264_CRF_RANGE[0], CLEAN_X264_CRF_RANGE[1] + 1))
    bpp = float(rng.uniform(*MPEG2_BPP_RANGE))
    if clean:
        full_well, read_sigma = None, 0.0
        codec = "libx264" if lossy else "ffv1"
        x264_crf = clean_crf
    else:
        codec = ("mpeg2video" if mpeg2 else "libx264") if lossy else "ffv1"
    return {
        "ldr_model": LDR_MODEL,
        "ev": ev,
        "clean": clean,
        "full_well": full_well,
        "read_sigma": read_sigma,
        "sigma_grey": sigma_at(GREY, full_well, read_sigma),
        "crf": crf,
        "codec": codec,
        "x264_crf": x264_crf if codec == "libx264" else None,
        "mpeg2_bpp": bpp if codec == "mpeg2video" else None,
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


# Auto-exposure ramps (draw_exposure_ramp): the exposure moves by this many stops (either way) ...
AE_STOPS_RANGE = (0.7, 2.0)
# ... over this many frames (a smoothstep), starting within the first half of the clip.
AE_FRAMES_RANGE = (3, 8)


def draw_exposure_ramp(rng, frames):
    """A camera's auto-exposure settling after a change of scene brightness: per-frame stop
    offsets [frames] (a JSON-ready list) that start at 0 and move by +-AE_STOPS_RANGE stops
    along a smoothstep of AE_FRAMES_RANGE frames. A positive ramp opens the exposure, so
    highlights measured in the first frames clip in the later ones."""
    stops = float(rng.uniform(*AE_STOPS_RANGE)) * (1.0 if rng.random() < 0.5 else -1.0)
    length = int(rng.integers(AE_FRAMES_RANGE[0], AE_FRAMES_RANGE[1] + 1))
    start = int(rng.integers(0, max(1, frames // 2)))
    s = np.clip((np.arange(frames) - start) / length, 0.0, 1.0)
    return [float(v) for v in stops * s * s * (3 - 2 * s)]


def exposure_gains(params, frames):
    """Linear gain of each of `frames` frames: 2**(ev + ev_ramp[t]) (float32 [frames])."""
    ramp = np.asarray(params.get("ev_ramp") or [0.0] * frames, np.float64)
    if ramp.shape != (frames,):
        raise ValueError(f"ev_ramp has {ramp.size} entries for {frames} frames")
    return (2.0 ** (params["ev"] + ramp)).astype(np.float32)


def form_codes(hdr, params, rng):
    """Steps 1-5: normalised linear HDR [T, H, W, 3] (before the exposure shift) -> 8-bit
    R'G'B' codes uint8 [T, H, W, 3]."""
    x = hdr.astype(np.float32) * exposure_gains(params, hdr.shape[0])[:, None, None, None]
    if params.get("full_well"):
        shot = np.sqrt(np.maximum(x, 0.0) / np.float32(params["full_well"]))
        x = x + shot * rng.standard_normal(x.shape, dtype=np.float32)
    if params.get("read_sigma"):
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
    elif params["codec"] == "mpeg2video":
        cmd += mpeg2_args(params["mpeg2_bpp"], w, h, fps)
    elif params["codec"] != "ffv1":
        raise ValueError(f"unknown codec '{params['codec']}', expected one of {CODECS}")
    else:
        cmd += ["-c:v", "ffv1", "-level", "3", "-threads", "1", "-slices", "4"]
    _run(cmd + _BITEXACT + [path], np.ascontiguousarray(codes).tobytes())


def mpeg2_args(bpp, width, height, fps):
    """ffmpeg arguments of the MPEG-2 archive setting: constant-ish bitrate of bpp bits per pixel
    and frame (with a floor so tiny test frames still encode), GOP 12 with two B-frames,
    4:2:0 progressive, single-threaded."""
    rate = max(int(round(bpp * width * height * fps)), 100_000)
    return ["-c:v", "mpeg2video", "-b:v", str(rate), "-minrate", str(rate // 2),
            "-maxrate", str(rate * 3 // 2), "-bufsize", str(rate), "-g", "12", "-bf", "2",
            "-threads", "1"]


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
