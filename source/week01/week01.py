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
# # Week 01 — Foundations I: arrays, linear algebra, gradients and gradient descent
#
# Every model in this course is, underneath, three things: **arrays** of numbers, **linear algebra** on those
# arrays, and an **optimiser** that nudges parameters downhill on a loss. This week builds all three from the
# ground up, in NumPy, and ends with the algorithm that trains almost every model you will meet: gradient descent.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | NumPy for ML: shapes, broadcasting, axes, vectorisation | |
# | 2 | vectors and matrices: dot products, matrix × vector | |
# | 3 | norms: L1, L2, L∞ | |
# | 4 | projections | |
# | 5 | the matrix as a transformation (explorer) | |
# | 6 | eigenvectors and eigenvalues, curvature | |
# | 7 | derivatives and numerical gradients | `numerical_gradient` |
# | 8 | least squares and the normal equations | `least_squares` |
# | 9 | gradient descent and the learning rate (explorer) | `gradient_descent` |
# | 10 | numerically stable softmax and log-sum-exp | `softmax`, `logsumexp` |
# | 11 | real, messy data with pandas: explore, impute, encode, outliers; Matplotlib briefly | `impute_and_encode`, `robust_scale` |
# | 12 | checkpoint: can you manipulate arrays with NumPy and explain gradient descent? | four questions + one written answer |

# %% [markdown]
# ## How to work this week
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation. Use NumPy only: the point is to build each function from scratch (in §11 you read the
#    DataFrame's columns with pandas, then compute in NumPy).
# 3. **Run the public test cell** under each exercise. It checks small hand-made inputs whose expected values you
#    can read; when something is wrong it tells you what (a shape, a sign, a missing normalisation, a NaN, …).
# 4. Then try **fresh random inputs** compared with a library reference, as often as you like:
#    `check("week01.softmax", softmax)` (the same for the other functions). It prints ✓ or what went wrong.
# 5. **Hidden tests** run when the notebook is graded: randomized inputs (a different seed from yours), compared
#    with NumPy/SciPy. If `check(...)` passes reliably, they will pass too.
# 6. The checkpoint at the end has four short autograded questions and one answer you write in your own words.

# %%
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np

from course.checks import expect_close, expect_equal, expect_choice, expect_true
from course.exercises import check, grade
from course.variants import parameters, set_student_id, show_question, variant_answer

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. NumPy for machine learning
#
# A data set is almost always a 2-D array `X` of **shape** `(n, d)`: one row per example, one column per feature.
# An array has a `shape` (one entry per axis), a `dtype` (here `float64`) and supports elementwise arithmetic.
# Indexing picks out rows (`X[i]`, one example), columns (`X[:, j]`, one feature) or blocks.

# %%
rng = np.random.default_rng(0)
X = rng.normal(size=(4, 3))  # 4 examples, 3 features
print("shape", X.shape, "| ndim", X.ndim, "| dtype", X.dtype)
print("row 0 (one example):     ", X[0])
print("column 1 (one feature):  ", X[:, 1])
print("reshaped to (3, 4):", X.reshape(3, 4).shape, "| flattened:", X.ravel().shape)

# %% [markdown]
# ### Broadcasting
#
# Arithmetic between arrays of different shapes follows one rule. Line the shapes up **from the right**; two sizes
# are compatible when they are **equal or one of them is 1**; a missing axis counts as 1. Size-1 axes are
# (virtually) repeated to match. So `(2, 1)` with `(3,)` is read as `(2, 1)` with `(1, 3)` and gives `(2, 3)`:
#
# $$\begin{pmatrix}10\\20\end{pmatrix} + \begin{pmatrix}1 & 2 & 3\end{pmatrix}
#   = \begin{pmatrix}11 & 12 & 13\\ 21 & 22 & 23\end{pmatrix}.$$

# %%
column = np.array([[10.0], [20.0]])  # shape (2, 1)
row = np.array([1.0, 2.0, 3.0])      # shape (3,)
print((column + row).shape)
print(column + row)

# %% [markdown]
# ### Axis semantics
#
# A reduction with `axis=k` **removes axis `k`**: for `X` of shape `(n, d)`, `X.mean(axis=0)` averages over the
# examples and has shape `(d,)` (one mean per feature); `X.mean(axis=1)` has shape `(n,)` (one per example).
# `keepdims=True` keeps the reduced axis with size 1, which is exactly what broadcasting needs to combine the
# result with `X` again. Standardising features, `(X - mean) / std` per column, is the everyday example.

# %%
print("X.mean(axis=0):", X.mean(axis=0).shape, "| X.mean(axis=1):", X.mean(axis=1).shape,
      "| keepdims:", X.mean(axis=1, keepdims=True).shape)

standardised = (X - X.mean(axis=0)) / X.std(axis=0)  # (4, 3) with (3,): one mean/std per column
print("column means after standardising:", standardised.mean(axis=0).round(12) + 0.0)  # + 0.0 turns -0. into 0.
print("column stds after standardising: ", standardised.std(axis=0))

try:
    X - X.mean(axis=1)  # (4, 3) with (4,): the trailing sizes 3 and 4 clash
except ValueError as error:
    print("ValueError:", error)
centred_rows = X - X.mean(axis=1, keepdims=True)  # (4, 3) with (4, 1): one mean per row
print("row means after centring rows:", centred_rows.mean(axis=1).round(12) + 0.0)

# %% [markdown]
# ### Vectorisation
#
# A Python loop runs one interpreted step per element; a NumPy operation runs one compiled loop over the whole
# array. The same sum of squares, $\sum_i v_i^2 = \mathbf v\cdot\mathbf v$, written both ways:

# %%
v = np.random.default_rng(1).normal(size=200_000)

start = time.perf_counter()
total = 0.0
for value in v:
    total += value * value
loop_seconds = time.perf_counter() - start

start = time.perf_counter()
total_vectorised = v @ v
vectorised_seconds = time.perf_counter() - start

print(f"Python loop: {loop_seconds * 1e3:7.2f} ms")
print(f"v @ v:       {vectorised_seconds * 1e3:7.2f} ms  (about {loop_seconds / vectorised_seconds:.0f}x faster)")
print("same result:", np.isclose(total, total_vectorised))

# %% [markdown]
# Rule of thumb for this course: **no Python loops over the examples or features of a data set** when an array
# expression will do. Loops over a handful of things (iterations of an optimiser, coordinates in a numerical
# gradient) are fine.

# %% [markdown]
# ## 2. Vectors and matrices
#
# The **dot product** of $\mathbf u, \mathbf v \in \mathbb R^d$ is
#
# $$\mathbf u \cdot \mathbf v = \sum_{i=1}^d u_i v_i = \lVert \mathbf u \rVert_2 \, \lVert \mathbf v \rVert_2 \cos\theta,$$
#
# where $\theta$ is the angle between them: positive when they point the same way, zero when they are orthogonal,
# negative when they point apart. Cosine similarity, $\cos\theta$, is how embeddings are compared in later weeks.
#
# A **matrix times a vector** can be read two ways. Row view: entry $i$ of $A\mathbf w$ is the dot product of row
# $i$ with $\mathbf w$. Column view: $A\mathbf w$ is a **weighted sum of the columns** $\mathbf a_j$ of $A$,
#
# $$A\mathbf w = w_1 \mathbf a_1 + w_2 \mathbf a_2 + \dots + w_d \mathbf a_d .$$
#
# In ML, predictions of a linear model are $\hat{\mathbf y} = X\mathbf w$: each prediction is an example dotted
# with the weights (row view), and the vector of all predictions is a weighted sum of the feature columns (column
# view). $A\mathbf w$ needs `A.shape[1] == w.shape[0]`; the result has `A.shape[0]` entries.

# %%
u = np.array([3.0, 4.0])
w2 = np.array([4.0, 0.0])
cosine = u @ w2 / (np.linalg.norm(u) * np.linalg.norm(w2))
print(f"u·v = {u @ w2}, cos θ = {cosine:.2f}, θ = {np.degrees(np.arccos(cosine)):.1f}°")

A = np.array([[2.0, -1.0],
              [1.0, 1.0],
              [0.0, 3.0]])   # shape (3, 2)
w = np.array([0.5, 2.0])     # shape (2,)
print("A @ w                      :", A @ w)
print("row view, rows dotted with w:", np.array([A[i] @ w for i in range(3)]))
print("column view, w1 a1 + w2 a2  :", w[0] * A[:, 0] + w[1] * A[:, 1])

# %% [markdown]
# ## 3. Norms
#
# A norm measures the size of a vector. The three you will meet everywhere:
#
# $$\lVert\mathbf x\rVert_1 = \sum_i |x_i|, \qquad
#   \lVert\mathbf x\rVert_2 = \sqrt{\textstyle\sum_i x_i^2} = \sqrt{\mathbf x\cdot\mathbf x}, \qquad
#   \lVert\mathbf x\rVert_\infty = \max_i |x_i| .$$
#
# L2 is Euclidean length (distances, ridge regularisation); L1 adds up absolute values (robust errors, lasso
# regularisation, which favours sparse weights because its unit ball has corners on the axes); L∞ is the worst
# coordinate (a "maximum error"). `np.linalg.norm(x, ord=1 | 2 | np.inf)` computes all three, and with `axis=1`
# gives one norm per row. The **unit ball** $\{\mathbf x : \lVert\mathbf x\rVert \le 1\}$ shows each norm's
# geometry: below, each curve is the set of points at distance 1 from the origin.

# %%
x = np.array([3.0, -4.0])
print("L1 =", np.linalg.norm(x, ord=1), "| L2 =", np.linalg.norm(x), "| L∞ =", np.linalg.norm(x, ord=np.inf))

angles = np.linspace(0.0, 2 * np.pi, 721)
directions = np.stack([np.cos(angles), np.sin(angles)], axis=1)  # (721, 2): one direction per row
fig, ax = plt.subplots(figsize=(4.8, 4.8))
for order, label in [(1, r"L1: $|x_1| + |x_2| = 1$"), (2, r"L2: $x_1^2 + x_2^2 = 1$"),
                     (np.inf, r"L∞: $\max(|x_1|, |x_2|) = 1$")]:
    # rescale every direction to norm 1: broadcasting (721, 2) / (721, 1)
    sphere = directions / np.linalg.norm(directions, ord=order, axis=1, keepdims=True)
    ax.plot(sphere[:, 0], sphere[:, 1], label=label, lw=2)
ax.axhline(0, color="grey", lw=0.5)
ax.axvline(0, color="grey", lw=0.5)
ax.set_aspect("equal")
ax.set_xlim(-1.5, 1.5)
ax.set_ylim(-1.5, 1.5)
ax.set_title("Unit circles of three norms")
ax.legend(loc="upper right", fontsize=8)
plt.show()

# %% [markdown]
# ## 4. Projections
#
# Which multiple $c\,\mathbf v$ of a vector $\mathbf v$ is closest to $\mathbf u$? Minimise
# $g(c) = \lVert\mathbf u - c\mathbf v\rVert_2^2 = \mathbf u\cdot\mathbf u - 2c\,\mathbf u\cdot\mathbf v + c^2\,\mathbf v\cdot\mathbf v$:
# setting $g'(c) = -2\,\mathbf u\cdot\mathbf v + 2c\,\mathbf v\cdot\mathbf v = 0$ gives
#
# $$\operatorname{proj}_{\mathbf v}\mathbf u = \frac{\mathbf u\cdot\mathbf v}{\mathbf v\cdot\mathbf v}\,\mathbf v,
#   \qquad \mathbf r = \mathbf u - \operatorname{proj}_{\mathbf v}\mathbf u, \qquad \mathbf r\cdot\mathbf v = 0 .$$
#
# The residual $\mathbf r$ is **orthogonal** to $\mathbf v$: that is what "closest" means. Keep this picture in
# mind for §8, where least squares projects the targets $\mathbf y$ onto all the columns of $X$ at once.

# %%
u = np.array([1.0, 2.5])
v = np.array([3.0, 1.0])
projection = (u @ v) / (v @ v) * v
residual = u - projection
print("projection:", projection, "| residual:", residual, "| residual · v =", residual @ v)

fig, ax = plt.subplots(figsize=(5.5, 4))
for start, end, colour, label in [((0, 0), v, "C0", r"$\mathbf{v}$"), ((0, 0), u, "C1", r"$\mathbf{u}$"),
                                  ((0, 0), projection, "C2", r"proj$_\mathbf{v}\,\mathbf{u}$"),
                                  (projection, u, "C3", r"residual $\mathbf{r}$")]:
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="-|>", color=colour, lw=2))
    ax.plot([], [], color=colour, lw=2, label=label)
