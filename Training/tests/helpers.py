"""Helpers shared by the tests: synthetic HDR panoramas, an EXR writer and paired synthetic sets."""

import json
import math
import os

import numpy as np

from Training.data import synth


def synthetic_panorama(width=256, height=128, seed=0):
    """An HDR equirect panorama: blue sky, a 20000x sun, textured ground, a dark corner."""
    rng = np.random.default_rng(seed)
    v = (np.arange(height) + 0.5) / height
    u = (np.arange(width) + 0.5) / width
    uu, vv = np.meshgrid(u, v)
    elev = (0.5 - vv) * math.pi
    sky = np.stack([0.4 + 0.4 * np.sin(elev), 0.6 + 0.4 * np.sin(elev), 1.2 + 0.3 * np.sin(elev)], -1)
    ground = 0.05 + 0.25 * rng.random((height, width, 1)) * np.array([1.0, 0.8, 0.6])
    img = np.where(elev[..., None] > 0, sky, ground)
    az = (uu - 0.5) * 2 * math.pi
    sun = np.exp(-((az - 0.6) ** 2 + (elev - 0.35) ** 2) / 0.003)
    img = img + 20000.0 * sun[..., None] * np.array([1.0, 0.9, 0.7])
    img[(vv > 0.8) & (uu < 0.3)] *= 0.002
    stripes = 1.0 + 0.5 * np.sign(np.sin(uu * 80.0))
    return (img * stripes[..., None]).astype(np.float32)


def write_exr(path, rgb):
    import OpenEXR
    header = {"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage}
    with OpenEXR.File(header, {"RGB": np.ascontiguousarray(rgb, dtype=np.float32)}) as f:
        f.write(path)


def plain_and_drawn_with(tmp_path, frames, **extra):
    """Two small synthetic sets of the same two clips, one drawn plainly and one with `extra`
    (e.g. lights_prob=1.0): their folders and, per clip, (plain meta, other meta)."""
    plain, other = str(tmp_path / "plain"), str(tmp_path / "other")
    kw = dict(clips=2, frames=frames, sizes=[(48, 32)], workers=1, seed=5)
    synth.build(plain, **kw)
    synth.build(other, **extra, **kw)
    metas = [tuple(json.load(open(os.path.join(d, f"clip_{i:05d}", "meta.json"))) for d in (plain, other))
             for i in range(2)]
    return plain, other, metas
