"""`autograder report`: how the class did on an assignment, for the instructor.

Writes reports/<assignment>/class.csv (a score per student and question), report.png (score
distribution per question, most common failures), similarity.html (pairs of students with similar code
answers, side by side), leaderboard.csv and leaderboard.png (held-out challenges, when the assignment has
any) and report.md (the same in words, with the isolation warnings the sandbox raised).
Built from the ledgers and graded notebooks that `autograder grade` leaves.
"""
from __future__ import annotations

import csv
import re
import statistics
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder import escape, leaderboard, similarity
from autograder.batch import read_ledger
from autograder.feedback import NotebookResult, notebook_results, require_graded

TOP_FAILURES = 8
MESSAGE_WIDTH = 70
COLOURS = {"full": "#2e7d32", "partial": "#f2a900", "zero": "#c62828"}


CASE_PREFIX = re.compile(r"^case \d+ of \d+ \((?:[^()]|\([^()]*\))*\):\s*")
NUMBER = re.compile(r"(?<![A-Za-z_])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def normalise_message(message: str) -> str:
    """One cause, one label: which random case failed, and any number in it, must not split a cause."""
    text = NUMBER.sub("#", CASE_PREFIX.sub("", " ".join(message.split())))
    return text if len(text) <= MESSAGE_WIDTH else text[:MESSAGE_WIDTH - 1].rstrip() + "…"


@dataclass
class QuestionStats:
    column: str                        # the CSV column: the answer's grade_id
    title: str
    max_score: float
    scores: list[float] = field(default_factory=list)

    def share(self, status: str) -> float:
        counts = Counter("full" if s >= self.max_score else "partial" if s > 0 else "zero" for s in self.scores)
        return counts[status] / len(self.scores) if self.scores else 0.0

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.scores else 0.0


@dataclass
class ClassStats:
    assignment: str
    students: list[str]
    totals: list[float]
    max_total: float
    manual_max: float
    questions: list[QuestionStats]
    failures: list[tuple[str, int]]     # (question: normalised message, how many students)
    isolation: list[tuple[str, int]]    # (confinement that was missing, how many notebooks)


@dataclass
class ReportFiles:
    csv: Path
    png: Path
    markdown: Path
    stats: ClassStats
    similarity: Path | None = None           # None: copydetect is not installed
    similar: list = field(default_factory=list)
    leaderboard: Path | None = None          # None: no held-out challenge was scored
    boards: list = field(default_factory=list)


# ----------------------------------------------------------------------------- gathering


def _columns(notebooks: list[NotebookResult], several: bool):
    """(column, title, question result) for every automatically graded question."""
    for nb in notebooks:
        for q in nb.questions:
            if q.max_score:
                prefix = f"{Path(nb.notebook).stem}:" if several else ""
                yield prefix + q.question.key, q.question.plain_title, q


def class_stats(root: Path, assignment: str) -> tuple[ClassStats, list[dict]]:
    """The statistics and the CSV rows (one per student)."""
    students = require_graded(root, assignment)
    outlines: dict = {}
    results = {s: notebook_results(root, assignment, s, outlines) for s in students}
    several = len({nb.notebook for nbs in results.values() for nb in nbs}) > 1
    questions: dict[str, QuestionStats] = {}
    for notebooks in results.values():  # every question any student was graded on, in the source's order
        for column, title, q in _columns(notebooks, several):
            questions.setdefault(column, QuestionStats(column, title, q.max_score))
    rows, totals, failures, isolation = [], [], Counter(), Counter()
    for student, notebooks in results.items():
        scores = {column: q.score for column, _, q in _columns(notebooks, several)}
        for column, stats in questions.items():
            stats.scores.append(scores.get(column, 0.0))  # a notebook not handed in scores 0
        for _, _, q in _columns(notebooks, several):
            causes = dict.fromkeys(normalise_message(c.ledger_message) for c in q.checks  # ordered: stable ties
                                   if c.score is not None and not c.passed)
            failures.update(f"{q.question.key}: {cause}" for cause in causes)
        for entry in read_ledger(root, student, assignment).values():
            isolation.update(entry.get("confinement", {}).get("missing", []))
        total = sum(nb.score for nb in notebooks)
        totals.append(total)
        rows.append({"student": escape.spreadsheet_cell(student), **{c: f"{scores.get(c, 0.0):g}" for c in questions}, "total": f"{total:g}",
                     "max": f"{sum(q.max_score for q in questions.values()):g}",
                     "to_grade_by_hand": f"{sum(nb.manual_max for nb in notebooks):g}"})
    manual = max((float(r["to_grade_by_hand"]) for r in rows), default=0.0)
    stats = ClassStats(assignment, students, totals, sum(q.max_score for q in questions.values()), manual,
                       list(questions.values()), failures.most_common(TOP_FAILURES), isolation.most_common())
    return stats, rows


# ----------------------------------------------------------------------------- writing


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _label(text: str, width: int) -> str:
    text = escape.terminal(text)  # a figure label: no control characters either
    return textwrap.fill(text, width, max_lines=3, placeholder="…").replace("$", r"\$")  # $ starts mathtext


def _write_png(path: Path, stats: ClassStats) -> None:
    from matplotlib.figure import Figure  # no pyplot: no global state, no display, Agg via savefig
    from matplotlib.ticker import MaxNLocator

    rows = max(len(stats.questions), len(stats.failures), 3)
    figure = Figure(figsize=(15, 1.6 + 0.62 * rows), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[1, 1.25])
    names = [_label(q.title if q.column.split(":")[-1] in q.title else f"{q.title} · {q.column}", 28)
             for q in stats.questions]
    positions = range(len(stats.questions))
    start = [0.0] * len(stats.questions)
    for status in ("full", "partial", "zero"):
        shares = [100 * q.share(status) for q in stats.questions]
        bars = left.barh(positions, shares, left=start, color=COLOURS[status], label=f"{status} points")
        left.bar_label(bars, labels=[f"{s:.0f}%" if s >= 8 else "" for s in shares], label_type="center",
                       color="white", fontsize=9)
        start = [a + b for a, b in zip(start, shares)]
    left.set_yticks(list(positions), names, fontsize=9)
    left.invert_yaxis()
    left.set_xlim(0, 100)
    left.set_xlabel("share of students (%)")
    left.set_title("Score per question", loc="left", fontweight="bold")
    left.legend(loc="lower center", bbox_to_anchor=(0.5, 1.06), ncols=3, frameon=False, fontsize=9)
    left.spines[["top", "right"]].set_visible(False)

    if stats.failures:
        counts = [count for _, count in stats.failures]
        bars = right.barh(range(len(counts)), counts, color="#5c6bc0")
        right.bar_label(bars, padding=3, fontsize=9)
        right.set_yticks(range(len(counts)), [_label(m, 48) for m, _ in stats.failures], fontsize=8.5)
        right.invert_yaxis()
        right.set_xlim(0, max(counts) * 1.15)
        right.xaxis.set_major_locator(MaxNLocator(integer=True))
        right.set_xlabel("students")
    else:
        right.text(0.5, 0.5, "no failed checks", ha="center", va="center", transform=right.transAxes)
        right.set_yticks([])
    right.set_title(f"Most common failures (top {TOP_FAILURES})", loc="left", fontweight="bold")
    right.spines[["top", "right"]].set_visible(False)
    mean = statistics.fmean(stats.totals) if stats.totals else 0.0
    figure.suptitle(f"{stats.assignment}: {len(stats.students)} students, mean automatic score "
                    f"{mean:.2f} / {stats.max_total:g}", fontsize=13, fontweight="bold")
    figure.savefig(path, dpi=130, facecolor="white")


def _cell(text: str) -> str:
    """Text from a ledger (a student's exception message, say) as inert inline Markdown."""
    return escape.markdown_text(text)


def _code(text: str) -> str:
    """A grade id as a code span: it cannot hold markup, only a backtick could end it early."""
    return "`" + escape.terminal(text).replace("`", "'") + "`"


def _markdown(stats: ClassStats) -> str:
    mean = statistics.fmean(stats.totals) if stats.totals else 0.0
    median = statistics.median(stats.totals) if stats.totals else 0.0
    lines = [f"# {stats.assignment}: class report", "",
             f"{len(stats.students)} students graded. Automatic score: mean {mean:.2f} / {stats.max_total:g}, "
             f"median {median:g} / {stats.max_total:g}."
             + (f" Up to {stats.manual_max:g} more points per student are to be graded by hand."
                if stats.manual_max else ""), "",
             "![Score per question and most common failures](report.png)", "",
             "## Questions", "",
             "| question | points | full | partial | zero | mean |", "|---|---:|---:|---:|---:|---:|"]
    for q in stats.questions:
        name = _cell(q.title) + ("" if q.title == q.column else f" ({_code(q.column)})")
        lines.append(f"| {name} | {q.max_score:g} | {q.share('full'):.0%} | {q.share('partial'):.0%} | "
                     f"{q.share('zero'):.0%} | {q.mean:.2f} |")
    lines += ["", "## Most common failures", ""]
    lines += (["| students | question: message (numbers shown as #) |", "|---:|---|"]
              + [f"| {count} | {_cell(message)} |" for message, count in stats.failures]
              if stats.failures else ["No check failed."])
    lines += ["", "## Isolation warnings", ""]
    lines += ([f"- {count} notebook(s) ran without: {_cell(message)}" for message, count in stats.isolation]
              if stats.isolation else ["None: every notebook ran with the full sandbox."])
    return "\n".join(lines) + "\n"


def _similarity_lines(files: ReportFiles) -> list[str]:
    lines = ["", "## Similar answers", ""]
    if files.similarity is None:
        return lines + ["Not compared: copydetect is not installed (`pip install copydetect`, or `make setup`)."]
    if not files.similar:
        return lines + [f"No pair of students shares {similarity.THRESHOLD:.0%} of their code answers."]
    lines += [f"Pairs sharing at least {similarity.THRESHOLD:.0%} of one's code answers (names replaced, comments "
              "dropped, starter code excluded), side by side in [similarity.html](similarity.html):", "",
              "| students | share of each one's code found in the other's |", "|---|---|"]
    return lines + [f"| {_cell(p.first)} and {_cell(p.second)} | {p.shares[0]:.0%}, {p.shares[1]:.0%} |"
                    for p in files.similar]


def write_report(root: Path, assignment: str) -> ReportFiles:
    stats, rows = class_stats(root, assignment)
    folder = root / "reports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    files = ReportFiles(folder / "class.csv", folder / "report.png", folder / "report.md", stats)
    _write_csv(files.csv, rows)
    _write_png(files.png, stats)
    try:
        files.similar = similarity.class_pairs(root, assignment, stats.students)
        files.similarity = folder / "similarity.html"
        files.similarity.write_text(similarity.html_page(assignment, files.similar), encoding="utf-8")
    except ImportError:   # copydetect comes with the instructor's install (make setup); a report without it
        pass              # still has everything else
    files.boards = leaderboard.boards(root, assignment, stats.students)
    if files.boards:
        files.leaderboard = folder / "leaderboard.csv"
        leaderboard.write_csv(files.leaderboard, files.boards)
        leaderboard.write_png(folder / "leaderboard.png", files.boards)
    files.markdown.write_text(_markdown(stats) + "\n".join(_similarity_lines(files)) + "\n"
                              + "\n".join(leaderboard.markdown(files.boards, _cell, "leaderboard.png")) + "\n",
                              encoding="utf-8")
    return files


def summary_text(report: ReportFiles) -> str:
    """A compact table for the terminal."""
    stats = report.stats
    mean = statistics.fmean(stats.totals) if stats.totals else 0.0
    median = statistics.median(stats.totals) if stats.totals else 0.0
    columns = [escape.terminal(q.column) for q in stats.questions]
    width = max([len(c) for c in columns] + [8])
    lines = [f"{stats.assignment}: {len(stats.students)} students, automatic score mean {mean:.2f} / "
             f"{stats.max_total:g}, median {median:g}"
             + (f" (+{stats.manual_max:g} pts by hand)" if stats.manual_max else ""), "",
             f"{'question':<{width}}  {'pts':>4}  {'full':>5}  {'partial':>7}  {'zero':>5}  {'mean':>5}"]
    lines += [f"{column:<{width}}  {q.max_score:>4g}  {q.share('full'):>5.0%}  {q.share('partial'):>7.0%}  "
              f"{q.share('zero'):>5.0%}  {q.mean:>5.2f}" for column, q in zip(columns, stats.questions)]
    if stats.failures:  # a student's message could hold escape sequences that rewrite the terminal
        lines += ["", "most common failures:"] + [f"{count:>4}  {escape.terminal(message)}"
                                                  for message, count in stats.failures[:5]]
    lines += [f"WARNING: {count} notebook(s) ran without {escape.terminal(message)}"
              for message, count in stats.isolation]
    if report.similar:
        lines += ["", f"{len(report.similar)} pair(s) of students with similar code answers:"] + [
            f"  {escape.terminal(p.first)} and {escape.terminal(p.second)}: {p.shares[0]:.0%}, {p.shares[1]:.0%}"
            for p in report.similar[:5]]
    for board in report.boards:
        top = ", ".join(f"{escape.terminal(e.student)} {e.value:.4f}" for e in board.entries[:3])
        lines += ["", f"{board.key}: {len(board.entries)} students on the leaderboard ({board.metric}); best: {top}"]
    written = [report.png.name, report.markdown.name] + ([report.similarity.name] if report.similarity else []) \
        + (["leaderboard.csv", "leaderboard.png"] if report.boards else [])
    lines += ["", f"written: {report.csv}, {', '.join(written)}"]
    return "\n".join(lines)
