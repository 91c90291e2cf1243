"""LDR formation (Training/data/ldr.py)."""

import numpy as np
import pytest

from Training.data import ldr


@pytest.mark.parametrize("params", [{"kind": "srgb"}, {"kind": "bt1886"}, {"kind": "bt709"},
                                    {"kind": "smooth", "gamma": 2.5, "bend": -0.6},
                                    {"kind": "smooth", "gamma": 1.8, "bend": 0.6}])
def test_camera_responses_are_monotone_with_fixed_ends(params):
    x = np.linspace(0.0, 1.0, 1001)
    y = ldr.crf(x, params)
    assert y[0] == pytest.approx(0.0, abs=1e-12) and y[-1] == pytest.approx(1.0, abs=1e-9)
    assert np.all(np.diff(y) > 0)


def test_formation_clips_and_quantises():
    p = {"ev": 1.0, "full_well": 1e9, "read_sigma": 0.0,
         "crf": {"kind": "bt1886", "gamma": 2.2, "bend": 0.0}}
    hdr = np.array([0.0, 0.125, 0.25, 0.5, 4.0], np.float32).reshape(1, 1, 5, 1).repeat(3, -1)
    codes = ldr.form_codes(hdr, p, np.random.default_rng(0))
    expect = np.round(np.clip(hdr * 2.0, 0, 1) ** (1 / 2.4) * 255)
    assert codes.dtype == np.uint8
    assert np.array_equal(codes, expect.astype(np.uint8))


@pytest.mark.parametrize("codec", ["ffv1", "libx264"])
def test_video_round_trip_is_close(tmp_path, codec):
    ramp = np.linspace(0, 255, 64).astype(np.uint8)
    codes = np.broadcast_to(ramp[None, None, :, None], (3, 32, 64, 3)).copy()
    path = str(tmp_path / "ldr.mkv")
    ldr.encode_video(codes, path, {"codec": codec, "x264_crf": 18})
    back = ldr.decode_video_rgb24(path)
    assert back.shape == codes.shape
    assert np.abs(back.astype(int) - codes.astype(int)).max() <= 3


# --- The widened draw (ldr_model 2): noise, codecs and the clean share -------------------------

import json
import math
import shutil
import subprocess


