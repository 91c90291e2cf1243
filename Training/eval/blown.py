"""Blown highlights of one frame: where the LDR input clipped, and how light falls off there.

The report's highlight figures need three things from a frame, computed here without plotting
so that they can be tested on synthetic arrays:

- the largest connected blown region (8-bit LDR codes, a pixel is blown when any channel is
  >= metrics.OVER_CODE; 8-connected components), whose bounding box the crops show;
- the centre of the brightest clipped region: the blown pixel with the highest ground-truth
  luminance, the point a method has the most light to rebuild around;
- radial profiles of luminance (mean cd/m^2 in 1-px rings) around that centre, so the shape
  a method rebuilds (flat disc, ring, ridge, smooth falloff) can be set against the truth.

numpy only: Training/requirements.txt has no scipy, and labelling by runs is fast enough for
the harness's frames (union-find over the horizontal runs of each row).
"""

import math
from dataclasses import dataclass

import numpy as np

from . import colour, metrics

# Profiles reach at least this far (px), so a small blown spot still shows its surroundings.
MIN_PROFILE_RADIUS = 16
# Profiles reach this many equivalent radii of the blown component holding the centre.
PROFILE_RADII = 2.0
# Crops: the blown region's bounding box grows by this fraction of its size on every side ...
CROP_PAD = 0.25
# ... and is at least this many pixels on a side (when the frame allows it).
MIN_CROP = 32


@dataclass(frozen=True)
class Region:
    """One connected blown region: its mask [H, W], pixel count and bounding box
    (y0, y1, x0, x1; ends exclusive, as slices take them)."""
    mask: np.ndarray
    area: int
    bbox: tuple

    @property
    def equivalent_radius(self):
        """Radius of the disc with the region's area: a size that ignores its shape."""
        return math.sqrt(self.area / math.pi)


def blown_mask(codes, threshold=metrics.OVER_CODE):
    """Blown pixels of one LDR frame (uint8 [H, W, 3]): any channel >= threshold, as the
    over-exposed mask of the metrics."""
    return (np.asarray(codes) >= threshold).any(axis=-1)


def luminance(nits2020):
    """BT.2020 luminance Y (cd/m^2) of absolute linear BT.2020 light [..., 3]."""
    return np.asarray(nits2020, np.float64) @ colour.LUMA_2020


