"""Evaluation by noise level, and the hqdn3d + zscale baseline (Training/eval)."""

import json
import os
import shutil
import subprocess

import numpy as np
import pytest

from Training.eval import metrics, pipes, report, run

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not installed")


@pytest.mark.parametrize("ldr_meta, group", [
    ({"full_well": None, "read_sigma": 0.0, "sigma_grey": 0.0}, "clean"),
    ({"full_well": None, "read_sigma": 0.0}, "clean"),                    # sigma_grey recomputed
    ({"full_well": 5000.0, "read_sigma": 2e-4}, "moderate"),              # old model: sigma 0.006
    ({"full_well": 300.0, "read_sigma": 3e-3}, "heavy"),                  # old model: sigma 0.025
    ({"full_well": 80.0, "read_sigma": 0.015}, "heavy"),
    ({"sigma_grey": 0.0019}, "clean"),
    ({"sigma_grey": 0.002}, "moderate"),
    ({"sigma_grey": 0.0149}, "moderate"),
    ({"sigma_grey": 0.015}, "heavy"),
    ({"ev": 1.0, "codec": "ffv1"}, "unknown"),                            # no noise recorded
    ({"full_well": "x", "read_sigma": 0.0}, "unknown"),
    (None, "unknown"),
])
def test_noise_groups(ldr_meta, group):
    assert metrics.noise_group(ldr_meta) == group


def test_group_averages_and_report_section(tmp_path):
    def clip(noise, a, b):
        return {"clip": f"c{a}", "desc": "d", "noise": noise,
                "metrics": {"m1": {"pu_psnr": a}, "m2": {"pu_psnr": b}}}
    clips = [clip("clean", 40.0, 30.0), clip("heavy", 20.0, 26.0), clip("heavy", 22.0, 28.0),
             {"clip": "old", "desc": "d", "metrics": {"m1": {"pu_psnr": 30.0}}}]
    groups = metrics.group_averages(clips, ["m1", "m2"], ["pu_psnr"])
    assert list(groups) == ["clean", "heavy", "unknown"]
    assert groups["heavy"]["clips"] == 2
    assert groups["heavy"]["averages"]["m1"]["pu_psnr"] == pytest.approx(21.0)
    assert groups["heavy"]["averages"]["m2"]["pu_psnr"] == pytest.approx(27.0)
    assert np.isnan(groups["unknown"]["averages"]["m2"]["pu_psnr"])
    results = {"methods": ["m1", "m2"], "clips": clips, "flip": False, "groups": groups,
               "averages": {m: metrics.average([c["metrics"][m] for c in clips if m in c["metrics"]],
                                               ["pu_psnr"]) for m in ("m1", "m2")}}
    path = str(tmp_path / "report.md")
    report.write_report(path, results, {})
    text = open(path).read()
    assert "## By noise level" in text
    assert "### heavy (σ₁₈ ≥ 0.015): 2 clips" in text and "### clean (σ₁₈ < 0.002): 1 clip" in text
    heavy = text.split("### heavy")[1].split("###")[0]
    assert "| m1 | 21.00 |" in heavy and "| m2 | 27.00 |" in heavy


def test_hqdn3d_command_line():
    cmd = pipes.hqdn3d_cmd("16:12:24:18")
    vf = cmd[cmd.index("-vf") + 1]
    assert vf == "format=yuv420p16le,hqdn3d=16:12:24:18," + pipes.ZSCALE_FILTER
    assert cmd[-len(pipes._ZSCALE_OUT):] == pipes._ZSCALE_OUT      # same output as zscale-static
    assert cmd[:6] == pipes.ZSCALE_CMD[:6]
    assert pipes.hqdn3d_strength("hqdn3d-zscale@2:1.5:3:2.25") == "2:1.5:3:2.25"
    assert pipes.hqdn3d_strength("hqdn3d-zscale") == pipes.HQDN3D_DEFAULT
    assert pipes.hqdn3d_strength("zscale-static") is None
    for bad in ("hqdn3d-zscale@4:3:6", "hqdn3d-zscale@a:b:c:d", "hqdn3d-zscale@-1:0:0:0"):
        with pytest.raises(ValueError):
            pipes.hqdn3d_strength(bad)
    with pytest.raises(SystemExit):
        run.main(["--presets", "", "--baselines", "hqdn3d-zscale@1:2", "--out", "unused"])


