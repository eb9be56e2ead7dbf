"""`autograder feedback`: one self-contained HTML page per student, from what grading left behind.

A page shows only what is safe for a student to see: the ledger's verdict messages (hidden tests
already conceal their reference values; see ``_student_safe``) and the student's own answers
from the graded notebook.  From the instructor's source it takes only the outline: headings,
grade ids, points, which test cells hold hidden tests, and what each check is about in words (the
labels of :mod:`autograder.plan`, which quote no hidden code), never a line of solution or test code.
Every string on the page goes through :func:`autograder.escape.html` (control and bidi characters
made visible, HTML escaped): student ids, notes, messages and answers are the student's text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import nbformat
from markupsafe import Markup

from autograder import escape as inert
from autograder.batch import LEDGER, GradingError, read_ledger
from autograder.notebooks import HIDDEN_MARKERS, nbgrader_meta, read_text_notebook
from autograder.plan import Check, Grade, PlanError, plan_test_cell


class NotGradedError(GradingError):
    """Nothing to report on yet: the message says which `autograder grade` to run."""


# ----------------------------------------------------------------------------- the source's outline

HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
QUESTION_LABEL = re.compile(r"^\s*\*\*(Q(?:uestion)?\s*\d+\b[^*]*?)\.?\*\*")
SECTION_NUMBER = re.compile(r"^\d+(\.\d+)*\.?\s+")
TEST_SUFFIX = re.compile(r"_(public|hidden|tests?)$")


@dataclass(frozen=True)
class StepWords:
    """What one check or grade() step of a test cell is about, in words (never its code)."""
    label: str
    hidden: bool
    grade_key: str = ""   # a grade() step: its line in the ledger says how many randomized checks ran
    named_when_graded: bool = False  # its words are the grader's "✓ ..." line (a per-student explanation)


@dataclass
class Question:
    """One question as the source lays it out: an answer cell and the test cells that grade it."""
    key: str                                              # the answer's grade_id (a test's, when it has none)
    title: str                                            # e.g. "Exercise 1 — `softmax`", or "Q2"
    context: str = ""                                     # the section heading, when the title is a Q label
    answer_id: str | None = None
    kinds: dict[str, str] = field(default_factory=dict)   # graded grade_id -> public | randomized | fixed | manual
    steps: dict[str, list[StepWords]] = field(default_factory=dict, repr=False)  # grade_id -> its steps
    model_answer: str = ""   # a written answer's model answer, when the source lets feedback show it

    @property
    def plain_title(self) -> str:
        return self.title.replace("`", "")


def _test_kind(cell) -> str:
    """How secret a test cell is; only marker presence and grade() calls are looked at, never shown."""
    meta = nbgrader_meta(cell)
    if meta.get("solution"):
        return "manual"
    begin, _ = HIDDEN_MARKERS
    if begin not in cell.source:
        return "public"
    hidden = cell.source.split(begin, 1)[1]
    if re.search(r"\bscore_held_out\s*\(", hidden):
        return "held_out"
    return "randomized" if re.search(r"\bgrade\s*\(", hidden) else "fixed"


def _step_words(cell) -> list[StepWords]:
    """The steps of a test cell as words; none for a cell the grader could not plan (it failed anyway)."""
    try:
        steps = plan_test_cell(cell.source)
    except (PlanError, SyntaxError, ValueError):
        return []
    return [StepWords(s.label, s.hidden, named_when_graded=s.named_when_graded) if isinstance(s, Check)
            else StepWords(s.function, s.hidden, s.key) for s in steps if isinstance(s, (Check, Grade))]


def _owner(grade_id: str, answer_ids: list[str]) -> str:
    """The question a test cell belongs to: the longest answer id it extends (softmax_hidden -> softmax)."""
    owners = [a for a in answer_ids if grade_id == a or grade_id.startswith(a + "_")]
    return max(owners, key=len) if owners else TEST_SUFFIX.sub("", grade_id)


# A written answer's source cell is secret, as any solution: this tag lets the feedback show it as the model
# answer once the notebook is graded (interview's design prompts). nbgrader's release keeps tags, never the text.
MODEL_ANSWER_TAG = "model-answer-in-feedback"


def outline(source: nbformat.NotebookNode) -> list[Question]:
    answer_ids = [nbgrader_meta(c)["grade_id"] for c in source.cells
                  if nbgrader_meta(c).get("solution") and nbgrader_meta(c).get("grade_id")]
    questions: dict[str, Question] = {}
    heading = label = ""
    for cell in source.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "markdown" and not meta.get("solution"):  # lesson text; a written answer is secret
            fenced = False
            for line in cell.source.splitlines():
                fenced ^= line.lstrip().startswith("```")  # a "# comment" in a code block is no heading
                if fenced or line.lstrip().startswith("```"):
                    continue
                if match := HEADING.match(line):
                    heading, label = SECTION_NUMBER.sub("", match[1]), ""
                elif match := QUESTION_LABEL.match(line):
                    label = match[1]
            continue
        grade_id = meta.get("grade_id")
        if not grade_id or not (meta.get("solution") or meta.get("grade")):
            continue
        key = grade_id if meta.get("solution") else _owner(grade_id, answer_ids)
        if key not in questions:
            questions[key] = Question(key, label or heading or key, heading if label else "")
        if meta.get("solution"):
            questions[key].answer_id = grade_id
            if cell.cell_type == "markdown" and MODEL_ANSWER_TAG in cell.metadata.get("tags", []):
                questions[key].model_answer = cell.source
        if meta.get("grade"):
            questions[key].kinds[grade_id] = _test_kind(cell)
            if cell.cell_type == "code":
                questions[key].steps[grade_id] = _step_words(cell)
    graded = [q for q in questions.values() if q.kinds]
    titles = [q.title for q in graded]
    for question in graded:  # several questions under one heading: name each by its answer's id
        if titles.count(question.title) > 1:
            question.title, question.context = f"`{question.key}`", question.title
    return graded


def _source_notebook(root: Path, assignment: str, notebook: str) -> nbformat.NotebookNode | None:
    path = root / "source" / assignment / notebook
    if path.exists():
        return nbformat.read(path, as_version=4)
    if path.with_suffix(".py").exists():  # the Jupytext twin is the truth when the .ipynb is not synced
        return read_text_notebook(path.with_suffix(".py"))
    return None


# ----------------------------------------------------------------------------- one student's results

EXPECTED_NUMBER = re.compile(r",?\s*expected\s+[-+]?(?:\d[\d.]*(?:e[-+]?\d+)?|nan|inf)", re.IGNORECASE)
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
KIND_LABELS = {"public": "Public tests", "randomized": "Hidden tests (randomized)",
               "held_out": "Held-out test (your score on data you never saw)",
               "fixed": "Answer check", "manual": "Written answer"}


def _student_safe(message: str, kind: str) -> str:
    """Defence in depth: a hidden check with a fixed answer must not hint at it, however it is worded."""
    if kind == "fixed" and "expected" in message.lower():
        return "this answer is not the right one (the hidden check does not reveal the expected answer)."
    # A held-out verdict is the learner's own score and the thresholds: the labels never reach the grader's
    # messages, and "expected" there is about the shape of the predictions.
    return message if kind in ("public", "held_out") else EXPECTED_NUMBER.sub("", message)


@dataclass
class CheckResult:
    grade_id: str
    label: str
    score: float | None       # None: graded by hand
    max_score: float
    message: str              # safe for the student
    ledger_message: str = field(default="", repr=False)  # as graded: for the instructor's report only
    steps: list[StepWords] = field(default_factory=list, repr=False)
    kind: str = "public"

    @property
    def passed(self) -> bool:
        return self.score is not None and self.score >= self.max_score

    @property
    def details(self) -> list[str]:
        """What passed, in words: each step of the test cell (the ledger's lines when the source has none)."""
        if not self.steps:
            return [line.lstrip("✓ ").strip() for line in self.message.splitlines() if line.strip()]
        lines = []
        # A passed cell's ledger has one "✓ ..." line per step, in order (no held-out step among them).
        graded = [line[2:].strip() for line in self.ledger_message.splitlines() if line.startswith("✓ ")]
        graded = graded if self.passed and len(graded) == len(self.steps) else []
        for position, step in enumerate(self.steps):
            if step.named_when_graded and graded:
                lines.append(graded[position])
            elif step.grade_key:
                count = re.search(rf"✓ {re.escape(step.grade_key)}: (\d+) randomized", self.ledger_message)
                lines.append(f"{step.label}: {count[1] + ' ' if count else ''}randomized checks against the "
                             "library reference")
            elif step.hidden and self.kind == "fixed":  # a checkpoint: say the answer itself was judged
                lines.append(f"{step.label}: the answer itself was checked by a hidden test, and it is right")
            else:
                lines.append(f"{step.label} (hidden test)" if step.hidden else step.label)
        return list(dict.fromkeys(lines))


@dataclass
class QuestionResult:
    question: Question
    checks: list[CheckResult]
    answer: str | None = None          # the student's cell, as graded
    answer_is_text: bool = False       # a written (markdown) answer
    error: str | None = None           # what the student's cell raised

    @property
    def score(self) -> float:
        return sum(c.score or 0.0 for c in self.checks if c.score is not None)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.checks if c.score is not None)

    @property
    def manual_max(self) -> float:
        return sum(c.max_score for c in self.checks if c.score is None)

    @property
    def status(self) -> str:
        if not self.max_score:
            return "manual"
        return "full" if self.score >= self.max_score else "partial" if self.score > 0 else "zero"


