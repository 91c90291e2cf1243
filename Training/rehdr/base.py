"""The frames a learned stage starts from: the filter's own output before that stage.

    python3 -m Training.rehdr.base --data data/train --preset balanced     # writes base-balanced.npy per clip
    python3 -m Training.rehdr.base --data data/train --preset quality --stage diffusion   # fill-quality.npy

A residual REHDR (`fusion.residual: true`) multiplies the frame that the stages before it made: the
preset's denoise, masks, highlight rebuild, and its `recover` expansion (`balanced`) or diffusion
inpainting (`quality`), so the network only corrects what that path gets wrong (suns and lamps far above
it, skies below it). To train it on exactly what it will see, each clip's `ldr.mkv` runs through the real
binary ($REEXPOSE_BIN) in a pipe, with the preset's fusion off, everything else as the preset sets it, and
linear BT.709 float output (1.0 = SDR white); the frames are stored as float16 [T, H, W, 3] in `base-<preset>.npy` beside the clip.
A clip whose file exists is skipped, so an interrupted run resumes.

`--stage diffusion` gives the diffusion inpainter's input instead (Training/diffusion/train.py --base): the
preset's path with its diffusion and fusion stages off,
so the frame is the denoised, PDE-filled one the inpainter starts from; stored as `fill-<preset>.npy`.
"""

import argparse
import multiprocessing as mp
import os
import tempfile

import numpy as np

from Training.data.progress import Progress
from Training.eval import pipes
from Training.rehdr.sequences import clip_dirs

LINEAR_OUT = ("output.transfer=linear", "output.primaries=bt709", "output.pixelFormat=gbrpf32le",
              "output.fullRange=true")
# Per learned stage: what turns a preset into the path before that stage (linear output), and the file stem.
STAGES = {
    "fusion": (("fusion.enabled=false",) + LINEAR_OUT, "base"),
    "diffusion": (("diffusion.enabled=false", "fusion.enabled=false") + LINEAR_OUT, "fill"),
}
BASE_SETS = STAGES["fusion"][0]


def base_file(preset, stage="fusion"):
    return f"{STAGES[stage][1]}-{preset}.npy"


def base_cmd(preset, stage="fusion"):
    cmd = pipes.reexpose_cmd(preset)
    for s in STAGES[stage][0]:
        cmd += ["--set", s]
    return cmd


def make_base(job):
    """Worker: (clip_dir, preset) -> the base frames' file (written atomically)."""
    clip_dir, preset, stage = job
    path = os.path.join(clip_dir, base_file(preset, stage))
    if os.path.exists(path):
        return path
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "base.mkv")
        pipes.run_pipe(os.path.join(clip_dir, "ldr.mkv"), base_cmd(preset, stage), out)
        rgb, info = pipes.decode_signal(out)
    ldr = np.load(os.path.join(clip_dir, "ldr.npy"), mmap_mode="r")
    if rgb.shape != ldr.shape:
        raise RuntimeError(f"{clip_dir}: the pipe gave {rgb.shape}, the clip is {ldr.shape}")
    tmp_path = path + ".tmp.npy"
    np.save(tmp_path, np.minimum(rgb, 65504.0).astype(np.float16))
    os.replace(tmp_path, path)
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default="data/train", help="a generated set (index.json)")
    ap.add_argument("--preset", default="balanced", help="the fusion preset whose pre-fusion path to run")
    ap.add_argument("--stage", choices=sorted(STAGES), default="fusion",
                    help="the learned stage whose input to write (default fusion)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    dirs = clip_dirs(args.data)
    if not dirs:
        raise SystemExit(f"{args.data}: no clips (make data)")
    bar = Progress(len(dirs), base_file(args.preset, args.stage))
    jobs = [(d, args.preset, args.stage) for d in dirs]
    with mp.get_context("fork").Pool(args.workers) as pool:
        for _ in pool.imap_unordered(make_base, jobs):
            bar.update()
    bar.close()


if __name__ == "__main__":
    main()
