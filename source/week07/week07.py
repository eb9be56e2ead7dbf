# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: nbgrader,tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,-all
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Week 07 — Deep learning I: neurons, backpropagation, optimisers
#
# A neural network is a chain of simple functions (multiply by a matrix, add a vector, bend with a nonlinearity)
# whose parameters are tuned by gradient descent. Nothing in it is mysterious, and this week you build every
# piece yourself, in NumPy: the neuron and why one is not enough, the forward pass, **backpropagation** (the
# chain rule, organised so that one backward sweep gives every gradient), a tiny automatic-differentiation engine
# in the style of Andrej Karpathy's *micrograd*, the initialisations that keep signals alive through depth, and
# the optimisers (momentum, RMSProp, Adam) that train almost every network today. PyTorch checks each piece: your
# gradients are compared with its autograd, your optimiser steps with `torch.optim`. At the end a **Playground**
# trains *your* network on toy data sets while you watch.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | the perceptron, its learning rule, and why XOR defeats it | |
# | 2 | activation functions: shapes, derivatives, saturation | |
# | 3 | the forward pass as matrix products | `affine_forward` |
# | 4 | computational graphs, the chain rule, backpropagation; a scalar autodiff engine | `Value` |
# | 5 | backpropagation through layers; the gradient check | `affine_backward`, `relu_backward`, `softmax_cross_entropy` |
# | 6 | a multilayer perceptron from scratch: XOR, moons, digits | `mlp_gradients` |
# | 7 | initialisation: Xavier and He, and why they matter | `he_init`, `xavier_init` |
# | 8 | optimisers: mini-batch SGD, momentum, RMSProp, Adam; learning-rate schedules (explorer) | `sgd_momentum_step`, `adam_step` |
# | 9 | the Playground: your network, trained live (explorer) | |
# | 10 | projects: XOR, digit recognition in PyTorch, hyperparameter tuning | |
# | 11 | checkpoint | four questions + one written answer |

# %% [markdown]
# ## How to work this week
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation in NumPy (no PyTorch in your answers: it is what your code is compared with).
# 3. **Run the public test cell** under each exercise: small inputs whose expected values you can read.
# 4. Then try **fresh random inputs** compared with PyTorch, as often as you like, e.g.
#    `check("week07.affine_forward", affine_forward)`. It prints ✓ or what went wrong.
# 5. **Hidden tests** run when the notebook is graded: randomized inputs compared with PyTorch's autograd and
#    optimisers in float64. If `check(...)` passes reliably, they will pass too.
# 6. The lesson's experiments and the explorers run **your** functions once they pass their checks, and a
#    reference (mostly PyTorch) until then; they say whose code runs.

# %%
# %matplotlib inline
import math
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from sklearn.datasets import make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC

from course.checks import expect_close, expect_equal, expect_choice, expect_true, expect_unchanged
from course.datasets import digits_public
from course.exercises import check, grade, passes

np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 4)
torch.set_num_threads(1)    # these networks are tiny: one thread is fastest (two threads on a busy 2-core machine can be 10× slower)

# %% [markdown]
# ## 1. The perceptron
#
# Rosenblatt's **perceptron** (1958) is one artificial neuron: it weighs its inputs, adds a bias and fires when
# the sum is positive,
#
# $$\hat y = \operatorname{step}(\mathbf w^\top\mathbf x + b) = \begin{cases}1 & \mathbf w^\top\mathbf x + b > 0\\
# 0 & \text{otherwise.}\end{cases}$$
#
# Geometrically it splits the input space by the **hyperplane** $\mathbf w^\top\mathbf x + b = 0$: a line in the
# plane. Its **learning rule** looks at one example at a time and moves the weights only when the prediction is
# wrong:
#
# $$\mathbf w \leftarrow \mathbf w + \eta\,(y - \hat y)\,\mathbf x, \qquad b \leftarrow b + \eta\,(y - \hat y).$$
#
# A missed positive ($y = 1, \hat y = 0$) adds $\mathbf x$ to $\mathbf w$, which raises $\mathbf w^\top\mathbf x$
# next time; a false alarm subtracts it. The **perceptron convergence theorem** (Novikoff, 1962) says that when
# some hyperplane separates the two classes with margin $\gamma$ and every $\lVert\mathbf x\rVert \le R$, the rule
# makes at most $(R/\gamma)^2$ mistakes in total, then never again. When no hyperplane separates them, it never
# settles.
#
# The logic gates make this concrete. AND and OR are separable by a line; XOR (output 1 when exactly one input is
# 1) is not:

# %%
X_gate = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
GATES = {"AND": np.array([0, 0, 0, 1]), "OR": np.array([0, 1, 1, 1]), "XOR": np.array([0, 1, 1, 0])}


def perceptron(X, y, epochs=25, lr=1.0):
    """Rosenblatt's rule, one example at a time; returns w, b and the accuracy after every epoch."""
    w, b, accuracy = np.zeros(X.shape[1]), 0.0, []
    for _ in range(epochs):
        for x_i, y_i in zip(X, y):
            error = y_i - float(w @ x_i + b > 0)
            w, b = w + lr * error * x_i, b + lr * error
        accuracy.append(np.mean((X @ w + b > 0) == y))
    return w, b, np.array(accuracy)


gate_runs = {name: perceptron(X_gate, y) for name, y in GATES.items()}
pd.DataFrame({name: {"accuracy after 25 epochs": acc[-1], "best accuracy in any epoch": acc.max(),
                     "weights w": np.round(w, 2), "bias b": b}
              for name, (w, b, acc) in gate_runs.items()}).T

# %%
fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
grid = np.linspace(-0.5, 1.5, 200)
for ax, (name, (w, b, acc)) in zip(axes, gate_runs.items()):
    gx, gy = np.meshgrid(grid, grid)
    ax.contourf(gx, gy, (w[0] * gx + w[1] * gy + b > 0).astype(float), levels=[-0.5, 0.5, 1.5],
                colors=["#f5d5b0", "#b9d7ee"])
    ax.scatter(*X_gate.T, c=GATES[name], cmap="coolwarm", s=120, edgecolors="k", vmin=0, vmax=1)
    ax.set_title(f"{name}: accuracy {acc[-1]:.0%}")
    ax.set_xlabel("$x_1$")
axes[0].set_ylabel("$x_2$")
plt.tight_layout()
plt.show()

# %% [markdown]
# The perceptron learns AND and OR within a few epochs and then stops changing. On XOR it keeps cycling: after
# every epoch it gets only half of the four points right, and no line could get more than three. Why no line can
# do better takes four inequalities: a line that
# classifies XOR correctly needs $b \le 0$ (for $(0, 0)$), $w_2 + b > 0$ and $w_1 + b > 0$ (for $(0,1)$ and
# $(1,0)$), and $w_1 + w_2 + b \le 0$ (for $(1,1)$). Adding the middle two gives $w_1 + w_2 + 2b > 0$, so
# $w_1 + w_2 + b > -b \ge 0$: a contradiction. Minsky and Papert's 1969 book made this limitation famous.
#
# The way out is a **hidden layer**: XOR(x₁, x₂) = AND(OR(x₁, x₂), NAND(x₁, x₂)), two neurons feeding a third.
# With step functions nobody knew how to *train* such a network, because the step function's derivative is zero
# everywhere it exists, so gradients say nothing. Replacing the step with a smooth **activation function** and
# computing the gradients with **backpropagation** (§4, popularised by Rumelhart, Hinton and Williams in 1986) is
# what made multilayer networks trainable.

# %% [markdown]
# ## 2. Activation functions
#
# A layer computes $\mathbf a = \sigma(\mathbf z)$ with $\mathbf z = \mathbf W^\top\mathbf x + \mathbf b$, applying a
# nonlinear $\sigma$ elementwise. Without it, two layers collapse into one ($\mathbf W_2^\top\mathbf W_1^\top\mathbf x$
# is a single linear map), however many you stack. The four you meet most:
#
# | name | $\sigma(z)$ | $\sigma'(z)$ | range |
# |---|---|---|---|
# | sigmoid | $\dfrac{1}{1 + e^{-z}}$ | $\sigma(z)\,(1 - \sigma(z))$ | (0, 1) |
# | tanh | $\dfrac{e^z - e^{-z}}{e^z + e^{-z}}$ | $1 - \tanh^2 z$ | (−1, 1) |
# | ReLU | $\max(0, z)$ | $1$ if $z > 0$, else $0$ | [0, ∞) |
# | GELU | $z\,\Phi(z)$ ($\Phi$: the standard normal CDF) | $\Phi(z) + z\,\varphi(z)$ | (≈ −0.17, ∞) |
#
# The sigmoid's derivative is at most $1/4$ (at $z = 0$), tanh's at most 1. Both **saturate**: for large $|z|$ the
# output is flat and the derivative nearly zero, so a neuron driven far into saturation barely learns. Because
# backpropagation multiplies one such derivative per layer, ten sigmoid layers shrink a gradient by a factor of at
# least $4^{10} \approx 10^6$: the **vanishing gradient**. ReLU does not saturate for $z > 0$ (derivative exactly
# 1), is cheap, and became the default for deep networks after 2010; its weakness is the **dead unit** whose
# pre-activation is negative for every input, so its gradient is zero and it never recovers. GELU, a smooth
# ReLU-like curve, is the default in transformers.

# %%
z = np.linspace(-5, 5, 401)
normal_cdf = 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))
normal_pdf = np.exp(-z ** 2 / 2) / math.sqrt(2 * math.pi)
sigmoid = 1 / (1 + np.exp(-z))
activations = {
    "sigmoid": (sigmoid, sigmoid * (1 - sigmoid)),
    "tanh": (np.tanh(z), 1 - np.tanh(z) ** 2),
    "ReLU": (np.maximum(z, 0), (z > 0).astype(float)),
    "GELU": (z * normal_cdf, normal_cdf + z * normal_pdf),
}
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6))
for name, (value, derivative) in activations.items():
    left.plot(z, value, label=name)
    right.plot(z, derivative, label=name)
left.set_title("activation σ(z)")
right.set_title("derivative σ'(z)")
for ax in (left, right):
    ax.axhline(0, color="k", lw=0.5)
    ax.set_xlabel("z")
    ax.grid(alpha=0.3)
    ax.legend()
left.set_ylim(-1.5, 3)
plt.show()

# The GELU above is the exact one; PyTorch's F.gelu computes the same curve:
print("largest difference from torch's GELU:",
      float(np.abs(z * normal_cdf - F.gelu(torch.tensor(z)).numpy()).max()))

