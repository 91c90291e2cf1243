"""How far knowing the true level of every blown region would take a method: an upper bound.

The issue's targets for the learned presets are gains in PU21-PSNR inside over-exposed masks. Much
of a method's error there is the level it gives each clipped region (a window, a sun, a sky over
white), the rest is the shape inside it. This oracle keeps a method's output and rescales each
connected blown region of each frame (8-connected, any channel >= metrics.OVER_CODE, as the
metrics' over mask) so that its log-mean luminance equals the ground truth's, then caps every
channel at the output peak the method could reach:

    g_r = exp(mean_r log(Y_gt + 1) - mean_r log(Y_out + 1)),   out'_r = min(g_r * out_r, peak)

(+1 cd/m^2 keeps dark, noisy pixels from ruling the mean.) No stage can do better by moving whole
regions up or down; what remains between it and the ground truth capped at the peak is shape.
`make eval` reports it beside the method (`--level-oracle`).
"""

import numpy as np

from . import blown, colour, metrics

SUFFIX = "+level-oracle"


def region_levels(out, gt, codes, peak_nits, threshold=metrics.OVER_CODE):
    """`out` [T, H, W, 3] (absolute BT.2020 cd/m^2) with each blown region of `codes` (uint8
    [T, H, W, 3]) moved to the ground truth's log-mean luminance, capped at `peak_nits`."""
    out = np.asarray(out, np.float64)
    res = out.copy()
    y_out = out @ colour.LUMA_2020
    y_gt = np.asarray(gt, np.float64) @ colour.LUMA_2020
    for t in range(out.shape[0]):
        labels, count = blown.label_components(blown.blown_mask(codes[t], threshold))
        if count == 0:
            continue
        flat = labels.ravel()
        # Per-region sums of the two log-luminances in one pass (label 0 is the unclipped rest).
        n = np.bincount(flat, minlength=count + 1)
        s_gt = np.bincount(flat, np.log(np.maximum(y_gt[t], 0) + 1).ravel(), count + 1)
        s_out = np.bincount(flat, np.log(np.maximum(y_out[t], 0) + 1).ravel(), count + 1)
        gain = np.exp((s_gt - s_out) / np.maximum(n, 1))
        gain[0] = 1.0
        res[t] *= gain[labels][..., None]
    return np.minimum(res, peak_nits)