def _has_encoder(name):
    if shutil.which("ffmpeg") is None:
        return False
    out = subprocess.run(["ffmpeg", "-hide_banner", "-encoders"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    return any(line.split()[1:2] == [name] for line in out.splitlines() if line.strip())


needs_mpeg2 = pytest.mark.skipif(not _has_encoder("mpeg2video"),
                                 reason="ffmpeg with the mpeg2video encoder not installed")


def test_widened_draws_stay_within_the_stated_bounds():
    draws = [ldr.draw_ldr_params(np.random.default_rng(np.random.SeedSequence([5, i])))
             for i in range(3000)]
    clean = [d for d in draws if d["clean"]]
    noisy = [d for d in draws if not d["clean"]]
    assert 0.15 < len(clean) / len(draws) < 0.25            # CLEAN_PROB = 0.2
    for d in clean:
        assert d["full_well"] is None and d["read_sigma"] == 0.0 and d["sigma_grey"] == 0.0
        assert d["codec"] in ("ffv1", "libx264") and d["mpeg2_bpp"] is None
        if d["codec"] == "libx264":
            assert 16 <= d["x264_crf"] <= 20                 # high-quality encode only
    for d in noisy:
        assert 80.0 <= d["full_well"] <= 20000.0              # shot variance at most x / 80
        assert 2e-4 <= d["read_sigma"] <= 0.015
        assert d["sigma_grey"] == pytest.approx(math.sqrt(0.18 / d["full_well"] + d["read_sigma"] ** 2))
    assert max(d["read_sigma"] for d in noisy) > 0.012 and min(d["full_well"] for d in noisy) < 100
    crfs = {d["x264_crf"] for d in noisy if d["codec"] == "libx264"}
    assert min(crfs) == 16 and max(crfs) == 35
    mpeg2 = [d for d in draws if d["codec"] == "mpeg2video"]
    assert 0.05 < len(mpeg2) / len(draws) < 0.2              # 0.8 noisy x 0.5 lossy x 0.3
    assert all(0.25 <= d["mpeg2_bpp"] <= 0.6 and d["x264_crf"] is None for d in mpeg2)
    assert {d["codec"] for d in draws} == set(ldr.CODECS)
    json.dumps(draws, allow_nan=False)                        # JSON-ready, no inf/NaN
    # codec_prob 0 (user clips, the trainers' tiny set): everything lossless.
    assert {ldr.draw_ldr_params(np.random.default_rng(i), 0.0)["codec"] for i in range(200)} == {"ffv1"}


def test_clean_clips_get_no_sensor_noise():
    p = ldr.draw_ldr_params(np.random.default_rng(0), clean_prob=1.0)
    p["ev"] = 0.0
    p["crf"] = {"kind": "bt1886", "gamma": 2.2, "bend": 0.0}
    hdr = np.full((2, 8, 8, 3), 0.18, np.float32)
    codes = ldr.form_codes(hdr, p, np.random.default_rng(1))
    assert np.all(codes == np.round(0.18 ** (1 / 2.4) * 255))


def test_noisy_formation_has_the_recorded_sigma():
    """Linear-light noise at 18 % grey matches sigma_grey (bt1886 undone on the codes)."""
    p = {"ev": 0.0, "full_well": 100.0, "read_sigma": 0.01,
         "crf": {"kind": "bt1886", "gamma": 2.2, "bend": 0.0}}
    hdr = np.full((1, 128, 128, 3), 0.18, np.float32)
    lin = (ldr.form_codes(hdr, p, np.random.default_rng(2)) / 255.0) ** 2.4
    assert float(lin.std()) == pytest.approx(ldr.sigma_at(0.18, 100.0, 0.01), rel=0.1)


@needs_mpeg2
def test_mpeg2_archive_clip_decodes_and_is_repeatable(tmp_path):
    from Training.data import synth
    from Training.tests.helpers import synthetic_panorama
    pano = synthetic_panorama(192, 96)
    hdr = np.stack([np.roll(pano, 3 * k, axis=1)[30:62, 40:88] for k in range(6)])
    hdr, _ = synth.normalise(hdr)
    override = {"codec": "mpeg2video", "mpeg2_bpp": 0.4, "x264_crf": None, "clean": False,
                "full_well": 200.0, "read_sigma": 0.005, "ev": 0.0}
    metas = []
    for name in ("a", "b"):
        metas.append(synth.make_clip(hdr, 1, str(tmp_path / name), np.random.default_rng(3), {},
                                     ldr_override=override))
    meta = metas[0]
    assert meta["ldr"]["codec"] == "mpeg2video"
    assert meta["ldr"]["sigma_grey"] == pytest.approx(ldr.sigma_at(0.18, 200.0, 0.005))
    mkv = str(tmp_path / "a" / "ldr.mkv")
    info = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                           "stream=codec_name,pix_fmt", "-of", "csv=p=0", mkv],
                          stdout=subprocess.PIPE, text=True).stdout.strip()
    assert info.strip(",").split(",")[:2] == ["mpeg2video", "yuv420p"]
    decoded = np.load(str(tmp_path / "a" / "ldr.npy"))
    assert decoded.shape == (6, 32, 48, 3)
    assert open(mkv, "rb").read() == open(str(tmp_path / "b" / "ldr.mkv"), "rb").read()
    # Close to the pre-encode codes (recomputed with the same stream: form_codes comes after
    # the two parameter draws in make_clip).
    rng = np.random.default_rng(3)
    p = ldr.draw_ldr_params(rng)
    from Training.data import events
    events.draw_event_params(rng)
    p.update(override)
    codes = ldr.form_codes(hdr, p, rng)
    assert np.abs(decoded.astype(int) - codes.astype(int)).mean() < 8.0


# --- Auto-exposure ramps (synth --ae-prob) ------------------------------------------------------

def test_exposure_ramp_starts_at_zero_and_settles_within_the_drawn_range():
    for seed in range(20):
        ramp = np.array(ldr.draw_exposure_ramp(np.random.default_rng(seed), 16))
        assert ramp.shape == (16,) and ramp[0] == 0.0
        lo, hi = ldr.AE_STOPS_RANGE
        assert lo <= abs(ramp[-1]) <= hi
        steps = np.diff(ramp) * np.sign(ramp[-1])
        assert np.all(steps >= -1e-12), "the exposure moves one way only"


def test_formation_applies_the_ramp_per_frame():
    p = {"ev": 0.0, "ev_ramp": [0.0, 1.0], "crf": {"kind": "bt1886"}}
    hdr = np.full((2, 1, 1, 3), 0.25, np.float32)
    codes = ldr.form_codes(hdr, p, np.random.default_rng(0))
    assert codes[0, 0, 0, 0] == round(0.25 ** (1 / 2.4) * 255)
    assert codes[1, 0, 0, 0] == round(0.5 ** (1 / 2.4) * 255)
    assert np.allclose(ldr.exposure_gains(p, 2), [1.0, 2.0])
    with pytest.raises(ValueError):
        ldr.exposure_gains(p, 3)