ax.set_aspect("equal")
ax.set_xlim(-0.3, 3.3)
ax.set_ylim(-0.3, 2.8)
ax.grid(alpha=0.3)
ax.legend(loc="upper right")
ax.set_title("Projecting u onto v: the residual is orthogonal to v")
plt.show()

# %% [markdown]
# ## 5. The matrix as a transformation
#
# A $2\times 2$ matrix $A$ maps the plane to itself. Because $A(a\mathbf e_1 + b\mathbf e_2) = a\,A\mathbf e_1 + b\,A\mathbf e_2$,
# it is entirely determined by where it sends the two basis vectors, and **those images are its columns**.
# Straight lines stay straight, the origin stays put, and the square grid becomes a grid of parallelograms whose
# area is scaled by $|\det A|$. When $\det A = 0$ the plane is flattened onto a line (or a point) and the map
# cannot be undone: $A$ is singular and has no inverse.

# %%
def draw_transformed(ax, matrix, title):
    """Draw the image of a square grid, the unit circle and the basis vectors under `matrix`."""
    ticks = np.linspace(-1.0, 1.0, 9)
    line = np.linspace(-1.0, 1.0, 50)
    for t in ticks:
        for points in (np.stack([line, np.full_like(line, t)]), np.stack([np.full_like(line, t), line])):
            image = matrix @ points  # (2, 2) @ (2, 50): every point at once
            ax.plot(image[0], image[1], color="lightgrey", lw=0.8)
    circle = matrix @ np.stack([np.cos(angles), np.sin(angles)])
    ax.plot(circle[0], circle[1], color="C1", lw=1.5)
    for column, colour in [(0, "C0"), (1, "C3")]:
        ax.annotate("", xy=matrix[:, column], xytext=(0, 0),
                    arrowprops=dict(arrowstyle="-|>", color=colour, lw=2))
    ax.set_aspect("equal")
    ax.set_xlim(-2.2, 2.2)
    ax.set_ylim(-2.2, 2.2)
    ax.set_title(f"{title}\ndet = {np.linalg.det(matrix):.2f}", fontsize=10)


examples = [(np.eye(2), "identity"),
            (np.array([[np.cos(0.5), -np.sin(0.5)], [np.sin(0.5), np.cos(0.5)]]), "rotation by 0.5 rad"),
            (np.array([[1.0, 1.0], [0.0, 1.0]]), "shear"),
            (np.array([[1.0, 2.0], [0.5, 1.0]]), "singular (columns parallel)")]
fig, axes = plt.subplots(1, 4, figsize=(13, 3.6))
for ax, (matrix, title) in zip(axes, examples):
    draw_transformed(ax, matrix, title)
fig.suptitle("Blue/red arrows: images of e1 and e2 (the columns); orange: image of the unit circle", y=1.02)
plt.show()

# %% [markdown]
# Now try it yourself. Edit the four entries of $A$ and watch the grid, the unit circle and the basis vectors move;
# the explorer also draws the **eigenvectors** (next section) when they are real.

# %%
from course.explorers import transform_explorer

transform_explorer()

# %% [markdown]
# ## 6. Eigenvectors and eigenvalues
#
# Most vectors change direction under $A$. An **eigenvector** is a nonzero vector that **stays on its own line**:
#
# $$A\mathbf q = \lambda\,\mathbf q ,$$
#
# it is only stretched by the **eigenvalue** $\lambda$ (flipped if $\lambda < 0$, flattened if $\lambda = 0$).
# A rotation by 90° keeps no line fixed, so its eigenvalues are complex ($\pm i$).
#
# **Symmetric matrices** ($A = A^\top$), which is what covariance matrices and Hessians are, are the friendly
# case: their eigenvalues are real and they have an orthonormal basis of eigenvectors, so
#
# $$A = Q\Lambda Q^\top, \qquad Q^\top Q = I, \qquad \Lambda = \operatorname{diag}(\lambda_1, \dots, \lambda_d):$$
#
# rotate into the eigenvector axes, stretch axis $i$ by $\lambda_i$, rotate back. Use `np.linalg.eigh` for
# symmetric matrices (real, sorted eigenvalues) and `np.linalg.eig` otherwise.
#
# **Link to curvature.** For the quadratic $f(\mathbf x) = \tfrac12\mathbf x^\top A\mathbf x$ with symmetric $A$,
# walking along a unit eigenvector gives $f(t\mathbf q_i) = \tfrac12\lambda_i t^2$: a parabola whose second
# derivative is $\lambda_i$. So the eigenvalues of $A$ (the **Hessian**, the matrix of second derivatives) are
# the curvatures along the eigenvector directions, the contours of $f$ are ellipses with axes along the
# eigenvectors (longer where the curvature is smaller, in proportion to $1/\sqrt{\lambda_i}$), and all
# $\lambda_i > 0$ means a bowl with a single minimum. The largest curvature $L = \lambda_{\max}$ will set the
# largest safe learning rate in §9; the ratio $\kappa = \lambda_{\max}/\lambda_{\min}$ (the **condition
# number**) says how elongated the bowl is.

# %%
A = np.array([[2.0, 1.0],
              [1.0, 2.0]])
