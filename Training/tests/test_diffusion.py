"""The diffusion inpainter (Training/diffusion): model, schedule, noise, fill, tiles, training recipe.

Skipped when torch is not installed (CI installs numpy only). The training tests run on two tiny
clips (8 frames, 64x64) from the project's synthesiser on the fake panoramas of conftest.py, 32x32 tiles.
"""

import json
import math
import os

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("safetensors")


# ---------------------------------------------------------------- model
def test_model_shapes_and_keys():
    from Training.diffusion.model import COND, DiffusionUNet, macs_per_tile
    torch.manual_seed(0)
    m = DiffusionUNet()
    x = torch.randn(2, 3, 64, 64)
    cond = torch.randn(2, COND, 64, 64)
    ref = m.encode_reference(torch.rand(2, 3, 90, 130) * 4)
    assert COND == 12 and ref.shape == (2, 128)
    v = m(x, torch.tensor([10.0, 900.0]), cond, ref)
    assert v.shape == (2, 3, 64, 64) and torch.isfinite(v).all()
    assert m(x[:1, :, :32, :32], torch.tensor([5.0]), cond[:1, :, :32, :32]).shape == (1, 3, 32, 32)
    tops = {k.split(".")[0] for k in m.state_dict()}
    assert tops == {"lin1", "lin2", "conv_in", "res1", "down1", "res2", "down2", "mid", "up2", "dec2", "up1",
                    "dec1", "norm_out", "conv_out", "ref1", "ref2", "ref3", "ref_out"}
    n = sum(p.numel() for p in m.parameters())
    assert 300_000 < n < 500_000 and n * 2 < 5 * 2 ** 20  # F16 file well under 5 MB
    assert 200e6 < macs_per_tile(m, 64) < 300e6


def test_log_gamma_reference_values():
    from Training.diffusion.model import log_gamma, log_gamma_inverse
    lin = torch.tensor([0.18, 1.0, 16.0, 100.0])
    e = log_gamma(lin)
    assert torch.allclose(e, torch.tensor([0.197, 0.348, 0.580, 0.699]), atol=1.5e-3)
    assert torch.allclose(log_gamma_inverse(e), lin, rtol=1e-4)


def test_reference_normalisation_ignores_exposure():
    from Training.diffusion.model import normalise_reference
    g = torch.Generator().manual_seed(1)
    img = torch.rand(1, 3, 130, 200, generator=g) ** 3 * 10 + 0.01
    a, b = normalise_reference(img), normalise_reference(img * 8)
    assert a.shape == (1, 3, 64, 64)
    assert torch.allclose(a, b, rtol=2e-3, atol=1e-5)


# ---------------------------------------------------------------- schedule and noise
def test_schedule_properties():
    from Training.diffusion.schedule import ALPHA_BAR, T_STEPS, ddim_timesteps, q_sample
    assert ALPHA_BAR.shape == (T_STEPS,)
    assert np.all(np.diff(ALPHA_BAR) < 0)
    assert ALPHA_BAR[0] > 0.9999 and ALPHA_BAR[-1] < 1e-4 and abs(ALPHA_BAR[499] - 0.5) < 0.03
    assert ddim_timesteps(0.5, 4) == [499, 374, 249, 124]
    assert ddim_timesteps(0.002, 4) == [1, 0]
    assert ddim_timesteps(0.0, 4) == [] and ddim_timesteps(1.0, 1) == [999]
    g = torch.Generator().manual_seed(0)
    x0 = torch.rand(3, 3, 8, 8, generator=g) * 2 - 1
    eps = torch.randn(3, 3, 8, 8, generator=g)
    t = torch.tensor([0, 400, 999])
    x_t, v = q_sample(x0, t, eps)
    ab = torch.as_tensor(ALPHA_BAR)[t].float().view(-1, 1, 1, 1)
    a, b = ab.sqrt(), (1 - ab).sqrt()
    assert torch.allclose(a * x_t - b * v, x0, atol=1e-5)   # x0 from (x_t, v)
    assert torch.allclose(b * x_t + a * v, eps, atol=1e-5)  # eps from (x_t, v)


