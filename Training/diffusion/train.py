"""Train the diffusion inpainter (issue 7, parts 1 and 3) on `make data` clips; resumable; exports safetensors.

    python3 -m Training.diffusion.train                        # the shipped recipe: 3000 steps of 16 tiles, 1 thread
    python3 -m Training.diffusion.train --resume --export Models/diffusion.safetensors   # = make train-diffusion

The shipped weights took 3000 steps x 16 tiles (56 min on 1 thread here, beside another 2-thread training).

Recipe (the model: model.py; tiles, masks, fill: data.py; schedule and sampler: schedule.py):
  * S x S tiles (--tile 64) at the clips' resolution, biased toward over-exposed pixels (p 0.85);
    LDR codes linearised like the Swift input stage; everything in Log-Gamma codes, x = 2E - 1;
  * DDPM with v-prediction, cosine schedule, T = 1000; t ~ U{0..T-1} with p 0.3, else U{0..0.7T-1}
    (planned for SDEdit starts at strength ~0.5; the validation sweep in the card then showed that
    strength 1.0 -- starting from noise, the fill entering only as a condition -- is clearly better
    on clipped light sources, which are far brighter than any fill, and that 2 steps suffice there);
  * loss = sum(w (v_hat - v)^2) / (3 sum w), w = 0.1 + over (the masked pixels dominate);
  * previous output: degraded frame t-1 (data.py), dropped with p 0.3; reference: another view of the
    same HDRI, dropped with p 0.5 (its embedding multiplied by has_ref);
  * AdamW (lr 1e-3, weight decay 1e-4), linear warm-up then cosine decay to 0 over --steps,
    gradient norm clipped at 1; EMA of the weights (decay 0.999) is what gets exported.

Validation (data/val, fixed tiles from data.val_tiles, no prev, no reference): DDIM 4 steps, eta 0,
strength 0.5, seed 0, tiles keyed by their index (the card adds a sweep over steps and strength, SWEEP); the result blended by the over mask
(E = E_fill + over (E_ddim - E_fill)); Log-Gamma L1 and PU21-PSNR (BT.2020 nits, peak 256) inside
over > 0.5, for the DDIM result and for the PDE fill alone.

Determinism: the batch of step i and its noise/timesteps depend only on (--seed, i); with the same
seed and thread count a resumed run reproduces the uninterrupted one (test_diffusion.py checks it).
"""

import argparse
import copy
import os
import platform
import sys

import numpy as np
import torch

from Training.trainer_common import (export_safetensors, lr_at, restore_rng, rng_state, save_checkpoint,
                                     train_loop)
from Training.diffusion.data import TileSampler, clip_dirs, make_cond, val_tiles
from Training.diffusion.model import DiffusionUNet, log_gamma_inverse, from_net, macs_per_tile, to_net
from Training.diffusion.schedule import T_STEPS, ddim_sample, q_sample
from Training.rehdr.sequences import data_fingerprint

CKPT_DIR = os.path.join("Training", "checkpoints", "diffusion")
# (steps, strength) pairs evaluated on the val tiles for the model card (eta 0, seed 0).
SWEEP = ((4, 0.5), (4, 0.7), (4, 0.9), (4, 1.0), (2, 1.0), (3, 1.0), (6, 1.0))


def step_generator(seed, step):
    """torch.Generator for the noise and timesteps of step `step`."""
    ss = np.random.SeedSequence([seed, 0xE75, step])
    return torch.Generator().manual_seed(int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)))


def loss_fn(model, batch, g):
    x0, cond, over = batch["x0"], batch["cond"], batch["cond"][:, 6:7]
    n = x0.shape[0]
    full = torch.randint(0, T_STEPS, (n,), generator=g)
    low = torch.randint(0, int(0.7 * T_STEPS), (n,), generator=g)
    t = torch.where(torch.rand(n, generator=g) < 0.3, full, low)
    eps = torch.randn(x0.shape, generator=g)
    x_t, v = q_sample(x0, t, eps)
    ref = model.encode_reference(batch["ref"]) * batch["has_ref"][:, None]
    v_hat = model(x_t, t.float(), cond, ref)
    w = 0.1 + over
    return (w * (v_hat - v).square()).sum() / (3.0 * w.sum())


