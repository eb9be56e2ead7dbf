"""Self-study progress: where you stand across all weeks, without an instructor.

For every week notebook it finds (your copies in ``release/weekNN/weekNN.ipynb`` by default), it runs the
notebook's code in a fresh Python process, as saved on disk, then tries each exercise's function on the
same randomized checks that ``check(...)`` uses and tells you, per exercise: **passed**, **failing** (and
why, in the checks' own words) or **not started**.  Checkpoint questions are listed as *answered* or
*not started*: whether an answer is right is decided only when a notebook is graded.

    python -m course.progress                 # the table, for every week under ./release (or the course root's)
    python -m course.progress path/to/folder --plot progress.png
    python -m course.progress --path interview   # only the notebooks of a learning path (see --help)

In a notebook::

    from course.progress import show
    show()          # a table and a small plot; save your notebooks first (it reads what is on disk)
    show(path="deep-learning")   # along one of the learning paths of START_HERE (course.catalogue.PATHS)

It is quick and light: a week whose answers are all untouched is not executed at all; a started week runs
its answer cells plus only the imports and definitions of the lesson cells (no plots, no training), and the
whole notebook only if an answer needs more; a week that has not changed since the last run is read from a
cache (``~/.cache/ml-course/progress``); weeks run one at a time, each in its own short-lived process
(about 0.1-0.4 GB: fine within Binder's 2 GB).  It is a self-check, not a grader: the code runs with your
own permissions, like your notebook.
"""
from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from course.catalogue import ORDER, PATHS, in_course_order

__all__ = ["Row", "Progress", "progress", "show", "find_notebooks", "main"]

PASSED, FAILING, NOT_STARTED, ANSWERED = "passed", "failing", "not started", "answered"
STATUSES = (PASSED, FAILING, NOT_STARTED, ANSWERED)
COLOURS = {PASSED: "#2e7d32", FAILING: "#c62828", NOT_STARTED: "#b0b0b0", ANSWERED: "#1565c0"}
STUB_MARKERS = ("YOUR CODE HERE", "raise NotImplementedError")
TEXT_STUB = "YOUR ANSWER HERE"
# Seconds per cell of the learner's notebook, and for one exercise's checks (an endless loop must not
# hang the table); COURSE_PROGRESS_TIMEOUT overrides both.  A week's process gets WEEK_TIMEOUT in all.
CELL_TIMEOUT = CHECK_TIMEOUT = int(os.environ.get("COURSE_PROGRESS_TIMEOUT", "60"))
WEEK_TIMEOUT = 10 * CELL_TIMEOUT
CACHE_VERSION = 1


@dataclass(frozen=True)
class Row:
    """One line of the progress table."""
    week: str
    exercise: str            # the function's name, or the checkpoint answer's grade_id
    kind: str                # "exercise" (checked now), "checkpoint" or "written" (graded later)
    status: str              # passed | failing | not started | answered
    why: str


