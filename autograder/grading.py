"""Grade one submission: run it in a sandbox, decide every test cell in this (trusted) process."""
from __future__ import annotations

import builtins
import contextlib
import functools
import os
import re
import signal
import time
from dataclasses import dataclass, field

import nbformat
import numpy as np

import course.checks
from autograder import channel, values
from autograder.merge import is_test, merge
from autograder.notebooks import nbgrader_meta
from autograder.plan import Check, Grade, HeldOut, PlanError, Setup, assigned_names, names_in, plan_test_cell
from autograder.sandbox import Limits
from course import exercises, variants
from course.checks import CheckFailure, concealing_expected_values


@dataclass
class Job:
    student: str
    assignment: str
    notebook: str                     # file name, e.g. week01.ipynb
    submitted: bytes                  # the file as handed in
    source: str                       # the instructor's notebook as JSON (solutions, hidden tests)
    files: dict[str, bytes]           # other files the assignment ships (data)
    seed: int
    limits: Limits = field(default_factory=Limits)
    hide: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    disable: frozenset[str] = frozenset()
    refused: str | None = None        # why the submission is not graded at all (a symlink, a folder...)
    slice: bool = False               # run only the cells the verdicts can depend on (autograder/slicing.py)


@dataclass
class CellVerdict:
    grade_id: str
    score: float | None               # None: needs a person (written answers)
    max_score: float
    message: str
    #: a held-out challenge's result, for the leaderboard: {"key", "metric", "value", "rows"}; never labels
    challenge: dict | None = None


@dataclass
class Result:
    student: str
    assignment: str
    notebook: str
    seed: int
    verdicts: list[CellVerdict]
    executed: dict | None             # the graded notebook, with outputs and our verdicts
    notes: list[str]                  # what went wrong with the submission as a whole
    confinement: dict
    seconds: dict

    @property
    def score(self) -> float:
        return sum(v.score or 0 for v in self.verdicts)

    @property
    def max_score(self) -> float:
        return sum(v.max_score for v in self.verdicts)


class Stopped(Exception):
    """The sandbox can run nothing more (it died, or it was killed at a time limit)."""


class _Sandbox:
    def __init__(self, zygote, job: Job):
        self.sock, self.pid = zygote.spawn({**job.files}, job.limits, job.hide, job.keep, job.disable)
        self.limits = job.limits
        self.deadline = time.monotonic() + job.limits.notebook_timeout
        hello = self._receive(60.0, "starting the sandbox")
        if not hello.get("confined"):
            raise Stopped(f"the sandbox could not be set up: {hello.get('error')}")
        self.confinement = {"applied": hello.get("applied", []), "missing": hello.get("missing", [])}

    def _receive(self, timeout: float, doing: str) -> dict:
        try:
            return channel.receive(self.sock, timeout, from_sandbox=True)
        except channel.ChannelTimeout:
            self.kill()
            limit = "the notebook's time limit" if time.monotonic() >= self.deadline else f"{timeout:.0f} s"
            raise Stopped(f"{doing} took longer than {limit}: the notebook was stopped there") from None
        except (channel.ChannelClosed, ValueError) as error:
            self.kill()
            raise Stopped(f"the notebook's process died while {doing} (it may have run out of memory, "
                          f"exceeded its CPU time or killed itself): {error}") from None

    def request(self, message: dict, doing: str) -> dict:
        left = self.deadline - time.monotonic()
        if left <= 0:  # a wall-clock limit: a stream of quick requests must not outlive it
            self.kill()
            raise Stopped(f"the notebook's time limit ({self.limits.notebook_timeout:g} s) was reached before "
                          f"{doing}: the notebook was stopped there")
        timeout = min(self.limits.cell_timeout, left)
        try:
            channel.send(self.sock, message)
        except OSError:
            self.kill()
            raise Stopped(f"the notebook's process was gone before {doing}") from None
        return self._receive(timeout, doing)

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)  # PID 1 of its namespace: everything it started dies too
        except ProcessLookupError:
            pass
        self.sock.close()


