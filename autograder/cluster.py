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

from autograder.grading import Job, Result, grade_submission

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
        result = Result(job.student, job.assignment, job.notebook, job.seed, [], None,
                        [f"the grader failed on this submission: {type(error).__name__}: {error}"], {}, {})
        result.notes.append(traceback.format_exc(limit=5))
        return result


def warm_up(_: int = 0) -> int:
    """Start the worker's zygote before the first submission arrives (used at cluster start)."""
    _worker_zygote()
    return os.getpid()


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def run(jobs: list[Job], on_result: Callable[[Result], None], *, workers: int | None = None,
        scheduler: str | None = None) -> dict:
    """Grade ``jobs`` on Dask, calling ``on_result`` in this process as each one finishes."""
    from dask.distributed import Client, LocalCluster, as_completed

    if scheduler:
        client, cluster = Client(scheduler, timeout="30s"), None
    else:
        cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        worker_count = len(client.scheduler_info()["workers"])
        client.run(warm_up)
        futures = client.map(grade_on_worker, jobs, pure=False)
        for future in as_completed(futures):
            on_result(future.result())
            future.release()
        return {"workers": worker_count, "scheduler": scheduler or "local"}
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
