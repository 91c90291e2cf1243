"""What the two trainers (Training/rehdr/train.py, Training/diffusion/train.py) share: the learning-rate
schedule, checkpoint files, RNG state, the step loop, the safetensors export and the progress line."""

import json
import math
import os
import sys
import time

import numpy as np
import torch

from Training.data.progress import Progress


def lr_at(step, args):
    """Learning rate of step `step` (0-based): linear warm-up over min(args.warmup, args.steps/10) steps,
    then cosine decay from args.lr to 0 at args.steps."""
    warm = min(args.warmup, max(args.steps // 10, 0))
    if warm > 0 and step < warm:
        return args.lr * (step + 1) / warm
    span = max(args.steps - warm, 1)
    return 0.5 * args.lr * (1.0 + math.cos(math.pi * min(step - warm, span) / span))


def rng_state():
    """The torch and numpy global RNG states (stored in checkpoints)."""
    return {"torch": torch.get_rng_state(), "numpy": np.random.get_state()}


def restore_rng(state):
    """Restores what rng_state() returned."""
    torch.set_rng_state(state["torch"])
    np.random.set_state(state["numpy"])


def save_checkpoint(state, ckpt_dir, step, keep):
    """Writes `state` as <ckpt_dir>/step_NNNNNNN.pt and latest.pt (each atomically, through a .tmp),
    keeps the last `keep` step files; returns the step file's path."""
    os.makedirs(ckpt_dir, exist_ok=True)
    path = os.path.join(ckpt_dir, f"step_{step:07d}.pt")
    for p in (path, os.path.join(ckpt_dir, "latest.pt")):
        torch.save(state, p + ".tmp")
        os.replace(p + ".tmp", p)
    steps = sorted(f for f in os.listdir(ckpt_dir) if f.startswith("step_") and f.endswith(".pt"))
    for f in steps[:-keep]:
        os.remove(os.path.join(ckpt_dir, f))
    return path


def train_loop(tr, args, label, val_line, every=0.5):
    """Trains `tr` from tr.step to min(--steps, --stop-at): one `tr.train_step` per step on
    `tr.sampler.batch(step, --batch)`, a progress line (`every` s on a terminal), a checkpoint every
    --ckpt-every steps and at the end, validation every --val-every steps and at --steps (appended to
    <ckpt-dir>/val.jsonl; `val_line(result)` goes to stderr). Stops with an error on a non-finite loss.
    `tr` has step, history, sampler, train_step, save(dir) and validate(). Returns (the last validation
    or None, steps/s of this process, or None when it ran no step: an export-only run)."""
    stop = min(args.steps, args.stop_at if args.stop_at is not None else args.steps)
    bar = StepProgress(stop, label, tr.step, every)
    val_log = os.path.join(args.ckpt_dir, "val.jsonl")
    last_val = None
    t0, s0 = time.monotonic(), tr.step
    while tr.step < stop:
        tr.train_step(tr.sampler.batch(tr.step, args.batch))
        bar.info = f"loss {np.mean([r['loss'] for r in tr.history[-50:]]):.4f}"
        if not math.isfinite(tr.history[-1]["loss"]):
            raise SystemExit(f"loss is not finite at step {tr.step}")
        bar.update()
        if args.ckpt_every and tr.step % args.ckpt_every == 0:
            tr.save(args.ckpt_dir)
        if args.val_every and (tr.step % args.val_every == 0 or tr.step == args.steps):
            last_val = tr.validate()
            if last_val:
                os.makedirs(args.ckpt_dir, exist_ok=True)
                with open(val_log, "a") as f:
                    f.write(json.dumps(last_val) + "\n")
                sys.stderr.write(f"\nval step {tr.step}: {val_line(last_val)}\n")
    bar.close()
    if tr.step > s0 and not (args.ckpt_every and tr.step % args.ckpt_every == 0):
        tr.save(args.ckpt_dir)
    return last_val, ((tr.step - s0) / max(time.monotonic() - t0, 1e-9) if tr.step > s0 else None)


def export_safetensors(model, path, metadata, dtype="f16", card=None):
    """The model's weights with bare state_dict keys (what Swift's `load(from:prefix:)` reads), F16 or
    F32, with string `metadata`; `card` (a dict) goes to <stem>.json. A card whose
    `steps_per_s_last_session` is None (an export-only run) keeps the figure of the card it replaces.
    Returns the .json path."""
    from safetensors.torch import save_file
    dt = torch.float16 if dtype == "f16" else torch.float32
    tensors = {k: v.detach().to(dt).contiguous() for k, v in model.state_dict().items()}
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    save_file(tensors, path, metadata={k: str(v) for k, v in metadata.items()})
    side = os.path.splitext(path)[0] + ".json"
    if card is not None:
        if card.get("steps_per_s_last_session", 0) is None and os.path.exists(side):
            with open(side) as f:
                card["steps_per_s_last_session"] = json.load(f).get("steps_per_s_last_session")
        with open(side, "w") as f:
            json.dump(card, f, indent=1, sort_keys=True)
    return side


class StepProgress(Progress):
    """Progress line with loss and steps/s; ETA from the steps done in this process (resume-aware).
    On a terminal it redraws one line every `every` s; otherwise (a log file) it writes a line each time."""

    def __init__(self, total, label, start, every=0.5):
        super().__init__(total, label)
        self.done = self.first = start
        self.info = ""
        self.every = every

    def update(self, n=1):
        self.done += n
        now = time.monotonic()
        if self.live and (now - self.last > self.every or self.done == self.total):
            self.last = now
            el = now - self.start
            rate = (self.done - self.first) / el if el > 0 else 0.0
            eta = (self.total - self.done) / rate if rate > 0 else 0.0
            frac = self.done / max(self.total, 1)
            bar = "#" * int(30 * frac) + "-" * (30 - int(30 * frac))
            end = "\r" if sys.stderr.isatty() else "\n"
            sys.stderr.write(f"{self.label} [{bar}] {self.done}/{self.total} {self.info} "
                             f"{rate:.2f} steps/s, {eta:5.0f}s left {end}")
            sys.stderr.flush()
