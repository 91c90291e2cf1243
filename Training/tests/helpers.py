"""Helpers shared by the tests: synthetic HDR panoramas and an EXR writer."""

import math

import numpy as np


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
