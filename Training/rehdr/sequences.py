"""Training sequences for the REHDR fusion network: random crops of T consecutive frames.

Numpy only (torch conversion happens in ``train.py``). Clips come from ``make data``
(``Training/data/synth.py``; files described in ``Training/README.md``) and are memory-mapped,
so a 200-clip set does not have to fit in memory.

One batch is a pure function of (seed, step): the generator is
``numpy.random.default_rng(SeedSequence([seed, 0x5EC, step]))``, so a resumed run draws exactly
the batches the uninterrupted run would have drawn, with no data-loader state to save.

LDR linearisation (``linearise_codes``) mirrors the Swift input stage (``Sources/IO/InputPlan.swift``):
8-bit R'G'B' code / 255 through the transfer curve, relative to SDR white (1.0):
  * ``params`` (default): the curve the clip was made with, decoded the way ``--transfer`` would
    decode it: srgb -> IEC 61966-2-1 sRGB EOTF, bt709 -> BT.709 inverse OETF (``--transfer bt709``),
    bt1886 and the random ``smooth`` camera curves -> BT.1886 (V^2.4, what ``--transfer auto``
    does for the BT.709 tag the clips carry; the network learns the residual of unknown curves);
  * ``bt1886``: BT.1886 for every clip (exactly what ``auto`` does on these files).
"""

import json
import os

import numpy as np

from Training.data.dataset import list_clips
from Training.eval import metrics

_BT709_ALPHA = 1.09929682680944
_BT709_BETA = 0.018053968510807


def _curve_table(kind):
    v = np.arange(256, dtype=np.float64) / 255.0
    if kind == "srgb":
        lin = np.where(v <= 0.04045, v / 12.92, np.power((v + 0.055) / 1.055, 2.4))
    elif kind == "bt709":
        lin = np.where(v < 4.5 * _BT709_BETA, v / 4.5,
                       np.power((v + (_BT709_ALPHA - 1)) / _BT709_ALPHA, 1 / 0.45))
    elif kind == "bt1886":
        lin = np.power(v, 2.4)
    else:
        raise ValueError(f"unknown transfer '{kind}'")
    return np.clip(lin, 0.0, 1.0).astype(np.float32)


TABLES = {k: _curve_table(k) for k in ("srgb", "bt709", "bt1886")}


def transfer_for(meta, mode="params"):
    """Name of the decoding curve for a clip (see module docstring)."""
    if mode == "bt1886":
        return "bt1886"
    if mode != "params":
        raise ValueError("transfer mode must be 'params' or 'bt1886'")
    kind = meta["ldr"]["crf"]["kind"]
    return kind if kind in ("srgb", "bt709") else "bt1886"


def linearise_codes(codes, transfer):
    """uint8 R'G'B' codes [...] -> linear float32 [...] in [0, 1] (1.0 = SDR white)."""
    return TABLES[transfer][codes]


# Over-exposed where any 8-bit code reaches this (Training/eval/metrics.py's mask).
OVER_CODE = metrics.OVER_CODE


class Clip:
    """One clip, memory-mapped: hdr [T,H,W,3] f16, ldr [T,H,W,3] u8, voxels [T,5,H,W] f16, meta."""

    def __init__(self, clip_dir, transfer_mode="params", base=None):
        self.dir = clip_dir
        # Residual training: the filter's own frames before the fusion stage (Training/rehdr/base.py).
        self.base = np.load(os.path.join(clip_dir, base), mmap_mode="r") if base else None
        self.hdr = np.load(os.path.join(clip_dir, "hdr.npy"), mmap_mode="r")
        self.ldr = np.load(os.path.join(clip_dir, "ldr.npy"), mmap_mode="r")
        self.voxels = np.load(os.path.join(clip_dir, "voxels.npy"), mmap_mode="r")
        with open(os.path.join(clip_dir, "meta.json")) as f:
            self.meta = json.load(f)
        self.transfer = transfer_for(self.meta, transfer_mode)
        self.frames, self.height, self.width = self.ldr.shape[:3]

    def window(self, t0, t, y, x, h, w):
        """Frames t0..t0+t-1 of the crop (y, x, h, w): dict of float32 arrays, channels first.

        ldr: linear [t, 3, h, w]; hdr: [t, 3, h, w]; voxels: [t, 5, h, w] (raw, not normalised);
        over: [t, 1, h, w], 1 where any LDR code >= OVER_CODE (the evaluation's over-exposed mask);
        base: [t, 3, h, w] linear, when the clip was opened with a base file."""
        sl = (slice(t0, t0 + t), slice(y, y + h), slice(x, x + w))
        codes = np.asarray(self.ldr[sl])
        ldr = linearise_codes(codes, self.transfer)
        hdr = np.asarray(self.hdr[sl], dtype=np.float32)
        vox = np.asarray(self.voxels[t0:t0 + t, :, y:y + h, x:x + w], dtype=np.float32)
        over = (codes.max(axis=-1) >= OVER_CODE).astype(np.float32)[:, None]
        it = {"ldr": ldr.transpose(0, 3, 1, 2), "hdr": hdr.transpose(0, 3, 1, 2), "voxels": vox,
              "over": over}
        if self.base is not None:
            it["base"] = np.asarray(self.base[sl], dtype=np.float32).transpose(0, 3, 1, 2)
        return it