def _row_runs(mask):
    """Horizontal runs of True in a boolean mask [H, W]: (row, start, end) int arrays in
    raster order, end exclusive."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), np.int8)
    padded[:, 1:-1] = mask
    step = np.diff(padded, axis=1)
    rows, starts = np.nonzero(step == 1)
    _, ends = np.nonzero(step == -1)
    return rows, starts, ends


def _find(parent, i):
    """Root of run i, halving the path on the way (union-find)."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _join_touching_runs(rows, starts, ends, height):
    """Union-find roots of the runs (each component's root is its first run in raster order):
    runs on adjacent rows join where they touch with 8-connectivity (overlap or meet at a
    corner)."""
    parent = list(range(len(rows)))
    row_first = np.searchsorted(rows, np.arange(height + 1))
    for r in range(1, height):
        a, a_end = row_first[r - 1], row_first[r]     # runs of the row above
        b, b_end = row_first[r], row_first[r + 1]     # runs of this row
        while a < a_end and b < b_end:
            # Columns [s, e) of two adjacent rows touch when s_a <= e_b and s_b <= e_a.
            if starts[a] <= ends[b] and starts[b] <= ends[a]:
                ra, rb = _find(parent, a), _find(parent, b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
            # Advance the run that ends first; the other may still touch the next one.
            if ends[a] < ends[b]:
                a += 1
            else:
                b += 1
    return [_find(parent, i) for i in range(len(parent))]


def label_components(mask):
    """8-connected components of a boolean mask [H, W]: (labels int32 [H, W], count), labels
    1..count in raster order of each component's first pixel, 0 = background."""
    mask = np.asarray(mask, bool)
    labels = np.zeros(mask.shape, np.int32)
    rows, starts, ends = _row_runs(mask)
    if len(rows) == 0:
        return labels, 0
    roots = np.asarray(_join_touching_runs(rows, starts, ends, mask.shape[0]))
    _, run_label = np.unique(roots, return_inverse=True)   # roots are each component's first run
    lengths = ends - starts
    flat_start = rows * mask.shape[1] + starts
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    labels.ravel()[np.repeat(flat_start, lengths) + offsets] = np.repeat(run_label + 1, lengths)
    return labels, int(run_label.max()) + 1


def _region(component):
    """Region of one component's boolean mask."""
    ys, xs = np.nonzero(component)
    return Region(component, int(ys.size),
                  (int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1))


def largest_blown_region(codes, threshold=metrics.OVER_CODE):
    """The largest 8-connected blown region of one LDR frame (ties: the first in raster order),
    or None when nothing is blown."""
    labels, count = label_components(blown_mask(codes, threshold))
    if count == 0:
        return None
    sizes = np.bincount(labels.ravel(), minlength=count + 1)[1:]
    return _region(labels == int(np.argmax(sizes)) + 1)


def brightest_clipped(codes, gt_frame, threshold=metrics.OVER_CODE):
    """((y, x), Region) of the brightest clipped region: the blown pixel with the highest
    ground-truth luminance (ties: the first in raster order) and the blown component holding
    it; None when nothing is blown. gt_frame: absolute BT.2020 cd/m^2 [H, W, 3]."""
    mask = blown_mask(codes, threshold)
    if not mask.any():
        return None
    y_lum = np.where(mask, luminance(gt_frame), -np.inf)
    y, x = np.unravel_index(int(np.argmax(y_lum)), mask.shape)
    labels, _ = label_components(mask)
    return (int(y), int(x)), _region(labels == labels[y, x])


def profile_radius(centre, region, shape):
    """How far (px) the profile around `centre` reaches: PROFILE_RADII equivalent radii of the
    blown region, at least MIN_PROFILE_RADIUS, and no farther than the farthest frame pixel
    (rings beyond it would be empty)."""
    y, x = centre
    h, w = shape
    farthest = math.hypot(max(y, h - 1 - y), max(x, w - 1 - x))
    want = max(MIN_PROFILE_RADIUS, PROFILE_RADII * region.equivalent_radius)
    return max(1, int(math.ceil(min(want, farthest))))


def radial_profile(lum, centre, radius):
    """Mean of lum [H, W] in 1-px rings around centre (y, x): ring i holds the frame pixels at
    distance i <= d < i + 1. Returns (mean distance of each ring's pixels, ring means), each
    of length radius; a ring with no pixel in the frame is NaN in both. The x values are the
    rings' mean distances, not i + 0.5, so a falloff is read at the distances it was sampled."""
    lum = np.asarray(lum, np.float64)
    y, x = centre
    yy, xx = np.indices(lum.shape)
    d = np.hypot(yy - y, xx - x).ravel()
    ring = np.floor(d).astype(np.int64)
    keep = ring < radius
    counts = np.bincount(ring[keep], minlength=radius).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_d = np.bincount(ring[keep], weights=d[keep], minlength=radius) / counts
        mean_l = np.bincount(ring[keep], weights=lum.ravel()[keep], minlength=radius) / counts
    return mean_d, mean_l


def crop_box(bbox, shape, pad=CROP_PAD, min_side=MIN_CROP):
    """(y0, y1, x0, x1) around a bounding box: grown by `pad` of its size on each side, at
    least min_side per side, shifted (not shrunk) to stay inside a frame of `shape` (H, W)
    where it fits, so the crop keeps its context near the frame's edges."""
    out = []
    for lo, hi, size in ((bbox[0], bbox[1], shape[0]), (bbox[2], bbox[3], shape[1])):
        grow = int(math.ceil((hi - lo) * pad))
        lo, hi = lo - grow, hi + grow
        if hi - lo < min_side:
            extra = min_side - (hi - lo)
            lo, hi = lo - extra // 2, hi + extra - extra // 2
        side = min(hi - lo, size)
        lo = min(max(lo, 0), size - side)
        out += [lo, lo + side]
    return tuple(int(v) for v in out)
