"""Turn a test cell into steps the grader can decide outside the student's process.

A test cell may hold only:
- ``expect_close(ACTUAL, EXPECTED, ...)`` and the other ``course.checks`` functions. ACTUAL is
  always evaluated in the sandbox. Every other argument is evaluated by the grader when it can be
  (literals, numpy, names that setup lines of the cell bound to trusted values); an argument that
  depends on the learner's results (a property check such as "the out-of-bag indices are the
  complement of the sample") is evaluated in the sandbox too. Either way the comparison itself,
  the check function, runs in the grader on plain values;
- ``grade("weekNN.name", name)``: the grader makes the randomized cases, the sandbox only calls
  the learner's function on them, the grader judges the outcomes against the library reference;
- ``score_held_out("weekNN.challenge", predict)``, a held-out challenge: the grader draws the test rows, the
  sandbox only gets their inputs and runs ``predict``, the grader scores the predictions against labels it
  alone holds and gives points by the challenge's thresholds (partial credit). It must be the cell's last
  statement (stock nbgrader reads the points from the cell's value);
- setup statements (``z = np.array([...])``), run on both sides so either can use the names;
- ``for`` loops over literal data (a tuple, a dict's items, a range), unrolled here;
- ``print(...)``, which the grader skips.
Each check carries a label in words for "✓ ..." lines (its ``name=``, else a sentence made from the
check), and every check and grade step says whether it sits between nbgrader's hidden-test markers:
the grader conceals expected values only in hidden steps.
A bare ``assert`` would be decided inside the student's process (where ``==`` can be rigged), so
it is refused, as is a check the grader cannot take apart.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from autograder.notebooks import HIDDEN_MARKERS

CHECKS = ("expect_close", "expect_equal", "expect_choice", "expect_true", "expect_unchanged")
#: Names the grader's own namespace provides when it evaluates arguments of a check.
TRUSTED_NAMES = {"np", "numpy", *CHECKS}
LOOP_BUILTINS = {"range": range, "zip": zip, "enumerate": enumerate, "reversed": reversed, "sorted": sorted}
MAX_UNROLLED = 1000


class PlanError(Exception):
    """A test cell the trusted grader cannot decide safely; the message says how to write it."""


@dataclass(frozen=True)
class Setup:
    code: str


@dataclass(frozen=True)
class Check:
    function: str                              # which course.checks function decides
    actual: str                                # the learner's value: evaluated in the sandbox
    arguments: tuple[tuple[str | None, str], ...]  # (keyword or None, source) of the other arguments
    line: int
    label: str = ""                            # what the check is about, in words, for "✓ ..." lines
    hidden: bool = False                       # between ### BEGIN/END HIDDEN TESTS
    named_when_graded: bool = False            # name= is computed (a per-student text): the grader words it


@dataclass(frozen=True)
class Grade:
    key: str
    function: str
    line: int
    hidden: bool = False


@dataclass(frozen=True)
class HeldOut:
    key: str
    function: str
    line: int
    hidden: bool = False


Step = Setup | Check | Grade | HeldOut
GRADE_CALLS = ("grade", "score_held_out")


def names_in(source: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(source, mode="eval")) if isinstance(n, ast.Name)}


def assigned_names(code: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _called_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name):
        return node.value.func.id
    return None


def _mentions(node: ast.AST, names: tuple[str, ...]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def plan_test_cell(source: str, where: str = "test cell") -> list[Step]:
    """The steps of one test cell (nbgrader's hidden-test markers are plain comments to Python)."""
    from IPython.core.inputtransformer2 import TransformerManager
    try:
        tree = ast.parse(TransformerManager().transform_cell(source))
    except SyntaxError as error:
        raise PlanError(f"{where}: syntax error on line {error.lineno}: {error.msg}") from None
    return _plan_body(tree.body, _Context(where, set(), hidden_lines(source), {}))


def hidden_lines(source: str) -> set[int]:
    """Line numbers (from 1) inside the cell's hidden-test regions, markers included."""
    begin, end = HIDDEN_MARKERS
    lines, inside = set(), False
    for number, line in enumerate(source.splitlines(), 1):
        inside = inside or begin in line
        if inside:
            lines.add(number)
        inside = inside and end not in line
    return lines


@dataclass
class _Context:
    where: str
    defined: set[str]                # names that setup lines bound
    hidden: set[int]                 # line numbers inside hidden-test regions
    loop_values: dict                # loop variable -> its literal value, while unrolling (for f-string names)


def _plan_body(body: list[ast.stmt], context: _Context) -> list[Step]:
    where, defined = context.where, context.defined
    steps: list[Step] = []
    for node in body:
        name = _called_name(node)
        if name == "print":
            continue
        if name in CHECKS:
            steps.append(_check_step(node, name, context))
        elif name in GRADE_CALLS:
            args = node.value.args
            if (len(args) != 2 or not isinstance(args[0], ast.Constant) or not isinstance(args[0].value, str)
                    or not isinstance(args[1], ast.Name) or node.value.keywords):
                raise PlanError(f"{where}, line {node.lineno}: write {name}(\"weekNN.name\", name) with a literal "
                                "key and the function's name.")
            if name == "score_held_out" and node is not body[-1]:
                raise PlanError(f"{where}, line {node.lineno}: score_held_out(...) must be the cell's last "
                                "statement: its value is the points (nbgrader's partial credit).")
            step = Grade if name == "grade" else HeldOut
            steps.append(step(args[0].value, args[1].id, node.lineno, node.lineno in context.hidden))
        elif isinstance(node, ast.Assert):
            raise PlanError(f"{where}, line {node.lineno}: a bare assert is decided inside the student's process; "
                            "use expect_close / expect_equal / expect_true from course.checks instead.")
        elif isinstance(node, ast.For) and _mentions(node, (*CHECKS, "grade")):
            steps += _unroll(node, context)
        elif _mentions(node, (*CHECKS, *GRADE_CALLS)):
            raise PlanError(f"{where}, line {node.lineno}: checks must be top-level statements of the form "
                            "expect_...(actual, expected, ...) or grade(\"key\", function), or sit in a for loop "
                            "over literal data.")
        else:
            steps.append(Setup(ast.unparse(node)))
            defined |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return steps


def _unroll(loop: ast.For, context: _Context) -> list[Step]:
    """A loop over literal data becomes one assignment of the loop variable per item, then the body."""
    where, defined = context.where, context.defined
    allowed = {n.id for n in ast.walk(loop.iter) if isinstance(n, ast.Name)} <= set(LOOP_BUILTINS)
    attributes = all(n.attr in ("items", "keys", "values") for n in ast.walk(loop.iter) if isinstance(n, ast.Attribute))
    try:
        if loop.orelse or not (allowed and attributes):
            raise ValueError
        items = list(eval(compile(ast.Expression(loop.iter), "<loop>", "eval"), {"__builtins__": LOOP_BUILTINS}))
        if len(items) > MAX_UNROLLED or any(ast.literal_eval(repr(item)) != item for item in items):
            raise ValueError
    except Exception:
        raise PlanError(f"{where}, line {loop.lineno}: a loop around checks must run over literal data "
                        "(a tuple or list of literals, a dict literal's .items(), or range(...)).") from None
    steps: list[Step] = []
    for item in items:
        assignment = ast.Assign([loop.target], ast.Constant(item), lineno=loop.lineno)
        steps.append(Setup(f"{ast.unparse(loop.target)} = {item!r}"))
        defined |= {n.id for n in ast.walk(assignment.targets[0]) if isinstance(n, ast.Name)}
        values = dict(context.loop_values)
        try:  # only literals, no builtins: name=f"... tree {t}" can then be read for this item
            exec(f"{ast.unparse(loop.target)} = {item!r}", {"__builtins__": {}}, values)
        except Exception:
            pass
        steps += _plan_body(loop.body, _Context(where, defined, context.hidden, values))
    return steps


def _check_step(node: ast.Expr, name: str, context: _Context) -> Check:
    call = node.value
    if not call.args or any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        raise PlanError(f"{context.where}, line {node.lineno}: {name} needs the learner's value as its first "
                        "positional argument (and no *args or **kwargs).")
    arguments = tuple([(None, ast.unparse(a)) for a in call.args[1:]] +
                      [(k.arg, ast.unparse(k.value)) for k in call.keywords])
    hidden = node.lineno in context.hidden
    named = next((k.value for k in call.keywords if k.arg == "name"), None)
    return Check(name, ast.unparse(call.args[0]), arguments, node.lineno,
                 _label(call, name, hidden, context.loop_values), hidden,
                 named is not None and not _literal_text(named, context.loop_values))


LABEL_WIDTH = 60
# expect_true's message says what went wrong; these phrasings say what is required, or can be turned round.
REQUIREMENT = re.compile(r"^([^;:]*\b(?:should|must)\b[^;:]*?)\s*(?:[;:]|\.?$)")
CHANGED_INPUT = re.compile(r"^(\w+) changed (its inputs\b|its input \w+|\w+)")


def _label(call: ast.Call, function: str, hidden: bool, loop_values: dict) -> str:
    """What a check is about, in words: its ``name=``, else a sentence made from the check.

    In a hidden step the sentence never quotes code other than a plain name (the learner's answer
    variable): a hidden test's inputs and expected values stay hidden.
    """
    keywords = {k.arg: k.value for k in call.keywords}
    name = _literal_text(keywords.get("name"), loop_values)
    if name:
        return name
    first = call.args[0]
    subject = ast.unparse(first) if isinstance(first, ast.Name) or not hidden else "your result"
    if function == "expect_close":
        return f"{subject} matches the expected value"
    if function == "expect_equal":
        return f"{subject} equals the expected value"
    if function == "expect_choice":
        return f"{subject} is the right choice"
    if function == "expect_unchanged":
        parts = [_literal_text(a, loop_values) for a in call.args[2:4]]
        return f"{parts[0]} leaves its input {parts[1]} unchanged" if all(parts) and len(parts) == 2 \
            else f"{subject} is unchanged"
    message = keywords.get("message", call.args[1] if len(call.args) > 1 else None)
    words, complete = _constant_prefix(message)
    if hidden and re.search(r"\d", words):  # "q2 should be 1.77": a hidden value, even in a passed line
        words = ""
    if (match := REQUIREMENT.match(words)) and (complete or match[0].rstrip()[-1:] in (";", ":")):
        return match[1]
    if match := CHANGED_INPUT.match(words):
        return f"{match[1]} leaves {match[2]} unchanged"
    if hidden:
        return "a hidden property check"
    condition = ast.unparse(first)
    return "property holds: " + (condition if len(condition) <= LABEL_WIDTH else condition[:LABEL_WIDTH - 1] + "…")


def _literal_text(node: ast.AST | None, loop_values: dict) -> str:
    """A string literal, or an f-string over loop variables bound to literals (name=f"tree {t}")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    plain = (ast.JoinedStr, ast.FormattedValue, ast.Constant, ast.Name, ast.Load)
    if isinstance(node, ast.JoinedStr) and all(isinstance(n, plain) for n in ast.walk(node)) \
            and all(n.id in loop_values for n in ast.walk(node) if isinstance(n, ast.Name)):
        try:
            return eval(compile(ast.Expression(node), "<name>", "eval"), {"__builtins__": {}}, dict(loop_values))
        except Exception:
            return ""
    return ""


def _constant_prefix(node: ast.AST | None) -> tuple[str, bool]:
    """The words of a message up to its first {placeholder}, and whether that is the whole message."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.strip(), True
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return str(node.values[0].value).strip(), len(node.values) == 1
    return "", False