class Trainer:
    def __init__(self, args):
        self.args = args
        torch.set_num_threads(args.threads)
        torch.manual_seed(args.seed)
        self.model = DiffusionUNet(tuple(args.widths))
        self.ema = copy.deepcopy(self.model).requires_grad_(False)
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
        self.sampler = TileSampler(clip_dirs(args.data), args.tile, args.seed, transfer_mode=args.transfer,
                                   base=args.base, scale=args.scale, recover_gain=args.target_recover_gain)
        self.val_dirs = (clip_dirs(args.val_dir) if args.val_dir else [])[:args.val_clips]
        self._val = None
        self.step = 0
        self.history = []

    def train_step(self, batch):
        a = self.args
        for grp in self.opt.param_groups:
            grp["lr"] = lr_at(self.step, a)
        self.model.train()
        loss = loss_fn(self.model, batch, step_generator(a.seed, self.step))
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), a.clip)
        self.opt.step()
        d = min(a.ema, (1 + self.step) / (10 + self.step))
        with torch.no_grad():
            for pe, pm in zip(self.ema.parameters(), self.model.parameters()):
                pe.mul_(d).add_(pm, alpha=1 - d)
        self.step += 1
        rec = {"step": self.step, "loss": loss.item(), "gnorm": gnorm.item()}
        self.history.append(rec)
        return rec["loss"]

    def state(self):
        return {"model": self.model.state_dict(), "ema": self.ema.state_dict(),
                "optimizer": self.opt.state_dict(), "step": self.step,
                "rng": rng_state(),
                "args": vars(self.args), "history": self.history}

    def save(self, ckpt_dir):
        return save_checkpoint(self.state(), ckpt_dir, self.step, self.args.keep)

    def load(self, path):
        ck = torch.load(path, map_location="cpu", weights_only=False)
        self.model.load_state_dict(ck["model"])
        self.ema.load_state_dict(ck["ema"])
        self.opt.load_state_dict(ck["optimizer"])
        self.step = int(ck["step"])
        restore_rng(ck["rng"])
        self.history = list(ck.get("history", []))

    @torch.no_grad()
    def validate(self, model=None, steps=4, strength=0.5, eta=0.0):
        """Metrics of the DDIM result and of the PDE fill on the fixed val tiles (module docstring)."""
        if not self.val_dirs:
            return None
        if self._val is None:
            self._val = val_tiles(self.val_dirs, self.args.tile, base=self.args.base, scale=self.args.scale,
                                  recover_gain=self.args.target_recover_gain)
        if not self._val:
            return None
        res = evaluate_tiles((model or self.ema).eval(), self._val, steps, strength, eta)
        return {"step": self.step, **res}


@torch.no_grad()
def evaluate_tiles(model, rows, steps=4, strength=0.5, eta=0.0, seed=0):
    """DDIM on val_tiles rows (no prev, no reference), blended by the over mask; Log-Gamma L1 and
    PU21-PSNR inside over > 0.5 for the result and for the PDE fill alone."""
    from Training.eval import colour
    cat = {k: torch.cat([r[k] for r in rows]) for k in ("e_fill", "e_ldr", "e_gt", "over", "under")}
    cond = make_cond(cat["e_fill"], cat["e_ldr"], cat["over"], cat["under"])
    x = ddim_sample(model, to_net(cat["e_fill"]), cond, None, steps=steps, eta=eta, strength=strength, seed=seed)
    e_out = cat["e_fill"] + cat["over"] * (from_net(x) - cat["e_fill"])
    m = (cat["over"] > 0.5).expand_as(e_out)

    def nits(e):
        lin = log_gamma_inverse(e).double().numpy().transpose(0, 2, 3, 1)
        return lin @ colour.M709_TO_2020.T * colour.SDR_WHITE_NITS

    gt = nits(cat["e_gt"])
    mk = m.numpy().transpose(0, 2, 3, 1)
    return {"tiles": len(rows), "steps": steps, "strength": strength, "eta": eta,
            "lg_l1_ddim": float((e_out - cat["e_gt"]).abs()[m].mean()),
            "lg_l1_fill": float((cat["e_fill"] - cat["e_gt"]).abs()[m].mean()),
            "pu21_psnr_ddim": float(colour.pu_psnr(nits(e_out), gt, mk)),
            "pu21_psnr_fill": float(colour.pu_psnr(nits(cat["e_fill"]), gt, mk))}


def export(model, path, dtype="f16", card=None):
    """Bare state_dict keys (the Swift contract), F16 by default, plus `<stem>.json` (the card)."""
    return export_safetensors(model, path, {"model": "diffusion", "widths": ",".join(map(str, model.widths)),
                                            "objective": "v", "schedule": "cosine", "T": T_STEPS}, dtype, card)


