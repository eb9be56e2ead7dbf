"""Confine a freshly forked process before it runs a student's code.

Docker is not available on the machines this runs on, so the sandbox uses what Linux gives a
process directly, each step optional and reported when the system refuses it:

- a new network namespace (no interface but a down loopback: no network at all);
- a new mount namespace in which the course root, /tmp, /root, /home and /dev/shm are covered
  by empty tmpfs mounts, and only the Python installation and the course's packages are bound
  back (read-only), so solutions, hidden tests, the gradebook and other submissions are invisible;
- a private tmpfs working directory holding only the submission and the assignment's files;
- resource limits: address space, CPU time, processes, file size, open files, no core dumps;
- when started as root, a drop to the unprivileged user ``nobody`` with no way to regain privileges.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import pwd
import resource
import signal
from dataclasses import dataclass, field
from pathlib import Path

CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID = 0x00020000, 0x40000000, 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
WORKDIR = "/tmp/submission"
ALWAYS_HIDDEN = ("/tmp", "/var/tmp", "/dev/shm", "/root", "/home")


@dataclass(frozen=True)
class Limits:
    """Caps for one submission (the CLI's --memory, --timeout ... set these)."""
    memory_mb: int = 2048            # beyond what the pre-warmed interpreter already maps
    cpu_seconds: int = 600
    processes: int = 64              # for the sandbox user, threads included
    file_mb: int = 64                # largest file the student may write
    output_chars: int = 20_000       # output kept per cell; the rest is counted and noted
    cell_timeout: float = 60.0
    notebook_timeout: float = 600.0


@dataclass
class Confinement:
    """What was applied, and what the system refused (with why): shown to the instructor."""
    applied: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _libc():
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    return libc


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(libc, source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    encode = lambda s: s.encode() if s is not None else None  # noqa: E731
    _check(libc.mount(encode(source), encode(target), encode(fstype), flags, encode(data)), f"mount {target}")


def _hide_filesystem(libc, hide: list[str], keep: list[str]) -> None:
    """Cover ``hide`` with empty tmpfs mounts, then bind ``keep`` (read-only) back where it was."""
    _check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    keep = sorted({os.path.realpath(k) for k in keep if os.path.exists(k)})
    handles = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in keep if os.path.isdir(path)}
    covered: list[str] = []
    for path in sorted({os.path.realpath(h) for h in hide}, key=len):
        if not os.path.exists(path) or any(path.startswith(c + "/") or path == c for c in covered):
            continue
        if os.path.isdir(path):
            _mount(libc, "tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=256m,mode=1777")
        else:
            _mount(libc, "/dev/null", path, None, MS_BIND)
        covered.append(path)
    try:  # a /proc of our own PID namespace: other processes become invisible
        _mount(libc, "proc", "/proc", "proc", MS_NOSUID | MS_NODEV)
    except OSError:
        pass
    for path, handle in handles.items():
        if any(path.startswith(c + "/") for c in covered):
            os.makedirs(path, exist_ok=True)
            _mount(libc, f"/proc/self/fd/{handle}", path, None, MS_BIND | MS_REC)
            _mount(libc, None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_REC)
        os.close(handle)


def _private_workdir(libc, files: dict[str, bytes], owner: tuple[int, int] | None, limits: Limits) -> str:
    os.makedirs(WORKDIR, exist_ok=True)
    _mount(libc, "tmpfs", WORKDIR, "tmpfs", MS_NOSUID | MS_NODEV, f"size={max(limits.file_mb * 4, 64)}m,mode=0700")
    for name, content in files.items():
        target = Path(WORKDIR) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    if owner:
        for folder, _, names in os.walk(WORKDIR):
            os.chown(folder, *owner)
            for name in names:
                os.chown(os.path.join(folder, name), *owner)
    return WORKDIR


def _plain_workdir(files: dict[str, bytes], owner: tuple[int, int] | None) -> str:
    """Without a mount namespace: a fresh private folder (the rest of the disk stays visible)."""
    import tempfile
    folder = tempfile.mkdtemp(prefix="autograder-submission-")
    for name, content in files.items():
        target = Path(folder) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    if owner:
        for path in [Path(folder), *Path(folder).rglob("*")]:
            os.chown(path, *owner)
    return folder


def _vm_size_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def _set_limits(limits: Limits) -> None:
    memory = _vm_size_bytes() + limits.memory_mb * 1024 * 1024
    for limit, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, limits.cpu_seconds),
                         (resource.RLIMIT_NPROC, limits.processes), (resource.RLIMIT_NOFILE, 256),
                         (resource.RLIMIT_FSIZE, limits.file_mb * 1024 * 1024), (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(limit, (value, value))


def confine(files: dict[str, bytes], limits: Limits, hide: list[str], keep: list[str],
            disable: frozenset[str] = frozenset()) -> tuple[str, Confinement]:
    """Confine the calling (freshly forked) process; return its working directory and a report.

    ``disable`` names mechanisms to skip ("network", "filesystem", "user"), for tests of the
    degraded modes; a mechanism the system refuses is skipped the same way and reported.
    """
    libc, report = _libc(), Confinement()
    is_root = os.geteuid() == 0
    nobody = pwd.getpwnam("nobody") if is_root else None
    owner = (nobody.pw_uid, nobody.pw_gid) if nobody else None

    def attempt(name: str, action, success: str) -> bool:
        if name in disable:
            report.missing.append(f"{name}: disabled by the grader's configuration")
            return False
        try:
            action()
        except OSError as error:
            report.missing.append(f"{name}: {error.strerror or error} ({'root' if is_root else 'not root'})")
            return False
        report.applied.append(success)
        return True

    attempt("network", lambda: _check(libc.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)"),
            "network: none (own network namespace)")
    hidden = attempt("filesystem", lambda: _hide_filesystem(libc, [*ALWAYS_HIDDEN, *hide], keep),
                     "filesystem: course root, /tmp, /root and /home hidden; Python and course packages read-only")
    workdir = _private_workdir(libc, files, owner, limits) if hidden else _plain_workdir(files, owner)
    _set_limits(limits)
    report.applied.append(f"limits: {limits.memory_mb} MB memory, {limits.cpu_seconds} s CPU, "
                          f"{limits.processes} processes, {limits.file_mb} MB per file")
    if is_root and owner:
        def drop() -> None:
            os.setgroups([])
            os.setgid(owner[1])
            os.setuid(owner[0])
        attempt("user", drop, "user: nobody (privileges dropped)")
    else:
        report.missing.append(f"user: not started as root, so student code runs as {pwd.getpwuid(os.getuid()).pw_name}")
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # cleared by setuid: set it again
    os.chdir(workdir)
    return workdir, report
