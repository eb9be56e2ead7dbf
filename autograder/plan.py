"""Turn a test cell into steps the grader can decide outside the student's process.

A test cell may hold only:
- ``expect_close(ACTUAL, EXPECTED, ...)`` and the other ``course.checks`` functions: ACTUAL is
  evaluated in the sandbox, the rest of the call (expected value, tolerances) in the grader;
- ``grade("weekNN.name", name)``: the grader makes the randomized cases, the sandbox only calls
  the learner's function on them, the grader judges the outcomes against the library reference;
- setup statements (``z = np.array([...])``), run on both sides so either can use the names;
- ``print(...)``, which the grader skips.
A bare ``assert`` would be decided inside the student's process (where ``==`` can be rigged), so
it is refused, as is a check call the grader cannot take apart.
"""
from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

CHECKS = ("expect_close", "expect_equal", "expect_choice", "expect_true")
#: Names the grader's own namespace provides when it evaluates the expected side of a check.
TRUSTED_NAMES = {"np", "numpy", *CHECKS}


class PlanError(Exception):
    """A test cell the trusted grader cannot decide safely; the message says how to write it."""


@dataclass(frozen=True)
class Setup:
    code: str


@dataclass(frozen=True)
class Check:
    actual: str       # evaluated in the sandbox
    verdict: str      # the check call with the actual value replaced by __actual__, run by the grader
    line: int


@dataclass(frozen=True)
class Grade:
    key: str
    function: str
    line: int


Step = Setup | Check | Grade


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
    steps: list[Step] = []
    defined: set[str] = set()
    for node in tree.body:
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
        elif _mentions(node, (*CHECKS, "grade")):
            raise PlanError(f"{where}, line {node.lineno}: checks must be top-level statements of the form "
                            "expect_...(actual, expected, ...) or grade(\"key\", function).")
        else:
            steps.append(Setup(ast.unparse(node)))
            defined |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return steps


def _check_step(node: ast.Expr, name: str, where: str, defined: set[str]) -> Check:
    call = node.value
    if not call.args:
        raise PlanError(f"{where}, line {node.lineno}: {name} needs the learner's value as its first "
                        "positional argument.")
    if name == "expect_true":
        # The condition is the learner's value; the message may quote it, so both come from the sandbox.
        args = [*call.args, *[k.value for k in call.keywords]]
        actual = ast.unparse(ast.Tuple(args, ast.Load()))
        verdict = "expect_true(__actual__[0], *[str(part) for part in __actual__[1:]])"
        return Check(actual, verdict, node.lineno)
    actual = ast.unparse(call.args[0])
    call.args[0] = ast.Name("__actual__", ast.Load())
    unknown = sorted({n.id for n in ast.walk(call) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
                     - defined - TRUSTED_NAMES - set(dir(builtins)) - {"__actual__"})
    if unknown:
        raise PlanError(f"{where}, line {node.lineno}: the expected side of {name} uses {', '.join(unknown)}, "
                        "which only the student's process knows; compute it from literals or from setup lines "
                        "of this cell.")
    return Check(actual, ast.unparse(call), node.lineno)
