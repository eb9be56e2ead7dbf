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
        scheduler: str | None = None, prepare: Callable[[Job], Job] = lambda job: job) -> dict:
    """Grade ``jobs`` on Dask, calling ``on_result`` in this process as each one finishes.

    Only one job per worker is on the cluster at any time, each made ready by ``prepare`` (which reads the
    submission) just before it is sent: a task's arguments live in the scheduler, which for the embedded
    cluster is this process, so sending a class of 500 at once made the grader's memory grow with the class
    (188 MB at 100 notebooks, 314 MB at 500, in bench/grading_scale.py). One per worker, not more: a task sent
    while every worker is busy is placed at once, and may wait behind a submission that loops until its
    time limit while another worker sits idle."""
    import dask

    # for good, not in a `with`: after such a block had exited, the next batch in the same process failed to
    # start its cluster (Security.temporary: KeyError 'comm' in dask's configuration)
    dask.config.set(DASK_SETTINGS)
    return _run(jobs, on_result, workers, scheduler, prepare)


#: Dask keeps the last 100,000 messages each connection sent, for debugging (``BatchedSend.recent_message_log``):
#: every task with its arguments (a submission and the source notebook, ~300 KB for week 01) and every result (an
#: executed notebook). The grader's memory grew by 0.65 MB per notebook graded, and each worker's likewise; none
#: of it is ever read. Workers started by the embedded cluster inherit this; `dask scheduler` / `dask worker`
#: processes need DASK_DISTRIBUTED__ADMIN__LOW_LEVEL_LOG_LENGTH=0 (docs/instructor-workflow.md).
DASK_SETTINGS = {"distributed.admin.low-level-log-length": 0,
                  # Dask's 30 s to connect (a TLS handshake with each worker) ran out on a 2-core machine at a load
                  # of 8 ("Timed out trying to connect to tls://127.0.0.1:..."), and the whole batch failed; an
                  # address that refuses still fails at once, and `--scheduler` keeps its own 30 s (Client timeout).
                  "distributed.comm.timeouts.connect": "120s"}


def _run(jobs, on_result, workers, scheduler, prepare) -> dict:
    from dask.distributed import Client, as_completed

    if scheduler:  # its TLS settings, if any, come from Dask's configuration (see the README)
        client, cluster = Client(scheduler, timeout="30s"), None
    else:
        cluster = start_local_cluster(workers or default_workers())
        client = Client(cluster)
    try:
        worker_count = len(client.scheduler_info()["workers"])
        client.run(warm_up)
        waiting, job_of, running = iter(jobs), {}, as_completed()

        def send_next() -> None:
            job = next(waiting, None)
            if job is not None:
                future = client.submit(grade_on_worker, prepare(job), pure=False)
                job_of[future.key] = job
                running.add(future)

        for _ in range(max(worker_count, 1)):
            send_next()
        for future in running:
            try:
                result = future.result()
            except Exception as error:  # the worker died under it (KilledWorker): only this one scores 0
                result = failed_result(job_of[future.key], f"its grading worker died ({type(error).__name__}: "
                                                           f"{clean_text(error, 300)}); grade it again alone")
            del job_of[future.key]
            future.release()
            send_next()
            on_result(result)
        return {"workers": worker_count, "scheduler": scheduler or "local"}
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
