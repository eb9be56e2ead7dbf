"""The embedded Dask cluster runs the grader's code: nobody without this process's credentials may reach it.

Before, a plain LocalCluster listened on loopback without authentication and any local user (the
sandbox's unprivileged uid, a student with a shell on a shared JupyterHub host) could run code as
the grader with ``Client('tcp://127.0.0.1:PORT').run_on_scheduler(...)``.
"""
from __future__ import annotations

import pytest
from distributed import Client
from distributed.security import Security

from autograder.cluster import start_local_cluster

pytestmark = pytest.mark.slow


def _ran_code(address: str, **kwargs) -> bool:
    try:
        with Client(address, timeout=5, **kwargs) as intruder:
            return intruder.run_on_scheduler(lambda: True)
    except Exception:  # refused: the handshake fails or times out
        return False


def test_only_the_grader_can_use_its_cluster():
    with start_local_cluster(1) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tls://127.0.0.1:")
        with Client(cluster) as grader:
            assert grader.submit(sum, [1, 2]).result() == 3
        assert not _ran_code(address.replace("tls://", "tcp://"))
        assert not _ran_code(address)  # TLS without a certificate
        assert not _ran_code(address, security=Security.temporary())  # a certificate of another authority
