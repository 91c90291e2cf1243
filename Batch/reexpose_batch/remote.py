"""What a worker started elsewhere (over SSH, as a Slurm job) needs from the driver: where this package is, and
the variables that choose the binaries. Dask starts those processes with a Python of the same path and without
this shell's environment, so both are passed on explicitly; hence the same layout on every host."""

import os
from pathlib import Path

# The directory holding reexpose_batch/: put on the remote processes' sys.path.
PACKAGE_PARENT = Path(__file__).resolve().parents[1]
# Variables that choose binaries and data (tools.py, the reexpose CLI); passed to the workers when set here.
FORWARDED_ENV = ("REEXPOSE_BIN", "REEXPOSE_FFMPEG", "FFMPEG_BIN", "FFPROBE_BIN", "REEXPOSE_PRESET_DIR",
                 "REEXPOSE_MODEL_DIR")


def worker_env():
    """The forwarded variables that are set here."""
    return {k: os.environ[k] for k in FORWARDED_ENV if os.environ.get(k)}
