"""The REHDR training recipe (Training/rehdr/train.py) on a tiny synthetic set.

Skipped when torch is not installed (CI installs numpy only). Two clips x 8 frames at 64x64 from
the project's synthesiser on the fake panoramas of conftest.py; crops 64, working size 32.
"""

import json
import math
import os

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("safetensors")


def _args(data, ckpt, *extra):
    return ["--data", data, "--val-dir", "", "--val-clips", "0", "--val-every", "0",
            "--batch", "2", "--seq-len", "4", "--crop", "64", "--threads", "1", "--seed", "3",
            "--warmup", "0", "--ckpt-dir", ckpt, *extra]


def _losses(ckpt):
    ck = torch.load(os.path.join(ckpt, "latest.pt"), weights_only=False)
    return [r["loss"] for r in ck["history"]]


def test_three_steps_and_batch_contents(tiny_set, tmp_path):
    from Training.rehdr import train
    tr = train.main(_args(tiny_set, str(tmp_path / "ck"), "--steps", "3"))
    assert tr.step == 3 and len(tr.history) == 3
    assert all(math.isfinite(r["loss"]) and r["loss"] > 0 for r in tr.history)
    b = tr.sampler.batch(0, 2)
    assert b["ldr"].shape == (2, 4, 3, 64, 64) and b["hdr"].shape == (2, 4, 3, 64, 64)
    assert b["voxels"].shape == (2, 4, 5, 64, 64)
    assert 0.0 <= b["ldr"].min() and b["ldr"].max() <= 1.0
    # Same (seed, step) -> same batch; another step -> another batch.
    again = tr.sampler.batch(0, 2)
    assert all(np.array_equal(b[k], again[k]) for k in b)
    assert not np.array_equal(b["hdr"], tr.sampler.batch(1, 2)["hdr"])


def test_overfits_one_batch(tiny_set, tmp_path):
    from Training.rehdr import train
    args = train.build_parser().parse_args(_args(tiny_set, str(tmp_path / "ck"), "--steps", "20",
                                                 "--lr", "2e-3"))
    tr = train.Trainer(args)
    batch = tr.sampler.batch(0, 2)
    losses = [tr.train_step(batch) for _ in range(20)]
    assert all(math.isfinite(v) for v in losses)
    assert np.mean(losses[-3:]) < 0.9 * np.mean(losses[:3]), losses


def test_resume_matches_uninterrupted(tiny_set, tmp_path):
    from Training.rehdr import train
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    train.main(_args(tiny_set, a, "--steps", "4", "--ckpt-every", "2"))
    train.main(_args(tiny_set, b, "--steps", "4", "--ckpt-every", "2", "--stop-at", "2"))
    assert len(_losses(b)) == 2
    train.main(_args(tiny_set, b, "--steps", "4", "--ckpt-every", "2", "--resume"))
    la, lb = _losses(a), _losses(b)
    assert len(la) == len(lb) == 4
    assert la == lb  # bit for bit: same seed, same thread count
    wa = torch.load(os.path.join(a, "latest.pt"), weights_only=False)["model"]
    wb = torch.load(os.path.join(b, "latest.pt"), weights_only=False)["model"]
    assert all(torch.equal(wa[k], wb[k]) for k in wa)


def test_export_matches_swift_layout(tiny_set, tmp_path):
    from safetensors import safe_open

    from Training.rehdr import train
    from Training.rehdr.model import REHDR
    out = str(tmp_path / "Models" / "rehdr.safetensors")
    train.main(_args(tiny_set, str(tmp_path / "ck"), "--steps", "2", "--export", out,
                     "--val-dir", tiny_set, "--val-clips", "1", "--val-every", "2"))
    ref = {k: tuple(v.shape) for k, v in REHDR().state_dict().items()}
    with safe_open(out, framework="pt") as f:
        got = {k: tuple(f.get_tensor(k).shape) for k in f.keys()}
        dtypes = {f.get_tensor(k).dtype for k in f.keys()}
        assert float(f.get_tensor("gain_stops")[0]) == 6.0
    assert got == ref
    assert dtypes == {torch.float16}  # REHDRNetwork reads F32, F16 or BF16; F16 like the fixtures
    with open(str(tmp_path / "Models" / "rehdr.json")) as f:
        card = json.load(f)
    assert card["steps"] == 2 and card["recipe"]["seed"] == 3
    assert card["data"]["train_generator"]["clips"] == 2
    v = card["data"]["validation"]
    assert math.isfinite(v["pu21_psnr"]) and math.isfinite(v["pu21_psnr_identity"])


def test_guided_upsample_matches_applier_properties():
    """Zero gain -> zero, constant gain -> the constant (GainMapApplier's exactness properties)."""
    from Training.rehdr.train import guided_upsample
    g = torch.Generator().manual_seed(0)
    lin = torch.rand(1, 3, 32, 48, generator=g) ** 2
    assert torch.equal(guided_upsample(torch.zeros(1, 1, 16, 24), lin), torch.zeros(1, 1, 32, 48))
    c = guided_upsample(torch.full((1, 1, 16, 24), 1.25), lin)
    assert torch.allclose(c, torch.full_like(c, 1.25), atol=1e-6)