@dataclass
class Progress:
    """Rows for every week found, with views: text table, HTML table, plot."""
    rows: list[Row] = field(default_factory=list)
    folder: Path | None = None
    path: str | None = None                  # the learning path the rows were chosen by, if any
    missing: tuple[str, ...] = ()            # notebooks of that path not found in the folder

    @property
    def weeks(self) -> list[str]:
        return in_course_order({row.week for row in self.rows})

    def path_line(self) -> str:
        """'Path: ...' with the notebooks of the path that are not there, or '' without a path."""
        if self.path is None:
            return ""
        chosen = PATHS[self.path]
        line = (f"Path '{chosen.name}' ({chosen.goal}, {chosen.duration}): "
                f"{' → '.join(chosen.notebooks)}.")
        if self.missing:
            line += f" Not in this folder: {', '.join(self.missing)}."
        return line

    def counts(self, week: str | None = None) -> dict[str, int]:
        """Exercise rows (checked now) per status, for one week or for all."""
        counts = dict.fromkeys((PASSED, FAILING, NOT_STARTED), 0)
        for row in self.rows:
            if row.kind == "exercise" and (week is None or row.week == week):
                counts[row.status] += 1
        return counts

    def summary(self) -> str:
        counts = self.counts()
        total = sum(counts.values())
        return (f"{counts[PASSED]} of {total} exercises pass their checks, {counts[FAILING]} failing, "
                f"{counts[NOT_STARTED]} not started ({len(self.weeks)} notebook{'s' * (len(self.weeks) != 1)}).")

    def table(self, width: int = 110) -> str:
        """A plain-text table (what the command prints)."""
        import textwrap
        intro = [*textwrap.wrap(self.path_line(), width), ""] if self.path else []
        if not self.rows:
            return "\n".join([*intro, "No course notebooks found."])
        name_width = max(8, *(len(row.week) + 2 for row in self.rows))
        header = f"{'week':<{name_width}}{'exercise':<28}{'status':<13}why"
        lines = [*intro, header, "-" * width]
        indent = name_width + 41
        room = max(width - indent, 30)
        for row in self.rows:
            why = textwrap.wrap(row.why, room) or [""]
            lines.append(f"{row.week:<{name_width}}{row.exercise:<28}{row.status:<13}{why[0]}")
            lines.extend(" " * indent + more for more in why[1:])
        lines.append("")
        lines.append(self.summary())
        return "\n".join(lines)

    def to_html(self) -> str:
        """An HTML table with coloured statuses (what ``show()`` displays)."""
        body = []
        for row in self.rows:
            colour = COLOURS[row.status]
            body.append(
                "<tr>"
                f"<td style='text-align:left'>{html.escape(row.week)}</td>"
                f"<td style='text-align:left'><code>{html.escape(row.exercise)}</code></td>"
                f"<td class='progress-status' data-status='{row.status}' style='text-align:left;color:{colour};"
                f"font-weight:bold;white-space:nowrap'>{html.escape(row.status)}</td>"
                f"<td style='text-align:left'>{html.escape(row.why)}</td>"
                "</tr>")
        head = "".join(f"<th style='text-align:left'>{name}</th>" for name in ("week", "exercise", "status", "why"))
        path = f"<p>{html.escape(self.path_line())}</p>" if self.path else ""
        return ("<div class='course-progress'>"
                f"{path}<p><b>{html.escape(self.summary())}</b></p>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")

    def _repr_html_(self) -> str:
        return self.to_html()

    def plot(self):
        """A small stacked bar per week: passed / failing / not started exercises."""
        import matplotlib
        from matplotlib.figure import Figure

        weeks = self.weeks or ["(none)"]
        figure = Figure(figsize=(max(5.0, 0.6 * len(weeks) + 3.0), 2.8), dpi=100)
        ax = figure.subplots()
        bottom = [0] * len(weeks)
        for status in (PASSED, FAILING, NOT_STARTED):
            heights = [self.counts(week)[status] if self.rows else 0 for week in weeks]
            ax.bar(weeks, heights, bottom=bottom, color=COLOURS[status], label=status, width=0.6)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        ax.set_ylabel("exercises")
        if len(weeks) > 8:
            ax.tick_params(axis="x", labelrotation=45)
        counts = self.counts()
        ax.set_title(f"{counts[PASSED]} of {sum(counts.values())} exercises pass their checks" if self.rows
                     else "No course notebooks found", fontsize=10)
        ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        return figure

    def save_plot(self, path: str | os.PathLike) -> Path:
        path = Path(path)
        self.plot().savefig(path)
        return path


# ----------------------------------------------------------------------------- finding the notebooks


