"""reexpose-batch end to end on a generated 3-shot clip: split at the cuts, re-exposed on a 2-worker local
Dask cluster with each engine (pipe; filter when `make ffmpeg` has run), joined; compared frame by frame with
one whole-file reexpose run."""

import json
import logging
import os
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from batchtest import FPS, REPO, RX, frame_hashes, needs_binary, sh
from reexpose_batch import BatchError, StepError
from reexpose_batch.plan import Segment, parse_cuts, plan_file, plan_segments
from reexpose_batch.run import process_file
from reexpose_batch.segment import process_segment
from reexpose_batch.tools import filter_ffmpeg_bin

def video_pts(path):
    out = sh("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts",
             "-of", "csv=p=0", path)
    return sorted(int(l) for l in out.split())


def audio_seconds(path):
    """Decoded audio duration (samples / rate), independent of container duration fields."""
    info = json.loads(sh("ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                         "stream=sample_rate", "-of", "json", path))
    rate = int(info["streams"][0]["sample_rate"])
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-map", "0:a:0", "-f", "s16le", "-ac", "1", "-"],
                         check=True, capture_output=True).stdout
    return len(raw) / 2 / rate


# --- planning (no binary needed) ---

def test_parse_cuts_reads_time_base_and_shots():
    tb, shots = parse_cuts("# shot starts: frame\tpts\tseconds (time base 1/1000)\n0\t0\t0.000000\n10\t400\t0.400000\n")
    assert tb == Fraction(1, 1000)
    assert shots == [(0, 0, 0.0), (10, 400, 0.4)]
    with pytest.raises(BatchError):
        parse_cuts("# nothing\n")


def test_plan_groups_consecutive_shots_near_the_target():
    shots = [(f, f * 40, f / 25) for f in (0, 10, 20, 60, 65, 70, 200)]
    segs = plan_segments(shots, 230, 30)
    # 20 is nearer 30 than 60 is; 70 nearer than 200 (65 is not nearer than 70); 70..200 stays one shot.
    assert [(s.start_frame, s.end_frame) for s in segs] == [(0, 20), (20, 60), (60, 70), (70, 200), (200, 230)]
    assert all(a.end_frame == b.start_frame for a, b in zip(segs, segs[1:]))
    assert [s.end_pts for s in segs] == [800, 2400, 2800, 8000, None]
    assert [s.index for s in segs] == list(range(5))
    # A target longer than the programme: one segment; a cut-free programme: one segment.
    assert len(plan_segments(shots, 230, 10_000)) == 1
    assert len(plan_segments([(0, 0, 0.0)], 500, 25)) == 1


def test_failing_step_names_the_segment_command_and_stderr(tmp_path, engine):
    spec = {"source": str(tmp_path / "missing.mkv"), "preset": "fast", "settings": [], "encoder": "ffv1",
            "seg_dir": str(tmp_path / "segments"), "engine": engine,
            "segment": Segment(0, 0, 10, 0, 0.0, 400).to_dict()}
    with pytest.raises(StepError) as e:
        process_segment(spec)
    msg = str(e.value)
    ffmpeg = "ffmpeg" if engine == "pipe" else filter_ffmpeg_bin()
    assert msg.startswith(f"segment 0 (frames 0-9): `{ffmpeg} ") and "missing.mkv" in msg and "No such file" in msg
    assert "\n" not in msg
    assert not list((tmp_path / "segments").iterdir()), "a failed segment leaves no file behind"


# --- end to end on a 2-worker local cluster ---

@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster
    os.environ.setdefault("REEXPOSE_BIN", RX)  # inherited by the worker processes started below
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


@needs_binary
def test_split_across_workers_joins_to_the_whole_run(clip, client, whole, tmp_path, engine):
    logs = []
    out = tmp_path / "out"
    r = process_file(client, clip, out, "fast", encoder="ffv1", segment_seconds=1.0, retries=2, log=logs.append,
                     engine=engine)
    assert r["segments"] == 3 and r["submitted"] == 3 and r["engine"] == engine
    assert any(f"{engine} engine" in l for l in logs), logs
    man = json.loads((out / "manifest.json").read_text())
    assert [(s["start_frame"], s["end_frame"], s["status"], s["engine"]) for s in man["segments"]] == \
        [(0, 25, "done", engine), (25, 50, "done", engine), (50, 75, "done", engine)]
    joined = Path(r["output"])
    whole_mkv, whole_stats = whole
    hashes = frame_hashes(joined)
    assert len(hashes) == 75 == r["frames"]
    assert hashes == frame_hashes(whole_mkv)

    pts = video_pts(joined)
    steps = {b - a for a, b in zip(pts, pts[1:])}
    assert steps == {1000 // FPS}, f"pts not continuous: steps {steps}"
    assert pts[0] == video_pts(whole_mkv)[0], "the video keeps its start offset against the audio"
    frame = 1 / FPS
    assert abs(audio_seconds(joined) - audio_seconds(clip)) <= frame

    tags = json.loads(sh("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream_tags",
                         "-of", "json", joined))["streams"][0]["tags"]
    seg_cll = max(json.loads((out / "segments" / s["stats"]).read_text())["maxCLL"] for s in man["segments"])
    assert int(tags["MAX_CLL"]) == round(seg_cll)
    assert abs(seg_cll - whole_stats["maxCLL"]) < 0.5, "segment maxima agree with the whole run's"
    assert int(tags["MAX_FALL"]) > 0

    # A rerun with the finished manifest submits nothing and joins the same frames again.
    logs.clear()
    r2 = process_file(client, clip, out, "fast", encoder="ffv1", segment_seconds=1.0, retries=2, log=logs.append,
                      engine=engine)
    assert r2["submitted"] == 0 and r2["skipped"] == 3
    assert any("submitted 0 of 3 segments" in l for l in logs), logs
    assert frame_hashes(joined) == hashes

    # A missing segment file is redone, and only that one.
    (out / "segments" / "seg_00001.mkv").unlink()
    r3 = process_file(client, clip, out, "fast", encoder="ffv1", segment_seconds=1.0, retries=2, log=logs.append,
                      engine=engine)
    assert r3["submitted"] == 1
    assert frame_hashes(joined) == hashes


@needs_binary
def test_worker_killed_mid_task_is_rerun_and_output_complete(clip, client, whole, tmp_path, engine):
    marks = tmp_path / "marks"
    marks.mkdir()
    out = tmp_path / "out"
    r = process_file(client, clip, out, "fast", encoder="ffv1", segment_seconds=1.0, retries=2,
                     log=lambda m: None, test_crash_once_dir=marks, test_crash_segments=[1], engine=engine)
    assert (marks / "seg_00001.crashed").exists(), "the hook did kill a worker"
    assert r["frames"] == 75
    assert frame_hashes(r["output"]) == frame_hashes(whole[0])
    assert not [p for p in (out / "segments").iterdir() if ".tmp" in p.name], "no partial file left"


@pytest.fixture(scope="module")
def planned(clip):
    """The clip's three 1-second segments as the planner gives them (the video starts after the AAC priming)."""
    os.environ.setdefault("REEXPOSE_BIN", RX)
    return plan_file(clip, "fast", [], 1.0)[1]


@needs_binary
def test_bad_preset_fails_with_the_library_message(clip, planned, tmp_path, engine):
    spec = {"source": str(clip), "preset": "no-such-preset", "settings": [], "encoder": "ffv1", "engine": engine,
            "seg_dir": str(tmp_path / "segments"), "segment": planned[0].to_dict()}
    with pytest.raises(StepError) as e:
        process_segment(spec)
    assert "no preset 'no-such-preset'" in str(e.value), str(e.value)
    assert not list((tmp_path / "segments").iterdir())


@needs_binary
def test_a_frame_count_short_of_the_plan_fails_the_segment(clip, planned, tmp_path, engine):
    """The count reexpose saw (its --stats, or the filter's stats file) must equal the plan's."""
    seg = {**planned[1].to_dict(), "end_frame": planned[1].end_frame + 1}  # the timestamps still select 25
    spec = {"source": str(clip), "preset": "fast", "settings": [], "encoder": "ffv1", "engine": engine,
            "seg_dir": str(tmp_path / "segments"), "segment": seg}
    with pytest.raises(StepError, match="selected 25 frames, expected 26"):
        process_segment(spec)
    assert not list((tmp_path / "segments").iterdir())


@needs_binary
def test_segment_directory_with_graph_syntax_in_its_name(clip, planned, tmp_path, engine):
    """The filter engine puts the stats path inside a filter graph: `:`, `,`, quotes, brackets and spaces must
    survive both levels of libavfilter's parsing."""
    seg_dir = tmp_path / "out:1,a'b [c];d" / "segments"
    spec = {"source": str(clip), "preset": "fast", "settings": ["denoise.enabled=false"], "encoder": "ffv1",
            "engine": engine, "seg_dir": str(seg_dir),
            "segment": planned[1].to_dict()}
    r = process_segment(spec)
    assert r["frames"] == 25 and r["engine"] == engine and r["maxCLL"] > 0
    assert len(frame_hashes(seg_dir / r["file"])) == 25


@needs_binary
def test_x265_segments_concatenate_to_one_main10_stream(clip, client, tmp_path, engine):
    r = process_file(client, clip, tmp_path / "out", "hdr10-pq", encoder="x265", segment_seconds=1.0,
                     log=lambda m: None, engine=engine)
    info = json.loads(sh("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries",
                         "stream=codec_name,profile,nb_read_frames,color_transfer", "-of", "json", r["output"]))
    s = info["streams"][0]
    assert (s["codec_name"], s["profile"], int(s["nb_read_frames"]), s["color_transfer"]) == \
        ("hevc", "Main 10", 75, "smpte2084")
    err = subprocess.run(["ffmpeg", "-v", "error", "-i", str(r["output"]), "-f", "null", "-"],
                         capture_output=True, text=True).stderr
    assert err == "", err


@needs_binary
def test_command_line_wrapper_with_a_list_file(clip, tmp_path):
    lst = tmp_path / "list.txt"
    lst.write_text(f"# programmes\n{clip}\n")
    env = {**os.environ, "REEXPOSE_BIN": RX}
    wrapper = REPO / "Batch" / "reexpose-batch"
    p = subprocess.run([str(wrapper), f"@{lst}", "--out", str(tmp_path / "out"), "--preset", "fast",
                        "--encoder", "ffv1", "--segment-seconds", "2", "--workers", "1"],
                       capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "2 segments" in p.stderr and "joined 75 frames" in p.stderr
    assert " engine (" in p.stderr, "the log says which engine ran and why"
    assert len(frame_hashes(tmp_path / "out" / "src" / "src.mkv")) == 75
    bad = subprocess.run([str(wrapper), "--out", str(tmp_path), "--preset", "fast"], capture_output=True, text=True)
    assert bad.returncode == 64
    bad = subprocess.run([str(wrapper), str(tmp_path / "nope.mkv"), "--out", str(tmp_path), "--preset", "fast"],
                         capture_output=True, text=True)
    assert bad.returncode == 66 and "nope.mkv" in bad.stderr
