"""Where the submissions are graded: Dask distributed workers, long-lived processes.

By default a ``LocalCluster`` on this machine (one worker process per core, one thread each:
a worker grades one submission at a time). ``scheduler="tcp://HOST:PORT"`` uses a running
cluster instead: ``dask scheduler`` and ``dask worker`` processes started by hand, by
dask-jobqueue on SLURM, by dask-kubernetes... Its workers need the course's Python
environment (the same ``tp-course`` installed); the course itself travels with each job
(:class:`tp_course.autograde.Kit`).

Dask runs a job again on another worker when its worker dies; the coordinator keeps the first
answer of each job (:func:`graded`), so none is lost and none is counted twice.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

from .autograde import Graded, autograde


@contextmanager
def connect(scheduler=None, workers=None):
    """A ``dask.distributed.Client``: on ``scheduler``, else on a new LocalCluster of ``workers``
    processes (default: one per core). The LocalCluster is closed at the end of the block."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler, timeout="60s") as client:
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR, memory_limit=0) as cluster, Client(cluster) as client:
        yield client


def graded(client, jobs, timeout):
    """Run :func:`tp_course.autograde.autograde` for every job on the client's workers.

    Parameters
    ----------
    client : dask.distributed.Client
    jobs : list of (Kit, str, list of (str, bytes))
        ``(kit, student, files)``.
    timeout : float
        Seconds one submission may take on its worker.

    Yields
    ------
    Graded
        One per job, as they finish (a job that Dask could not run says why in ``error``).
    """
    from dask.distributed import as_completed

    kits = {}
    for kit, _, _ in jobs:   # each kit is sent once to the cluster, not once per submission
        if kit.digest not in kits:
            kits[kit.digest] = client.scatter(kit, broadcast=False, hash=False)
    futures = {}
    for kit, student, files in jobs:
        fut = client.submit(autograde, kits[kit.digest], student, files, timeout,
                            key=f"autograde-{kit.assignment}-{student}-{len(futures)}", pure=False)
        futures[fut] = (kit, student)
    seen = set()
    for fut in as_completed(futures):
        kit, student = futures[fut]
        if (student, kit.assignment) in seen:   # never twice, whatever Dask does
            continue
        seen.add((student, kit.assignment))
        try:
            yield fut.result()
        except Exception as exc:   # e.g. KilledWorker: the job killed every worker it was given
            yield Graded(student, kit.assignment, "", error=f"the cluster could not grade it: "
                                                           f"{type(exc).__name__}: {exc}"[:500])
        fut.release()