def clean_text(value, limit: int | None = None) -> str:
    """Text from the sandbox (or the submission) as something every writer can store: a str, at most
    ``limit`` characters, no lone surrogates (``print('\\ud800')`` would stop the notebook's writer)."""
    text = value if isinstance(value, str) else str(value)
    if limit is not None and len(text) > limit:
        text = text[:limit]
    return text.encode("utf-8", "replace").decode("utf-8")


def _outputs(reply: dict, limit: int = Limits.output_chars) -> list:
    """A cell's outputs from the sandbox's reply, capped here: the sandbox's own cap runs in the student's
    process, which may have changed it."""
    outputs, room = [], limit
    dropped = reply.get("dropped") if isinstance(reply.get("dropped"), int) else 0
    for name in ("stdout", "stderr"):
        text = reply.get(name)
        if text:
            text = text if isinstance(text, str) else str(text)
            kept = clean_text(text, max(room, 0))
            dropped += len(text) - len(kept)
            room -= len(kept)
            if kept:
                outputs.append(nbformat.v4.new_output("stream", name=name, text=kept))
    if dropped > 0:
        outputs.append(nbformat.v4.new_output(
            "stream", name="stdout", text=f"\n[{dropped} more characters of output were not kept]\n"))
    error = reply.get("error")
    if error:
        error = error if isinstance(error, dict) else {"ename": "Error", "evalue": error}
        outputs.append(nbformat.v4.new_output(
            "error", ename=clean_text(error.get("ename"), 200), evalue=clean_text(error.get("evalue"), 2000),
            traceback=clean_text(error.get("traceback", ""), 5000).splitlines()))
    return outputs


def _trusted_namespace(student: str | None = None) -> dict:
    """What a check's expected side may use: numpy, the checks, and the per-student questions' answers and
    numbers for the student the submission was handed in under (never the id the notebook claims)."""
    names = {name: getattr(course.checks, name) for name in course.checks.__all__}
    per_student = {"variant_answer": functools.partial(variants.variant_answer, student=student),
                   "parameters": functools.partial(variants.parameters, student=student)}
    return {"np": np, "numpy": np, **names, **per_student, "__builtins__": __builtins__}


USES_VARIANTS = re.compile(r"\bvariant_answer\s*\(")


def _variant_id_note(sandbox: _Sandbox, student: str) -> str | None:
    """When the id typed into the notebook is not the submission's, say so: the learner saw (and perhaps
    answered) another id's numbers, and is graded against the numbers of the id it was handed in under."""
    reply = sandbox.request({"op": "eval", "expression": "__import__('course.variants').variants.typed_id()"},
                            "reading the notebook's student id")
    claimed = values.decode(reply.get("value")) if not reply.get("error") else None
    if not isinstance(claimed, str) or claimed == student:
        return None
    return (f"the id typed into this notebook is {clean_text(claimed, 80)!r}, but it was handed in as {student!r}: "
            f"the questions with per-student numbers were graded against {student!r}'s numbers (type your own id "
            "into the id cell and run the notebook again).")


class _CellError(Exception):
    """The sandbox raised while evaluating part of a check: (error dict, message)."""


def _raised(code: str, error: dict) -> str:
    if error.get("ename") == "NotImplementedError":
        return "not implemented yet (the answer still raises NotImplementedError)."
    return f"{code} raised {error.get('ename')}: {error.get('evalue')}"


def _trusted_value(source: str, trusted: dict):
    """Evaluate a check's argument in the grader when it depends on nothing the learner computed."""
    if names_in(source) - set(trusted) - set(dir(builtins)):
        raise LookupError(source)
    return eval(compile(source, "<check argument>", "eval"), trusted)


