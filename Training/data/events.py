"""Event-camera simulation from the HDR ground truth, and voxel grids aligned with frames.

Model (in the spirit of ESIM / v2e, simplified):
  * Each pixel sees log intensity L = ln(Y + eps), Y the BT.709 luminance of the normalised
    HDR (1.0 = SDR white, before the LDR exposure shift: the event sensor has its own
    exposure), eps = 1e-3.
  * Between two rendered samples L moves linearly in time (the clip can be rendered with
    extra sub-steps between frames for a finer path; see synth.py).
  * Each pixel keeps a reference level. When L crosses ref + k*Cp (or ref - k*Cn) an event of
    polarity +1 (-1) fires at the interpolated crossing time and ref moves to that level.
    Cp and Cn are per-pixel thresholds: a nominal contrast times (1 + N(0, sigma)), floored.
  * Refractory period: an event less than `refractory_us` after the pixel's previous event is
    dropped (its reference level still moves, so the dropped change is not re-fired).
  * Noise events: a Poisson process per pixel at `noise_rate_hz`, random polarity.

Raw events are a structured array sorted by time (then y, x): t uint32 microseconds since
frame 0, x uint16, y uint16, p int8 (+1 / -1). Voxel grids: float32 [T, 5, H, W]; slot k
holds the events in (t_{k-1}, t_k] split into 5 bins with linear (bilinear-in-time) weights;
slot 0 is all zero because nothing precedes frame 0.
"""

import numpy as np

EVENT_DTYPE = np.dtype([("t", "<u4"), ("x", "<u2"), ("y", "<u2"), ("p", "i1")])
LOG_EPS = 1e-3
BINS = 5


def draw_event_params(rng):
    """Random event-sensor parameters for one clip, as a JSON-ready dict."""
    c = float(rng.uniform(0.15, 0.4))
    return {
        "c_pos": c,
        "c_neg": float(c * rng.uniform(0.85, 1.15)),
        "c_sigma": float(rng.uniform(0.02, 0.08)),
        "refractory_us": float(rng.uniform(100.0, 1000.0)),
        "noise_rate_hz": float(rng.uniform(0.05, 0.5)),
        "log_eps": LOG_EPS,
    }


def luminance(rgb):
    """BT.709 relative luminance of linear RGB [..., 3]."""
    return rgb[..., 0] * 0.2126 + rgb[..., 1] * 0.7152 + rgb[..., 2] * 0.0722


def simulate(lum, times_us, params, rng):
    """Events from a luminance sequence.

    lum: float [N, H, W] linear luminance samples; times_us: int/float [N] sample times.
    Returns a structured EVENT_DTYPE array sorted by (t, y, x).
    """
    n, h, w = lum.shape
    logl = np.log(lum.astype(np.float64) + params["log_eps"])
    floor = 0.01
    cp = np.maximum(params["c_pos"] * (1 + params["c_sigma"] * rng.standard_normal((h, w))), floor)
    cn = np.maximum(params["c_neg"] * (1 + params["c_sigma"] * rng.standard_normal((h, w))), floor)
    ref = logl[0].copy()
    last_t = np.full((h, w), -np.inf)
    refractory = params["refractory_us"]
    out_t, out_x, out_y, out_p = [], [], [], []
    ys, xs = np.mgrid[0:h, 0:w]
    for i in range(1, n):
        l0, l1 = logl[i - 1], logl[i]
        t0, t1 = float(times_us[i - 1]), float(times_us[i])
        dl = l1 - l0
        # Number of threshold crossings between ref and the new level, per pixel and sign.
        up = np.where(l1 > ref, np.floor((l1 - ref) / cp), 0).astype(np.int64)
        down = np.where(l1 < ref, np.floor((ref - l1) / cn), 0).astype(np.int64)
        kmax = int(max(up.max(initial=0), down.max(initial=0)))
        for k in range(1, kmax + 1):
            for sign, count, c in ((1, up, cp), (-1, down, cn)):
                m = count >= k
                if not m.any():
                    continue
                level = ref[m] + sign * c[m]
                safe = np.where(np.abs(dl[m]) > 1e-12, dl[m], 1e-12)
                frac = np.clip((level - l0[m]) / safe, 0.0, 1.0)
                t = t0 + frac * (t1 - t0)
                ref[m] = level
                keep = t - last_t[m] >= refractory
                idx = np.flatnonzero(m)[keep]
                last_t.flat[idx] = t[keep]
                out_t.append(t[keep])
                out_x.append(xs.flat[idx])
                out_y.append(ys.flat[idx])
                out_p.append(np.full(idx.size, sign, np.int8))
    # Background noise: Poisson count per pixel over the clip, uniform times, random sign.
    span = float(times_us[-1] - times_us[0])
    counts = rng.poisson(params["noise_rate_hz"] * span * 1e-6, size=(h, w))
    total = int(counts.sum())
    if total:
        idx = np.repeat(np.arange(h * w), counts.ravel())
        out_t.append(float(times_us[0]) + rng.uniform(0.0, span, total))
        out_x.append(xs.flat[idx])
        out_y.append(ys.flat[idx])
        out_p.append(np.where(rng.random(total) < 0.5, 1, -1).astype(np.int8))
    ev = np.zeros(sum(a.size for a in out_t), EVENT_DTYPE)
    if ev.size:
        ev["t"] = np.round(np.concatenate(out_t)).astype(np.uint32)
        ev["x"] = np.concatenate(out_x)
        ev["y"] = np.concatenate(out_y)
        ev["p"] = np.concatenate(out_p)
        ev = ev[np.lexsort((ev["x"], ev["y"], ev["t"]))]
    return ev


def voxel_grid(events, frame_times_us, h, w, bins=BINS):
    """Voxel grids float32 [T, bins, H, W] aligned with frame intervals (slot 0 is zero)."""
    t_frames = np.asarray(frame_times_us, dtype=np.float64)
    vox = np.zeros((len(t_frames), bins, h, w), np.float32)
    if events.size == 0:
        return vox
    t = events["t"].astype(np.float64)
    # Slot k takes events with t in (t_{k-1}, t_k].
    k = np.searchsorted(t_frames, t, side="left")
    ok = (k >= 1) & (k < len(t_frames))
    k, t = k[ok], t[ok]
    x = events["x"][ok].astype(np.int64)
    y = events["y"][ok].astype(np.int64)
    p = events["p"][ok].astype(np.float32)
    t0, t1 = t_frames[k - 1], t_frames[k]
    tau = (t - t0) / (t1 - t0) * (bins - 1)
    b0 = np.clip(np.floor(tau).astype(np.int64), 0, bins - 1)
    wb = (tau - b0).astype(np.float32)
    b1 = np.minimum(b0 + 1, bins - 1)
    flat = vox.reshape(-1)
    base = (k * bins) * h * w + y * w + x
    np.add.at(flat, base + b0 * h * w, p * (1 - wb))
    np.add.at(flat, base + b1 * h * w, p * wb)
    return vox