# %% [markdown]
# How much gradient each lets through, at a few pre-activations:

# %%
at = np.array([0.0, 2.0, 5.0])
sig = 1 / (1 + np.exp(-at))
pd.DataFrame({"sigmoid'": sig * (1 - sig), "tanh'": 1 - np.tanh(at) ** 2, "ReLU'": (at > 0).astype(float)},
             index=pd.Index(at, name="z"))

# %% [markdown]
# At $z = 5$ the sigmoid passes 0.0066 of the gradient and tanh 0.00018: a saturated unit is almost frozen.

# %% [markdown]
# ## 3. The forward pass as matrix products
#
# Stack a **batch** of $N$ examples as the rows of $\mathbf X$ (shape $N \times D$). A **fully connected** (affine,
# dense, linear) layer with $M$ units has weights $\mathbf W$ ($D \times M$: column $j$ holds unit $j$'s weights)
# and biases $\mathbf b$ ($M$), and computes all $N \times M$ pre-activations in one matrix product,
#
# $$\mathbf Z = \mathbf X\mathbf W + \mathbf b \quad (\mathbf b \text{ added to every row: broadcasting}).$$
#
# A **multilayer perceptron** (MLP) alternates affine layers and activations; its last layer gives one score
# (**logit**) per class, and the **softmax** turns those into probabilities:
#
# $$\mathbf H_1 = \operatorname{ReLU}(\mathbf X\mathbf W_1 + \mathbf b_1),\quad
# \mathbf H_2 = \operatorname{ReLU}(\mathbf H_1\mathbf W_2 + \mathbf b_2),\quad
# \mathbf S = \mathbf H_2\mathbf W_3 + \mathbf b_3,\quad p_{ik} = \frac{e^{s_{ik}}}{\sum_j e^{s_{ij}}}.$$
#
# Writing layers as matrix products is what makes networks fast: one call does the work of $N \cdot D \cdot M$
# multiply-adds in optimised code. (PyTorch's `nn.Linear` stores the transpose, $M \times D$, and computes
# $\mathbf X\mathbf W^\top + \mathbf b$; the layer is the same.)
#
# ### Exercise 1 — `affine_forward`
#
# Return $\mathbf X\mathbf W + \mathbf b$ for `x` of shape `(N, D)`, `W` of shape `(D, M)` and `b` of shape `(M,)`.
# The result has shape `(N, M)`. Do not modify the inputs.

# %% nbgrader={"grade": false, "grade_id": "affine_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def affine_forward(x, W, b):
    """A fully connected layer: x (N, D), W (D, M), b (M,) -> x @ W + b, shape (N, M)."""
    ### BEGIN SOLUTION
    return np.asarray(x, dtype=float) @ W + b
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "affine_forward_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
x_small = np.array([[1.0, 2.0], [3.0, -1.0]])
W_small = np.array([[1.0, 0.0, 2.0], [0.5, -1.0, 1.0]])
b_small = np.array([0.1, 0.2, 0.3])
expect_close(affine_forward(x_small, W_small, b_small), [[2.1, -1.8, 4.3], [2.6, 1.2, 5.3]],
             name="affine_forward on a batch of two",
             slips={"x @ W without the bias": [[2.0, -2.0, 4.0], [2.5, 1.0, 5.0]]})
expect_close(affine_forward(np.array([[2.0]]), np.array([[3.0]]), np.array([-1.0])), [[5.0]],
             name="one example, one input, one unit")
print("✓ public checks passed: affine_forward")

# %% nbgrader={"grade": true, "grade_id": "affine_forward_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random batches from 1 to 32 rows, 1 to 8 inputs and 1 to 6 units (square W among them, where
# x @ W.T would not fail on shapes), large inputs; compared with torch.nn.functional.linear in float64.
# Try them yourself now: check("week07.affine_forward", affine_forward)
### BEGIN HIDDEN TESTS
grade("week07.affine_forward", affine_forward)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Computational graphs, the chain rule, backpropagation
#
# Training needs the gradient of the loss with respect to every parameter. Any computation, however large, is a
# **computational graph**: nodes are values, each computed from a few earlier ones by a simple operation whose
# **local derivatives** we know ($\partial(ab)/\partial a = b$, $\partial\tanh(a)/\partial a = 1 - \tanh^2 a$, ...).
#
# **The chain rule on a graph.** Let $L$ be the output and write $\bar v = \partial L/\partial v$ for the gradient
# of $L$ with respect to a node $v$ (its **adjoint**). If $v$ is used by the nodes $u_1, \dots, u_k$, then $L$
# depends on $v$ only through them, and the multivariate chain rule gives
#
# $$\bar v = \sum_{j=1}^{k} \bar u_j\,\frac{\partial u_j}{\partial v}.$$
#
# So every node's gradient is a sum over its **uses**, each term an output gradient times a local derivative. This
# suggests the algorithm:
#
# 1. **Forward**: compute every node's value, in order, remembering each node's inputs.
# 2. **Backward**: set $\bar L = 1$; then visit the nodes in **reverse topological order** (every node after all
#    the nodes that use it) and let each node *add* $\bar u\,\partial u/\partial v$ into the gradient of each of
#    its inputs $v$.
#
# When a node is visited, all its uses have already contributed, so its gradient is complete. That is
# **backpropagation** (reverse-mode automatic differentiation): one backward sweep, costing about as much as the
# forward pass, gives the gradient with respect to *every* input at once. (Forward-mode differentiation would need
# one sweep per input; a network has millions.)
#
# **A worked example.** $L = \tanh(ab + c)$ with $a = 2, b = -1, c = 1.5$. Forward: $d = ab = -2$,
# $e = d + c = -0.5$, $L = \tanh(e) = -0.4621$. Backward: $\bar L = 1$; $\bar e = 1 - \tanh^2(e) = 0.7864$;
# the sum passes the gradient through unchanged, $\bar d = \bar c = 0.7864$; the product swaps its inputs,
# $\bar a = \bar d\, b = -0.7864$ and $\bar b = \bar d\, a = 1.5729$.
#
# **Reuse is where people slip.** In $L = a \cdot a$ the node $a$ is used twice, and $\bar a = a + a = 2a$: each
# use adds its share. An implementation that *assigns* gradients (`a.grad = ...`) instead of adding them keeps only
# the last use and is wrong for every network, where each weight feeds many examples and each activation many
# units.
#
# ### Exercise 2 — `Value`, a scalar autodiff engine
#
# Complete the class below, in the style of micrograd: each `Value` holds a number `data`, its gradient `grad`
# (0 until `backward()` runs), the `Value`s it was computed from (`_prev`) and a function `_backward` that passes
# its own `grad` on to them. You write:
#
# * `__add__`, `__mul__`: a new `Value` whose `_backward` adds `out.grad` times the local derivative into each
#   input's `grad` (`+=`: a node used twice receives both contributions);
# * `__pow__` for a number exponent, `exp`, `log`, `tanh`, `relu` (take ReLU's derivative at exactly 0 to be 0);
# * `backward()`: order the graph topologically (a depth-first search that appends a node after all its
#   inputs), set the output's `grad` to 1, and call every node's `_backward` in **reverse** order.
#
# Every operation follows the same pattern:
#
# ```python
# out = Value(<the result>, (self, other), "<op>")
# def _backward():                       # runs once out.grad is complete
#     self.grad += <d out / d self> * out.grad
#     other.grad += <d out / d other> * out.grad
# out._backward = _backward
# return out
# ```
#
# Subtraction, division, negation and the versions with a number on the left (`2 * a`, `1 - a`, `1 / a`) are
# written for you in terms of these. The hidden tests build random expression graphs that reuse nodes and compare
# every node's value and gradient with PyTorch's autograd.