def test_tile_noise_keyed_and_normal():
    from Training.diffusion.schedule import tile_noise
    a = tile_noise(5, 3, 2, 1, (3, 16, 16))
    assert a.dtype == np.float32 and a.shape == (3, 16, 16)
    assert np.array_equal(a, tile_noise(5, 3, 2, 1, (3, 16, 16)))
    for other in ((6, 3, 2, 1), (5, 4, 2, 1), (5, 3, 3, 1), (5, 3, 2, 2)):
        assert not np.array_equal(a, tile_noise(*other, (3, 16, 16)))
    big = tile_noise(0, 0, 0, 0, (200_001,))
    assert abs(big.mean()) < 0.01 and abs(big.std() - 1) < 0.01
    assert np.array_equal(big[:10], tile_noise(0, 0, 0, 0, (10,)))  # prefix-stable stream
    assert np.isfinite(tile_noise(-3, 0, 0, 0, (5,))).all()


def test_ddim_deterministic_and_strength_zero():
    from Training.diffusion.model import COND, DiffusionUNet
    from Training.diffusion.schedule import ddim_sample
    torch.manual_seed(0)
    m = DiffusionUNet((8, 16, 16)).eval()
    fill = torch.rand(2, 3, 16, 16) * 2 - 1
    cond = torch.rand(2, COND, 16, 16)
    assert torch.equal(ddim_sample(m, fill, cond, strength=0.0), fill)
    a = ddim_sample(m, fill, cond, steps=3, eta=1.0, strength=0.7, seed=1)
    assert torch.equal(a, ddim_sample(m, fill, cond, steps=3, eta=1.0, strength=0.7, seed=1))
    assert not torch.equal(a, ddim_sample(m, fill, cond, steps=3, eta=1.0, strength=0.7, seed=2))
    assert a.abs().max() <= 1.0


# ---------------------------------------------------------------- masks and fill
def test_fill_leaves_unmasked_pixels_unchanged():
    from Training.diffusion.data import push_pull_fill
    g = torch.Generator().manual_seed(3)
    e = torch.rand(1, 3, 40, 56, generator=g)
    over = torch.zeros(1, 1, 40, 56)
    over[..., 10:25, 20:40] = 1.0
    over[..., 9, 20:40] = 0.3  # soft edge
    out = push_pull_fill(e, over)
    keep = (over == 0).expand_as(e)
    assert torch.equal(out[keep], e[keep])
    inside = (over == 1).expand_as(e)
    assert torch.isfinite(out).all() and not torch.equal(out[inside], e[inside])
    assert out[inside].min() >= e.min() - 1e-6 and out[inside].max() <= e.max() + 1e-6
    # A constant frame fills with the constant.
    c = push_pull_fill(torch.full((1, 3, 40, 56), 0.4), over)
    assert torch.allclose(c, torch.full_like(c, 0.4), atol=1e-6)
    # No mask: identity.
    assert torch.equal(push_pull_fill(e, torch.zeros(1, 1, 40, 56)), e)


def test_exposure_masks():
    from Training.diffusion.data import exposure_masks
    from Training.rehdr.sequences import linearise_codes
    codes = np.zeros((1, 3, 32, 32), np.uint8)
    codes[..., :16] = 128
    codes[..., 16:] = 255
    codes[..., 28:, :] = 0
    lin = torch.from_numpy(linearise_codes(codes, "srgb"))
    over, under = exposure_masks(torch.from_numpy(codes), lin)
    assert over.shape == under.shape == (1, 1, 32, 32)
    assert 0 <= over.min() and over.max() <= 1 and 0 <= under.min() and under.max() <= 1
    assert over[0, 0, 10, 26] == 1.0 and over[0, 0, 10, 4] == 0.0
    assert under[0, 0, 31, 4] == 1.0 and under[0, 0, 10, 4] == 0.0


