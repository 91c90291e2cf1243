"""Per-clip quality metrics of an HDR output against the ground truth.

Both images are absolute linear BT.2020 cd/m^2 [T, H, W, 3]. PU21 is applied per BT.2020
channel. Masks come from the 8-bit LDR input: over-exposed where any channel >= OVER_CODE
(something clipped), under-exposed where every channel <= UNDER_CODE (crushed shadows).
Temporal error (REFERENCE.md section 2): the frame-to-frame difference of the output in
PU21 units is compared with that of the ground truth:
  tPU-RMSE  = RMS over pixels, channels and frame pairs of (dPU_out - dPU_gt);
  flicker   = mean over frame pairs of |mean(dPU_out) - mean(dPU_gt)| (global brightness
              pumping that the ground truth does not have).
"""

import math

import numpy as np

from . import colour
from ..data import ldr as ldrmod

OVER_CODE = 250
UNDER_CODE = 10


def exposure_masks(ldr_codes):
    """(over, under) boolean masks [T, H, W] from 8-bit R'G'B' codes [T, H, W, 3]."""
    return ldr_codes.max(axis=-1) >= OVER_CODE, ldr_codes.max(axis=-1) <= UNDER_CODE


def _nanmean(xs):
    xs = [x for x in xs if x is not None and not math.isnan(x) and not math.isinf(x)]
    return float(np.mean(xs)) if xs else float("nan")


def clip_metrics(out, gt, ldr_codes):
    """Metrics of one clip; returns (summary dict, per-frame dict of lists)."""
    over, under = exposure_masks(ldr_codes)
    pu_out = colour.pu21(out)
    pu_gt = colour.pu21(gt)
    t = out.shape[0]
    per = {"pu_psnr": [], "pu_psnr_over": [], "pu_psnr_under": [], "de_itp": [],
           "tpu_rmse": [float("nan")]}
    for k in range(t):
        d = pu_out[k] - pu_gt[k]
        per["pu_psnr"].append(_psnr(d))
        per["pu_psnr_over"].append(_psnr(d[over[k]]) if over[k].any() else float("nan"))
        per["pu_psnr_under"].append(_psnr(d[under[k]]) if under[k].any() else float("nan"))
        per["de_itp"].append(float(np.mean(colour.delta_e_itp(out[k], gt[k]))))
    flick = []
    if t > 1:
        d_out = np.diff(pu_out, axis=0)
        d_gt = np.diff(pu_gt, axis=0)
        e = d_out - d_gt
        per["tpu_rmse"] += [float(np.sqrt(np.mean(e[k] ** 2))) for k in range(t - 1)]
        flick = np.abs(d_out.mean(axis=(1, 2, 3)) - d_gt.mean(axis=(1, 2, 3)))
        tpu = float(np.sqrt(np.mean(e ** 2)))
    else:
        tpu = float("nan")
    summary = {
        "pu_psnr": _psnr(pu_out - pu_gt),
        "pu_psnr_over": _psnr((pu_out - pu_gt)[over]) if over.any() else float("nan"),
        "pu_psnr_under": _psnr((pu_out - pu_gt)[under]) if under.any() else float("nan"),
        "de_itp": float(np.mean(per["de_itp"])),
        "tpu_rmse": tpu,
        "flicker": float(np.mean(flick)) if len(flick) else float("nan"),
        "over_fraction": float(over.mean()),
        "under_fraction": float(under.mean()),
    }
    return summary, per


def _psnr(d):
    mse = float(np.mean(np.square(d)))
    return float("inf") if mse == 0 else 10.0 * math.log10(colour.PU21_PEAK ** 2 / mse)


def average(rows, keys):
    """Mean of each key over rows, ignoring NaN (clips without that mask) and inf."""
    return {k: _nanmean([r.get(k) for r in rows]) for k in keys}


