"""Reading synthesised clips back (numpy only, no framework): for training code and tools."""

import json
import os

import numpy as np


def list_clips(root):
    """Clip folders of a generated set, in index order (root holds index.json)."""
    with open(os.path.join(root, "index.json")) as f:
        return [os.path.join(root, c["dir"]) for c in json.load(f)["clips"]]


def load_clip(clip_dir, with_events=False):
    """One clip as a dict of arrays.

    hdr float32 [T, H, W, 3] (linear BT.709, 1.0 = SDR white), ldr uint8 [T, H, W, 3],
    voxels float32 [T, 5, H, W], meta (dict); events (structured array) if with_events.
    """
    out = {
        "hdr": np.load(os.path.join(clip_dir, "hdr.npy")).astype(np.float32),
        "ldr": np.load(os.path.join(clip_dir, "ldr.npy")),
        "voxels": np.load(os.path.join(clip_dir, "voxels.npy")).astype(np.float32),
    }
    with open(os.path.join(clip_dir, "meta.json")) as f:
        out["meta"] = json.load(f)
    if with_events:
        out["events"] = np.load(os.path.join(clip_dir, "events.npy"))
    return out