def course_root(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` that holds ``release/NAME/NAME.ipynb`` for a course notebook."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if _course_notebooks(folder / "release"):
            return folder
    return None


def _course_notebooks(folder: Path) -> dict[str, Path]:
    """The course's notebooks (names in course.catalogue) in ``folder``: NAME/NAME.ipynb or NAME.ipynb."""
    if not folder.is_dir():
        return {}
    found = {path.stem: path for path in folder.glob("*.ipynb") if path.stem in ORDER}
    found.update({name: folder / name / f"{name}.ipynb" for name in ORDER
                  if (folder / name / f"{name}.ipynb").is_file()})
    return found


def find_notebooks(folder: str | os.PathLike | None = None) -> dict[str, Path]:
    """``{"week01": path, ...}``: ``folder/NAME/NAME.ipynb`` or ``folder/NAME.ipynb`` for the course's notebooks.

    Without a folder: the ``release/`` folder of the course this is run in (found from the current
    directory upwards), else the current directory.
    """
    if folder is None:
        root = course_root()
        folder = root / "release" if root else Path.cwd()
    folder = Path(folder)
    if folder.is_file():
        return {folder.stem: folder} if folder.stem in ORDER else {}
    found = _course_notebooks(folder)
    if not found and (folder / "release").is_dir():
        found = _course_notebooks(folder / "release")  # a course root was given
    return {name: found[name] for name in in_course_order(found)}


# ----------------------------------------------------------------------------- reading a notebook


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_test_cell(cell) -> bool:
    meta = _nbgrader(cell)
    return bool(meta.get("grade")) and not meta.get("solution")


def _answer_cells(notebook) -> list:
    return [cell for cell in notebook.cells if _nbgrader(cell).get("solution")]


def _untouched(cell) -> bool:
    """Still nbgrader's stub: the learner has not written anything here yet."""
    if cell.cell_type == "markdown":
        return cell.source.strip() in ("", TEXT_STUB)
    return all(marker in cell.source for marker in STUB_MARKERS)


def _defined_functions(source: str) -> list[str]:
    return re.findall(r"^def\s+([A-Za-z_]\w*)\s*\(", source, flags=re.MULTILINE)


def _exercise_functions(week: str) -> dict[str, str]:
    """``{function name: exercise key}`` for the week's registered exercises (none if it has no oracle)."""
    from course.exercises import get, keys
    try:
        return {get(key).function: key for key in keys(week)}
    except ModuleNotFoundError:
        return {}


def _plan(week: str, notebook) -> list[dict]:
    """What the table will list for this week, in notebook order: exercises first met where defined."""
    functions = _exercise_functions(week)
    plan, seen = [], set()
    for cell in _answer_cells(notebook):
        grade_id = str(_nbgrader(cell).get("grade_id", "answer"))
        if cell.cell_type == "markdown":
            plan.append({"name": grade_id, "kind": "written", "grade_id": grade_id})
            continue
        names = [name for name in _defined_functions(cell.source) if name in functions]
        if not names and grade_id in functions:
            names = [grade_id]
        for name in names:
            if name not in seen:
                seen.add(name)
                plan.append({"name": name, "kind": "exercise", "key": functions[name], "grade_id": grade_id})
        if not names:
            plan.append({"name": grade_id, "kind": "checkpoint", "grade_id": grade_id})
    for name, key in sorted(functions.items(), key=lambda item: item[1]):
        if name not in seen:  # an exercise whose answer cell was deleted or renamed
            plan.append({"name": name, "kind": "exercise", "key": key, "grade_id": None})
    return plan


def _not_started_rows(week: str, plan: list[dict]) -> list[Row]:
    why = {"exercise": "not implemented yet (the cell still says YOUR CODE HERE)",
           "checkpoint": "not answered yet", "written": "not written yet (graded by a person)"}
    return [Row(week, item["name"], item["kind"], NOT_STARTED, why[item["kind"]]) for item in plan]


# ----------------------------------------------------------------------------- the worker (a fresh process)


class _Timeout(BaseException):
    """Raised in the learner's code when it runs too long (a BaseException, so `except Exception` in the
    checks or in the learner's code does not swallow it; it is raised again every second until cancelled)."""


_ARMED = [False]


def _alarm(seconds: int):
    import signal

    def handler(signum, frame):
        if _ARMED[0]:
            raise _Timeout(f"took longer than {seconds} s")
    _ARMED[0] = True
    signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)


def _cancel_alarm():
    import signal
    _ARMED[0] = False
    signal.setitimer(signal.ITIMER_REAL, 0)


def _error_text(error: BaseException | None) -> str:
    if error is None:
        return ""
    text = f"{type(error).__name__}: {error}".strip()
    return text[:300]


def _definitions_only(source: str) -> str:
    """The imports, function and class definitions and constant assignments of a lesson cell.

    The quick pass runs only these from lesson cells (no plots, no training, no explorers): enough for
    the learner's functions, which the course asks to write from scratch on top of the imports.
    """
    import ast
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ""

    def constant(node) -> bool:
        try:
            ast.literal_eval(node)
            return True
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return False

    kept = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or (
                isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and constant(node.value)):
            kept.append(ast.get_source_segment(source, node, padded=True) or "")
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.decorator_list:
                first = min(decorator.lineno for decorator in node.decorator_list)
                kept[-1] = "\n".join(source.splitlines()[first - 1:node.end_lineno])
    return "\n".join(kept)


def _worker(notebook_path: str, week: str, result_path: str, mode: str = "full") -> None:
    """Run the learner's notebook (answers and lesson code, not the test cells) and check each exercise.

    ``mode="quick"`` runs only the definitions of lesson cells (see :func:`_definitions_only`) and the
    answer cells in full; ``"full"`` runs every cell except the test cells.
    """
    import contextlib
    import io
    import warnings

    os.environ.setdefault("MPLBACKEND", "Agg")
    warnings.filterwarnings("ignore")
    notebook = nbformat.read(notebook_path, as_version=4)
    os.chdir(Path(notebook_path).parent)
    sys.path.insert(0, os.getcwd())

    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance(colors="NoColor")
    shell.display_formatter.active_types = ["text/plain"]   # never render figures to PNG

    cell_errors: dict[str, str] = {}
    for cell in notebook.cells:
        if cell.cell_type != "code" or _is_test_cell(cell):
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%matplotlib"))
        if mode == "quick" and not _nbgrader(cell).get("solution"):
            source = _definitions_only("\n".join(line for line in source.splitlines()
                                                   if not line.lstrip().startswith(("%", "!"))))
            if not source.strip():
                continue
        sink = io.StringIO()
        try:
            _alarm(CELL_TIMEOUT)
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                result = shell.run_cell(source, store_history=False, silent=True)
        except _Timeout as timeout:  # raised outside the cell's own try (rare)
            result, error = None, timeout
        finally:
            _cancel_alarm()
        if result is not None:
            error = result.error_before_exec or result.error_in_exec
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id and _nbgrader(cell).get("solution"):
            cell_errors[grade_id] = "" if error is None else (
                "not-implemented" if isinstance(error, NotImplementedError) else _error_text(error))
        try:
            import matplotlib.pyplot as plt
            plt.close("all")
        except Exception:  # noqa: BLE001 (matplotlib missing or broken: nothing to close)
            pass

    from course.exercises import get, judge, make_cases, run_case
    results = []
    for item in _plan(week, notebook):
        entry = {"name": item["name"], "kind": item["kind"]}
        cell_error = cell_errors.get(item.get("grade_id") or "", "")
        if item["kind"] == "written":
            cell = next(c for c in _answer_cells(notebook) if _nbgrader(c).get("grade_id") == item["grade_id"])
            entry.update(status=NOT_STARTED if _untouched(cell) else ANSWERED,
                         why="not written yet (graded by a person)" if _untouched(cell)
                         else "written; graded by a person")
        elif item["kind"] == "checkpoint":
            if cell_error == "not-implemented":
                entry.update(status=NOT_STARTED, why="not answered yet")
            elif cell_error:
                entry.update(status=FAILING, why=f"the answer cell raised {cell_error}")
            else:
                entry.update(status=ANSWERED, why="answered; checked when the notebook is graded")
        else:
            entry.update(_check(shell.user_ns, item, cell_error, get, make_cases, run_case, judge))
        results.append(entry)
    Path(result_path).write_text(json.dumps(results))


def _check(namespace: dict, item: dict, cell_error: str, get, make_cases, run_case, judge) -> dict:
    function = namespace.get(item["name"])
    if not callable(function):
        if cell_error and cell_error != "not-implemented":
            return {"status": FAILING, "why": f"the cell defining {item['name']} raised {cell_error}"}
        return {"status": FAILING, "why": f"{item['name']} is not defined in the notebook"}
    exercise = get(item["key"])
    try:
        _alarm(CHECK_TIMEOUT)
        seed, cases = make_cases(item["key"])
        outcomes = []
        for case in cases:
            outcomes.append(run_case(exercise, function, case))
            if outcomes[-1].not_implemented:
                return {"status": NOT_STARTED, "why": "not implemented yet (it still raises NotImplementedError)"}
        report = judge(item["key"], seed, cases, outcomes)
    except _Timeout as timeout:
        return {"status": FAILING, "why": f"the checks of {item['name']} {timeout} (an endless loop?)"}
    finally:
        _cancel_alarm()
    if report.ok:
        return {"status": PASSED, "why": f"all {report.total} random checks against the library reference pass"}
    return {"status": FAILING, "why": report.failure}


# ----------------------------------------------------------------------------- running weeks


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ml-course" / "progress"


def _fingerprint(week: str, notebook_path: Path) -> str:
    """Changes when the notebook or the week's checks change."""
    digest = hashlib.sha256(f"v{CACHE_VERSION}:{week}:".encode())
    digest.update(notebook_path.read_bytes())
    oracle = Path(__file__).parent / "exercises" / f"{week}.py"
    if oracle.exists():
        digest.update(oracle.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:32]


def _run_week(week: str, notebook_path: Path, cache: bool) -> list[Row]:
    notebook = nbformat.read(notebook_path, as_version=4)
    plan = _plan(week, notebook)
    if all(_untouched(cell) for cell in _answer_cells(notebook)):
        return _not_started_rows(week, plan)  # nothing to run: every answer is still the stub

    cached = _cache_dir() / f"{week}-{_fingerprint(week, notebook_path)}.json"
    if cache and cached.exists():
        try:
            return [Row(**row) for row in json.loads(cached.read_text())]
        except (ValueError, TypeError):
            pass

    # A quick pass first (definitions only, see _definitions_only); the whole notebook only when the
    # learner's code needs something the quick pass left out (a NameError).
    rows = _execute_week(week, notebook_path, plan, "quick")
    if any("NameError" in row.why for row in rows):
        rows = _execute_week(week, notebook_path, plan, "full")
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps([asdict(row) for row in rows]))
    except OSError:
        pass  # a read-only home: simply no cache
    return rows


def _execute_week(week: str, notebook_path: Path, plan: list[dict], mode: str) -> list[Row]:
    """Run the worker for one week in a fresh process and read its rows."""
    with tempfile.TemporaryDirectory(prefix="course-progress-") as scratch:
        result_path = Path(scratch) / "result.json"
        command = [sys.executable, "-m", "course.progress", "--worker", str(notebook_path.resolve()), week,
                   str(result_path), mode]
        try:
            finished = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                      timeout=WEEK_TIMEOUT, env={**os.environ, "MPLBACKEND": "Agg"})
            problem = None if result_path.exists() else (
                (finished.stderr.strip().splitlines() or [f"exit status {finished.returncode}"])[-1])
        except subprocess.TimeoutExpired:
            problem = f"running the notebook took longer than {WEEK_TIMEOUT} s"
        if problem:
            return [Row(week, item["name"], item["kind"], FAILING, f"the notebook could not be run: {problem}")
                    if item["kind"] == "exercise" else Row(week, item["name"], item["kind"], NOT_STARTED,
                                                           "the notebook could not be run")
                    for item in plan]
        return [Row(week, entry["name"], entry["kind"], entry["status"], entry["why"])
                for entry in json.loads(result_path.read_text())]


def progress(folder: str | os.PathLike | None = None, weeks: list[str] | None = None,
             cache: bool = True, path: str | None = None) -> Progress:
    """Check every course notebook found in ``folder`` (see :func:`find_notebooks`) and collect the rows.

    ``weeks`` keeps only those notebooks; ``path`` (a key of ``course.catalogue.PATHS``) only those of a
    learning path, in its order.
    """
    if path is not None and path not in PATHS:
        raise ValueError(f"no learning path called {path!r}; the paths are: {', '.join(PATHS)}.")
    notebooks = find_notebooks(folder)
    wanted = list(PATHS[path].notebooks) if path is not None else None
    if weeks:
        wanted = [name for name in (wanted or in_course_order(notebooks)) if name in weeks]
    if wanted is not None:
        notebooks = {name: notebooks[name] for name in wanted if name in notebooks}
    rows: list[Row] = []
    for week, notebook_path in notebooks.items():
        rows.extend(_run_week(week, notebook_path, cache))
    first = next(iter(notebooks.values()), None)
    missing = tuple(name for name in PATHS[path].notebooks if name not in notebooks) if path is not None else ()
    return Progress(rows, first.parent if first else None, path, missing)


def show(folder: str | os.PathLike | None = None, weeks: list[str] | None = None, cache: bool = True,
         path: str | None = None) -> None:
    """Display the progress table and plot in a notebook (reads the notebooks as saved on disk).

    ``progress(...)`` returns the same rows as data, for your own use.
    """
    import io

    from IPython.display import HTML, Image, display
    result = progress(folder, weeks, cache, path)
    display(HTML(result.to_html()))
    if result.rows:
        png = io.BytesIO()
        result.plot().savefig(png, format="png")
        display(Image(data=png.getvalue(), format="png"))


# ----------------------------------------------------------------------------- the command


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        _worker(*argv[1:5])
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m course.progress",
        description="Where you stand across all weeks: for each exercise in your week notebooks, whether it "
                    "passes its checks (the same randomized checks as check(...)), fails them and why, or is "
                    "not started yet. Checkpoint answers are listed as answered or not; they are checked when "
                    "a notebook is graded. Notebooks are read as saved on disk.")
    parser.add_argument("folder", nargs="?", default=None,
                        help="a folder with NAME/NAME.ipynb or NAME.ipynb files (week01 ... week12, quickstart, "
                             "...), a course root, or one notebook (default: the release/ folder of the course "
                             "you are in)")
    parser.add_argument("--week", action="append", metavar="NAME",
                        help="only this notebook, e.g. week03 or quickstart (repeatable)")
    parser.add_argument("--path", choices=list(PATHS), metavar="PATH",
                        help="only the notebooks of a learning path, in its order: " + "; ".join(
                            f"{p.name} ({p.goal}, {p.duration})" for p in PATHS.values()))
    parser.add_argument("--plot", metavar="PNG", help="also save the plot (a bar per week) to this file")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    parser.add_argument("--no-cache", action="store_true",
                        help="re-run every started week even if it has not changed since the last run")
    args = parser.parse_args(argv)
    if args.folder and not Path(args.folder).exists():
        parser.error(f"no such file or folder: {args.folder}")
    result = progress(args.folder, args.week, cache=not args.no_cache, path=args.path)
    if args.json:
        print(json.dumps([asdict(row) for row in result.rows], indent=1))
    else:
        print(result.table())
    if args.plot:
        print(f"plot written to {result.save_plot(args.plot)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
