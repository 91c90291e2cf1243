"""Evaluation harness: decoding known values, and reports on a tiny set.

Tests that need the real reexpose binary skip only when REEXPOSE_BIN is unset; the baseline
path and a stand-in for the binary (a script honouring the CLI contract that runs ffmpeg's
zscale) always run.
"""

import json
import os
import shlex
import subprocess

import numpy as np
import pytest

from Training.data import events, events_txt
from Training.eval import pipes, report, run
from Training.tests.helpers import synthetic_panorama, write_exr


def _ffmpeg(args, data=None):
    subprocess.run(["ffmpeg", "-v", "error", "-y"] + args, input=data, check=True)


def test_pq_decode_of_a_known_value(tmp_path):
    """SDR white through zscale at npl=203 decodes to 203 cd/m^2 (10-bit step ~0.35 %)."""
    sdr, pq = str(tmp_path / "white.mkv"), str(tmp_path / "pq.mkv")
    _ffmpeg(["-f", "lavfi", "-i", "color=c=white:s=32x32:d=0.1,format=yuv420p",
             "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
             "-color_range", "tv", "-c:v", "ffv1", sdr])
    pipes.run_pipe(sdr, pipes.ZSCALE_CMD, pq)
    nits, info = pipes.decode_hdr(pq)
    assert info["color_transfer"] == "smpte2084" and info["pix_fmt"] == "yuv420p10le"
    assert np.allclose(nits, 203.0, rtol=0.006)


def test_linear_float_decode_of_a_known_value(tmp_path):
    """gbrpf32le planes come in the order G, B, R; linear float: 1.0 = 203 cd/m^2, BT.709."""
    h, w = 8, 8
    g, b, r = np.full((h, w), 0.5, "<f4"), np.full((h, w), 0.25, "<f4"), np.full((h, w), 1.0, "<f4")
    path = str(tmp_path / "lin.mkv")   # EXR frames in Matroska keep the float format and tags
    _ffmpeg(["-f", "rawvideo", "-pix_fmt", "gbrpf32le", "-s", f"{w}x{h}", "-i", "-",
             "-color_trc", "linear", "-color_primaries", "bt709", "-c:v", "exr", path],
            np.stack([g, b, r]).tobytes())
    rgb, info = pipes.decode_signal(path)
    assert info["pix_fmt"] == "gbrpf32le" and info["color_transfer"] == "linear"
    assert np.allclose(rgb[0, 0, 0], [1.0, 0.5, 0.25])
    from Training.eval import colour
    nits = pipes.signal_to_nits2020(rgb, info)
    expect = colour.M709_TO_2020 @ (np.array([1.0, 0.5, 0.25]) * 203.0)
    assert np.allclose(nits[0, 0, 0], expect)


def test_yuv_matrix_known_codes():
    white = pipes.yuv_to_rgb(np.array(940.0), np.array(512.0), np.array(512.0), 10, True, "bt2020nc")
    assert np.allclose(white, 1.0)
    red = pipes.yuv_to_rgb(np.array(16.0 + 0.2126 * 219), np.array(128.0 - 0.2126 / 1.8556 * 224),
                           np.array(128.0 + 0.5 * 224), 8, True, "bt709")
    assert np.allclose(red, [1.0, 0.0, 0.0], atol=1e-3)


@pytest.fixture()
def tiny_val(tmp_path, fake_hdris):
    val = str(tmp_path / "val")
    run.ensure_val_set(val, 2, 4, (64, 48), 0, 1)
    return val


def _fake_reexpose(tmp_path):
    """A script with the reexpose CLI contract (--preset, --quiet, --stats) running zscale."""
    path = tmp_path / "fake-reexpose"
    path.write_text("#!/bin/sh\nstats=''\n"
                    "while [ $# -gt 0 ]; do case \"$1\" in --stats) stats=\"$2\"; shift 2;; "
                    "*) shift;; esac; done\n"
                    f"{shlex.join(pipes.ZSCALE_CMD)} || exit 1\n"
                    "[ -n \"$stats\" ] && echo '{\"fps\": 123.5, \"frames\": 4}' > \"$stats\"\n"
                    "exit 0\n")
    path.chmod(0o755)
    return str(path)