def hdr_flip(out, gt, frames=1):
    """Mean HDR-FLIP over `frames` evenly spaced frames, or None without flip-evaluator.

    Inputs are absolute BT.2020 light; FLIP takes linear sRGB (BT.709), here relative to
    SDR white (cd/m^2 / 203). About 0.5 s per 256x256 frame, hence few frames by default.
    """
    try:
        import flip_evaluator
    except ImportError:
        return None
    t = out.shape[0]
    picks = sorted({int(round(x)) for x in np.linspace(0, t - 1, frames + 2)[1:-1]}) or [t // 2]
    to709 = lambda img: np.ascontiguousarray(np.maximum(
        img @ colour.M2020_TO_709.T / colour.SDR_WHITE_NITS, 0.0).astype(np.float32))
    errs = [float(flip_evaluator.evaluate(to709(gt[k]), to709(out[k]), "HDR",
                                          applyMagma=False)[1]) for k in picks]
    return float(np.mean(errs))


def paired(clips, method, base, key):
    """Per-clip comparison of `method` with `base` on metric `key` (higher is better), over the clips
    where both are finite: (clips where method is higher, clips compared, median difference or NaN).

    The report's averages are means of per-clip dB, which a few nearly exact clips can dominate; the
    count and the median show whether a method is better on most clips or on a few by a lot."""
    diffs = []
    for c in clips:
        a, b = c["metrics"].get(method, {}).get(key), c["metrics"].get(base, {}).get(key)
        if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
            continue
        diffs.append(a - b)
    return sum(d > 0 for d in diffs), len(diffs), float(np.median(diffs)) if diffs else float("nan")


# Noise groups by the clip's recorded sensor noise: sigma_grey, the noise standard deviation at
# 18 % grey in linear light (1.0 = SDR white), sqrt(0.18 / full_well + read_sigma**2).
#   clean     sigma_grey < 0.002: below a code value's worth at grey (BT.1886 8-bit: ~0.6 code)
#   moderate  0.002 <= sigma_grey < 0.015: up to ~4 codes at grey (8 % of the grey level)
#   heavy     sigma_grey >= 0.015
#   unknown   no noise parameters recorded (e.g. meta written by another tool)
# Clips drawn before the widened LDR model (full_well 300-5000, read_sigma <= 3e-3) have
# sigma_grey 0.006-0.025: moderate or heavy, never clean.
NOISE_GROUPS = ("clean", "moderate", "heavy", "unknown")
NOISE_CLEAN_BELOW = 0.002
NOISE_HEAVY_FROM = 0.015


def clip_sigma_grey(ldr_meta):
    """sigma_grey of a clip's LDR parameters (meta.json "ldr"), or None when not recorded."""
    if not isinstance(ldr_meta, dict):
        return None
    s = ldr_meta.get("sigma_grey")
    if isinstance(s, (int, float)) and math.isfinite(s):
        return float(s)
    if "read_sigma" not in ldr_meta or "full_well" not in ldr_meta:
        return None
    fw, rs = ldr_meta.get("full_well"), ldr_meta.get("read_sigma")
    if not (fw is None or isinstance(fw, (int, float))) or not (rs is None or isinstance(rs, (int, float))):
        return None
    return ldrmod.sigma_at(ldrmod.GREY, fw, rs)


def noise_group(ldr_meta):
    """'clean', 'moderate', 'heavy' or 'unknown' for a clip's LDR parameters."""
    s = clip_sigma_grey(ldr_meta)
    if s is None:
        return "unknown"
    if s < NOISE_CLEAN_BELOW:
        return "clean"
    return "moderate" if s < NOISE_HEAVY_FROM else "heavy"


def group_averages(clips, methods, keys):
    """Per noise group (clips carry "noise"), {group: {"clips": n, "averages": {method: {key: mean}}}},
    groups in NOISE_GROUPS order, only those holding clips."""
    out = {}
    for g in NOISE_GROUPS:
        members = [c for c in clips if c.get("noise", "unknown") == g]
        if not members:
            continue
        out[g] = {"clips": len(members),
                  "averages": {m: average([c["metrics"][m] for c in members if m in c["metrics"]], keys)
                               for m in methods}}
    return out
