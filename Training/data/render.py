"""Rendered training clips: procedural scenes with real light sources, path-traced by Blender.

    python3 -m Training.data.render --out data/render/train --clips 60 --seed 0
    (make data-render; needs Debian's `blender`, 3.4: Cycles on the CPU)

The panoramas of synth.py hold few light sources and lights.py pastes analytic discs into them.
Here the lamps are in the scene: small emitting spheres light the surfaces around them, show in
glossy floors and metal spheres as speculars, are partly hidden by objects, and some move (a
passing headlight). Three kinds of scene, drawn in turn:

  interior   a room (floor, walls, ceiling) lit by 1-4 small lamps, a dim ambient world;
  night      a street between box buildings, 2-5 street lamps, often a wet (glossy) road and a
             pair of moving headlights, a near-black sky;
  daylight   open ground under Blender's Nishita sky with its sun disc; half the clips look
             toward the sun, so the disc and its sky glow are in frame.

The camera pans, dollies, orbits or stays still for the clip; half the clips get a compositor
fog-glow glare (the halo a lens adds around a bright source, part of what the camera records).
Each clip's description is drawn here (draw_scene, numpy only, from SeedSequence([seed,
RENDER_STREAM, split, index])) and written to meta.json; render_scene.py only builds and renders
it. Frames are normalised like synth.py's (median luminance of frame 0 -> 18 % of SDR white) and
turned into a clip by synth.make_clip (the same LDR, codec and event draws), so the folder is a
training clip like any other (hdri = "render-<kind>").
"""

import argparse
import glob
import json
import math
import multiprocessing as mp
import os
import shutil
import subprocess
import tempfile

import numpy as np

from . import events, hdri, ldr, synth
from .progress import Progress

RENDER_STREAM = 0x52454e44
SPLITS = {"train": 0, "tune": 1}
KINDS = ("interior", "night", "daylight")
MOTIONS = ("pan", "dolly", "orbit", "static")
# Samples per pixel relative to --samples: enclosed rooms cost the most per sample and their light is
# smooth; small street lamps over dark facades are the noisiest.
SAMPLE_SCALE = {"interior": 0.75, "night": 1.5, "daylight": 1.0}
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "render_scene.py")
# Lamp radiance in Blender units (an emission strength of 1 renders as 1.0) is drawn log-uniform
# here; after normalisation the cores land around 10^2-10^5 x SDR white (meta.json records it).
LAMP_STRENGTH = (10 ** 1.5, 10 ** 4.5)


def _u(rng, lo, hi):
    return float(rng.uniform(lo, hi))


def _material(rng, glossy_prob=0.25, metal_prob=0.1):
    grey = _u(rng, 0.05, 0.8)
    tint = rng.uniform(0.6, 1.0, 3)
    glossy = rng.random() < glossy_prob
    return {"colour": [float(grey * t) for t in tint],
            "roughness": _u(rng, 0.03, 0.25) if glossy else _u(rng, 0.4, 0.95),
            "metallic": 1.0 if rng.random() < metal_prob else 0.0}


def _lamp_colour(rng):
    tints = ((1.0, 1.0, 1.0), (1.0, 0.85, 0.65), (1.0, 0.7, 0.4), (0.85, 0.92, 1.0))
    return [float(c) for c in tints[int(rng.integers(len(tints)))]]


def _lamp(rng, loc, radius, path_end=None):
    s = float(10 ** rng.uniform(*np.log10(LAMP_STRENGTH)))
    return {"path": [loc] + ([path_end] if path_end else []), "radius": radius,
            "colour": _lamp_colour(rng), "strength": s}


def _scatter(rng, n, half, z0=0.0, keep_clear=1.5):
    """n boxes or spheres on the ground within +-half, away from the origin (the camera's spot)."""
    objs = []
    for _ in range(n):
        while True:
            x, y = rng.uniform(-half, half, 2)
            if math.hypot(x, y) > keep_clear:
                break
        if rng.random() < 0.5:
            sx, sy, sz = rng.uniform(0.3, 1.5, 3)
            objs.append({"kind": "box", "location": [float(x), float(y), z0 + float(sz) / 2],
                         "scale": [float(sx), float(sy), float(sz)], "yaw_deg": _u(rng, 0, 90),
                         "material": _material(rng)})
        else:
            r = _u(rng, 0.2, 0.8)
            objs.append({"kind": "sphere", "location": [float(x), float(y), z0 + r],
                         "scale": [2 * r] * 3, "material": _material(rng, glossy_prob=0.6, metal_prob=0.3)})
    return objs