# %% nbgrader={"grade": false, "grade_id": "Value", "locked": false, "schema_version": 3, "solution": true, "task": false}
class Value:
    """A number that remembers how it was computed, so that backward() can apply the chain rule."""

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None      # passes self.grad on to the inputs; set by the operation that made self
        self._prev = tuple(_children)
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        ### BEGIN SOLUTION
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        ### BEGIN SOLUTION
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def __pow__(self, exponent):
        """self ** exponent for a plain number exponent (int or float)."""
        ### BEGIN SOLUTION
        out = Value(self.data ** exponent, (self,), f"**{exponent}")

        def _backward():
            self.grad += exponent * self.data ** (exponent - 1) * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def exp(self):
        ### BEGIN SOLUTION
        out = Value(np.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def log(self):
        ### BEGIN SOLUTION
        out = Value(np.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out
        ### END SOLUTION

    def tanh(self):
        ### BEGIN SOLUTION
        out = Value(np.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1.0 - out.data ** 2) * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def relu(self):
        ### BEGIN SOLUTION
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad
        out._backward = _backward
        return out
        ### END SOLUTION

    def backward(self):
        """Fill in .grad of every node this Value depends on (d self / d node)."""
        ### BEGIN SOLUTION
        order, seen = [], set()

        def visit(node):
            if node not in seen:
                seen.add(node)
                for child in node._prev:
                    visit(child)
                order.append(node)         # after all its inputs: a topological order
        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()
        ### END SOLUTION

    # Written for you, from the operations above:
    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return self * other ** -1

    def __radd__(self, other):             # other + self, when other is a number
        return self + other

    def __rmul__(self, other):             # other * self
        return self * other

    def __rsub__(self, other):             # other - self
        return Value(other) + (-self)

    def __rtruediv__(self, other):         # other / self
        return Value(other) * self ** -1


# %% nbgrader={"grade": true, "grade_id": "Value_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# The worked example: L = tanh(a * b + c) with a = 2, b = -1, c = 1.5.
a, b, c = Value(2.0), Value(-1.0), Value(1.5)
L = (a * b + c).tanh()
L.backward()
expect_close(L.data, -0.46211716, name="tanh(a * b + c)")
expect_close([a.grad, b.grad, c.grad], [-0.78644773, 1.57289546, 0.78644773], name="[a.grad, b.grad, c.grad]",
             slips={"tanh's derivative taken as 1 - z² of its INPUT z = -0.5 (it is 1 - tanh(z)²)":
                    [-0.75, 1.5, 0.75]})
# A node used twice: d(a * a)/da = 2a, both uses add up.
a = Value(3.0)
square = a * a
square.backward()
expect_close(a.grad, 6.0, name="the gradient of a * a at a = 3",
             slips={"one use only (the gradient was assigned with =, not accumulated with +=)": 3.0})
# Reuse through two paths: d = a * b; e = d + a; L = e * d, at a = 2, b = 3: dL/da = (b + 1) d + e b = 24 + 24.
a, b = Value(2.0), Value(3.0)
d = a * b
e = d + a
L = e * d
L.backward()
expect_close([a.grad, b.grad, d.grad], [48.0, 28.0, 14.0], name="[a.grad, b.grad, d.grad] for L = (a*b + a) * (a*b)")
# The other operations, each on its own.
x = Value(0.5)
y = (x.exp() + x.log() - 2 / x + x ** 3 + x.relu()) * 1.0
y.backward()
expect_close(y.data, math.exp(0.5) + math.log(0.5) - 4 + 0.125 + 0.5, name="exp + log - 2/x + x**3 + relu at 0.5")
expect_close(x.grad, math.exp(0.5) + 2 + 8 + 0.75 + 1, name="its derivative at 0.5")
print("✓ public checks passed: Value (the worked example, reuse, every operation)")

# %% nbgrader={"grade": true, "grade_id": "Value_hidden", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: every operation alone (+, -, *, /, numbers on either side, powers, exp, log, tanh, relu), then
# random expression graphs of 6 to 15 operations on 2 to 4 leaves that reuse nodes; every node's value and
# gradient compared with PyTorch's autograd (float64, retain_grad on every node).
# Try them yourself now: check("week07.Value", Value)
### BEGIN HIDDEN TESTS
grade("week07.Value", Value)
### END HIDDEN TESTS

# %% [markdown]
# With `Value` a neuron is three lines, and a network is a few more. Here is a 2-input neuron,
# $\tanh(w_1x_1 + w_2x_2 + b)$, with its gradients from your engine next to PyTorch's:

# %%
def neuron_gradients_with_value():
    x1, x2, w1, w2, bias = Value(2.0), Value(0.0), Value(-3.0), Value(1.0), Value(6.8813735870195432)
    out = (x1 * w1 + x2 * w2 + bias).tanh()
    out.backward()
    return [out.data, w1.grad, w2.grad, bias.grad]


def neuron_gradients_with_torch():
    x1, x2, w1, w2, bias = (torch.tensor(v, dtype=torch.float64, requires_grad=True)
                            for v in (2.0, 0.0, -3.0, 1.0, 6.8813735870195432))
    out = torch.tanh(x1 * w1 + x2 * w2 + bias)
    out.backward()
    return [out.item(), w1.grad.item(), w2.grad.item(), bias.grad.item()]


rows = {"PyTorch autograd": neuron_gradients_with_torch()}
try:
    rows["your Value"] = neuron_gradients_with_value()
except NotImplementedError:
    print("Your Value is not complete yet: once it is, its row appears next to PyTorch's.")
pd.DataFrame(rows, index=["output", "d out/d w1", "d out/d w2", "d out/d b"]).T

# %% [markdown]
# Everything a deep-learning framework does during training is this, on tensors instead of scalars: each
# operation records how to pass gradients back, and `loss.backward()` walks the graph in reverse. PyTorch's
# autograd is micrograd with fast kernels, many operations and a great deal of engineering. From here on we
# work with whole arrays, where the same chain rule gives matrix formulas.

# %% [markdown]
# ## 5. Backpropagation through layers
#
# A layer in a network gets, from the layer above, the gradient of the loss with respect to its output,
# `dout` $= \partial L/\partial\mathbf Z$, of the same shape as $\mathbf Z$. Its backward pass returns the
# gradients with respect to its inputs and parameters.
#
# **Affine layer**, $\mathbf Z = \mathbf X\mathbf W + \mathbf b$, i.e. $z_{nm} = \sum_d x_{nd}w_{dm} + b_m$. Each
# $w_{dm}$ is used by every row $n$, so by the chain rule (sum over uses)
#
# $$\frac{\partial L}{\partial w_{dm}} = \sum_n \frac{\partial L}{\partial z_{nm}}\,x_{nd}
# \;\Rightarrow\; \mathbf{dW} = \mathbf X^\top\,\mathbf{dout}, \qquad
# \mathbf{db} = \textstyle\sum_n \mathbf{dout}_{n,:}, \qquad
# \mathbf{dX} = \mathbf{dout}\,\mathbf W^\top .$$
#
# A useful check: each gradient has the shape of its variable ($\mathbf{dW}$ is $D \times M$ like $\mathbf W$), and
# there is only one way to multiply the available matrices to get that shape.
#
# **ReLU**, $\mathbf A = \max(\mathbf Z, 0)$ elementwise: the gradient passes where $z > 0$ and stops elsewhere,
# $\mathbf{dZ} = \mathbf{dA} \odot [\mathbf Z > 0]$.
#
# **Softmax with cross-entropy.** For one example with logits $\mathbf s$ and true class $y$, the loss is
# $\ell = -\log p_y = -s_y + \log\sum_j e^{s_j}$. Differentiating,
# $\partial\ell/\partial s_k = -[k = y] + e^{s_k}/\sum_j e^{s_j} = p_k - [k = y]$: the predicted probabilities
# minus the one-hot label. Averaged over a batch of $N$, $L = \frac1N\sum_i\ell_i$ and
#
# $$\frac{\partial L}{\partial s_{ik}} = \frac{p_{ik} - [k = y_i]}{N}.$$
#
# **Numerical stability.** `np.exp(1000)` is `inf`. Since softmax does not change when a constant is subtracted
# from all logits, subtract each row's maximum first; and compute $\log p_y$ as
# $s_y - m - \log\sum_j e^{s_j - m}$ (the **log-sum-exp** trick) rather than `np.log(p)`, which gives
# $-\infty$ when $p_y$ underflows to 0.
#
# ### Exercise 3 — `affine_backward`
#
# Given `dout` (shape `(N, M)`), the layer's input `x` (`(N, D)`) and weights `W` (`(D, M)`), return
# `(dx, dW, db)` with the shapes of `x`, `W` and `(M,)`.

# %% nbgrader={"grade": false, "grade_id": "affine_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def affine_backward(dout, x, W):
    """Gradients of an affine layer: dout (N, M), x (N, D), W (D, M) -> (dx (N, D), dW (D, M), db (M,))."""
    ### BEGIN SOLUTION
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "affine_backward_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
dout_small = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
dx, dW, db = affine_backward(dout_small, x_small, W_small)
expect_close(dx, [[-1.0, -0.5], [2.0, 0.0]], name="dx = dout @ W.T")
expect_close(dW, [[7.0, 3.0, -1.0], [0.0, -1.0, -2.0]], name="dW = x.T @ dout")
expect_close(db, [3.0, 1.0, -1.0], name="db = dout summed over the batch",
             slips={"the mean over the batch (db is the SUM over the rows)": [1.5, 0.5, -0.5]})
print("✓ public checks passed: affine_backward")

# %% nbgrader={"grade": true, "grade_id": "affine_backward_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random layers (1 to 32 rows, square W among them) compared with torch autograd: (x @ W + b)
# .backward(dout) in float64.
# Try them yourself now: check("week07.affine_backward", affine_backward)
### BEGIN HIDDEN TESTS
grade("week07.affine_backward", affine_backward)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 4 — `relu_backward`
#
# Given `dout` and the pre-activation `z` (same shape, any number of dimensions), return the gradient with
# respect to `z`: `dout` where `z > 0`, and 0 where `z <= 0` (at exactly 0, as PyTorch, 0).

# %% nbgrader={"grade": false, "grade_id": "relu_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def relu_backward(dout, z):
    """The gradient through ReLU: dout where z > 0, else 0 (also at z == 0). Same shape as z."""
    ### BEGIN SOLUTION
    return np.where(z > 0, dout, 0.0)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "relu_backward_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
expect_close(relu_backward(np.array([1.0, 2.0, 3.0, 4.0]), np.array([-1.0, 0.0, 0.5, 2.0])), [0.0, 0.0, 3.0, 4.0],
             name="relu_backward with z = [-1, 0, 0.5, 2]",
             slips={"passing the gradient at z == 0 (z >= 0)": [0.0, 2.0, 3.0, 4.0],
                    "the mask z > 0 without multiplying by dout": [0.0, 0.0, 1.0, 1.0],
                    "dout * z": [-1.0, 0.0, 1.5, 8.0]})
expect_close(relu_backward(np.ones((2, 2)), np.array([[1.0, -1.0], [-2.0, 3.0]])), [[1.0, 0.0], [0.0, 1.0]],
             name="a 2 × 2 batch")
print("✓ public checks passed: relu_backward")

# %% nbgrader={"grade": true, "grade_id": "relu_backward_hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random arrays of 1 to 3 dimensions, a fifth of z exactly 0; compared with torch.relu(z)
# .backward(dout).
# Try them yourself now: check("week07.relu_backward", relu_backward)
### BEGIN HIDDEN TESTS
grade("week07.relu_backward", relu_backward)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 5 — `softmax_cross_entropy`
#
# Given `logits` of shape `(N, C)` and integer labels `y` in `0..C-1` (shape `(N,)`), return `(loss, dlogits)`:
# the **mean** cross-entropy over the batch (a float) and its gradient with respect to the logits (shape `(N, C)`).
# It must stay finite for logits of ±1000.

# %% nbgrader={"grade": false, "grade_id": "softmax_cross_entropy", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax_cross_entropy(logits, y):
    """Mean softmax cross-entropy and its gradient: logits (N, C), y (N,) ints -> (loss float, dlogits (N, C))."""
    ### BEGIN SOLUTION
    n = len(y)
    shifted = logits - logits.max(axis=1, keepdims=True)          # softmax is unchanged; exp cannot overflow
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(n), y].mean()
    dlogits = np.exp(log_p)
    dlogits[np.arange(n), y] -= 1.0
    return float(loss), dlogits / n
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "softmax_cross_entropy_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Two examples, three classes: p = softmax([0, 0, ln 2]) = [1/4, 1/4, 1/2] for both rows.
logits_small = np.array([[0.0, 0.0, math.log(2)], [0.0, 0.0, math.log(2)]])
loss, dlogits = softmax_cross_entropy(logits_small, np.array([2, 0]))
expect_close(loss, (math.log(2) + math.log(4)) / 2, name="the mean cross-entropy (-ln 1/2 - ln 1/4) / 2",
             slips={"the sum over the batch (the loss is the mean)": math.log(2) + math.log(4)})
expect_close(dlogits, [[0.125, 0.125, -0.25], [-0.375, 0.125, 0.25]], name="dlogits = (p - onehot) / N",
             slips={"p - onehot without dividing by N": [[0.25, 0.25, -0.5], [-0.75, 0.25, 0.5]],
                    "onehot - p (the sign is flipped)": [[-0.125, -0.125, 0.25], [0.375, -0.125, -0.25]]})
loss, dlogits = softmax_cross_entropy(np.array([[1000.0, -1000.0], [-1000.0, 1000.0]]), np.array([0, 0]))
expect_close(loss, 1000.0, name="the loss at logits of ±1000 (one certain and right, one certain and wrong)")
expect_close(dlogits, [[0.0, 0.0], [-0.5, 0.5]], name="dlogits at logits of ±1000", atol=1e-12)
print("✓ public checks passed: softmax_cross_entropy")

# %% nbgrader={"grade": true, "grade_id": "softmax_cross_entropy_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random batches of 1 to 20 rows with 2 to 10 classes, logits of scale 3 and 30, and logits of ±1000;
# loss and gradient compared with torch.nn.functional.cross_entropy and its autograd gradient (float64).
# Try them yourself now: check("week07.softmax_cross_entropy", softmax_cross_entropy)
### BEGIN HIDDEN TESTS
grade("week07.softmax_cross_entropy", softmax_cross_entropy)
### END HIDDEN TESTS

# %% [markdown]
# ### The gradient check
#
# How do you know a backward pass is right when there is no PyTorch to compare with? Compare it with **numerical
# derivatives**: for each parameter $\theta_i$, the central difference
# $(L(\theta + h\mathbf e_i) - L(\theta - h\mathbf e_i))/2h$ has error $O(h^2)$. The usual summary is the
# **relative error** $|g_{\text{analytic}} - g_{\text{numeric}}| / \max(|g_{\text{analytic}}|,
# |g_{\text{numeric}}|)$: around $10^{-7}$ or below in float64 means correct, $10^{-2}$ means a bug. (Use float64:
# in float32 the rounding error of the difference swamps the check.) Here, a layer followed by the softmax loss,
# checked on every weight:

# %%
def layer_loss_and_gradient(W, x, b, y):
    try:
        loss, dlogits = softmax_cross_entropy(affine_forward(x, W, b), y)
        return loss, affine_backward(dlogits, x, W)[1], "your functions"
    except NotImplementedError:    # until your functions are written: the same computation with PyTorch
        W_t = torch.tensor(W, requires_grad=True)
        loss = F.cross_entropy(torch.tensor(x) @ W_t + torch.tensor(b), torch.tensor(y))
        loss.backward()
        return loss.item(), W_t.grad.numpy(), "PyTorch's autograd"


rng = np.random.default_rng(0)
x_check, W_check, b_check = rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
y_check = np.array([0, 2, 1, 1, 0])
_, analytic, whose = layer_loss_and_gradient(W_check, x_check, b_check, y_check)
numeric, h = np.zeros_like(W_check), 1e-5
for index in np.ndindex(W_check.shape):
    bump = np.zeros_like(W_check)
    bump[index] = h
    numeric[index] = (layer_loss_and_gradient(W_check + bump, x_check, b_check, y_check)[0]
                      - layer_loss_and_gradient(W_check - bump, x_check, b_check, y_check)[0]) / (2 * h)
relative = np.abs(analytic - numeric) / np.maximum(np.abs(analytic), np.abs(numeric))
print(f"gradient from {whose}: largest relative error against central differences {relative.max():.1e}")

# %% [markdown]
# ## 6. A multilayer perceptron from scratch
#
# Put the pieces together: a network with two hidden ReLU layers and a softmax output,
#
# $$\mathbf Z_1 = \mathbf X\mathbf W_1 + \mathbf b_1,\ \mathbf H_1 = \operatorname{ReLU}(\mathbf Z_1),\quad
# \mathbf Z_2 = \mathbf H_1\mathbf W_2 + \mathbf b_2,\ \mathbf H_2 = \operatorname{ReLU}(\mathbf Z_2),\quad
# \mathbf S = \mathbf H_2\mathbf W_3 + \mathbf b_3,\quad L = \text{mean cross-entropy}(\mathbf S, \mathbf y).$$
#
# The backward pass runs the same chain in reverse: `softmax_cross_entropy` gives $\mathbf{dS}$; `affine_backward`
# through layer 3 gives $\mathbf{dW}_3, \mathbf{db}_3$ and $\mathbf{dH}_2$; `relu_backward` with $\mathbf Z_2$
# gives $\mathbf{dZ}_2$; and so on down to $\mathbf{dW}_1, \mathbf{db}_1$ (the gradient with respect to $\mathbf X$
# is not needed). Keep the forward pass's $\mathbf Z$s and $\mathbf H$s: the backward pass needs them (this
# **cache** is why training takes more memory than prediction).
#
# ### Exercise 6 — `mlp_gradients`
#
# `params` is a dict with `"W1"` `(D, H1)`, `"b1"` `(H1,)`, `"W2"` `(H1, H2)`, `"b2"`, `"W3"` `(H2, C)`, `"b3"`;
# `X` is `(N, D)` and `y` holds `N` labels in `0..C-1`. Return a dict with the same six keys holding the gradients
# of the mean cross-entropy of the network above. Use your functions from Exercises 1 and 3 to 5. Do not modify
# `params`.

# %% nbgrader={"grade": false, "grade_id": "mlp_gradients", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mlp_gradients(params, X, y):
    """Gradients of the mean softmax cross-entropy of a ReLU network with two hidden layers.

    params : dict of arrays "W1" (D, H1), "b1" (H1,), "W2" (H1, H2), "b2" (H2,), "W3" (H2, C), "b3" (C,).
    X      : inputs (N, D); y : labels (N,) in 0..C-1.
    Returns a dict with the same keys: d loss / d parameter, each of its parameter's shape.
    """
    ### BEGIN SOLUTION
    z1 = affine_forward(X, params["W1"], params["b1"])
    h1 = np.maximum(z1, 0.0)
    z2 = affine_forward(h1, params["W2"], params["b2"])
    h2 = np.maximum(z2, 0.0)
    _, dlogits = softmax_cross_entropy(affine_forward(h2, params["W3"], params["b3"]), y)
    dh2, dW3, db3 = affine_backward(dlogits, h2, params["W3"])
    dh1, dW2, db2 = affine_backward(relu_backward(dh2, z2), h1, params["W2"])
    _, dW1, db1 = affine_backward(relu_backward(dh1, z1), X, params["W1"])
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "W3": dW3, "b3": db3}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "mlp_gradients_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# A tiny network you can follow by hand: 1 input, hidden layers of one unit, two classes, one example.
tiny = {"W1": np.array([[2.0]]), "b1": np.array([0.0]), "W2": np.array([[1.5]]), "b2": np.array([-1.0]),
        "W3": np.array([[1.0, -1.0]]), "b3": np.array([0.0, 0.0])}
