"""The sandbox's walls, tried from inside by submissions graded in one batch with honest classmates.

Issue 8 §1 and the sandbox cases of §2: the root shows only an allow-list (no other checkout of the
course, no host /etc or /run); System V and POSIX shared memory, files under /run/lock and host Unix
sockets are out of reach and nothing a sandbox made outlives the batch; each sandbox has its own
process budget; the grader's environment never reaches a student; and no sandbox process survives
``kill -9`` of the grader.
"""
from __future__ import annotations

import ctypes
import io
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

import autograder
from autograder.batch import read_ledger, sandbox_paths
from autograder.commands import grade
from autograder.sandbox import WORKDIR, Limits

from .course_fixture import AUTO_POINTS, SOFTMAX, code, hand_in, make_course, submission, without_markers

pytestmark = pytest.mark.slow

CORRECT_SOFTMAX = without_markers(SOFTMAX)
TOKEN = secrets.token_hex(6)
SECRET = f"grader-secret-{secrets.token_hex(12)}"
OTHER_COPY = Path(f"/srv/autograder-test-{TOKEN}/source/week98/week98.ipynb")
SOCKETS = [f"/run/lock/autograder-test-{TOKEN}.sock", f"/tmp/autograder-test-{TOKEN}.sock"]
LOCK_FILE = f"/run/lock/autograder-test-{TOKEN}.txt"
SHM_KEY = 0x5A000000 + secrets.randbelow(1 << 20)
POSIX_SHM = f"/autograder-test-{TOKEN}"
HOLD_SECONDS = 25
# What the issue allows a sandbox to show: the Python installation and the course packages (the batch's
# ``keep``), the system's shared libraries and time zones, a minimal /dev and /etc, /proc, the working folder.
SYSTEM = ["/usr/lib", "/usr/lib64", "/lib", "/lib64", "/etc/ld.so.cache", "/usr/share/zoneinfo", "/etc/passwd",
          "/etc/group", "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/shm", "/dev/fd",
          "/dev/stdin", "/dev/stdout", "/dev/stderr", "/proc", WORKDIR]


def allow_list(root: Path) -> list[str]:
    _, keep = sandbox_paths(root)
    return sorted({*SYSTEM, *(os.path.abspath(k) for k in keep), *(os.path.realpath(k) for k in keep)})


def walks_the_disk(allowed: list[str]) -> str:
    """Every readable path not under the allow-list (nor a folder on the way to it), and a few probes."""
    return code(f'''
        import json, os
        ALLOWED = {allowed!r}
        def shown(path):
            return any(path == a or path.startswith(a + "/") for a in ALLOWED)
        def on_the_way(path):
            return any(a.startswith(path + "/") for a in ALLOWED)
        outside, counts = [], {{}}
        for top, dirs, files in os.walk("/"):
            for name in list(dirs) + files:
                path = os.path.join(top, name)
                if not os.access(path, os.R_OK):
                    continue
                counts["/" + path.split("/")[1]] = counts.get("/" + path.split("/")[1], 0) + 1
                if shown(path) or not on_the_way(path):
                    if not shown(path):
                        outside.append(path)
                    if name in dirs:  # inside the allow-list everything is allowed; outside one is enough
                        dirs.remove(name)
        probes = {{"other_copy": os.path.exists({str(OTHER_COPY)!r}), "run": os.path.exists("/run"),
                   "etc": sorted(os.listdir("/etc")), "users": [l.split(":")[0] for l in open("/etc/passwd")]}}
        try:
            open({str(OTHER_COPY)!r}).read()
            probes["other_copy_read"] = True
        except OSError:
            probes["other_copy_read"] = False
        print("WALK:" + json.dumps({{"outside": outside[:500], "outside_count": len(outside), "top": counts,
                                     **probes}}))
    ''') + "\n" + CORRECT_SOFTMAX


LEAVES_THINGS_BEHIND = code(f'''
    import ctypes, json, os, socket, _posixshmem
    libc = ctypes.CDLL(None, use_errno=True)
    found = {{"sysv": [libc.shmget({SHM_KEY} + i, 1 << 20, 0o1000 | 0o600) for i in range(2)]}}  # IPC_CREAT
    try:
        fd = _posixshmem.shm_open({POSIX_SHM!r}, os.O_CREAT | os.O_RDWR, 0o600)
        os.ftruncate(fd, 1 << 20)
        found["posix"] = "created"
    except OSError as error:
        found["posix"] = repr(error)
    for path in {SOCKETS!r}:
        client = socket.socket(socket.AF_UNIX)
        client.settimeout(2)
        try:
            client.connect(path)
            found[path] = "connected"
        except OSError as error:
            found[path] = repr(error)
    try:
        open({LOCK_FILE!r}, "wb").write(b"x" * 700_000)
        found["lock"] = "written"
    except OSError as error:
        found["lock"] = repr(error)
    print("LEFT:" + json.dumps(found))
''') + "\n" + CORRECT_SOFTMAX

