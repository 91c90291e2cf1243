"""Dask over SSH to this machine (opt-in): the README's SSHCluster example and `--ssh localhost,localhost`
give the whole run's frames. Skipped unless `ssh -o BatchMode=yes localhost true` works (an sshd on
localhost that accepts your key; Batch/README.md has the recipe) and asyncssh is installed."""

import os
import subprocess

import pytest

from batchtest import REPO, RX, frame_hashes, needs_binary


def _ssh_localhost_skip_reason():
    try:
        import asyncssh  # noqa: F401
    except ImportError:
        return "asyncssh is not installed (pip install asyncssh)"
    try:
        p = subprocess.run(["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", "localhost", "true"],
                           capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"ssh to localhost: {e}"
    if p.returncode != 0:
        last = (p.stderr.strip().splitlines() or [f"exit status {p.returncode}"])[-1]
        return f"`ssh -o BatchMode=yes localhost true` fails ({last})"
    return None


_why = _ssh_localhost_skip_reason()
pytestmark = [needs_binary, pytest.mark.skipif(_why is not None, reason=f"opt-in SSH test: {_why}")]


def test_readme_sshcluster_example(clip, whole, tmp_path, monkeypatch, engine):
    """Batch/README.md's Python example, with localhost for the hosts and the clip for the programme."""
    monkeypatch.setenv("REEXPOSE_BIN", RX)  # forwarded to the workers
    from distributed import Client

    from reexpose_batch.run import process_file
    from reexpose_batch.ssh import ssh_cluster

    cluster = ssh_cluster(["localhost", "localhost"], workers_per_host=2)
    client = Client(cluster)
    try:
        r = process_file(client, clip, tmp_path / "out", "fast", encoder="ffv1", segment_seconds=1.0,
                         log=lambda m: None, engine=engine)
        pids = client.run(os.getpid)
    finally:
        client.close()
        cluster.close()
    assert len(pids) == 2 and os.getpid() not in pids.values()
    assert r["engine"] == engine and r["submitted"] == 3
    assert frame_hashes(r["output"]) == frame_hashes(whole[0])


def test_command_line_over_ssh(clip, whole, tmp_path):
    env = {**os.environ, "REEXPOSE_BIN": RX}
    p = subprocess.run([str(REPO / "Batch" / "reexpose-batch"), str(clip), "--out", str(tmp_path / "out"),
                        "--preset", "fast", "--encoder", "ffv1", "--segment-seconds", "1",
                        "--ssh", "localhost,localhost", "--workers", "2"],
                       capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    assert "joined 75 frames" in p.stderr
    assert frame_hashes(tmp_path / "out" / "src" / "src.mkv") == frame_hashes(whole[0])


def test_unreachable_host_is_one_line_and_exit_69(clip, tmp_path):
    p = subprocess.run([str(REPO / "Batch" / "reexpose-batch"), str(clip), "--out", str(tmp_path / "out"),
                        "--preset", "fast", "--ssh", "localhost,no-such-host.invalid"],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 69, p.stderr[-3000:]
    assert "cannot start or reach the Dask cluster" in p.stderr
