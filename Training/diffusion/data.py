"""Training tiles for the diffusion inpainter: masks, the PDE fill and a (seed, step)-pure sampler.

Numpy + torch (CPU, no autograd). Clips come from ``make data`` (``Training/README.md``); LDR codes
are linearised exactly like ``Training/rehdr/sequences.py: linearise_codes`` (the Swift input stage).

Over/under masks (``exposure_masks``; a simplified DiffHDR mask, REFERENCE §1, on the 8-bit codes):
    Y = BT.709 luminance of the linearised frame; lin() = sRGB EOTF;
    over_raw  = 0.7 smoothstep(Y, lin(0.93), lin(0.97)) + 0.3 [>= 2 channels with code >= 250]
    under_raw = 0.7 (1 - smoothstep(Y, 0, lin(0.03))) + 0.3 [all channels with code <= 2]
    mask = 5x5 box blur of the 3x3 dilation of the raw mask (no temporal EMA, no open/close).
At inference the Swift stage receives the pipeline's own (temporally smoothed) masks instead.

PDE fill (``push_pull_fill``; the classical fill the pipeline's Inpaint stage approximates), in
Log-Gamma codes E: known weight w = clamp(1 - 2 over, 0, 1); pyramid of 2x2 averages of (w E, w)
down to <= 2 pixels; from the coarsest level up: level value n = (w E)/w where w > 0, blended
a n + (1 - a) up(coarser), a = min(1, 4 w) (a = w at level 0), up = bilinear x2. Pixels with
over = 0 have w = 1 and keep E exactly.

Sampler (``TileSampler.batch(step, B)``): a pure function of (seed, step) via
``SeedSequence([seed, 0xD1F, step])``. Per item: with probability p_over a clip with clipped pixels
and an S x S tile centred (+-S/4 jitter) on a random pixel with over > 0.5, else any clip and tile;
frame 1..T-1; horizontal flip p 0.5. Previous output: frame t-1's ground truth, pulled toward
frame t-1's fill inside its over mask by alpha ~ U(0, 0.7) (an imperfect earlier result), blurred
(3x3 binomial, p 0.5) and noised (sigma ~ U(0, 0.02) in x); dropped (zeros, has_prev 0) with p_prev_drop.
Reference: the ground-truth HDR of a random frame of another clip made from the same HDRI (another
view of the scene), area-downscaled x4; dropped (has_ref 0) with p_ref_drop.

What the filter's stage sees (``base`` and ``scale``, train.py --base/--scale): the Swift stage runs on the
frame the highlight stage filled, area-downscaled to its working size (`diffusion.workingScale` 0.25), with the
masks area-downscaled the same way, and it gives the network that frame both as the fill and (times 1 - over)
as the known part. With ``base`` (a `fill-<preset>.npy` from Training/rehdr/base.py --stage diffusion) the fill
and the known part are the filter's own frame instead of ``push_pull_fill`` of the LDR; with ``scale`` k > 1
every full-frame input (linear frames, ground truth, masks, fill) is area-downscaled k x k before tiling.
With ``recover_gain`` g > 0 (train.py --target-recover-gain) the stage runs before a `recover` expansion
(Sources/Color/RecoverExpansion.swift: Y' = Y + (g - 1) max(0, Y - 1), as a ratio on RGB, no lift), so the
ground truth is taken back through its inverse, Y = Y' for Y' <= 1 else 1 + (Y' - 1)/g: the network then
answers in the space the expansion lifts, and the expansion of its answer is the truth.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

from Training.diffusion.model import log_gamma, to_net
from Training.rehdr import sequences
from Training.rehdr.sequences import clip_dirs, linearise_codes, transfer_for  # noqa: F401

LUMA_709 = np.array([0.2126, 0.7152, 0.0722], np.float32)


def _srgb_lin(v):
    return ((v + 0.055) / 1.055) ** 2.4 if v > 0.04045 else v / 12.92


OVER_LO, OVER_HI, UNDER_HI = _srgb_lin(0.93), _srgb_lin(0.97), _srgb_lin(0.03)


def _smoothstep(x, a, b):
    t = ((x - a) / (b - a)).clamp(0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _soften(m):
    m = F.max_pool2d(m, 3, stride=1, padding=1)
    return F.avg_pool2d(m, 5, stride=1, padding=2, count_include_pad=False).clamp(0.0, 1.0)


def exposure_masks(codes, linear):
    """codes uint8 [N,3,H,W] (torch), linear float [N,3,H,W] -> (over, under) [N,1,H,W] in 0..1."""
    y = (linear * torch.from_numpy(LUMA_709).view(1, 3, 1, 1)).sum(1, keepdim=True)
    hi = ((codes >= 250).sum(1, keepdim=True) >= 2).float()
    lo = (codes <= 2).all(1, keepdim=True).float()
    over = 0.7 * _smoothstep(y, OVER_LO, OVER_HI) + 0.3 * hi
    under = 0.7 * (1.0 - _smoothstep(y, 0.0, UNDER_HI)) + 0.3 * lo
    return _soften(over), _soften(under)


def push_pull_fill(e, over):
    """Fill the over-exposed region of Log-Gamma codes e [N,C,H,W] from its surroundings (docstring)."""
    w = (1.0 - 2.0 * over).clamp(0.0, 1.0)
    ps, ws = [w * e], [w]
    while min(ps[-1].shape[-2:]) > 2:
        ps.append(F.avg_pool2d(ps[-1], 2, ceil_mode=True))
        ws.append(F.avg_pool2d(ws[-1], 2, ceil_mode=True))
    cur = None
    for lvl in range(len(ps) - 1, -1, -1):
        p, wl = ps[lvl], ws[lvl]
        n = p / wl.clamp_min(1e-8)
        a = wl if lvl == 0 else (4.0 * wl).clamp(max=1.0)
        if cur is None:
            cur = torch.where(wl > 0, n, torch.full_like(n, 0.5))
            continue
        up = F.interpolate(cur, size=p.shape[-2:], mode="bilinear", align_corners=False)
        cur = a * n + (1.0 - a) * up if lvl else torch.where(wl >= 1.0, e, a * n + (1.0 - a) * up)
    return cur


class Clip(sequences.Clip):
    """The REHDR loader's memory-mapped clip, plus its panorama and clipped fraction, read as torch frames;
    `base` names the filter's pre-diffusion frames beside the clip (module docstring), `scale` the working
    size's divisor."""

    def __init__(self, d, transfer_mode="params", base=None, scale=1, recover_gain=0.0):
        super().__init__(d, transfer_mode, base)
        self.recover_gain = recover_gain
        self.hdri = self.meta.get("hdri")
        self.clipped = float(self.meta.get("clipped_fraction", 0.0))
        self.scale = scale
        self.height, self.width = self.height // scale, self.width // scale

    def frame(self, t):
        """(codes uint8 [1,3,H,W], ldr linear [1,3,H,W], hdr linear [1,3,H,W]) as torch, full size."""
        codes = np.asarray(self.ldr[t]).transpose(2, 0, 1)[None]
        lin = linearise_codes(codes, self.transfer)
        hdr = np.asarray(self.hdr[t], dtype=np.float32).transpose(2, 0, 1)[None]
        return torch.from_numpy(np.ascontiguousarray(codes)), torch.from_numpy(lin), torch.from_numpy(hdr)

    def target(self, hdr):
        """The ground truth in the space the stage answers in (module docstring: ``recover_gain``)."""
        if self.recover_gain <= 0:
            return hdr
        return inverse_recover(hdr, self.recover_gain)

    def fill(self, t):
        """The filter's pre-diffusion frame t, linear [1,3,H,W] (full size), or None without a base."""
        if self.base is None:
            return None
        return torch.from_numpy(np.asarray(self.base[t], dtype=np.float32).transpose(2, 0, 1)[None].copy())


