"""Confine a freshly forked process before it runs a student's code.

Docker is not available on the machines this runs on, so the sandbox uses what Linux gives a
process directly, each step optional and reported when the system refuses it:

- a new network namespace (no interface but a down loopback: no network, no abstract Unix sockets);
- a new IPC namespace (System V shared memory, semaphores and queues die with the sandbox);
- a new mount namespace whose root is an allow-list: a fresh read-only tmpfs, entered with
  ``pivot_root``, that shows at their usual absolute paths only
    * the ``keep`` paths, read-only: the Python installation (sys.prefix, base_prefix, the venv,
      site-packages) and the course's own package folders (``course/``, ``autograder/``), never
      the checkout around them (a ``hide`` path inside a kept one stays covered);
    * the system's shared libraries (/usr/lib, /usr/lib64, /lib, /lib64, /etc/ld.so.cache) and
      /usr/share/zoneinfo, read-only: modules the zygote did not load yet (sqlite3, ctypes, ...)
      still find their libraries, and time zones still resolve;
    * a generated /etc/passwd and /etc/group naming only root, nobody and the sandbox's user;
    * /dev/null, zero, full, random and urandom, and a private /dev/shm (multiprocessing's and
      joblib's POSIX semaphores), which dies with the sandbox;
    * /proc of the sandbox's own PID namespace;
    * the private tmpfs working folder (WORKDIR), holding only the submission and the assignment's
      files: the only place the student can write;
  and nothing else: no other checkout of the course, no /home, /srv, /opt, /var, /run or host /etc,
  no /tmp but the working folder, no host Unix socket.  Where the kernel refuses that, the older
  deny-list is used (the course root, /tmp, /root, /home and /dev/shm covered by empty tmpfs, the
  rest of the disk readable) and the report says so;
- resource limits: address space, CPU time, processes, file size, open files, no core dumps;
- when started as root, a drop to an unprivileged uid of the sandbox's own (SANDBOX_UID_BASE plus
  its host pid, unique while it lives), so per-user limits such as RLIMIT_NPROC count this
  sandbox only, with no way to regain privileges.
"""
from __future__ import annotations

import ctypes
import errno
import os
import pwd
import resource
import signal
from dataclasses import dataclass, field
from pathlib import Path

CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWIPC = 0x00020000, 0x40000000, 0x20000000, 0x08000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
MS_RELATIME, MNT_DETACH = 1 << 21, 2
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}  # no libc wrapper
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
WORKDIR = "/tmp/submission"
ALWAYS_HIDDEN = ("/tmp", "/var/tmp", "/dev/shm", "/root", "/home")  # the deny-list fallback
SYSTEM_PATHS = ("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/etc/ld.so.cache", "/usr/share/zoneinfo")
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
NEW_ROOT = "/tmp"  # where the new root is assembled, in this mount namespace only (sources are opened first)
SANDBOX_UID_BASE = 2_000_000_000  # + a host pid (at most 2**22): below 2**31, far above real users


