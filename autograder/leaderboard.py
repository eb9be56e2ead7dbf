"""The leaderboard of each held-out challenge: every student's score on their own held-out draw, ranked.

Read from the ledgers (each challenge verdict keeps its metric value, never a label); written by
`autograder report` as leaderboard.csv and leaderboard.png (the distribution with the thresholds) next to
report.md, which gains a section per challenge.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder import escape
from autograder.batch import read_ledger


@dataclass(frozen=True)
class Entry:
    student: str
    value: float          # the challenge's metric on the student's draw
    points: float
    max_points: float
    rows: int             # size of the student's held-out draw


@dataclass
class Board:
    key: str
    metric: str
    entries: list[Entry]          # best first
    thresholds: tuple = ()        # (metric at least, points), from the course's oracle when it is installed

    def ranks(self) -> list[int]:
        """Competition ranking ("1224"): equal scores share the better rank."""
        ranks: list[int] = []
        for position, entry in enumerate(self.entries, 1):
            tied = position > 1 and entry.value == self.entries[position - 2].value
            ranks.append(ranks[-1] if tied else position)
        return ranks


def boards(root: Path, assignment: str, students: list[str]) -> list[Board]:
    """One board per challenge any student was scored on. A student whose predictions could not be scored
    (not implemented, wrong shape) has no metric value and is not ranked."""
    found: dict[str, Board] = {}
    for student in students:
        for entry in read_ledger(root, student, assignment).values():
            for verdict in entry.get("verdicts", []):
                result = verdict.get("challenge")
                if not isinstance(result, dict):
                    continue
                board = found.setdefault(result["key"], Board(result["key"], result["metric"], []))
                board.entries.append(Entry(student, float(result["value"]), float(verdict["score"] or 0),
                                           float(verdict["max_score"]), int(result["rows"])))
    for board in found.values():
        board.entries.sort(key=lambda e: (-e.value, e.student))
        try:
            from course import exercises
            board.thresholds = exercises.get_challenge(board.key).thresholds
        except Exception:   # a ledger from another course version: the board still stands without its lines
            board.thresholds = ()
    return [found[key] for key in sorted(found)]


def write_csv(path: Path, board_list: list[Board]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["challenge", "rank", "student", "metric", "value", "points", "max_points", "rows"])
        for board in board_list:
            for rank, e in zip(board.ranks(), board.entries):
                writer.writerow([board.key, rank, escape.spreadsheet_cell(e.student), board.metric,
                                 f"{e.value:.6g}", f"{e.points:g}", f"{e.max_points:g}", e.rows])


def write_png(path: Path, board_list: list[Board]) -> None:
    """Per challenge: the distribution of scores, each band of points shaded, the thresholds as lines."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(9, 3.4 * len(board_list)), layout="constrained")
    for axes, board in zip(figure.subplots(len(board_list), 1, squeeze=False)[:, 0], board_list):
        scores = np.array([e.value for e in board.entries])
        floors = [floor for floor, _ in board.thresholds]
        low, high = min([scores.min(), *floors]), max(scores.max(), *floors)
        margin = max(0.03 * (high - low), 0.005)
        low, high = low - margin, high + margin
        width = max(1.0 / max(e.rows for e in board.entries), (high - low) / 60)   # one bin per distinct score
        axes.hist(scores, bins=np.arange(low, high + width, width), color="#5c6bc0", edgecolor="white", zorder=3)
        edges = [high, *floors, low]
        for (floor, points), top, shade in zip(board.thresholds, edges, np.linspace(0.22, 0.08, len(floors))):
            axes.axvspan(floor, top, color="#2e7d32", alpha=shade, linewidth=0, zorder=1)
            axes.axvline(floor, color="#2e7d32", linestyle="--", linewidth=1, zorder=2)
            axes.text((floor + top) / 2, 0.97, f"{points:g} pts", transform=axes.get_xaxis_transform(),
                      ha="center", va="top", fontsize=9, color="#1b5e20", zorder=4)
        axes.set_xlim(low, high)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel(f"{board.metric} on each student's own held-out draw (shaded: points earned)")
        axes.set_ylabel("students")
        axes.set_title(f"{board.key}: {len(scores)} students ranked, median {np.median(scores):.3f}, "
                       f"best {scores.max():.4f}", loc="left", fontweight="bold")
        axes.spines[["top", "right"]].set_visible(False)
    figure.savefig(path, dpi=130, facecolor="white")


def markdown(board_list: list[Board], cell, image: str) -> list[str]:
    """The report.md section; ``cell`` makes a student's id inert Markdown."""
    lines = ["", "## Held-out challenges", ""]
    if not board_list:
        return lines + ["No held-out challenge was scored."]
    lines += [f"![Scores on the held-out challenges]({image})", ""]
    for board in board_list:
        lines += [f"### {board.key}", "", f"| rank | student | {board.metric} | points | held-out rows |",
                  "|---:|---|---:|---:|---:|"]
        lines += [f"| {rank} | {cell(e.student)} | {e.value:.4f} | {e.points:g} / {e.max_points:g} | {e.rows} |"
                  for rank, e in zip(board.ranks(), board.entries)]
        lines.append("")
    return lines
