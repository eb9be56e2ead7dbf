"""`autograder grade`: every submission of an assignment, graded in parallel on Dask, recorded once.

Workers (an embedded local cluster, or an existing one at --scheduler) only compute results;
this process is the gradebook's single writer.  Each finished submission is committed to
nbgrader's gradebook, its graded notebook is written to ``autograded/``, and last a ledger entry
is written atomically: a batch killed at any point and started again skips exactly the
submissions whose ledger entry matches (same submission, same source, same seed) and regrades
the rest, overwriting rather than adding, so nothing is lost and nothing is counted twice.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import stat
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, InvalidEntry
from nbgrader.preprocessors import ClearHiddenTests
from nbgrader.utils import parse_utc
from sqlalchemy.exc import IntegrityError, OperationalError, SAWarning

from autograder.grading import Job, Result
from autograder.merge import is_test
from autograder.scratch import generate_assignment
from autograder.sandbox import Limits

LEDGER = ".autograder.json"
MAX_SUBMISSION_BYTES = 100_000_000
HIDDEN_MARKERS_TEXT = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")  # nbgrader's default delimiters


@dataclass(frozen=True)
class Submission:
    student: str
    notebook: str
    path: Path


class GradingError(Exception):
    """The batch cannot start; the message says what to fix."""


# ----------------------------------------------------------------------------- course layout


def db_url(root: Path) -> str:
    """nbgrader's ``CourseDirectory.db_url`` from nbgrader_config.py, else the default SQLite file."""
    from traitlets.config.loader import PyFileConfigLoader
    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    url = config.get("CourseDirectory", {}).get("db_url")
    return str(url) if url else f"sqlite:///{root / 'gradebook.db'}"


def find_submissions(root: Path, assignment: str, students: list[str] | None) -> list[Submission]:
    """Every ``submitted/<student>/<assignment>/*.ipynb`` entry, links and folders included: those are
    refused one by one when the jobs are planned (see :func:`refusal`), never followed."""
    base = root / "submitted"
    if not base.is_dir():
        raise GradingError(f"no submitted/ folder in {root}: collect submissions first "
                           "(nbgrader collect, or nbgrader zip_collect for an LMS download).")
    found = []
    for folder in sorted(base.iterdir()):
        if (students and folder.name not in students) or not (folder / assignment).is_dir():
            continue
        found += [Submission(folder.name, path.name, path) for path in sorted((folder / assignment).iterdir())
                  if path.name.endswith(".ipynb")]
    if students:
        missing = sorted(set(students) - {s.student for s in found})
        if missing:
            raise GradingError(f"no submission of {assignment} from: {', '.join(missing)}")
    return found


def source_notebooks(root: Path, assignment: str) -> dict[str, str]:
    folder = root / "source" / assignment
    notebooks = {p.name: p.read_text() for p in sorted(folder.glob("*.ipynb"))}
    if not notebooks:
        raise GradingError(f"source/{assignment}/ has no notebook: run `autograder build {assignment}` first.")
    return notebooks


def shipped_files(root: Path, assignment: str) -> dict[str, bytes]:
    """Files students get with the assignment (data), from the release: never the source folder, and
    never through a symbolic link (which could point anywhere, the source folder included)."""
    release = root / "release" / assignment
    if not release.is_dir() or release.is_symlink():
        return {}
    files = {}
    for folder, folders, names in os.walk(release):  # os.walk does not follow links to folders
        for name in names:
            path = Path(folder) / name
            if path.suffix != ".ipynb" and regular_file(path) and path.lstat().st_size < 50_000_000:
                files[str(path.relative_to(release))] = path.read_bytes()
    return dict(sorted(files.items()))


def regular_file(path: Path) -> bool:
    return stat.S_ISREG(path.lstat().st_mode)


