"""Rendered clips: the scene draw (numpy only) and, where Blender is installed, real renders."""

import json
import math
import os
import shutil

import numpy as np
import pytest

from Training.data import events, render

needs_blender = pytest.mark.skipif(shutil.which("blender") is None, reason="blender not installed")


def test_the_draw_is_deterministic_and_json_ready():
    a = render.draw_scene(render.clip_rng(3, "train", 7), 16, 256, 256)
    b = render.draw_scene(render.clip_rng(3, "train", 7), 16, 256, 256)
    assert json.dumps(a) == json.dumps(b)
    assert json.dumps(a) != json.dumps(render.draw_scene(render.clip_rng(3, "tune", 7), 16, 256, 256))


@pytest.mark.parametrize("kind", render.KINDS)
def test_every_kind_has_its_light(kind):
    for i in range(20):
        d = render.draw_scene(np.random.default_rng(i), 8, 64, 48, kind=kind)
        assert d["kind"] == kind and d["frames"] == 8
        if kind == "daylight":
            assert d["world"]["kind"] == "sky" and 0 < d["world"]["sun_elevation_deg"] < 90
        else:
            assert d["lamps"], "a scene of lamps without a lamp"
        for lamp in d["lamps"]:
            assert render.LAMP_STRENGTH[0] <= lamp["strength"] <= render.LAMP_STRENGTH[1]
            assert 0 < lamp["radius"] < 0.5
        cam = d["camera"]
        assert len(cam["path"]) == 2 and len(cam["target"]) == 2
        assert cam["path"][0] != cam["target"][0]


def test_any_twelve_consecutive_clips_hold_every_kind_and_motion_once():
    for start in (0, 5, 31):
        pairs = [render.kind_and_motion(i) for i in range(start, start + 12)]
        assert sorted(pairs) == sorted((k, m) for k in render.KINDS for m in render.MOTIONS)


@needs_blender
def test_a_lamp_in_frame_is_far_above_its_surroundings_and_moves_with_the_camera():
    d = render.draw_scene(np.random.default_rng(0), 2, 48, 32, samples=8, kind="night", motion="pan")
    lamp = d["lamps"][0]
    pos = np.asarray(lamp["path"][0]) + [0.0, 0.0, -1.5]
    d["lamps"] = [dict(lamp, path=[lamp["path"][0]], strength=3000.0)]
    d["glare"] = None
    d["camera"] = render._camera(np.random.default_rng(1), pos - [0.0, 6.0, 0.0], [0.0, 6.0, 1.5], "pan")
    f = render.render_frames(d)
    assert f.shape == (2, 32, 48, 3) and np.isfinite(f).all()
    y = events.luminance(f)
    assert y[0].max() > 100 * np.median(y[0])
    # The camera pans: the lamp's image moves between the frames.
    assert np.unravel_index(np.argmax(y[0]), y[0].shape) != np.unravel_index(np.argmax(y[1]), y[1].shape)


@needs_blender
def test_the_sun_direction_matches_the_sky():
    d = render.draw_scene(np.random.default_rng(2), 1, 64, 64, samples=4, kind="daylight", motion="static")
    d["objects"] = []
    d["glare"] = None
    d["world"].update(sun_elevation_deg=20.0, sun_rotation_deg=70.0, sun_size_deg=2.0)
    s = np.asarray(render._sun_direction(d["world"]))
    d["camera"] = render._camera(np.random.default_rng(0), [0.0, 0.0, 2.0], s.tolist(), "static")
    d["camera"]["fov_deg"] = 20.0
    y = events.luminance(render.render_frames(d)[0])
    r, c = np.unravel_index(np.argmax(y), y.shape)
    assert math.hypot(r - 31.5, c - 31.5) < 4, (r, c)


@needs_blender
def test_a_rendered_clip_is_a_training_clip(tmp_path):
    out = str(tmp_path / "render")
    index = render.build(out, 1, frames=2, size=(32, 24), seed=0, workers=1, samples=4, codec_prob=0.0)
    clip = os.path.join(out, index["clips"][0]["dir"])
    hdr, ldr = np.load(os.path.join(clip, "hdr.npy")), np.load(os.path.join(clip, "ldr.npy"))
    assert hdr.shape == (2, 24, 32, 3) and ldr.shape == (2, 24, 32, 3)
    meta = json.load(open(os.path.join(clip, "meta.json")))
    assert meta["hdri"] == "render-interior" and meta["scene"]["kind"] == "interior"
    assert index["generator"]["sizes"] == [[32, 24]] and index["clips"][0]["peak_over_white"] > 1
