"""Projection geometry of Training/data/camera.py."""

import math

import numpy as np
import pytest

from Training.data import camera


def _pano_with_spot(u, v, w=1024, h=512):
    pano = np.full((h, w, 3), 0.01, np.float32)
    pano[int(v), int(u)] = 1000.0
    return pano


def test_known_directions_land_on_the_right_equirect_pixels():
    w, h = 1024, 512
    cases = {(0.0, 0.0, -1.0): (512.0, 256.0), (1.0, 0.0, 0.0): (768.0, 256.0),
             (-1.0, 0.0, 0.0): (256.0, 256.0), (0.0, 1.0, 0.0): (None, 0.0)}
    for d, (u, v) in cases.items():
        gu, gv = camera.direction_to_equirect(np.array(d), w, h)
        if u is not None:
            assert gu == pytest.approx(u)
        assert gv == pytest.approx(v)


def test_rotation_yaw_turns_right_and_pitch_up():
    fwd = np.array([0.0, 0.0, -1.0])
    assert camera.rotation(90, 0, 0) @ fwd == pytest.approx([1.0, 0.0, 0.0], abs=1e-12)
    up = camera.rotation(0, 30, 0) @ fwd
    assert math.degrees(math.asin(up[1])) == pytest.approx(30.0)
    # Roll keeps the viewing axis.
    assert camera.rotation(0, 0, 40) @ fwd == pytest.approx(fwd, abs=1e-12)


@pytest.mark.parametrize("yaw,pitch", [(90.0, 0.0), (-45.0, 20.0), (170.0, -30.0)])
def test_a_spot_in_the_view_direction_renders_at_the_image_centre(yaw, pitch):
    w, h = 1024, 512
    u = (yaw / 360.0 + 0.5) * w
    v = (0.5 - pitch / 180.0) * h
    pano = _pano_with_spot(u, v, w, h)
    img = camera.render(pano, yaw, pitch, 15.0, 40.0, 33, 33, ss=3)
    y, x = np.unravel_index(np.argmax(img[..., 0]), img.shape[:2])
    assert (y, x) == (16, 16)


def test_a_spot_to_the_right_renders_right_of_centre():
    w, h = 1024, 512
    pano = _pano_with_spot((20.0 / 360 + 0.5) * w, h / 2, w, h)   # 20 deg right, horizon
    img = camera.render(pano, 0.0, 0.0, 0.0, 60.0, 65, 65, ss=2)
    y, x = np.unravel_index(np.argmax(img[..., 0]), img.shape[:2])
    # Pinhole: x = centre + tan(20)/tan(30) * half width.
    expect = 32.5 + math.tan(math.radians(20)) / math.tan(math.radians(30)) * 32.5 - 0.5
    assert y == 32 and abs(x - expect) <= 1.0


def test_supersampling_preserves_mean_of_a_flat_panorama():
    pano = np.full((64, 128, 3), 3.5, np.float32)
    img = camera.render(pano, 10, 5, 3, 80, 16, 12, ss=3)
    assert img.shape == (12, 16, 3)
    assert np.allclose(img, 3.5, rtol=1e-5)


def test_paths_are_deterministic_and_zoom_narrows():
    rng1, rng2 = np.random.default_rng(3), np.random.default_rng(3)
    p1 = camera.draw_path(rng1, "zoom", 16, (0, 30))
    assert p1 == camera.draw_path(rng2, "zoom", 16, (0, 30))
    assert 0.0 <= p1["yaw0"] < 30.0
    assert camera.pose_at(p1, 15)[3] < camera.pose_at(p1, 0)[3]