def test_highlight_loss_is_the_eval_over_mask_score():
    """10 log10(1 / highlight_loss) is `make eval`'s PU-PSNR inside the over mask; empty mask -> 0."""
    from Training.eval import colour
    from Training.rehdr.train import highlight_loss
    g = torch.Generator().manual_seed(1)
    gt = torch.rand(1, 2, 3, 8, 8, generator=g, dtype=torch.float64) * 40.0
    out = gt * torch.exp2(torch.randn(1, 2, 3, 8, 8, generator=g, dtype=torch.float64))
    over = (torch.rand(1, 2, 1, 8, 8, generator=g) < 0.3).double()
    nits = lambda x: x[0].permute(0, 2, 3, 1).numpy() @ colour.M709_TO_2020.T * colour.SDR_WHITE_NITS
    m = over[0, :, 0].numpy() > 0
    want = colour.pu_psnr(nits(out)[m], nits(gt)[m])
    assert abs(10.0 * math.log10(1.0 / highlight_loss(out, gt, over).item()) - want) < 1e-6
    assert highlight_loss(out, gt, torch.zeros_like(over)).item() == 0.0
    assert highlight_loss(gt, gt, over).item() == 0.0


def test_highlight_log_loss_averages_per_sequence_logs():
    """Per sequence ln(MSE + floor), averaged over the sequences that have clipped pixels."""
    from Training.rehdr.train import highlight_log_loss, highlight_loss
    g = torch.Generator().manual_seed(2)
    gt = torch.rand(3, 2, 3, 8, 8, generator=g, dtype=torch.float64) * 40.0
    out = gt * torch.exp2(torch.randn(3, 2, 3, 8, 8, generator=g, dtype=torch.float64))
    over = (torch.rand(3, 2, 1, 8, 8, generator=g) < 0.3).double()
    over[1] = 0.0  # no clipped pixels: left out
    want = 0.5 * sum(math.log(highlight_loss(out[i:i + 1], gt[i:i + 1], over[i:i + 1]).item() + 1e-3)
                     for i in (0, 2))
    assert abs(highlight_log_loss(out, gt, over).item() - want) < 1e-9
    assert highlight_log_loss(out, gt, torch.zeros_like(over)).item() == 0.0
    assert abs(highlight_log_loss(gt, gt, over).item() - math.log(1e-3)) < 1e-12


def test_window_over_mask_is_the_eval_mask(tiny_set):
    from Training.eval import metrics
    from Training.rehdr.sequences import Clip, clip_dirs
    c = Clip(clip_dirs(tiny_set)[0])
    it = c.window(0, 2, 0, 0, 32, 32)
    over, _ = metrics.exposure_masks(np.asarray(c.ldr[0:2, 0:32, 0:32]))
    assert it["over"].shape == (2, 1, 32, 32)
    assert np.array_equal(it["over"][:, 0] > 0, over)


def test_finetune_starts_from_given_weights(tiny_set, tmp_path):
    """--init-from loads the weights (step 0, fresh optimiser); --w-highlight adds its logged term."""
    from Training.rehdr import train
    base = str(tmp_path / "base")
    tr0 = train.main(_args(tiny_set, base, "--steps", "2", "--export", str(tmp_path / "w.safetensors")))
    for src in (os.path.join(base, "latest.pt"), str(tmp_path / "w.safetensors")):
        args = train.build_parser().parse_args(_args(tiny_set, str(tmp_path / "ft"), "--steps", "1",
                                                     "--w-highlight", "10"))
        tr = train.Trainer(args)
        tr.init_weights(src)
        tol = 0 if src.endswith(".pt") else 1e-2  # the export is F16
        assert all(torch.allclose(a, b, atol=tol) for a, b in
                   zip(tr.model.state_dict().values(), tr0.model.state_dict().values()))
        assert tr.step == 0
    out = str(tmp_path / "ft.safetensors")
    tr = train.main(_args(tiny_set, str(tmp_path / "ft2"), "--steps", "1", "--w-highlight", "10",
                          "--init-from", os.path.join(base, "latest.pt"), "--export", out))
    assert tr.step == 1 and "highlight" in tr.history[0]
    with open(str(tmp_path / "ft.json")) as f:
        card = json.load(f)
    assert card["base"]["steps"] == 2 and "w_highlight" in card["loss"]["definition"]


def test_export_only_run_keeps_the_training_speed(tiny_set, tmp_path):
    """Re-exporting a finished run (--resume at the last step) trains nothing and keeps the card's
    steps/s of the session that trained."""
    from Training.rehdr import train
    out, ck = str(tmp_path / "w.safetensors"), str(tmp_path / "ck")
    train.main(_args(tiny_set, ck, "--steps", "2", "--export", out))
    with open(str(tmp_path / "w.json")) as f:
        first = json.load(f)["steps_per_s_last_session"]
    assert first > 0
    tr = train.main(_args(tiny_set, ck, "--steps", "2", "--resume", "--export", out))
    assert tr.step == 2
    with open(str(tmp_path / "w.json")) as f:
        assert json.load(f)["steps_per_s_last_session"] == first


