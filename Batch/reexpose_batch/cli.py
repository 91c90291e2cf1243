"""Command line: reexpose-batch [options] INPUT... (files, or @list.txt with one path a line)."""

import argparse
import os
import sys
from pathlib import Path

from .commands import ENCODERS
from .engine import ENGINES
from .errors import BatchError


def _inputs(items):
    out = []
    for item in items:
        if item.startswith("@"):
            lines = Path(item[1:]).read_text().splitlines()
            out += [l.strip() for l in lines if l.strip() and not l.lstrip().startswith("#")]
        else:
            out.append(item)
    return out


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error exits 64 like reexpose's (EX_USAGE), not 2."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(64, f"{self.prog}: error: {message}\n")


def parser():
    p = _Parser(prog="reexpose-batch", description=(
        "Split SDR programmes at the preset's scene cuts, re-expose the parts as HDR on a Dask cluster and "
        "join them frame-exact. Each input gets OUT/<stem>/ with manifest.json, segments/ and <stem>.mkv; "
        "a rerun with the same settings resumes."))
    p.add_argument("inputs", nargs="+", help="source files, or @list.txt (one path a line)")
    p.add_argument("--out", required=True, help="output directory (shared by all workers)")
    p.add_argument("--preset", required=True)
    p.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE",
                   help="preset override passed to reexpose (repeatable)")
    p.add_argument("--segment-seconds", type=float, default=60.0, help="target segment length (default 60)")
    p.add_argument("--encoder", choices=ENCODERS, default="x265",
                   help="x265: HEVC Main10, closed GOPs; ffv1: lossless intermediate (default x265)")
    p.add_argument("--workers", type=int, default=None,
                   help="local workers, workers per worker host with --ssh, or Slurm jobs with --slurm "
                        "(default: this machine's CPU cores; --slurm needs it)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="an existing Dask scheduler (tcp://host:8786); default: a local cluster")
    where.add_argument("--ssh", default=None, metavar="HOST0,HOST1,...",
                       help="start Dask over SSH: the scheduler on HOST0, --workers workers on each other host "
                            "(a host may repeat: localhost,localhost); needs asyncssh and the same paths everywhere")
    where.add_argument("--slurm", action="store_true",
                       help="--workers Slurm jobs of one core, one worker each (dask-jobqueue); the scheduler runs "
                            "here; partition, account, walltime from jobqueue's config or --slurm-directive")
    p.add_argument("--slurm-memory", default=None, metavar="SIZE",
                   help="memory per Slurm job (default: jobqueue.slurm.memory, else 4GB)")
    p.add_argument("--slurm-directive", action="append", default=[], metavar="OPTION",
                   help="an extra sbatch option for each job, e.g. --slurm-directive=--time=12:00:00 (repeatable)")
    p.add_argument("--retries", type=int, default=2, help="retries per failed segment (default 2)")
    p.add_argument("--segment-threads", type=int, default=1, metavar="N",
                   help="threads of each stage of a segment (decoder, reexpose, encoder); default 1: "
                        "one single-threaded worker per core scales best; raise it when workers < cores")
    p.add_argument("--engine", choices=ENGINES, default="auto",
                   help="filter: each segment is one ffmpeg with the reexpose filter (make ffmpeg); pipe: "
                        "ffmpeg | reexpose | ffmpeg; auto (default): filter when the driver's filter ffmpeg can "
                        "decode the source, else pipe")
    p.add_argument("--filter-ffmpeg", default=None, metavar="PATH",
                   help="the ffmpeg with the reexpose filter, at this path on every worker (default: "
                        "$REEXPOSE_FFMPEG, else this checkout's .build/ffmpeg/ffmpeg)")
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        inputs = _inputs(args.inputs)
    except OSError as e:
        print(f"reexpose-batch: {e}", file=sys.stderr)
        return 66
    missing = [i for i in inputs if not Path(i).is_file()]
    if missing:
        print(f"reexpose-batch: not a readable file: {missing[0]}" + (f" (and {len(missing) - 1} more)"
                                                                    if len(missing) > 1 else ""), file=sys.stderr)
        return 66
    stems = [Path(i).stem for i in inputs]
    if len(set(stems)) != len(stems):
        print("reexpose-batch: two inputs share a file name stem; their outputs would collide", file=sys.stderr)
        return 64
    if args.segment_threads < 1:
        print("reexpose-batch: --segment-threads must be at least 1", file=sys.stderr)
        return 64
    if args.segment_seconds <= 0:
        print("reexpose-batch: --segment-seconds must be positive", file=sys.stderr)
        return 64
    if args.workers is not None and args.workers < 1:
        print("reexpose-batch: --workers must be at least 1", file=sys.stderr)
        return 64
    if args.slurm and args.workers is None:
        print("reexpose-batch: --slurm needs --workers (the number of jobs)", file=sys.stderr)
        return 64
    from distributed import Client, LocalCluster

    from .run import process_file
    from .slurm import slurm_cluster
    from .ssh import parse_hosts, ssh_cluster
    cluster = None
    workers = args.workers or os.cpu_count() or 1
    try:
        hosts = parse_hosts(args.ssh) if args.ssh else None
    except BatchError as e:
        print(f"reexpose-batch: {e}", file=sys.stderr)
        return 64
    try:
        if args.scheduler:
            client = Client(args.scheduler)
        elif hosts:
            cluster = ssh_cluster(hosts, workers)
            client = Client(cluster)
        elif args.slurm:
            cluster = slurm_cluster(workers, args.slurm_memory, args.slurm_directive, Path(args.out) / "slurm-logs")
            client = Client(cluster)
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
    except Exception as e:  # no answer, a failed SSH login, no asyncssh or dask-jobqueue, no sbatch: one line
        if cluster is not None:
            cluster.close()
        print(f"reexpose-batch: cannot start or reach the Dask cluster: {e}", file=sys.stderr)
        return 69
    status = 0
    try:
        for src in inputs:
            try:
                process_file(client, src, Path(args.out) / Path(src).stem, args.preset, args.settings,
                             args.encoder, args.segment_seconds, args.retries, threads=args.segment_threads,
                             engine=args.engine, filter_ffmpeg=args.filter_ffmpeg)
            except BatchError as e:
                print(f"reexpose-batch: {e}", file=sys.stderr)
                status = 65 if status == 0 else status
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return status