def _report(out):
    with open(os.path.join(out, "report.md")) as f:
        return f.read()


def test_baseline_report_on_a_tiny_set(tmp_path, tiny_val, monkeypatch):
    monkeypatch.setenv("REEXPOSE_BIN", str(tmp_path / "missing-binary"))
    out = str(tmp_path / "eval")
    run.main(["--presets", "fast", "--val-dir", tiny_val, "--clips", "2", "--frames", "4",
              "--size", "64x48", "--out", out, "--plot-clips", "1", "--workers", "1"])
    text = _report(out)
    assert "| zscale-static |" in text and "| bt2446a |" in text
    assert "not found" in text          # the missing binary is reported, not fatal
    res = json.load(open(os.path.join(out, "results.json")))
    for m in ("zscale-static", "bt2446a"):
        assert np.isfinite(res["averages"][m]["pu_psnr"])
        assert np.isfinite(res["averages"][m]["de_itp"])
    for kind in ("frames", "errors", "curves", "hist"):
        assert os.path.getsize(os.path.join(out, "plots", f"clip_00000_{kind}.png")) > 1000
    assert "plots/clip_00000_frames.png" in text


def test_preset_path_with_a_stand_in_binary(tmp_path, tiny_val, monkeypatch):
    monkeypatch.setenv("REEXPOSE_BIN", _fake_reexpose(tmp_path))
    out = str(tmp_path / "eval")
    run.main(["--presets", "fast", "--baselines", "zscale-static", "--val-dir", tiny_val,
              "--clips", "2", "--frames", "4", "--size", "64x48", "--out", out,
              "--plot-clips", "0"])
    res = json.load(open(os.path.join(out, "results.json")))
    fast, base = res["averages"]["reexpose:fast"], res["averages"]["zscale-static"]
    assert fast["tool_fps"] == pytest.approx(123.5)
    assert fast["pu_psnr"] == pytest.approx(base["pu_psnr"], abs=1e-6)   # same computation
    assert "| reexpose:fast |" in _report(out)
    assert "## Clip by clip against reexpose:fast" in _report(out)
    assert "| zscale-static | 0/2, +0.00 |" in _report(out)  # identical computation: never higher


def test_level_oracle_row_beside_its_method(tmp_path, tiny_val, monkeypatch):
    monkeypatch.setenv("REEXPOSE_BIN", _fake_reexpose(tmp_path))
    out = str(tmp_path / "eval")
    run.main(["--presets", "fast", "--baselines", "zscale-static", "--level-oracle", "fast",
              "--val-dir", tiny_val, "--clips", "2", "--frames", "4", "--size", "64x48",
              "--out", out, "--plot-clips", "0"])
    res = json.load(open(os.path.join(out, "results.json")))
    assert res["methods"] == ["reexpose:fast", "reexpose:fast+level-oracle", "zscale-static"]
    for c in res["clips"]:
        plain, bound = c["metrics"]["reexpose:fast"], c["metrics"]["reexpose:fast+level-oracle"]
        if c["metrics"]["zscale-static"]["over_fraction"] == 0:   # nothing blown: nothing moves
            assert bound["pu_psnr"] == pytest.approx(plain["pu_psnr"])
        assert bound["pu_psnr_under"] == pytest.approx(plain["pu_psnr_under"], nan_ok=True)
    assert "| reexpose:fast+level-oracle |" in _report(out)


def test_paired_counts_wins_and_median():
    from Training.eval import metrics
    clips = [{"metrics": {"a": {"k": a}, "b": {"k": b}}}
             for a, b in [(10.0, 9.0), (5.0, 8.0), (20.0, 11.0), (float("nan"), 1.0), (7.0, None)]]
    wins, n, med = metrics.paired(clips, "a", "b", "k")
    assert (wins, n) == (2, 3) and med == pytest.approx(1.0)
    assert metrics.paired(clips[3:], "a", "b", "k")[1] == 0


