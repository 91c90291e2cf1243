"""Synthesise HDR/LDR/event training clips from the training panoramas.

    python3 -m Training.data.synth --out data/train --clips 200 --frames 16 --size 256x256

Each clip is a folder clip_NNNNN/ with (T frames of H x W):
  hdr.npy     float16 [T, H, W, 3]  linear BT.709 ground truth, 1.0 = SDR white, matched to the
                                    LDR exposure (= normalised scene * 2**ev), clamped to 65504
  ldr.npy     uint8   [T, H, W, 3]  the 8-bit R'G'B' frames decoded from ldr.mkv (BT.709 matrix)
  ldr.mkv     8-bit yuv420p BT.709 limited-range video (FFV1, or H.264 / MPEG-2 after a lossy
              round trip; see ldr.py for the draw: clean share, noise and codec ranges)
  events.npy  structured [N] (t uint32 us, x uint16, y uint16, p int8), sorted by time
  voxels.npy  float16 [T, 5, H, W]  event voxel grid per frame interval (slot 0 empty)
  meta.json   every parameter of the clip (camera path, normalisation, LDR incl. noise
              parameters and sigma_grey, events)
and the folder gets index.json listing the clips and the generator arguments.

Determinism: a clip's random stream is SeedSequence([seed, split, index]) only, ffmpeg runs
single-threaded with bitexact flags, so the same arguments give byte-identical files whatever
the worker count. A clip whose meta.json exists (it is written last) is kept as it is, so an
interrupted run picks up where it stopped.
"""

import argparse
import json
import multiprocessing as mp
import os

import numpy as np

from . import camera, events, hdri, ldr, lights
from .progress import Progress

FPS = 30
SPLITS = {"train": 0, "val": 1}
# Start azimuths: training uses the 30-degree sectors starting at 0, 60, ..., 300 deg;
# validation the sectors starting at 30, 90, ..., 330 deg (and its own seed stream).
SECTOR = 30.0
# Exposure normalisation: the median luminance of frame 0 is scaled to 18 % of SDR white.
KEY = 0.18
# Auto-exposure ramps come from their own random stream (SeedSequence([seed, split, index,
# AE_STREAM])), so adding them leaves every other draw of a clip as it was.
AE_STREAM = 0xAE


def frame_times_us(frames, fps=FPS):
    """Frame timestamps in whole microseconds."""
    return np.round(np.arange(frames) * 1e6 / fps).astype(np.int64)


def normalise(frames_linear):
    """Scale so that the median BT.709 luminance of the first frame is KEY; returns (frames, scale)."""
    med = float(np.median(events.luminance(frames_linear[0])))
    scale = KEY / max(med, 1e-6)
    return frames_linear * np.float32(scale), scale


def write_npy(path, arr):
    """np.save to a temporary name then rename, so a killed run leaves no half file."""
    tmp = path + ".tmp.npy"
    np.save(tmp, arr)
    os.replace(tmp, path)


def make_clip(samples, stride, out_dir, rng, meta, codec_prob=0.5, ldr_override=None,
              clean_prob=ldr.CLEAN_PROB, mpeg2_prob=ldr.MPEG2_PROB):
    """Turn normalised linear samples into one clip folder.

    samples: float32 [N, H, W, 3], normalised (1.0 = SDR white before the exposure shift);
    every stride-th sample is a video frame, the ones between only refine the event timing.
    ldr_override: LDR parameters to force (e.g. {"ev": 1.5}) after the random draw.
    """
    os.makedirs(out_dir, exist_ok=True)
    frames = samples[::stride]
    t, h, w, _ = frames.shape
    ldr_p = ldr.draw_ldr_params(rng, codec_prob, clean_prob, mpeg2_prob)
    ev_p = events.draw_event_params(rng)
    ldr_p.update(ldr_override or {})
    ldr_p["sigma_grey"] = ldr.sigma_at(ldr.GREY, ldr_p.get("full_well"), ldr_p.get("read_sigma"))
    gt = frames * ldr.exposure_gains(ldr_p, t)[:, None, None, None]
    codes = ldr.form_codes(frames, ldr_p, rng)   # applies the same exposure shift
    mkv = os.path.join(out_dir, "ldr.mkv")
    ldr.encode_video(codes, mkv, ldr_p, FPS)
    decoded = ldr.decode_video_rgb24(mkv)
    if decoded.shape != codes.shape:
        raise RuntimeError(f"{mkv}: decoded {decoded.shape}, expected {codes.shape}")
    ft = frame_times_us(t)
    st = np.round(np.arange(samples.shape[0]) * 1e6 / (FPS * stride)).astype(np.int64)
    evs = events.simulate(events.luminance(samples), st, ev_p, rng)
    vox = events.voxel_grid(evs, ft, h, w)
    write_npy(os.path.join(out_dir, "hdr.npy"), np.minimum(gt, 65504.0).astype(np.float16))
    write_npy(os.path.join(out_dir, "ldr.npy"), decoded)
    write_npy(os.path.join(out_dir, "events.npy"), evs)
    write_npy(os.path.join(out_dir, "voxels.npy"), vox.astype(np.float16))
    over = float(np.mean(codes.max(axis=-1) >= 250))
    under = float(np.mean(codes.max(axis=-1) <= 8))
    meta = dict(meta, frames=t, width=w, height=h, fps=FPS, ldr=ldr_p, events=ev_p,
                event_count=int(evs.size), frame_times_us=ft.tolist(),
                clipped_fraction=over, crushed_fraction=under)
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
    return meta


