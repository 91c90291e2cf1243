"""Evaluate reexpose presets and baselines on a validation set; write eval/report.md.

    python3 -m Training.eval.run --presets fast --out eval
    python3 -m Training.eval.run --user-hdr shots/*.exr     # add your own HDR clip

Validation set: clips synthesised like the training set (same six panoramas) but from a
disjoint random stream (split "val": SeedSequence([seed, 1, i]) against [seed, 0, i]) and
disjoint start directions (camera yaw starts in the 30-degree sectors at 30, 90, ..., 330
deg; training starts in those at 0, 60, ..., 300 deg). The panoramas themselves are shared:
this measures generalisation to new views, not to new scenes.

Methods: `reexpose:<preset>` through $REEXPOSE_BIN in a real pipe (skipped with a note when
the binary is missing); baselines: `zscale-static`, the BT.1886 display-referred static
SDR->PQ conversion at 203 cd/m^2 (ffmpeg zscale, a pipe too); `hqdn3d-zscale@LS:CS:LT:CT`,
ffmpeg's hqdn3d at 16 bits then the same conversion (bare `hqdn3d-zscale`: strength
pipes.HQDN3D_DEFAULT); `zscale-static-noise-free`, the same conversion of the clip's LDR made
without sensor noise and coded losslessly (a floor for any restoration in front of it); and
BT.2446 method A in numpy. Ground truth: the clip's hdr.npy x
203 cd/m^2. Clips are also grouped by their recorded sensor noise (clean / moderate / heavy,
metrics.noise_group). --hqdn3d-sweep runs several hqdn3d strengths and names the best.
"""

import argparse
import glob
import json
import math
import os
import sys
import tempfile
import time

import numpy as np

from . import colour, metrics, oracle, pipes, report
from ..data import events_txt, hdri, ldr as ldrmod, synth
from ..data.progress import Progress


def ensure_val_set(val_dir, clips, frames, size, seed, workers, ae_prob=0.0, lights_prob=0.0):
    """Build the validation set unless val_dir/index.json already matches the request (ae_prob > 0:
    that share of the clips gets an auto-exposure ramp, synth --ae-prob; lights_prob > 0: that share gets
    added suns and lamps, synth --lights-prob)."""
    want = {"clips": clips, "frames": frames, "sizes": [list(size)], "seed": seed,
            "split": "val"}
    idx_path = os.path.join(val_dir, "index.json")
    if os.path.exists(idx_path):
        with open(idx_path) as f:
            gen = json.load(f)["generator"]
        for key, want_p in (("ae_prob", ae_prob), ("lights_prob", lights_prob)):
            if gen.get(key, 0.0) != want_p and "renderer" not in gen:
                # synth keeps finished clips, so a rebuild would relabel them, not redraw them.
                flag = "--" + key.replace("_", "-")
                raise ValueError(f"{val_dir} was drawn with {flag} {gen.get(key, 0.0)}, not {want_p}; "
                                 "pass that or another --val-dir")
        if all(gen.get(k) == v for k, v in want.items()):
            return
        if "renderer" in gen:   # a rendered set (Training/data/render.py) is evaluated as it was built
            return
    synth.build(val_dir, clips, frames, [size], seed, "val", workers, label="synth val",
                ae_prob=ae_prob, lights_prob=lights_prob)