DUMPS_ENVIRONMENT = code('''
    import ctypes, os
    ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE: /proc/self/environ readable again
    parts = ["ENV:", repr(dict(os.environ))]
    for path in ("/proc/self/environ", "/proc/1/environ"):
        try:
            parts.append(open(path, "rb").read().decode(errors="replace"))
        except OSError as error:
            parts.append(f"{path}: {error}")
    fields = open("/proc/self/stat").read().rsplit(")", 1)[1].split()
    start, end = int(fields[-3]), int(fields[-2])  # env_start, env_end: the environment exec left on the stack
    if start and end > start:
        parts.append(ctypes.string_at(start, end - start).decode(errors="replace"))
    print("\\n".join(parts).replace("\\0", " "))
''') + "\n" + CORRECT_SOFTMAX

HOLDS_PROCESSES = code(f'''
    import os, time
    held = 0
    for _ in range(200):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            time.sleep(120)
            os._exit(0)
        held += 1
    print(f"holding {{held}} processes")
    time.sleep({HOLD_SECONDS})
''') + "\n" + CORRECT_SOFTMAX

THREADED_SOFTMAX = code('''
    import threading, time
    time.sleep(5)  # a slow start: the classmate's processes are all there by now
    def softmax(z):
        parts = [None] * 8
        def work(i):
            parts[i] = np.exp(z - z.max(axis=-1, keepdims=True))
        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return parts[0] / parts[0].sum(axis=-1, keepdims=True)
''')


class UnixServer:
    """A host service listening on a filesystem Unix socket anyone may connect to; counts connections."""

    def __init__(self, path: str):
        self.path, self.connections = path, 0
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(path)
        os.chmod(path, 0o777)
        self.server.listen()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                self.server.accept()[0].close()
            except OSError:
                return
            self.connections += 1

    def close(self):
        self.server.close()
        Path(self.path).unlink(missing_ok=True)


def _remove_shm_segments() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for key in (SHM_KEY, SHM_KEY + 1):
        shmid = libc.shmget(key, 0, 0)
        if shmid >= 0:
            libc.shmctl(shmid, 0, None)  # IPC_RMID


def _host_shm_keys() -> set[int]:
    lines = Path("/proc/sysvipc/shm").read_text().splitlines()[1:]
    return {int(line.split()[0]) for line in lines}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("the sandbox's namespaces need root")
    root = make_course(tmp_path_factory.mktemp("course"))
    OTHER_COPY.parent.mkdir(parents=True)
    shutil.copy2(root / "source" / "week98" / "week98.ipynb", OTHER_COPY)
    servers = [UnixServer(path) for path in SOCKETS]
    students = {
        "aaa-holds-processes": {"softmax": HOLDS_PROCESSES},  # first in the batch; its processes outlast the rest
        "walks-the-disk": {"softmax": walks_the_disk(allow_list(root))},
        "leaves-things-behind": {"softmax": LEAVES_THINGS_BEHIND},
        "dumps-environment": {"softmax": DUMPS_ENVIRONMENT},
        "honest": {},
        "zzz-threads": {"softmax": THREADED_SOFTMAX},
    }
    for student, answers in students.items():
        hand_in(root, student, submission(root, answers))
    limits = Limits(memory_mb=1024, cell_timeout=60, notebook_timeout=120, file_mb=16, output_chars=100_000)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("AUTOGRADER_TEST_SECRET", SECRET)
            rows = grade(root, "week98", students=None, workers=2, scheduler=None, limits=limits,
                         out=io.StringIO())
        yield root, {row["student"]: row for row in rows}, servers, None
    finally:
        for server in servers:
            server.close()
        shutil.rmtree(OTHER_COPY.parents[2], ignore_errors=True)
        Path(LOCK_FILE).unlink(missing_ok=True)
        Path("/dev/shm" + POSIX_SHM).unlink(missing_ok=True)
        _remove_shm_segments()


