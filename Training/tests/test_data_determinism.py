"""Synthesis is deterministic, and train and validation do not share start directions."""

import filecmp
import json
import os

import numpy as np
import pytest

from Training.data import dataset, events, hdri, synth
from Training.tests.helpers import plain_and_drawn_with


def _tree(d):
    return sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs)


def test_same_seed_gives_identical_bytes(tmp_path, fake_hdris):
    a, b, c = (str(tmp_path / n) for n in "abc")
    kw = dict(clips=3, frames=5, sizes=[(48, 32)], ss=2, substeps=2)
    synth.build(a, seed=7, workers=2, **kw)
    synth.build(b, seed=7, workers=1, **kw)
    synth.build(c, seed=8, workers=1, **kw)
    files = _tree(a)
    assert files == _tree(b)
    assert len(files) == 1 + 3 * 6
    _, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
    assert mismatch == [] and errors == []
    assert not filecmp.cmp(os.path.join(a, "clip_00000", "hdr.npy"),
                           os.path.join(c, "clip_00000", "hdr.npy"), shallow=False)


def test_clip_files_have_the_documented_layout(tmp_path, fake_hdris):
    out = str(tmp_path / "d")
    synth.build(out, clips=2, frames=4, sizes=[(40, 24)], workers=1)
    d = os.path.join(out, "clip_00001")
    hdr = np.load(os.path.join(d, "hdr.npy"))
    ldr = np.load(os.path.join(d, "ldr.npy"))
    vox = np.load(os.path.join(d, "voxels.npy"))
    ev = np.load(os.path.join(d, "events.npy"))
    meta = json.load(open(os.path.join(d, "meta.json")))
    assert hdr.shape == (4, 24, 40, 3) and hdr.dtype == np.float16
    assert ldr.shape == (4, 24, 40, 3) and ldr.dtype == np.uint8
    assert vox.shape == (4, 5, 24, 40) and vox.dtype == np.float16
    assert ev.dtype == events.EVENT_DTYPE and ev.size == meta["event_count"]
    assert meta["hdri"] in hdri.TRAIN_HDRIS
    assert os.path.getsize(os.path.join(d, "ldr.mkv")) > 0


def test_train_and_val_start_sectors_are_disjoint(tmp_path, fake_hdris):
    def yaws(split):
        out = str(tmp_path / split)
        synth.build(out, clips=6, frames=2, sizes=[(16, 16)], split=split, workers=1,
                    substeps=1)
        return [json.load(open(os.path.join(out, c["dir"], "meta.json")))["camera"]["yaw0"]
                for c in json.load(open(os.path.join(out, "index.json")))["clips"]]
    for y in yaws("train"):
        assert int(y // synth.SECTOR) % 2 == 0
    for y in yaws("val"):
        assert int(y // synth.SECTOR) % 2 == 1


def test_held_out_panoramas_cannot_be_loaded():
    for name in hdri.EXCLUDED_HDRIS:
        with pytest.raises(hdri.HDRIError):
            hdri.load_hdri(name)


def test_real_training_panoramas_load_when_installed():
    if not os.path.isdir(hdri.DEFAULT_HDRI_DIR):
        pytest.skip("blender-data not installed")
    pano = hdri.read_exr(os.path.join(hdri.DEFAULT_HDRI_DIR, "city.exr"))
    assert pano.shape[2] == 3 and pano.shape[1] == 2 * pano.shape[0]
    assert float(pano.max()) > 100.0   # real HDR range


def test_dataset_reader_round_trips(tmp_path, fake_hdris):
    out = str(tmp_path / "d")
    synth.build(out, clips=2, frames=3, sizes=[(32, 32)], workers=1, substeps=1)
    dirs = dataset.list_clips(out)
    assert [os.path.basename(d) for d in dirs] == ["clip_00000", "clip_00001"]
    clip = dataset.load_clip(dirs[0], with_events=True)
    assert clip["hdr"].dtype == np.float32 and clip["voxels"].shape == (3, 5, 32, 32)
    assert clip["events"].size == clip["meta"]["event_count"]
    # Voxel slots 1.. hold exactly the event polarities of their interval.
    assert abs(float(clip["voxels"].sum()) - float(clip["events"]["p"][
        clip["events"]["t"] > 0].astype(np.int64).sum())) < 0.05 * max(clip["events"].size, 20)


def test_exposure_ramps_change_only_the_exposure(tmp_path, fake_hdris):
    plain, ramped, metas = plain_and_drawn_with(tmp_path, 6, ae_prob=1.0)
    for i, (a, b) in enumerate(metas):
        d = f"clip_{i:05d}"
        ramp = np.array(b["ldr"]["ev_ramp"])
        assert "ev_ramp" not in a["ldr"] and ramp.shape == (6,)
        assert a["ldr"]["ev"] == b["ldr"]["ev"] and a["camera"] == b["camera"]
        # The ground truth follows the exposure frame by frame.
        ha = np.load(os.path.join(plain, d, "hdr.npy")).astype(np.float64)
        hb = np.load(os.path.join(ramped, d, "hdr.npy")).astype(np.float64)
        ratio = np.median(hb / np.maximum(ha, 1e-3), axis=(1, 2, 3))
        assert np.allclose(np.log2(ratio), ramp, atol=0.01)
