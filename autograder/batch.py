"""`autograder grade`: every submission of an assignment, graded in parallel on Dask, recorded once.

Workers (an embedded local cluster, or an existing one at --scheduler) only compute results;
this process is the gradebook's single writer.  Each finished submission is committed to
nbgrader's gradebook, its graded notebook is written to ``autograded/``, and last a ledger entry
is written atomically: a batch killed at any point and started again skips exactly the
submissions whose ledger entry matches (same submission, same source, same seed) and regrades
the rest, overwriting rather than adding, so nothing is lost and nothing is counted twice.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.preprocessors import ClearHiddenTests

from autograder.grading import Job, Result
from autograder.scratch import generate_assignment
from autograder.sandbox import Limits

LEDGER = ".autograder.json"


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
    base = root / "submitted"
    if not base.is_dir():
        raise GradingError(f"no submitted/ folder in {root}: collect submissions first "
                           "(nbgrader collect, or nbgrader zip_collect for an LMS download).")
    found = []
    for folder in sorted(base.iterdir()):
        if folder.is_dir() and (not students or folder.name in students) and (folder / assignment).is_dir():
            found += [Submission(folder.name, path.name, path) for path in sorted((folder / assignment).glob("*.ipynb"))]
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
    """Files students get with the assignment (data), from the release: never the source folder."""
    release = root / "release" / assignment
    if not release.is_dir():
        return {}
    return {str(p.relative_to(release)): p.read_bytes() for p in sorted(release.rglob("*"))
            if p.is_file() and p.suffix != ".ipynb" and p.stat().st_size < 50_000_000}


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


def register_assignment(root: Path, assignment: str, url: str) -> None:
    """Let nbgrader record the assignment's cells in the gradebook (what generate_assignment does).

    Runs in a scratch copy so that the instructor's release/ is left as `autograder build` made it.
    """
    with tempfile.TemporaryDirectory(prefix="autograder-register-") as scratch:
        result = generate_assignment(root, assignment, Path(scratch), f"--CourseDirectory.db_url={url}")
        if result.returncode != 0:
            raise GradingError(f"nbgrader could not record {assignment} in the gradebook:\n"
                               f"{(result.stdout + result.stderr)[-2000:]}")


def record(gradebook: Gradebook, result: Result, timestamp: str | None) -> None:
    """Write one notebook's auto scores, overwriting (never adding to) what a previous run wrote."""
    gradebook.update_or_create_student(result.student)
    try:
        gradebook.find_submission(result.assignment, result.student)
    except Exception:
        gradebook.add_submission(result.assignment, result.student,
                                 **({"timestamp": timestamp} if timestamp else {}))
    notebook_id = Path(result.notebook).stem
    for verdict in result.verdicts:
        grade = gradebook.find_grade(verdict.grade_id, notebook_id, result.assignment, result.student)
        grade.auto_score = verdict.score
        grade.needs_manual_grade = verdict.score is None or grade.manual_score is not None
    gradebook.db.commit()


# ----------------------------------------------------------------------------- files


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(text)
    os.replace(temporary, path)


def write_graded_notebook(root: Path, result: Result) -> Path:
    """The executed notebook with our verdicts, minus hidden tests (nbgrader's feedback shows it)."""
    notebook = nbformat.from_dict(result.executed)
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


def write_ledger_entry(root: Path, result: Result, submission_sha: str, source_sha: str) -> None:
    path = ledger_path(root, result.student, result.assignment)
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
              disable: frozenset[str]) -> tuple[list[Job], list[Submission], dict]:
    sources = source_notebooks(root, assignment)
    files = shipped_files(root, assignment)
    salt = _seed_salt(root)
    hide, keep = sandbox_paths(root)
    jobs, skipped, hashes = [], [], {}
    for submission in submissions:
        source = sources.get(submission.notebook)
        if source is None:
            continue  # a stray notebook that is not part of the assignment
        data = submission.path.read_bytes()
        seed = submission_seed(salt, assignment, submission.student)
        hashes[(submission.student, submission.notebook)] = (_sha(data), _sha(source))
        previous = read_ledger(root, submission.student, assignment).get(submission.notebook, {})
        if (not force and previous.get("submission_sha256") == _sha(data)
                and previous.get("source_sha256") == _sha(source) and previous.get("seed") == seed):
            skipped.append(submission)
            continue
        jobs.append(Job(submission.student, assignment, submission.notebook, data, source, files, seed,
                        limits, hide, keep, disable))
    return jobs, skipped, hashes
