"""Where the external programs are and how they are run, in one place, so workers and the driver agree."""

import json
import os
import shutil
import subprocess
from pathlib import Path

from .errors import BatchError, StepError

_REPO_BIN = Path(__file__).resolve().parents[2] / ".build" / "release" / "reexpose"
# `make ffmpeg`'s ffmpeg with the reexpose filter, in this checkout.
_REPO_FILTER_FFMPEG = Path(__file__).resolve().parents[2] / ".build" / "ffmpeg" / "ffmpeg"


def reexpose_bin():
    """The reexpose binary: $REEXPOSE_BIN, else `reexpose` on PATH, else this checkout's release build.
    Resolved on each worker, since a remote machine may keep it elsewhere."""
    env = os.environ.get("REEXPOSE_BIN")
    if env:
        return env
    found = shutil.which("reexpose")
    if found:
        return found
    if _REPO_BIN.exists():
        return str(_REPO_BIN)
    raise BatchError("reexpose binary not found: set REEXPOSE_BIN or put reexpose on PATH")


def ffmpeg_bin():
    return os.environ.get("FFMPEG_BIN", "ffmpeg")


def filter_ffmpeg_bin(explicit=None):
    """An ffmpeg that may have the reexpose filter (the filter engine): `explicit`, else $REEXPOSE_FFMPEG, else
    this checkout's `make ffmpeg` build; None when there is none. Whether it really has the filter is
    ffcaps' question."""
    if explicit:
        return str(explicit)
    env = os.environ.get("REEXPOSE_FFMPEG")
    if env:
        return env
    if _REPO_FILTER_FFMPEG.exists():
        return str(_REPO_FILTER_FFMPEG)
    return None


def ffprobe_bin():
    return os.environ.get("FFPROBE_BIN", "ffprobe")


def run_checked(argv, what, **kwargs):
    """Runs argv to completion; returns stdout (text). Raises StepError naming `what` on a non-zero exit."""
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, **kwargs)
    except FileNotFoundError as e:
        raise StepError(what, argv, 127, str(e)) from None
    if proc.returncode != 0:
        raise StepError(what, argv, proc.returncode, proc.stderr[-2000:])
    return proc.stdout


def ffprobe_json(path, *args, what=None):
    """ffprobe with JSON output."""
    out = run_checked([ffprobe_bin(), "-v", "error", *args, "-of", "json", str(path)], what or f"probe {path}")
    return json.loads(out)