def _evaluated_here(sandbox: _Sandbox, expressions: list[str], trusted: dict, grade_id: str) -> tuple | None:
    """The expressions evaluated in this process, on the learner's names fetched as plain values.

    ``np.array_equal(x, x_before)`` or ``isinstance(q2_answer, int)`` computed in the sandbox could be
    rigged by a patched ``np.array_equal`` or a str subclass; computed here on decoded data it cannot.
    None when a name is not plain data (a function the check calls): then the sandbox evaluates them.
    """
    learner = sorted(set().union(*(names_in(e) for e in expressions)) - set(trusted) - set(dir(builtins)))
    if not learner:
        return None
    reply = sandbox.request({"op": "eval", "expression": "(" + ", ".join(learner) + ",)"},
                            f"running test cell '{grade_id}'")
    if reply.get("error"):  # e.g. a name the learner never defined: the sandbox's own error says it best
        return None
    fetched = values.decode(reply.get("value"))
    if not isinstance(fetched, tuple) or len(fetched) != len(learner) or \
            any(isinstance(v, values.Unsupported) for v in fetched):
        return None
    namespace = {**trusted, **dict(zip(learner, fetched))}
    results = []
    for expression in expressions:
        try:
            results.append(eval(compile(expression, "<check>", "eval"), namespace))
        except Exception as error:  # the learner's data makes the expression fail (a wrong shape, say)
            raise _CellError({"ename": type(error).__name__, "evalue": clean_text(error, 500), "traceback": ""},
                             f"{expression} raised {type(error).__name__}: {clean_text(error, 300)}") from None
    return tuple(results)


def _decide_check(sandbox: _Sandbox, step: Check, trusted: dict, grade_id: str) -> tuple[bool, str]:
    """Gather the check's arguments (the learner's side from the sandbox), then run the check here."""
    arguments, remote = [], [step.actual]
    for keyword, source in step.arguments:
        try:
            arguments.append((keyword, ("value", _trusted_value(source, trusted))))
        except Exception:  # depends on the learner's results: a property check, evaluated over there
            arguments.append((keyword, ("remote", len(remote))))
            remote.append(source)
    try:
        got = _evaluated_here(sandbox, remote, trusted, grade_id)
        if got is None:  # the expressions call the learner's functions: only the sandbox can evaluate them
            reply = sandbox.request({"op": "eval", "expression": "(" + ", ".join(remote) + ",)"},
                                    f"running test cell '{grade_id}'")
            if reply.get("error"):
                raise _CellError(reply["error"], _raised(step.actual, reply["error"]))
            got = values.decode(reply.get("value"))
        if not isinstance(got, tuple) or len(got) != len(remote):
            raise values.BoundaryError("the sandbox answered with something else")
    except values.BoundaryError as error:
        return False, f"the value of {step.actual} could not be read: {error}"
    positional = [got[0]] + [got[v] if kind == "remote" else v for k, (kind, v) in arguments if k is None]
    keywords = {k: got[v] if kind == "remote" else v for k, (kind, v) in arguments if k is not None}
    # Hidden checks explain without the reference's numbers; public ones show what the student saw in
    # their own kernel (their expected values are in the notebook anyway).
    conceal = concealing_expected_values() if getattr(step, "hidden", True) else contextlib.nullcontext()
    try:
        with conceal:
            trusted[step.function](*positional, **keywords)
    except CheckFailure as failure:
        return False, str(failure)
    except Exception as error:  # the instructor's check itself failed: say so, do not crash the batch
        return False, f"the grader could not evaluate this check ({type(error).__name__}: {error})"
    # A name computed here (parameters("quiz.q01")["why"]: the explanation of this student's question) says
    # more than the planner's words from the source; one the sandbox computed could be the learner's text.
    named = keywords.get("name") if dict(arguments).get("name", ("remote",))[0] == "value" else None
    return True, f"✓ {named.strip() if isinstance(named, str) and named.strip() else step.label}"


def _decide_grade(sandbox: _Sandbox, step: Grade, seed: int) -> tuple[bool, str]:
    """Hidden randomized cases: made and judged here; the sandbox only runs the learner's function."""
    seed_used, cases = exercises.make_cases(step.key, _exercise_seed(seed, step.key))
    outcomes = _call_in_sandbox(sandbox, step, cases, f"running the hidden tests of '{step.function}'")
    if isinstance(outcomes, str):
        return False, outcomes
    with concealing_expected_values():  # feedback must not hand out the reference's numbers
        report = exercises.judge(step.key, seed_used, cases, outcomes)
    if not report.ok:
        return False, report.failure
    return True, f"✓ {step.key}: {report.total} randomized checks against the library reference"