def load_user_hdr(path, max_frames, max_width):
    """Load a user HDR clip as linear BT.709 relative to SDR white [T, H, W, 3].

    path: a folder of .exr files, a glob of .exr files, or a video file (PQ/HLG/linear,
    decoded with its tags). EXR frames have no absolute scale: they are normalised like the
    synthetic clips (median of frame 0 at 18 %). Video is absolute: 203 cd/m^2 -> 1.0.
    Returns (frames, description).
    """
    if os.path.isdir(path):
        files = sorted(glob.glob(os.path.join(path, "*.exr")))
    else:
        files = sorted(glob.glob(path)) if any(c in path for c in "*?[") else [path]
    if files and all(f.lower().endswith(".exr") for f in files):
        frames = np.stack([hdri.read_exr(f) for f in files[:max_frames]])
        frames, _ = synth.normalise(np.maximum(frames, 0.0))
        kind = f"EXR sequence ({len(files[:max_frames])} frames)"
    elif len(files) == 1 and os.path.exists(files[0]):
        nits, info = pipes.decode_hdr(files[0])
        frames = (nits[:max_frames] @ colour.M2020_TO_709.T) / colour.SDR_WHITE_NITS
        kind = f"video ({info.get('color_transfer')}, {info.get('pix_fmt')})"
    else:
        raise SystemExit(f"--user-hdr {path}: no EXR files or video found")
    f = int(np.ceil(frames.shape[2] / max_width)) if frames.shape[2] > max_width else 1
    t, h, w, _ = frames.shape
    h, w = (h // f) // 2 * 2 * f, (w // f) // 2 * 2 * f    # even size for 4:2:0
    frames = frames[:, :h, :w].reshape(t, h // f, f, w // f, f, 3).mean(axis=(2, 4))
    return np.maximum(frames, 0.0).astype(np.float32), kind


def build_user_clip(path, out_dir, seed, max_frames, max_width, ev):
    frames, kind = load_user_hdr(path, max_frames, max_width)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2, 0]))
    meta = {"source": os.path.abspath(path), "kind": kind, "split": "user"}
    synth.make_clip(frames, 1, out_dir, rng, meta, codec_prob=0.0,
                    ldr_override=None if ev is None else {"ev": ev})
    return kind


def codec_desc(ldr_p):
    """The clip's encode in a few words: ffv1, libx264 crf 28, mpeg2video 0.40 bpp."""
    codec = ldr_p.get("codec", "?")
    if codec == "libx264" and ldr_p.get("x264_crf") is not None:
        return f"libx264 crf {ldr_p['x264_crf']}"
    if codec == "mpeg2video" and ldr_p.get("mpeg2_bpp") is not None:
        return f"mpeg2video {ldr_p['mpeg2_bpp']:.2f} bpp"
    return codec


def noise_desc(ldr_p, group):
    s = metrics.clip_sigma_grey(ldr_p)
    return group if s is None else f"{group} σ {s:.3f}"


def hqdn3d_sweep_summary(results, methods, key="pu_psnr"):
    """The hqdn3d strengths ranked by mean `key` over all clips and per noise group:
    {"key", "best", "overall": {method: mean}, "by_group": {group: best method}}."""
    def best(avgs):
        scored = [(v, m) for m, v in avgs.items() if v is not None and math.isfinite(v)]
        return max(scored)[1] if scored else None
    overall = {m: results["averages"][m].get(key) for m in methods}
    by_group = {g: best({m: gr["averages"][m].get(key) for m in methods})
                for g, gr in results.get("groups", {}).items()}
    b = best(overall)
    return {"key": key, "best": b, "best_strength": pipes.hqdn3d_strength(b) if b else None,
            "overall": overall, "by_group": by_group}


# Baseline `zscale-static-noise-free`: the same static conversion of the clip's LDR made without sensor
# noise and coded losslessly (same exposure, camera response and 4:2:0 chroma). No restoration can give
# the static conversion a cleaner input, so its temporal error and PSNR are the floor of "denoise, then
# convert"; what is left is clipping and quantisation, which only highlight recovery can reduce.
NOISE_FREE = "zscale-static-noise-free"


def noise_free_ldr(clip_dir, path):
    """Write the clip's noise-free, losslessly coded LDR video to path (synthetic clips only)."""
    with open(os.path.join(clip_dir, "meta.json")) as f:
        meta = json.load(f)
    crf = (meta.get("ldr") or {}).get("crf")
    if not isinstance(crf, dict):
        raise pipes.PipeError(f"{clip_dir}: no recorded camera response, so no noise-free LDR")
    # hdr.npy already holds the exposure-shifted light, so ev 0; without full_well/read_sigma no noise.
    hdr = np.load(os.path.join(clip_dir, "hdr.npy")).astype(np.float32)
    codes = ldrmod.form_codes(hdr, {"ev": 0.0, "crf": crf}, rng=None)
    ldrmod.encode_video(codes, path, {"codec": "ffv1"}, meta.get("fps", synth.FPS))
    return path