@dataclass
class NotebookResult:
    notebook: str
    questions: list[QuestionResult]
    notes: list[str]
    graded_at: str = ""
    confinement_missing: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(q.score for q in self.questions)

    @property
    def max_score(self) -> float:
        return sum(q.max_score for q in self.questions)

    @property
    def manual_max(self) -> float:
        return sum(q.manual_max for q in self.questions)


def graded_students(root: Path, assignment: str) -> list[str]:
    base = root / "autograded"
    return sorted(p.parent.parent.name for p in base.glob(f"*/{assignment}/{LEDGER}")) if base.is_dir() else []


def require_graded(root: Path, assignment: str, students: list[str] | None = None) -> list[str]:
    graded = graded_students(root, assignment)
    if not graded:
        raise NotGradedError(f"{assignment} has not been graded yet (no autograded/*/{assignment}/{LEDGER}): "
                             f"run `autograder grade {assignment}` first.")
    missing = sorted(set(students or []) - set(graded))
    if missing:
        raise NotGradedError(f"{assignment} has not been graded yet for: {', '.join(missing)} "
                             f"(run `autograder grade {assignment} --student ID`).")
    return list(students) if students else graded


def _answer_cells(path: Path) -> dict[str, tuple[str, bool, str | None]]:
    """grade_id -> (source, is markdown, error text) of the graded notebook's answer cells."""
    if not path.exists():
        return {}
    answers = {}
    for cell in nbformat.read(path, as_version=4).cells:
        meta = nbgrader_meta(cell)
        if not (meta.get("solution") and meta.get("grade_id")):
            continue
        error = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
        text = None
        if error:
            trace = ANSI.sub("", "\n".join(error.get("traceback", [])))
            text = trace if trace.strip() else f"{error.get('ename')}: {error.get('evalue')}"
        answers[meta["grade_id"]] = (cell.source, cell.cell_type == "markdown", text and text[-3000:])
    return answers


