"""A perspective camera inside an equirectangular panorama, and its motion paths.

Conventions (right-handed, Y up):
  * A direction d = (x, y, z) has azimuth phi = atan2(x, -z) (0 looks down -Z, +90 deg looks
    down +X) and elevation theta = asin(y).
  * Equirectangular pixel coordinates (continuous, pixel centres at .5):
    u = (phi / 2pi + 0.5) * W,  v = (0.5 - theta / pi) * H.  So column W/2 is azimuth 0,
    column 3W/4 is azimuth +90 deg, row 0 is straight up.
  * A camera with yaw = pitch = roll = 0 looks down -Z with +X to the right of the image and
    +Y up. Yaw turns it right (towards +X), pitch tilts it up, roll turns the image clockwise
    from the camera's point of view... i.e. rotates the camera about its viewing axis.
  * fov is the horizontal field of view in degrees.

Rendering samples ss x ss rays per pixel, looks each up bilinearly in linear light and
averages them (supersampling in linear light).
"""

import math

import numpy as np

MOTIONS = ("pan", "arc", "zoom")


def rotation(yaw, pitch, roll):
    """Camera-to-world rotation matrix for angles in degrees (applied roll, then pitch, then yaw)."""
    y, p, r = (math.radians(a) for a in (yaw, pitch, roll))
    # Yaw turns -Z towards +X: a rotation about +Y by -yaw.
    cy, sy = math.cos(y), math.sin(y)
    ry = np.array([[cy, 0.0, -sy], [0.0, 1.0, 0.0], [sy, 0.0, cy]])
    # Pitch tilts -Z towards +Y: a rotation about +X by +pitch.
    cp, sp = math.cos(p), math.sin(p)
    rx = np.array([[1.0, 0.0, 0.0], [0.0, cp, -sp], [0.0, sp, cp]])
    # Roll about the viewing axis (-Z).
    cr, sr = math.cos(r), math.sin(r)
    rz = np.array([[cr, sr, 0.0], [-sr, cr, 0.0], [0.0, 0.0, 1.0]])
    return ry @ rx @ rz


def camera_rays(width, height, fov, ss=1):
    """Unit ray directions in camera space, [height*ss, width*ss, 3], for a horizontal fov in degrees."""
    t = math.tan(math.radians(fov) / 2.0)
    xs = ((np.arange(width * ss) + 0.5) / (width * ss) * 2.0 - 1.0) * t
    ys = -((np.arange(height * ss) + 0.5) / (height * ss) * 2.0 - 1.0) * t * height / width
    gx, gy = np.meshgrid(xs, ys)
    d = np.stack([gx, gy, -np.ones_like(gx)], axis=-1)
    return d / np.linalg.norm(d, axis=-1, keepdims=True)


def direction_to_equirect(d, width, height):
    """Continuous equirect pixel coordinates (u, v) of world directions d [..., 3]."""
    d = np.asarray(d, dtype=np.float64)
    phi = np.arctan2(d[..., 0], -d[..., 2])
    theta = np.arcsin(np.clip(d[..., 1] / np.linalg.norm(d, axis=-1), -1.0, 1.0))
    return (phi / (2.0 * math.pi) + 0.5) * width, (0.5 - theta / math.pi) * height


def sample_bilinear(pano, u, v):
    """Bilinear lookup in an equirect panorama [H, W, C]; wraps in u, clamps in v."""
    h, w, c = pano.shape
    x = (u - 0.5).astype(np.float32)
    y = np.clip(v - 0.5, 0.0, h - 1.0).astype(np.float32)
    x0 = np.floor(x)
    y0 = np.floor(y)
    fx = x - x0
    fy = y - y0
    xi = x0.astype(np.int32) % w
    x1 = xi + 1
    x1[x1 == w] = 0
    yi = y0.astype(np.int32)
    r0 = yi * w
    r1 = np.minimum(yi + 1, h - 1) * w
    flat = pano.reshape(-1, c)
    out = np.take(flat, r0 + xi, axis=0) * ((1 - fx) * (1 - fy))[..., None]
    out += np.take(flat, r0 + x1, axis=0) * (fx * (1 - fy))[..., None]
    out += np.take(flat, r1 + xi, axis=0) * ((1 - fx) * fy)[..., None]
    out += np.take(flat, r1 + x1, axis=0) * (fx * fy)[..., None]
    return out