def run_method(method, clip_dir, work):
    """Run one method on a clip; returns (output nits2020 [T,H,W,3], wall seconds, tool fps)."""
    ldr_mkv = os.path.join(clip_dir, "ldr.mkv")
    if method == "bt2446a":
        start = time.monotonic()
        codes = ldrmod.decode_video_rgb24(ldr_mkv)
        out = colour.bt2446a(codes).astype(np.float32)
        return out, time.monotonic() - start, None
    out_mkv = os.path.join(work, "".join(c if c.isalnum() or c in "-_" else "_" for c in method) + ".mkv")
    stats = None
    if method == "zscale-static":
        cmd = pipes.ZSCALE_CMD
    elif method == NOISE_FREE:
        ldr_mkv = noise_free_ldr(clip_dir, os.path.join(work, "noise-free.mkv"))
        cmd = pipes.ZSCALE_CMD
    elif pipes.hqdn3d_strength(method) is not None:
        cmd = pipes.hqdn3d_cmd(pipes.hqdn3d_strength(method))
    else:
        stats = os.path.join(work, "stats.json")
        if os.path.exists(stats):
            os.remove(stats)
        preset, _, extra = method.split(":", 1)[1].partition("+")
        events = None
        if extra == "events":  # the clip's simulated event stream, as `--events` reads it
            events = os.path.join(work, "events.txt")
            with open(os.path.join(clip_dir, "meta.json")) as f:
                meta = json.load(f)
            events_txt.write_events_txt(np.load(os.path.join(clip_dir, "events.npy")),
                                        meta["width"], meta["height"], events)
        elif extra:
            raise pipes.PipeError(f"unknown method option '+{extra}' (expected +events)")
        cmd = pipes.reexpose_cmd(preset, stats, events)
    wall = pipes.run_pipe(ldr_mkv, cmd, out_mkv)
    out, _ = pipes.decode_hdr(out_mkv)
    tool_fps = None
    if stats and os.path.exists(stats):
        try:
            with open(stats) as f:
                tool_fps = float(json.load(f).get("fps"))
        except (ValueError, TypeError, json.JSONDecodeError):
            tool_fps = None
    return out, wall, tool_fps


