"""Execution: one Dask task per unfinished segment, the manifest updated as each finishes, then the join.

The driver only plans, submits and records; all the decoding and re-exposure happens in the tasks, so the
driver can be a laptop and the workers a render farm sharing the output directory.
"""

import sys
import time
from pathlib import Path

from distributed import as_completed

from . import engine as eng
from . import manifest as mf
from .commands import ENCODERS
from .errors import BatchError, StepError
from .join import join_segments
from .plan import plan_file
from .segment import process_segment
from .tools import reexpose_bin, run_checked


def x265_params(preset, settings):
    """The preset's own x265 parameters (colour tags, HDR signalling), from `reexpose --x265-params`."""
    argv = [reexpose_bin(), "--preset", preset]
    for kv in settings:
        argv += ["--set", kv]
    return run_checked(argv + ["--x265-params"], f"x265 params for {preset}").strip()


def _remove_temps(seg_dir):
    """Partial files of attempts whose worker died. Called only while no task of this source runs."""
    for p in Path(seg_dir).glob(".seg_*.tmp.*"):
        p.unlink(missing_ok=True)


class _Progress:
    """A one-line frames/s report on stderr, only when stderr is a terminal."""

    def __init__(self, total_frames, n_tasks, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.total, self.n, self.frames, self.done, self.t0 = total_frames, n_tasks, 0, 0, time.monotonic()

    def update(self, frames):
        self.frames += frames
        self.done += 1
        if self.live:
            fps = self.frames / max(time.monotonic() - self.t0, 1e-6)
            self.stream.write(f"\r{self.done}/{self.n} segments, {self.frames}/{self.total} frames, {fps:.1f} fps")
            self.stream.flush()

    def close(self):
        if self.live and self.n:
            self.stream.write("\n")


def process_file(client, source, out_dir, preset, settings=(), encoder="x265", segment_seconds=60.0,
                 retries=2, log=None, test_crash_once_dir=None,
                 test_crash_segments=None, threads=1, engine="auto", filter_ffmpeg=None):
    """Plans (or reuses the plan of) one source, re-exposes its unfinished segments on the cluster and joins
    them into out_dir/<stem>.mkv. engine: auto, pipe or filter (engine.py); filter_ffmpeg: the ffmpeg with the
    reexpose filter, else $REEXPOSE_FFMPEG or this checkout's `make ffmpeg` (resolved on each worker).
    test_crash_*: a test hook that kills the worker process on the first attempt at those segments (all when
    None), once per marker directory. Returns a summary dict (submitted, skipped, output, frames, maxCLL,
    maxFALL, engine)."""
    log = log or (lambda msg: print(msg, file=sys.stderr))
    if encoder not in ENCODERS:
        raise BatchError(f"unknown encoder {encoder!r} (one of {', '.join(ENCODERS)})")
    source = Path(source)
    if not source.is_file():
        raise BatchError(f"{source}: not a file")
    settings = list(settings)
    work = Path(out_dir)
    seg_dir = work / "segments"
    seg_dir.mkdir(parents=True, exist_ok=True)
    params = x265_params(preset, settings) if encoder == "x265" else None
    key = mf.job_key(source, preset, settings, encoder, segment_seconds, params)
    man = mf.load(work)
    if mf.matches(man, key):
        log(f"{source.name}: reusing the plan in {work / mf.NAME}")
    else:
        info, segments = plan_file(source, preset, settings, segment_seconds)
        keyint = max(1, round(2 * float(info.frame_rate)))  # closed GOPs of 2 s inside each segment
        man = mf.new_manifest(key, info, segments, keyint)
        mf.save(work, man)
        log(f"{source.name}: {info.frames} frames, {len(segments)} segments")
    segments = mf.segments_of(man)

    todo = [s for s in segments if not mf.is_done(man, s.index, seg_dir)]
    used, note = eng.choose(engine, source, encoder, filter_ffmpeg, settings) if todo else (None, None)
    log(f"{source.name}: submitted {len(todo)} of {len(segments)} segments"
        + (f", {used} engine ({note})" if todo else ""))
    common = {"source": str(source.resolve()), "preset": preset, "settings": settings, "encoder": encoder,
              "threads": threads, "engine": used, "filter_ffmpeg": str(filter_ffmpeg) if filter_ffmpeg else None,
              "x265_params": params, "keyint": man["keyint"], "seg_dir": str(seg_dir.resolve()),
              "crash_once_dir": str(test_crash_once_dir) if test_crash_once_dir else None}
    if test_crash_segments is not None:
        common["crash_segments"] = list(test_crash_segments)
    _remove_temps(seg_dir)
    futures = {}
    for s in todo:
        man["segments"][s.index].update(status="running")
        fut = client.submit(process_segment, {**common, "segment": s.to_dict()}, retries=retries, pure=False,
                            key=f"reexpose-{source.stem}-{s.index}-{time.time_ns()}")
        futures[fut] = s
    if todo:
        mf.save(work, man)
    progress = _Progress(sum(s.frames for s in todo), len(todo))
    errors = []
    t0 = time.monotonic()
    for fut in as_completed(list(futures)):
        s = futures[fut]
        entry = man["segments"][s.index]
        if fut.status == "finished":
            r = fut.result()
            entry.update(status="done", frames_out=r["frames"], file=r["file"], stats=r["stats"],
                         maxCLL=r["maxCLL"], maxFALL=r["maxFALL"], seconds=r["seconds"], engine=r["engine"])
            entry.pop("error", None)
            progress.update(r["frames"])
        else:
            err = fut.exception()
            entry.update(status="failed", error=str(err))
            errors.append(str(err) if isinstance(err, StepError) else f"segment {s.index}: {err!r}")
        mf.save(work, man)
    progress.close()
    _remove_temps(seg_dir)
    elapsed = time.monotonic() - t0
    if errors:
        raise BatchError(f"{source.name}: {len(errors)} of {len(segments)} segments failed; first: {errors[0]}")

    out = work / f"{source.stem}.mkv"
    files = [seg_dir / e["file"] for e in man["segments"]]
    stats = [seg_dir / e["stats"] for e in man["segments"]]
    cll, fall = join_segments(files, stats, source, out)
    total = sum(e["frames_out"] for e in man["segments"])
    if total != man["frames"]:
        raise BatchError(f"{source.name}: segments hold {total} frames, the source {man['frames']}")
    man.update(output=out.name, maxCLL=cll, maxFALL=fall)
    mf.save(work, man)
    done_frames = sum(s.frames for s in todo)
    log(f"{source.name}: joined {total} frames into {out}"
        + (f" ({done_frames / elapsed:.1f} frames/s over the cluster)" if todo and elapsed > 0 else ""))
    return {"submitted": len(todo), "skipped": len(segments) - len(todo), "segments": len(segments),
            "output": str(out), "frames": total, "maxCLL": cll, "maxFALL": fall, "engine": used,
            "seconds": elapsed, "frames_per_second": done_frames / elapsed if todo and elapsed > 0 else None}


def run_segments(*args, **kwargs):
    """Alias of process_file (the package's API name for executing a planned job)."""
    return process_file(*args, **kwargs)
