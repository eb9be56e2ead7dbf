"""Week 07 (deep learning I: neurons, backpropagation, optimisers): the graded functions, inputs and references.

References: PyTorch in float64: autograd for every gradient (the scalar ``Value`` engine, the layers, the whole
two-hidden-layer network), ``torch.optim.SGD(momentum=...)`` and ``torch.optim.Adam`` for the update steps
(several steps from a given optimiser state, on copied parameters and gradients). The initialisers are checked
by their properties over many draws (shape, mean, variance, shape of the distribution, the generator used), with
bounds at six standard errors so that a correct initialiser fails by chance less than once in a hundred million.

The ``Value`` exercise is a class: ``call`` receives the learner's class and builds, inside the sandbox, the
expression graph that the case describes as plain data (leaf values and a list of operations that reuse
earlier nodes). The trusted side builds the same graph with torch tensors.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F

from course.checks import CheckFailure, diagnose, expected_values_concealed
from course.exercises import Case, Exercise, register

# Every `call` passes the case's arrays as they are: run_case gives it working copies and the grader checks
# that they come back unchanged (a .copy() here would hide a function that overwrites its input).

RTOL, ATOL = 1e-7, 1e-12


def _t(array: Any, grad: bool = False) -> torch.Tensor:
    return torch.tensor(np.asarray(array, dtype=float), dtype=torch.float64, requires_grad=grad)


def _np(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().numpy().copy()


def _close(actual: Any, expected: Any, rtol: float = RTOL, atol: float = ATOL) -> bool:
    return diagnose(actual, expected, rtol=rtol, atol=atol) is None


def _judge(actual: Any, expected: Any, what: str, mistakes: Callable[[], dict[str, Any]] = dict,
           rtol: float = RTOL, atol: float = ATOL) -> None:
    """Raise the generic diagnosis, or the named mistake (from ``mistakes()``, computed only on failure)."""
    problem = diagnose(actual, expected, rtol=rtol, atol=atol, what=what)
    if problem is None:
        return
    for mistake, value in mistakes().items():
        if value is not None and _close(actual, value, rtol=1e-6, atol=1e-9):
            raise CheckFailure(f"{what} is what {mistake} gives.")
    raise CheckFailure(problem)


def _parts(actual: Any, count: int, names: str, name: str) -> tuple:
    if not (isinstance(actual, (tuple, list)) and len(actual) == count):
        raise CheckFailure(f"{name} should be a tuple ({names}); got {type(actual).__name__}"
                           + (f" of length {len(actual)}" if isinstance(actual, (tuple, list)) else "") + ".")
    return tuple(actual)


# ----------------------------------------------------------------------------- Value (scalar autodiff)

#: operation -> (how it reads, number of node operands); "c" is a constant (a Python float)
OPERATIONS = {   # the primitives first (the single-operation cases run in this order), then what builds on them
    "add": ("{a} + {b}", 2), "mul": ("{a} * {b}", 2), "pow": ("{a} ** {c}", 1),
    "exp": ("{a}.exp()", 1), "log": ("{a}.log()", 1), "tanh": ("{a}.tanh()", 1), "relu": ("{a}.relu()", 1),
    "neg": ("-{a}", 1), "sub": ("{a} - {b}", 2), "div": ("{a} / {b}", 2),
    "add_const": ("{a} + {c}", 1), "radd_const": ("{c} + {a}", 1), "rsub_const": ("{c} - {a}", 1),
    "mul_const": ("{a} * {c}", 1), "rmul_const": ("{c} * {a}", 1), "div_const": ("{a} / {c}", 1),
    "rdiv_const": ("{c} / {a}", 1),
}
#: what Python needs for an operation with the Value on the right or a number on one side
_DUNDER = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__", "add_const": "__add__",
           "radd_const": "__radd__", "rsub_const": "__rsub__", "mul_const": "__mul__", "rmul_const": "__rmul__",
           "div_const": "__truediv__", "rdiv_const": "__rtruediv__", "pow": "__pow__", "neg": "__neg__",
           "exp": "exp", "log": "log", "tanh": "tanh", "relu": "relu"}
_LOCAL_RULE = {
    "add": "d(a + b)/da = d(a + b)/db = 1", "sub": "d(a - b)/da = 1, d(a - b)/db = -1",
    "mul": "d(a * b)/da = b, d(a * b)/db = a", "div": "d(a / b)/da = 1/b, d(a / b)/db = -a/b²",
    "add_const": "d(a + c)/da = 1", "radd_const": "d(c + a)/da = 1", "rsub_const": "d(c - a)/da = -1",
    "mul_const": "d(a * c)/da = c", "rmul_const": "d(c * a)/da = c", "div_const": "d(a / c)/da = 1/c",
    "rdiv_const": "d(c / a)/da = -c/a²", "pow": "d(a ** c)/da = c * a ** (c - 1)", "neg": "d(-a)/da = -1",
    "exp": "d exp(a)/da = exp(a)", "log": "d log(a)/da = 1/a", "tanh": "d tanh(a)/da = 1 - tanh(a)²",
    "relu": "d relu(a)/da = 1 if a > 0 else 0",
}


def apply_operation(op: dict, nodes: list) -> Any:
    """``nodes`` extended by one operation of a case: works for the learner's Value and for torch tensors."""
    kind, a = op["op"], nodes[op["a"]]
    b, c = (nodes[op["b"]] if "b" in op else None), op.get("c")
    return {
        "add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "div": lambda: a / b,
        "add_const": lambda: a + c, "radd_const": lambda: c + a, "rsub_const": lambda: c - a,
        "mul_const": lambda: a * c, "rmul_const": lambda: c * a, "div_const": lambda: a / c,
        "rdiv_const": lambda: c / a, "pow": lambda: a ** c, "neg": lambda: -a,
        "exp": lambda: a.exp(), "log": lambda: a.log(), "tanh": lambda: a.tanh(), "relu": lambda: a.relu(),
    }[kind]()