def _decide_held_out(sandbox: _Sandbox, step: HeldOut, seed: int) -> tuple[float, str, dict | None]:
    """A held-out challenge: the test rows are drawn here for this submission's seed, only their inputs go to
    the sandbox, and the predictions are scored here against labels that never leave this process."""
    case, labels = exercises.held_out_test(step.key, _exercise_seed(seed, step.key))
    outcomes = _call_in_sandbox(sandbox, step, [case], f"running '{step.function}' on the held-out test")
    if isinstance(outcomes, str):
        return 0.0, outcomes, None
    if not outcomes:
        return 0.0, f"{step.function} produced no predictions.", None
    points, message, value = exercises.judge_held_out(step.key, case, labels, outcomes[0])
    challenge = exercises.get_challenge(step.key)
    info = None if value is None else {"key": step.key, "metric": challenge.metric, "value": value,
                                       "rows": len(labels)}
    return points / challenge.max_points, message, info


def _call_in_sandbox(sandbox: _Sandbox, step: Grade | HeldOut, cases: list, doing: str) -> list | str:
    """The learner's function run on the cases in the sandbox: an Outcome per case, or why there is none."""
    reply = sandbox.request({"op": "call", "key": step.key, "function": step.function,
                             "cases": [values.encode(c) for c in cases]}, doing)
    if reply.get("error"):
        error = reply["error"]
        return f"{step.function} could not be tested: {error['ename']}: {error['evalue']}"
    outcomes, budget = [], values.Budget()  # one budget for the whole reply: many medium values add up
    for item in reply.get("outcomes", [])[:len(cases)]:
        try:
            value = values.decode(item.get("value"), budget) if item.get("value") is not None else None
            failure, error = _text(item.get("failure")), _text(item.get("error"))
            not_implemented = item.get("not_implemented") is True
        except (values.BoundaryError, AttributeError) as problem:
            outcomes.append(exercises.Outcome(error=f"its result could not be read ({problem})"))
            continue
        # The inputs as they were after the call: the judge compares them with the cases made here, so a
        # function that overwrites its input fails whatever the student's process patched. A missing entry
        # is not "unchanged": the judge fails the case for it.
        try:
            after = values.decode(item["after"], budget) if item.get("after") is not None else {}
            if not isinstance(after, dict):
                raise values.BoundaryError("they are not a set of named values")
        except Exception as problem:  # BoundaryError, or data that is not even shaped like a value
            outcomes.append(exercises.Outcome(
                failure=f"the inputs of {step.function} after the call could not be read ({problem}), so the "
                        "grader cannot tell whether it left them unchanged."))
            continue
        outcomes.append(exercises.Outcome(value=value, failure=failure, error=error,
                                          not_implemented=not_implemented, after=after))
    return outcomes


@dataclass
class _CellOutcome:
    share: float                     # of the cell's points: 1 when every check passes, less for a challenge
    message: str
    outputs: list
    challenge: dict | None = None


