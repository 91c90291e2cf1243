"""Added light sources: where they appear, their profile, and that they change nothing else about a clip."""

import json
import os

import numpy as np

from Training.data import camera, lights, synth
from Training.tests.helpers import plain_and_drawn_with


def _light(**kw):
    base = {"azimuth": 0.0, "elevation": 0.0, "radius_deg": 1.0, "core": 1000.0, "rgb": [1.0, 1.0, 1.0],
            "glow": 0.01, "glow_falloff_deg": 2.0, "drift": [0.0, 0.0]}
    return base | kw


def test_profile_never_rises_away_from_the_centre_and_has_the_documented_levels():
    angles = np.linspace(0.0, 20.0, 2001)
    for glow in (0.0, 0.01):
        p = lights.profile(angles, _light(glow=glow))
        assert np.all(np.diff(p) <= 1e-9), "a ring: the profile rises somewhere"
        assert p[0] == 1000.0
    p = lights.profile(np.array([1.0 + 2.0]), _light())
    # One falloff length past the limb the glow is core * glow / e.
    assert np.isclose(p[0], 1000.0 * 0.01 / np.e, rtol=1e-6)
    assert lights.profile(np.array([5.0]), _light(glow=0.0))[0] == 0.0


def test_a_light_in_front_of_the_camera_lands_in_the_middle_and_moves_with_the_camera():
    w, h = 64, 48
    light = [_light(radius_deg=2.0, glow=0.0)]
    img = lights.render(light, (0.0, 0.0, 0.0, 60.0), 0.0, w, h, ss=2)
    y, x = np.unravel_index(np.argmax(img[..., 1]), img.shape[:2])
    assert abs(x - (w - 1) / 2) <= 1 and abs(y - (h - 1) / 2) <= 1
    assert np.isclose(img[h // 2, w // 2, 1], 1000.0)
    # Turning right by 10 degrees moves a world-fixed light to the left of the image.
    turned = lights.render(light, (10.0, 0.0, 0.0, 60.0), 0.0, w, h, ss=2)
    _, x2 = np.unravel_index(np.argmax(turned[..., 1]), turned.shape[:2])
    assert x2 < x - 5


def test_drawn_lights_are_in_view_bright_and_unit_luminance():
    rng = np.random.default_rng(3)
    path = camera.draw_path(rng, "pan", 16, (0.0, 30.0))
    for seed in range(20):
        for light in lights.draw_lights(np.random.default_rng(seed), path):
            assert 100.0 <= light["core"] <= 1e5
            assert 0.1 <= light["radius_deg"] <= 2.0
            assert np.isclose(np.array(light["rgb"]) @ lights.LUMA_709, 1.0)


def test_lights_change_only_the_scene(tmp_path, fake_hdris):
    plain, lit, metas = plain_and_drawn_with(tmp_path, 4, lights_prob=1.0)
    for a, b in metas:
        assert "lights" not in a and 1 <= len(b["lights"]) <= 3
        assert a["ldr"] == b["ldr"] and a["camera"] == b["camera"], "lights draw from their own stream"
    index = json.load(open(os.path.join(lit, "index.json")))
    assert index["generator"]["lights_prob"] == 1.0
    assert "lights_prob" not in json.load(open(os.path.join(plain, "index.json")))["generator"]