eigenvalues, Q = np.linalg.eigh(A)  # columns of Q are the eigenvectors
print("eigenvalues:", eigenvalues)
print("eigenvectors (columns):\n", Q)
print("A Q == Q Λ:", np.allclose(A @ Q, Q * eigenvalues), "| Q^T Q == I:", np.allclose(Q.T @ Q, np.eye(2)))
print("eigenvalues of a 90° rotation:", np.linalg.eigvals(np.array([[0.0, -1.0], [1.0, 0.0]])))

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.6))
circle = np.stack([np.cos(angles), np.sin(angles)])
ellipse = A @ circle
left.plot(circle[0], circle[1], color="lightgrey", label="unit circle")
left.plot(ellipse[0], ellipse[1], color="C1", label="its image under A")
for i, colour in [(0, "C0"), (1, "C3")]:
    q = Q[:, i]
    left.annotate("", xy=A @ q, xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", color=colour, lw=2, alpha=0.5))
    left.annotate("", xy=q, xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", color=colour, lw=2))
    left.plot([], [], color=colour, lw=2, label=f"q{i + 1} and A q{i + 1} = {eigenvalues[i]:.0f} q{i + 1}")
other = np.array([1.0, 0.0])
left.annotate("", xy=A @ other, xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", color="C2", lw=2))
left.plot([], [], color="C2", lw=2, label="A e1 = (2, 1): e1 turns")
left.set_aspect("equal")
left.set_xlim(-3.2, 3.2)
left.set_ylim(-3.2, 3.2)
left.legend(fontsize=8, loc="lower right")
left.set_title("Eigenvectors stay on their line")

grid = np.linspace(-2.0, 2.0, 201)
g1, g2 = np.meshgrid(grid, grid)
points = np.stack([g1.ravel(), g2.ravel()])                        # (2, N)
values = 0.5 * np.sum(points * (A @ points), axis=0).reshape(g1.shape)  # ½ xᵀAx for every grid point
right.contour(g1, g2, values, levels=12, cmap="viridis")
for i, colour in [(0, "C0"), (1, "C3")]:
    right.plot(*(np.outer(Q[:, i], [-2, 2])), color=colour, lw=1.5,
               label=f"q{i + 1}: curvature λ = {eigenvalues[i]:.0f}")
right.set_aspect("equal")
right.legend(fontsize=8, loc="lower right")
right.set_title(r"Contours of $\frac{1}{2}x^\top A x$: axes along eigenvectors")
plt.show()

# %% [markdown]
# ## 7. Derivatives and numerical gradients
#
# The derivative of $f:\mathbb R\to\mathbb R$ at $x$ is the slope of the tangent,
#
# $$f'(x) = \lim_{h\to 0}\frac{f(x+h) - f(x)}{h}.$$
#
# For $f:\mathbb R^d \to \mathbb R$ the **gradient** collects the partial derivatives, $\nabla f(\mathbf x) =
# \big(\partial f/\partial x_1, \dots, \partial f/\partial x_d\big)$; it points in the direction of steepest
# ascent, and its length is the slope in that direction. Training a model means computing the gradient of a loss
# with respect to the parameters, so we need a way to **check** gradient formulas: a numerical estimate.
#
# **Forward vs central differences.** Taylor's theorem gives
# $f(x\pm h) = f(x) \pm h f'(x) + \tfrac{h^2}{2} f''(x) \pm \tfrac{h^3}{6} f'''(x) + \dots$, hence
#
# $$\underbrace{\frac{f(x+h) - f(x)}{h}}_{\text{forward}} = f'(x) + \tfrac{h}{2}f''(x) + O(h^2), \qquad
#   \underbrace{\frac{f(x+h) - f(x-h)}{2h}}_{\text{central}} = f'(x) + \tfrac{h^2}{6}f'''(x) + O(h^4).$$
#
# The even terms cancel in the central difference, so its **truncation error** is $O(h^2)$ instead of $O(h)$.
#
# **Round-off.** But $h$ cannot be tiny: $f$ is computed with a relative error of about machine epsilon
# $\varepsilon \approx 2.2\times10^{-16}$, and dividing the difference of two nearly equal numbers by $h$ turns
# that into an error of about $\varepsilon |f| / h$. The total error is roughly $h + \varepsilon/h$ for the forward
# difference (smallest near $h \approx \sqrt\varepsilon \approx 10^{-8}$) and $h^2 + \varepsilon/h$ for the
# central difference (smallest near $h \approx \varepsilon^{1/3} \approx 10^{-5}$, with an error of order
# $\varepsilon^{2/3} \approx 4\times10^{-11}$: between $h = 10^{-6}$ and $3\times10^{-5}$ the plot's errors range
# from below $10^{-12}$ to about $4\times10^{-11}$, as the round-off happens to fall; the best one printed below
# is such a lucky point). The plot shows both regimes for $f = \sin$ at $x = 1$: on the right, straight lines of
# slope 1 and 2 (truncation); on the left, noisy growth like $1/h$ (round-off).

# %%
h = np.logspace(-16, 0, 97)
x0 = 1.0
exact = np.cos(x0)
forward_error = np.abs((np.sin(x0 + h) - np.sin(x0)) / h - exact)
central_error = np.abs((np.sin(x0 + h) - np.sin(x0 - h)) / (2 * h) - exact)
tiny = 1e-17  # an error can be exactly 0 by luck: keep it visible on a log scale

fig, ax = plt.subplots(figsize=(7, 4.5))
ax.loglog(h, np.maximum(forward_error, tiny), "o-", ms=3, label="forward difference")
ax.loglog(h, np.maximum(central_error, tiny), "o-", ms=3, label="central difference")
ax.loglog(h, 0.5 * np.sin(x0) * h, "--", color="C0", alpha=0.5, label=r"truncation $\frac{h}{2}|f''|$")
ax.loglog(h, np.cos(x0) / 6 * h**2, "--", color="C1", alpha=0.5, label=r"truncation $\frac{h^2}{6}|f'''|$")
ax.loglog(h, 1.1e-16 / h, ":", color="grey", label=r"round-off $\approx\varepsilon/h$")
for best, colour in [(np.sqrt(2.2e-16), "C0"), (2.2e-16 ** (1 / 3), "C1")]:
    ax.axvline(best, color=colour, lw=0.8, alpha=0.6)
ax.set_ylim(1e-13, 10)
ax.set_xlabel("step h")
ax.set_ylabel("|estimate − cos(1)|")
ax.set_title("Error of finite differences for d/dx sin(x) at x = 1")
ax.legend(fontsize=8)
plt.show()
print(f"best forward error {forward_error.min():.1e} at h = {h[forward_error.argmin()]:.0e}; "
      f"best central error {central_error.min():.1e} at h = {h[central_error.argmin()]:.0e}")

# %% [markdown]
# ### Exercise 1 — `numerical_gradient`
#
# Estimate the gradient of a scalar function $f$ at $\mathbf x$ by central differences, one coordinate at a time:
#
# $$\big[\nabla f(\mathbf x)\big]_i \approx \frac{f(\mathbf x + h\mathbf e_i) - f(\mathbf x - h\mathbf e_i)}{2h},$$
#
# where $\mathbf e_i$ is the $i$-th basis vector. `x` may have **any shape** (a vector, a matrix of weights, …):
# the gradient has the same shape, one partial derivative per entry. `np.ndindex(x.shape)` walks every index of
# an array of any shape. Work on a float **copy** of `x` (perturb one entry, evaluate, put it back), so the
# caller's array is never modified.

# %% nbgrader={"grade": false, "grade_id": "numerical_gradient", "locked": false, "schema_version": 3, "solution": true, "task": false}
def numerical_gradient(f, x, h=1e-5):
    """Central-difference estimate of the gradient of a scalar function.

    f : callable taking an array of the same shape as x and returning a float.
    x : array of any shape (1-D, 2-D, ...): the point where the gradient is wanted. Do not modify it.
    h : step size.
    Returns a float array of x's shape whose entry i is (f(x + h e_i) - f(x - h e_i)) / (2h).
    """
    ### BEGIN SOLUTION
    point = np.array(x, dtype=float)  # a copy: the caller's x stays untouched
    gradient = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + h
        f_plus = f(point)
        point[index] = original - h
        f_minus = f(point)
        point[index] = original
        gradient[index] = (f_plus - f_minus) / (2 * h)
    return gradient
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "numerical_gradient_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# f(x) = x1² + 3 x1 x2 has gradient (2 x1 + 3 x2, 3 x1); at (1, 2) that is (8, 3).
expect_close(numerical_gradient(lambda x: x[0] ** 2 + 3 * x[0] * x[1], np.array([1.0, 2.0])), [8.0, 3.0],
             name="gradient of x1² + 3 x1 x2 at (1, 2)", rtol=1e-7, atol=1e-8)

# A 2-D input: f(W) = sum(sin(W)) has gradient cos(W), entry by entry; W itself must not change.
from course.checks import expect_unchanged  # decided by the grader from the values, like expect_close
W = np.array([[0.0, 0.5], [1.0, -2.0]])
expect_close(numerical_gradient(lambda M: np.sum(np.sin(M)), W),
             [[1.0, 0.8775825618903728], [0.5403023058681398, -0.4161468365471424]],
             name="gradient of sum(sin(W)) for a 2x2 W", rtol=1e-7, atol=1e-9)
expect_unchanged(W, [[0.0, 0.5], [1.0, -2.0]], "numerical_gradient", "x",
                 name="the 2x2 W is unchanged after numerical_gradient")

# An integer input still gives a float gradient: f(x) = 0.5 x² at 3 has derivative 3.
expect_close(numerical_gradient(lambda x: 0.5 * x[0] ** 2, np.array([3])), [3.0],
             name="gradient of 0.5 x² at the integer array [3]", rtol=1e-7, atol=1e-8)
print("✓ public checks passed: numerical_gradient (vector and matrix inputs, x unchanged, integer input)")

# %% nbgrader={"grade": true, "grade_id": "numerical_gradient_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random smooth functions (a quadratic plus a few sines) of
# inputs of shapes (1,), (3,), (5,), (2, 3) and (8,); your gradient is compared with the exact one and must
# have a relative error below 1e-7 (a forward difference is not accurate enough); x must not be modified.
# Try the same kind of checks on fresh random inputs: check("week01.numerical_gradient", numerical_gradient)
### BEGIN HIDDEN TESTS
grade("week01.numerical_gradient", numerical_gradient)
### END HIDDEN TESTS

# %%
check("week01.numerical_gradient", numerical_gradient);

# %% [markdown]
# **Gradient checking** is how `numerical_gradient` is used in practice: derive a gradient by hand (or trust a
# library), then compare it with the numerical estimate through the relative error
# $\lVert\mathbf g_{\text{analytic}} - \mathbf g_{\text{numerical}}\rVert / \max(\lVert\mathbf g_{\text{analytic}}\rVert, \lVert\mathbf g_{\text{numerical}}\rVert)$.
# Around $10^{-9}$ or less: the formula is right. Around $10^{-3}$ or more: there is a bug. We use it in the
# next section.

# %% [markdown]
# ## 8. Least squares and the normal equations
#
# A linear model predicts $\hat{\mathbf y} = X\mathbf w$ for a design matrix $X$ of shape $(n, d)$ (add a column
# of ones for an intercept). Least squares picks the weights that minimise the squared error
#
# $$J(\mathbf w) = \lVert X\mathbf w - \mathbf y\rVert_2^2 = \sum_{i=1}^n (\mathbf x_i\cdot\mathbf w - y_i)^2 .$$
#
# **Gradient.** Expanding, $J(\mathbf w) = \mathbf w^\top X^\top X\mathbf w - 2\,\mathbf y^\top X\mathbf w + \mathbf y^\top\mathbf y$,
# and using $\nabla_{\mathbf w}(\mathbf w^\top M\mathbf w) = 2M\mathbf w$ for symmetric $M$ and
# $\nabla_{\mathbf w}(\mathbf c^\top\mathbf w) = \mathbf c$:
#
# $$\nabla J(\mathbf w) = 2X^\top X\mathbf w - 2X^\top\mathbf y = 2X^\top(X\mathbf w - \mathbf y).$$
#
# Let's not trust that derivation blindly: check it numerically with your `numerical_gradient`.

# %%
data_rng = np.random.default_rng(8)
n = 60
x_data = data_rng.uniform(0.0, 10.0, size=n)
y_data = 1.5 + 0.8 * x_data + data_rng.normal(scale=1.0, size=n)  # a true line plus noise
X_design = np.column_stack([np.ones(n), x_data])                  # (n, 2): intercept column and x


def squared_error(weights):
    return float(np.sum((X_design @ weights - y_data) ** 2))


w_test = np.array([0.3, -0.2])
analytic = 2 * X_design.T @ (X_design @ w_test - y_data)
try:
    numerical = numerical_gradient(squared_error, w_test)
    relative = np.linalg.norm(analytic - numerical) / max(np.linalg.norm(analytic), np.linalg.norm(numerical))
    print("analytic :", analytic, "\nnumerical:", numerical, f"\nrelative error: {relative:.1e}")
except NotImplementedError:
    print("numerical_gradient is not implemented yet: finish Exercise 1, then run this cell again.")

# %% [markdown]
# **Normal equations.** $J$ is a convex bowl (its Hessian $2X^\top X$ has no negative eigenvalues), so its minimum
# is where the gradient vanishes: $2X^\top(X\mathbf w - \mathbf y) = 0$, i.e.
#
# $$X^\top X\,\mathbf w = X^\top\mathbf y .$$
#
# These are the **normal equations**: a $d\times d$ linear system, with a unique solution when the columns of $X$
# are linearly independent. They say $X^\top\mathbf r = 0$ for the residual $\mathbf r = \mathbf y - X\mathbf w$:
# the residual is **orthogonal to every column of $X$**, exactly as in §4. Least squares projects $\mathbf y$
# onto the space spanned by the columns, and $X\mathbf w$ is that projection.
#
# Solve a linear system with `np.linalg.solve(M, b)`; never form the inverse `np.linalg.inv(M) @ b`, which is
# slower and less accurate.

# %% [markdown]
# ### Exercise 2 — `least_squares`
#
# Return the least-squares weights by solving the normal equations with `np.linalg.solve`. (`np.linalg.lstsq` is
# the reference the hidden tests compare with: don't use it, `np.linalg.pinv` or scikit-learn here.)

# %% nbgrader={"grade": false, "grade_id": "least_squares", "locked": false, "schema_version": 3, "solution": true, "task": false}
def least_squares(X, y):
    """Least-squares weights from the normal equations.

    X : array of shape (n, d), full column rank (n >= d).
    y : array of shape (n,).
    Returns w of shape (d,) minimising ||X w - y||², computed by solving X^T X w = X^T y with np.linalg.solve.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    return np.linalg.solve(X.T @ X, X.T @ y)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "least_squares_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Points exactly on the line y = 1 + 2x: intercept 1, slope 2.
X_line = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
expect_close(least_squares(X_line, np.array([1.0, 3.0, 5.0, 7.0])), [1.0, 2.0],
             name="least_squares on points of the line y = 1 + 2x", rtol=1e-7, atol=1e-9)
# Points that are not on a line: the best fit is y = 0.9 + 0.9x.
expect_close(least_squares(X_line, np.array([1.0, 2.0, 2.0, 4.0])), [0.9, 0.9],
             name="least_squares on y = [1, 2, 2, 4]", rtol=1e-7, atol=1e-9)
# Three features, five examples.
X_three = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [2.0, 1.0, 1.0], [1.0, 1.0, 3.0]])
expect_close(least_squares(X_three, np.array([3.0, 1.0, 2.0, 5.0, 4.0])),
             [1.8695652173913049, 0.6086956521739124, 0.4782608695652171],
             name="least_squares with X of shape (5, 3)", rtol=1e-7, atol=1e-9)
print("✓ public checks passed: least_squares (exact line, noisy line, three features)")

# %% nbgrader={"grade": true, "grade_id": "least_squares_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random X of shapes (10, 1), (30, 3), (50, 5), (200, 8) and
# (6, 6), some with an intercept column, and noisy y; your weights are compared with np.linalg.lstsq.
# Try the same kind of checks on fresh random inputs: check("week01.least_squares", least_squares)
### BEGIN HIDDEN TESTS
grade("week01.least_squares", least_squares)
### END HIDDEN TESTS

# %%
check("week01.least_squares", least_squares);

# %% [markdown]
# ### Worked example: fitting a line, and comparing with `np.linalg.lstsq`
#
# `np.linalg.lstsq` solves the same problem without forming $X^\top X$ (it uses a singular value decomposition).
# On the data above both give the same line, and the residual is orthogonal to the columns of $X$.

# %%
w_lstsq, *_ = np.linalg.lstsq(X_design, y_data, rcond=None)
print("np.linalg.lstsq:", w_lstsq, "(the data were made with intercept 1.5 and slope 0.8)")
try:
    w_normal = least_squares(X_design, y_data)
    print("least_squares:  ", w_normal, "| max difference:", np.abs(w_normal - w_lstsq).max())
except NotImplementedError:
    w_normal = None
    print("least_squares is not implemented yet: the plot shows the lstsq line only.")
print("largest |X^T r| (residual against each column):", np.abs(X_design.T @ (y_data - X_design @ w_lstsq)).max())

fig, ax = plt.subplots(figsize=(6.5, 4))
ax.scatter(x_data, y_data, s=14, color="grey", label="data")
grid_x = np.linspace(0, 10, 2)
ax.plot(grid_x, w_lstsq[0] + w_lstsq[1] * grid_x, lw=4, alpha=0.4, label="np.linalg.lstsq")
if w_normal is not None:
    ax.plot(grid_x, w_normal[0] + w_normal[1] * grid_x, "--", color="C3", label="your least_squares")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.legend()
ax.set_title("Least-squares line")
plt.show()

# %% [markdown]
# **Why libraries prefer `lstsq`.** Forming $X^\top X$ **squares the condition number**:
# $\kappa(X^\top X) = \kappa(X)^2$, and a linear solve loses roughly $\log_{10}\kappa$ of the 16 significant
# digits of float64. For well-conditioned data (like ours, and like the randomized tests) the normal equations
# are fine; for nearly collinear features, such as high powers of $x$, they can lose every digit while `lstsq`
# still has about half of them.

# %%
t = np.linspace(0.0, 1.0, 50)
for degree in (3, 7, 11):
    V = np.vander(t, degree + 1, increasing=True)  # columns 1, t, t², ..., t^degree
    print(f"polynomial degree {degree:2d}: cond(X) = {np.linalg.cond(V):8.1e}, "
          f"cond(XᵀX) = {np.linalg.cond(V.T @ V):8.1e}")

# %% [markdown]
# ## 9. Gradient descent
#
# Most losses have no closed-form minimiser. **Gradient descent** starts somewhere and repeatedly steps against
# the gradient:
#
# $$\mathbf x_{k+1} = \mathbf x_k - \eta\,\nabla f(\mathbf x_k),$$
#
# with a **learning rate** (step size) $\eta > 0$. Why against the gradient? To first order,
# $f(\mathbf x - \eta\mathbf g) \approx f(\mathbf x) - \eta\,\lVert\mathbf g\rVert^2$ for $\mathbf g = \nabla f(\mathbf x)$:
# for a small enough step the loss goes down, and $-\mathbf g$ is the direction in which it goes down fastest.
# At a minimum the gradient is zero and the iteration stops moving.
#
# **Learning rate vs curvature.** "Small enough" is decided by the curvature. Take the quadratic
# $f(\mathbf x) = \tfrac12\mathbf x^\top A\mathbf x - \mathbf b^\top\mathbf x$ with symmetric positive definite
# $A$ (§6): $\nabla f = A\mathbf x - \mathbf b$, the minimiser solves $A\mathbf x^\star = \mathbf b$, and the
# error $\mathbf e_k = \mathbf x_k - \mathbf x^\star$ obeys
#
# $$\mathbf e_{k+1} = (I - \eta A)\,\mathbf e_k .$$
#
# Along eigenvector $\mathbf q_i$ the error is multiplied by $1 - \eta\lambda_i$ at every step. It shrinks for
# every $i$ exactly when $|1 - \eta\lambda_i| < 1$ for all $i$, i.e.
#
# $$0 < \eta < \frac{2}{L}, \qquad L = \lambda_{\max}(A) .$$
#
# * $\eta < 1/L$: every factor is in $(0, 1)$, a smooth monotone approach;
# * $1/L < \eta < 2/L$: the factor along the steepest direction is negative, so the iterates **oscillate** across
#   the valley while still converging;
# * $\eta > 2/L$: that factor exceeds 1 in size and the iterates **diverge**, however close to the minimum they
#   start.
#
# The slowest direction shrinks by $1 - \eta\lambda_{\min}$, so even the best $\eta$ needs a number of steps that
# grows with the condition number $\kappa = L/\lambda_{\min}$: elongated valleys are slow. The same picture holds
# near the minimum of any smooth loss, with $A$ replaced by the Hessian.

# %% [markdown]
# ### Worked example in one dimension
#
# $f(x) = 2x^2$ has $f'(x) = 4x$ and curvature $L = 4$, so $2/L = 0.5$, and each step multiplies $x$ by $1 - 4\eta$:
# the size $|1 - 4\eta|$ decides the speed, the sign decides whether the iterates oscillate.

# %%
def descend_1d(lr, x_start=1.0, steps=25):
    xs = [x_start]
    for _ in range(steps):
        xs.append(xs[-1] - lr * 4 * xs[-1])  # x - lr * f'(x) with f'(x) = 4x
    return np.array(xs)


fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
for lr in (0.05, 0.2, 0.4, 0.52):
    xs = descend_1d(lr)
    label = f"η = {lr}: factor 1 − 4η = {1 - 4 * lr:+.2f}"
    left.plot(xs, "o-", ms=3, label=label)
    right.semilogy(np.abs(xs), "o-", ms=3, label=label)
left.set_ylim(-3, 3)
left.set_xlabel("step k")
left.set_ylabel("$x_k$")
left.set_title("Iterates: monotone, oscillating, diverging")
right.set_xlabel("step k")
right.set_ylabel("$|x_k|$ (log scale)")
right.set_title("Distance to the minimum")
right.legend(fontsize=8)
plt.show()

# %% [markdown]
# ### Exercise 3 — `gradient_descent`
#
# Implement plain gradient descent that **records the whole path**: row 0 is the starting point and row $k$ is
# $\mathbf x_k$ after $k$ steps. Do not modify `x0` (start from a float copy; `x = x - ...` makes a new array,
# whereas `x -= ...` would write into the caller's array if `x` were `x0`).

# %% nbgrader={"grade": false, "grade_id": "gradient_descent", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gradient_descent(grad, x0, lr, n_steps):
    """Plain gradient descent x_{k+1} = x_k - lr * grad(x_k).

    grad    : callable taking an array of shape (d,) and returning the gradient, shape (d,).
    x0      : starting point, shape (d,). Do not modify it.
    lr      : learning rate (float > 0).
    n_steps : number of steps (int >= 0).
    Returns the path: a float array of shape (n_steps + 1, d) whose row 0 is x0 and row k is x_k.
    """
    ### BEGIN SOLUTION
    x = np.array(x0, dtype=float)  # a copy
    path = np.empty((n_steps + 1, x.size))
    path[0] = x
    for k in range(1, n_steps + 1):
        x = x - lr * np.asarray(grad(x), dtype=float)
        path[k] = x
    return path
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "gradient_descent_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# f(x) = ||x||² has gradient 2x; with lr = 0.25 every step halves x. The start point must not change.
from course.checks import expect_unchanged  # decided by the grader from the values, like expect_close
start_point = np.array([2.0, -1.0])
path = gradient_descent(lambda x: 2 * x, start_point, 0.25, 3)
expect_close(path, [[2.0, -1.0], [1.0, -0.5], [0.5, -0.25], [0.25, -0.125]],
             name="path for f(x) = ||x||² from (2, -1), lr 0.25, 3 steps", rtol=1e-12, atol=1e-12)
expect_unchanged(start_point, [2.0, -1.0], "gradient_descent", "x0", name="x0 is unchanged after gradient_descent")
# f(x) = 0.5 (x1² + 10 x2²) - x1 has gradient (x1 - 1, 10 x2); zero steps give back just the start.
expect_close(gradient_descent(lambda x: np.array([x[0] - 1.0, 10.0 * x[1]]), np.array([0.0, 1.0]), 0.1, 0),
             [[0.0, 1.0]], name="path with n_steps = 0", rtol=0, atol=0)
expect_close(gradient_descent(lambda x: np.array([x[0] - 1.0, 10.0 * x[1]]), np.array([0.0, 1.0]), 0.1, 2),
             [[0.0, 1.0], [0.1, 0.0], [0.19, 0.0]],
             name="path for 0.5 (x1² + 10 x2²) - x1 from (0, 1), lr 0.1, 2 steps", rtol=1e-12, atol=1e-12)
print("✓ public checks passed: gradient_descent (path shape and values, x0 unchanged, zero steps)")

# %% nbgrader={"grade": true, "grade_id": "gradient_descent_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random quadratics 0.5 xᵀAx - bᵀx in 2 to 5 dimensions with a
# random symmetric positive definite A (curvatures between 1 and 10) and learning rates up to 1.8 / L. The path
# must have shape (n_steps + 1, d), start at x0, take the step -lr * grad(x0) first, and end at the minimiser
# np.linalg.solve(A, b); x0 must not be modified.
# Try the same kind of checks on fresh random inputs: check("week01.gradient_descent", gradient_descent)
### BEGIN HIDDEN TESTS
grade("week01.gradient_descent", gradient_descent)
### END HIDDEN TESTS

# %%
check("week01.gradient_descent", gradient_descent);

# %% [markdown]
# ### Explorer: gradient descent on a 2-D loss surface
#
# Pick a loss surface, a starting point and a learning rate, and watch the path. Find a learning rate that
# converges smoothly, one that zig-zags, and one that diverges, and compare them with $1/L$ and $2/L$ (the
# elongated bowl is $\tfrac12(x_1^2 + 10x_2^2)$: $L = 10$, so $1/L = 0.1$ and $2/L = 0.2$). The explorer runs
# **your** `gradient_descent` once it passes its checks, and falls back to the course's reference (saying so)
# until then.

# %%
from course.explorers import gradient_descent_explorer

gradient_descent_explorer(gradient_descent)

# %% [markdown]
# ### Worked example: gradient descent for linear regression
#
# The seed project of this phase: fit the line of §8 by gradient descent instead of the normal equations. The
# mean squared error $\frac1n\lVert X\mathbf w - \mathbf y\rVert^2$ has gradient $\frac2n X^\top(X\mathbf w - \mathbf y)$
# and Hessian $\frac2n X^\top X$, so $L = \lambda_{\max}\!\big(\tfrac2n X^\top X\big)$ and $\eta = 1/L$ is safe.
# Its condition number explains why this takes hundreds of steps.

# %%
def mse_gradient(weights):
    return 2 / n * X_design.T @ (X_design @ weights - y_data)


hessian_eigenvalues = np.linalg.eigvalsh(2 / n * X_design.T @ X_design)
L = hessian_eigenvalues.max()
print(f"L = {L:.1f}, condition number = {L / hessian_eigenvalues.min():.0f}, learning rate 1/L = {1 / L:.4f}")
try:
    descent_path = gradient_descent(mse_gradient, np.zeros(2), 1 / L, 1500)
except NotImplementedError:
    descent_path = None
    print("gradient_descent is not implemented yet: finish Exercise 3, then run this cell again.")

if descent_path is not None:
    print("after 1500 steps:", descent_path[-1], "| np.linalg.lstsq:", w_lstsq)
    excess = np.mean((descent_path @ X_design.T - y_data) ** 2, axis=1) - np.mean((X_design @ w_lstsq - y_data) ** 2)
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.semilogy(np.maximum(excess, 1e-16))
    ax.set_xlabel("step")
    ax.set_ylabel("MSE − minimal MSE")
    ax.set_title("Gradient descent on linear regression (η = 1/L)")
    plt.show()

# %% [markdown]
# ## 10. Numerically stable softmax and log-sum-exp
#
# A classifier turns a vector of scores (**logits**) $\mathbf z \in \mathbb R^K$ into probabilities with the
# **softmax**, and its loss needs the **log-sum-exp**:
#
# $$\operatorname{softmax}(\mathbf z)_i = \frac{e^{z_i}}{\sum_{j=1}^K e^{z_j}}, \qquad
#   \operatorname{logsumexp}(\mathbf z) = \log\sum_{j=1}^K e^{z_j}, \qquad
#   \log\operatorname{softmax}(\mathbf z)_i = z_i - \operatorname{logsumexp}(\mathbf z).$$
#
# Written literally, both break in floating point. The largest float64 is about $1.8\times10^{308} \approx e^{709.8}$,
# so $e^{1000}$ **overflows** to `inf`, and $\infty/\infty$ is `nan`; at the other end $e^{-1000}$ **underflows**
# to 0, and $\log 0 = -\infty$. Logits of that size are not exotic: a confident network easily produces them.

# %%
z = np.array([1000.0, 1001.0, 1002.0])
with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
    print("np.exp(z)              =", np.exp(z))
    print("naive softmax(z)       =", np.exp(z) / np.exp(z).sum())
    print("naive logsumexp(-z)    =", np.log(np.exp(-z).sum()))
print("largest float64        =", np.finfo(float).max, "= e **", np.log(np.finfo(float).max).round(2))

# %% [markdown]
# **The max-shift trick.** For any constant $c$,
#
# $$\frac{e^{z_i - c}}{\sum_j e^{z_j - c}} = \frac{e^{-c}\,e^{z_i}}{e^{-c}\sum_j e^{z_j}} = \operatorname{softmax}(\mathbf z)_i,
#   \qquad \log\sum_j e^{z_j} = c + \log\sum_j e^{z_j - c}.$$
#
# Both identities are **exact**: shifting changes nothing mathematically. Choose $c = m = \max_j z_j$. Then every
# exponent $z_j - m \le 0$, so nothing overflows; and the largest term is $e^0 = 1$, so the sum is at least 1:
# no division by zero and no $\log 0$. Terms that underflow to 0 are those smaller than $10^{-300}$ times the
# largest, which could not have changed the sum anyway. For a batch of logits (shape `(n, K)`), shift each row
# by its own maximum: `z.max(axis=-1, keepdims=True)`.
#
# Since only differences between logits matter, `[1000, 1001, 1002]` has the same softmax as `[0, 1, 2]`:

# %%
shift = z.max()
print("softmax([1000, 1001, 1002]) with the shift:", np.exp(z - shift) / np.exp(z - shift).sum())
print("softmax([0, 1, 2]) computed naively:       ", np.exp([0.0, 1.0, 2.0]) / np.exp([0.0, 1.0, 2.0]).sum())
print("logsumexp(-z) with the shift (max of -z is -1000):", -1000 + np.log(np.exp(-z + 1000).sum()))

# %% [markdown]
# ### Exercise 4 — `softmax`
#
# Implement a stable softmax along the **last axis**: for a 1-D `z` of shape `(K,)` return shape `(K,)`; for a
# 2-D `z` of shape `(n, K)` apply it to every row and return shape `(n, K)`. Every output row sums to 1.

# %% nbgrader={"grade": false, "grade_id": "softmax", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax(z):
    """Numerically stable softmax along the last axis.

    z : array of shape (K,) or (n, K), possibly with entries like ±1000. Do not modify it.
    Returns an array of the same shape: exp(z) / sum(exp(z)) along the last axis, computed with the
    max-shift trick so that it never overflows; each row sums to 1.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    exponentials = np.exp(z - z.max(axis=-1, keepdims=True))
    return exponentials / exponentials.sum(axis=-1, keepdims=True)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "softmax_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
expect_close(softmax(np.array([1.0, 2.0, 3.0])), [0.09003057317038046, 0.24472847105479764, 0.6652409557748219],
             name="softmax([1, 2, 3])")
expect_close(softmax(np.zeros(4)), [0.25, 0.25, 0.25, 0.25], name="softmax of four equal logits")
# Rows are independent, and ±1000 must not overflow; z itself must not change.
from course.checks import expect_unchanged  # decided by the grader from the values, like expect_close
logits = np.array([[1000.0, 1001.0], [-1000.0, -1000.0]])
expect_close(softmax(logits), [[0.2689414213699951, 0.7310585786300049], [0.5, 0.5]],
             name="softmax([[1000, 1001], [-1000, -1000]]) row by row")
expect_unchanged(logits, [[1000.0, 1001.0], [-1000.0, -1000.0]], "softmax", "z", name="z is unchanged after softmax")
print("✓ public checks passed: softmax (1-D, equal logits, 2-D rows with ±1000, z unchanged)")

# %% nbgrader={"grade": true, "grade_id": "softmax_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random logits of shapes (1,), (5,), (6,), (7,), (3, 5) and
# (4, 6), some shifted by +1000 or -1000 (whole vectors, or row by row in 2-D), compared with
# scipy.special.softmax(z, axis=-1); z must not be modified.
# Try the same kind of checks on fresh random inputs: check("week01.softmax", softmax)
### BEGIN HIDDEN TESTS
grade("week01.softmax", softmax)
### END HIDDEN TESTS

# %%
check("week01.softmax", softmax);

# %% [markdown]
# ### Exercise 5 — `logsumexp`
#
# Implement a stable log-sum-exp along the **last axis**: $m + \log\sum_j e^{z_j - m}$ with $m$ the row maximum.
# For a 1-D `z` return a single float; for `z` of shape `(n, K)` return shape `(n,)` (the last axis is summed
# away, no `keepdims` in the result).

# %% nbgrader={"grade": false, "grade_id": "logsumexp", "locked": false, "schema_version": 3, "solution": true, "task": false}
def logsumexp(z):
    """Numerically stable log(sum(exp(z))) along the last axis.

    z : array of shape (K,) or (n, K), possibly with entries like ±1000. Do not modify it.
    Returns a float for 1-D z, and an array of shape z.shape[:-1] (e.g. (n,)) otherwise.
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    largest = z.max(axis=-1, keepdims=True)
    result = np.log(np.exp(z - largest).sum(axis=-1)) + largest[..., 0]
    return float(result) if result.ndim == 0 else result
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "logsumexp_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
expect_close(logsumexp(np.array([1.0, 2.0, 3.0])), 3.40760596444438, name="logsumexp([1, 2, 3])")
expect_equal(np.ndim(logsumexp(np.array([1.0, 2.0, 3.0]))), 0, name="the number of axes of logsumexp of a 1-D z")
expect_close(logsumexp(np.array([1000.0, 1000.0])), 1000.6931471805599, name="logsumexp([1000, 1000]) = 1000 + log 2")
# One value per row; -1000 must not underflow to -inf.
expect_close(logsumexp(np.array([[0.0, 0.0], [-1000.0, -1000.0]])), [0.6931471805599453, -999.3068528194401],
             name="logsumexp([[0, 0], [-1000, -1000]]) row by row")
print("✓ public checks passed: logsumexp (1-D gives a scalar, +1000, 2-D rows with -1000)")

# %% nbgrader={"grade": true, "grade_id": "logsumexp_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random logits of shapes (1,), (5,), (6,), (7,), (3, 5) and
# (4, 6), some shifted by +1000 or -1000 (whole vectors, or row by row in 2-D), compared with
# scipy.special.logsumexp(z, axis=-1); z must not be modified.
# Try the same kind of checks on fresh random inputs: check("week01.logsumexp", logsumexp)
### BEGIN HIDDEN TESTS
grade("week01.logsumexp", logsumexp)
### END HIDDEN TESTS

# %%
check("week01.logsumexp", logsumexp);

# %% [markdown]
# ## 11. Real, messy data with pandas
#
# Real data do not arrive as a clean float array `X`. They arrive as a **table** exported from some system, with
# columns of different types (numbers, categories, text), **missing values**, inconsistent spellings, numbers
# stored as text, "unknown" coded as a magic number and the occasional typo that is off by a factor of 100.
# **pandas** is the library for such tables: a `DataFrame` is a dict of named columns (`Series`) that share one
# row index, each column with its own `dtype`. This section loads a messy table, explores it, repairs what can be
# repaired, and turns it into the numeric matrix a model needs, in the way scikit-learn's preprocessing does it.
#
# The table is generated by the course (offline, reproducible): flats to rent in four cities, with defects
# planted the way they appear in real exports.

# %%
import pandas as pd


def make_messy_flats(n=400, seed=0):
    """Flats to rent in four cities, with the defects of a real export: holes, typos, text where numbers belong."""
    rng = np.random.default_rng(seed)
    city = rng.choice(["Paris", "Lyon", "Nantes", "Lille"], size=n, p=[0.4, 0.25, 0.2, 0.15])
    surface = np.round(rng.lognormal(np.log(50), 0.45, size=n), 1)                      # m²
    rooms = np.clip(np.round(surface / 22 + rng.normal(0, 0.6, size=n)), 1, 8).astype(int)
    age = np.round(rng.gamma(2.0, 25.0, size=n))                                        # years since built
    energy = np.array(list("ABCDEFG"))[np.clip((age / 20 + rng.normal(1, 1, size=n)).astype(int), 0, 6)]
    per_m2 = pd.Series(city).map({"Paris": 32.0, "Lyon": 17.0, "Nantes": 14.0, "Lille": 15.0}).to_numpy()
    rent = np.round(surface * per_m2 * rng.lognormal(0, 0.12, size=n), -1)
    flats = pd.DataFrame({"city": city, "surface": surface, "rooms": rooms, "age": age, "energy": energy,
                          "rent": [f"{value:,.0f} €".replace(",", " ") for value in rent]})
    # The defects, each on a few random rows.
    rows = lambda share: rng.random(n) < share
    flats.loc[rows(0.06), "city"] = flats["city"].str.upper() + " "          # "PARIS ": typed by hand
    flats.loc[rows(0.08), "surface"] = np.nan                                  # left blank
    flats.loc[rows(0.35) & (flats["age"] > 60), "age"] = -999                  # "unknown", for old buildings
    flats.loc[rows(0.05), "age"] = np.nan
    typo = rng.choice(np.flatnonzero(flats["surface"].notna()), size=4, replace=False)
    flats.loc[typo, "surface"] = flats.loc[typo, "surface"] * 100              # typed in dm², not m²
    return flats


flats = make_messy_flats()
flats.head()

# %% [markdown]
# ### Explore before you model: `dtypes`, `describe`, `value_counts`
#
# Three questions first: what type is each column, what do the numbers look like, and what values do the
# categories take? Each one already shows a defect here.

# %%
print(flats.dtypes, "\n")
print(flats.describe().round(1), "\n")
print(flats["city"].value_counts())

# %% [markdown]
# * `rent` has dtype `str`: it holds text like `"1 480 €"`, so it is not even in `describe`.
# * `age` has a minimum of **−999**: a code for "unknown", not an age. Its mean is meaningless until it is replaced
#   by a proper missing value, `NaN`.
# * `surface` has a maximum in the **thousands** of m² while its median is about 50: a few values were typed in
#   the wrong unit. Its mean is far above its median; the median does not care about a few extreme values.
# * `city` has spellings like `"PARIS "`: to a computer that is a fifth city.
#
# Repairing is a few lines of pandas; each one is a *vectorised* operation on a whole column (`.str` gives the
# string methods, `pd.to_numeric` parses text, `.replace` swaps a code for `NaN`). Work on a copy, so that the
# raw table stays as it came.

# %%
clean = flats.copy()
clean["city"] = clean["city"].str.strip().str.title()                              # "PARIS " -> "Paris"
clean["rent"] = pd.to_numeric(clean["rent"].str.replace(r"[^0-9]", "", regex=True))  # "1 480 €" -> 1480
clean["age"] = clean["age"].replace(-999, np.nan)                                  # the code -> missing
print(clean.dtypes.astype(str).to_dict())
print("share of missing values per column:", clean.isna().mean().round(3).to_dict())
print(clean["city"].value_counts().to_dict())

# %% [markdown]
# `groupby` splits the rows by a column, applies a summary to each group and combines the results. The median
# rent per city, with the number of flats in each:

# %%
clean.groupby("city")["rent"].agg(["count", "median"]).sort_values("median")

# %% [markdown]
# ### Plots with Matplotlib, briefly
#
# Every figure in this course is made the same way: `fig, axes = plt.subplots(rows, cols)` gives a **figure** (the
# whole image) and an array of **axes** (one panel each); you draw on an axes with its methods (`hist`, `scatter`,
# `plot`, `imshow`, `contour`), label it (`set_xlabel`, `set_title`, `legend`), and finish with
# `fig.tight_layout()` and `plt.show()`. The `plt.hist(...)` shortcuts draw on "the current axes", which is fine in
# a one-panel figure and confusing in a grid. Matplotlib cannot plot `NaN`s, so drop them first (`.dropna()`).

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6))
axes[0].hist(clean["surface"].dropna(), bins=40)
axes[0].set(xlabel="surface (m²)", ylabel="flats", title="surface: four typos dwarf the rest")
axes[1].hist(clean["surface"].dropna(), bins=np.geomspace(5, 20000, 40))
axes[1].set(xscale="log", xlabel="surface (m², log scale)", title="on a log scale the typos stand apart")
for city, group in clean[clean["surface"] < 500].groupby("city"):
    axes[2].scatter(group["surface"], group["rent"], s=8, label=city)
axes[2].set(xlabel="surface (m²)", ylabel="rent (€ / month)", title="rent against surface, by city")
axes[2].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ### Missing values: impute with training statistics, and say where you did
#
# A model needs a number in every cell. The simplest repair is to **impute**: replace each `NaN` of a numeric
# column with a typical value of that column, the **median** (robust to the typos) or the mean. Two rules matter.
#
# 1. **Fit on the training rows only.** The median is a parameter learned from data, exactly like a weight.
#    Computing it on train + test lets the test rows influence the model, a (small) **leak**: the test score then
#    no longer measures performance on unseen data. Learn the medians on the training rows and *apply* them to
#    both.
# 2. **Keep a missing-indicator.** A value is often missing *for a reason*: here `age` is unknown mostly for old
#    buildings, so flats whose age is missing more often have a poor energy grade (E–G). After imputation that
#    information is gone, unless you add a 0/1 column "age was missing", which a model can use.
#
# **Categories** need numbers too. **One-hot encoding** gives one 0/1 column per category seen in training
# (`city_Lille`, `city_Lyon`, ...): no order is implied, which is right for cities. A category that appears only in
# the test rows (a new city) has no column; the usual choice is a row of zeros. For an *ordered* category such as
# the energy grade A < B < … < G, an **ordinal** encoding 0, 1, …, 6 keeps the order in one column.
#
# scikit-learn does all of this with a `ColumnTransformer`, which applies one transformer per group of columns
# and puts the results side by side. You will implement the same transformation yourself.

# %%
train = clean.sample(frac=0.75, random_state=0)
test = clean.drop(train.index)
print(f"{len(train)} training rows, {len(test)} test rows")
print("median age, training rows only:", train["age"].median(), "| all rows:", clean["age"].median())
poor_grade = train["energy"].isin(["E", "F", "G"])
print("share of energy grades E-G where age is known / missing:",
      poor_grade.groupby(train["age"].isna()).mean().round(2).to_dict())

# %% [markdown]
# ### Exercise 6 — `impute_and_encode`
#
# Given a training and a test `DataFrame` and the names of the numeric and categorical columns, return the two
# numeric matrices, with every statistic learned from the **training rows only**. The columns of each matrix, in
# this order:
#
# 1. the numeric columns, in the order of `numeric`, each `NaN` replaced by that column's **training median**
#    (the median of its non-missing training values; an even count averages the two middle values);
# 2. one 0/1 **missing-indicator** per numeric column that has at least one `NaN` *in the training rows*, in the
#    order of `numeric` (a column whose NaNs are only in the test rows gets none: the model never saw one);
# 3. for each categorical column in the order of `categorical`, one 0/1 column per category **seen in training**,
#    categories **sorted**; a test category never seen in training gives a row of zeros.
#
# Columns named in neither list are dropped. Categorical columns have no missing values. Do not modify the
# DataFrames. Useful: `frame[name].to_numpy(dtype=float)`, `np.nanmedian`, `np.isnan`, `np.unique`.

# %% nbgrader={"grade": false, "grade_id": "impute_and_encode", "locked": false, "schema_version": 3, "solution": true, "task": false}
def impute_and_encode(train, test, numeric, categorical):
    """Median imputation + missing indicators + one-hot encoding, learned on the training rows.

    train, test : pandas DataFrames with (at least) the columns named in numeric and categorical.
    numeric : list of column names holding numbers, possibly NaN.
    categorical : list of column names holding strings (no missing values).
    Returns (train_matrix, test_matrix): float arrays with len(train) and len(test) rows and the columns
    [imputed numeric..., indicators for numeric columns with a NaN in train..., one-hot per sorted training
    category of each categorical column...]. Unseen test categories give all zeros.
    """
    ### BEGIN SOLUTION
    parts = {"train": ([], [], []), "test": ([], [], [])}   # imputed, indicators, one-hot blocks
    for name in numeric:
        training_values = train[name].to_numpy(dtype=float)
        median = np.nanmedian(training_values)
        indicated = np.isnan(training_values).any()
        for label, frame in (("train", train), ("test", test)):
            values = frame[name].to_numpy(dtype=float)
            missing = np.isnan(values)
            parts[label][0].append(np.where(missing, median, values))
            if indicated:
                parts[label][1].append(missing.astype(float))
    for name in categorical:
        categories = np.unique(train[name].to_numpy(dtype=str))
        for label, frame in (("train", train), ("test", test)):
            values = frame[name].to_numpy(dtype=str)
            parts[label][2].extend((values == category).astype(float) for category in categories)

    def matrix(label, n_rows):
        columns = [column for block in parts[label] for column in block]
        return np.column_stack(columns) if columns else np.zeros((n_rows, 0))
    return matrix("train", len(train)), matrix("test", len(test))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "impute_and_encode_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
from course.checks import expect_unchanged  # decided by the grader from the values
small_train = pd.DataFrame({"size": [10.0, np.nan, 30.0, 20.0], "rooms": [1.0, 2.0, 3.0, 4.0],
                            "city": ["Lyon", "Paris", "Lyon", "Brest"]})
small_test = pd.DataFrame({"size": [np.nan, 5.0], "rooms": [np.nan, 1.0], "city": ["Paris", "Nice"]})
small_train_matrix, small_test_matrix = impute_and_encode(small_train, small_test, ["size", "rooms"], ["city"])
# size: training median 20 (of 10, 30, 20), with an indicator; rooms: median 2.5, no NaN in training, so no
# indicator; then city_Brest, city_Lyon, city_Paris (sorted); "Nice" was never seen: all zeros.
expect_close(small_train_matrix, [[10.0, 1.0, 0.0, 0.0, 1.0, 0.0], [20.0, 2.0, 1.0, 0.0, 0.0, 1.0],
                                  [30.0, 3.0, 0.0, 0.0, 1.0, 0.0], [20.0, 4.0, 0.0, 1.0, 0.0, 0.0]],
             name="the training matrix of the small example")
expect_close(small_test_matrix, [[20.0, 2.5, 1.0, 0.0, 0.0, 1.0], [5.0, 1.0, 0.0, 0.0, 0.0, 0.0]],
             name="the test matrix of the small example (training medians, unseen 'Nice' all zeros)")
expect_unchanged(small_train["size"].to_numpy(), [10.0, np.nan, 30.0, 20.0], "impute_and_encode", "train",
                 name="the training DataFrame is unchanged")
print("✓ public checks passed: impute_and_encode (training medians, indicators, sorted one-hot, unseen city)")

# %% nbgrader={"grade": true, "grade_id": "impute_and_encode_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random tables of 2 to 200 training rows with skewed numeric
# columns (some NaN, in training or only in the test rows), one or two categorical columns (some test categories
# unseen, a single category seen), columns in a random order plus an "id" column to drop, compared with
# ColumnTransformer([SimpleImputer(strategy="median", add_indicator=True),
# OneHotEncoder(handle_unknown="ignore", sparse_output=False)]); the DataFrames must not be modified.
# Try the same kind of checks on fresh random inputs: check("week01.impute_and_encode", impute_and_encode)
### BEGIN HIDDEN TESTS
grade("week01.impute_and_encode", impute_and_encode)
### END HIDDEN TESTS

# %%
check("week01.impute_and_encode", impute_and_encode);

# %% [markdown]
# The same transformation with scikit-learn, on the flats, plus an ordinal encoding of the energy grade. A
# `ColumnTransformer` is fitted on the training rows (`fit_transform(train)`) and only *applied* to the test rows
# (`transform(test)`); `get_feature_names_out()` names the columns it made.

# %%
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

preprocess = ColumnTransformer([
    ("numeric", SimpleImputer(strategy="median", add_indicator=True), ["surface", "rooms", "age"]),
    ("city", OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["city"]),
    ("energy", OrdinalEncoder(categories=[list("ABCDEFG")]), ["energy"]),
])
train_matrix = preprocess.fit_transform(train)
test_matrix = preprocess.transform(test)
print("train", train_matrix.shape, "test", test_matrix.shape)
print(list(preprocess.get_feature_names_out()))

# %% [markdown]
# ### Outliers: robust statistics, robust scaling, clipping
#
# The four surfaces typed in dm² are **outliers**: values far from the rest, here errors. Statistics built on
# sums, the mean and the standard deviation, follow them; order statistics, the **median** and the quartiles, do
# not. The **interquartile range** IQR $= q_{75} - q_{25}$ is the width of the middle half of the data.
#
# That matters for scaling. Standardising, $(x - \text{mean}) / \text{std}$, with a standard deviation inflated by
# the typos squeezes every ordinary flat into a sliver near 0. **Robust scaling**,
# $(x - \text{median}) / \text{IQR}$, keeps ordinary flats spread out, and the outliers simply end up far away.
# Another repair is **clipping** (winsorising): cap each column at fences set by the training quartiles, say
# $q_{25} - 3\,\text{IQR}$ and $q_{75} + 3\,\text{IQR}$ (percentiles such as the 1st and 99th fail here: 4 typos
# in 300 rows are more than 1 %). Both use training statistics only, for the same reason as imputation.

# %%
surface_train = train["surface"].dropna().to_numpy()
q25, median, q75 = np.percentile(surface_train, [25, 50, 75])
print(f"mean {surface_train.mean():.1f} m², std {surface_train.std():.1f} m² | "
      f"median {median:.1f} m², IQR {q75 - q25:.1f} m²")
ordinary = surface_train[surface_train < 500]
standardised = (ordinary - surface_train.mean()) / surface_train.std()
robust = (ordinary - median) / (q75 - q25)
print(f"ordinary flats after standardising span {np.ptp(standardised):.2f}; after robust scaling {np.ptp(robust):.2f}")
low, high = max(q25 - 3 * (q75 - q25), 0.0), q75 + 3 * (q75 - q25)
print(f"clipped to [{low:.1f}, {high:.1f}] m²: largest {np.clip(surface_train, low, high).max():.1f} m², "
      f"{np.sum(surface_train > high)} values capped")

# %% [markdown]
# ### Exercise 7 — `robust_scale`
#
# Scale every column of `X_train` and `X_test` by `(x - median) / IQR`, with the median and the IQR of that
# column **in the training rows**. The quartiles are NumPy's default percentiles (linear interpolation between
# samples: `np.percentile(..., 25)` and `75`). A column whose IQR is 0 (a constant column, say) is divided by 1
# instead. Return `(X_train_scaled, X_test_scaled)`; there are no NaNs; do not modify the inputs.

# %% nbgrader={"grade": false, "grade_id": "robust_scale", "locked": false, "schema_version": 3, "solution": true, "task": false}
def robust_scale(X_train, X_test):
    """(x - median) / IQR per column, with the training rows' median and interquartile range.

    X_train : array of shape (n, d); X_test : array of shape (m, d). Do not modify them.
    Returns (X_train_scaled, X_test_scaled) of shapes (n, d) and (m, d). IQR = 75th - 25th percentile
    (np.percentile's default linear interpolation); a column with IQR 0 is divided by 1.
    """
    ### BEGIN SOLUTION
    X_train = np.asarray(X_train, dtype=float)
    q25, median, q75 = np.percentile(X_train, [25, 50, 75], axis=0)
    iqr = q75 - q25
    scale = np.where(iqr == 0, 1.0, iqr)
    return (X_train - median) / scale, (np.asarray(X_test, dtype=float) - median) / scale
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "robust_scale_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
X_small = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [4.0, 5.0], [1000.0, 5.0]])
X_small_test = np.array([[3.0, 7.0]])
scaled_train, scaled_test = robust_scale(X_small, X_small_test)
# Column 0: median 3, quartiles 2 and 4, so IQR 2 (the 1000 does not move them); column 1 is constant: IQR 0 -> 1.
expect_close(scaled_train, [[-1.0, 0.0], [-0.5, 0.0], [0.0, 0.0], [0.5, 0.0], [498.5, 0.0]],
             name="robust_scale of the training rows")
expect_close(scaled_test, [[0.0, 2.0]], name="robust_scale of the test row (training median and IQR)")
expect_unchanged(X_small, [[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [4.0, 5.0], [1000.0, 5.0]], "robust_scale",
                 "X_train", name="X_train is unchanged")
print("✓ public checks passed: robust_scale (an outlier, a constant column, a test row)")

# %% nbgrader={"grade": true, "grade_id": "robust_scale_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random skewed arrays with 1 to 200 training rows (6 and 7 rows,
# where the quartiles fall between samples), outliers 1000 times too large, constant columns, compared with
# sklearn.preprocessing.RobustScaler fitted on X_train; X_train and X_test must not be modified.
# Try the same kind of checks on fresh random inputs: check("week01.robust_scale", robust_scale)
### BEGIN HIDDEN TESTS
grade("week01.robust_scale", robust_scale)
### END HIDDEN TESTS

# %%
check("week01.robust_scale", robust_scale);

# %% [markdown]
# scikit-learn's `RobustScaler` and `StandardScaler` on the training surfaces, side by side on the same bins: the
# same numbers as above, drawn. With standard scaling the ordinary flats fall into one or two bars; with robust
# scaling they keep their spread.

# %%
from sklearn.preprocessing import RobustScaler, StandardScaler

fig, axes = plt.subplots(1, 2, figsize=(10, 3.2), sharey=True)
for axes_, scaler in zip(axes, (StandardScaler(), RobustScaler())):
    scaled = scaler.fit_transform(surface_train[:, None])[:, 0]
    axes_.hist(scaled[surface_train < 500], bins=np.linspace(-2, 6, 41))
    axes_.set(title=f"{type(scaler).__name__}: ordinary flats", xlabel="scaled surface")
axes[0].set_ylabel("flats")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 12. Checkpoint: can you manipulate arrays with NumPy and explain gradient descent?
#
# Four short questions, checked when the notebook is graded (the cell under each answer only checks its
# format), and one answer in your own words.

# %% [markdown]
# Some questions give each student numbers of their own, drawn from your student id, so that a neighbour's answer
# is not yours. On JupyterHub the id is your user name, filled in for you; on your own machine type the id your
# instructor uses for you between the quotes below (studying alone? leave it empty: you get the self-study numbers).

# %%
my_id = set_student_id("")
print(f"Your checkpoint numbers are drawn for the id {my_id!r}.")

# %% [markdown]
# **Q1.** Gradient descent runs on $f(\mathbf x) = \tfrac12\mathbf x^\top A\mathbf x$, where $A$ is symmetric
# positive definite with largest eigenvalue $L$, with a fixed learning rate $\eta$ slightly **larger than
# $2/L$**, from a generic starting point. What happens?
#
# - (a) It converges, only more slowly than with $\eta = 1/L$.
# - (b) It converges, oscillating around the minimum.
# - (c) It diverges: the component of the error along the top eigenvector is multiplied by $1 - \eta L < -1$ at every step.
# - (d) It stops at the first step because the gradient becomes zero.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q1_answer = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, str) and q1_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q1_answer should be one of the letters "a", "b", "c", "d"; got {q1_answer!r}.',
            name="q1_answer is one of the letters a, b, c, d")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q1_answer, "c", name="the answer to question 1 (q1_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** Take one gradient-descent step on $f(x) = x^2$ from the starting point $x_0$ and with the learning rate
# $\eta$ that the cell below prints: your own numbers. What is $x_1$? (A number.)

# %%
show_question("week01.checkpoint_q2")

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to a number.
### BEGIN SOLUTION
q2 = parameters("week01.checkpoint_q2")      # your numbers, as a dict: {"x0": ..., "lr": ...}
q2_answer = q2["x0"] - q2["lr"] * 2 * q2["x0"]  # x1 = x0 - η f'(x0), with f'(x) = 2x
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, (int, float, np.integer, np.floating)) and not isinstance(q2_answer, bool),
            f"q2_answer should be a number such as 1.5; got {q2_answer!r}.", name="q2_answer is a number")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q2_answer, variant_answer("week01.checkpoint_q2"), name="the answer to question 2 (q2_answer)",
             rtol=1e-6)
### END HIDDEN TESTS

# %% [markdown]
# **Q3.** `X` holds 100 examples with 5 features, shape `(100, 5)`. What is the shape of
# `np.linalg.norm(X, axis=1)`? Answer with a tuple, such as `(7, 2)` or `(7,)`.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to a tuple of ints.
### BEGIN SOLUTION
q3_answer = (100,)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a tuple of ints; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, tuple) and all(isinstance(size, int) for size in q3_answer),
            f"q3_answer should be a tuple of ints such as (7, 2) or (7,); got {q3_answer!r}.",
            name="q3_answer is a tuple of ints")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_equal(q3_answer, (100,), name="the answer to question 3 (q3_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q4.** `a = np.ones((3, 1))` and `b = np.arange(4.0)` (shape `(4,)`). What does `a + b` give?
#
# - (a) A `ValueError`: the shapes do not match.
# - (b) An array of shape `(3, 4)`.
# - (c) An array of shape `(4, 3)`.
# - (d) An array of shape `(3, 1)`: `b` is summed first.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q4", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q4_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q4_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q4_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q4_answer, str) and q4_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q4_answer should be one of the letters "a", "b", "c", "d"; got {q4_answer!r}.',
            name="q4_answer is one of the letters a, b, c, d")
print("q4_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q4_answer, "b", name="the answer to question 4 (q4_answer)")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "explain_gradient_descent_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q5 (written, 3 points, graded by a person).** Explain gradient descent in your own words, in a short
# paragraph: what the gradient of a loss is, why we step *against* it, and what the learning rate does
# (including what goes wrong when it is too small or too large). Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "explain_gradient_descent", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# The gradient of a loss at the current parameters is the vector of its partial derivatives: it points in the
# direction in which the loss increases fastest, and its length says how steep the loss is there. Gradient
# descent improves the parameters by repeatedly taking a small step in the opposite direction,
# x ← x − η ∇f(x), because for a small enough step the loss then decreases (by about η‖∇f‖²); at a minimum the
# gradient is zero and the steps stop. The learning rate η sets the step length. Too small and progress is
# needlessly slow; too large compared with the curvature and the steps overshoot the valley, oscillate and, beyond
# 2/L for a quadratic whose largest curvature is L, diverge. A good η is of the order of 1/L.

# %% [markdown]
# ## Summary
#
# * **Arrays.** Data are `(n, d)` arrays. Broadcasting aligns shapes from the right (sizes equal or 1); a
#   reduction with `axis=k` removes axis `k`, and `keepdims=True` keeps it for broadcasting back. Vectorised
#   expressions are orders of magnitude faster than Python loops.
# * **Linear algebra.** $\mathbf u\cdot\mathbf v = \lVert\mathbf u\rVert\lVert\mathbf v\rVert\cos\theta$;
#   $A\mathbf w$ is a weighted sum of the columns of $A$; the columns are the images of the basis vectors, and
#   $|\det A|$ scales areas. L1, L2 and L∞ norms measure size differently (diamond, circle, square).
#   Projection onto $\mathbf v$ leaves a residual orthogonal to $\mathbf v$.
# * **Eigenvectors** stay on their line: $A\mathbf q = \lambda\mathbf q$. Symmetric matrices have real
#   eigenvalues and orthogonal eigenvectors; for a quadratic loss they are the curvatures and the axes of its
#   elliptical contours.
# * **Numerical gradients.** Central differences have error $O(h^2)$ plus round-off $O(\varepsilon/h)$; with
#   $h\approx10^{-5}$ they check analytic gradients to about $10^{-10}$.
# * **Least squares.** $\nabla\lVert X\mathbf w - \mathbf y\rVert^2 = 2X^\top(X\mathbf w - \mathbf y) = 0$ gives
#   the normal equations $X^\top X\mathbf w = X^\top\mathbf y$: the residual is orthogonal to the columns of $X$.
#   `lstsq` avoids squaring the condition number.
# * **Gradient descent.** $\mathbf x \leftarrow \mathbf x - \eta\nabla f(\mathbf x)$ converges on a quadratic iff
#   $0 < \eta < 2/L$; above $1/L$ it oscillates, and its speed is limited by the condition number.
# * **Stable softmax / log-sum-exp.** Subtract the row maximum first: exact mathematically, and immune to overflow
#   and $\log 0$.
# * **Messy tables.** Look first (`dtypes`, `describe`, `value_counts`, `groupby`, a histogram), repair codes and
#   text, then learn every preprocessing statistic on the training rows only: median imputation with missing
#   indicators, one-hot (or ordinal) encoding with unseen categories as zeros, and robust scaling by median and
#   IQR, which outliers barely move.
#
# Next week (Foundations II) builds on these: the chain rule and Jacobians (with a numerical Jacobian built on
# today's `numerical_gradient`), probability, and linear regression trained by mini-batch SGD.