def _decide_test_cell(sandbox: _Sandbox, cell, seed: int, trusted: dict) -> _CellOutcome:
    """Run a test cell's steps: every check must pass for any points; a held-out challenge scales them."""
    grade_id = nbgrader_meta(cell)["grade_id"]
    steps = plan_test_cell(cell.source, f"test cell '{grade_id}'")
    passed_lines, outputs, share, challenge = [], [], 1.0, None
    for step in steps:
        if isinstance(step, Setup):
            reply = sandbox.request({"op": "run", "source": step.code}, f"running test cell '{grade_id}'")
            outputs += _outputs({**reply, "stdout": "", "stderr": "", "dropped": 0})
            if reply.get("error"):
                return _CellOutcome(0.0, _raised(step.code.splitlines()[0], reply["error"]), outputs)
            try:
                exec(step.code, trusted)
            except Exception:  # e.g. a value computed by the learner's code: only the sandbox has it now
                for name in assigned_names(step.code):
                    trusted.pop(name, None)  # never let a stale trusted value stand in for it
        elif isinstance(step, Check):
            try:
                passed, message = _decide_check(sandbox, step, trusted, grade_id)
            except _CellError as error:
                outputs += _outputs({"error": error.args[0]})
                return _CellOutcome(0.0, error.args[1], outputs)
            if not passed:
                return _CellOutcome(0.0, message, outputs)
            passed_lines.append(message)
        elif isinstance(step, Grade):
            passed, message = _decide_grade(sandbox, step, seed)
            if not passed:
                return _CellOutcome(0.0, message, outputs)
            passed_lines.append(message)
        elif isinstance(step, HeldOut):
            fraction, message, challenge = _decide_held_out(sandbox, step, seed)
            if fraction == 0:
                return _CellOutcome(0.0, message, outputs, challenge)
            share = min(share, fraction)
            passed_lines.append(message)
    return _CellOutcome(share, "\n".join(passed_lines) or "✓ passed", outputs, challenge)


def _text(value) -> str | None:
    return None if value is None else str(value)[:2000]


def _exercise_seed(seed: int, key: str) -> int:
    import hashlib
    return int.from_bytes(hashlib.sha256(f"{seed}:{key}".encode()).digest()[:4], "little")


NOT_RERUN = "[not re-run when graded: no test, answer or cell they read depends on this cell]\n"


def _cells_to_skip(notebook: nbformat.NotebookNode, source: nbformat.NotebookNode) -> set[int]:
    """Indices (in ``notebook.cells``) of the lesson cells no verdict can depend on. Test and answer cells, and
    cells the student added or edited, always run; the rest is decided by ``slicing.needed_cells``."""
    from autograder import slicing
    original = {cell.get("id"): cell.source for cell in source.cells if cell.cell_type == "code"}
    positions = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    cells = [notebook.cells[i] for i in positions]
    required = [is_test(c) or bool(nbgrader_meta(c).get("solution")) or original.get(c.get("id")) != c.source
                for c in cells]
    needed, _ = slicing.needed_cells([c.source for c in cells], required)
    return {position for number, position in enumerate(positions) if number not in needed}


def zero_verdicts(source: nbformat.NotebookNode, message: str) -> dict[str, CellVerdict]:
    """Every graded cell of the assignment at 0, with ``message``."""
    return {meta["grade_id"]: CellVerdict(meta["grade_id"], 0.0, float(meta["points"]), message)
            for meta in map(nbgrader_meta, source.cells) if meta.get("grade")}


def failed_result(job: Job, note: str) -> Result:
    """A submission that could not be graded: every question at 0 with the reason, so the gradebook,
    the ledger and grades.csv all say the same (never a previous attempt's scores)."""
    verdicts = zero_verdicts(nbformat.reads(job.source, as_version=4), f"not graded: {note}")
    return Result(job.student, job.assignment, job.notebook, job.seed, list(verdicts.values()), None,
                  [note], {}, {})