def _printed(root: Path, student: str, marker: str) -> str:
    notebook = nbformat.read(root / "autograded" / student / "week98" / "week98.ipynb", as_version=4)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines():
                if line.startswith(marker):
                    return line[len(marker):]
    entry = read_ledger(root, student, "week98").get("week98.ipynb", {})
    raise AssertionError(f"{student} printed no {marker} line: {entry.get('notes')}")


@pytest.mark.parametrize("student", ["aaa-holds-processes", "walks-the-disk", "leaves-things-behind",
                                     "dumps-environment", "honest", "zzz-threads"])
def test_every_submission_still_scores_its_work(graded, student):
    root, rows, _, _ = graded
    if student == "aaa-holds-processes":  # it did take (nearly) its whole budget while the others ran
        assert int(_printed(root, student, "holding ").split()[0]) >= Limits().processes - 8
    assert rows[student]["auto_score"] == AUTO_POINTS, read_ledger(root, student, "week98")


def test_the_root_shows_only_the_allow_list(graded):
    root, _, _, _ = graded
    walk = json.loads(_printed(root, "walks-the-disk", "WALK:"))
    print("readable entries per top-level folder:", walk["top"])
    assert walk["outside_count"] == 0, "readable outside the allow-list:\n" + "\n".join(walk["outside"])
    assert not walk["other_copy"] and not walk["other_copy_read"]  # another checkout of the course
    assert not walk["run"]
    assert set(walk["etc"]) <= {"passwd", "group", "ld.so.cache"}, walk["etc"]
    assert set(walk["users"]) <= {"root", "nobody", "student"}, walk["users"]


def test_shared_memory_sockets_and_host_files_do_not_outlive_the_sandbox(graded):
    root, _, servers, _ = graded
    left = json.loads(_printed(root, "leaves-things-behind", "LEFT:"))
    assert all(shmid >= 0 for shmid in left["sysv"]) and left["posix"] == "created", left  # it made them
    assert not {SHM_KEY, SHM_KEY + 1} & _host_shm_keys(), "System V segments outlived the batch"
    assert not Path("/dev/shm" + POSIX_SHM).exists(), "POSIX shared memory outlived the batch"
    for server in servers:
        assert left[server.path] != "connected" and server.connections == 0, f"reached {server.path}"
    assert left["lock"] != "written" and not Path(LOCK_FILE).exists(), "wrote under /run/lock"


def test_the_graders_environment_reaches_no_output(graded):
    root, _, _, _ = graded
    dumped = (root / "autograded" / "dumps-environment" / "week98" / "week98.ipynb").read_text()
    assert "ENV:" in dumped and "PATH" in dumped  # the dump itself worked
    leaks = [str(path.relative_to(root)) for path in root.rglob("*")
             if path.is_file() and SECRET.encode() in path.read_bytes()]
    assert not leaks, f"the grader's secret reached {leaks}"


def test_confinement_report_names_a_uid_of_the_sandboxs_own(graded):
    root, _, _, _ = graded
    applied = {student: " ".join(read_ledger(root, student, "week98")["week98.ipynb"]["confinement"]["applied"])
               for student in ("honest", "zzz-threads")}
    assert all("allow-list root" in text and "ipc" in text for text in applied.values()), applied
    uids = {text.split("unprivileged uid ")[1].split()[0] for text in applied.values()}
    assert len(uids) == 2, applied


# ----------------------------------------------------------------------------- kill -9 of the grader


def _processes() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, uid, start time) of every process."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            uid = int(next(line for line in Path(f"/proc/{entry}/status").read_text().splitlines()
                           if line.startswith("Uid:")).split()[1])
        except (OSError, StopIteration):
            continue
        found[int(entry)] = (int(stat[1]), uid, stat[19])
    return found