def render(pano, yaw, pitch, roll, fov, width, height, ss=2):
    """Render one linear float32 frame [height, width, 3] with ss x ss supersampling."""
    rays = camera_rays(width, height, fov, ss) @ rotation(yaw, pitch, roll).T
    # Rays are unit vectors, so the elevation is asin(y) directly.
    phi = np.arctan2(rays[..., 0], -rays[..., 2])
    theta = np.arcsin(np.clip(rays[..., 1], -1.0, 1.0))
    ph, pw = pano.shape[:2]
    u = (phi / (2.0 * math.pi) + 0.5) * pw
    v = (0.5 - theta / math.pi) * ph
    img = sample_bilinear(pano.astype(np.float32, copy=False), u, v)
    if ss > 1:
        acc = np.zeros((height, width, 3), np.float32)
        for dy in range(ss):
            for dx in range(ss):
                acc += img[dy::ss, dx::ss]
        img = acc * np.float32(1.0 / (ss * ss))
    return img.astype(np.float32, copy=False)


def draw_path(rng, motion, frames, azimuth_sector):
    """Random parameters of one camera path; returns a JSON-ready dict.

    azimuth_sector: (lo, hi) degrees for the start yaw, used to keep training and validation
    start directions apart. Speeds are per frame so that the path does not depend on the fps.
    """
    lo, hi = azimuth_sector
    p = {
        "motion": motion,
        "yaw0": float(rng.uniform(lo, hi)),
        "pitch0": float(rng.uniform(-20.0, 25.0)),
        "roll0": 0.0,
        "fov0": float(rng.uniform(45.0, 95.0)),
        "yaw_speed": 0.0, "pitch_amp": 0.0, "pitch_period": 1.0, "pitch_phase": 0.0,
        "roll_speed": 0.0, "zoom": 0.0, "frames": frames,
    }
    sign = 1.0 if rng.random() < 0.5 else -1.0
    if motion == "pan":
        p["yaw_speed"] = sign * float(rng.uniform(0.3, 2.5))           # deg per frame
    elif motion == "arc":
        p["yaw_speed"] = sign * float(rng.uniform(0.3, 2.0))
        p["pitch_amp"] = float(rng.uniform(3.0, 15.0))                  # deg
        p["pitch_period"] = float(rng.uniform(1.0, 3.0)) * frames       # frames
        p["pitch_phase"] = float(rng.uniform(0.0, 2.0 * math.pi))
        p["roll0"] = float(rng.uniform(-10.0, 10.0))
        p["roll_speed"] = float(rng.uniform(-0.8, 0.8))                 # deg per frame
    elif motion == "zoom":
        p["zoom"] = float(rng.uniform(0.15, 0.5))   # fraction of the fov lost over the clip
        p["yaw_speed"] = float(rng.uniform(-0.3, 0.3))
    else:
        raise ValueError(f"unknown motion '{motion}', expected one of {MOTIONS}")
    return p


def pose_at(path, t):
    """Camera (yaw, pitch, roll, fov) at (possibly fractional) frame time t."""
    n = max(path["frames"] - 1, 1)
    yaw = path["yaw0"] + path["yaw_speed"] * t
    pitch = path["pitch0"] + path["pitch_amp"] * math.sin(
        2.0 * math.pi * t / path["pitch_period"] + path["pitch_phase"])
    roll = path["roll0"] + path["roll_speed"] * t
    # Push-in: the fov shrinks geometrically, which reads as a steady zoom.
    fov = path["fov0"] * (1.0 - path["zoom"]) ** (t / n)
    return yaw, pitch, roll, fov
