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
- setup statements (``z = np.array([...])``), run on both sides so either can use the names;
- ``for`` loops over literal data (a tuple, a dict's items, a range), unrolled here;
- ``print(...)``, which the grader skips.
A bare ``assert`` would be decided inside the student's process (where ``==`` can be rigged), so
it is refused, as is a check the grader cannot take apart.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

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
    label: str = ""                            # what the check is about, for "✓ ..." lines


@dataclass(frozen=True)
class Grade:
    key: str
    function: str
    line: int


Step = Setup | Check | Grade


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
    return _plan_body(tree.body, where, set())


def _plan_body(body: list[ast.stmt], where: str, defined: set[str]) -> list[Step]:
    steps: list[Step] = []
    for node in body:
        name = _called_name(node)
        if name == "print":
            continue
        if name in CHECKS:
            steps.append(_check_step(node, name, where, defined))
        elif name == "grade":
            args = node.value.args
            if (len(args) != 2 or not isinstance(args[0], ast.Constant) or not isinstance(args[0].value, str)
                    or not isinstance(args[1], ast.Name) or node.value.keywords):
                raise PlanError(f"{where}, line {node.lineno}: write grade(\"weekNN.name\", name) with a literal "
                                "key and the function's name.")
            steps.append(Grade(args[0].value, args[1].id, node.lineno))
        elif isinstance(node, ast.Assert):
            raise PlanError(f"{where}, line {node.lineno}: a bare assert is decided inside the student's process; "
                            "use expect_close / expect_equal / expect_true from course.checks instead.")
        elif isinstance(node, ast.For) and _mentions(node, (*CHECKS, "grade")):
            steps += _unroll(node, where, defined)
        elif _mentions(node, (*CHECKS, "grade")):
            raise PlanError(f"{where}, line {node.lineno}: checks must be top-level statements of the form "
                            "expect_...(actual, expected, ...) or grade(\"key\", function), or sit in a for loop "
                            "over literal data.")
        else:
            steps.append(Setup(ast.unparse(node)))
            defined |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return steps


def _unroll(loop: ast.For, where: str, defined: set[str]) -> list[Step]:
    """A loop over literal data becomes one assignment of the loop variable per item, then the body."""
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
        steps += _plan_body(loop.body, where, defined)
    return steps


def _check_step(node: ast.Expr, name: str, where: str, defined: set[str]) -> Check:
    call = node.value
    if not call.args or any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        raise PlanError(f"{where}, line {node.lineno}: {name} needs the learner's value as its first "
                        "positional argument (and no *args or **kwargs).")
    arguments = tuple([(None, ast.unparse(a)) for a in call.args[1:]] +
                      [(k.arg, ast.unparse(k.value)) for k in call.keywords])
    return Check(name, ast.unparse(call.args[0]), arguments, node.lineno, _label(call))


def _label(call: ast.Call) -> str:
    """The check's ``name=`` when it is a plain string, else the learner-side expression."""
    for keyword in call.keywords:
        if keyword.arg == "name" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
            return keyword.value.value
    return ast.unparse(call.args[0])