def test_residual_mode_starts_from_the_base_and_caps_at_the_peak(tiny_set, tmp_path):
    """--base: the clip's base frames are what the network corrects; the output layer starts at zero, so the
    first output is the base itself (capped at the peak, as FusionKernels.applyGain with `residual`), and
    training from there moves it."""
    from Training.rehdr import train
    from Training.rehdr.sequences import clip_dirs
    for d in clip_dirs(tiny_set):  # a stand-in for base.py's frames: the truth, with a patch above the peak
        base = np.load(os.path.join(d, "hdr.npy")).astype(np.float32)
        base[:, :8, :8, :] = [8.0, 6.0, 4.0]
        np.save(os.path.join(d, "base-test.npy"), base.astype(np.float16))
    tr = train.Trainer(train.build_parser().parse_args(
        _args(tiny_set, str(tmp_path / "ck"), "--steps", "2", "--base", "base-test.npy")))
    b = tr.to_torch(tr.sampler.batch(0, 2))
    peak = 1000.0 / 203.0
    with torch.no_grad():
        out, gains = train.run_sequence(tr.model, b["ldr"], b["voxels"], base=b["base"], peak=peak)
    assert float(gains.abs().max()) == 0.0
    top = b["base"].amax(dim=2, keepdim=True)
    want = b["base"] * torch.clamp(peak / top.clamp_min(1e-6), max=1.0)
    assert torch.allclose(out, want)
    assert float(out.amax()) <= peak * (1 + 1e-6)
    assert float(b["base"].amax()) > peak, "the stand-in base exercises the cap"
    tr.train_step(tr.sampler.batch(0, 2))
    tr.train_step(tr.sampler.batch(1, 2))
    with torch.no_grad():
        _, gains = train.run_sequence(tr.model, b["ldr"], b["voxels"], base=b["base"], peak=peak)
    assert float(gains.abs().max()) > 0.0


def test_gain_ramp_leaves_pixels_the_highlight_stage_did_not_lift(tiny_set, tmp_path):
    """--gain-ramp R: the gain acts as the filter applies it with fusion.residualRebuiltRampLinear R: not at
    all where the base's largest channel is at most SDR white, fully from 1 + R on."""
    from Training.rehdr import train
    from Training.rehdr.sequences import clip_dirs
    for d in clip_dirs(tiny_set):  # a base at white or below, with one patch lifted well above it
        base = np.minimum(np.load(os.path.join(d, "hdr.npy")).astype(np.float32), 1.0)
        base[:, :8, :8, :] = [3.0, 2.5, 2.0]
        np.save(os.path.join(d, "base-ramp.npy"), base.astype(np.float16))
    tr = train.Trainer(train.build_parser().parse_args(
        _args(tiny_set, str(tmp_path / "ck"), "--steps", "2", "--base", "base-ramp.npy", "--gain-ramp", "0.05")))
    torch.nn.init.constant_(tr.model.out.bias, 0.5)  # a gain of half a stop everywhere
    b = tr.to_torch(tr.sampler.batch(0, 2))
    peak = 1000.0 / 203.0
    with torch.no_grad():
        out, _ = train.run_sequence(tr.model, b["ldr"], b["voxels"], base=b["base"], peak=peak, gain_ramp=0.05)
        free, _ = train.run_sequence(tr.model, b["ldr"], b["voxels"], base=b["base"], peak=peak)
    top = b["base"].amax(dim=2, keepdim=True).expand_as(out)
    assert torch.equal(out[top <= 1.0], b["base"][top <= 1.0])
    lifted = top >= 1.05
    assert bool(lifted.any())
    assert torch.allclose(out[lifted], free[lifted])
    assert bool((out[lifted] > b["base"][lifted]).all())


def test_several_sets_join_in_order(tmp_path):
    from Training.rehdr.sequences import clip_dirs, data_fingerprint
    roots = []
    for name, clips in (("a", ["clip_00000", "clip_00001"]), ("b", ["clip_00000"])):
        root = tmp_path / name
        root.mkdir()
        (root / "index.json").write_text(json.dumps({"generator": {"set": name},
                                                     "clips": [{"dir": c} for c in clips]}))
        roots.append(str(root))
    both = ",".join(roots)
    assert clip_dirs(both) == [os.path.join(roots[0], "clip_00000"), os.path.join(roots[0], "clip_00001"),
                               os.path.join(roots[1], "clip_00000")]
    assert data_fingerprint(both) == [{"set": "a"}, {"set": "b"}]
    assert data_fingerprint(roots[1]) == {"set": "b"}
    assert clip_dirs(str(tmp_path / "missing")) == []