tiny_before = {k: v.copy() for k, v in tiny.items()}
# x = 1: z1 = 2, h1 = 2, z2 = 2, h2 = 2, logits = [2, -2], p = [0.982, 0.018]; with y = 1, dlogits = [p0, p1 - 1].
p0 = 1 / (1 + math.exp(-4))
grads = mlp_gradients(tiny, np.array([[1.0]]), np.array([1]))
expect_equal(sorted(grads), ["W1", "W2", "W3", "b1", "b2", "b3"], name="the keys of the gradient dict")
expect_close(grads["W3"], [[2 * p0, -2 * p0]], name="grads['W3'] = h2.T @ dlogits")
expect_close(grads["b2"], [2 * p0], name="grads['b2'] (dlogits @ W3.T through ReLU at z2 = 2 > 0)")
expect_close(grads["W1"], [[3 * p0]], name="grads['W1']")
# A ReLU that is off (z2 < 0) stops every gradient below it.
grads_off = mlp_gradients({**tiny, "b2": np.array([-5.0])}, np.array([[1.0]]), np.array([1]))
expect_close([grads_off["W1"][0, 0], grads_off["W2"][0, 0], grads_off["b1"][0]], [0.0, 0.0, 0.0],
             name="W1, W2 and b1's gradients when the second hidden unit is off")
expect_unchanged(tiny["W1"], tiny_before["W1"], "mlp_gradients", "params['W1']")
print("✓ public checks passed: mlp_gradients")

# %% nbgrader={"grade": true, "grade_id": "mlp_gradients_hidden", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: random networks (1 to 64 inputs, hidden layers of 3 to 16 units, 2 to 10 classes, batches of 1 to 30)
# compared with PyTorch's autograd on the same network in float64; the first wrong gradient, going backwards,
# names the layer to look at.
# Try them yourself now: check("week07.mlp_gradients", mlp_gradients)
### BEGIN HIDDEN TESTS
grade("week07.mlp_gradients", mlp_gradients)
### END HIDDEN TESTS

# %% [markdown]
# ### Training it
#
# Training repeats: take a mini-batch, compute the gradients, step every parameter against its gradient. The loop
# below uses your `mlp_gradients` once it passes its checks, and until then the same gradients from PyTorch's
# autograd (`autograd_mlp_gradients`, a few lines that show how the framework does it).

# %%
def autograd_mlp_gradients(params, X, y):
    """The gradients of the same network, by PyTorch's autograd."""
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    h = torch.relu(torch.tensor(X) @ tensors["W1"] + tensors["b1"])
    h = torch.relu(h @ tensors["W2"] + tensors["b2"])
    F.cross_entropy(h @ tensors["W3"] + tensors["b3"], torch.tensor(y)).backward()
    return {k: t.grad.numpy() for k, t in tensors.items()}


mlp_ok, _ = passes("week07.mlp_gradients", mlp_gradients)
gradients_of = mlp_gradients if mlp_ok else autograd_mlp_gradients
print("the gradients come from", "your mlp_gradients" if mlp_ok else "PyTorch's autograd (your mlp_gradients "
      "does not pass its checks yet)")


