"""Pre-warmed sandboxes: a process that imports the heavy libraries once and forks one child per submission.

Starting Python and importing numpy, scipy, scikit-learn, matplotlib and torch costs seconds;
forking an interpreter that already holds them costs milliseconds, and each child is still a
fresh process that shares nothing writable with any other submission.  The zygote is
single-threaded (thread pools pinned to one thread) so that forking it is safe.

Protocol: the grader (``Zygote``) sends a JSON request with one end of a new socket pair
attached (SCM_RIGHTS); the zygote forks, the child confines itself (``sandbox.confine``) and
serves the grader on that socket (``child.serve``); the zygote answers with the child's pid.
"""
from __future__ import annotations

import ctypes
import importlib
import importlib.resources
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading

from autograder import channel
from autograder.sandbox import CLONE_NEWPID, Limits, PR_SET_PDEATHSIG

PRELOAD = ["numpy", "scipy", "scipy.special", "scipy.stats", "scipy.linalg", "sklearn", "sklearn.linear_model",
           "sklearn.tree", "sklearn.ensemble", "sklearn.metrics", "sklearn.model_selection", "sklearn.datasets",
           "sklearn.svm", "sklearn.preprocessing", "sklearn.pipeline", "sklearn.cluster", "sklearn.decomposition",
           "matplotlib", "matplotlib.pyplot", "ipywidgets", "IPython.display",
           "IPython.core.inputtransformer2", "torch", "course", "course.checks", "course.exercises",
           "autograder.child", "autograder.values", "encodings.idna", "json", "csv", "pickle", "random"]
SINGLE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
# What the zygote may take from the grader's environment.  Every sandbox is a fork of the zygote and
# can read its exec-time environment in /proc/self/environ whatever os.environ says, so nothing else
# (tokens, passwords, the instructor's settings) may pass.
INHERITED = ("HOME", "PYTHONPATH", "AUTOGRADER_DEBUG_LOG")


def zygote_environment() -> dict[str, str]:
    inherited = {name: os.environ[name] for name in INHERITED if name in os.environ}
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "MPLBACKEND": "Agg", **SINGLE_THREAD, **inherited}


def _preload() -> list[str]:
    failed = []
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # an optional library that is not installed
            failed.append(name)
    try:
        import torch
        torch.set_num_threads(1)
    except Exception:
        pass
    for package in ("course.explorers",):  # every explorer module, as lessons import them
        try:
            for module in importlib.resources.files(package).iterdir():
                if module.name.endswith(".py") and not module.name.startswith("_"):
                    importlib.import_module(f"{package}.{module.name[:-3]}")
        except Exception:
            pass
    _warm_matplotlib()
    try:  # weeks ask for each week's exercises by key
        from course import exercises
        for week in sorted(p.stem for p in importlib.resources.files("course.exercises").iterdir()
                           if p.name.endswith(".py") and not p.name.startswith("_")
                           and p.stem not in ("held_out", "torch_oracle")):
            exercises.keys(week)
    except Exception:
        pass
    return failed


def _warm_matplotlib() -> None:
    """Fonts, the text engine and the PNG writer load lazily on the first figure: pay that once, here."""
    try:
        import io
        import matplotlib.pyplot as plt
        figure, axes = plt.subplots()
        axes.plot([0, 1], [0, 1], label="warm-up")
        axes.set_title("warm-up $x^2$")
        axes.legend()
        figure.savefig(io.BytesIO(), format="png")
        plt.close(figure)
    except Exception:
        pass


