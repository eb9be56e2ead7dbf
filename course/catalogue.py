"""The course's notebooks in the order a learner meets them, and the learning paths through them.

Every notebook is an nbgrader assignment named like its folder: ``source/NAME/NAME.py`` ↔ ``.ipynb`` and
``release/NAME/NAME.ipynb``.  The twelve weeks are ``week01`` … ``week12``; the rest of the source syllabus
(a quick start, a pitfalls lab, a metrics reference, the interview track and the electives) has plain names.
Names that are not listed here still work (sorted after the listed ones), so a new notebook can be built and
graded before it joins a path.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# A folder name nbgrader accepts as an assignment and Python accepts as a module name (course/exercises/NAME.py).
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*$")

WEEKS = tuple(f"week{n:02d}" for n in range(1, 13))
# The order of the table on START_HERE, in the README and in `python -m course.progress`.
ORDER = ("quickstart", *WEEKS, "pitfalls", "metrics", "projects", "interview", "rl", "recsys", "semisupervised", "automl",
         "timeseries")


def is_assignment_name(name: str) -> bool:
    return bool(NAME_PATTERN.match(name))


def order_key(name: str) -> tuple[int, str]:
    """Sort key: the catalogue's order, then unknown names alphabetically."""
    return (ORDER.index(name) if name in ORDER else len(ORDER), name)


def in_course_order(names) -> list[str]:
    return sorted(names, key=order_key)


@dataclass(frozen=True)
class LearningPath:
    """One of the source syllabus's four goals, as a route through the notebooks."""
    name: str          # what `python -m course.progress --path NAME` takes
    goal: str          # the source's wording
    start: str         # where to begin
    duration: str      # the source's estimate
    notebooks: tuple[str, ...]
    why: str           # one sentence: who it is for and what it skips


PATHS = {path.name: path for path in (
    LearningPath("interview", "ML interview prep", "quickstart, then the core algorithms", "4–6 weeks",
                 ("quickstart", "week01", "week03", "week04", "week05", "week07", "metrics", "pitfalls",
                  "interview"),
                 "the algorithms interviewers ask you to derive or code, the metrics and traps they probe, and the "
                 "interview track's drills; skips the MLOps and advanced deep-learning weeks."),
    LearningPath("scratch", "Learn from scratch", "week 01 (mathematics first)", "8–12 weeks",
                 ("quickstart", "week01", "week02", "week03", "week04", "projects", *WEEKS[4:], "pitfalls", "metrics"),
                 "every week in order, the mathematics first, the Phase 2 projects after week 04, the pitfalls lab and the "
                 "metrics reference at the end."),
    LearningPath("deep-learning", "Deep-learning focus", "week 07 (neural networks)", "6–8 weeks",
                 ("quickstart", "week01", "week07", "week08", "week09", "week10", "metrics"),
                 "gradients and optimisation (week 01), then neural networks to generative models; skips classical "
                 "supervised and unsupervised learning and MLOps."),
    LearningPath("review", "Quick review", "the quick start, then the metrics reference", "2–3 weeks",
                 ("quickstart", "metrics", "pitfalls", "week03", "week04", "week07"),
                 "runnable examples, the metrics and the traps, and one week each of supervised learning and "
                 "neural networks to re-test what you know."),
)}


def paths_table(available: set[str] | frozenset[str]) -> str:
    """The learning paths as the markdown table START_HERE shows (tests/test_weeks.py keeps them equal).

    A notebook of a path that is not built yet is named in italics with "(coming)", so a path never links to
    a notebook that is not there.
    """
    def link(name: str) -> str:
        return f"[{name}](release/{name}/{name}.ipynb)" if name in available else f"*{name} (coming)*"

    rows = ["| goal | start with | how long | the notebooks, in order | progress along it |", "|---|---|---|---|---|"]
    for path in PATHS.values():
        rows.append(f"| **{path.goal}** | {path.start} | {path.duration} | "
                    f"{' → '.join(link(name) for name in path.notebooks)} | `show(path=\"{path.name}\")` |")
    return "\n".join(rows)