def notebook_results(root: Path, assignment: str, student: str,
                     outlines: dict[str, list[Question]] | None = None) -> list[NotebookResult]:
    """Every graded notebook of one student, question by question, in the source's order."""
    outlines = {} if outlines is None else outlines  # a cache shared across students
    results = []
    for notebook, entry in sorted(read_ledger(root, student, assignment).items()):
        if notebook not in outlines:
            source = _source_notebook(root, assignment, notebook)
            outlines[notebook] = outline(source) if source is not None else []
        questions = {q.key: q for q in outlines[notebook]}
        owner = {grade_id: q for q in questions.values() for grade_id in q.kinds}
        verdicts = {v["grade_id"]: v for v in entry.get("verdicts", [])}
        for grade_id in verdicts:  # graded but not in today's source: keep it under a question of its own
            if grade_id not in owner:
                key = _owner(grade_id, list(questions))
                question = questions.setdefault(key, Question(key, key))
                question.kinds.setdefault(grade_id, "public" if grade_id.endswith("_public") else "fixed")
                owner[grade_id] = question
        answers = _answer_cells(root / "autograded" / student / assignment / notebook)
        items = []
        for question in questions.values():
            checks = [CheckResult(g, KIND_LABELS[kind], verdicts[g]["score"], float(verdicts[g]["max_score"]),
                                  _student_safe(str(verdicts[g].get("message", "")), kind),
                                  str(verdicts[g].get("message", "")), question.steps.get(g, []), kind)
                      for g, kind in question.kinds.items() if g in verdicts]
            if not checks:
                continue
            source, is_text, error = answers.get(question.answer_id or "", (None, False, None))
            items.append(QuestionResult(question, checks, source, is_text, error))
        results.append(NotebookResult(notebook, items, list(entry.get("notes", [])), entry.get("graded_at", ""),
                                      list(entry.get("confinement", {}).get("missing", []))))
    return results