def _child(sock: socket.socket, own_pids: bool, alive: int) -> None:
    from autograder import child, sandbox
    request = channel.receive(sock, timeout=60)
    limits = Limits(**request["limits"])
    files = {name: bytes.fromhex(content) for name, content in request["files"].items()}
    try:
        _, report = sandbox.confine(files, limits, request["hide"], request["keep"],
                                    frozenset(request.get("disable", ())))
    except Exception as error:  # never run student code half-confined
        channel.send(sock, {"confined": False, "error": f"{type(error).__name__}: {error}"})
        return
    if select.select([alive], [], [], 0)[0]:  # its parent died while setuid had cleared PDEATHSIG
        os._exit(0)
    os.close(alive)
    os.environ.clear()
    os.environ.update({"HOME": os.getcwd(), "TMPDIR": os.getcwd(), "MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin",
                       "COURSE_HEADLESS": "1", "LANG": "C.UTF-8", **SINGLE_THREAD})
    tempfile.tempdir = None  # the zygote's /tmp is gone: find TMPDIR (the working folder) again
    if own_pids:
        report.applied.append("processes: own PID namespace (everything it starts dies with it)")
    else:
        report.missing.append("processes: no PID namespace (children it starts may outlive it)")
    channel.send(sock, {"confined": True, "applied": report.applied, "missing": report.missing})
    child.serve(sock, limits.output_chars)


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if len(sys.argv) > 2 and os.getppid() != int(sys.argv[2]):  # its worker died before PDEATHSIG was set
        return
    failed = _preload()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    channel.send(control, {"ready": True, "not_preloaded": failed})
    while True:
        try:
            payload, fds, _, _ = socket.recv_fds(control, 16, 1)
        except OSError:
            return
        if not payload or not fds:
            return
        zygote = os.getpid()
        if os.fork() == 0:
            control.close()
            _start_sandbox(socket.socket(fileno=fds[0]), zygote)
        os.close(fds[0])


def _start_sandbox(sock: socket.socket, zygote: int) -> None:
    """In a fork of the zygote: open a new PID namespace and fork its first process, the sandbox.

    Killing that process (PID 1 of the namespace) kills everything the student started.  This
    process (root, outside the namespace, out of the student's reach) is what ties the sandbox to
    the grader: the zygote's death (which follows its worker's) sends it SIGTERM, and it kills the
    sandbox, whose own PDEATHSIG student code could clear; the sandbox also dies if this process
    does (PDEATHSIG, and the ``alive`` pipe for the moments PDEATHSIG is not set).
    """
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    libc = ctypes.CDLL(None, use_errno=True)
    sandbox: list[int] = []

    def stop(*_) -> None:
        for pid in sandbox:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != zygote:  # it died before PDEATHSIG was set
        os._exit(0)
    own_pids = libc.unshare(CLONE_NEWPID) == 0
    alive, keep_alive = os.pipe()  # EOF on ``alive``: this process is gone
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        os.close(keep_alive)
        if os.read(alive, 1) != b"x":  # the grader must learn our pid before we say anything
            os._exit(0)
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # output written straight to file descriptors goes nowhere
            os.dup2(devnull, fd)
        if os.environ.get("AUTOGRADER_DEBUG_LOG"):  # for debugging the grader itself, never in production
            os.dup2(os.open(os.environ["AUTOGRADER_DEBUG_LOG"], os.O_WRONLY | os.O_CREAT | os.O_APPEND), 2)
        try:
            _child(sock, own_pids, alive)
        except BaseException:
            import traceback
            traceback.print_exc()  # to /dev/null, or to AUTOGRADER_DEBUG_LOG
        finally:
            os._exit(0)
    sandbox.append(pid)
    channel.send(sock, {"pid": pid})
    os.write(keep_alive, b"x")
    sock.close()
    os.waitpid(pid, 0)
    os._exit(0)


class Zygote:
    """The grader's handle on one zygote process (one per grading worker)."""

    def __init__(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self._lock = threading.Lock()
        self.process = subprocess.Popen([sys.executable, "-m", "autograder.zygote", str(theirs.fileno()),
                                         str(os.getpid())], pass_fds=[theirs.fileno()], env=zygote_environment(),
                                        stdin=subprocess.DEVNULL)
        theirs.close()
        self.control = ours
        hello = channel.receive(self.control, timeout=120)
        self.not_preloaded = hello.get("not_preloaded", [])

    def spawn(self, files: dict[str, bytes], limits: Limits, hide: list[str], keep: list[str],
              disable: frozenset[str] = frozenset()) -> tuple[socket.socket, int]:
        """A new confined child; returns the socket to talk to it and its pid."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        request = {"files": {name: content.hex() for name, content in files.items()},
                   "limits": limits.__dict__, "hide": hide, "keep": keep, "disable": sorted(disable)}
        with self._lock:
            socket.send_fds(self.control, [b"fork"], [theirs.fileno()])
        theirs.close()
        pid = int(channel.receive(ours, timeout=60)["pid"])
        channel.send(ours, request)
        return ours, pid

    def close(self) -> None:
        try:
            self.control.close()
        finally:
            self.process.kill()
            self.process.wait()


if __name__ == "__main__":
    main()
