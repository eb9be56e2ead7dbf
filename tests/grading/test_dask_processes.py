"""A Dask cluster of separate processes (issue 17 §3): a `dask scheduler` and three `dask worker` processes on
loopback, secured with mutual TLS through Dask's configuration as the README says; one worker killed with
kill -9 while it grades: its notebook is graded again on another worker, nothing is lost or counted twice, and
the gradebook holds what a single-machine run gives (the class's known scores, which the regrade test in
test_batch.py shows a local run reproduces)."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import dask
import pytest
from nbgrader.api import Gradebook

from autograder.batch import read_ledger
from autograder.commands import grade

from .test_batch import BIN, LIMITS, _class, _env, _gradebook_scores
from .course_fixture import make_course

pytestmark = pytest.mark.slow
WORKERS = 3


def _tls_config(folder: Path) -> dict[str, str]:
    """Throw-away certificates in files, and the DASK_* variables that make every process use them."""
    from distributed.security import Security
    temporary = Security.temporary()
    (folder / "ca.pem").write_text(temporary.tls_ca_file)
    (folder / "key.pem").write_text(temporary.tls_scheduler_key)
    (folder / "key.pem").chmod(0o600)
    variables = {"DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION": "True",
                 "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(folder / "ca.pem")}
    for role in ("SCHEDULER", "WORKER", "CLIENT"):
        variables[f"DASK_DISTRIBUTED__COMM__TLS__{role}__CERT"] = str(folder / "ca.pem")
        variables[f"DASK_DISTRIBUTED__COMM__TLS__{role}__KEY"] = str(folder / "key.pem")
    return variables


def _client_config(variables: dict[str, str]) -> dict:
    return {"distributed.comm.require-encryption": True,
            "distributed.comm.tls.ca-file": variables["DASK_DISTRIBUTED__COMM__TLS__CA_FILE"],
            "distributed.comm.tls.client.cert": variables["DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT"],
            "distributed.comm.tls.client.key": variables["DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY"]}


@pytest.fixture
def cluster(tmp_path):
    """(scheduler address, {worker address: pid}, client config) of a TLS cluster of separate processes."""
    secrets = tmp_path / "tls"
    secrets.mkdir()
    variables = _tls_config(secrets)
    env = {**_env(), **variables, "DASK_DISTRIBUTED__ADMIN__LOW_LEVEL_LOG_LENGTH": "0"}   # as the docs say
    scheduler_file = secrets / "scheduler.json"
    processes = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--protocol", "tls", "--host", "127.0.0.1",
                                   "--port", "0", "--no-dashboard", "--scheduler-file", str(scheduler_file)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.3)   # the file is written in one go, but give the scheduler a moment to listen
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith("tls://127.0.0.1:")
        processes += [subprocess.Popen([str(BIN / "dask"), "worker", "--scheduler-file", str(scheduler_file),
                                        "--nthreads", "1", "--nworkers", "1", "--no-dashboard", "--no-nanny"],
                                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                      for _ in range(WORKERS)]
        from dask.distributed import Client
        with dask.config.set(_client_config(variables)), Client(address, timeout="30s") as client:
            client.wait_for_workers(WORKERS, timeout=90)
            pids = client.run(os.getpid)     # worker address -> its process id
        yield address, pids, _client_config(variables)
    finally:
        for process in processes:
            process.kill()
            process.wait()


def test_the_scheduler_refuses_a_client_with_certificates_of_its_own(cluster):
    """Anyone on the host can reach the port; only a client whose certificate the course's CA signed gets in."""
    from dask.distributed import Client
    from distributed.security import Security
    address, _, _ = cluster
    with pytest.raises((OSError, TimeoutError)):
        Client(address, security=Security.temporary(), timeout="5s")


def test_a_worker_killed_mid_batch_loses_nothing_and_counts_nothing_twice(tmp_path, cluster):
    from dask.distributed import Client
    address, pids, config = cluster
    (tmp_path / "course").mkdir()
    root = make_course(tmp_path / "course")
    expected = _class(root, 9, slow=3.0)          # 3 s per notebook: every worker is busy when one is killed
    outcome: dict = {}

    def batch():
        with dask.config.set(config):
            try:
                outcome["rows"] = grade(root, "week98", students=None, workers=None, scheduler=address,
                                        limits=LIMITS, out=io.StringIO())
            except BaseException as error:   # re-raised below, in the test's thread
                outcome["error"] = error

    grader = threading.Thread(target=batch)
    grader.start()
    killed = None
    with dask.config.set(config), Client(address, timeout="30s") as observer:
        deadline = time.monotonic() + 120
        while killed is None and time.monotonic() < deadline and grader.is_alive():
            graded = len(list((root / "autograded").glob("*/week98/.autograder.json")))
            busy = [worker for worker, keys in observer.processing().items() if keys and worker in pids]
            if graded >= 1 and busy:
                killed = busy[0]
                os.kill(pids[killed], signal.SIGKILL)
            time.sleep(0.05)
    grader.join(timeout=300)
    assert killed is not None, "the batch ended before a busy worker could be killed"
    assert "error" not in outcome, outcome.get("error")

    assert {r["student"]: r["auto_score"] for r in outcome["rows"]} == expected
    assert _gradebook_scores(root) == expected
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert len(gradebook.find_assignment("week98").submissions) == len(expected)
    notes = [note for s in expected for note in read_ledger(root, s, "week98")["week98.ipynb"]["notes"]]
    assert not any("worker died" in note for note in notes), notes
