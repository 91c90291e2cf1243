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