def _descendants(pid: int) -> dict[int, tuple[int, int, str]]:
    processes, found, frontier = _processes(), {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, info in processes.items():
            if info[0] == parent and child not in found:
                found[child] = info
                frontier.append(child)
    return found


def _alive(processes: dict[int, tuple[int, int, str]]) -> list[int]:
    now = _processes()
    return [pid for pid, info in processes.items() if pid in now and now[pid][2] == info[2]]


def test_no_sandbox_process_survives_kill_9_of_the_grader(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("the sandbox's namespaces need root")
    root = make_course(tmp_path)
    hand_in(root, "sleeps", submission(root, {"softmax": "import time\ntime.sleep(600)"}))
    hand_in(root, "forks-and-clears-its-pdeathsig", submission(root, {"softmax": code('''
        import ctypes, os, time
        ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)  # PR_SET_PDEATHSIG 0: outlive the grader if nothing else stops it
        for _ in range(5):
            if os.fork() == 0:
                break
        time.sleep(600)
    ''')}))
    command = [sys.executable, "-m", "autograder.cli", "grade", "week98", "--workers", "2", "--timeout", "300",
               "--notebook-timeout", "600"]
    here = str(Path(autograder.__file__).parents[1])  # the CLI of the autograder under test
    grader = subprocess.Popen(command, cwd=root, start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": here})
    everything: dict = {}
    try:
        deadline = time.monotonic() + 180
        sandboxed: dict = {}
        while len(sandboxed) < 7 and time.monotonic() < deadline and grader.poll() is None:
            time.sleep(1)
            everything = _descendants(grader.pid)
            sandboxed = {pid: info for pid, info in everything.items() if info[1] != os.getuid()}
        assert len(sandboxed) >= 7, f"the sandboxes never started: {grader.poll()} {sandboxed}"
        os.kill(grader.pid, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while _alive(sandboxed) and time.monotonic() < deadline:
            time.sleep(0.5)
        survivors = {pid: _processes().get(pid) for pid in _alive(sandboxed)}
        assert not survivors, f"15 s after kill -9 of the grader these sandbox processes live on: {survivors}"
    finally:
        for pid in _alive({**everything, **_descendants(grader.pid)}):  # ours, even if the test failed
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.killpg(grader.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        grader.wait()


# ----------------------------------------------------------------------------- the layout, and the fallbacks


def test_layout_covers_hidden_folders_inside_kept_ones_and_shows_kept_ones_inside_hidden(tmp_path):
    from autograder.sandbox import _layout
    (tmp_path / "env" / "course" / "source").mkdir(parents=True)
    (tmp_path / "checkout" / "pkg" / "sub").mkdir(parents=True)
    env, checkout = str(tmp_path / "env"), str(tmp_path / "checkout")
    layout = dict(_layout(hide=[f"{env}/course", checkout], keep=[env, f"{checkout}/pkg", f"{checkout}/pkg/sub"]))
    assert layout[env] == env and layout[f"{checkout}/pkg"] == f"{checkout}/pkg"
    assert layout[f"{env}/course"] is None  # hidden inside a kept folder: covered
    assert checkout not in layout  # hidden and shown by nothing: simply absent from the new root
    assert f"{checkout}/pkg/sub" not in layout  # shown through its parent already


@pytest.fixture(scope="module")
def zygote():
    if os.geteuid() != 0:
        pytest.skip("the sandbox's namespaces need root")
    from autograder.zygote import Zygote
    handle = Zygote()
    yield handle
    handle.close()


def _run_in_sandbox(zygote, source: str, disable: frozenset[str] = frozenset()) -> tuple[dict, str]:
    from autograder import channel
    hide, keep = sandbox_paths(Path.cwd())
    sock, _ = zygote.spawn({"data/table.csv": b"1,2\n"}, Limits(), hide, keep, disable)
    try:
        hello = channel.receive(sock, 60)
        channel.send(sock, {"op": "run", "source": source})
        reply = channel.receive(sock, 60)
        channel.send(sock, {"op": "exit"})
    finally:
        sock.close()
    return hello, reply["stdout"] + str(reply["error"] or "")


def test_the_working_folder_belongs_to_the_sandboxs_own_uid(zygote):
    hello, printed = _run_in_sandbox(zygote, code('''
        import os
        print(os.getuid(), os.stat(".").st_uid, os.stat("data/table.csv").st_uid, open("data/table.csv").read())
    '''))
    uid, *owners = printed.split()[:3]
    assert int(uid) >= 2_000_000_000 and owners == [uid, uid], printed
    assert f"user: unprivileged uid {uid} of its own" in " ".join(hello["applied"])


@pytest.mark.parametrize("disable, applied, missing", [
    ({"allow-list"}, "filesystem (fallback): course root, /tmp, /root and /home hidden", "allow-list: disabled"),
    ({"filesystem"}, None, "filesystem: disabled"),
])
def test_without_the_allow_list_grading_goes_on_and_says_so(zygote, disable, applied, missing):
    hello, printed = _run_in_sandbox(zygote, "print(open('data/table.csv').read().strip())", frozenset(disable))
    assert hello["confined"] and printed.strip() == "1,2", printed
    assert not any("allow-list root" in line for line in hello["applied"])
    if applied:
        assert any(applied in line for line in hello["applied"]), hello
    assert any(missing in line for line in hello["missing"]), hello
