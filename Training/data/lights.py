"""Light sources added to a clip's scene: sun discs, lamps and speculars, 10^2 to 10^5 x SDR white.

The six training panoramas hold few light sources (one sun, a few windows), so a network trained on
them alone never sees a small, very bright disc and stays conservative there (Models/README.md, known
weakness). A clip drawn with lights gets 1-3 emitters fixed in the world (so they move with the camera;
some also drift, like a passing headlight), each a disc of angular radius 0.1-2 deg with a soft edge and,
for most, an exponential glow around it (the halo a lens and the atmosphere give a real sun or lamp; its
falloff is the evidence a highlight stage can read). They are rendered analytically per camera ray with
--lights-ss x --lights-ss supersampling and added to the normalised scene, so the ground truth, the LDR
(which clips them) and the events all see them.

Levels are in normalised scene units (1.0 = SDR white before the clip's exposure shift): the core is
log-uniform in [1e2, 1e5]; the glow starts at 10^-3.5-10^-1.5 of the core and falls by e every 0.5-6 deg.
A clip's lights come from their own random stream (SeedSequence([seed, split, index, LIGHTS_STREAM])), so
adding lights changes nothing else about the clip.
"""

import math

import numpy as np

from . import camera

LIGHTS_STREAM = 0x11647
# Colour of the emitter, BT.709 linear, normalised to unit luminance below: neutral, warm
# (~4000 K), tungsten (~2800 K), cool daylight (~7500 K).
TINTS = ((1.0, 1.0, 1.0), (1.0, 0.86, 0.68), (1.0, 0.72, 0.42), (0.86, 0.93, 1.0))
LUMA_709 = np.array((0.2126, 0.7152, 0.0722))


def draw_lights(rng, path):
    """Random lights for a camera path: a list of JSON-ready dicts (direction as yaw/pitch degrees)."""
    lights = []
    for _ in range(1 + int(rng.integers(3))):
        # Place it where the camera looks at a random moment, anywhere in the central 70 % of the view.
        yaw, pitch, roll, fov = camera.pose_at(path, float(rng.uniform(0, path["frames"] - 1)))
        t = math.tan(math.radians(fov) / 2)
        d = np.array([rng.uniform(-0.7, 0.7) * t, rng.uniform(-0.6, 0.6) * t, -1.0])
        d = camera.rotation(yaw, pitch, roll) @ (d / np.linalg.norm(d))
        tint = np.array(TINTS[int(rng.integers(len(TINTS)))])
        has_glow = rng.random() < 0.75
        lights.append({
            "azimuth": math.degrees(math.atan2(d[0], -d[2])),
            "elevation": math.degrees(math.asin(float(np.clip(d[1], -1, 1)))),
            "radius_deg": float(math.exp(rng.uniform(math.log(0.1), math.log(2.0)))),
            "core": float(10 ** rng.uniform(2.0, 5.0)),
            "rgb": (tint / float(tint @ LUMA_709)).tolist(),
            "glow": float(10 ** rng.uniform(-3.5, -1.5)) if has_glow else 0.0,
            "glow_falloff_deg": float(math.exp(rng.uniform(math.log(0.5), math.log(6.0)))),
            # deg per frame in azimuth and elevation; most lights are static in the world
            "drift": ([float(rng.uniform(-0.5, 0.5)), float(rng.uniform(-0.3, 0.3))]
                      if rng.random() < 0.3 else [0.0, 0.0]),
        })
    return lights


def _direction(light, t):
    az = math.radians(light["azimuth"] + light["drift"][0] * t)
    el = math.radians(light["elevation"] + light["drift"][1] * t)
    return np.array([math.cos(el) * math.sin(az), math.sin(el), -math.cos(el) * math.cos(az)])


def profile(angle_deg, light):
    """Radiance (luminance units) at angular distance angle_deg from the light's centre."""
    r = light["radius_deg"]
    edge = 0.1 * r  # soft limb: the core falls to 0 over the outer tenth of the radius
    core = light["core"] * np.clip((r - angle_deg) / edge + 0.5, 0.0, 1.0)
    glow = light["core"] * light["glow"] * np.exp(-np.maximum(angle_deg - r, 0.0) / light["glow_falloff_deg"])
    return np.maximum(core, glow) if light["glow"] > 0 else core


def render(lights, pose, t, width, height, ss=4):
    """The lights' linear RGB [height, width, 3] seen from pose (yaw, pitch, roll, fov) at frame time t."""
    yaw, pitch, roll, fov = pose
    rays = camera.camera_rays(width, height, fov, ss) @ camera.rotation(yaw, pitch, roll).T
    out = np.zeros(rays.shape[:2] + (3,), np.float64)
    for light in lights:
        cosang = np.clip(rays @ _direction(light, t), -1.0, 1.0)
        angle = np.degrees(np.arccos(cosang))
        out += profile(angle, light)[..., None] * np.array(light["rgb"])
    if ss > 1:
        out = out.reshape(height, ss, width, ss, 3).mean(axis=(1, 3))
    return out.astype(np.float32)