def init_mlp(sizes, rng):
    """He-initialised weights (§7 explains why) and zero biases for layer sizes [D, H1, H2, C]."""
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), 1):
        params[f"W{layer}"] = rng.normal(0.0, math.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
        params[f"b{layer}"] = np.zeros(fan_out)
    return params


def predict_mlp(params, X):
    h = np.maximum(X @ params["W1"] + params["b1"], 0)
    h = np.maximum(h @ params["W2"] + params["b2"], 0)
    return h @ params["W3"] + params["b3"]


def train_mlp(X, y, sizes, epochs, lr, batch_size, seed=0, momentum=0.9):
    """Mini-batch SGD with momentum; returns the parameters and the training loss after every epoch."""
    rng = np.random.default_rng(seed)
    params = init_mlp(sizes, rng)
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start:start + batch_size]
            grads = gradients_of(params, X[batch], y[batch])
            for k in params:
                velocity[k] = momentum * velocity[k] + grads[k]
                params[k] = params[k] - lr * velocity[k]
        logits = predict_mlp(params, X)
        logits = logits - logits.max(axis=1, keepdims=True)
        losses.append(float(np.mean(np.log(np.exp(logits).sum(axis=1)) - logits[np.arange(len(y)), y])))
    return params, np.array(losses)


# XOR, which defeated the perceptron: four points, two hidden layers of 8 units.
xor_params, xor_losses = train_mlp(X_gate, GATES["XOR"], [2, 8, 8, 2], epochs=300, lr=0.05, batch_size=4)
print("XOR predictions:", predict_mlp(xor_params, X_gate).argmax(axis=1), " labels:", GATES["XOR"],
      f" final loss {xor_losses[-1]:.4f}")

# %% [markdown]
# The same network separates the two moons, a boundary no line could draw. Training on 300 points and testing
# on 300 others:

# %%
X_moons, y_moons = make_moons(n_samples=600, noise=0.2, random_state=0)
moons_params, moons_losses = train_mlp(X_moons[:300], y_moons[:300], [2, 16, 16, 2], epochs=200, lr=0.05,
                                       batch_size=20)
moons_test_accuracy = np.mean(predict_mlp(moons_params, X_moons[300:]).argmax(axis=1) == y_moons[300:])
gx, gy = np.meshgrid(np.linspace(-1.8, 2.8, 200), np.linspace(-1.3, 1.8, 200))
scores = predict_mlp(moons_params, np.column_stack([gx.ravel(), gy.ravel()]))
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6))
left.contourf(gx, gy, (scores[:, 1] > scores[:, 0]).reshape(gx.shape), levels=[-0.5, 0.5, 1.5],
              colors=["#f5d5b0", "#b9d7ee"])
left.scatter(*X_moons[300:].T, c=y_moons[300:], cmap="coolwarm", s=10)
left.set_title(f"test points and the learned boundary: accuracy {moons_test_accuracy:.1%}")
right.plot(moons_losses)
right.set_xlabel("epoch")
right.set_ylabel("training loss (mean cross-entropy)")
right.set_yscale("log")
plt.show()

# %% [markdown]
# ### Digits
#
# Now a real (small) task: scikit-learn's 8 × 8 images of handwritten digits. `digits_public()` gives the
# course's public part of it (1497 images; the rest is kept for graders). We flatten each image to 64 pixels,
# scale them to [0, 1], hold out a fifth as a validation set, and train a 64 → 64 → 32 → 10 network for
# 40 epochs.

# %%
images, labels = digits_public()
X_digits = images.reshape(len(images), -1) / 16.0
X_dig_train, X_dig_val, y_dig_train, y_dig_val = train_test_split(X_digits, labels, test_size=0.2,
                                                                  stratify=labels, random_state=0)
start = time.perf_counter()
digit_params, digit_losses = train_mlp(X_dig_train, y_dig_train, [64, 64, 32, 10], epochs=40, lr=0.02,
                                       batch_size=32)
numpy_seconds = time.perf_counter() - start
numpy_accuracy = np.mean(predict_mlp(digit_params, X_dig_val).argmax(axis=1) == y_dig_val)
print(f"{len(y_dig_train)} training images, {len(y_dig_val)} validation images: validation accuracy "
      f"{numpy_accuracy:.1%} after 40 epochs ({numpy_seconds:.1f} s)")

# %% [markdown]
# The confusion matrix says which digits it mixes up (rows: the true digit, columns: the prediction):

# %%
pd.crosstab(pd.Series(y_dig_val, name="true"), pd.Series(predict_mlp(digit_params, X_dig_val).argmax(axis=1),
                                                         name="predicted"))

# %% [markdown]
# ## 7. Initialisation
#
# Weights must start random (identical weights would give identical units that receive identical gradients and
# stay identical forever: the **symmetry** must be broken), but their **scale** matters a great deal. Consider
# one layer, $z_j = \sum_{i=1}^{n_{\text{in}}} w_{ij}a_i$, with independent zero-mean weights of variance
# $\operatorname{Var}(w)$ and inputs independent of them. Then
#
# $$\operatorname{Var}(z_j) = n_{\text{in}}\,\operatorname{Var}(w)\,\mathbb E[a_i^2].$$
#
# If $n_{\text{in}}\operatorname{Var}(w)$ is below 1 (for the activation used), the signal shrinks by that factor
# at every layer; above, it grows; through 20 layers, either is fatal (activations, and with them gradients,
# vanish or explode). The cure is to choose $\operatorname{Var}(w)$ so the factor is 1:
#
# * **Xavier (Glorot) initialisation** (2010), for tanh-like activations ($\tanh(z) \approx z$ near 0, so
#   $\mathbb E[a^2] \approx \operatorname{Var}(z)$): keep the forward variance ($n_{\text{in}}\operatorname{Var}(w)
#   = 1$) and the backward one ($n_{\text{out}}\operatorname{Var}(w) = 1$) as well as both allow:
#   $\operatorname{Var}(w) = 2/(n_{\text{in}} + n_{\text{out}})$. The common form draws
#   $w \sim \mathcal U(-a, a)$ with $a = \sqrt{6/(n_{\text{in}} + n_{\text{out}})}$, whose variance $a^2/3$ is
#   exactly that.
# * **He (Kaiming) initialisation** (2015), for ReLU: ReLU zeroes half of a symmetric $z$, so
#   $\mathbb E[a^2] = \operatorname{Var}(z)/2$, and the factor is 1 for $\operatorname{Var}(w) = 2/n_{\text{in}}$:
#   $w \sim \mathcal N(0, 2/n_{\text{in}})$.
#
# PyTorch has both (`torch.nn.init.xavier_uniform_`, `torch.nn.init.kaiming_normal_`); its `nn.Linear` uses yet
# another default (uniform with variance $1/(3n_{\text{in}})$).
#
# ### Exercises 7 and 8 — `he_init` and `xavier_init`
#
# Return a weight matrix of shape `(fan_in, fan_out)` (for `x @ W`): `he_init` from
# $\mathcal N(0, 2/\text{fan\_in})$, `xavier_init` from $\mathcal U(-a, a)$ with
# $a = \sqrt{6/(\text{fan\_in} + \text{fan\_out})}$. Draw every number from the generator `rng` you are given
# (`rng.normal(mean, std, size)`, `rng.uniform(low, high, size)`). Random output cannot be compared number for
# number, so the tests check **properties** over many draws: the shape, the mean, the variance, the shape of the
# distribution, and that the same seed gives the same weights.

# %% nbgrader={"grade": false, "grade_id": "he_init", "locked": false, "schema_version": 3, "solution": true, "task": false}
def he_init(fan_in, fan_out, rng):
    """He (Kaiming) normal initialisation: shape (fan_in, fan_out), N(0, 2 / fan_in), drawn from rng."""
    ### BEGIN SOLUTION
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "he_init_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
W_he = he_init(200, 300, np.random.default_rng(0))
expect_equal(np.shape(W_he), (200, 300), name="the shape (fan_in, fan_out)")
# 60000 draws: the variance of a correct initialiser lies within 0.0008 of 2/200 = 0.01 (seven standard errors).
expect_close(np.var(W_he), 0.01, atol=0.0008, name="the variance of 60000 weights, 2/fan_in = 0.01",
             slips={"variance 1/fan_in (LeCun's; He doubles it for ReLU)": 0.005,
                    "variance 2/fan_out": 2 / 300})
expect_close(np.mean(W_he), 0.0, atol=0.003, name="the mean of the weights")
expect_equal(np.asarray(he_init(3, 2, np.random.default_rng(5))), np.asarray(he_init(3, 2, np.random.default_rng(5))),
             name="the same seed gives the same weights")
print("✓ public checks passed: he_init")

# %% nbgrader={"grade": true, "grade_id": "he_init_hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: fan_in and fan_out from 1 to 1000, at least 30000 weights per case; checked: the shape, the mean and
# the variance (within six standard errors), the share within one standard deviation (68.3% for a normal), the
# same seed giving the same weights, consecutive calls giving different ones.
# Try them yourself now: check("week07.he_init", he_init)
### BEGIN HIDDEN TESTS
grade("week07.he_init", he_init)
### END HIDDEN TESTS

# %% nbgrader={"grade": false, "grade_id": "xavier_init", "locked": false, "schema_version": 3, "solution": true, "task": false}
def xavier_init(fan_in, fan_out, rng):
    """Xavier (Glorot) uniform initialisation: shape (fan_in, fan_out), U(-a, a), a = sqrt(6 / (fan_in + fan_out))."""
    ### BEGIN SOLUTION
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "xavier_init_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
W_xavier = xavier_init(100, 50, np.random.default_rng(1))
expect_equal(np.shape(W_xavier), (100, 50), name="the shape (fan_in, fan_out)")
expect_true(float(np.abs(W_xavier).max()) <= 0.2, "some weights are beyond ±a = ±sqrt(6/150) = ±0.2",
            name="every weight within ±0.2")
# 5000 draws: the variance a²/3 = 2/150 = 0.01333 within 0.0008 (about seven standard errors).
expect_close(np.var(W_xavier), 2 / 150, atol=0.0008, name="the variance 2/(fan_in + fan_out) = 0.0133",
             slips={"variance 1/fan_in": 0.01, "uniform(-a, a) with a = sqrt(2/(fan_in + fan_out))": 2 / 450})
print("✓ public checks passed: xavier_init")

# %% nbgrader={"grade": true, "grade_id": "xavier_init_hidden", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: as for he_init, with the bound ±a checked and the share within one standard deviation of 57.7% that
# a uniform distribution has.
# Try them yourself now: check("week07.xavier_init", xavier_init)
### BEGIN HIDDEN TESTS
grade("week07.xavier_init", xavier_init)
### END HIDDEN TESTS