def evaluate(clip_dirs, methods, out_dir, plot_clips, notes, context, flip_frames=1,
             level_oracle=(), oracle_peak_nits=1000.0):
    """Evaluate each method on each clip; writes results.json, report.md and plots/. Methods in
    `level_oracle` are also scored with every blown region at its true level (oracle.py), as the
    row METHOD+level-oracle."""
    os.makedirs(out_dir, exist_ok=True)
    plot_dir = os.path.join(out_dir, "plots")
    results = {"methods": list(methods), "clips": [], "averages": {}, "notes": list(notes)}
    failed = set()
    bar = Progress(len(clip_dirs), "eval")
    with tempfile.TemporaryDirectory(prefix="reexpose-eval-") as work:
        for ci, clip_dir in enumerate(clip_dirs):
            with open(os.path.join(clip_dir, "meta.json")) as f:
                meta = json.load(f)
            name = os.path.basename(os.path.normpath(clip_dir))
            if meta.get("split") == "user":
                name = "user-" + name
            gt = np.load(os.path.join(clip_dir, "hdr.npy")).astype(np.float64)
            gt = (gt @ colour.M709_TO_2020.T * colour.SDR_WHITE_NITS).astype(np.float32)
            codes = np.load(os.path.join(clip_dir, "ldr.npy"))
            noise = metrics.noise_group(meta.get("ldr"))
            desc = (f"{meta.get('hdri', meta.get('kind', 'user'))}"
                    f"{'/' + meta['camera']['motion'] if 'camera' in meta else ''}, "
                    f"ev {meta['ldr']['ev']:+.1f}, {codec_desc(meta['ldr'])}, "
                    f"{noise_desc(meta['ldr'], noise)}")
            entry = {"clip": name, "dir": clip_dir, "desc": desc, "noise": noise,
                     "sigma_grey": metrics.clip_sigma_grey(meta.get("ldr")),
                     "ldr_model": meta["ldr"].get("ldr_model", 1), "metrics": {}}
            outputs, per_frame = {}, {}
            for m in methods:
                if m in failed:
                    continue
                try:
                    out, wall, tool_fps = run_method(m, clip_dir, work)
                except pipes.PipeError as e:
                    failed.add(m)
                    results["notes"].append(f"{m} failed on {name} and was dropped: {e}")
                    print(f"warning: {m} failed: {e}", file=sys.stderr)
                    continue
                if out.shape != gt.shape:
                    failed.add(m)
                    results["notes"].append(f"{m} output {out.shape} != ground truth {gt.shape}")
                    continue
                summary, per = metrics.clip_metrics(out, gt, codes)
                summary["fps"] = gt.shape[0] / wall if wall > 0 else float("nan")
                summary["hdr_flip"] = (metrics.hdr_flip(out, gt, flip_frames)
                                       if flip_frames > 0 else None)
                summary["tool_fps"] = tool_fps
                entry["metrics"][m] = summary
                per_frame[m] = per
                outputs[m] = out
                if m in level_oracle:
                    bound, _ = metrics.clip_metrics(
                        oracle.region_levels(out, gt, codes, oracle_peak_nits), gt, codes)
                    bound.update(fps=float("nan"), hdr_flip=None, tool_fps=None)
                    entry["metrics"][m + oracle.SUFFIX] = bound
            if ci < plot_clips and outputs:
                entry["plots"] = report.plot_clip(plot_dir, name, codes, gt, outputs, per_frame)
            entry["per_frame"] = per_frame
            results["clips"].append(entry)
            bar.update()
    bar.close()
    ran = [m for m in methods if m not in failed or any(m in c["metrics"] for c in results["clips"])]
    results["methods"] = [n for m in ran for n in (m, m + oracle.SUFFIX)
                          if any(n in c["metrics"] for c in results["clips"])]
    keys = [k for k, _ in report.METRIC_COLUMNS] + ["tool_fps"]
    if not any(r.get("hdr_flip") is not None for c in results["clips"]
               for r in c["metrics"].values()):
        results["flip"] = False
    for m in results["methods"]:
        rows = [c["metrics"][m] for c in results["clips"] if m in c["metrics"]]
        results["averages"][m] = metrics.average(rows, keys)
    old = sum(c.get("ldr_model", 1) < 2 for c in results["clips"])
    if old:
        results["notes"].append(
            f"{old} of {len(results['clips'])} clips were drawn with the old LDR model (no clean "
            "clips, no MPEG-2, narrower noise and CRF ranges); delete the data folder and rerun to "
            "draw them with the widened one (Training/data/ldr.py)")
    results["groups"] = metrics.group_averages(results["clips"], results["methods"], keys)
    sweep = [m for m in results["methods"] if pipes.hqdn3d_strength(m) is not None]
    if len(sweep) > 1:
        results["hqdn3d_sweep"] = hqdn3d_sweep_summary(results, sweep)
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True, default=float)
    report.write_report(os.path.join(out_dir, "report.md"), results, context)
    return results


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--presets", default="fast",
                    help="comma-separated reexpose presets (default fast; '' for none); "
                         "NAME+events also feeds the clip's simulated events (--events)")
    ap.add_argument("--baselines", default="zscale-static,bt2446a",
                    help="comma-separated baselines: zscale-static (BT.1886 display-referred "
                         "static conversion), hqdn3d-zscale[@LS:CS:LT:CT] (hqdn3d at 16 bits "
                         f"+ zscale, default strength {pipes.HQDN3D_DEFAULT}), {NOISE_FREE} (the "
                         "static conversion of the clip's noise-free, losslessly coded LDR: the floor "
                         "of any denoise + static chain), bt2446a")
    ap.add_argument("--hqdn3d-sweep", nargs="?", const=",".join(pipes.HQDN3D_SWEEP),
                    help="also run hqdn3d-zscale at each of these comma-separated strengths "
                         f"(default {','.join(pipes.HQDN3D_SWEEP)}) and report the best; its "
                         "strength is written to OUT/hqdn3d_best.txt")
    ap.add_argument("--level-oracle", default="",
                    help="comma-separated presets or baselines also scored with each blown region "
                         "moved to its true level (the row NAME+level-oracle: how far level "
                         "estimation alone could go; Training/eval/oracle.py; default none)")
    ap.add_argument("--oracle-peak-nits", type=float, default=1000.0,
                    help="the level oracle caps its output here (default 1000, the presets' peak)")
    ap.add_argument("--out", default="eval", help="report folder (default eval)")
    ap.add_argument("--val-dir", default="data/val")
    ap.add_argument("--clips", type=int, default=32, help="validation clips (default 32)")
    ap.add_argument("--frames", type=int, default=16)
    ap.add_argument("--size", type=synth.parse_size, default=(256, 256))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ae-prob", type=float, default=0.0,
                    help="share of the validation clips drawn with an auto-exposure ramp "
                         "(synth --ae-prob; the set's index must agree; default 0)")
    ap.add_argument("--lights-prob", type=float, default=0.0,
                    help="share of the validation clips drawn with 1-3 added suns and lamps "
                         "(synth --lights-prob; the set's index must agree; default 0)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--plot-clips", type=int, default=3, help="clips that get plots (default 3)")
    ap.add_argument("--flip-frames", type=int, default=1,
                    help="frames per clip scored with HDR-FLIP when flip-evaluator is "
                         "installed (default 1, the middle one; 0 = off)")
    ap.add_argument("--user-hdr", help="your HDR clip: EXR folder/glob or PQ/HLG video")
    ap.add_argument("--user-only", action="store_true", help="evaluate only the user clip")
    ap.add_argument("--user-frames", type=int, default=16)
    ap.add_argument("--user-width", type=int, default=512, help="downscale wider clips")
    ap.add_argument("--user-ev", type=float, help="force the LDR exposure shift (stops)")
    args = ap.parse_args(argv)

    notes = []
    methods = []
    presets = [p for p in args.presets.split(",") if p]
    if presets and not pipes.have(pipes.reexpose_bin()):
        notes.append(f"reexpose binary {pipes.reexpose_bin()} not found: presets "
                     f"{', '.join(presets)} not run (build it or set REEXPOSE_BIN)")
        print(f"warning: {notes[-1]}", file=sys.stderr)
        presets = []
    methods += [f"reexpose:{p}" for p in presets]
    methods += [b for b in args.baselines.split(",") if b]
    if args.hqdn3d_sweep:
        methods += [f"{pipes.HQDN3D_PREFIX}@{s}" for s in args.hqdn3d_sweep.split(",") if s]
    for m in methods:
        try:
            hq = pipes.hqdn3d_strength(m)
        except ValueError as e:
            raise SystemExit(str(e))
        if not m.startswith("reexpose:") and hq is None and m not in ("zscale-static", NOISE_FREE, "bt2446a"):
            raise SystemExit(f"unknown baseline '{m}'")
    methods = list(dict.fromkeys(methods))

    clip_dirs = []
    if not args.user_only:
        ensure_val_set(args.val_dir, args.clips, args.frames, args.size, args.seed, args.workers,
                       args.ae_prob, args.lights_prob)
        with open(os.path.join(args.val_dir, "index.json")) as f:
            clip_dirs = [os.path.join(args.val_dir, c["dir"]) for c in json.load(f)["clips"]]
    context = {"validation set": f"{args.val_dir}: {len(clip_dirs)} clips × {args.frames} frames "
               f"at {args.size[0]}×{args.size[1]}, seed {args.seed}, split val",
               "reexpose binary": pipes.reexpose_bin(), "methods": ", ".join(methods)}
    if args.user_hdr:
        stem = os.path.splitext(os.path.basename(os.path.normpath(args.user_hdr)))[0]
        user_dir = os.path.join(os.path.dirname(os.path.normpath(args.val_dir)) or ".",
                                "user", "".join(c if c.isalnum() else "_" for c in stem))
        kind = build_user_clip(args.user_hdr, user_dir, args.seed, args.user_frames,
                               args.user_width, args.user_ev)
        context["user clip"] = f"{args.user_hdr} ({kind}) -> {user_dir}"
        clip_dirs.append(user_dir)
    start = time.monotonic()
    wanted = [n for n in args.level_oracle.split(",") if n]
    level_oracle = [m for m in methods if m in wanted or m.split(":", 1)[-1] in wanted]
    res = evaluate(clip_dirs, methods, args.out, args.plot_clips, notes, context,
                   args.flip_frames, level_oracle, args.oracle_peak_nits)
    sweep = res.get("hqdn3d_sweep")
    if sweep and sweep.get("best_strength"):
        with open(os.path.join(args.out, "hqdn3d_best.txt"), "w") as f:
            f.write(sweep["best_strength"] + "\n")
        print(f"eval: best hqdn3d strength by mean PU21-PSNR: {sweep['best_strength']} "
              f"(-> {os.path.join(args.out, 'hqdn3d_best.txt')})", file=sys.stderr)
    print(f"eval: {len(res['clips'])} clips, {len(res['methods'])} methods in "
          f"{time.monotonic() - start:.1f}s -> {os.path.join(args.out, 'report.md')}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