# ---------------------------------------------------------------- training recipe
def _args(data, ckpt, *extra):
    return ["--data", data, "--val-dir", "", "--val-every", "0", "--batch", "2", "--tile", "32",
            "--widths", "8", "16", "16", "--threads", "1", "--seed", "3", "--warmup", "0",
            "--ckpt-dir", ckpt, *extra]


def _losses(ckpt):
    ck = torch.load(os.path.join(ckpt, "latest.pt"), weights_only=False)
    return [r["loss"] for r in ck["history"]]


def test_sampler_deterministic_and_shapes(tiny_set):
    from Training.diffusion.data import TileSampler, clip_dirs
    s = TileSampler(clip_dirs(tiny_set), tile=32, seed=3)
    b = s.batch(0, 3)
    assert b["x0"].shape == (3, 3, 32, 32) and b["cond"].shape == (3, 12, 32, 32)
    assert b["ref"].shape == (3, 3, 64, 64) and b["has_ref"].shape == (3,)
    assert b["x0"].min() >= -1 and b["x0"].max() <= 1
    flags = b["cond"][:, 11]
    assert all(bool((f == f[0, 0]).all()) and float(f[0, 0]) in (0.0, 1.0) for f in flags)
    again = s.batch(0, 3)
    assert all(torch.equal(b[k], again[k]) for k in b)
    assert not torch.equal(b["x0"], s.batch(1, 3)["x0"])
    # A fresh sampler with the same seed draws the same batch (no hidden state).
    assert torch.equal(TileSampler(clip_dirs(tiny_set), tile=32, seed=3).batch(0, 3)["cond"], b["cond"])