def test_user_exr_clip_is_evaluated(tmp_path, monkeypatch):
    monkeypatch.setenv("REEXPOSE_BIN", str(tmp_path / "missing-binary"))
    shots = tmp_path / "shots"
    shots.mkdir()
    pano = synthetic_panorama(192, 96)
    for k in range(3):
        write_exr(str(shots / f"f{k:03d}.exr"), np.roll(pano, 4 * k, axis=1)[20:68, 40:104])
    out = str(tmp_path / "eval")
    run.main(["--presets", "", "--user-hdr", str(shots), "--user-only", "--user-ev", "1.0",
              "--val-dir", str(tmp_path / "data" / "val"), "--out", out, "--plot-clips", "1"])
    text = _report(out)
    assert "user-shots" in text and "| zscale-static |" in text
    meta = json.load(open(tmp_path / "data" / "user" / "shots" / "meta.json"))
    assert meta["ldr"]["ev"] == 1.0 and meta["frames"] == 3


@pytest.mark.skipif("REEXPOSE_BIN" not in os.environ, reason="REEXPOSE_BIN is not set")
def test_real_reexpose_presets(tmp_path, tiny_val):
    out = str(tmp_path / "eval")
    presets = ["fast", "hdr10-pq", "hlg-broadcast", "linear-exr", "static", "balanced",
               "balanced+events"]
    run.main(["--presets", ",".join(presets), "--baselines", "zscale-static",
              "--val-dir", tiny_val, "--clips", "2", "--frames", "4", "--size", "64x48",
              "--out", out, "--plot-clips", "1"])
    res = json.load(open(os.path.join(out, "results.json")))
    assert not res["notes"], res["notes"]
    for p in presets:
        avg = res["averages"][f"reexpose:{p}"]
        assert np.isfinite(avg["pu_psnr"]) and avg["pu_psnr"] > 5.0, (p, avg)
        assert np.isfinite(avg["de_itp"]), (p, avg)


def test_highlight_box_holds_the_blown_area():
    codes = np.zeros((120, 160, 3), np.uint8)
    codes[70:90, 100:130, 1] = 255
    y0, y1, x0, x1 = report.highlight_box(codes)
    assert y1 - y0 == x1 - x0 == 48
    assert y0 <= 70 and y1 >= 90 and x0 <= 100 and x1 >= 130
    assert report.highlight_box(np.full((64, 64, 3), 200, np.uint8)) is None


def test_events_text_file_matches_the_voxel_definition(tmp_path):
    """The text written for `--events` holds every event, in order, with t in seconds."""
    ev = np.zeros(3, events.EVENT_DTYPE)
    ev["t"], ev["x"], ev["y"], ev["p"] = [10, 20500, 33000], [1, 2, 3], [0, 1, 2], [1, -1, 1]
    path = str(tmp_path / "ev.txt")
    events_txt.write_events_txt(ev, 4, 3, path)
    lines = [l for l in open(path).read().splitlines() if not l.startswith("#")]
    assert lines[0] == "4 3"
    assert lines[1:] == ["0.000010 1 0 +1", "0.020500 2 1 -1", "0.033000 3 2 +1"]