# ----------------------------------------------------------------------------- the page

def _title_html(title: str) -> Markup:
    """Escape, then show `code` spans of a heading as code."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(inert.html(title))))


def _points(value: float) -> str:
    return f"{value:g}"


TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ assignment }} feedback: {{ student }}</title>
<style>{{ css }}</style></head>
<body><main>
<header><p class="muted">{{ assignment }} · feedback</p><h1>{{ student }}</h1></header>
<section class="total">
  <div><div class="big">{{ score|points }} / {{ max_score|points }}</div><div class="muted">points graded automatically</div></div>
  <div class="grow"><div class="bar"><span style="width: {{ percent }}%"></span></div>
  {% if manual_max %}<p class="manual-note">+ {{ manual_max|points }} points to be graded by hand</p>{% endif %}</div>
</section>
{% for nb in notebooks %}
{% if notebooks|length > 1 %}<h2>{{ nb.notebook }} <span class="muted">{{ nb.score|points }} / {{ nb.max_score|points }}</span></h2>{% endif %}
{% if nb.notes %}<section class="notes"><h3>About your submission as a whole</h3><ul>
{% for note in nb.notes %}<li>{{ note }}</li>{% endfor %}</ul></section>{% endif %}
{% for q in nb.questions %}
<section class="question {{ q.status }}">
  <div class="qhead"><div>{% if q.question.context %}<div class="context">{{ q.question.context|title_html }}</div>{% endif %}
    <h3>{{ q.question.title|title_html }}</h3></div>
    <div class="points">{% if q.max_score %}{{ '✓' if q.status == 'full' else '✗' }} {{ q.score|points }} / {{ q.max_score|points }}{% endif %}
    {% if q.manual_max %}<span class="muted">{{ q.manual_max|points }} pts by hand</span>{% endif %}</div></div>
  {% for c in q.checks %}
  <div class="check">
    {% if c.score is none %}<span class="mark">✎</span><div><strong>{{ c.label }}</strong>: to be graded by hand.</div>
    {% elif c.passed %}<span class="mark ok">✓</span><div><strong>{{ c.label }}</strong>: passed.
      {% if c.details %}<ul class="details">{% for d in c.details %}<li>{{ d }}</li>{% endfor %}</ul>{% endif %}</div>
    {% else %}<span class="mark bad">✗</span><div><strong>{{ c.label }}</strong>: {{ c.message }}</div>{% endif %}
    <span class="pts">{{ c.score|points if c.score is not none else '–' }} / {{ c.max_score|points }}</span>
  </div>
  {% endfor %}
  {% if q.answer is not none %}
  <details{% if q.status != 'full' %} open{% endif %}><summary>Your answer</summary>
    <pre class="{{ 'text' if q.answer_is_text else 'code' }}">{{ q.answer if q.answer.strip() else '(empty)' }}</pre>
    {% if q.error %}<p class="error-label">Your cell raised an error when it ran:</p><pre class="error">{{ q.error }}</pre>{% endif %}
  </details>
  {% endif %}
  {% if q.question.model_answer %}
  <details class="model-answer"><summary>Model answer</summary><pre class="text">{{ q.question.model_answer }}</pre></details>
  {% endif %}
</section>
{% endfor %}
{% endfor %}
<footer class="muted">Graded {{ graded_at }}. Public tests are the ones in your notebook; hidden tests say what
went wrong but never reveal their expected values.</footer>
</main></body></html>
"""