def _float_value(kind: str, a: float, b: float | None, c: float | None) -> float:
    return {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "div": lambda: a / b,
            "add_const": lambda: a + c, "radd_const": lambda: c + a, "rsub_const": lambda: c - a,
            "mul_const": lambda: a * c, "rmul_const": lambda: c * a, "div_const": lambda: a / c,
            "rdiv_const": lambda: c / a, "pow": lambda: a ** c, "neg": lambda: -a, "exp": lambda: math.exp(a),
            "log": lambda: math.log(a), "tanh": lambda: math.tanh(a), "relu": lambda: max(a, 0.0)}[kind]()


def _allowed(kind: str, a: float, b: float | None, c: float | None) -> bool:
    """Keep every operation away from its singular points and kinks, and values of moderate size."""
    if kind in ("div",) and abs(b) < 0.3:
        return False
    if kind == "rdiv_const" and abs(a) < 0.3:
        return False
    if kind == "log" and a < 0.2:
        return False
    if kind == "exp" and a > 3.0:
        return False
    if kind == "relu" and abs(a) < 0.05:
        return False
    if kind == "pow" and (c != int(c) and a < 0.2 or c < 0 and abs(a) < 0.3):
        return False
    return True


def _constant(rng: np.random.Generator, kind: str) -> float:
    if kind == "pow":
        return float(rng.choice([2.0, 3.0, -1.0, 0.5, 1.5, -2.0]))
    value = float(np.round(rng.uniform(-3, 3), 2))
    return value if abs(value) > 0.3 else 1.5


def _value_case(rng: np.random.Generator, n_leaves: int, n_ops: int, kinds: tuple[str, ...]) -> Case:
    """Leaves and operations; operands are drawn from every node so far (so nodes get reused)."""
    while True:
        leaves = np.round(rng.uniform(-2.0, 2.0, size=n_leaves), 3)
        leaves[np.abs(leaves) < 0.3] += 0.6
        values, ops = [float(v) for v in leaves], []
        for position in range(n_ops):
            for _ in range(100):
                kind = str(rng.choice(kinds))
                arity = OPERATIONS[kind][1]
                recent = max(0, len(values) - 4)
                a = int(rng.integers(recent, len(values))) if rng.random() < 0.6 else int(rng.integers(len(values)))
                b = int(rng.integers(len(values))) if arity == 2 else None
                c = _constant(rng, kind) if "{c}" in OPERATIONS[kind][0] else None
                va, vb = values[a], (values[b] if b is not None else None)
                if not _allowed(kind, va, vb, c):
                    continue
                out = _float_value(kind, va, vb, c)
                if abs(out) > 40 or (abs(out) < 1e-3 and kind != "relu"):
                    continue
                op: dict = {"op": kind, "a": a}
                if b is not None:
                    op["b"] = b
                if c is not None:
                    op["c"] = c
                ops.append(op)
                values.append(out)
                break
        if len(ops) == n_ops:
            return {"leaves": leaves, "ops": ops}


def _single_op_cases(rng: np.random.Generator) -> list[Case]:
    """One case per operation, the operation alone (a, b are leaves): a wrong local derivative is named."""
    cases = []
    for kind in OPERATIONS:
        while True:
            case = _value_case(rng, 2, 1, (kind,))
            op = case["ops"][0]
            if kind in ("add", "sub", "mul", "div") and op["a"] == op.get("b"):
                continue
            cases.append(case)
            break
    return cases


def _value_cases(rng: np.random.Generator) -> list[Case]:
    kinds = tuple(OPERATIONS)
    cases = _single_op_cases(rng)
    cases.append({"leaves": np.array([1.5]), "ops": [{"op": "mul", "a": 0, "b": 0}]})  # a * a: one node twice
    cases.append({"leaves": np.array([0.7, -1.3]),            # c = a * b; d = c + a; e = d * c (reuse of a, c)
                  "ops": [{"op": "mul", "a": 0, "b": 1}, {"op": "add", "a": 2, "b": 0}, {"op": "mul", "a": 3, "b": 2}]})
    cases += [_value_case(rng, int(rng.integers(2, 5)), int(rng.integers(6, 16)), kinds) for _ in range(10)]
    return cases


def _node_names(case: Case) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [letters[i] if i < 26 else f"n{i}" for i in range(len(case["leaves"]) + len(case["ops"]))]


def expression_lines(case: Case) -> list[str]:
    """The case as the Python a learner would write: ``c = a * b`` and so on."""
    names = _node_names(case)
    lines = [f"{names[i]} = Value({v:g})" for i, v in enumerate(case["leaves"])]
    for k, op in enumerate(case["ops"]):
        text = OPERATIONS[op["op"]][0].format(a=names[op["a"]], b=names[op.get("b", 0)], c=op.get("c"))
        lines.append(f"{names[len(case['leaves']) + k]} = {text}")
    return lines


def _describe_value(case: Case) -> str:
    lines = expression_lines(case)
    if len(lines) <= 5:
        return "; ".join(lines) + f"; {_node_names(case)[len(lines) - 1]}.backward()"
    uses = _uses(case)
    reused = sum(1 for u in uses if len(u) > 1)
    return (f"a graph of {len(lines)} nodes ({len(case['leaves'])} leaves, {reused} nodes used more than once), "
            f"{'; '.join(lines)}; backward() from the last node")


def _uses(case: Case) -> list[list[int]]:
    """For each node, the operations (by index in ops) that take it as an operand (twice for a * a)."""
    uses: list[list[int]] = [[] for _ in range(len(case["leaves"]) + len(case["ops"]))]
    for k, op in enumerate(case["ops"]):
        uses[op["a"]].append(k)
        if "b" in op:
            uses[op["b"]].append(k)
    return uses


