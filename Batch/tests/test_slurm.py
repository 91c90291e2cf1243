"""Workers as Slurm jobs (opt-in): the README's SLURMCluster example and `--slurm --workers 2` give the whole
run's frames. Skipped unless dask-jobqueue is installed and `sinfo` answers with a partition that is up (a
Slurm cluster this machine submits to, e.g. the single-node one of Batch/README.md's recipe)."""

import os
import subprocess

import pytest

from batchtest import REPO, RX, frame_hashes, needs_binary


def _slurm_skip_reason():
    try:
        import dask_jobqueue  # noqa: F401
    except ImportError:
        return "dask-jobqueue is not installed (pip install dask-jobqueue)"
    try:
        p = subprocess.run(["sinfo", "-h", "-o", "%a"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"sinfo: {e}"
    if p.returncode != 0 or "up" not in p.stdout.split():
        last = ((p.stderr or p.stdout).strip().splitlines() or [f"exit status {p.returncode}"])[-1]
        return f"no Slurm partition up (sinfo: {last})"
    return None


_why = _slurm_skip_reason()
pytestmark = [needs_binary, pytest.mark.skipif(_why is not None, reason=f"opt-in Slurm test: {_why}")]


def test_readme_slurmcluster_example(clip, whole, tmp_path):
    """Batch/README.md's Python example with jobs of one worker: two jobs instead of eight, the clip for the list."""
    from dask_jobqueue import SLURMCluster
    from distributed import Client

    from reexpose_batch.run import process_file

    batch_dir = REPO / "Batch"
    cluster = SLURMCluster(cores=1, processes=1, memory="2GB", walltime="00:20:00",
                           log_directory=str(tmp_path / "logs"),
                           job_script_prologue=[f"export PYTHONPATH={batch_dir}", f"export REEXPOSE_BIN={RX}"])
    cluster.scale(jobs=2)
    client = Client(cluster)
    try:
        client.wait_for_workers(2, timeout=120)
        r = process_file(client, clip, tmp_path / "out", "fast", encoder="ffv1", segment_seconds=1.0,
                         retries=2, log=lambda m: None)
        jobs = client.run(lambda: os.environ.get("SLURM_JOB_ID"))
    finally:
        client.close()
        cluster.close()
    assert len(jobs) == 2 and all(jobs.values()), jobs
    assert frame_hashes(r["output"]) == frame_hashes(whole[0])


def test_command_line_on_slurm(clip, whole, tmp_path):
    env = {**os.environ, "REEXPOSE_BIN": RX}
    out = tmp_path / "out"
    p = subprocess.run([str(REPO / "Batch" / "reexpose-batch"), str(clip), "--out", str(out), "--preset", "fast",
                        "--encoder", "ffv1", "--segment-seconds", "1", "--slurm", "--workers", "2",
                        "--slurm-memory", "2GB", "--slurm-directive=--time=00:20:00"],
                       capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    assert frame_hashes(out / "src" / "src.mkv") == frame_hashes(whole[0])
    assert list((out / "slurm-logs").glob("*.err")), "the jobs' logs are under OUT/slurm-logs"