def inverse_recover(hdr, gain):
    """linear [N,3,H,W] -> the frame whose `recover` expansion with this gain (no lift) is `hdr`."""
    y = (hdr * torch.from_numpy(LUMA_709).view(1, 3, 1, 1)).sum(1, keepdim=True)
    back = torch.where(y > 1.0, 1.0 + (y - 1.0) / gain, y)
    return hdr * torch.where(y > 0, back / y.clamp_min(1e-12), torch.ones_like(y))


def frame_inputs(clip, t):
    """Tensors of frame t at the clip's working size: dict e_ldr, e_fill, e_gt (Log-Gamma codes), over, under."""
    codes, lin, hdr = clip.frame(t)
    hdr = clip.target(hdr)
    over, under = exposure_masks(codes, lin)
    fill = clip.fill(t)
    k = clip.scale
    if k > 1:  # area-downscale (the Swift stage's AreaResize), linear light, then code
        lin, hdr, over, under = (F.avg_pool2d(v, k) for v in (lin, hdr, over, under))
        fill = None if fill is None else F.avg_pool2d(fill, k)
    if fill is not None:
        e_fill = log_gamma(fill.clamp_min(0.0))
        return {"e_ldr": e_fill, "e_fill": e_fill, "e_gt": log_gamma(hdr), "over": over, "under": under}
    e_ldr = log_gamma(lin)
    return {"e_ldr": e_ldr, "e_fill": push_pull_fill(e_ldr, over), "e_gt": log_gamma(hdr),
            "over": over, "under": under}


def make_cond(e_fill, e_ldr, over, under, e_prev=None):
    """Conditioning tensor [N,12,S,S] (model.COND_CHANNELS) from Log-Gamma codes and masks."""
    n, _, h, w = e_fill.shape
    if e_prev is None:
        prev, flag = torch.zeros(n, 3, h, w), torch.zeros(n, 1, h, w)
    else:
        prev, flag = to_net(e_prev), torch.ones(n, 1, h, w)
    return torch.cat([to_net(e_fill), to_net(e_ldr) * (1.0 - over), over, under, prev, flag], dim=1)


_BLUR = torch.tensor([1.0, 2.0, 1.0]) / 4.0


def _blur3(x):
    k = (_BLUR[:, None] * _BLUR[None, :]).expand(x.shape[1], 1, 3, 3).contiguous()
    return F.conv2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), k, groups=x.shape[1])


