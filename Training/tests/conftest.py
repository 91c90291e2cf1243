"""Shared fixtures: the repository root on sys.path, and small synthetic panoramas.

The synthetic panoramas are written under the training stems into a temporary folder and
REEXPOSE_HDRI_DIR points there, so the data and eval tests run fast and do not need
blender-data installed. test_data_determinism.py checks the real panoramas when they are present.
"""

import os
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from Training.data import hdri  # noqa: E402
from Training.tests.helpers import synthetic_panorama, write_exr  # noqa: E402


@pytest.fixture(scope="session")
def fake_hdri_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("hdri")
    for i, name in enumerate(hdri.TRAIN_HDRIS):
        write_exr(str(d / f"{name}.exr"), synthetic_panorama(seed=i))
    return str(d)


@pytest.fixture()
def fake_hdris(fake_hdri_dir, monkeypatch):
    monkeypatch.setenv("REEXPOSE_HDRI_DIR", fake_hdri_dir)
    from Training.data import synth
    synth._PANOS.clear()
    yield fake_hdri_dir
    synth._PANOS.clear()


@pytest.fixture(scope="session")
def tiny_set(tmp_path_factory, fake_hdri_dir):
    """Two 8-frame 64×64 training clips from the synthetic panoramas (the trainers' smoke tests)."""
    from Training.data import synth
    old = os.environ.get("REEXPOSE_HDRI_DIR")
    os.environ["REEXPOSE_HDRI_DIR"] = fake_hdri_dir
    synth._PANOS.clear()
    try:
        out = str(tmp_path_factory.mktemp("train_data") / "train")
        synth.build(out, clips=2, frames=8, sizes=[(64, 64)], workers=1, codec_prob=0.0)
    finally:
        synth._PANOS.clear()
        if old is None:
            os.environ.pop("REEXPOSE_HDRI_DIR", None)
        else:
            os.environ["REEXPOSE_HDRI_DIR"] = old
    return out
