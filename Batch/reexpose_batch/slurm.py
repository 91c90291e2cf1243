"""Workers as Slurm jobs (`--slurm JOBS`, dask-jobqueue's SLURMCluster): one single-threaded worker per job of
one core, the scheduler in the driver's process (so compute nodes must reach the driver's host).

The job script exports this package's directory on PYTHONPATH and remote.py's variables, so the workers
import the package and find the binaries at this machine's paths (shared storage, same paths on the nodes).
Everything else (partition, account, walltime, network interface) comes from dask-jobqueue's own
configuration (`jobqueue.slurm.*` in ~/.config/dask/jobqueue.yaml) or from --slurm-directive lines.
"""

import shlex

from .remote import PACKAGE_PARENT, worker_env

# Memory per job when neither --slurm-memory nor jobqueue.slurm.memory says: what a 1080p segment of the
# learned presets needs with room to spare (the ffmpeg and reexpose children count against the job).
DEFAULT_MEMORY = "4GB"


def job_prologue():
    """Shell lines the job runs before the worker: the package on PYTHONPATH, the binaries' variables."""
    lines = [f"export PYTHONPATH={shlex.quote(str(PACKAGE_PARENT))}${{PYTHONPATH:+:$PYTHONPATH}}"]
    return lines + [f"export {k}={shlex.quote(v)}" for k, v in worker_env().items()]


def slurm_cluster(jobs, memory=None, directives=(), log_directory=None):
    """SLURMCluster scaled to `jobs` one-core jobs. directives: extra `#SBATCH` options (`--time=12:00:00`,
    `--partition=video`), after jobqueue's, so they win. log_directory: the jobs' stdout/stderr (default:
    jobqueue.slurm.log-directory, else sbatch's slurm-<job>.out in the current directory)."""
    import dask
    from dask_jobqueue import SLURMCluster
    conf = "jobqueue.slurm."
    cluster = SLURMCluster(
        cores=1, processes=1,
        memory=memory or dask.config.get(conf + "memory", None) or DEFAULT_MEMORY,
        job_script_prologue=list(dask.config.get(conf + "job-script-prologue", None) or []) + job_prologue(),
        job_extra_directives=list(dask.config.get(conf + "job-extra-directives", None) or []) + list(directives),
        log_directory=str(log_directory) if log_directory else dask.config.get(conf + "log-directory", None))
    cluster.scale(jobs=int(jobs))
    return cluster
