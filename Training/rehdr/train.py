"""Train the REHDR fusion network (issue 7) on `make data` clips; resumable; exports safetensors.

    python3 -m Training.rehdr.train --steps 20000                  # data/train, checkpoints, val
    python3 -m Training.rehdr.train --steps 20000 --resume         # continue from the latest checkpoint
    python3 -m Training.rehdr.train --steps 20000 --resume --export Models/rehdr.safetensors

Recipe (details in Training/README.md, "Training the fusion network"):
  * sequences of --seq-len frames (8), random square crops (--crop 128-256, multiples of 16),
    horizontal flips; LDR codes linearised like the Swift input stage (Training/rehdr/sequences.py);
  * working resolution = crop / 2 (area downscale of the linear frame and of the voxel grid), the
    network's log2 gain is upsampled to the crop (guided, like GainMapApplier, or bilinear) and
    multiplies the linear LDR frame; the target is the linear HDR ground truth;
  * event dropout: whole sequence with p 0.5, else each frame with p 0.1 (zero grid = `events: nil`);
  * loss per frame, averaged: 10 * L1(mu(out), mu(gt)) + w_grad * L1(grad mu(out), grad mu(gt))
    + w_temp * L1(mu(out_t) - mu(out_t-1), mu(gt_t) - mu(gt_t-1)), where
    mu(x) = log(1 + 5000 * min(x / 64, 1)) / log(5001)  (64 = 2^gain_stops: the brightest value a
    6-stop gain can make of SDR white, ~13 000 cd/m^2; brighter ground truth is clipped there);
  * optional (--w-highlight W, the shipped fine-tune): + W * mean over over-exposed pixels of
    ((PU21(out) - PU21(gt)) / 256)^2 in BT.2020 cd/m^2, the error `make eval` scores there;
  * AdamW (lr 2e-4, weight decay 1e-4), linear warm-up then cosine decay to 0 over --steps,
    gradient norm clipped at 1.

Determinism: the batch of step i depends only on (--seed, i), the model init on --seed, and every
computation runs on --threads CPU threads; with the same seed and thread count a resumed run
reproduces the uninterrupted one bit for bit (Training/tests/test_rehdr_train.py checks this).
"""

import argparse
import math
import os
import platform
import sys

import numpy as np
import torch
import torch.nn.functional as F

from Training.trainer_common import (export_safetensors, lr_at, restore_rng, rng_state, save_checkpoint,
                                     train_loop)
from Training.eval import colour
from Training.rehdr.model import REHDR, encode_frame
from Training.rehdr.sequences import SequenceSampler, clip_dirs, data_fingerprint

MU = 5000.0
MU_MAX = 64.0
LOG_FLOOR = 2.0 ** -12
LUMA_709 = (0.2126, 0.7152, 0.0722)
CKPT_DIR = os.path.join("Training", "checkpoints", "rehdr")


# ---------------------------------------------------------------- tonemap, losses
def mu_law(x):
    """mu-law tonemap of linear HDR (1.0 = SDR white), normalised by the fixed max MU_MAX."""
    return torch.log1p(MU * (x / MU_MAX).clamp(0.0, 1.0)) / math.log1p(MU)


def pu21(nits):
    """PU21 (banding_glare) of absolute luminance, clamped to [0.005, 10000] cd/m^2: `colour.pu21` in torch."""
    p0, p1, p2, p3, p4, p5, p6 = colour.PU21_PARAMS
    yp = nits.clamp(0.005, 10000.0) ** p3
    return p6 * (((p0 + p1 * yp) / (1.0 + p2 * yp)) ** p4 - p5)