def _call_value(Value: Callable, case: Case) -> dict:
    if not isinstance(Value, type):
        raise CheckFailure(f"Value should be a class (class Value: ...); got {type(Value).__name__}.")
    nodes = [Value(float(x)) for x in case["leaves"]]
    names = _node_names(case)
    for k, op in enumerate(case["ops"]):
        try:
            nodes.append(apply_operation(op, nodes))
        except TypeError as error:
            text = OPERATIONS[op["op"]][0].format(a=names[op["a"]], b=names[op.get("b", 0)], c=op.get("c"))
            raise CheckFailure(f"{text} raised TypeError ({error}): Value needs {_DUNDER[op['op']]}"
                               + (" (Python calls it when the number is on the left)" if op["op"].startswith("r")
                                  else "") + ".") from None
    if not all(isinstance(n, Value) for n in nodes):
        bad = next(i for i, n in enumerate(nodes) if not isinstance(n, Value))
        raise CheckFailure(f"{expression_lines(case)[bad]} gave a {type(nodes[bad]).__name__}, not a Value: every "
                           "operation must return a new Value (so that backward() can reach through it).")
    nodes[-1].backward()
    try:
        return {"data": np.array([float(n.data) for n in nodes]), "grad": np.array([float(n.grad) for n in nodes])}
    except (TypeError, ValueError, AttributeError) as error:
        raise CheckFailure(f"each Value should hold a number in .data and .grad ({type(error).__name__}: {error}).")


def _value_reference(case: Case) -> dict:
    nodes = [_t(x, grad=True) for x in case["leaves"]]
    for op in case["ops"]:
        node = apply_operation(op, nodes)
        node.retain_grad()
        nodes.append(node)
    nodes[-1].backward()
    grads = [0.0 if n.grad is None else float(n.grad) for n in nodes]
    return {"data": np.array([float(n.detach()) for n in nodes]), "grad": np.array(grads)}


def _compare_value(actual: Any, expected: dict, case: Case, name: str) -> None:
    lines, uses = expression_lines(case), _uses(case)
    data, grad = np.asarray(actual["data"]), np.asarray(actual["grad"])
    n_leaves = len(case["leaves"])
    for i in range(len(lines)):   # forward values in creation order: the first wrong one names its operation
        if not np.isclose(data[i], expected["data"][i], rtol=1e-9, atol=1e-12):
            raise CheckFailure(f"the value (.data) of {lines[i].split(' = ')[0]} is {data[i]:.6g} after "
                               f"{lines[i]}: "
                               + ("a new Value must hold the number it was given."
                                  if i < n_leaves else "the forward computation of this operation is wrong."))
    if not np.isclose(grad[-1], 1.0):
        raise CheckFailure(f"after backward() the output's own .grad is {grad[-1]:.6g}; it must be 1 (d out / d out), "
                           "the seed from which every other gradient follows.")
    for i in reversed(range(len(lines))):   # gradients from the output back: the first wrong one is explained
        if np.isclose(grad[i], expected["grad"][i], rtol=RTOL, atol=1e-10):
            continue
        node = lines[i].split(" = ")[0]
        if len(uses[i]) > 1:
            raise CheckFailure(f"the gradient of {node} is {grad[i]:.6g}, but {node} is used {len(uses[i])} times "
                               f"({', '.join(dict.fromkeys(lines[n_leaves + k] for k in uses[i]))}): its gradient "
                               "is the SUM of "
                               "what flows back through every use. Accumulate with += (never =) in each _backward, "
                               "and call each node's _backward once, after all its uses (topological order).")
        if not uses[i]:
            raise CheckFailure(f"the gradient of {node} is {grad[i]:.6g}, but nothing uses {node}: it should stay 0.")
        k = uses[i][0]
        use = lines[n_leaves + k]
        times = grad[i] / expected["grad"][i] if expected["grad"][i] != 0 else 0.0
        if abs(times - round(times)) < 1e-6 and 2 <= round(times) <= 20:
            raise CheckFailure(f"the gradient of {node} is {round(times)} times the right value: the _backward of "
                               f"{use} seems to run {round(times)} times. Call each node's _backward exactly once, "
                               "in reverse topological order (build the order with a depth-first search that skips "
                               "nodes it has already seen).")
        raise CheckFailure(f"the gradient of {node} is {grad[i]:.6g}: it flows back only through {use}, whose "
                           f"output gradient is right, so that operation's local derivative is wrong "
                           f"({_LOCAL_RULE[case['ops'][k]['op']]}), or its _backward runs more than once or not "
                           "at all.")


register(Exercise(
    key="week07.Value",
    function="Value",
    make_cases=_value_cases,
    call=_call_value,
    reference=_value_reference,
    describe=_describe_value,
    compare=_compare_value,
    inputs=(),
))


# ----------------------------------------------------------------------------- affine layer


def _affine_case(rng: np.random.Generator, n: int, d: int, m: int, scale: float = 1.0) -> Case:
    return {"x": rng.normal(size=(n, d)) * scale, "W": rng.normal(size=(d, m)), "b": rng.normal(size=m)}


def _affine_cases(rng: np.random.Generator) -> list[Case]:
    shapes = [(4, 3, 2), (1, 5, 3), (7, 4, 4), (10, 1, 6), (3, 6, 1), (32, 8, 5), (5, 5, 5)]
    return [_affine_case(rng, *shape) for shape in shapes] + [_affine_case(rng, 6, 3, 2, scale=1e3)]


def _affine_forward_torch(case: Case) -> np.ndarray:
    return _np(F.linear(_t(case["x"]), _t(case["W"]).T, _t(case["b"])))