CSS = """
:root{--ok:#1b7f3b;--bad:#b3261e;--part:#a86500;--hand:#5f6b7a;--line:#e3e6ea}
*{box-sizing:border-box}
body{margin:0;background:#f5f6f8;color:#1f2328;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:880px;margin:0 auto;padding:2rem 1.25rem 4rem}
h1{margin:.1rem 0 1rem;font-size:1.7rem} h2{margin-top:2rem} h3{margin:0;font-size:1.1rem}
.muted,.context{color:#5f6b7a} .context{font-size:.85rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{background:#eef0f3;padding:0 .25em;border-radius:4px;font-size:.92em}
.total{display:flex;gap:2rem;align-items:center;background:#fff;border:1px solid var(--line);border-radius:12px;
  padding:1.25rem 1.5rem}
.total .big{font-size:2.4rem;font-weight:700;font-variant-numeric:tabular-nums;line-height:1.1}
.grow{flex:1} .bar{height:12px;background:#e6e8eb;border-radius:6px;overflow:hidden}
.bar span{display:block;height:100%;background:var(--ok)} .manual-note{margin:.5rem 0 0;color:var(--hand)}
.notes{background:#fff8e1;border:1px solid #f0d98c;border-radius:10px;padding:.8rem 1.25rem;margin-top:1rem}
.notes ul{margin:.4rem 0 0;padding-left:1.2rem}
.question{background:#fff;border:1px solid var(--line);border-left:6px solid var(--hand);border-radius:10px;
  padding:1rem 1.25rem;margin:1rem 0}
.question.full{border-left-color:var(--ok)} .question.partial{border-left-color:var(--part)}
.question.zero{border-left-color:var(--bad)}
.qhead{display:flex;justify-content:space-between;gap:1rem;align-items:flex-end;margin-bottom:.5rem}
.points{white-space:nowrap;font-weight:600;font-variant-numeric:tabular-nums}
.full .points{color:var(--ok)} .partial .points{color:var(--part)} .zero .points{color:var(--bad)}
.points .muted{font-weight:400;margin-left:.5rem}
.check{display:grid;grid-template-columns:1.4rem 1fr auto;gap:.5rem;padding:.45rem 0;border-top:1px solid var(--line)}
.mark{font-weight:700;color:var(--hand)} .mark.ok{color:var(--ok)} .mark.bad{color:var(--bad)}
.pts{color:#5f6b7a;font-variant-numeric:tabular-nums;white-space:nowrap}
.details{margin:.2rem 0 0;padding-left:1.1rem;color:#5f6b7a;font-size:.9rem}
details{margin-top:.6rem} summary{cursor:pointer;color:#33506e;font-weight:600}
pre{background:#f6f8fa;border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;overflow-x:auto;
  font-size:13.5px;line-height:1.45;margin:.5rem 0}
pre.text{white-space:pre-wrap;font-family:inherit;font-size:15px}
pre.error{background:#fdf1f0;border-color:#f1c6c2;color:#7a1c16;white-space:pre-wrap}
.error-label{margin:.6rem 0 0;color:var(--bad);font-weight:600}
footer{margin-top:2.5rem;font-size:.85rem}
@media print{body{background:#fff}.question{break-inside:avoid}}
"""

def _inert(value):
    """Every {{ value }} of the page: strings made inert (Markup is the page's own HTML: left as it is)."""
    return value if isinstance(value, Markup) or not isinstance(value, str) else inert.html(value)


_ENVIRONMENT = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                  lstrip_blocks=True, finalize=_inert)
_ENVIRONMENT.filters.update(points=_points, title_html=_title_html)


def render_page(assignment: str, student: str, notebooks: list[NotebookResult]) -> str:
    score, max_score = sum(n.score for n in notebooks), sum(n.max_score for n in notebooks)
    return _ENVIRONMENT.from_string(TEMPLATE).render(
        assignment=assignment, student=student, notebooks=notebooks, score=score, max_score=max_score,
        manual_max=sum(n.manual_max for n in notebooks), css=Markup(CSS),
        percent=round(100 * score / max_score) if max_score else 0,
        graded_at=", ".join(sorted({n.graded_at for n in notebooks if n.graded_at})) or "(unknown)")


def write_feedback(root: Path, assignment: str, students: list[str] | None = None) -> list[Path]:
    """Write reports/<assignment>/feedback/<student>.html for each graded student (or the ones named)."""
    folder = root / "reports" / assignment / "feedback"
    folder.mkdir(parents=True, exist_ok=True)
    outlines: dict[str, list[Question]] = {}
    written = []
    for student in require_graded(root, assignment, students):
        path = folder / f"{student}.html"
        path.write_text(render_page(assignment, student, notebook_results(root, assignment, student, outlines)),
                        encoding="utf-8")
        written.append(path)
    return written