class SequenceSampler:
    """Draws batches [B, T, C, S, S] of random crops from a list of clip folders.

    crop: (lo, hi) side range in pixels, multiples of 16 (the working size, crop / 2, must be a
    multiple of 8); one side per batch, drawn uniformly from the multiples of 16 in [lo, hi] and
    capped at the smallest clip. Augmentation: horizontal flip with probability 0.5 (the voxel grid
    flips with the image; time is not reversed, which would need polarity and bin changes).
    Event dropout: each item loses all its events with probability p_seq, else each frame with
    p_frame (the zero grid is what the network sees for `events = None`).
    """

    def __init__(self, clip_dirs, seq_len=8, crop=(128, 256), p_seq=0.5, p_frame=0.1,
                 transfer_mode="params", seed=0, base=None):
        if not clip_dirs:
            raise ValueError("no training clips")
        self.clips = [Clip(d, transfer_mode, base) for d in clip_dirs]
        self.seq_len, self.p_seq, self.p_frame, self.seed = seq_len, p_seq, p_frame, seed
        short = min(c.frames for c in self.clips)
        if short < seq_len:
            raise ValueError(f"clips have {short} frames, fewer than --seq-len {seq_len}")
        side_cap = min(min(c.height, c.width) for c in self.clips) // 16 * 16
        lo, hi = crop
        lo, hi = min(lo, side_cap), min(hi, side_cap)
        self.sides = [s for s in range(lo - lo % 16, hi + 1, 16) if s >= max(lo, 16)] or [side_cap]

    def rng(self, step):
        return np.random.default_rng(np.random.SeedSequence([self.seed, 0x5EC, step]))

    def batch(self, step, batch_size):
        """The batch of training step `step`: dict of float32 arrays [B, T, C, S, S]."""
        g = self.rng(step)
        side = int(self.sides[int(g.integers(len(self.sides)))])
        items = []
        for _ in range(batch_size):
            c = self.clips[int(g.integers(len(self.clips)))]
            t0 = int(g.integers(c.frames - self.seq_len + 1))
            y = int(g.integers(c.height - side + 1))
            x = int(g.integers(c.width - side + 1))
            it = c.window(t0, self.seq_len, y, x, side, side)
            if g.random() < 0.5:
                it = {k: v[..., ::-1] for k, v in it.items()}
            keep = np.ones(self.seq_len, np.float32)
            if g.random() < self.p_seq:
                keep[:] = 0.0
            else:
                keep[g.random(self.seq_len) < self.p_frame] = 0.0
            it["voxels"] = it["voxels"] * keep[:, None, None, None]
            items.append(it)
        return {k: np.ascontiguousarray(np.stack([it[k] for it in items])) for k in items[0]}


def clip_dirs(root):
    """Clip folders of a generated set (root/index.json), or [] when root has no index; `root` may
    name several sets separated by commas (data/train,data/render/train), whose clips are joined."""
    return [d for r in root.split(",") if r and os.path.exists(os.path.join(r, "index.json"))
            for d in list_clips(r)]


def data_fingerprint(root):
    """The generator arguments of a set (for the model card), or None; a list for several sets."""
    found = []
    for r in (r for r in root.split(",") if r):
        p = os.path.join(r, "index.json")
        if os.path.exists(p):
            with open(p) as f:
                found.append(json.load(f).get("generator"))
        else:
            found.append(None)
    return found[0] if len(found) == 1 else found