def highlight_loss(out, gt, over):
    """Mean squared PU21 error / PU21 peak inside the over-exposed mask, in BT.2020 cd/m^2 as
    `make eval` scores it (PU-PSNR over = 10 log10(1 / this)). out, gt: linear BT.709, 1.0 = SDR
    white, [B, T, 3, H, W]; over: [B, T, 1, H, W] in {0, 1}. Zero when nothing is clipped."""
    m = torch.tensor(colour.M709_TO_2020, dtype=out.dtype)
    nits = lambda x: torch.einsum("ij,btjhw->btihw", m, x) * colour.SDR_WHITE_NITS
    d = (pu21(nits(out)) - pu21(nits(gt))) / colour.PU21_PEAK
    return (d.square() * over).sum() / (3.0 * over.sum()).clamp_min(1.0)


def highlight_log_loss(out, gt, over, floor=1e-3):
    """Mean over the sequences that have over-exposed pixels of ln(highlight_loss(sequence) + floor).

    `make eval` averages PU-PSNR (= -10 log10 of that MSE) over clips, so this is its loss up to scale:
    a clip that is nearly right counts as much as one that is far off (the plain MSE lets the far-off
    ones dominate). floor 1e-3 = 30 dB, past which a clip stops pulling. Zero when nothing is clipped."""
    terms = [torch.log(highlight_loss(out[i:i + 1], gt[i:i + 1], over[i:i + 1]) + floor)
             for i in range(out.shape[0]) if over[i].sum() > 0]
    return torch.stack(terms).mean() if terms else torch.zeros((), dtype=out.dtype)


def losses(out, gt, w_l1=10.0, w_grad=5.0, w_temp=5.0, over=None, w_highlight=0.0, highlight_log=False):
    """out, gt: linear [B, T, 3, H, W]; over: the over-exposed mask [B, T, 1, H, W] (used when
    w_highlight > 0). Returns (total, dict of the weighted terms as floats)."""
    a, b = mu_law(out), mu_law(gt)
    l1 = (a - b).abs().mean()
    gx = ((a[..., :, 1:] - a[..., :, :-1]) - (b[..., :, 1:] - b[..., :, :-1])).abs().mean()
    gy = ((a[..., 1:, :] - a[..., :-1, :]) - (b[..., 1:, :] - b[..., :-1, :])).abs().mean()
    grad = 0.5 * (gx + gy)
    if a.shape[1] > 1:
        temp = ((a[:, 1:] - a[:, :-1]) - (b[:, 1:] - b[:, :-1])).abs().mean()
    else:
        temp = torch.zeros((), dtype=a.dtype)
    total = w_l1 * l1 + w_grad * grad + w_temp * temp
    parts = {"l1": w_l1 * l1.item(), "grad": w_grad * grad.item(), "temp": w_temp * temp.item()}
    if w_highlight > 0.0 and over is not None:
        hl = highlight_log_loss(out, gt, over) if highlight_log else highlight_loss(out, gt, over)
        total = total + w_highlight * hl
        parts["highlight"] = w_highlight * hl.item()
    return total, parts


# ---------------------------------------------------------------- gain upsampling
def _box(x, r):
    """Mean over the (2r+1)^2 window, edges averaged over the pixels inside the image."""
    return F.avg_pool2d(x, 2 * r + 1, stride=1, padding=r, count_include_pad=False)


def log_luminance(linear):
    """GainMapApplier's guide: log2(Y + 2^-12)/12 + 1 of the BT.709 luminance, [N, 1, H, W]."""
    y = linear[:, 0:1] * LUMA_709[0] + linear[:, 1:2] * LUMA_709[1] + linear[:, 2:3] * LUMA_709[2]
    return torch.log2(y.clamp_min(0.0) + LOG_FLOOR) / 12.0 + 1.0