def _flat_clip(tmp_path, colour, name):
    path = str(tmp_path / name)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"color=c={colour}:s=32x32:d=0.1,format=yuv420p", "-color_primaries", "bt709",
                    "-color_trc", "bt709", "-colorspace", "bt709", "-color_range", "tv",
                    "-c:v", "ffv1", path], check=True)
    return path


@needs_ffmpeg
def test_zscale_static_is_the_bt1886_display_referred_conversion(tmp_path):
    """Mid grey decodes to BT.1886 (code ** 2.4) x 203 cd/m^2, not the inverse BT.709 OETF."""
    sdr, pq = _flat_clip(tmp_path, "0x808080", "grey.mkv"), str(tmp_path / "pq.mkv")
    pipes.run_pipe(sdr, pipes.ZSCALE_CMD, pq)
    nits, _ = pipes.decode_hdr(pq)
    code = float(pipes.decode_signal(sdr)[0][..., 1].mean())
    assert float(nits[..., 1].mean()) == pytest.approx(code ** 2.4 * 203.0, rel=0.03)


@needs_ffmpeg
def test_hqdn3d_baseline_runs_on_a_flat_clip(tmp_path):
    """On a flat clip the denoiser changes nothing: same light as zscale-static (10-bit step)."""
    sdr = _flat_clip(tmp_path, "0x808080", "grey.mkv")
    a, b = str(tmp_path / "z.mkv"), str(tmp_path / "h.mkv")
    pipes.run_pipe(sdr, pipes.ZSCALE_CMD, a)
    pipes.run_pipe(sdr, pipes.hqdn3d_cmd("16:12:24:18"), b)
    za, info = pipes.decode_hdr(a)
    hb, info_b = pipes.decode_hdr(b)
    assert info_b["color_transfer"] == "smpte2084" and info_b["pix_fmt"] == "yuv420p10le"
    assert hb.shape == za.shape and np.allclose(hb, za, rtol=0.01)


@needs_ffmpeg
def test_hqdn3d_sweep_on_a_tiny_set(tmp_path, fake_hdris, monkeypatch):
    monkeypatch.setenv("REEXPOSE_BIN", str(tmp_path / "missing-binary"))
    val = str(tmp_path / "val")
    run.ensure_val_set(val, 2, 3, (48, 32), 0, 1)
    # clip 1 as a clip written by an older tool: none of the noise fields, no ldr_model.
    meta_path = os.path.join(val, "clip_00001", "meta.json")
    meta = json.load(open(meta_path))
    for k in ("ldr_model", "clean", "full_well", "read_sigma", "sigma_grey", "mpeg2_bpp"):
        meta["ldr"].pop(k, None)
    json.dump(meta, open(meta_path, "w"))
    out = str(tmp_path / "eval")
    run.main(["--presets", "", "--baselines", "zscale-static", "--hqdn3d-sweep",
              "2:1.5:3:2.25,16:12:24:18", "--val-dir", val, "--clips", "2", "--frames", "3",
              "--size", "48x32", "--out", out, "--plot-clips", "0", "--workers", "1",
              "--flip-frames", "0"])
    res = json.load(open(os.path.join(out, "results.json")))
    sweep = res["hqdn3d_sweep"]
    names = ["hqdn3d-zscale@2:1.5:3:2.25", "hqdn3d-zscale@16:12:24:18"]
    assert sorted(sweep["overall"]) == sorted(names)
    assert sweep["best"] == max(names, key=lambda m: res["averages"][m]["pu_psnr"])
    assert open(os.path.join(out, "hqdn3d_best.txt")).read().strip() == sweep["best_strength"]
    text = open(os.path.join(out, "report.md")).read()
    assert "## hqdn3d strength sweep" in text and "## By noise level" in text
    assert all(c["noise"] in metrics.NOISE_GROUPS for c in res["clips"])
    assert sum(g["clips"] for g in res["groups"].values()) == 2
    assert res["clips"][1]["noise"] == "unknown" and "unknown" in res["groups"]
    assert np.isfinite(res["groups"]["unknown"]["averages"]["zscale-static"]["pu_psnr"])
    assert any("old LDR model" in n for n in res["notes"])