def test_noise_free_baseline_converts_the_clean_ldr(tmp_path, tiny_val):
    """zscale-static-noise-free reads the clip's LDR rebuilt without noise, losslessly: on a clip whose
    LDR is made noisy it keeps the clean pictures, so it scores above zscale-static there."""
    from Training.data import ldr as ldrmod
    clip = os.path.join(tiny_val, "clip_00000")
    meta = json.load(open(os.path.join(clip, "meta.json")))
    hdr = np.load(os.path.join(clip, "hdr.npy")).astype(np.float32)
    clean = np.round(ldrmod.crf(np.clip(hdr, 0, 1), meta["ldr"]["crf"]) * 255).astype(np.uint8)
    decoded = ldrmod.decode_video_rgb24(run.noise_free_ldr(clip, str(tmp_path / "nf.mkv")))
    assert decoded.shape == clean.shape
    assert np.median(np.abs(decoded.astype(int) - clean)) <= 1       # 4:2:0 chroma only

    # The clip's LDR made noisy (σ 12 codes, lossless): the baseline must not see that noise.
    rng = np.random.default_rng(0)
    noisy = np.clip(clean + rng.normal(0, 12, clean.shape), 0, 255).astype(np.uint8)
    ldrmod.encode_video(noisy, os.path.join(clip, "ldr.mkv"), {"codec": "ffv1"})
    np.save(os.path.join(clip, "ldr.npy"), ldrmod.decode_video_rgb24(os.path.join(clip, "ldr.mkv")))
    out = str(tmp_path / "eval")
    run.main(["--presets", "", "--baselines", f"zscale-static,{run.NOISE_FREE}", "--val-dir", tiny_val,
              "--clips", "2", "--frames", "4", "--size", "64x48", "--out", out, "--plot-clips", "0",
              "--workers", "1", "--flip-frames", "0"])
    res = json.load(open(os.path.join(out, "results.json")))
    m = next(c for c in res["clips"] if c["clip"] == "clip_00000")["metrics"]
    assert m[run.NOISE_FREE]["pu_psnr"] > m["zscale-static"]["pu_psnr"] + 1
    assert m[run.NOISE_FREE]["tpu_rmse"] < 0.8 * m["zscale-static"]["tpu_rmse"]
    assert f"| {run.NOISE_FREE} |" in _report(out)


def test_noise_free_baseline_needs_a_recorded_camera_response(tmp_path):
    clip = tmp_path / "user"
    clip.mkdir()
    (clip / "meta.json").write_text(json.dumps({"split": "user", "ldr": {"ev": 0.0}}))
    with pytest.raises(pipes.PipeError, match="no recorded camera response"):
        run.noise_free_ldr(str(clip), str(tmp_path / "nf.mkv"))


def test_a_rendered_set_is_evaluated_as_built(tmp_path):
    index = {"generator": {"renderer": "blender cycles", "split": "tune", "clips": 9}, "clips": []}
    (tmp_path / "index.json").write_text(json.dumps(index))
    run.ensure_val_set(str(tmp_path), 32, 16, (256, 256), 0, 1)
    assert json.loads((tmp_path / "index.json").read_text()) == index
    assert sorted(os.listdir(tmp_path)) == ["index.json"]


def test_an_auto_exposure_set_is_built_with_ramps_and_not_mistaken_for_a_plain_one(tmp_path, fake_hdris):
    val = str(tmp_path / "val-ae")
    run.ensure_val_set(val, 2, 4, (64, 48), 0, 1, ae_prob=1.0)
    with open(os.path.join(val, "clip_00001", "meta.json")) as f:
        assert len(json.load(f)["ldr"]["ev_ramp"]) == 4
    run.ensure_val_set(val, 2, 4, (64, 48), 0, 1, ae_prob=1.0)   # as built: kept
    with pytest.raises(ValueError, match="ae-prob"):
        run.ensure_val_set(val, 2, 4, (64, 48), 0, 1)


def test_a_lit_set_is_built_with_lights_and_not_mistaken_for_a_plain_one(tmp_path, fake_hdris):
    val = str(tmp_path / "val-lights")
    run.ensure_val_set(val, 2, 4, (64, 48), 0, 1, lights_prob=1.0)
    for k in range(2):
        with open(os.path.join(val, f"clip_{k:05d}", "meta.json")) as f:
            assert 1 <= len(json.load(f)["lights"]) <= 3
    run.ensure_val_set(val, 2, 4, (64, 48), 0, 1, lights_prob=1.0)   # as built: kept
    with pytest.raises(ValueError, match="lights-prob"):
        run.ensure_val_set(val, 2, 4, (64, 48), 0, 1)