def guided_upsample(gain, linear, radius=2, eps=1e-3):
    """Differentiable twin of GainMapApplier.upsampledGain: gain [N,1,h,w] -> [N,1,H,W].

    Same steps (guide blurred by half the scale, downsampled; gain centred on its mean; per-window
    fit p ~ a*I + b; box-mean a, b upsampled bilinearly and evaluated with the full guide); the
    border handling of the box means may differ from Swift's BoxBlur by a pixel's weight."""
    n, _, h, w = gain.shape
    big_h, big_w = linear.shape[-2:]
    guide = log_luminance(linear)
    reach = min(big_w // w, big_h // h) // 2
    blurred = _box(guide, reach) if reach > 0 else guide
    low = F.interpolate(blurred, size=(h, w), mode="bilinear", align_corners=False)
    mean = gain.mean(dim=(2, 3), keepdim=True)
    p = gain - mean
    m_i, m_p = _box(low, radius), _box(p, radius)
    var_i = _box(low * low, radius) - m_i * m_i
    cov = _box(low * p, radius) - m_i * m_p
    a = cov / (var_i + eps)
    b = m_p - a * m_i
    a, b = _box(a, radius), _box(b, radius)
    big_a = F.interpolate(a, size=(big_h, big_w), mode="bilinear", align_corners=False)
    big_b = F.interpolate(b, size=(big_h, big_w), mode="bilinear", align_corners=False)
    return big_a * guide + big_b + mean


def upsample_gain(gain, linear, mode):
    if mode == "guided":
        return guided_upsample(gain, linear)
    return F.interpolate(gain, size=linear.shape[-2:], mode="bilinear", align_corners=False)


# ---------------------------------------------------------------- forward over a sequence
def run_sequence(model, ldr, voxels, upsample="guided", scale=2, base=None, peak=None, gain_ramp=0.0):
    """ldr [B,T,3,H,W] linear, voxels [B,T,5,H,W] raw -> (output [B,T,3,H,W] linear, gains [B,T,1,h,w]).

    The working size is H/scale x W/scale (area downscale); the state starts from zero.
    Residual mode (base [B,T,3,H,W], the filter's frame before fusion, e.g. after `expansion`): the network
    sees base clamped to [0, 1] (as FusionKernels.clampToSDRWhite gives it) and its gain multiplies base,
    capped per pixel so no channel exceeds `peak` (FusionKernels.applyGain with `fusion.residual`).
    gain_ramp > 0 (residual only) weights the gain as the filter does with `fusion.residualRebuiltRampLinear`:
    by clamp((max channel of base - 1) / gain_ramp, 0, 1), so it acts only where the highlight stage rebuilt
    a pixel above SDR white, and the network is trained on the output the filter will make of it."""
    b, t, _, h, w = ldr.shape
    wh, ww = h // scale, w // scale
    state = model.initial_state(b, wh, ww)
    outs, gains = [], []
    for k in range(t):
        full = ldr[:, k] if base is None else base[:, k].clamp(0.0, 1.0)
        small = F.avg_pool2d(full, scale) if scale > 1 else full
        ev = F.avg_pool2d(voxels[:, k], scale) if scale > 1 else voxels[:, k]
        gain, state = model(encode_frame(small), ev, state)
        up = upsample_gain(gain, full, upsample)
        if base is None:
            outs.append(full * torch.exp2(up))
        else:
            top = base[:, k].amax(dim=1, keepdim=True).clamp_min(1e-6)
            if gain_ramp > 0:
                up = up * ((top - 1.0) / gain_ramp).clamp(0.0, 1.0)
            outs.append(base[:, k] * torch.minimum(torch.exp2(up), peak / top))
        gains.append(gain)
    return torch.stack(outs, 1), torch.stack(gains, 1)


# ---------------------------------------------------------------- trainer
class Trainer:
    def __init__(self, args):
        self.args = args
        torch.set_num_threads(args.threads)
        torch.manual_seed(args.seed)
        self.model = REHDR()
        if args.base:  # residual: start from gain 0, i.e. exactly the base the filter already makes
            torch.nn.init.zeros_(self.model.out.weight)
            torch.nn.init.zeros_(self.model.out.bias)
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
        dirs = clip_dirs(args.data)
        self.val_dirs = clip_dirs(args.val_dir) if args.val_dir else []
        if not self.val_dirs and args.val_clips > 0 and len(dirs) > 1:
            # No validation set: hold out the last clips of the training set (never trained on).
            k = min(args.val_clips, len(dirs) // 5 or 1)
            dirs, self.val_dirs = dirs[:-k], dirs[-k:]
        self.val_dirs = self.val_dirs[:args.val_clips]
        lo, hi = args.crop
        self.sampler = SequenceSampler(dirs, args.seq_len, (lo, hi), args.p_seq, args.p_frame,
                                       args.transfer, args.seed, args.base)
        self.step = 0
        self.history = []

    def to_torch(self, batch):
        return {k: torch.from_numpy(v) for k, v in batch.items()}

    def train_step(self, batch):
        """One optimiser step on `batch` (numpy dict from the sampler) at lr_at(self.step)."""
        a = self.args
        for g in self.opt.param_groups:
            g["lr"] = lr_at(self.step, a)
        self.model.train()
        b = self.to_torch(batch)
        out, _ = run_sequence(self.model, b["ldr"], b["voxels"], a.upsample, base=b.get("base"),
                              peak=a.peak_nits / colour.SDR_WHITE_NITS, gain_ramp=a.gain_ramp)
        loss, parts = losses(out, b["hdr"], 10.0, a.w_grad, a.w_temp, b["over"], a.w_highlight,
                             a.highlight_log)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), a.clip)
        self.opt.step()
        self.step += 1
        rec = {"step": self.step, "loss": loss.item(), "gnorm": gnorm.item(), **parts}
        self.history.append(rec)
        return rec["loss"]

    # checkpoints ----------------------------------------------------------------
    def state(self):
        return {"model": self.model.state_dict(), "optimizer": self.opt.state_dict(), "step": self.step,
                "rng": rng_state(),
                "args": vars(self.args), "history": self.history}

    def save(self, ckpt_dir):
        return save_checkpoint(self.state(), ckpt_dir, self.step, self.args.keep)

    def load(self, path):
        ck = torch.load(path, map_location="cpu", weights_only=False)
        self.model.load_state_dict(ck["model"])
        self.opt.load_state_dict(ck["optimizer"])
        self.step = int(ck["step"])
        restore_rng(ck["rng"])
        self.history = list(ck.get("history", []))

    def init_weights(self, path):
        """Model weights only, from a checkpoint (.pt) or an exported .safetensors."""
        if path.endswith(".safetensors"):
            from safetensors.torch import load_file
            sd = {k: v.float() for k, v in load_file(path).items()}
        else:
            sd = torch.load(path, map_location="cpu", weights_only=False)["model"]
        self.model.load_state_dict(sd)

    # validation ------------------------------------------------------------------
    @torch.no_grad()
    def validate(self):
        """PU21-PSNR (BT.2020, peak 256) of the network output and of the identity (gain 0) baseline,
        whole clips at crop = the clip size rounded down to 16, all frames, events on."""
        if not self.val_dirs:
            return None
        from Training.rehdr.sequences import Clip
        self.model.eval()
        rows = []
        for d in self.val_dirs:
            c = Clip(d, self.args.transfer, self.args.base)
            h, w = c.height // 16 * 16, c.width // 16 * 16
            y, x = (c.height - h) // 2, (c.width - w) // 2
            it = c.window(0, c.frames, y, x, h, w)
            ldr = torch.from_numpy(it["ldr"])[None]
            base = torch.from_numpy(it["base"])[None] if "base" in it else None
            out, _ = run_sequence(self.model, ldr, torch.from_numpy(it["voxels"])[None], self.args.upsample,
                                  base=base, peak=self.args.peak_nits / colour.SDR_WHITE_NITS,
                                  gain_ramp=self.args.gain_ramp)

            def nits(v):
                return np.asarray(v, np.float64).transpose(0, 2, 3, 1) @ colour.M709_TO_2020.T * colour.SDR_WHITE_NITS

            gt = nits(it["hdr"])
            o = nits(out[0].numpy())
            over = it["over"][:, 0] > 0
            ref = nits(it["base"] if "base" in it else it["ldr"])
            rows.append((colour.pu_psnr(o, gt), colour.pu_psnr(ref, gt),
                         colour.pu_psnr(o[over], gt[over]) if over.any() else float("nan"),
                         colour.pu_psnr(ref[over], gt[over]) if over.any() else float("nan")))
        self.model.train()
        net, ident = np.mean([r[0] for r in rows]), np.mean([r[1] for r in rows])
        over = [r[2] for r in rows if math.isfinite(r[2])]
        over_ident = [r[3] for r in rows if math.isfinite(r[3])]
        return {"step": self.step, "pu21_psnr": float(net), "pu21_psnr_identity": float(ident),
                "pu21_psnr_over": float(np.mean(over)) if over else None,
                "pu21_psnr_over_identity": float(np.mean(over_ident)) if over_ident else None,
                "clips": len(rows)}