def _interior(rng):
    w, d, h = _u(rng, 6, 10), _u(rng, 6, 10), _u(rng, 2.6, 3.5)
    wall = _material(rng, glossy_prob=0.1, metal_prob=0.0)
    objs = [{"kind": "plane", "location": [0, 0, 0], "scale": [w, d, 1], "material": _material(rng, 0.3, 0.0)},
            {"kind": "plane", "location": [0, 0, h], "scale": [w, d, 1], "material": wall}]
    for x, y, sx, sy in ((w / 2, 0, 0.1, d), (-w / 2, 0, 0.1, d), (0, d / 2, w, 0.1), (0, -d / 2, w, 0.1)):
        objs.append({"kind": "box", "location": [x, y, h / 2], "scale": [sx, sy, h], "material": wall})
    objs += _scatter(rng, int(rng.integers(3, 8)), min(w, d) / 2 - 0.6)
    lamps = []
    for _ in range(int(rng.integers(1, 5))):
        lamps.append(_lamp(rng, [_u(rng, -w / 2 + 0.5, w / 2 - 0.5), _u(rng, -d / 2 + 0.5, d / 2 - 0.5),
                                 _u(rng, 0.8, h - 0.15)], _u(rng, 0.03, 0.15)))
    world = {"kind": "colour", "colour": [0.8, 0.85, 1.0], "strength": float(10 ** rng.uniform(-2, -0.5))}
    return objs, lamps, world, {"half": min(w, d) / 2 - 1.0, "height": (1.2, min(1.8, h - 0.5))}


def _night(rng):
    road = _material(rng, glossy_prob=0.6, metal_prob=0.0)
    road["colour"] = [0.04, 0.04, 0.045]
    objs = [{"kind": "plane", "location": [0, 0, 0], "scale": [80, 80, 1], "material": road}]
    for side in (-1, 1):
        y = -30.0
        while y < 30:
            depth, length, height = _u(rng, 4, 10), _u(rng, 4, 12), _u(rng, 3, 15)
            objs.append({"kind": "box", "location": [side * (_u(rng, 6, 9) + depth / 2), y + length / 2, height / 2],
                         "scale": [depth, length, height], "material": _material(rng, 0.1, 0.05)})
            y += length + _u(rng, 0.5, 4)
    lamps = []
    for _ in range(int(rng.integers(2, 6))):
        lamps.append(_lamp(rng, [float(rng.choice([-5.0, 5.0])), _u(rng, -25, 25), _u(rng, 4, 6)],
                           _u(rng, 0.1, 0.3)))
    if rng.random() < 0.6:  # a car's headlights passing along the road
        x, y0, y1 = _u(rng, -3, 3), _u(rng, 15, 25), _u(rng, -5, 10)
        if rng.random() < 0.5:
            y0, y1 = -y0, -y1
        pair = _lamp(rng, [x - 0.7, y0, 0.7], _u(rng, 0.06, 0.1), [x - 0.7, y1, 0.7])
        lamps += [pair, dict(pair, path=[[x + 0.7, y0, 0.7], [x + 0.7, y1, 0.7]])]
    world = {"kind": "colour", "colour": [0.35, 0.45, 1.0], "strength": float(10 ** rng.uniform(-3.5, -2))}
    return objs, lamps, world, {"half": 3.0, "height": (1.2, 1.8)}


def _daylight(rng):
    objs = [{"kind": "plane", "location": [0, 0, 0], "scale": [200, 200, 1], "material": _material(rng, 0.15, 0.0)}]
    objs += _scatter(rng, int(rng.integers(4, 12)), 12.0, keep_clear=2.5)
    world = {"kind": "sky", "sun_size_deg": _u(rng, 0.545, 2.0), "sun_elevation_deg": _u(rng, 2, 35),
             "sun_rotation_deg": _u(rng, 0, 360), "sun_intensity": 1.0, "strength": _u(rng, 0.2, 1.0)}
    return objs, [], world, {"half": 3.0, "height": (1.2, 1.8)}


