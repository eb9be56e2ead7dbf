"""Grading on Dask: an embedded local cluster by default, or an existing scheduler's workers.

Each worker process keeps one pre-warmed zygote (see ``zygote.py``) and grades one submission
at a time (one thread per worker), so a machine runs as many sandboxes as it has workers.
"""
from __future__ import annotations

import atexit
import logging
import os
import traceback
from typing import Callable

from autograder.grading import Job, Result, clean_text, failed_result, grade_submission

_zygote = None


def _worker_zygote():
    global _zygote
    from autograder.zygote import Zygote
    if _zygote is None or _zygote.process.poll() is not None:
        _zygote = Zygote()
        atexit.register(_zygote.close)
    return _zygote


def grade_on_worker(job: Job) -> Result:
    """The Dask task: never raises, so one broken submission cannot fail the batch."""
    try:
        return grade_submission(job, _worker_zygote())
    except Exception as error:  # a fault of the grader itself: recorded, and the batch goes on
        result = failed_result(job, f"the grader failed on this submission: {type(error).__name__}: "
                                    f"{clean_text(error, 500)}")
        result.notes.append(clean_text(traceback.format_exc(limit=5)))
        return result


def warm_up(_: int = 0) -> int:
    """Start the worker's zygote before the first submission arrives (used at cluster start)."""
    _worker_zygote()
    return os.getpid()


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def start_local_cluster(workers: int):
    """Workers on this machine, reachable only with this process's credentials.

    A plain LocalCluster listens on loopback without authentication: any local user (the
    sandbox's own unprivileged uid, a student with a shell on a shared JupyterHub host) could
    connect and run code as the grader. Mutual TLS with throw-away certificates closes that.
    """
    from dask.distributed import LocalCluster
    from distributed.security import Security
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                        silence_logs=logging.ERROR, protocol="tls://", host="127.0.0.1",
                        security=Security.temporary())


def run(jobs: list[Job], on_result: Callable[[Result], None], *, workers: int | None = None,
        scheduler: str | None = None) -> dict:
    """Grade ``jobs`` on Dask, calling ``on_result`` in this process as each one finishes."""
    from dask.distributed import Client, as_completed

    if scheduler:  # its TLS settings, if any, come from Dask's configuration (see the README)
        client, cluster = Client(scheduler, timeout="30s"), None
    else:
        cluster = start_local_cluster(workers or default_workers())
        client = Client(cluster)
    try:
        worker_count = len(client.scheduler_info()["workers"])
        client.run(warm_up)
        futures = client.map(grade_on_worker, jobs, pure=False)
        job_of = {future.key: job for future, job in zip(futures, jobs)}
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as error:  # the worker died under it (KilledWorker): only this one scores 0
                result = failed_result(job_of[future.key], f"its grading worker died ({type(error).__name__}: "
                                                           f"{clean_text(error, 300)}); grade it again alone")
            on_result(result)
            future.release()
        return {"workers": worker_count, "scheduler": scheduler or "local"}
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