def test_filter_fill_at_the_working_size(tiny_set):
    # With a base file (the filter's pre-diffusion frames) and scale 4, the inputs are what the Swift stage
    # builds: frames and masks area-downscaled 4x4 in linear light, the filter's frame as both the fill and the
    # known part, and the ground truth downscaled the same way.
    import torch.nn.functional as F

    from Training.diffusion.data import Clip, TileSampler, clip_dirs, frame_inputs, push_pull_fill
    from Training.diffusion.model import log_gamma
    dirs = clip_dirs(tiny_set)
    d = dirs[0]
    hdr = np.load(os.path.join(d, "hdr.npy")).astype(np.float32)
    fill = np.minimum(hdr, 3.0).astype(np.float16)  # stands in for the filter's frames
    name = "fill-test.npy"
    for c in dirs:
        np.save(os.path.join(c, name), fill if c == d else np.load(os.path.join(c, "hdr.npy")).astype(np.float16))
    plain, scaled = Clip(d), Clip(d, base=name, scale=4)
    assert (scaled.height, scaled.width) == (plain.height // 4, plain.width // 4)
    a, b = frame_inputs(plain, 3), frame_inputs(scaled, 3)
    assert b["e_fill"].shape == (1, 3, plain.height // 4, plain.width // 4)
    want = log_gamma(F.avg_pool2d(torch.from_numpy(fill[3].astype(np.float32).transpose(2, 0, 1)[None]), 4))
    assert torch.allclose(b["e_fill"], want, atol=1e-6) and torch.equal(b["e_ldr"], b["e_fill"])
    assert torch.allclose(b["over"], F.avg_pool2d(a["over"], 4), atol=1e-6)
    gt = torch.from_numpy(hdr[3].transpose(2, 0, 1)[None])
    assert torch.allclose(b["e_gt"], log_gamma(F.avg_pool2d(gt, 4)), atol=1e-6)
    # Without a base the fill is the push-pull fill of the LDR, and the known part the LDR itself.
    assert torch.equal(a["e_fill"], push_pull_fill(a["e_ldr"], a["over"]))
    s = TileSampler(dirs, tile=16, seed=1, base=name, scale=4)
    batch = s.batch(0, 2)
    assert batch["x0"].shape == (2, 3, 16, 16) and batch["ref"].shape == (2, 3, 64, 64)


def test_inverse_recover_undoes_the_recover_expansion():
    # Sources/Color/RecoverExpansion.swift with no lift: Y' = Y + (g - 1) max(0, Y - 1), as a ratio on RGB.
    from Training.diffusion.data import LUMA_709, inverse_recover
    g = torch.Generator().manual_seed(2)
    hdr = torch.rand(2, 3, 8, 8, generator=g) * 6
    back = inverse_recover(hdr, 4.0)
    luma = torch.from_numpy(LUMA_709).view(1, 3, 1, 1)
    y = (back * luma).sum(1, keepdim=True)
    again = back * (y + 3.0 * (y - 1.0).clamp_min(0.0)) / y
    assert torch.allclose(again, hdr, rtol=1e-5, atol=1e-6)
    below = ((hdr * luma).sum(1, keepdim=True) <= 1.0).expand_as(hdr)
    assert below.any() and torch.equal(back[below], hdr[below])  # diffuse content is its own preimage


def test_training_steps_and_resume(tiny_set, tmp_path):
    from Training.diffusion import train
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    tr = train.main(_args(tiny_set, a, "--steps", "4", "--ckpt-every", "2"))
    assert tr.step == 4 and all(math.isfinite(r["loss"]) and r["loss"] > 0 for r in tr.history)
    train.main(_args(tiny_set, b, "--steps", "4", "--ckpt-every", "2", "--stop-at", "2"))
    train.main(_args(tiny_set, b, "--steps", "4", "--ckpt-every", "2", "--resume"))
    assert _losses(a) == _losses(b)  # bit for bit: same seed, same thread count
    wa = torch.load(os.path.join(a, "latest.pt"), weights_only=False)["ema"]
    wb = torch.load(os.path.join(b, "latest.pt"), weights_only=False)["ema"]
    assert all(torch.equal(wa[k], wb[k]) for k in wa)


def test_overfits_one_batch(tiny_set, tmp_path):
    from Training.diffusion import train
    args = train.build_parser().parse_args(_args(tiny_set, str(tmp_path / "ck"), "--steps", "30", "--lr", "3e-3"))
    tr = train.Trainer(args)
    batch = tr.sampler.batch(0, 2)
    # Same batch, same noise and timesteps every step (step_generator is keyed by the step: pin it).
    losses = []
    for _ in range(30):
        tr.step = 0
        losses.append(tr.train_step(batch))
    assert all(math.isfinite(v) for v in losses)
    assert np.mean(losses[-3:]) < 0.7 * np.mean(losses[:3]), losses


def test_export_layout_and_card(tiny_set, tmp_path):
    from safetensors import safe_open

    from Training.diffusion import train
    from Training.diffusion.model import DiffusionUNet
    out = str(tmp_path / "Models" / "diffusion.safetensors")
    train.main(_args(tiny_set, str(tmp_path / "ck"), "--steps", "2", "--export", out,
                     "--val-dir", tiny_set, "--val-clips", "2", "--val-every", "2"))
    ref = {k: tuple(v.shape) for k, v in DiffusionUNet((8, 16, 16)).state_dict().items()}
    with safe_open(out, framework="pt") as f:
        got = {k: tuple(f.get_tensor(k).shape) for k in f.keys()}
        dtypes = {f.get_tensor(k).dtype for k in f.keys()}
        assert f.metadata()["widths"] == "8,16,16"
    assert got == ref and dtypes == {torch.float16}
    with open(str(tmp_path / "Models" / "diffusion.json")) as f:
        card = json.load(f)
    assert card["steps"] == 2 and card["objective"] == "v-prediction" and card["recipe"]["seed"] == 3
    assert card["data"]["train_generator"]["clips"] == 2
    v = card["data"]["validation"]
    if v is not None:  # the tiny clips may have no over-exposed tile
        assert math.isfinite(v["lg_l1_ddim"]) and math.isfinite(v["lg_l1_fill"])