def _sun_direction(world):
    """Unit vector toward the Nishita sun (Blender Z up; checked by rendering, see the tests)."""
    el, rot = math.radians(world["sun_elevation_deg"]), math.radians(world["sun_rotation_deg"])
    return [math.cos(el) * math.sin(rot), math.cos(el) * math.cos(rot), math.sin(el)]


def _camera(rng, pos, look_dir, motion):
    """Camera keys at the first and last frame: position and look-at target, moved by `motion`."""
    pos = np.asarray(pos, float)
    look = np.asarray(look_dir, float)
    look /= np.linalg.norm(look)
    target = pos + 4.0 * look
    end_pos, end_target = pos.copy(), target.copy()
    if motion == "pan":
        a = math.radians(_u(rng, 8, 25)) * float(rng.choice([-1, 1]))
        rel = target - pos
        end_target = pos + np.array([rel[0] * math.cos(a) - rel[1] * math.sin(a),
                                     rel[0] * math.sin(a) + rel[1] * math.cos(a), rel[2]])
    elif motion == "dolly":
        end_pos = pos + look * np.array([1, 1, 0]) * _u(rng, 0.4, 1.5)
        end_target = target + (end_pos - pos)
    elif motion == "orbit":
        side = np.cross(look, [0, 0, 1])
        side /= max(np.linalg.norm(side), 1e-6)
        end_pos = pos + side * _u(rng, 0.3, 1.2) * float(rng.choice([-1, 1]))
    return {"path": [pos.tolist(), end_pos.tolist()], "target": [target.tolist(), end_target.tolist()],
            "fov_deg": _u(rng, 45, 80), "motion": motion}


def draw_scene(rng, frames, width, height, samples=64, kind=None, motion=None):
    """A scene description for render_scene.py: plain JSON-ready numbers only."""
    kind = kind or KINDS[int(rng.integers(len(KINDS)))]
    motion = motion or MOTIONS[int(rng.integers(len(MOTIONS)))]
    objs, lamps, world, room = {"interior": _interior, "night": _night, "daylight": _daylight}[kind](rng)
    half, (h0, h1) = room["half"], room["height"]
    pos = [_u(rng, -half, half) * 0.5, _u(rng, -half, half) * 0.5, _u(rng, h0, h1)]
    yaw = _u(rng, 0, 2 * math.pi)
    look = [math.cos(yaw), math.sin(yaw), _u(rng, -0.25, 0.35)]
    if kind == "daylight" and rng.random() < 0.5:  # the sun in frame, somewhere off-centre
        s = np.asarray(_sun_direction(world)) + rng.normal(0, 0.12, 3)
        look = [float(s[0]), float(s[1]), float(max(s[2], -0.1))]
    elif lamps and rng.random() < 0.6:  # a lamp in frame, somewhere off-centre
        lamp = np.asarray(lamps[int(rng.integers(len(lamps)))]["path"][0])
        look = (lamp + rng.normal(0, 0.6, 3) - np.asarray(pos)).tolist()
    cam = _camera(rng, pos, look, motion)
    glare = None
    if rng.random() < 0.5:
        top = max([lamp["strength"] for lamp in lamps] + [1.0])
        glare = {"size": int(rng.integers(5, 8)), "mix": _u(rng, -0.9, -0.5),
                 "threshold": float(0.05 * top if kind != "daylight" else 50.0)}
    return {"kind": kind, "frames": frames, "width": width, "height": height,
            "samples": max(1, round(samples * SAMPLE_SCALE[kind])),
            "seed": int(rng.integers(2 ** 31)), "objects": objs, "lamps": lamps, "world": world,
            "camera": cam, "glare": glare}


def render_frames(desc, blender="blender", threads=1):
    """Render a description; returns linear BT.709 frames float32 [T, H, W, 3]."""
    with tempfile.TemporaryDirectory(prefix="reexpose-render-") as tmp:
        path = os.path.join(tmp, "scene.json")
        with open(path, "w") as f:
            json.dump(desc, f)
        cmd = [blender, "-b", "--factory-startup", "-noaudio", "-t", str(threads), "-P", SCRIPT, "--", path, tmp]
        r = subprocess.run(cmd, capture_output=True, text=True)
        files = sorted(glob.glob(os.path.join(tmp, "frame_*.exr")))
        if r.returncode != 0 or len(files) != desc["frames"]:
            tail = (r.stdout + r.stderr).strip().splitlines()[-5:]
            raise RuntimeError(f"blender failed ({r.returncode}, {len(files)} of {desc['frames']} frames): "
                               + " | ".join(tail))
        return np.stack([hdri.read_exr(f)[..., :3] for f in files]).astype(np.float32)