def build_parser():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--data", default="data/train")
    ap.add_argument("--val-dir", default="data/val")
    ap.add_argument("--val-clips", type=int, default=8)
    ap.add_argument("--val-every", type=int, default=500, help="validate every K steps and at the end (0 = never)")
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--stop-at", type=int, default=None, help="stop after this step (continue with --resume)")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--tile", type=int, default=64, help="tile side, multiple of 4")
    ap.add_argument("--widths", type=int, nargs=3, default=[24, 48, 64])
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--transfer", choices=("params", "bt1886"), default="params")
    ap.add_argument("--base", default=None,
                    help="the filter's pre-diffusion frames beside each clip (fill-<preset>.npy from "
                         "Training.rehdr.base --stage diffusion), for training and validation sets alike")
    ap.add_argument("--scale", type=int, default=1,
                    help="area-downscale every frame by this before tiling (4 = quality's workingScale 0.25)")
    ap.add_argument("--target-recover-gain", type=float, default=0.0,
                    help="the stage runs before a `recover` expansion of this gain: learn the truth taken back "
                         "through its inverse (0 = the truth itself)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ckpt-dir", default=CKPT_DIR)
    ap.add_argument("--ckpt-every", type=int, default=250)
    ap.add_argument("--keep", type=int, default=2)
    ap.add_argument("--log-every", type=float, default=10.0, help="seconds between progress lines when not a tty")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--export", default=None)
    ap.add_argument("--export-dtype", choices=("f16", "f32"), default="f16")
    return ap


def main(argv=None):
    args = build_parser().parse_args(argv)
    torch.use_deterministic_algorithms(True)
    tr = Trainer(args)
    latest = os.path.join(args.ckpt_dir, "latest.pt")
    if args.resume and os.path.exists(latest):
        tr.load(latest)
        sys.stderr.write(f"resumed from {latest} at step {tr.step}\n")
    last_val, rate = train_loop(
        tr, args, "train diffusion",
        lambda v: (f"LG-L1 {v['lg_l1_ddim']:.4f} (fill {v['lg_l1_fill']:.4f}), PU21-PSNR "
                   f"{v['pu21_psnr_ddim']:.2f} dB (fill {v['pu21_psnr_fill']:.2f} dB)"),
        0.5 if sys.stderr.isatty() else args.log_every)
    if args.export:
        hist = tr.history
        curve = [{"step": hist[i - 1]["step"], "loss_mean_100": float(np.mean([r["loss"] for r in hist[max(0, i - 100):i]]))}
                 for i in range(100, len(hist) + 1, max(100, len(hist) // 20 // 100 * 100))] if hist else []
        if last_val is None or last_val["step"] != tr.step:
            last_val = tr.validate()
        sweep = []
        if tr.val_dirs:
            tr.validate()  # builds the tile list
            for steps, strength in SWEEP:
                if tr._val:
                    sweep.append(evaluate_tiles(tr.ema.eval(), tr._val, steps, strength))
        card = {
            "model": "DiffusionUNet", "widths": list(tr.model.widths), "objective": "v-prediction",
            "schedule": "cosine (s 0.008), T 1000", "space": "Log-Gamma codes E, x = 2E - 1",
            "parameters": sum(p.numel() for p in tr.model.parameters()),
            "macs_per_tile": macs_per_tile(tr.model, args.tile), "tile": args.tile,
            "dtype": args.export_dtype, "weights": "EMA", "steps": tr.step,
            "recipe": {k: v for k, v in vars(args).items() if k not in ("export", "resume", "ckpt_dir")},
            "loss": {"definition": "sum((0.1 + over) (v_hat - v)^2) / (3 sum(0.1 + over))",
                     "curve": curve,
                     "final_mean_last_100": float(np.mean([r["loss"] for r in hist[-100:]])) if hist else None},
            "data": {"train": args.data, "train_generator": data_fingerprint(args.data),
                     "val": [os.path.basename(d) for d in tr.val_dirs], "validation": last_val,
                     "sampling_sweep": sweep},
            "panoramas": "city, courtyard, forest, interior, studio, sunrise (Training/data/hdri.py)",
            "torch": torch.__version__, "machine": platform.machine(), "threads": args.threads,
            "steps_per_s_last_session": rate,
        }
        side = export(tr.ema, args.export, args.export_dtype, card)
        sys.stderr.write(f"exported {args.export} and {side}\n")
    return tr


if __name__ == "__main__":
    main()