def grade_submission(job: Job, zygote) -> Result:
    started = time.perf_counter()
    if job.refused:
        result = failed_result(job, job.refused)
        result.seconds = {"total": time.perf_counter() - started}
        return result
    source = nbformat.reads(job.source, as_version=4)
    verdicts = zero_verdicts(source, "not run")
    result = Result(job.student, job.assignment, job.notebook, job.seed, [], None, [], {}, {})

    try:
        submitted = nbformat.reads(job.submitted.decode("utf-8", errors="replace"), as_version=4)
        merged = merge(source, submitted)
    except Exception as error:
        result.notes.append(f"the submission is not a readable notebook ({type(error).__name__}: "
                            f"{clean_text(error, 200)}): every question scores 0")
        for verdict in verdicts.values():
            verdict.message = "the notebook could not be read"
        result.verdicts = list(verdicts.values())
        result.seconds = {"total": time.perf_counter() - started}
        return result

    result.notes += merged.notes
    notebook = merged.notebook
    for cell in notebook.cells:
        cell.source = clean_text(cell.source)
        meta = nbgrader_meta(cell)
        if meta.get("grade") and meta.get("solution"):  # written answers wait for a person
            verdicts[meta["grade_id"]] = CellVerdict(meta["grade_id"], None, float(meta["points"]),
                                                     "graded by hand")

    trusted = _trusted_namespace(job.student)
    unanswered: list[str] = []
    sandbox = None
    stopped_at = None
    try:
        sandbox = _Sandbox(zygote, job)
        result.confinement = sandbox.confinement
        spawned = time.perf_counter()
        per_student = any(is_test(cell) and USES_VARIANTS.search(cell.source) for cell in notebook.cells)
        if per_student:  # the notebook's own draws (a learner's computed answer) use the submission's id too
            sandbox.request({"op": "run", "source": f"__import__('course.variants').variants.grading_as("
                                                    f"{job.student!r})"}, "setting the student id")
        skipped = _cells_to_skip(notebook, source) if job.slice else set()
        result.seconds["cells_skipped"] = len(skipped)
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            if index in skipped:
                cell.outputs = list(cell.get("outputs", [])) + [nbformat.v4.new_output(
                    "stream", name="stdout", text=NOT_RERUN)]
                continue
            if is_test(cell):
                grade_id = nbgrader_meta(cell)["grade_id"]
                try:
                    outcome = _decide_test_cell(sandbox, cell, job.seed, trusted)
                except PlanError as error:
                    outcome = _CellOutcome(0.0, f"the grader cannot decide this cell: {error}", [])
                message, outputs, passed = outcome.message, outcome.outputs, outcome.share > 0
                verdicts[grade_id].score = verdicts[grade_id].max_score * outcome.share
                verdicts[grade_id].message = message
                verdicts[grade_id].challenge = outcome.challenge
                cell.outputs = outputs + ([nbformat.v4.new_output("stream", name="stdout", text=message + "\n")]
                                          if passed else
                                          [nbformat.v4.new_output("error", ename="CheckFailure", evalue=message,
                                                                  traceback=[f"CheckFailure: {message}"])])
            else:
                reply = sandbox.request({"op": "run", "source": cell.source}, f"running cell {index}")
                cell.outputs = _outputs(reply, job.limits.output_chars)
                grade_id = nbgrader_meta(cell).get("grade_id")
                if reply.get("error") and grade_id:  # tells why the tests that follow fail
                    if reply["error"]["ename"] == "NotImplementedError":
                        unanswered.append(grade_id)
                    else:
                        result.notes.append(f"the answer cell '{grade_id}' raised {reply['error']['ename']}: "
                                            f"{str(reply['error']['evalue'])[:200]}")
        if per_student:
            note = _variant_id_note(sandbox, job.student)
            if note:
                result.notes.append(note)
        result.seconds["in_sandbox"] = time.perf_counter() - spawned
        if unanswered:
            result.notes.append(f"not answered (still raising NotImplementedError): {', '.join(unanswered)}")
    except Stopped as stop:
        stopped_at = str(stop)
        result.notes.append(stopped_at)
    finally:
        if sandbox is not None:
            sandbox.kill()
    if stopped_at:
        for verdict in verdicts.values():
            if verdict.message == "not run":
                verdict.message = f"not run: {stopped_at}"
    for verdict in verdicts.values():  # messages quote the student's values and errors
        verdict.message = clean_text(verdict.message, 4000)
    result.notes = [clean_text(note, 4000) for note in result.notes]
    result.verdicts = list(verdicts.values())
    notebook.metadata["autograder"] = {"seed": job.seed, "notes": result.notes,
                                       "confinement": result.confinement}
    result.executed = notebook
    result.seconds["total"] = time.perf_counter() - started
    return result