def clip_rng(seed, split, index):
    return np.random.default_rng(np.random.SeedSequence([seed, RENDER_STREAM, SPLITS[split], index]))


def kind_and_motion(index):
    """Clip `index`'s scene kind and camera motion: kinds in turn, and each kind's clips through the
    motions in turn, so any 12 consecutive clips hold every pair once."""
    return KINDS[index % len(KINDS)], MOTIONS[(index // len(KINDS)) % len(MOTIONS)]


def render_clip(job):
    """Worker: draw, render and write clip `index`; returns its meta dict."""
    a, index = job
    out = os.path.join(a["out"], f"clip_{index:05d}")
    done = os.path.join(out, "meta.json")
    if os.path.exists(done):
        with open(done) as f:
            return json.load(f)
    rng = clip_rng(a["seed"], a["split"], index)
    w, h = a["size"]
    kind, motion = kind_and_motion(index)
    desc = draw_scene(rng, a["frames"], w, h, a["samples"], kind=kind, motion=motion)
    frames = render_frames(desc, a["blender"])
    frames = np.nan_to_num(np.maximum(frames, 0.0), posinf=65504.0)
    samples, scale = synth.normalise(frames)
    peak = float(np.percentile(events.luminance(samples[0]), 99.99))
    meta = {"hdri": f"render-{desc['kind']}", "split": a["split"], "index": index, "seed": a["seed"],
            "camera": {"motion": desc["camera"]["motion"]}, "scene": desc,
            "exposure_normalisation": {"rule": f"median luminance of frame 0 -> {synth.KEY}", "scale": scale},
            "peak_over_white": peak}
    return synth.make_clip(samples, 1, out, rng, meta, a["codec_prob"])


def build(out, clips, frames=16, size=(256, 256), seed=0, split="train", workers=2, samples=64,
          codec_prob=0.5, blender="blender"):
    """Render `clips` clips into `out` (resuming after finished ones); writes index.json."""
    if shutil.which(blender) is None:
        raise SystemExit(f"{blender} not found: apt-get install blender (Debian's 3.4 renders headless)")
    os.makedirs(out, exist_ok=True)
    a = {"out": out, "frames": frames, "size": list(size), "sizes": [list(size)], "seed": seed,
         "split": split, "samples": samples, "codec_prob": codec_prob, "blender": blender,
         "ldr_model": ldr.LDR_MODEL, "renderer": "blender cycles (render_scene.py)"}
    jobs = [(a, i) for i in range(clips)]
    bar = Progress(clips, f"render {split}")
    metas = []
    with mp.get_context("fork").Pool(workers) as pool:
        for m in pool.imap(render_clip, jobs, chunksize=1):
            metas.append(m)
            bar.update()
    bar.close()
    index = {"generator": {k: v for k, v in a.items() if k not in ("out", "blender")} | {"clips": clips},
             "clips": [{"dir": f"clip_{m['index']:05d}", "hdri": m["hdri"], "motion": m["camera"]["motion"],
                        "ev": m["ldr"]["ev"], "codec": m["ldr"]["codec"], "sigma_grey": m["ldr"].get("sigma_grey"),
                        "lights": len(m["scene"]["lamps"]) + (m["scene"]["world"]["kind"] == "sky"),
                        "peak_over_white": m["peak_over_white"]} for m in metas]}
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f, indent=1, sort_keys=True)
    return index


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="data/render/train")
    ap.add_argument("--clips", type=int, default=60)
    ap.add_argument("--frames", type=int, default=16)
    ap.add_argument("--size", type=synth.parse_size, default=(256, 256))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--split", choices=sorted(SPLITS), default="train")
    ap.add_argument("--samples", type=int, default=64, help="Cycles samples per pixel (default 64)")
    ap.add_argument("--workers", type=int, default=2, help="Blender processes, one thread each")
    ap.add_argument("--blender", default="blender")
    args = ap.parse_args(argv)
    build(args.out, args.clips, args.frames, args.size, args.seed, args.split, args.workers,
          args.samples, blender=args.blender)


if __name__ == "__main__":
    main()