def refusal(root: Path, submission: Submission) -> str | None:
    """Why a handed-in entry is not graded at all, or None. Only regular files inside submitted/ are
    read: a symbolic link (to the instructor's source notebook, say) or a folder scores 0 with a note."""
    base = root / "submitted"
    for path in (submission.path.parent.parent, submission.path.parent, submission.path):
        if path.is_symlink():
            where = path.relative_to(base)
            return f"{where} is a symbolic link, not the notebook itself: hand in the file (every question scores 0)"
    if not regular_file(submission.path):
        return f"{submission.notebook} is not a file (a folder or a device?): hand in the notebook file itself"
    if submission.path.lstat().st_size > MAX_SUBMISSION_BYTES:
        return (f"{submission.notebook} is {submission.path.lstat().st_size / 1e6:.0f} MB, more than the "
                f"{MAX_SUBMISSION_BYTES / 1e6:.0f} MB a notebook may be: clear its outputs and hand it in again")
    return None


def read_timestamp(folder: Path) -> tuple[datetime | None, str | None]:
    """``timestamp.txt`` (nbgrader's, or an LMS's) as a UTC datetime, and a note when it cannot be used."""
    stamp = folder / "timestamp.txt"
    if not stamp.exists() and not stamp.is_symlink():
        return None, None
    if not regular_file(stamp):
        return None, "timestamp.txt is not a plain file: graded without a submission time"
    text = stamp.read_text(errors="replace").strip()
    try:
        return parse_utc(text), None
    except Exception:  # nbgrader's parser raises several kinds (ParserError, OverflowError, ...)
        return None, (f"timestamp.txt does not hold a date ({text[:60]!r}): graded without a submission "
                      "time, so no late penalty can be computed")


def _seed_salt(root: Path) -> str:
    """A secret per course, so that hidden inputs cannot be predicted from a student id."""
    path = root / ".autograder" / "seed-salt"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(secrets.token_hex(16))
        path.chmod(0o600)
    return path.read_text().strip()


def submission_seed(salt: str, assignment: str, student: str) -> int:
    digest = hashlib.sha256(f"{salt}:{assignment}:{student}".encode()).digest()
    return int.from_bytes(digest[:4], "little")