_PANOS = {}


def _pano(name):
    if name not in _PANOS:
        _PANOS[name] = hdri.load_hdri(name)
    return _PANOS[name]


def clip_rng(seed, split, index):
    """The random stream of one clip: depends on (seed, split, index) only."""
    return np.random.default_rng(np.random.SeedSequence([seed, SPLITS[split], index]))


def synth_clip(job):
    """Worker: render and write clip `index` of a split; returns its meta dict."""
    a, index = job
    out = os.path.join(a["out"], f"clip_{index:05d}")
    done = os.path.join(out, "meta.json")
    if os.path.exists(done):  # written last: an interrupted run resumes after its finished clips
        with open(done) as f:
            return json.load(f)
    rng = clip_rng(a["seed"], a["split"], index)
    # Balanced content: panoramas in turn, and the motion shifts by one every full turn, so
    # any 18 consecutive clips hold each (panorama, motion) pair once.
    n_pano, n_mot = len(hdri.TRAIN_HDRIS), len(camera.MOTIONS)
    name = hdri.TRAIN_HDRIS[index % n_pano]
    motion = camera.MOTIONS[(index + index // n_pano) % n_mot]
    sector = int(rng.integers(int(360 / (2 * SECTOR))))
    lo = sector * 2 * SECTOR + (SECTOR if a["split"] == "val" else 0.0)
    w, h = a["sizes"][int(rng.integers(len(a["sizes"])))]
    path = camera.draw_path(rng, motion, a["frames"], (lo, lo + SECTOR))
    sub = a["substeps"]
    n = (a["frames"] - 1) * sub + 1
    pano = _pano(name)
    samples = np.stack([camera.render(pano, *camera.pose_at(path, k / sub), w, h, a["ss"])
                        for k in range(n)])
    samples, scale = normalise(samples)
    extra = {}
    lrng = np.random.default_rng(np.random.SeedSequence(
        [a["seed"], SPLITS[a["split"]], index, lights.LIGHTS_STREAM]))
    if lrng.random() < a.get("lights_prob", 0.0):
        drawn = lights.draw_lights(lrng, path)
        samples = samples + np.stack([lights.render(drawn, camera.pose_at(path, k / sub), k / sub, w, h)
                                      for k in range(n)])
        extra["lights"] = drawn
    arng = np.random.default_rng(np.random.SeedSequence(
        [a["seed"], SPLITS[a["split"]], index, AE_STREAM]))
    ldr_override = None
    if arng.random() < a.get("ae_prob", 0.0):
        ldr_override = {"ev_ramp": ldr.draw_exposure_ramp(arng, a["frames"])}
    meta = extra | {"hdri": name, "split": a["split"], "index": index, "seed": a["seed"],
            "camera": path, "supersampling": a["ss"], "event_substeps": sub,
            "exposure_normalisation": {"rule": f"median luminance of frame 0 -> {KEY}",
                                       "scale": scale}}
    return make_clip(samples, sub, out, rng, meta, a["codec_prob"], ldr_override=ldr_override,
                     clean_prob=a.get("clean_prob", ldr.CLEAN_PROB),
                     mpeg2_prob=a.get("mpeg2_prob", ldr.MPEG2_PROB))


def parse_size(s):
    w, h = s.lower().split("x")
    return int(w), int(h)


def build(out, clips, frames=16, sizes=((256, 256),), seed=0, split="train", workers=2,
          ss=2, substeps=2, codec_prob=0.5, label=None, clean_prob=ldr.CLEAN_PROB,
          mpeg2_prob=ldr.MPEG2_PROB, lights_prob=0.0, ae_prob=0.0):
    """Generate `clips` clips into `out`; returns the index dict (also written to index.json)."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {sorted(SPLITS)}")
    os.makedirs(out, exist_ok=True)
    a = {"out": out, "frames": frames, "sizes": [list(s) for s in sizes], "seed": seed,
         "split": split, "ss": ss, "substeps": substeps, "codec_prob": codec_prob,
         "clean_prob": clean_prob, "mpeg2_prob": mpeg2_prob, "ldr_model": ldr.LDR_MODEL}
    if lights_prob > 0:  # only named when used, so sets drawn before keep their index
        a["lights_prob"] = lights_prob
    if ae_prob > 0:
        a["ae_prob"] = ae_prob
    jobs = [(a, i) for i in range(clips)]
    bar = Progress(clips, label or f"synth {split}")
    metas = []
    if workers > 1:
        with mp.get_context("fork").Pool(workers) as pool:
            for m in pool.imap(synth_clip, jobs, chunksize=1):
                metas.append(m)
                bar.update()
    else:
        for j in jobs:
            metas.append(synth_clip(j))
            bar.update()
    bar.close()
    index = {"generator": {k: v for k, v in a.items() if k != "out"} | {"clips": clips},
             "clips": [{"dir": f"clip_{m['index']:05d}", "hdri": m["hdri"],
                        "motion": m["camera"]["motion"], "ev": m["ldr"]["ev"],
                        "codec": m["ldr"]["codec"],
                        "sigma_grey": m["ldr"].get("sigma_grey"),
                        "lights": len(m.get("lights", []))}
                       | ({"ae_stops": m["ldr"]["ev_ramp"][-1]} if m["ldr"].get("ev_ramp") else {})
                       for m in metas]}
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f, indent=1, sort_keys=True)
    return index


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default="data/train", help="output folder (default data/train)")
    ap.add_argument("--clips", type=int, default=200, help="number of clips (default 200)")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply --clips by this (e.g. 10 for a 2000-clip set)")
    ap.add_argument("--frames", type=int, default=16, help="frames per clip (default 16)")
    ap.add_argument("--size", action="append", type=parse_size,
                    help="WxH; repeat to draw each clip's size at random (default 256x256)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--split", default="train", choices=sorted(SPLITS))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--ss", type=int, default=2, help="supersampling per axis (default 2)")
    ap.add_argument("--substeps", type=int, default=2,
                    help="renders per frame interval for the event simulation (default 2)")
    ap.add_argument("--codec-prob", type=float, default=0.5,
                    help="fraction of clips sent through a lossy (x264 or MPEG-2) round trip "
                         "(default 0.5)")
    ap.add_argument("--clean-prob", type=float, default=ldr.CLEAN_PROB,
                    help=f"fraction of clean clips: no sensor noise, FFV1 or x264 CRF 16-20 "
                         f"(default {ldr.CLEAN_PROB})")
    ap.add_argument("--mpeg2-prob", type=float, default=ldr.MPEG2_PROB,
                    help=f"fraction of the lossy noisy clips encoded as MPEG-2 rather than x264 "
                         f"(default {ldr.MPEG2_PROB})")
    ap.add_argument("--lights-prob", type=float, default=0.0,
                    help="fraction of clips given 1-3 added suns/lamps of 1e2-1e5 x SDR white "
                         "(Training/data/lights.py; default 0)")
    ap.add_argument("--ae-prob", type=float, default=0.0,
                    help="fraction of clips whose exposure moves by 0.7-2 stops within the clip, "
                         "as a camera's auto-exposure does (ldr.draw_exposure_ramp; default 0)")
    args = ap.parse_args(argv)
    build(args.out, int(round(args.clips * args.scale)), args.frames,
          args.size or [(256, 256)], args.seed, args.split, args.workers, args.ss,
          args.substeps, args.codec_prob, clean_prob=args.clean_prob, mpeg2_prob=args.mpeg2_prob,
          lights_prob=args.lights_prob, ae_prob=args.ae_prob)


if __name__ == "__main__":
    main()