class TileSampler:
    def __init__(self, dirs, tile=64, seed=0, p_over=0.85, p_prev_drop=0.3, p_ref_drop=0.5,
                 transfer_mode="params", base=None, scale=1, recover_gain=0.0):
        if not dirs:
            raise ValueError("no training clips")
        self.clips = [Clip(d, transfer_mode, base, scale, recover_gain) for d in dirs]
        self.tile, self.seed = tile, seed
        self.p_over, self.p_prev_drop, self.p_ref_drop = p_over, p_prev_drop, p_ref_drop
        self.clipped = [i for i, c in enumerate(self.clips) if c.clipped > 0.002] or list(range(len(self.clips)))
        self.by_hdri = {}
        for i, c in enumerate(self.clips):
            self.by_hdri.setdefault(c.hdri, []).append(i)

    def rng(self, step):
        return np.random.default_rng(np.random.SeedSequence([self.seed, 0xD1F, step]))

    def item(self, g):
        s = self.tile
        biased = g.random() < self.p_over
        ci = int(g.choice(self.clipped)) if biased else int(g.integers(len(self.clips)))
        c = self.clips[ci]
        t = int(g.integers(1, c.frames))
        cur = frame_inputs(c, t)
        y = int(g.integers(c.height - s + 1))
        x = int(g.integers(c.width - s + 1))
        if biased:
            ys, xs = np.nonzero(cur["over"][0, 0].numpy() > 0.5)
            if len(ys):
                k = int(g.integers(len(ys)))
                y = int(np.clip(ys[k] - s // 2 + g.integers(-s // 4, s // 4 + 1), 0, c.height - s))
                x = int(np.clip(xs[k] - s // 2 + g.integers(-s // 4, s // 4 + 1), 0, c.width - s))
        crop = (slice(None), slice(None), slice(y, y + s), slice(x, x + s))
        out = {k: v[crop] for k, v in cur.items()}
        e_prev = None
        if g.random() >= self.p_prev_drop:
            prev = frame_inputs(c, t - 1)
            alpha = float(g.uniform(0.0, 0.7))
            ep = prev["e_gt"] + alpha * prev["over"] * (prev["e_fill"] - prev["e_gt"])
            if g.random() < 0.5:
                ep = _blur3(ep)
            ep = ep[crop]
            sigma = float(g.uniform(0.0, 0.02))
            ep = ep + 0.5 * sigma * torch.from_numpy(g.standard_normal(ep.shape).astype(np.float32))
            e_prev = ep.clamp(0.0, 1.0)
        cond = make_cond(out["e_fill"], out["e_ldr"], out["over"], out["under"], e_prev)
        x0 = to_net(out["e_gt"])
        ref = torch.zeros(1, 3, 64, 64)
        has_ref = 0.0
        if g.random() >= self.p_ref_drop:
            others = [i for i in self.by_hdri.get(c.hdri, []) if i != ci]
            if others:
                rc = self.clips[int(g.choice(others))]
                _, _, hdr = rc.frame(int(g.integers(rc.frames)))
                ref = F.avg_pool2d(hdr, max(1, min(hdr.shape[-2:]) // 64))
                ref = F.interpolate(ref, size=(64, 64), mode="bilinear", align_corners=False)
                has_ref = 1.0
        if g.random() < 0.5:
            cond, x0 = cond.flip(-1), x0.flip(-1)
        return {"x0": x0[0], "cond": cond[0], "ref": ref[0], "has_ref": torch.tensor(has_ref)}

    def batch(self, step, batch_size):
        """The batch of training step `step`: dict of torch tensors x0 [B,3,S,S], cond [B,12,S,S],
        ref [B,3,64,64] (linear, before normalise_reference), has_ref [B]."""
        g = self.rng(step)
        items = [self.item(g) for _ in range(batch_size)]
        return {k: torch.stack([it[k] for it in items]) for k in items[0]}


def val_tiles(dirs, tile=64, frames=(4, 12), transfer_mode="params", base=None, scale=1, recover_gain=0.0):
    """Fixed validation tiles: per clip and frame, the tile with the most over-exposed area (S-aligned
    grid search, stride S/2); clips without over > 0.5 pixels are skipped. No prev, no reference."""
    rows = []
    for d in dirs:
        c = Clip(d, transfer_mode, base, scale, recover_gain)
        for t in frames:
            if t >= c.frames:
                continue
            cur = frame_inputs(c, t)
            over = cur["over"][0, 0]
            best, pos = 0.0, None
            for y in range(0, c.height - tile + 1, tile // 2):
                for x in range(0, c.width - tile + 1, tile // 2):
                    a = float((over[y:y + tile, x:x + tile] > 0.5).float().mean())
                    if a > best:
                        best, pos = a, (y, x)
            if pos is None or best < 0.02:
                continue
            y, x = pos
            crop = (slice(None), slice(None), slice(y, y + tile), slice(x, x + tile))
            o = {k: v[crop] for k, v in cur.items()}
            rows.append({"clip": os.path.basename(d), "t": t, "y": y, "x": x, **o})
    return rows