# %% [markdown]
# ### Activations through depth
#
# The experiment behind those formulas: push 1000 random inputs through 12 layers of 256 units and look at the
# standard deviation of each layer's activations, for tanh and ReLU networks, with weights of a "small" fixed
# standard deviation 0.01, Xavier's and He's. (Your initialisers are used once they pass their checks.)

# %%
he_ok, _ = passes("week07.he_init", he_init)
xavier_ok, _ = passes("week07.xavier_init", xavier_init)
draw_he = he_init if he_ok else (lambda n_in, n_out, rng: rng.normal(0, math.sqrt(2 / n_in), (n_in, n_out)))
draw_xavier = xavier_init if xavier_ok else (
    lambda n_in, n_out, rng: rng.uniform(-math.sqrt(6 / (n_in + n_out)), math.sqrt(6 / (n_in + n_out)), (n_in, n_out)))
print("initialisers:", "your he_init" if he_ok else "the reference He", "and",
      "your xavier_init" if xavier_ok else "the reference Xavier")
INITS = {"std 0.01": lambda n_in, n_out, rng: rng.normal(0, 0.01, (n_in, n_out)),
         "Xavier": draw_xavier, "He": draw_he}
DEPTH, WIDTH = 12, 256


def activation_spread(activation, init, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(1000, WIDTH))
    spread = []
    for _ in range(DEPTH):
        a = a @ init(WIDTH, WIDTH, rng)
        a = np.tanh(a) if activation == "tanh" else np.maximum(a, 0)
        spread.append(a.std())
    return spread


spread = pd.DataFrame({(act, name): activation_spread(act, init) for act in ("tanh", "ReLU")
                       for name, init in INITS.items()}, index=pd.RangeIndex(1, DEPTH + 1, name="layer"))
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4))
for ax, act in zip(axes, ("tanh", "ReLU")):
    for name in INITS:
        ax.plot(spread.index, spread[(act, name)], "o-", ms=3, label=name)
    ax.set_yscale("log")
    ax.set_title(f"{act}: std of the activations per layer")
    ax.set_xlabel("layer")
    ax.legend()
plt.show()
spread.iloc[[0, 5, 11]]

# %% [markdown]
# With weights of standard deviation 0.01, each layer multiplies the spread by about $\sqrt{256}\cdot 0.01 = 0.16$
# (tanh) or $0.16/\sqrt2 \approx 0.11$ (ReLU, which zeroes half of each layer's input): after 12 layers the
# activations are 10⁻⁹ or smaller, and so are the gradients. Xavier keeps tanh's activations within a factor of
# about 3 over the 12 layers (they decline slowly, since $|\tanh z| < |z|$); He keeps ReLU's constant. Xavier with
# ReLU (the middle ReLU column) halves the variance at every layer, on average.

# %% [markdown]
# ## 8. Optimisers
#
# **Mini-batch SGD** (week 02) steps against the gradient of the loss on a small random batch:
# $\theta \leftarrow \theta - \eta\,\mathbf g_t$. It struggles in two situations that deep networks are full of:
# **ravines**, where the loss curves steeply in one direction and gently in another (a learning rate small enough
# for the steep direction crawls along the gentle one), and noisy gradients.
#
# **Momentum** (Polyak's heavy ball) keeps a running **velocity**,
#
# $$\mathbf v_t = \mu\,\mathbf v_{t-1} + \mathbf g_t, \qquad \theta_t = \theta_{t-1} - \eta\,\mathbf v_t.$$
#
# Unrolled, $\mathbf v_t = \sum_{k \ge 0}\mu^k\mathbf g_{t-k}$: gradients that keep pointing the same way add up
# (a step up to $1/(1 - \mu)$ times larger, 10× for $\mu = 0.9$) while components that flip sign cancel. This is
# PyTorch's `SGD(momentum=μ)`. (Another common convention, $\mathbf v_t = \mu\mathbf v_{t-1} - \eta\mathbf g_t$,
# $\theta_t = \theta_{t-1} + \mathbf v_t$, gives the same path for a constant $\eta$; its velocity is
# $-\eta$ times ours.)
#
# **RMSProp** (Hinton, 2012) gives every parameter its own step size: it keeps an exponential moving average of
# squared gradients, $\mathbf s_t = \rho\,\mathbf s_{t-1} + (1 - \rho)\,\mathbf g_t^2$, and steps
# $\theta_t = \theta_{t-1} - \eta\,\mathbf g_t / (\sqrt{\mathbf s_t} + \epsilon)$. A parameter with large gradients
# gets small steps, one with small gradients large steps: the ravine becomes a round bowl.
#
# **Adam** (Kingma & Ba, 2015) combines both: moving averages of the gradient (the first moment, like momentum) and
# of its square (the second moment, like RMSProp),
#
# $$\mathbf m_t = \beta_1\mathbf m_{t-1} + (1 - \beta_1)\mathbf g_t, \qquad
# \mathbf v_t = \beta_2\mathbf v_{t-1} + (1 - \beta_2)\mathbf g_t^2,$$
#
# $$\hat{\mathbf m}_t = \frac{\mathbf m_t}{1 - \beta_1^t}, \qquad \hat{\mathbf v}_t = \frac{\mathbf v_t}{1 - \beta_2^t},
# \qquad \theta_t = \theta_{t-1} - \eta\,\frac{\hat{\mathbf m}_t}{\sqrt{\hat{\mathbf v}_t} + \epsilon}.$$
#
# **Why the bias correction.** Both averages start at $\mathbf m_0 = \mathbf v_0 = 0$. Unrolling,
# $\mathbf m_t = (1 - \beta_1)\sum_{k=1}^{t}\beta_1^{t-k}\mathbf g_k$; if the gradients have a steady mean
# $\mathbb E[\mathbf g]$, then $\mathbb E[\mathbf m_t] = (1 - \beta_1)\sum_{k=1}^t\beta_1^{t-k}\,\mathbb E[\mathbf g]
# = (1 - \beta_1^t)\,\mathbb E[\mathbf g]$ (a geometric sum). So early averages are biased towards 0, by the factor
# $1 - \beta_1^t$: 0.1 at the first step for $\beta_1 = 0.9$, and $1 - 0.999 = 0.001$ for $\mathbf v$ with
# $\beta_2 = 0.999$. Dividing by that factor removes the bias; without it, the first steps would be distorted
# (for $\beta_2 = 0.999$ the uncorrected $\sqrt{\mathbf v_1}$ is about 0.03 of the gradient's size while
# $\mathbf m_1$ is 0.1 of it, so the first step would be about 3 times too large). At the first step the corrected
# update is $\eta\,\mathbf g_1/(|\mathbf g_1| + \epsilon)$: a step of size about $\eta$ for every parameter,
# whatever the gradient's scale.
#
# ### Exercise 9 — `sgd_momentum_step`
#
# One step of SGD with momentum as PyTorch does it: given the parameters `w`, their gradient `grad`, the velocity
# `velocity` (same shape; zeros before the first step), the learning rate `lr` and `momentum` $\mu$, return
# `(new_w, new_velocity)` with $\mathbf v \leftarrow \mu\mathbf v + \mathbf g$ and
# $\mathbf w \leftarrow \mathbf w - \eta\mathbf v$. Do not modify the inputs (return new arrays).

# %% nbgrader={"grade": false, "grade_id": "sgd_momentum_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sgd_momentum_step(w, grad, velocity, lr, momentum):
    """One step of SGD with momentum (PyTorch's convention): v = momentum * v + grad; w = w - lr * v.
    Returns (new_w, new_velocity); the inputs are left unchanged."""
    ### BEGIN SOLUTION
    velocity = momentum * velocity + grad
    return w - lr * velocity, velocity
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "sgd_momentum_step_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
w_start, v_start = np.array([1.0, -2.0]), np.zeros(2)
w1, v1 = sgd_momentum_step(w_start, np.array([0.5, 1.0]), v_start, 0.1, 0.9)
expect_close(v1, [0.5, 1.0], name="the velocity after the first step (0.9 * 0 + grad)",
             slips={"an average 0.9 * v + 0.1 * grad (PyTorch adds the whole gradient)": [0.05, 0.1]})
expect_close(w1, [0.95, -2.1], name="w after the first step")
w2, v2 = sgd_momentum_step(w1, np.array([0.5, -1.0]), v1, 0.1, 0.9)
expect_close(v2, [0.95, -0.1], name="the velocity after the second step (0.9 * v1 + grad)",
             slips={"an average 0.9 * v + 0.1 * grad (PyTorch adds the whole gradient)": [0.5, 0.8]})
expect_close(w2, [0.855, -2.09], name="w after the second step",
             slips={"plain SGD (the velocity is ignored)": [0.9, -2.0]})
expect_unchanged(w_start, [1.0, -2.0], "sgd_momentum_step", "w")
print("✓ public checks passed: sgd_momentum_step")

# %% nbgrader={"grade": true, "grade_id": "sgd_momentum_step_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 4 to 20 steps from zero or from a given velocity, lr from 0.01 to 0.3, momentum 0 to 0.99, on
# random parameters and gradients; every step compared with torch.optim.SGD(momentum=...) (its momentum_buffer
# set to the starting velocity) on copies, in float64.
# Try them yourself now: check("week07.sgd_momentum_step", sgd_momentum_step)
### BEGIN HIDDEN TESTS
grade("week07.sgd_momentum_step", sgd_momentum_step)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 10 — `adam_step`
#
# One step of Adam: given `w`, `grad`, the moving averages `m` and `v` (zeros before the first step), the number
# `t` of this step (1 for the first), `lr`, `beta1`, `beta2` and `eps`, return `(new_w, new_m, new_v)` by the
# formulas above (`new_m` and `new_v` without the bias correction; the correction is only used for the step).
# `eps` is added to $\sqrt{\hat{\mathbf v}}$, outside the square root, as PyTorch does.