# ---------------------------------------------------------------- export
def export(model, path, dtype="f16", card=None):
    """Weights in the key layout Sources/Fusion loads (bare state_dict keys), plus `<stem>.json`."""
    return export_safetensors(model, path, {"model": "rehdr", "widths": ",".join(map(str, model.widths))},
                              dtype, card)


def parse_crop(s):
    parts = [int(p) for p in str(s).replace("–", "-").split("-")]
    lo, hi = (parts[0], parts[0]) if len(parts) == 1 else (parts[0], parts[1])
    if lo % 16 or hi % 16 or lo > hi or lo < 16:
        raise argparse.ArgumentTypeError("--crop takes SIDE or LO-HI, multiples of 16")
    return lo, hi


def build_parser():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--data", default="data/train", help="training set (make data)")
    ap.add_argument("--val-dir", default="data/val", help="validation set; when it has no index.json, "
                    "the last --val-clips training clips are held out instead")
    ap.add_argument("--val-clips", type=int, default=4)
    ap.add_argument("--val-every", type=int, default=1000, help="validate every K steps and at the end (0 = never)")
    ap.add_argument("--steps", type=int, default=20000, help="total steps (the cosine schedule spans them)")
    ap.add_argument("--stop-at", type=int, default=None, help="stop after this step (continue with --resume)")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq-len", type=int, default=8)
    ap.add_argument("--crop", type=parse_crop, default=(128, 256), help="SIDE or LO-HI, multiples of 16")
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--weight-decay", type=float, default=1e-4)
    ap.add_argument("--warmup", type=int, default=200, help="warm-up steps (at most steps/10)")
    ap.add_argument("--clip", type=float, default=1.0, help="gradient-norm clipping")
    ap.add_argument("--w-grad", type=float, default=5.0, help="weight of the gradient L1 term")
    ap.add_argument("--w-temp", type=float, default=5.0, help="weight of the temporal L1 term")
    ap.add_argument("--w-highlight", type=float, default=0.0,
                    help="weight of the PU21 squared error inside over-exposed masks (0 = off)")
    ap.add_argument("--highlight-log", action="store_true",
                    help="the highlight term is the mean over sequences of ln(their over-mask MSE + 1e-3)")
    ap.add_argument("--init-from", default=None,
                    help="start from this checkpoint's or safetensors' weights (fine-tuning: step 0, "
                         "fresh optimiser); ignored when --resume finds a checkpoint")
    ap.add_argument("--p-seq", type=float, default=0.5, help="event dropout, whole sequence")
    ap.add_argument("--p-frame", type=float, default=0.1, help="event dropout, per frame")
    ap.add_argument("--upsample", choices=("guided", "bilinear"), default="guided",
                    help="gain upsampling at train time (guided = GainMapApplier's fast guided filter)")
    ap.add_argument("--transfer", choices=("params", "bt1886"), default="params",
                    help="LDR linearisation: the clip's curve as --transfer decodes it, or BT.1886 for all")
    ap.add_argument("--base", default=None,
                    help="residual training: the file in each clip holding the filter's frames before fusion "
                         "(Training/rehdr/base.py, e.g. base-balanced.npy); the gain multiplies it")
    ap.add_argument("--gain-ramp", type=float, default=0.0,
                    help="residual mode: weight the gain by clamp((max(base) - 1) / R, 0, 1), as the filter's "
                         "fusion.residualRebuiltRampLinear R does (0: the gain acts on every pixel)")
    ap.add_argument("--peak-nits", type=float, default=1000.0,
                    help="residual mode: the output peak the filter caps at (output.peakNits)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ckpt-dir", default=CKPT_DIR)
    ap.add_argument("--ckpt-every", type=int, default=500)
    ap.add_argument("--keep", type=int, default=3, help="step checkpoints kept (plus latest.pt)")
    ap.add_argument("--resume", action="store_true", help="continue from <ckpt-dir>/latest.pt if present")
    ap.add_argument("--export", default=None, help="write weights (and <stem>.json) here at the end")
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
    elif args.init_from:
        tr.init_weights(args.init_from)
        sys.stderr.write(f"weights from {args.init_from}\n")
    last_val, rate = train_loop(
        tr, args, "train rehdr",
        lambda v: (f"PU21-PSNR {v['pu21_psnr']:.2f} dB (identity {v['pu21_psnr_identity']:.2f} dB; "
                   f"over-exposed {v['pu21_psnr_over'] or float('nan'):.2f} dB, identity "
                   f"{v.get('pu21_psnr_over_identity') or float('nan'):.2f} dB)"))
    if args.export:
        tail = tr.history[-100:]
        card = {
            "model": "REHDR", "widths": list(tr.model.widths), "gain_stops": float(tr.model.gain_stops[0]),
            "parameters": sum(p.numel() for p in tr.model.parameters()), "dtype": args.export_dtype,
            "steps": tr.step, "recipe": {k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(args).items()
                                         if k not in ("export", "resume", "ckpt_dir")},
            "loss": {"definition": "10*L1(mu) + w_grad*L1(grad mu) + w_temp*L1(d/dt mu)"
                                   + ((" + w_highlight*mean over sequences of ln(mean over the over mask of "
                                       "(dPU21/256)^2 + 1e-3)" if args.highlight_log else
                                       " + w_highlight*mean over the over mask of (dPU21/256)^2")
                                      if args.w_highlight > 0 else "")
                                   + (", out = min(base * 2^gain, peak), base = the filter's frames before "
                                      "fusion (" + args.base + ")" if args.base else "")
                                   + (f", gain weighted by clamp((max(base) - 1) / {args.gain_ramp}, 0, 1)"
                                      if args.base and args.gain_ramp > 0 else "")
                                   + ", mu(x) = log(1 + 5000 min(x/64, 1)) / log(5001)",
                     "final_mean_last_100": float(np.mean([r["loss"] for r in tail])) if tail else None},
            "data": {"train": args.data, "train_generator": data_fingerprint(args.data),
                     "val": [os.path.basename(d) for d in tr.val_dirs], "validation": last_val or tr.validate()},
            "panoramas": "city, courtyard, forest, interior, studio, sunrise (Training/data/hdri.py)",
            "torch": torch.__version__, "machine": platform.machine(), "threads": args.threads,
            "steps_per_s_last_session": rate,
        }
        if args.init_from and args.init_from.endswith(".pt"):  # the fine-tune's base run
            base = torch.load(args.init_from, map_location="cpu", weights_only=False)
            card["base"] = {"checkpoint": args.init_from, "steps": int(base["step"]),
                            "recipe": {k: (list(v) if isinstance(v, tuple) else v)
                                       for k, v in base["args"].items() if k not in ("export", "resume")}}
        side = export(tr.model, args.export, args.export_dtype, card)
        sys.stderr.write(f"exported {args.export} and {side}\n")
    return tr


if __name__ == "__main__":
    main()
