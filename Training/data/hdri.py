"""HDRI access: which panoramas may be used, and loading them as linear BT.709.

The eight CC0 panoramas from Debian's ``blender-data`` are 1024x512 equirectangular
EXR files. Six of them are for training and tuning; two are held out for an
independent evaluation that this code must never touch (REFERENCE.md section 6).
"""

import os

import numpy as np

# Panoramas that training, tuning and the evaluation harness may use.
TRAIN_HDRIS = ("city", "courtyard", "forest", "interior", "studio", "sunrise")

# Held out for independent evaluation: never loaded by anything under Training/.
# Listed by stem only, so that no file here names the actual files.
EXCLUDED_HDRIS = ("sunset", "night")

DEFAULT_HDRI_DIR = "/usr/share/blender/datafiles/studiolights/world"


class HDRIError(RuntimeError):
    """A panorama is missing, held out, or unreadable."""


def hdri_dir():
    """Folder holding the panoramas: $REEXPOSE_HDRI_DIR or Debian's blender-data path."""
    return os.environ.get("REEXPOSE_HDRI_DIR", DEFAULT_HDRI_DIR)


def read_exr(path):
    """Read an RGB(A) EXR file into a float32 array [H, W, 3] (alpha dropped)."""
    import OpenEXR  # imported lazily so that modules without EXR needs load without it

    with OpenEXR.File(path) as f:
        channels = f.channels()
        if "RGB" in channels:
            rgb = np.asarray(channels["RGB"].pixels, dtype=np.float32)
        elif "RGBA" in channels:
            rgb = np.asarray(channels["RGBA"].pixels, dtype=np.float32)[..., :3]
        elif all(c in channels for c in "RGB"):
            rgb = np.stack([np.asarray(channels[c].pixels, dtype=np.float32) for c in "RGB"], -1)
        elif "Y" in channels:
            y = np.asarray(channels["Y"].pixels, dtype=np.float32)
            rgb = np.repeat(y[..., None], 3, axis=-1)
        else:
            raise HDRIError(f"{path}: no RGB or Y channels (has {sorted(channels)})")
    return np.ascontiguousarray(rgb)


def load_hdri(name):
    """Load a training panorama by stem as linear BT.709 float32 [H, W, 3], negatives clamped to 0.

    Raises HDRIError for held-out or unknown names, or when the file is missing.
    """
    if name in EXCLUDED_HDRIS or name not in TRAIN_HDRIS:
        raise HDRIError(f"panorama '{name}' is not in the training set {TRAIN_HDRIS}")
    path = os.path.join(hdri_dir(), name + ".exr")
    if not os.path.exists(path):
        raise HDRIError(f"{path} is missing: run `apt-get install -y blender-data` "
                        "or set REEXPOSE_HDRI_DIR")
    return np.maximum(read_exr(path), 0.0)