# %% nbgrader={"grade": false, "grade_id": "adam_step", "locked": false, "schema_version": 3, "solution": true, "task": false}
def adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (t = 1 for the first): returns (new_w, new_m, new_v); the inputs are left unchanged."""
    ### BEGIN SOLUTION
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "adam_step_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# The first step moves each parameter by about lr, whatever the size of its gradient (bias correction).
w1, m1, v1 = adam_step(np.array([1.0, 1.0]), np.array([0.001, 100.0]), np.zeros(2), np.zeros(2), 1, 0.1)
expect_close(m1, [0.0001, 10.0], name="m after the first step: 0.1 * grad")
expect_close(v1, [1e-9, 10.0], name="v after the first step: 0.001 * grad**2")
expect_close(w1, [1 - 0.1 * 0.001 / (0.001 + 1e-8), 0.9], name="w after the first step (about w - lr * sign(grad))",
             slips={"no bias correction": [1 - 0.1 * 0.0001 / (math.sqrt(1e-9) + 1e-8),
                                           1 - 0.1 * 10 / (math.sqrt(10) + 1e-8)]})
# A second step, t = 2, with the same gradient.
w2, m2, v2 = adam_step(w1, np.array([0.001, 100.0]), m1, v1, 2, 0.1)
expect_close(w2[1], 0.8, name="the second parameter after two steps")
print("✓ public checks passed: adam_step")

# %% nbgrader={"grade": true, "grade_id": "adam_step_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: 4 to 25 steps, from t = 1 with zero moments or from a given state at t = 4, 11 or 100, various lr,
# betas and eps; every step compared with torch.optim.Adam (its state set to the same step, exp_avg and
# exp_avg_sq) on copies, in float64.
# Try them yourself now: check("week07.adam_step", adam_step)
### BEGIN HIDDEN TESTS
grade("week07.adam_step", adam_step)
### END HIDDEN TESTS

# %% [markdown]
# ### Explorer: the optimiser race
#
# SGD, momentum and Adam start from the same point on a 2-D loss surface (your `sgd_momentum_step` and `adam_step`
# once they pass their checks; plain SGD is `sgd_momentum_step` with momentum 0). Things to try:
#
# * **Elongated bowl** ($\tfrac12x^2 + 20y^2$, curvatures 1 and 40): SGD is stable only for a learning rate below
#   $2/40 = 0.05$, and then it crawls along the gentle $x$ direction: after 100 steps at 0.03, momentum's loss is
#   more than 10 times lower than SGD's. At exactly 0.05 SGD bounces between the walls for ever; above, it diverges.
# * **Rosenbrock valley**: the walls are steep (gradients in the tens), and at the bowl's learning rates SGD and
#   momentum are thrown out and diverge. Adam, whose steps are about the learning rate in size whatever the
#   gradient, follows the valley. Lower the learning rate to 0.003 and SGD and momentum stay in the valley too.
# * **Saddle**: starting almost on the ridge ($y = 0.01$), the gradient in $y$ is tiny. At the default learning
#   rate plain SGD lingers near the saddle point for about 80 steps before it slides off ($|y| > 1$); momentum
#   and Adam escape in about 30.
# * Move momentum β towards 0.99: more speed, more overshoot. Adam's β1 plays the same role; a small β2 makes its
#   step sizes jumpy.

# %%
from course.explorers import optimiser_race_explorer

optimiser_race_explorer(sgd_momentum_step, adam_step)

# %% [markdown]
# ### Learning-rate schedules
#
# A learning rate large enough to make fast progress early is usually too large to settle into a minimum late, so
# the rate is lowered during training. The common **schedules**, as a function of the epoch $t$ of $T$:
#
# * **step decay**: multiply by $\gamma$ (e.g. 0.1) every $k$ epochs (`torch.optim.lr_scheduler.StepLR`);
# * **exponential decay**: $\eta_t = \eta_0\gamma^t$ (`ExponentialLR`);
# * **cosine annealing**: $\eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})(1 + \cos(\pi t/T))$
#   (`CosineAnnealingLR`), smooth, and the default in much recent work;
# * **warm-up**: start small and grow linearly for the first few epochs, which keeps Adam's early, poorly
#   estimated steps (and large models) from blowing up; usually followed by cosine decay.
#
# The curves below are computed from those formulas; the lesson's tests check that they match PyTorch's
# schedulers.

# %%
T, lr0 = 50, 0.1
epochs = np.arange(T)
schedules = pd.DataFrame({
    "step (×0.1 every 20)": lr0 * 0.1 ** (epochs // 20),
    "exponential (γ = 0.95)": lr0 * 0.95 ** epochs,
    "cosine": 0.5 * lr0 * (1 + np.cos(np.pi * epochs / T)),
    "warm-up 5 + cosine": np.where(epochs < 5, lr0 * (epochs + 1) / 5,
                                   0.5 * lr0 * (1 + np.cos(np.pi * (epochs - 5) / (T - 5)))),
}, index=pd.Index(epochs, name="epoch"))
schedules.plot(figsize=(8, 3.2), title="learning-rate schedules", ylabel="learning rate")
plt.show()

# %% [markdown]
# ## 9. The Playground
#
# After TensorFlow Playground (Smilkov and Carter, 2016): a small network learns to separate two classes of
# points in the plane while you watch. Choose a **data set** and its **noise**, the share of points used for
# **training** (the others, drawn as rings, are the test set), the **input features** the network sees, the
# number of **hidden layers** and **neurons** per layer, the **activation**, the **optimiser** (Adam or SGD with
# momentum 0.9), the **learning rate**, an **L2** penalty on the weights (added to each weight's gradient as
# $\lambda\mathbf W$) and the **batch size**. Press ▶ to train (one epoch per tick), ❚❚ to pause, *step* for one
# epoch, *reset* to start from new random weights. The background is the network's probability of the blue class;
# the right panel shows the training and test loss per epoch.
#
# The training runs **your** `affine_forward`, `affine_backward`, `relu_backward` (for ReLU networks),
# `softmax_cross_entropy` and `adam_step` or `sgd_momentum_step` as soon as each passes its checks; the status line
# says which are yours. Things to try:
#
# * **XOR** with the features $x_1, x_2$ and **no hidden layer**: a linear classifier, stuck near chance (the
#   perceptron's problem). Add the feature $x_1x_2$: now the same linear model separates it. Or keep $x_1, x_2$ and
#   add a hidden layer.
# * **Circle**: $x_1^2$ and $x_2^2$ make it linearly separable; without them, how many neurons does one hidden
#   layer need?
# * **Spiral**: the hard one. Try 3–4 layers of 8 neurons with tanh, or add $\sin$ features.
# * Raise the **learning rate** to 3 with SGD: the loss jumps far above where it started. Lower the **training
#   share** to 10%, set the **noise** to 0.5 and train 3 hidden layers of 8 ReLU neurons: after the first epochs
#   the training loss keeps falling while the test loss rises (overfitting). Then press reset, set **L2** to 0.01
#   and train again: the test loss stays lower.
# * Switch the activation to **linear**: however many layers, the boundary stays a line.

# %%
from course.explorers import playground_explorer

playground_explorer(affine_forward, affine_backward, relu_backward, softmax_cross_entropy, sgd_momentum_step,
                    adam_step)

# %% [markdown]
# ## 10. Projects
#
# ### XOR: how small a network?
#
# XOR needs a hidden layer, but how wide? One tanh hidden layer of width 1, 2, 3 and 8, each trained with Adam
# from 20 random starts (PyTorch from here on: the framework you will use for real work):

# %%
def xor_successes(width, starts=20, steps=500):
    """How many of `starts` random initialisations of a 2-width-2 tanh network solve XOR. All starts are
    trained at once: each is one slice of batched weights, and Adam (elementwise) treats the slices
    independently, so this is `starts` separate trainings in one loop."""
    torch.manual_seed(width)
    X = torch.tensor(X_gate, dtype=torch.float32).expand(starts, 4, 2)
    y = torch.tensor(GATES["XOR"]).repeat(starts)
    W1 = (torch.randn(starts, 2, width) / math.sqrt(2)).requires_grad_()
    b1 = torch.zeros(starts, 1, width, requires_grad=True)
    W2 = (torch.randn(starts, width, 2) / math.sqrt(width)).requires_grad_()
    b2 = torch.zeros(starts, 1, 2, requires_grad=True)
    optimiser = torch.optim.Adam([W1, b1, W2, b2], lr=0.05)

    def logits():
        return (torch.tanh(X @ W1 + b1) @ W2 + b2).reshape(-1, 2)
    for _ in range(steps):
        optimiser.zero_grad()
        (F.cross_entropy(logits(), y) * starts).backward()     # the sum of the starts' mean losses
        optimiser.step()
    with torch.no_grad():
        return int((logits().argmax(dim=1) == y).reshape(starts, 4).all(dim=1).sum())


xor_widths = pd.DataFrame({"hidden units": [1, 2, 3, 8],
                           "starts that solve XOR (of 20)": [xor_successes(w) for w in (1, 2, 3, 8)]})
xor_widths.set_index("hidden units")

# %% [markdown]
# One hidden unit never suffices: the output is then a monotone function of a single projection
# $\mathbf w^\top\mathbf x$, so the boundary is still a line. Two units *can* solve XOR (AND of OR and NAND is two
# units), but not every start finds that solution; wider layers make training more reliable, a first glimpse of
# why networks are usually wider than they strictly need to be.
#
# ### Digit recognition in PyTorch
#
# The digits again, now in PyTorch with `nn.Sequential`, `nn.Linear`, Adam and mini-batches from a `DataLoader`,
# next to two scikit-learn baselines on the same split:

# %%
torch.manual_seed(0)
X_tr_t = torch.tensor(X_dig_train, dtype=torch.float32)
y_tr_t = torch.tensor(y_dig_train)
X_va_t = torch.tensor(X_dig_val, dtype=torch.float32)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_tr_t, y_tr_t), batch_size=32, shuffle=True)
digit_net = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64),
                                torch.nn.ReLU(), torch.nn.Linear(64, 10))
optimiser = torch.optim.Adam(digit_net.parameters(), lr=1e-3)
start = time.perf_counter()
for epoch in range(30):
    for X_batch, y_batch in loader:
        optimiser.zero_grad()
        F.cross_entropy(digit_net(X_batch), y_batch).backward()
        optimiser.step()
torch_seconds = time.perf_counter() - start
with torch.no_grad():
    torch_accuracy = (digit_net(X_va_t).argmax(dim=1).numpy() == y_dig_val).mean()
baselines = {"logistic regression (scikit-learn)": LogisticRegression(max_iter=2000),
             "SVM, RBF kernel (scikit-learn)": SVC()}
results = {"NumPy MLP 64-64-32-10 (§6), SGD + momentum, 40 epochs": numpy_accuracy,
           "PyTorch MLP 64-128-64-10, Adam, 30 epochs": torch_accuracy}
results.update({name: model.fit(X_dig_train, y_dig_train).score(X_dig_val, y_dig_val)
                for name, model in baselines.items()})
print(f"PyTorch training: {torch_seconds:.1f} s")
pd.Series(results, name="validation accuracy").to_frame()

# %% [markdown]
# On 8 × 8 digits both networks reach about 96%, which logistic regression matches, and an RBF-kernel SVM
# beats all of them, in a fraction of a second. That is the honest picture for small tabular-like data: neural networks shine on large data sets with
# structure they can exploit (images at full resolution, sound, text), and next week's convolutional networks
# exploit exactly the structure of images.
#
# ### Hyperparameter tuning
#
# Which learning rate, width and weight decay? A **small, honest search**: every combination of a few values,
# each trained from two seeds, scored on a **validation** set carved out of the training data; the best setting
# is chosen there, and only that one is scored once on the held-back **test** set. (Choosing by test accuracy
# would make that accuracy an optimistic estimate: the test set would have been used for training decisions.)

# %%
X_search, X_test_digits, y_search, y_test_digits = train_test_split(X_digits, labels, test_size=0.2,
                                                                    stratify=labels, random_state=1)
X_fit, X_valid, y_fit, y_valid = train_test_split(X_search, y_search, test_size=0.25, stratify=y_search,
                                                  random_state=1)
tensors = {name: torch.tensor(a, dtype=torch.float32) for name, a in
           [("fit", X_fit), ("valid", X_valid), ("test", X_test_digits)]}


def train_torch_mlp(X, y, width, lr, weight_decay, seed, epochs=15):
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(64, width), torch.nn.ReLU(), torch.nn.Linear(width, 10))
    optimiser = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=weight_decay)
    y_t = torch.tensor(y)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for batch in torch.randperm(len(y), generator=generator).split(32):
            optimiser.zero_grad()
            F.cross_entropy(net(X[batch]), y_t[batch]).backward()
            optimiser.step()
    return net


def accuracy(net, X, y):
    with torch.no_grad():
        return float((net(X).argmax(dim=1).numpy() == y).mean())


start = time.perf_counter()
rows = []
for lr in (0.0003, 0.003, 0.03):
    for width in (16, 128):
        for weight_decay in (0.0, 1e-3):
            scores = [accuracy(train_torch_mlp(tensors["fit"], y_fit, width, lr, weight_decay, seed),
                               tensors["valid"], y_valid) for seed in (0, 1)]
            rows.append({"learning rate": lr, "width": width, "weight decay": weight_decay,
                         "validation accuracy (mean of 2 seeds)": np.mean(scores),
                         "spread between seeds": abs(scores[0] - scores[1])})
search = pd.DataFrame(rows).sort_values("validation accuracy (mean of 2 seeds)", ascending=False)
print(f"{len(rows)} settings × 2 seeds in {time.perf_counter() - start:.1f} s")
search.reset_index(drop=True)

# %%
best = search.iloc[0]
final = train_torch_mlp(torch.cat([tensors["fit"], tensors["valid"]]), np.concatenate([y_fit, y_valid]),
                        int(best["width"]), float(best["learning rate"]), float(best["weight decay"]), seed=0)
print(f"chosen on validation: learning rate {best['learning rate']}, width {int(best['width'])}, weight decay "
      f"{best['weight decay']}; retrained on training + validation data, test accuracy "
      f"{accuracy(final, tensors['test'], y_test_digits):.1%} (the one number to report)")

# %% [markdown]
# Read the table the way you would read any experiment: the learning rate matters most (at 0.0003 the network
# has not converged in 15 epochs), width next (16 hidden units do worse than 128 at every learning rate), and
# weight decay hardly at all here: for a given rate and width it changes the accuracy by less than the spread
# between seeds, which is noise. With more settings than this, random search (sampling the learning rate on
# a log scale) finds good regions faster than a grid, and tools such as Optuna automate it.

# %% [markdown]
# ## 11. Checkpoint
#
# Four short questions, checked when the notebook is graded (the cell under each answer only checks its format),
# and one answer in your own words.
#
# **Q1.** Why can a single perceptron not learn XOR?
#
# - (a) Its learning rate is too small to reach the solution.
# - (b) No line separates the points with output 1 from those with output 0, and a perceptron's decision
#   boundary is a line.
# - (c) The step function has no derivative, so the learning rule cannot run.
# - (d) XOR needs more than four training examples.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q1_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, str) and q1_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q1_answer should be one of the letters "a", "b", "c", "d"; got {q1_answer!r}.',
            name="q1_answer is one of the letters a, b, c, d")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q1_answer, "b", name="the answer to question 1 (q1_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** In a computational graph, a node $v$ is used by three later nodes. During backpropagation, what is
# $\partial L/\partial v$?
#
# - (a) The gradient arriving from the last of the three uses.
# - (b) The largest of the three contributions.
# - (c) The sum of the three contributions, each the user's gradient times its local derivative.
# - (d) The product of the three contributions.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q2_answer = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, str) and q2_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q2_answer should be one of the letters "a", "b", "c", "d"; got {q2_answer!r}.',
            name="q2_answer is one of the letters a, b, c, d")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q2_answer, "c", name="the answer to question 2 (q2_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q3.** Adam with $\beta_1 = 0.9$ starts from $\mathbf m_0 = 0$. After the first step with gradient $g$, the
# uncorrected first moment is $m_1 = 0.1\,g$. By what number must $m_1$ be divided to remove the bias (the
# factor $1 - \beta_1^t$ at $t = 1$)?

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to a number.
### BEGIN SOLUTION
q3_answer = 1 - 0.9
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number between 0 and 1; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, (int, float, np.integer, np.floating)) and not isinstance(q3_answer, bool)
            and 0 <= q3_answer <= 1, f"q3_answer should be a number between 0 and 1; got {q3_answer!r}.",
            name="q3_answer is a number between 0 and 1")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q3_answer, 0.1, name="the answer to question 3 (q3_answer)", rtol=1e-3)
### END HIDDEN TESTS

# %% [markdown]
# **Q4.** You build a 20-layer ReLU network and initialise every weight from $\mathcal N(0, 0.01^2)$ with 256 units
# per layer. Training makes no progress at all. What is the most likely cause and fix?
#
# - (a) The activations and gradients shrink at every layer until they vanish; use He initialisation,
#   variance $2/n_{\text{in}}$.
# - (b) ReLU saturates for large inputs; switch to the sigmoid.
# - (c) The learning rate is too large; divide it by 10.
# - (d) All weights are identical, so the symmetry is never broken; draw them at random.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q4", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q4_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q4_answer = "a"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q4_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q4_answer, str) and q4_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q4_answer should be one of the letters "a", "b", "c", "d"; got {q4_answer!r}.',
            name="q4_answer is one of the letters a, b, c, d")
print("q4_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q4_answer, "a", name="the answer to question 4 (q4_answer)")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "explain_backprop_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q5 (written, 3 points, graded by a person).** In a short paragraph or two: explain to a colleague who knows
# calculus but not deep learning how backpropagation computes the gradient of the loss with respect to every weight
# of a network in one backward pass, and why it costs about as much as the forward pass. Then explain what the
# vanishing-gradient problem is, which choices of activation and initialisation cause it, and what fixes it.
# Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "explain_backprop", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# The network is a computational graph: each value is computed from a few earlier ones by a simple operation whose
# local derivatives are known. The forward pass computes and keeps every intermediate value. The backward pass
# starts with dL/dL = 1 at the loss and visits the nodes in reverse order; by the multivariate chain rule, the
# gradient of a node is the sum, over the operations that use it, of that operation's output gradient times its
# local derivative. Visiting in reverse topological order guarantees that every use has contributed before a node
# passes its gradient on. Each operation is visited once and does a constant multiple of its forward work (for a
# layer Z = XW + b, dW = X^T dZ and dX = dZ W^T are matrix products of the same size as the forward one), so the
# whole backward pass costs a small constant times the forward pass, however many weights there are, instead of
# one pass per weight as numerical or forward-mode differentiation would need.
#
# The gradient reaching an early layer is a product of one factor per later layer: the weights and the activation's
# derivative. If those factors are typically below 1, the product shrinks exponentially with depth and the early
# layers stop learning (vanishing gradients; above 1 they explode). Saturating activations cause it (the sigmoid's
# derivative is at most 1/4 and near 0 for large inputs, tanh's near 0 when saturated), and so do weights that are
# too small (a variance below 1/n_in shrinks the signal each layer). Fixes: ReLU-like activations, whose derivative
# is 1 where active; initialisation that keeps the variance constant through depth (Xavier for tanh, He,
# variance 2/n_in, for ReLU); and, as next week shows, batch normalisation and residual connections.

# %% [markdown]
# ## Summary
#
# * A **perceptron** is a thresholded linear function; its learning rule converges on linearly separable data and
#   cannot represent XOR. A **hidden layer** with a smooth **activation** fixes that, and gradients make it trainable.
# * **Activations**: sigmoid and tanh saturate (derivatives ≤ 1/4 and ≤ 1, near 0 for large inputs); ReLU passes
#   gradients unchanged where active but can die; GELU is a smooth ReLU.
# * A layer is $\mathbf X\mathbf W + \mathbf b$ on a whole batch; an **MLP** alternates layers and activations
#   and ends in a softmax.
# * **Backpropagation** is the chain rule on the computational graph: in reverse topological order, each node adds
#   (output gradient × local derivative) into its inputs; one backward pass gives every gradient. Your `Value` is a
#   complete scalar version of PyTorch's autograd.
# * Layer gradients: $\mathbf{dW} = \mathbf X^\top\mathbf{dout}$, $\mathbf{db} = \sum_n\mathbf{dout}_n$,
#   $\mathbf{dX} = \mathbf{dout}\,\mathbf W^\top$; ReLU masks; softmax cross-entropy gives $(\mathbf p - \mathbf y)/N$.
#   Subtract the maximum logit for stability, and **gradient-check** in float64.
# * **Initialisation** sets the per-layer variance factor $n_{\text{in}}\operatorname{Var}(w)$ to 1: **Xavier**
#   $2/(n_{\text{in}} + n_{\text{out}})$ for tanh, **He** $2/n_{\text{in}}$ for ReLU.
# * **Optimisers**: momentum accumulates a velocity, RMSProp scales each parameter by its gradient's RMS, **Adam**
#   does both with **bias-corrected** moving averages; **schedules** (step, cosine, warm-up) lower the learning rate
#   as training proceeds.
#
# Next week: convolutional and recurrent networks, and the regularisation (dropout, batch normalisation, early
# stopping) that deep networks need.