@dataclass(frozen=True)
class Limits:
    """Caps for one submission (the CLI's --memory, --timeout ... set these)."""
    memory_mb: int = 2048            # beyond what the pre-warmed interpreter already maps
    cpu_seconds: int = 600
    processes: int = 64              # for the sandbox's own user, threads included
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
    return ctypes.CDLL(None, use_errno=True)  # libc's symbols, already loaded (find_library would run ldconfig)


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _mount(libc, source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    encode = lambda s: s.encode() if s is not None else None  # noqa: E731
    _check(libc.mount(encode(source), encode(target), encode(fstype), flags, encode(data)), f"mount {target}")


def _bind(libc, handle: int, target: str, read_only: bool = True) -> None:
    """Bind what ``handle`` (an O_PATH descriptor) names at ``target``, read-only unless told."""
    _mount(libc, f"/proc/self/fd/{handle}", target, None, MS_BIND | MS_REC)
    if read_only:  # a remount must repeat the flags a user namespace may have locked on the source
        flags = os.statvfs(target).f_flag
        locked = flags & (os.ST_NOEXEC | os.ST_NOATIME | os.ST_NODIRATIME)  # same bits as the MS_ flags
        locked |= MS_RELATIME if flags & os.ST_RELATIME else 0
        _mount(libc, None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | locked)


def _layout(hide: list[str], keep: list[str]) -> list[tuple[str, str | None]]:
    """What the new root holds, parents first: (path in the sandbox, host path shown there, or None: covered).

    A path is shown at both its given and its resolved spelling; a hidden path wins over a kept one,
    and is covered only where a kept parent would show it; a kept path inside a shown one needs no
    mount of its own.
    """
    wanted: dict[str, str | None] = {}
    for path in (*SYSTEM_PATHS, *keep):
        if os.path.exists(path):
            for spelling in (os.path.normpath(os.path.abspath(path)), os.path.realpath(path)):
                wanted.setdefault(spelling, os.path.realpath(path))
    for path in hide:
        for spelling in (os.path.normpath(os.path.abspath(path)), os.path.realpath(path)):
            wanted[spelling] = None
    layout: list[tuple[str, str | None]] = []
    for target in sorted(wanted, key=lambda p: (p.count("/"), p)):
        parents = [t for t, _ in layout if target.startswith(t + "/")]
        shown_by_parent = bool(parents) and wanted[max(parents, key=len)] is not None
        if (wanted[target] is None) == shown_by_parent:  # cover what a parent shows; show what none does
            layout.append((target, wanted[target]))
    return layout


def _pivot_root(libc, new_root: str) -> None:
    """Make ``new_root`` the root and drop the old one (the '.' idiom of pivot_root(2))."""
    number = SYS_PIVOT_ROOT.get(os.uname().machine)
    if number is None:
        raise OSError(errno.ENOSYS, f"pivot_root: no system call number known for {os.uname().machine}")
    os.chdir(new_root)
    _check(libc.syscall(number, b".", b"."), "pivot_root")
    _check(libc.umount2(b".", MNT_DETACH), "umount2(old root)")
    os.chdir("/")


def _allow_list_root(libc, hide: list[str], keep: list[str], owner: tuple[int, int] | None,
                     limits: Limits) -> None:
    """A new mount namespace whose root shows only the allow-list (see the module docstring)."""
    _check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    layout = _layout(hide, keep)
    # Open every source first: NEW_ROOT covers /tmp, where a kept path may live.
    sources = {*DEVICES, *(source for _, source in layout if source)}
    handles = {path: os.open(path, os.O_PATH) for path in sources if os.path.exists(path)}
    is_dir = {target: os.path.isdir(source or target) for target, source in layout}
    try:
        _mount(libc, "tmpfs", NEW_ROOT, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
        inside = lambda path: NEW_ROOT + path  # noqa: E731
        covers: list[str] = []
        for target, source in layout:
            if is_dir[target]:
                os.makedirs(inside(target), exist_ok=True)
            else:
                os.makedirs(os.path.dirname(inside(target)), exist_ok=True)
                if not os.path.exists(inside(target)):
                    open(inside(target), "a").close()
            if source is not None:
                _bind(libc, handles[source], inside(target))
            elif is_dir[target]:  # a hidden folder inside a kept one: an empty cover (read-only below)
                _mount(libc, "tmpfs", inside(target), "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
                covers.append(inside(target))
            else:
                _bind(libc, handles["/dev/null"], inside(target))
        os.makedirs(inside("/dev/shm"))
        for device in DEVICES:
            if device in handles:
                open(inside(device), "a").close()
                _bind(libc, handles[device], inside(device), read_only=False)
        for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                             ("stderr", "/proc/self/fd/2")):
            os.symlink(target, inside(f"/dev/{name}"))
        _write_user_database(inside("/etc"), owner)
        os.makedirs(inside("/proc"))
        os.makedirs(inside(WORKDIR))
        for folder in [NEW_ROOT, *covers]:  # read-only once a kept folder inside may have needed a mount point
            _mount(libc, None, folder, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    finally:
        for handle in handles.values():  # never let student code hold a way back to the host's tree
            os.close(handle)
    _pivot_root(libc, NEW_ROOT)
    try:  # a /proc of our own PID namespace: other processes stay invisible
        _mount(libc, "proc", "/proc", "proc", MS_NOSUID | MS_NODEV)
    except OSError:
        pass
    _mount(libc, "tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"size={_workdir_mb(limits)}m,mode=1777")


def _write_user_database(etc: str, owner: tuple[int, int] | None) -> None:
    """Only the users a student's process may meet: ``getpass.getuser()`` and ``ls -l`` still work."""
    os.makedirs(etc, exist_ok=True)
    uid, gid = owner or (os.getuid(), os.getgid())
    Path(etc, "passwd").write_text(f"root:x:0:0:root:/:/usr/sbin/nologin\n"
                                   f"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
                                   f"student:x:{uid}:{gid}:student:{WORKDIR}:/usr/sbin/nologin\n")
    Path(etc, "group").write_text(f"root:x:0:\nnogroup:x:65534:\nstudent:x:{gid}:\n")


def _hide_filesystem(libc, hide: list[str], keep: list[str]) -> None:
    """The deny-list fallback: cover ``hide`` with empty tmpfs mounts, then bind ``keep`` (read-only) back."""
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


def _workdir_mb(limits: Limits) -> int:
    return max(limits.file_mb * 4, 64)


def _private_workdir(libc, files: dict[str, bytes], owner: tuple[int, int] | None, limits: Limits) -> str:
    os.makedirs(WORKDIR, exist_ok=True)
    _mount(libc, "tmpfs", WORKDIR, "tmpfs", MS_NOSUID | MS_NODEV, f"size={_workdir_mb(limits)}m,mode=0700")
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


def _set_limits(limits: Limits, mapped: int) -> None:
    memory = mapped + limits.memory_mb * 1024 * 1024
    for limit, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, limits.cpu_seconds),
                         (resource.RLIMIT_NPROC, limits.processes), (resource.RLIMIT_NOFILE, 256),
                         (resource.RLIMIT_FSIZE, limits.file_mb * 1024 * 1024), (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(limit, (value, value))


def confine(files: dict[str, bytes], limits: Limits, hide: list[str], keep: list[str],
            disable: frozenset[str] = frozenset()) -> tuple[str, Confinement]:
    """Confine the calling (freshly forked) process; return its working directory and a report.

    ``disable`` names mechanisms to skip ("network", "ipc", "allow-list": the deny-list fallback
    instead, "filesystem": neither, "user"), for tests of the degraded modes; a mechanism the
    system refuses is skipped the same way and reported.
    """
    libc, report = _libc(), Confinement()
    is_root = os.geteuid() == 0
    # Read while /proc is still the host's (the new root's may be refused, and shows pid 1 for us).
    uid, mapped = SANDBOX_UID_BASE + _host_pid(), _vm_size_bytes()
    owner = (uid, uid) if is_root else None

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
    attempt("ipc", lambda: _check(libc.unshare(CLONE_NEWIPC), "unshare(CLONE_NEWIPC)"),
            "ipc: own IPC namespace (its System V shared memory, semaphores and queues die with it)")
    hidden = "filesystem" not in disable and attempt(
        "allow-list", lambda: _allow_list_root(libc, hide, keep, owner, limits),
        "filesystem: allow-list root (only Python, the course packages and system libraries, read-only; "
        "a minimal /dev and /etc; the working folder)")
    if not hidden:
        hidden = attempt("filesystem", lambda: _hide_filesystem(libc, [*ALWAYS_HIDDEN, *hide], keep),
                         "filesystem (fallback): course root, /tmp, /root and /home hidden; the rest of the disk "
                         "readable; Python and course packages read-only")
    workdir = _private_workdir(libc, files, owner, limits) if hidden else _plain_workdir(files, owner)
    _set_limits(limits, mapped)
    report.applied.append(f"limits: {limits.memory_mb} MB memory, {limits.cpu_seconds} s CPU, "
                          f"{limits.processes} processes, {limits.file_mb} MB per file")
    if owner:
        def drop() -> None:
            os.setgroups([])
            os.setgid(owner[1])
            os.setuid(owner[0])
        attempt("user", drop, f"user: unprivileged uid {uid} of its own (privileges dropped)")
    else:
        report.missing.append(f"user: not started as root, so student code runs as {pwd.getpwuid(os.getuid()).pw_name}")
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # cleared by setuid: set it again
    os.chdir(workdir)
    return workdir, report


def _host_pid() -> int:
    """This process's pid as the host sees it (os.getpid() is 1 inside a new PID namespace)."""
    try:
        return int(os.readlink("/proc/self"))
    except (OSError, ValueError):
        return os.getpid()