def _compare_affine_forward(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    x, W, b = case["x"], case["W"], case["b"]
    _judge(actual, expected, name, lambda: {
        "x @ W without the bias b": x @ W,
        "x @ W.T + b (W has shape (D, M): use x @ W)": x @ W.T + b if W.shape[0] == W.shape[1] else None})


register(Exercise(
    key="week07.affine_forward",
    function="affine_forward",
    make_cases=_affine_cases,
    call=lambda function, case: function(case["x"], case["W"], case["b"]),
    reference=_affine_forward_torch,
    describe=lambda case: f"x {case['x'].shape}, W {case['W'].shape}, b {case['b'].shape}",
    compare=_compare_affine_forward,
))


def _affine_backward_case(rng: np.random.Generator, n: int, d: int, m: int) -> Case:
    case = _affine_case(rng, n, d, m)
    return {"dout": rng.normal(size=(n, m)), "x": case["x"], "W": case["W"]}


def _affine_backward_torch(case: Case) -> tuple:
    x, W, b = _t(case["x"], True), _t(case["W"], True), _t(np.zeros(case["W"].shape[1]), True)
    (x @ W + b).backward(_t(case["dout"]))
    return _np(x.grad), _np(W.grad), _np(b.grad)


def _compare_affine_backward(actual: Any, expected: tuple, case: Case, name: str) -> None:
    dx, dW, db = _parts(actual, 3, "dx, dW, db", name)
    dout, x, W = case["dout"], case["x"], case["W"]
    n = len(x)
    _judge(dx, expected[0], "dx", lambda: {"dout @ W (it is dout @ W.T: shape (N, M) times (M, D))":
                                           dout @ W if W.shape[0] == W.shape[1] else None,
                                           "dividing by the batch size N (dout already holds d loss / d out)":
                                           expected[0] / n if n > 1 else None})
    _judge(dW, expected[1], "dW", lambda: {"dout.T @ x (it is x.T @ dout, shape (D, M) like W)":
                                           dout.T @ x if W.shape[0] == W.shape[1] else None,
                                           "averaging over the batch (each row's contribution adds up: no 1/N)":
                                           expected[1] / n if n > 1 else None})
    _judge(db, expected[2], "db", lambda: {"the mean of dout over the batch (it is the SUM, dout.sum(axis=0))":
                                           dout.mean(axis=0) if n > 1 else None,
                                           "summing over the wrong axis": dout.sum(axis=1)})


register(Exercise(
    key="week07.affine_backward",
    function="affine_backward",
    make_cases=lambda rng: [_affine_backward_case(rng, *s) for s in
                            [(4, 3, 2), (1, 5, 3), (6, 4, 4), (10, 1, 6), (3, 6, 1), (32, 8, 5), (5, 5, 5)]],
    call=lambda function, case: function(case["dout"], case["x"], case["W"]),
    reference=_affine_backward_torch,
    describe=lambda case: f"dout {case['dout'].shape}, x {case['x'].shape}, W {case['W'].shape}",
    compare=_compare_affine_backward,
))


# ----------------------------------------------------------------------------- ReLU backward


def _relu_case(rng: np.random.Generator, shape: tuple) -> Case:
    z = rng.normal(size=shape)
    z[rng.random(size=shape) < 0.2] = 0.0          # exact zeros: the convention at the kink matters
    return {"dout": rng.normal(size=shape), "z": z}


def _relu_backward_torch(case: Case) -> np.ndarray:
    z = _t(case["z"], True)
    torch.relu(z).backward(_t(case["dout"]))
    return _np(z.grad)


def _compare_relu_backward(actual: Any, expected: np.ndarray, case: Case, name: str) -> None:
    dout, z = case["dout"], case["z"]
    _judge(actual, expected, name, lambda: {
        "passing the gradient where z == 0 (z >= 0): at the kink the derivative is taken as 0, as torch does":
            dout * (z >= 0),
        "the mask z > 0 alone (multiply it by dout: the chain rule)": (z > 0).astype(float),
        "dout * z (the derivative of relu is 0 or 1, not z)": dout * z,
        "dout * max(z, 0) (the derivative of relu is 0 or 1, not relu(z))": dout * np.maximum(z, 0)})


register(Exercise(
    key="week07.relu_backward",
    function="relu_backward",
    make_cases=lambda rng: [_relu_case(rng, s) for s in [(5,), (4, 3), (1, 7), (10, 6), (2, 3, 4)]],
    call=lambda function, case: function(case["dout"], case["z"]),
    reference=_relu_backward_torch,
    describe=lambda case: f"dout and z with shape {case['z'].shape}, {int((case['z'] == 0).sum())} entries of z "
                          "exactly 0",
    compare=_compare_relu_backward,
))


# ----------------------------------------------------------------------------- softmax + cross-entropy


def _ce_case(rng: np.random.Generator, n: int, c: int, scale: float = 3.0, extreme: bool = False) -> Case:
    logits = rng.normal(size=(n, c)) * scale
    if extreme:    # logits of ±1000: exp overflows unless the largest logit is subtracted first
        logits = rng.choice([-1000.0, 1000.0], size=(n, c)) + rng.normal(size=(n, c))
    return {"logits": logits, "y": rng.integers(0, c, size=n)}


def _ce_torch(case: Case) -> tuple:
    logits = _t(case["logits"], True)
    loss = F.cross_entropy(logits, torch.tensor(case["y"], dtype=torch.long))
    loss.backward()
    return float(loss.detach()), _np(logits.grad)


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _compare_ce(actual: Any, expected: tuple, case: Case, name: str) -> None:
    loss, dlogits = _parts(actual, 2, "loss, dlogits", name)
    logits, y = case["logits"], case["y"]
    n = len(y)
    onehot = np.eye(logits.shape[1])[y]
    if not np.all(np.isfinite(np.asarray(loss, dtype=float))) or not np.all(np.isfinite(np.asarray(dlogits, float))):
        raise CheckFailure("the loss or dlogits holds inf or NaN: np.exp overflows for large logits. Subtract each "
                           "row's largest logit first (softmax does not change) and compute log-softmax as "
                           "z - max - log(sum(exp(z - max))).")
    try:
        loss = float(loss)
    except (TypeError, ValueError):
        raise CheckFailure(f"the loss should be one number (the mean over the batch); got "
                           f"{type(loss).__name__} {np.shape(loss)}.") from None
    _judge(loss, expected[0], "the loss", lambda: {"the SUM over the batch (the loss is the mean)": expected[0] * n
                                                    if n > 1 else None})
    p = _softmax(logits)
    _judge(dlogits, expected[1], "dlogits", lambda: {
        "(p - onehot) without dividing by N (the loss is a mean, so each row's gradient is divided by N)":
            (p - onehot) if n > 1 else None,
        "(onehot - p) / N: the gradient of the loss points the other way (p - onehot)": (onehot - p) / n,
        "p / N (subtract the one-hot label)": p / n})


register(Exercise(
    key="week07.softmax_cross_entropy",
    function="softmax_cross_entropy",
    make_cases=lambda rng: [_ce_case(rng, 5, 3), _ce_case(rng, 1, 4), _ce_case(rng, 20, 10), _ce_case(rng, 8, 2),
                            _ce_case(rng, 6, 5, scale=30.0), _ce_case(rng, 7, 4, extreme=True),
                            _ce_case(rng, 3, 3, extreme=True)],
    call=lambda function, case: function(case["logits"], case["y"]),
    reference=_ce_torch,
    describe=lambda case: (f"logits {case['logits'].shape}" +
                           (" of about ±1000" if np.abs(case["logits"]).max() > 500 else "") +
                           f", y = {case['y'].tolist()}"),
    compare=_compare_ce,
))


# ----------------------------------------------------------------------------- a two-hidden-layer MLP

PARAMETERS = ("W1", "b1", "W2", "b2", "W3", "b3")


def _mlp_case(rng: np.random.Generator, n: int, d: int, h1: int, h2: int, c: int) -> Case:
    sizes = [d, h1, h2, c]
    case: Case = {}
    for layer in range(3):
        case[f"W{layer + 1}"] = rng.normal(size=(sizes[layer], sizes[layer + 1])) * np.sqrt(2 / sizes[layer])
        case[f"b{layer + 1}"] = rng.normal(size=sizes[layer + 1]) * 0.1
    case["X"], case["y"] = rng.normal(size=(n, d)), rng.integers(0, c, size=n)
    return case


def mlp_loss_torch(case: Case) -> tuple[torch.Tensor, dict]:
    """The network the exercise describes, in torch: ReLU after the two hidden layers, mean cross-entropy."""
    params = {k: _t(case[k], True) for k in PARAMETERS}
    h = torch.relu(_t(case["X"]) @ params["W1"] + params["b1"])
    h = torch.relu(h @ params["W2"] + params["b2"])
    loss = F.cross_entropy(h @ params["W3"] + params["b3"], torch.tensor(case["y"], dtype=torch.long))
    return loss, params


def _mlp_torch(case: Case) -> dict:
    loss, params = mlp_loss_torch(case)
    loss.backward()
    return {k: _np(v.grad) for k, v in params.items()}


_LAYER_HINT = {
    "W3": "the output layer (W3's gradient is h2.T @ dlogits, with dlogits = (softmax - onehot) / N)",
    "b3": "the output layer's bias (dlogits summed over the batch)",
    "W2": "the second hidden layer (the gradient reaching h2 is dlogits @ W3.T, times the ReLU mask of layer 2)",
    "b2": "the second hidden layer's bias",
    "W1": "the first hidden layer (dh1 = dz2 @ W2.T, times the ReLU mask of layer 1)",
    "b1": "the first hidden layer's bias",
}


def _compare_mlp(value: Any, expected: dict, case: Case, name: str) -> None:
    for key, after in zip(PARAMETERS, value["params_after"]):
        if not np.array_equal(np.asarray(after), case[key]):
            raise CheckFailure(f"mlp_gradients changed its input params[{key!r}] in place; compute the gradients "
                               "in new arrays and leave the parameters alone.")
    actual = value["grads"]
    if not isinstance(actual, dict):
        raise CheckFailure(f"{name} should be a dict of gradients with keys {', '.join(PARAMETERS)}; got "
                           f"{type(actual).__name__}.")
    missing = [k for k in PARAMETERS if k not in actual]
    if missing:
        raise CheckFailure(f"{name} has no gradient for {', '.join(missing)}: return one entry per parameter, "
                           f"keys {', '.join(PARAMETERS)}.")
    n = len(case["y"])
    for key in ("W3", "b3", "W2", "b2", "W1", "b1"):    # backprop order: the first wrong one locates the mistake
        right = [k for k in ("W3", "b3", "W2", "b2", "W1", "b1") if k != key and
                 _close(actual[k], expected[k])]
        problem = diagnose(actual[key], expected[key], rtol=RTOL, atol=1e-10, what=f"grads[{key!r}]")
        if problem is None:
            continue
        if n > 1 and _close(actual[key], expected[key] * n, rtol=1e-6, atol=1e-9):
            raise CheckFailure(f"grads[{key!r}] is N = {n} times too large: the loss is the MEAN cross-entropy over "
                               "the batch, so dlogits = (softmax - onehot) / N.")
        where = f" while {', '.join(right)} {'is' if len(right) == 1 else 'are'} right" if right else ""
        raise CheckFailure(f"{problem} The first wrong gradient (going backwards) is {key}{where}: look at "
                           f"{_LAYER_HINT[key]}.")


def _call_mlp(function: Callable, case: Case) -> dict:
    """The dict is built here from the case's (working) arrays; they come back with the result, so that the
    trusted side can tell whether the function changed params in place (the oracle's input check covers only
    arguments that are arrays)."""
    params = {k: case[k] for k in PARAMETERS}
    grads = function(params, case["X"], case["y"])
    return {"grads": grads, "params_after": [case[k] for k in PARAMETERS]}


register(Exercise(
    key="week07.mlp_gradients",
    function="mlp_gradients",
    make_cases=lambda rng: [_mlp_case(rng, *s) for s in
                            [(5, 2, 4, 3, 2), (1, 3, 5, 4, 3), (16, 4, 8, 8, 3), (30, 6, 10, 7, 10),
                             (8, 2, 16, 16, 2), (12, 64, 12, 9, 10)]],
    call=_call_mlp,
    reference=_mlp_torch,
    describe=lambda case: (f"X {case['X'].shape}, layers {case['W1'].shape[0]} → {case['W1'].shape[1]} → "
                           f"{case['W2'].shape[1]} → {case['W3'].shape[1]}"),
    compare=_compare_mlp,
    inputs=("X", "y"),
))


# ----------------------------------------------------------------------------- optimiser steps


def _optimiser_case(rng: np.random.Generator, shape: tuple, steps: int, fresh: bool) -> Case:
    return {"w": rng.normal(size=shape), "grad": rng.normal(size=(steps, *shape)) * rng.uniform(0.1, 3),
            "state": np.zeros(shape) if fresh else rng.normal(size=shape) * 0.5}


def _momentum_case(rng: np.random.Generator, shape: tuple, steps: int, fresh: bool) -> Case:
    case = _optimiser_case(rng, shape, steps, fresh)
    return {"w": case["w"], "grad": case["grad"], "velocity": case["state"],
            "lr": float(rng.choice([0.01, 0.05, 0.1, 0.3])), "momentum": float(rng.choice([0.0, 0.5, 0.9, 0.99]))}


def _call_momentum(function: Callable, case: Case) -> dict:
    w, velocity, path = case["w"], case["velocity"], []
    for grad in case["grad"]:      # one row per step: each row is the gradient the learner's step receives
        out = _parts(function(w, grad, velocity, case["lr"], case["momentum"]), 2, "new w, new velocity",
                     "the result of sgd_momentum_step")
        w, velocity = out
        path.append(np.array(w, dtype=float))
    return {"path": np.array(path), "velocity": np.array(velocity, dtype=float)}


def _momentum_torch(case: Case) -> dict:
    p = _t(case["w"], True)
    opt = torch.optim.SGD([p], lr=case["lr"], momentum=case["momentum"])
    if case["momentum"] > 0:
        opt.state[p]["momentum_buffer"] = _t(case["velocity"])
    path = []
    for grad in case["grad"]:
        p.grad = _t(grad)
        opt.step()
        path.append(_np(p))
    velocity = _np(opt.state[p]["momentum_buffer"]) if case["momentum"] > 0 else case["grad"][-1].copy()
    return {"path": np.array(path), "velocity": velocity}


def _momentum_variant(case: Case, variant: str) -> dict:
    """The trajectory under a common mistaken update, to name it."""
    w, v, mu, lr, path = case["w"].copy(), case["velocity"].copy(), case["momentum"], case["lr"], []
    if variant == "sign":
        v = -lr * v
    for g in case["grad"]:
        if variant == "plain":
            w = w - lr * g
        elif variant == "ema":
            v = mu * v + (1 - mu) * g
            w = w - lr * v
        elif variant == "sign":            # v <- mu v - lr g, w <- w + v: the same path, another velocity
            v = mu * v - lr * g
            w = w + v
        elif variant == "old_velocity":    # moves with the velocity from before this step's update
            w = w - lr * v
            v = mu * v + g
        path.append(w.copy())
    return {"path": np.array(path), "velocity": v}


def _compare_momentum(actual: Any, expected: dict, case: Case, name: str) -> None:
    mistakes = {"plain gradient descent w - lr * grad (the velocity must carry over between steps)": "plain",
                "an average v = momentum * v + (1 - momentum) * grad (torch adds the full gradient)": "ema",
                "the step with the OLD velocity (update v first, then w = w - lr * v)": "old_velocity"}
    if case["momentum"] > 0:
        _judge(actual["path"], expected["path"], "the parameters after each step",
               lambda: {m: _momentum_variant(case, v)["path"] for m, v in mistakes.items()})
    else:
        _judge(actual["path"], expected["path"], "the parameters after each step (momentum = 0: plain SGD)")
    if case["momentum"] > 0:
        _judge(actual["velocity"], expected["velocity"], "the velocity returned after the last step", lambda: {
            "the convention v = momentum * v - lr * grad, w = w + v (this exercise, like torch, keeps "
            "v = momentum * v + grad and w = w - lr * v)": _momentum_variant(case, "sign")["velocity"]})


register(Exercise(
    key="week07.sgd_momentum_step",
    function="sgd_momentum_step",
    make_cases=lambda rng: [_momentum_case(rng, s, t, f) for s, t, f in
                            [((3,), 5, True), ((4, 2), 8, True), ((5,), 6, False), ((2, 3), 10, False),
                             ((1,), 20, True), ((6,), 4, False), ((3, 3), 12, True)]],
    call=_call_momentum,
    reference=_momentum_torch,
    describe=lambda case: (f"w {case['w'].shape}, {len(case['grad'])} steps, lr = {case['lr']}, momentum = "
                           f"{case['momentum']}, velocity starting at "
                           f"{'zero' if not case['velocity'].any() else 'a given state'}"),
    compare=_compare_momentum,
    inputs=("w", "grad", "velocity"),
))


def _adam_case(rng: np.random.Generator, shape: tuple, steps: int, t0: int) -> Case:
    case = _optimiser_case(rng, shape, steps, t0 == 1)
    v = np.abs(rng.normal(size=shape)) * 0.5 if t0 > 1 else np.zeros(shape)
    return {"w": case["w"], "grad": case["grad"], "m": case["state"], "v": v, "t": t0,
            "lr": float(rng.choice([0.001, 0.01, 0.1])), "beta1": float(rng.choice([0.9, 0.8, 0.5])),
            "beta2": float(rng.choice([0.999, 0.99, 0.9])), "eps": float(rng.choice([1e-8, 1e-3]))}


def _call_adam(function: Callable, case: Case) -> dict:
    w, m, v, path = case["w"], case["m"], case["v"], []
    for k, grad in enumerate(case["grad"]):
        out = _parts(function(w, grad, m, v, case["t"] + k, case["lr"], case["beta1"], case["beta2"], case["eps"]),
                     3, "new w, new m, new v", "the result of adam_step")
        w, m, v = out
        path.append(np.array(w, dtype=float))
    return {"path": np.array(path), "m": np.array(m, dtype=float), "v": np.array(v, dtype=float)}


def _adam_torch(case: Case) -> dict:
    p = _t(case["w"], True)
    opt = torch.optim.Adam([p], lr=case["lr"], betas=(case["beta1"], case["beta2"]), eps=case["eps"])
    opt.state[p] = {"step": torch.tensor(float(case["t"] - 1)), "exp_avg": _t(case["m"]),
                    "exp_avg_sq": _t(case["v"])}
    path = []
    for grad in case["grad"]:
        p.grad = _t(grad)
        opt.step()
        path.append(_np(p))
    return {"path": np.array(path), "m": _np(opt.state[p]["exp_avg"]), "v": _np(opt.state[p]["exp_avg_sq"])}


def _adam_variant(case: Case, variant: str) -> np.ndarray:
    w, m, v = case["w"].copy(), case["m"].copy(), case["v"].copy()
    b1, b2, lr, eps, path = case["beta1"], case["beta2"], case["lr"], case["eps"], []
    for k, g in enumerate(case["grad"]):
        t = case["t"] + k
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * (np.abs(g) if variant == "abs" else g * g)
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        if variant == "no_correction":
            m_hat, v_hat = m, v
        if variant == "eps_inside":
            w = w - lr * m_hat / np.sqrt(v_hat + eps)
        elif variant == "first_step_t0":
            with np.errstate(all="ignore"):
                w = w - lr * (m / (1 - b1 ** (t - 1))) / (np.sqrt(v / (1 - b2 ** (t - 1))) + eps)
        else:
            w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        if variant == "corrected_state":
            m, v = m_hat, v_hat
        path.append(w.copy())
    return np.array(path)


def _compare_adam(actual: Any, expected: dict, case: Case, name: str) -> None:
    _judge(actual["path"], expected["path"], "the parameters after each step", lambda: {
        "Adam without bias correction (divide m by 1 - beta1**t and v by 1 - beta2**t)":
            _adam_variant(case, "no_correction"),
        "eps inside the square root (torch divides by sqrt(v_hat) + eps)": _adam_variant(case, "eps_inside"),
        "the bias correction with t - 1 (t is the number of THIS step, 1 for the first)":
            _adam_variant(case, "first_step_t0") if case["t"] > 1 else None,
        "a second moment of |grad| instead of grad**2": _adam_variant(case, "abs"),
        "returning m and v WITH the bias correction (return the raw averages: the correction is only used for "
        "the step)": _adam_variant(case, "corrected_state")})
    _judge(actual["m"], expected["m"], "m (the first-moment average) after the last step, before bias correction")
    _judge(actual["v"], expected["v"], "v (the second-moment average) after the last step, before bias correction")


register(Exercise(
    key="week07.adam_step",
    function="adam_step",
    make_cases=lambda rng: [_adam_case(rng, s, n, t0) for s, n, t0 in
                            [((3,), 5, 1), ((4, 2), 8, 1), ((5,), 6, 4), ((2, 3), 10, 11), ((1,), 25, 1),
                             ((6,), 4, 100), ((3, 3), 12, 1)]],
    call=_call_adam,
    reference=_adam_torch,
    describe=lambda case: (f"w {case['w'].shape}, {len(case['grad'])} steps from t = {case['t']}, lr = "
                           f"{case['lr']}, betas = ({case['beta1']}, {case['beta2']}), eps = {case['eps']}"),
    compare=_compare_adam,
    inputs=("w", "grad", "m", "v"),
))


# ----------------------------------------------------------------------------- initialisation (by properties)

#: standard errors a correct initialiser's statistic may stray before failing (two-sided p ≈ 2e-9 per check)
Z_BOUND = 6.0


def _init_case(rng: np.random.Generator, fan_in: int, fan_out: int) -> Case:
    """Enough repeated draws that every statistic rests on at least ~30000 numbers."""
    return {"fan_in": fan_in, "fan_out": fan_out, "repeats": int(np.ceil(30000 / (fan_in * fan_out))),
            "seed": int(rng.integers(0, 2**31 - 1))}


def _init_cases(rng: np.random.Generator) -> list[Case]:
    return [_init_case(rng, *s) for s in [(64, 32), (3, 200), (500, 10), (1, 1), (256, 256), (10, 1000)]]


def _call_init(function: Callable, case: Case) -> dict:
    fan_in, fan_out = case["fan_in"], case["fan_out"]
    rng = np.random.default_rng(case["seed"])
    first = function(fan_in, fan_out, rng)
    shape = np.shape(first)
    if shape != (fan_in, fan_out):
        return {"shape": np.array(shape), "draws": np.zeros(0), "again": np.zeros(0)}
    draws = [np.asarray(first, dtype=float)] + [np.asarray(function(fan_in, fan_out, rng), dtype=float)
                                                for _ in range(case["repeats"] - 1)]
    again = np.asarray(function(fan_in, fan_out, np.random.default_rng(case["seed"])), dtype=float)
    return {"shape": np.array(shape), "draws": np.array(draws), "again": again}


def _init_reference(case: Case, scheme: str) -> dict:
    """The target distribution, with the values torch.nn.init gives for a (fan_out, fan_in) weight."""
    fan_in, fan_out = case["fan_in"], case["fan_out"]
    if scheme == "he":
        std = torch.nn.init.calculate_gain("relu") / math.sqrt(fan_in)     # kaiming_normal_, mode="fan_in"
        return {"variance": std ** 2, "bound": None, "within_std": math.erf(1 / math.sqrt(2)), "kurtosis": 3.0}
    bound = math.sqrt(6.0 / (fan_in + fan_out))                             # xavier_uniform_, gain 1
    return {"variance": bound ** 2 / 3, "bound": bound, "within_std": 1 / math.sqrt(3), "kurtosis": 1.8}


def _compare_init(actual: Any, expected: dict, case: Case, name: str, scheme: str) -> None:
    fan_in, fan_out = case["fan_in"], case["fan_out"]
    shape = tuple(int(s) for s in np.asarray(actual["shape"]).ravel())
    if shape != (fan_in, fan_out):
        raise CheckFailure(f"{name} has shape {shape}; a weight matrix for x @ W maps fan_in = {fan_in} inputs to "
                           f"fan_out = {fan_out} outputs: shape ({fan_in}, {fan_out}).")
    draws = np.asarray(actual["draws"], dtype=float).ravel()
    if not np.all(np.isfinite(draws)):
        raise CheckFailure(f"{name} holds inf or NaN.")
    first = np.asarray(actual["draws"])[0]
    if not np.array_equal(np.asarray(actual["again"]), first):
        raise CheckFailure(f"{name}: two calls with generators made from the same seed gave different weights: draw "
                           "every random number from the rng you are given (rng.normal, rng.uniform), not from "
                           "np.random.")
    if len(draws) > fan_in * fan_out and np.array_equal(np.asarray(actual["draws"])[1], first) and fan_in * fan_out > 1:
        raise CheckFailure(f"{name}: consecutive calls with the same rng gave identical weights: use the rng you "
                           "are given, without re-seeding it.")
    n, variance = len(draws), expected["variance"]
    mean_bound = Z_BOUND * math.sqrt(variance / n)
    if abs(draws.mean()) > mean_bound:
        raise CheckFailure(f"the mean of {n} weights is {draws.mean():.4g}, too far from 0 (more than six standard "
                           f"errors, {mean_bound:.2g}): the weights should be centred on 0.")
    # Var(s²) = (μ4 - σ⁴)/n for the target distribution (kurtosis 3 normal, 1.8 uniform), with room for n - 1
    s2 = draws.var(ddof=1)
    spread = Z_BOUND * variance * math.sqrt((expected["kurtosis"] - 1) / n)
    if abs(s2 - variance) > spread:
        ratio = s2 / variance
        named = ""
        if scheme == "he" and abs(ratio - 0.5) < 0.1:
            named = (" That is 1/fan_in (LeCun's variance); He's is 2/fan_in, making up for ReLU zeroing half the "
                     "inputs.")
        elif scheme == "he" and fan_in != fan_out and abs(s2 - 2 / fan_out) < spread:
            named = " That is 2/fan_out; He initialisation scales by fan_in (the inputs each unit sums)."
        elif scheme == "xavier" and abs(ratio - 1 / 3) < 0.05:
            named = (" That is uniform(-a, a) with a = sqrt(2/(fan_in + fan_out)), the standard deviation used as "
                     "the bound: the bound is sqrt(6/(fan_in + fan_out)), so that the variance a²/3 is 2/(fan_in + "
                     "fan_out).")
        elif scheme == "xavier" and fan_in != fan_out and abs(s2 - 1 / fan_in) < spread:
            named = " That is 1/fan_in; Xavier's variance 2/(fan_in + fan_out) averages the two fans."
        target = ("the target variance" if expected_values_concealed() else f"{variance:.5g}, the target,")
        raise CheckFailure(f"the variance of {n} weights is {s2:.5g}, more than six standard errors from {target} "
                           f"for fan_in = {fan_in}, fan_out = {fan_out}.{named}")
    if expected["bound"] is not None and np.abs(draws).max() > expected["bound"] * (1 + 1e-12):
        bound = "" if expected_values_concealed() else f"{expected['bound']:.4g} = ±"
        raise CheckFailure(f"some weights are beyond ±{bound}sqrt(6/(fan_in + fan_out)) (the largest is "
                           f"{np.abs(draws).max():.4g}): Xavier (Glorot) uniform draws from uniform(-bound, bound); a "
                           "normal distribution has tails.")
    p = expected["within_std"]
    share = float(np.mean(np.abs(draws) < math.sqrt(variance)))
    share_bound = Z_BOUND * math.sqrt(p * (1 - p) / n)
    if abs(share - p) > share_bound:
        want = "normal" if scheme == "he" else "uniform"
        raise CheckFailure(f"{share:.1%} of the weights are within one standard deviation of 0, where a {want} "
                           f"distribution has {p:.1%}: draw from a {want} distribution "
                           + ("(rng.normal(0, std, size))." if scheme == "he"
                              else "(rng.uniform(-bound, bound, size))."))


def _describe_init(case: Case) -> str:
    return (f"fan_in = {case['fan_in']}, fan_out = {case['fan_out']}, {case['repeats']} calls "
            f"({case['repeats'] * case['fan_in'] * case['fan_out']} weights)")


for _scheme, _name in (("he", "he_init"), ("xavier", "xavier_init")):
    register(Exercise(
        key=f"week07.{_name}",
        function=_name,
        make_cases=_init_cases,
        call=_call_init,
        reference=lambda case, scheme=_scheme: _init_reference(case, scheme),
        describe=_describe_init,
        compare=lambda actual, expected, case, name, scheme=_scheme: _compare_init(actual, expected, case, name,
                                                                                   scheme),
        inputs=(),
    ))