def _sha(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


# ----------------------------------------------------------------------------- gradebook


# What a database says when another grader wrote the same row first (Postgres, SQLite): worth another try.
RACE_SIGNS = ("UniqueViolation", "IntegrityError", "duplicate key", "deadlock detected", "could not serialize",
              "database is locked")
ATTEMPTS = 5


def register_assignment(root: Path, assignment: str, url: str, out=sys.stderr) -> None:
    """Let nbgrader record the assignment's cells in the gradebook (what generate_assignment does).

    Runs in a scratch copy so that the instructor's release/ is left as `autograder build` made it. Two graders
    sharing a gradebook may register the same assignment at the same moment: the one whose rows lose the race
    says so and registers again, now finding (and updating) the rows the other one wrote.
    """
    for attempt in range(1, ATTEMPTS + 1):
        with tempfile.TemporaryDirectory(prefix="autograder-register-") as scratch:
            result = generate_assignment(root, assignment, Path(scratch), f"--CourseDirectory.db_url={url}")
        if result.returncode == 0:
            return
        text = result.stdout + result.stderr
        sign = next((sign for sign in RACE_SIGNS if sign in text), None)
        if sign is None or attempt == ATTEMPTS:
            raise GradingError(f"nbgrader could not record {assignment} in the gradebook:\n{text[-2000:]}")
        print(f"{assignment}: another grader was recording it in the same gradebook at the same moment "
              f"({sign}); recording it again ({attempt}/{ATTEMPTS - 1}).", file=out)
        _back_off(attempt)


def _back_off(attempt: int) -> None:
    """A random pause that grows with the attempt, so that two racing graders do not collide again."""
    time.sleep(secrets.SystemRandom().uniform(0.2, 1.0) * attempt)


def record(gradebook: Gradebook, result: Result, timestamp: datetime | None, out=sys.stderr) -> None:
    """Write one notebook's auto scores and its submission time, overwriting (never adding to) what a
    previous run wrote: a grade cell this result has no verdict for is set to 0, so the gradebook can
    never keep an earlier attempt's score that the ledger and grades.csv no longer show.

    Another grader sharing the gradebook may add the same student or submission at the same moment: the
    loser of that race says so and records again, updating the rows the other one wrote."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _record_once(gradebook, result, timestamp)
        except (InvalidEntry, IntegrityError, OperationalError) as error:
            gradebook.db.rollback()
            sign = next((sign for sign in RACE_SIGNS if sign in f"{type(error).__name__} {error}"), None)
            if sign is None or attempt == ATTEMPTS:
                raise
            print(f"{result.student}: another grader was recording {result.assignment} for this student in the "
                  f"same gradebook at the same moment ({sign}); recording it again.", file=out)
            _back_off(attempt)


def _record_once(gradebook: Gradebook, result: Result, timestamp: datetime | None) -> None:
    gradebook.update_or_create_student(result.student)
    try:
        submission = gradebook.find_submission(result.assignment, result.student)
    except Exception:
        with warnings.catch_warnings():
            # nbgrader's add_submission builds the submission's rows before adding them to the session, and
            # SQLAlchemy 2 warns three times that autoflush skipped them ("not in session"): nbgrader then adds
            # and commits them itself, so the warning says nothing an instructor can act on.
            warnings.filterwarnings("ignore", message=r"Object of type <Submitted\w+> not in session",
                                    category=SAWarning)
            submission = gradebook.add_submission(result.assignment, result.student)
    submission.timestamp = timestamp  # a later resubmission's time, so late penalties follow it
    verdicts = {v.grade_id: v for v in result.verdicts}
    notebook = gradebook.find_submission_notebook(Path(result.notebook).stem, result.assignment, result.student)
    for grade in notebook.grades:
        verdict = verdicts.get(grade.name)
        grade.auto_score = verdict.score if verdict else 0.0
        grade.needs_manual_grade = (verdict is not None and verdict.score is None) or grade.manual_score is not None
    gradebook.db.commit()


# ----------------------------------------------------------------------------- files


def _write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never half of one. The temporary is unique to this writer:
    two graders sharing a course (overlapping --student lists) may write the same file at the same moment, and
    with one shared temporary name one's os.replace would move the other's half-written file, or find none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(text)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide graded notebooks from a non-root formgrader
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_graded_notebook(root: Path, result: Result) -> Path:
    """The executed notebook with our verdicts, minus hidden tests (nbgrader's feedback shows it)."""
    notebook = nbformat.from_dict(result.executed)
    for cell in notebook.cells:
        if not is_test(cell) and any(marker in cell.source for marker in HIDDEN_MARKERS_TEXT):
            # nbgrader's ClearHiddenTests (here and in generate_feedback) would cut or refuse a student's
            # cell that merely mentions its markers; keep the words, not the marker.
            for marker in HIDDEN_MARKERS_TEXT:
                cell.source = cell.source.replace(marker, marker.replace("HIDDEN TESTS", "HIDDEN-TESTS"))
            result.notes.append(f"a cell of yours contains nbgrader's marker text \"{HIDDEN_MARKERS_TEXT[0]}\"; "
                                "the graded notebook shows it as \"BEGIN HIDDEN-TESTS\"")
    notebook, _ = ClearHiddenTests().preprocess(notebook, {})
    path = root / "autograded" / result.student / result.assignment / result.notebook
    _write_atomically(path, nbformat.writes(notebook))
    return path


def ledger_path(root: Path, student: str, assignment: str) -> Path:
    return root / "autograded" / student / assignment / LEDGER


def read_ledger(root: Path, student: str, assignment: str) -> dict:
    try:
        return json.loads(ledger_path(root, student, assignment).read_text())
    except (OSError, ValueError):
        return {}


@contextlib.contextmanager
def _locked(path: Path):
    """An exclusive lock on path's folder for a read-modify-write, held across processes on this machine:
    two graders recording different notebooks of one student's assignment must not drop each other's entry."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / ".autograder.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def write_ledger_entry(root: Path, result: Result, submission_sha: str, source_sha: str) -> None:
    path = ledger_path(root, result.student, result.assignment)
    with _locked(path):
        _write_ledger_entry(path, root, result, submission_sha, source_sha)


def _write_ledger_entry(path: Path, root: Path, result: Result, submission_sha: str, source_sha: str) -> None:
    ledger = read_ledger(root, result.student, result.assignment)
    ledger[result.notebook] = {
        "submission_sha256": submission_sha, "source_sha256": source_sha, "seed": result.seed,
        "score": result.score, "max_score": result.max_score, "notes": result.notes,
        "verdicts": [asdict(v) for v in result.verdicts], "confinement": result.confinement,
        "seconds": result.seconds, "graded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    _write_atomically(path, json.dumps(ledger, indent=1, sort_keys=True))


def sandbox_paths(root: Path) -> tuple[list[str], list[str]]:
    """What the sandbox hides (the course root) and binds back read-only (Python, our packages)."""
    import autograder
    import course
    keep = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
            str(Path(course.__file__).parent), str(Path(autograder.__file__).parent)}
    keep |= {p for p in sys.path if p and Path(p).is_dir() and "site-packages" in p}
    return [str(root)], sorted(keep)


# ----------------------------------------------------------------------------- the batch


def plan_jobs(root: Path, assignment: str, submissions: list[Submission], limits: Limits, force: bool,
              disable: frozenset[str], slice_cells: bool = False) -> tuple[list[Job], list[Submission], dict]:
    sources = source_notebooks(root, assignment)
    files = shipped_files(root, assignment)
    salt = _seed_salt(root)
    hide, keep = sandbox_paths(root)
    jobs, skipped, hashes = [], [], {}
    for submission in submissions:
        source = sources.get(submission.notebook)
        if source is None:
            continue  # a stray notebook that is not part of the assignment
        refused = refusal(root, submission)
        seed = submission_seed(salt, assignment, submission.student)
        data_sha = _sha(refused if refused else submission.path.read_bytes())
        hashes[(submission.student, submission.notebook)] = (data_sha, _sha(source))
        previous = read_ledger(root, submission.student, assignment).get(submission.notebook, {})
        if (not force and previous.get("submission_sha256") == data_sha
                and previous.get("source_sha256") == _sha(source) and previous.get("seed") == seed):
            skipped.append(submission)
            continue
        # the file itself is read again when the job is sent (with_submission): a class is never in memory at once
        jobs.append(Job(submission.student, assignment, submission.notebook, b"", source, files, seed,
                        limits, hide, keep, disable, refused, slice=slice_cells))
    return jobs, skipped, hashes


def with_submission(root: Path, job: Job, hashes: dict) -> Job:
    """The job with the handed-in file in it, read as it is now: a notebook handed in again (or replaced by a
    link) since the batch was planned is graded, and its hash recorded in the ledger, as what it has become."""
    if job.refused:
        return job
    submission = Submission(job.student, job.notebook, root / "submitted" / job.student / job.assignment / job.notebook)
    key, (_, source_sha) = (job.student, job.notebook), hashes[(job.student, job.notebook)]
    refused = refusal(root, submission) if submission.path.exists() or submission.path.is_symlink() else \
        f"{job.notebook} was removed from submitted/ while the class was being graded (every question scores 0)"
    if refused:
        hashes[key] = (_sha(refused), source_sha)
        return replace(job, refused=refused)
    data = submission.path.read_bytes()
    hashes[key] = (_sha(data), source_sha)
    return replace(job, submitted=data)
