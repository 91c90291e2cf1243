"""A Dask cluster started over SSH (`--ssh`): the scheduler on the first host, single-threaded workers on each
of the others (Dask's SSHCluster; needs `asyncssh` on the driver).

Both the scheduler (it unpickles the tasks) and the workers (they run them) must import this package, so each
gets a preload that puts its directory on sys.path; the workers get remote.py's variables as their
environment. Hence the same layout on every host: this checkout or install, Python, ffmpeg and reexpose at the
same paths, and the sources and outputs on shared storage.
"""

import json
import logging

from .errors import BatchError
from .remote import PACKAGE_PARENT
from .remote import worker_env as _forwarded_env  # checked here for quotes


def _check_quotable(what, text):
    # SSHCluster sends the options as JSON inside one single-quoted shell word on the remote command line.
    if "'" in text:
        raise BatchError(f"--ssh: {what} contains a single quote, which Dask's SSH command line cannot carry: {text}")


def preload():
    """Python text the scheduler and each worker run at start: this package becomes importable."""
    _check_quotable("the package path", str(PACKAGE_PARENT))
    return f"import sys; sys.path.insert(0, {json.dumps(str(PACKAGE_PARENT))})"


def _worker_env():
    env = _forwarded_env()
    for k, v in env.items():
        _check_quotable(k, v)
    return env


def parse_hosts(text):
    """`host0,host1,...` → the list; the first runs the scheduler, the others workers (a host may repeat)."""
    hosts = [h.strip() for h in text.split(",") if h.strip()]
    if len(hosts) < 2:
        raise BatchError("--ssh needs the scheduler's host and at least one worker host (host0,host1; "
                         "the same host twice runs both on it)")
    return hosts


def ssh_cluster(hosts, workers_per_host, connect_options=None, remote_python=None):
    """SSHCluster with `workers_per_host` one-thread workers on each of hosts[1:]. connect_options go to
    asyncssh.connect (e.g. {"known_hosts": None}, {"username": …}); by default it reads ~/.ssh like ssh does."""
    from distributed import SSHCluster
    # Dask relays every remote start-up line at INFO; the driver's stderr is for reexpose-batch's own lines.
    logging.getLogger("distributed.deploy.ssh").setLevel(logging.WARNING)
    pre = [preload()]
    return SSHCluster(list(hosts), connect_options=connect_options or {},
                      worker_options={"nthreads": 1, "n_workers": int(workers_per_host), "preload": pre,
                                      "env": _worker_env()},
                      scheduler_options={"preload": pre, "dashboard_address": None},
                      remote_python=remote_python)
