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
# # Week 02 — Foundations II: the chain rule, statistics, Bayes, and training by stochastic gradient descent
#
# Week 01 gave us arrays, linear algebra, numerical gradients and gradient descent on a quadratic. This week
# adds the rest of the toolkit every later week leans on: the **chain rule** in many dimensions (the engine of
# backpropagation), the **statistics** that tell us how much to trust a number computed from data, the
# **probability** that lets a model update its beliefs, and the workhorse of deep learning, **mini-batch
# stochastic gradient descent**, which we use to train linear regression from scratch.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | the chain rule, from derivatives to Jacobians | `numerical_jacobian` |
# | 2 | the gradient of the mean squared error, by the chain rule | |
# | 3 | statistics: mean, variance and common distributions | |
# | 4 | the central limit theorem (explorer) | |
# | 5 | confidence intervals: Student's t and the bootstrap | `t_confidence_interval` |
# | 6 | probability: conditional probability and Bayes' theorem (explorer) | `bayes_posterior` |
# | 7 | linear regression by batch gradient descent | `linear_regression_gd` |
# | 8 | mini-batch and stochastic gradient descent (explorer) | `minibatch_sgd` |
# | 9 | checkpoint | four questions + one written answer |

# %% [markdown]
# ## How to work this week
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation with NumPy. The point is to build each function yourself, so don't call the library that the
#    checks compare with.
# 3. **Run the public test cell** under each exercise. It checks small inputs whose expected values you can read,
#    and tells you what is wrong (a shape, a factor, a sign, a NaN, a missing shuffle, …).
# 4. Then try **fresh random inputs** as often as you like: `check("week02.bayes_posterior", bayes_posterior)` (the
#    same for the other functions). It prints ✓ or what went wrong.
# 5. **Hidden tests** run when the notebook is graded: randomized inputs compared with NumPy/SciPy references. If
#    `check(...)` passes reliably, they will pass too.
# 6. The checkpoint at the end has four short autograded questions and one answer in your own words.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import scipy.stats
from sklearn.datasets import load_diabetes

from course.checks import expect_close, expect_equal, expect_choice, expect_true
from course.exercises import check, grade
from course.variants import parameters, set_student_id, show_question, variant_answer

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. The chain rule, from derivatives to Jacobians
#
# ### One variable
#
# A model is a composition of simple functions, and training needs the derivative of the composition. For
# $h(x) = f(g(x))$ the **chain rule** says
#
# $$h'(x) = f'\big(g(x)\big)\, g'(x):$$
#
# a small change $\Delta x$ changes $g$ by about $g'(x)\,\Delta x$, and that change of $g$ changes $f$ by $f'(g(x))$
# times as much. Example: $h(x) = \sin(x^2)$ has $g(x) = x^2$, $f = \sin$, so $h'(x) = \cos(x^2)\cdot 2x$.

# %%
x0 = 1.3
analytic = np.cos(x0 ** 2) * 2 * x0
central = (np.sin((x0 + 1e-5) ** 2) - np.sin((x0 - 1e-5) ** 2)) / 2e-5   # week 01's central difference
print(f"chain rule: {analytic:.10f}   central difference: {central:.10f}")

# %% [markdown]
# ### Many variables: the Jacobian
#
# For a function $\mathbf f:\mathbb R^n\to\mathbb R^m$ (a layer of a network maps $n$ inputs to $m$ outputs), the
# derivative is the **Jacobian matrix**, one row per output and one column per input:
#
# $$J_{\mathbf f}(\mathbf x) = \begin{pmatrix}
#   \frac{\partial f_1}{\partial x_1} & \cdots & \frac{\partial f_1}{\partial x_n}\\
#   \vdots & & \vdots\\
#   \frac{\partial f_m}{\partial x_1} & \cdots & \frac{\partial f_m}{\partial x_n}\end{pmatrix}\in\mathbb R^{m\times n},
# \qquad \mathbf f(\mathbf x + \boldsymbol\delta) \approx \mathbf f(\mathbf x) + J_{\mathbf f}(\mathbf x)\,\boldsymbol\delta .$$
#
# It is the best linear approximation of $\mathbf f$ near $\mathbf x$. Three cases you will meet constantly:
#
# | function | Jacobian |
# |---|---|
# | linear map $\mathbf f(\mathbf x) = A\mathbf x$ | $A$ itself |
# | elementwise $\mathbf f(\mathbf x) = \big(\sigma(x_1), \dots, \sigma(x_n)\big)$ (an activation) | diagonal, $\operatorname{diag}\big(\sigma'(x_1), \dots, \sigma'(x_n)\big)$ |
# | scalar $f:\mathbb R^n\to\mathbb R$ (a loss) | one row, $\nabla f(\mathbf x)^\top$ |
#
# **The chain rule in many dimensions.** For $\mathbf f:\mathbb R^n\to\mathbb R^m$ and $\mathbf g:\mathbb R^m\to\mathbb R^k$,
#
# $$J_{\mathbf g\circ\mathbf f}(\mathbf x) = J_{\mathbf g}\big(\mathbf f(\mathbf x)\big)\; J_{\mathbf f}(\mathbf x)
#   \qquad (k\times m)\,(m\times n) = (k\times n):$$
#
# the Jacobian of a composition is the **product of the Jacobians**, each evaluated where the data are when they
# pass through it. When the last function is a scalar loss $\ell$, its Jacobian is the row $\nabla\ell^\top$, and
# transposing gives the gradient
#
# $$\nabla_{\mathbf x}\,\ell\big(\mathbf f(\mathbf x)\big) = J_{\mathbf f}(\mathbf x)^\top\,\nabla\ell\big(\mathbf f(\mathbf x)\big).$$
#
# For a deep composition $\ell(\mathbf f_L(\cdots\mathbf f_1(\mathbf x)))$ the gradient is
# $J_1^\top J_2^\top\cdots J_L^\top\nabla\ell$. Evaluated **from the loss backwards**, every step multiplies a
# *vector* by a transposed Jacobian (a "vector–Jacobian product") and no big matrix is ever formed: that is
# **backpropagation**, which you will build in week 07.

# %% [markdown]
# ### Exercise 1 — `numerical_jacobian`
#
# Week 01's `numerical_gradient` estimated the gradient of a *scalar* function by central differences. The
# Jacobian of a vector function is the same idea, one **column** at a time: nudging input $j$ moves every output,
#
# $$J_{:,j} \approx \frac{\mathbf f(\mathbf x + h\mathbf e_j) - \mathbf f(\mathbf x - h\mathbf e_j)}{2h}.$$
#
# `x` is a 1-D array of shape `(n,)`, `f(x)` returns a 1-D array of shape `(m,)`; return the `(m, n)` Jacobian.
# Work on a float copy of `x` so that the caller's array never changes.

# %% nbgrader={"grade": false, "grade_id": "numerical_jacobian", "locked": false, "schema_version": 3, "solution": true, "task": false}
def numerical_jacobian(f, x, h=1e-5):
    """Central-difference estimate of the Jacobian of a vector function.

    f : callable taking an array of shape (n,) and returning an array of shape (m,).
    x : array of shape (n,), the point where the Jacobian is wanted. Do not modify it.
    h : step size.
    Returns a float array of shape (m, n) whose column j is (f(x + h e_j) - f(x - h e_j)) / (2h).
    """
    ### BEGIN SOLUTION
    point = np.array(x, dtype=float)   # a copy: the caller's x stays untouched
    columns = []
    for j in range(point.size):
        original = point[j]
        point[j] = original + h
        f_plus = np.asarray(f(point), dtype=float)
        point[j] = original - h
        f_minus = np.asarray(f(point), dtype=float)
        point[j] = original
        columns.append((f_plus - f_minus) / (2 * h))
    return np.stack(columns, axis=1)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "numerical_jacobian_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# f(x) = (x1 x2, sin x1 + x2²) has Jacobian [[x2, x1], [cos x1, 2 x2]]; at (1, 2): [[2, 1], [cos 1, 4]].
from course.checks import expect_unchanged  # decided by the grader from the values, like expect_close
point = np.array([1.0, 2.0])
expect_close(numerical_jacobian(lambda x: np.array([x[0] * x[1], np.sin(x[0]) + x[1] ** 2]), point),
             [[2.0, 1.0], [0.5403023058681398, 4.0]], name="Jacobian of (x1 x2, sin x1 + x2²) at (1, 2)",
             rtol=1e-7, atol=1e-8)
expect_unchanged(point, [1.0, 2.0], "numerical_jacobian", "x", name="the point x is unchanged after numerical_jacobian")
# A linear map x -> A x from R^3 to R^2 has Jacobian A: shape (2, 3), one row per output.
A_map = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
expect_close(numerical_jacobian(lambda x: A_map @ x, np.array([0.5, -1.0, 2.0])), A_map,
             name="Jacobian of x -> A x with A of shape (2, 3)", rtol=1e-7, atol=1e-8)
# One output: the Jacobian is the gradient as a row, shape (1, n).
expect_close(numerical_jacobian(lambda x: np.array([x @ x]), np.array([1.0, -2.0, 0.5])), [[2.0, -4.0, 1.0]],
             name="Jacobian of x -> [x·x] at (1, -2, 0.5)", rtol=1e-7, atol=1e-8)
print("✓ public checks passed: numerical_jacobian (nonlinear, linear map, one output, x unchanged)")

# %% nbgrader={"grade": true, "grade_id": "numerical_jacobian_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random smooth functions f(x) = P tanh(Q x + c) + R sin(x) from
# R^n to R^m for (n, m) in (3, 2), (1, 4), (4, 1), (5, 5), (2, 6), (8, 3); your Jacobian is compared with the exact
# one and must have a relative error below 1e-7 (a one-sided difference is not accurate enough); x must not change.
# Try the same kind of checks on fresh random inputs: check("week02.numerical_jacobian", numerical_jacobian)
### BEGIN HIDDEN TESTS
grade("week02.numerical_jacobian", numerical_jacobian)
### END HIDDEN TESTS

# %%
check("week02.numerical_jacobian", numerical_jacobian);

# %% [markdown]
# ### Worked example: the chain rule, checked numerically
#
# Take a small "layer" $\mathbf f(\mathbf x) = \tanh(W\mathbf x + \mathbf b)$ from $\mathbb R^3$ to $\mathbb R^2$,
# followed by $\mathbf g(\mathbf u) = (u_1u_2,\ \sin u_1,\ u_2^2)$ from $\mathbb R^2$ to $\mathbb R^3$. By the table
# above (a linear map, then an elementwise function) and by differentiating $\mathbf g$ by hand,
#
# $$J_{\mathbf f}(\mathbf x) = \operatorname{diag}\big(1 - \tanh^2(W\mathbf x + \mathbf b)\big)\,W, \qquad
#   J_{\mathbf g}(\mathbf u) = \begin{pmatrix} u_2 & u_1\\ \cos u_1 & 0\\ 0 & 2u_2\end{pmatrix}.$$
#
# Their product should be the Jacobian of $\mathbf g\circ\mathbf f$, a $3\times3$ matrix, which your
# `numerical_jacobian` can estimate without knowing any of this.

# %%
W_layer = np.array([[0.5, -1.0, 0.3], [1.2, 0.4, -0.7]])
b_layer = np.array([0.1, -0.2])
x_point = np.array([0.3, -0.5, 0.8])


def layer(x):
    return np.tanh(W_layer @ x + b_layer)


def g_outer(u):
    return np.array([u[0] * u[1], np.sin(u[0]), u[1] ** 2])


u = layer(x_point)
J_layer = (1 - np.tanh(W_layer @ x_point + b_layer) ** 2)[:, None] * W_layer   # diag(·) W without forming diag
J_outer = np.array([[u[1], u[0]], [np.cos(u[0]), 0.0], [0.0, 2 * u[1]]])
chain = J_outer @ J_layer
print("chain rule, J_g(f(x)) J_f(x):\n", chain)
try:
    numerical = numerical_jacobian(lambda x: g_outer(layer(x)), x_point)
    print("numerical Jacobian of g∘f:\n", numerical)
    print(f"relative error: {np.linalg.norm(numerical - chain) / np.linalg.norm(chain):.1e}")
except NotImplementedError:
    print("numerical_jacobian is not implemented yet: finish Exercise 1, then run this cell again.")

# %% [markdown]
# ## 2. The gradient of the mean squared error, by the chain rule
#
# Linear regression predicts $\hat{\mathbf y} = X\mathbf w$ for a design matrix $X$ of shape $(n, d)$ (its first
# column all ones for an intercept) and measures the fit by the **mean squared error**
#
# $$L(\mathbf w) = \frac1n\sum_{i=1}^n(\mathbf x_i\cdot\mathbf w - y_i)^2 = \frac1n\lVert X\mathbf w - \mathbf y\rVert^2 .$$
#
# Write it as a composition: the residuals $\mathbf r(\mathbf w) = X\mathbf w - \mathbf y$ (a linear map plus a
# constant, Jacobian $X$), then the loss $\ell(\mathbf r) = \frac1n\mathbf r\cdot\mathbf r$ (gradient
# $\frac2n\mathbf r$). The chain rule gives
#
# $$\nabla L(\mathbf w) = J_{\mathbf r}^\top\,\nabla\ell = \frac2n X^\top(X\mathbf w - \mathbf y),$$
#
# the formula week 01 derived by expanding the square, now in one line. One more derivative gives the
# **Hessian** $\frac2n X^\top X$: constant, because $L$ is a quadratic bowl, and its largest eigenvalue $L_{\max}$
# is the curvature that bounds the learning rate, $\eta < 2/L_{\max}$ (week 01, §9). A scalar function's Jacobian
# is its gradient as a row, so `numerical_jacobian` checks the formula too:

# %%
rng = np.random.default_rng(2)
X_small = np.column_stack([np.ones(30), rng.normal(size=(30, 2))])
y_small = X_small @ np.array([1.0, -2.0, 0.5]) + rng.normal(scale=0.3, size=30)
w_try = np.array([0.2, 0.1, -0.4])
formula = 2 / len(y_small) * X_small.T @ (X_small @ w_try - y_small)
print("(2/n) Xᵀ(Xw - y):", formula)
try:
    row = numerical_jacobian(lambda w: np.array([np.mean((X_small @ w - y_small) ** 2)]), w_try)
    print("numerical (1, d) Jacobian:", row[0], "| shape", row.shape)
except NotImplementedError:
    print("numerical_jacobian is not implemented yet: finish Exercise 1, then run this cell again.")

# %% [markdown]
# ## 3. Statistics: mean, variance and common distributions
#
# ### Random variables, expectation and variance
#
# A random variable $X$ has an **expectation** (mean) $\mu = \mathbb E[X]$ and a **variance**
# $\sigma^2 = \operatorname{Var}(X) = \mathbb E[(X-\mu)^2] = \mathbb E[X^2] - \mu^2$; the **standard deviation**
# $\sigma$ is in the units of $X$. Two rules carry most of the weight:
#
# * **linearity**: $\mathbb E[aX + bY + c] = a\,\mathbb E[X] + b\,\mathbb E[Y] + c$, always;
# * for **independent** $X, Y$: $\operatorname{Var}(aX + bY) = a^2\operatorname{Var}(X) + b^2\operatorname{Var}(Y)$.
#
# Together they give the most important formula of this section. The mean of $n$ independent draws with mean
# $\mu$ and variance $\sigma^2$, $\bar X = \frac1n\sum_i X_i$, has
#
# $$\mathbb E[\bar X] = \mu, \qquad \operatorname{Var}(\bar X) = \frac{1}{n^2}\cdot n\sigma^2 = \frac{\sigma^2}{n},
#   \qquad \operatorname{sd}(\bar X) = \frac{\sigma}{\sqrt n}.$$
#
# $\sigma/\sqrt n$ is the **standard error** of the mean: averaging $n$ draws shrinks the noise by $\sqrt n$, so
# halving the error costs four times the data. (The same $1/\sqrt B$ will describe mini-batch gradients in §8.)
#
# ### Estimating them from a sample
#
# From data $x_1, \dots, x_n$ we estimate $\mu$ by the **sample mean** $\bar x$ and $\sigma^2$ by the **sample
# variance**
#
# $$s^2 = \frac{1}{n-1}\sum_{i=1}^n (x_i - \bar x)^2 .$$
#
# Why $n - 1$ (**Bessel's correction**)? The deviations are measured from $\bar x$, which was fitted to the same
# data and sits closer to them than the true $\mu$ does; on average $\sum_i (x_i-\bar x)^2 = (n-1)\sigma^2$, so
# dividing by $n$ underestimates $\sigma^2$ by the factor $(n-1)/n$. NumPy's `np.var` and `np.std` divide by $n$
# unless you pass `ddof=1`; pandas (`Series.var`, `.std`) defaults to $n - 1$, and `scipy.stats` depends on the
# function: `describe`, `sem`, `tvar` and `tstd` use $n - 1$, while `zscore` and `variation` use $n$ (`ddof=0`).
# A simulation with $n = 5$:

# %%
rng = np.random.default_rng(3)
samples = rng.normal(loc=0.0, scale=1.0, size=(100_000, 5))   # 100 000 samples of size 5, true variance 1
print(f"average of np.var(ddof=0): {np.var(samples, axis=1).mean():.4f}   ((n-1)/n = {4 / 5})")
print(f"average of np.var(ddof=1): {np.var(samples, axis=1, ddof=1).mean():.4f}   (unbiased: 1)")

# %% [markdown]
# ### Common distributions
#
# | distribution | values | pmf / pdf | mean | variance | where it shows up in ML |
# |---|---|---|---|---|---|
# | Bernoulli$(p)$ | $\{0, 1\}$ | $p^x(1-p)^{1-x}$ | $p$ | $p(1-p)$ | a binary label; logistic regression's output |
# | binomial$(n, p)$ | $0..n$ | $\binom nx p^x(1-p)^{n-x}$ | $np$ | $np(1-p)$ | number of correct predictions on a test set |
# | Poisson$(\lambda)$ | $0, 1, 2, \dots$ | $e^{-\lambda}\lambda^x/x!$ | $\lambda$ | $\lambda$ | counts: clicks, arrivals, words |
# | uniform$(a, b)$ | $[a, b]$ | $1/(b-a)$ | $(a+b)/2$ | $(b-a)^2/12$ | random initialisation, random search |
# | normal$(\mu, \sigma^2)$ | $\mathbb R$ | $\frac{1}{\sigma\sqrt{2\pi}}e^{-(x-\mu)^2/2\sigma^2}$ | $\mu$ | $\sigma^2$ | noise, initial weights, the CLT's limit |
# | exponential$(\lambda)$ | $[0, \infty)$ | $\lambda e^{-\lambda x}$ | $1/\lambda$ | $1/\lambda^2$ | waiting times; a skewed test case |
#
# Discrete distributions have a probability mass function (pmf), $P(X = x)$; continuous ones a density (pdf),
# whose **area** over an interval is the probability. NumPy's generator draws from all of them, and
# `scipy.stats` knows their pmf/pdf, cdf and quantiles. Below, histograms of 20 000 draws against the formulas:

# %%
rng = np.random.default_rng(4)
draws = 20_000
fig, axes = plt.subplots(2, 3, figsize=(12, 6))
discrete = [("Bernoulli(0.3)", rng.binomial(1, 0.3, draws), scipy.stats.bernoulli(0.3)),
            ("binomial(20, 0.3)", rng.binomial(20, 0.3, draws), scipy.stats.binom(20, 0.3)),
            ("Poisson(4)", rng.poisson(4.0, draws), scipy.stats.poisson(4.0))]
continuous = [("uniform(0, 1)", rng.uniform(0, 1, draws), scipy.stats.uniform(0, 1)),
              ("normal(0, 1)", rng.normal(0, 1, draws), scipy.stats.norm(0, 1)),
              ("exponential(1)", rng.exponential(1.0, draws), scipy.stats.expon())]
for ax, (name, values, law) in zip(axes[0], discrete):
    support = np.arange(values.max() + 1)
    ax.bar(support, np.bincount(values) / draws, color="C0", alpha=0.6, label="sample frequencies")
    ax.plot(support, law.pmf(support), "o", color="C3", label="pmf")
    ax.set_title(f"{name}: mean {values.mean():.2f} (theory {law.mean():.2f}), var {values.var():.2f} "
                 f"({law.var():.2f})", fontsize=9)
for ax, (name, values, law) in zip(axes[1], continuous):
    grid = np.linspace(values.min(), values.max(), 300)
    ax.hist(values, bins=50, density=True, color="C0", alpha=0.6, label="sample histogram")
    ax.plot(grid, law.pdf(grid), color="C3", label="pdf")
    ax.set_title(f"{name}: mean {values.mean():.2f} (theory {law.mean():.2f}), var {values.var():.2f} "
                 f"({law.var():.2f})", fontsize=9)
axes[0, 0].legend(fontsize=8)
axes[1, 0].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 4. The central limit theorem
#
# The **law of large numbers** says the sample mean $\bar X_n$ converges to $\mu$. The **central limit theorem**
# (CLT) says how it fluctuates on the way: if the $X_i$ are independent with mean $\mu$ and *finite* variance
# $\sigma^2$, then whatever their distribution,
#
# $$\frac{\bar X_n - \mu}{\sigma/\sqrt n} \;\longrightarrow\; \mathcal N(0, 1) \quad (n\to\infty),
#   \qquad\text{i.e.}\qquad \bar X_n \approx \mathcal N\!\left(\mu, \frac{\sigma^2}{n}\right)\text{ for large } n.$$
#
# This is why normal distributions are everywhere: anything that is an average (or sum) of many small independent
# effects is nearly normal, including a mini-batch gradient and a model's accuracy on a test set. How large "large"
# is depends on the population: symmetric ones are close to normal after a handful of draws; skewed ones need more
# (the skewness of $\bar X_n$ is the population's divided by $\sqrt n$). Exponential draws, standardised:

# %%
rng = np.random.default_rng(5)
grid = np.linspace(-4, 4, 200)
fig, axes = plt.subplots(1, 4, figsize=(14, 3.2), sharey=True)
for ax, n in zip(axes, (1, 2, 5, 30)):
    means = rng.exponential(1.0, size=(20_000, n)).mean(axis=1)   # μ = σ = 1
    standardised = (means - 1.0) / (1.0 / np.sqrt(n))
    ax.hist(standardised, bins=np.linspace(-4, 4, 41), density=True, color="C0", alpha=0.6)
    ax.plot(grid, scipy.stats.norm.pdf(grid), color="C3", lw=2)
    ax.set_title(f"n = {n}: skewness {scipy.stats.skew(means):.2f} (theory {2 / np.sqrt(n):.2f})", fontsize=10)
axes[0].set_ylabel("density")
fig.suptitle("Means of n exponential(1) draws, standardised by σ/√n, against N(0, 1)", y=1.03)
plt.show()

# %% [markdown]
# **The variance must be finite.** A Cauchy distribution (the ratio of two independent standard normals) has such
# heavy tails that it has no mean or variance, and the mean of $n$ Cauchy draws has *exactly the same*
# distribution as a single draw: averaging does not help at all. Its spread, measured by the interquartile range:

# %%
rng = np.random.default_rng(6)
for n in (1, 100, 10_000):
    cauchy_means = rng.standard_cauchy(size=(500, n)).mean(axis=1)
    normal_means = rng.standard_normal(size=(500, n)).mean(axis=1)
    print(f"n = {n:6d}: IQR of the means, Cauchy {scipy.stats.iqr(cauchy_means):6.3f} | "
          f"normal {scipy.stats.iqr(normal_means):6.4f} (1.349/√n = {1.349 / np.sqrt(n):.4f})")

# %% [markdown]
# ### Explorer: the CLT sampler
#
# Pick a population and a sample size $n$; the explorer draws thousands of samples of size $n$, takes the mean of
# each, and overlays the CLT's prediction $\mathcal N(\mu, \sigma^2/n)$. Things to try: the uniform looks normal
# already at $n = 3$; the exponential needs about 30; the Bernoulli(0.1) mean is a comb of $n + 1$ values whose
# outline turns normal; the lognormal is still skewed at $n = 100$. In every case the spread follows
# $\sigma/\sqrt n$ closely, even where the shape is not yet normal.

# %%
from course.explorers.clt import clt_explorer

clt_explorer()

# %% [markdown]
# ## 5. Confidence intervals
#
# A sample mean $\bar x$ is one number; how far from $\mu$ might it be? By the CLT, $\bar X$ is within
# $1.96\,\sigma/\sqrt n$ of $\mu$ with probability 95%, so the interval $\bar x \pm 1.96\,\sigma/\sqrt n$ covers
# $\mu$ for 95% of samples. In general, with $z_q$ the normal quantile, a **confidence level** $c$ (say 0.95) uses
# $z_{(1+c)/2}$: two-sided, with $(1-c)/2$ left out in each tail.
#
# **Unknown $\sigma$: Student's t.** In practice $\sigma$ is unknown and we plug in $s$, the sample standard
# deviation. That adds uncertainty: for normal data the statistic $(\bar X - \mu)/(s/\sqrt n)$ follows a
# **Student t distribution with $n - 1$ degrees of freedom**, which has heavier tails than $\mathcal N(0, 1)$ for
# small $n$ and approaches it as $n$ grows. The **t confidence interval** is
#
# $$\bar x \;\pm\; t_{n-1,\,(1+c)/2}\;\frac{s}{\sqrt n}, \qquad s = \sqrt{\tfrac{1}{n-1}\textstyle\sum_i(x_i-\bar x)^2}.$$
#
# | $n$ | 2 | 5 | 10 | 30 | 100 | $\infty$ |
# |---|---|---|---|---|---|---|
# | $t_{n-1,\,0.975}$ | 12.71 | 2.78 | 2.26 | 2.05 | 1.98 | 1.96 |
#
# **What "95%" means.** $\mu$ is fixed; the interval is random. 95% is a property of the *procedure*: over
# many samples, 95% of the intervals it produces contain $\mu$. It is not a 95% probability that $\mu$ lies in
# the one interval you computed (that question needs a prior: §6).

# %% [markdown]
# ### Exercise 2 — `t_confidence_interval`
#
# Return `(low, high)`, the two-sided t interval for the mean at the given confidence. Compute the mean, the
# sample standard deviation (with $n - 1$) and the standard error yourself, from the deviations $x_i - \bar x$
# (not as $\overline{x^2} - \bar x^2$, which loses every digit when the values are large and close together).
# The one thing you may look up is the quantile: `t_distribution.ppf(q, df)` is the value below which a t
# distribution with `df` degrees of freedom has probability `q` (the "t table"). Don't use
# `scipy.stats.t.interval` or `scipy.stats.sem`: the hidden tests compare with them.

# %% nbgrader={"grade": false, "grade_id": "t_confidence_interval", "locked": false, "schema_version": 3, "solution": true, "task": false}
from scipy.stats import t as t_distribution   # only for its quantile function, t_distribution.ppf(q, df)


def t_confidence_interval(sample, confidence=0.95):
    """Two-sided Student-t confidence interval for the mean of a sample.

    sample     : 1-D array of n >= 2 numbers. Do not modify it.
    confidence : the confidence level c, e.g. 0.95.
    Returns (low, high) = mean ∓ t_{n-1, (1+c)/2} * s / sqrt(n), with s the sample standard deviation (n - 1).
    """
    ### BEGIN SOLUTION
    values = np.asarray(sample, dtype=float)
    n = values.size
    mean = values.sum() / n
    s = np.sqrt(np.sum((values - mean) ** 2) / (n - 1))
    half_width = t_distribution.ppf((1 + confidence) / 2, n - 1) * s / np.sqrt(n)
    return mean - half_width, mean + half_width
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "t_confidence_interval_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# [2, 4, 4, 5, 7, 8]: mean 5, s = 2.19, n = 6, t_{5, 0.975} = 2.571.
# `slips`: what four common mistakes give here, so that a wrong interval is named for what it is.
expect_close(t_confidence_interval(np.array([2.0, 4.0, 4.0, 5.0, 7.0, 8.0]), 0.95),
             [2.7008017095164036, 7.299198290483597], name="95% interval for [2, 4, 4, 5, 7, 8]", rtol=1e-9,
             slips={"the standard deviation with ddof=0 (dividing by n, not n - 1)":
                        [2.901128720208031, 7.098871279791969],
                    "the normal quantile 1.96 instead of the t quantile with n - 1 degrees of freedom":
                        [3.246954918846837, 6.753045081153163],
                    "the one-sided quantile t.ppf(confidence) instead of t.ppf((1 + confidence) / 2)":
                        [3.1976859437107943, 6.802314056289205],
                    "the standard deviation s instead of the standard error s / sqrt(n)":
                        [-0.6318626291641865, 10.631862629164186]})
expect_close(t_confidence_interval(np.arange(1.0, 11.0), 0.9), [3.7449279866961995, 7.2550720133038],
             name="90% interval for 1, 2, ..., 10", rtol=1e-9)
# Two values: one degree of freedom, so the interval is very wide (t_{1, 0.975} = 12.7).
expect_close(t_confidence_interval(np.array([9.5, 10.5])), [3.646897631912653, 16.35310236808735],
             name="95% interval (the default confidence) for [9.5, 10.5]", rtol=1e-9)
print("✓ public checks passed: t_confidence_interval (95%, 90%, two values, default confidence)")

# %% nbgrader={"grade": true, "grade_id": "t_confidence_interval_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random samples of sizes 2 to 400 (normal, skewed, integer, and
# values near 1e8) at confidence levels 0.8 to 0.99, compared with scipy.stats.t.interval(confidence, n - 1,
# loc=mean, scale=s/sqrt(n)); the message names common slips (ddof, normal quantile, one-sided quantile, ...).
# Try the same kind of checks on fresh random inputs: check("week02.t_confidence_interval", t_confidence_interval)
### BEGIN HIDDEN TESTS
grade("week02.t_confidence_interval", t_confidence_interval)
### END HIDDEN TESTS

# %%
check("week02.t_confidence_interval", t_confidence_interval);

# %% [markdown]
# ### Worked example: coverage, seen and counted
#
# Draw 50 samples of size 8 from $\mathcal N(10, 2^2)$, compute the 95% interval of each with your function, and
# colour the ones that miss $\mu = 10$. About 1 in 20 should.

# %%
rng = np.random.default_rng(13)
mu_true = 10.0
experiments = rng.normal(mu_true, 2.0, size=(50, 8))
try:
    intervals = np.array([t_confidence_interval(sample, 0.95) for sample in experiments])
except NotImplementedError:
    intervals = None
    print("t_confidence_interval is not implemented yet: finish Exercise 2, then run this cell again.")

if intervals is not None:
    covers = (intervals[:, 0] <= mu_true) & (mu_true <= intervals[:, 1])
    fig, ax = plt.subplots(figsize=(10, 3.2))
    for i, ((low, high), hit) in enumerate(zip(intervals, covers)):
        ax.plot([i, i], [low, high], color="C0" if hit else "C3", lw=2)
    ax.plot(experiments.mean(axis=1), "k.", ms=4)
    ax.axhline(mu_true, color="k", lw=1, ls="--")
    ax.set_xlabel("experiment")
    ax.set_ylabel("95% t interval")
    ax.set_title(f"{covers.sum()} of 50 intervals cover μ = 10 (red: the {50 - covers.sum()} that miss)")
    plt.show()

# %% [markdown]
# With many more experiments we can measure the coverage. Using the **normal** quantile 1.96 with the estimated
# $s$ is the classic mistake: for small samples the intervals are too narrow and cover far less than promised;
# the t quantile fixes it exactly for normal data. (Vectorised here, 20 000 experiments per row.)

# %%
rng = np.random.default_rng(8)
print(" n   coverage with t   coverage with z = 1.96")
for n in (3, 5, 10, 30):
    data = rng.normal(mu_true, 2.0, size=(20_000, n))
    centre = data.mean(axis=1)
    standard_error = data.std(axis=1, ddof=1) / np.sqrt(n)
    miss = np.abs(centre - mu_true)
    t_quantile = scipy.stats.t.ppf(0.975, n - 1)
    print(f"{n:2d}   {np.mean(miss <= t_quantile * standard_error):.3f} (t = {t_quantile:5.2f})"
          f"     {np.mean(miss <= 1.96 * standard_error):.3f}")

# %% [markdown]
# ### The bootstrap
#
# The t interval is exact for normal data and good for means of moderately skewed data, but what about the
# median, a ratio, or a model's accuracy, with no formula for the standard error? The **bootstrap** (Efron,
# 1979) uses the sample as a stand-in for the population: draw $B$ **resamples** of size $n$ *with replacement*
# from the data, compute the statistic on each, and read the uncertainty off their spread. The **percentile
# interval** takes the $(1-c)/2$ and $(1+c)/2$ quantiles of the $B$ bootstrap statistics.
#
# It is approximate (it can under-cover for small samples and skewed data), so it is worth *checking* its coverage
# by simulation, as below for the median of exponential data, whose true median is $\ln 2$.

# %%
def bootstrap_interval(sample, statistic, confidence=0.95, n_resamples=2000, seed=0):
    """Percentile bootstrap interval: resample with replacement, apply the statistic, take quantiles."""
    rng = np.random.default_rng(seed)
    resamples = rng.choice(sample, size=(n_resamples, len(sample)), replace=True)
    replicates = statistic(resamples, axis=1)
    return np.quantile(replicates, [(1 - confidence) / 2, (1 + confidence) / 2])


rng = np.random.default_rng(9)
one_sample = rng.exponential(1.0, size=40)
print("median of one sample:", np.median(one_sample).round(3), "| 95% bootstrap interval:",
      bootstrap_interval(one_sample, np.median).round(3), "| true median ln 2 =", round(np.log(2), 3))

hits = 0
for k in range(300):   # 300 fresh data sets from the same population: how often does the interval cover ln 2?
    low, high = bootstrap_interval(rng.exponential(1.0, size=40), np.median, n_resamples=1000, seed=k)
    hits += low <= np.log(2) <= high
print(f"coverage over 300 simulated data sets: {hits / 300:.2f} (promised 0.95)")

# %% [markdown]
# ## 6. Probability: conditional probability and Bayes' theorem
#
# The **conditional probability** of $A$ given $B$ (with $P(B) > 0$) is the fraction of $B$'s probability where
# $A$ also happens:
#
# $$P(A\mid B) = \frac{P(A\cap B)}{P(B)}, \qquad\text{so}\qquad P(A\cap B) = P(A\mid B)\,P(B) = P(B\mid A)\,P(A).$$
#
# $A$ and $B$ are **independent** when $P(A\mid B) = P(A)$, i.e. $P(A\cap B) = P(A)P(B)$. If hypotheses
# $H_1, \dots, H_k$ are mutually exclusive and cover every case, the **law of total probability** gives
# $P(D) = \sum_i P(D\mid H_i)P(H_i)$. Solving the product rule for $P(H\mid D)$ gives **Bayes' theorem**:
#
# $$\underbrace{P(H_i\mid D)}_{\text{posterior}} = \frac{\overbrace{P(D\mid H_i)}^{\text{likelihood}}\;
#   \overbrace{P(H_i)}^{\text{prior}}}{\underbrace{\sum_j P(D\mid H_j)\,P(H_j)}_{\text{evidence } P(D)}}
#   \;\propto\; \text{likelihood}\times\text{prior}.$$
#
# It turns "how likely are the data under each hypothesis" into "how likely is each hypothesis given the data".
#
# ### Worked example: a positive test for a rare condition
#
# 1% of people have a condition (the **prevalence**, or base rate). A test detects it in 90% of those who have it
# (**sensitivity** $P(+\mid\text{ill})$) and is negative for 95% of those who don't (**specificity**
# $P(-\mid\text{healthy})$). You test positive. How likely are you to have it?
#
# $$P(\text{ill}\mid +) = \frac{0.90\times0.01}{0.90\times0.01 + 0.05\times0.99} = \frac{0.009}{0.0585} \approx 15\%.$$
#
# Most people guess about 90%, confusing $P(+\mid\text{ill})$ with $P(\text{ill}\mid +)$ and neglecting the
# **base rate**. In **natural frequencies** it is obvious: of 1000 people, 10 are ill and 9 of them test positive;
# of the 990 healthy, 5% (about 50) test positive too. 9 of the 59 positives are ill. The same arithmetic
# decides whether a fraud or disease classifier with "95% accuracy" is useful when positives are rare.

# %%
prevalence, sensitivity, specificity = 0.01, 0.90, 0.95
evidence = sensitivity * prevalence + (1 - specificity) * (1 - prevalence)      # P(+), total probability
print(f"P(+) = {evidence:.4f},  P(ill | +) = {sensitivity * prevalence / evidence:.4f}")
print(f"P(ill | -) = {(1 - sensitivity) * prevalence / ((1 - sensitivity) * prevalence + specificity * (1 - prevalence)):.5f}")

# %% [markdown]
# ### Many hypotheses, many observations
#
# Bayes' theorem works the same way with $k$ hypotheses: multiply each prior by its likelihood and normalise.
# When the observations $d_1, \dots, d_m$ are independent given the hypothesis, the likelihood is a product,
# $P(D\mid H_i) = \prod_j P(d_j\mid H_i)$, and updating on all data at once equals updating one observation at a
# time (yesterday's posterior is today's prior).
#
# Example: a coin has an unknown probability $\theta$ of heads. Put a prior on a grid of values
# $\theta_1, \dots, \theta_k$; a flip that lands heads has likelihood $\theta_i$ under hypothesis $i$, tails
# $1 - \theta_i$.
#
# **The catch: underflow.** A product of many probabilities is astronomically small: 2000 flips with likelihoods
# near 0.5 give about $10^{-602}$, below the smallest float64 ($\approx 10^{-308}$), so every hypothesis gets
# exactly 0 and normalising gives $0/0$. The fix is to work with **logarithms**: sum log-likelihoods, add the log
# prior, subtract the largest value before exponentiating (the max-shift trick of week 01's softmax: the posterior
# *is* a softmax of the log joint probabilities). A hypothesis with prior 0, or under which some observation is
# impossible, must end with posterior exactly 0: $\log 0 = -\infty$ and $e^{-\infty} = 0$ do that, provided you
# take the logarithms of the *possible* hypotheses only (to avoid a divide-by-zero warning).

# %%
print("0.5 ** 2000 =", 0.5 ** 2000, "  but 2000 · log(0.5) =", 2000 * np.log(0.5))

# %% [markdown]
# ### Exercise 3 — `bayes_posterior`
#
# Given a prior over $k$ hypotheses and the likelihoods of the observations under each, return the posterior.
# `likelihood` has shape `(k,)` for one observation or `(m, k)` for $m$ independent observations (row $j$:
# $P(d_j\mid H_i)$ for every $i$). Multiply over the observations and the prior in **log space**, normalise, and
# make impossible hypotheses exactly 0. You may assume at least one hypothesis stays possible.

# %% nbgrader={"grade": false, "grade_id": "bayes_posterior", "locked": false, "schema_version": 3, "solution": true, "task": false}
def bayes_posterior(prior, likelihood):
    """Posterior over k discrete hypotheses by Bayes' theorem, computed in log space.

    prior      : array of shape (k,), non-negative, summing to 1. Do not modify it.
    likelihood : array of shape (k,) (one observation) or (m, k) (m independent observations): entry [j, i] is
                 P(observation j | hypothesis i). Do not modify it.
    Returns an array of shape (k,) summing to 1: prior × product of likelihoods, normalised; exactly 0 for
    hypotheses with prior 0 or with likelihood 0 for some observation.
    """
    ### BEGIN SOLUTION
    prior = np.asarray(prior, dtype=float)
    likelihood = np.atleast_2d(np.asarray(likelihood, dtype=float))          # (m, k)
    possible = (prior > 0) & np.all(likelihood > 0, axis=0)
    log_joint = np.full(prior.shape, -np.inf)
    log_joint[possible] = np.log(prior[possible]) + np.log(likelihood[:, possible]).sum(axis=0)
    weights = np.exp(log_joint - log_joint.max())                             # the largest becomes 1
    return weights / weights.sum()
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "bayes_posterior_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# The test example: prior (ill, healthy) = (0.01, 0.99), likelihood of a positive test = (0.9, 0.05).
expect_close(bayes_posterior(np.array([0.01, 0.99]), np.array([0.9, 0.05])),
             [0.15384615384615385, 0.8461538461538461], name="posterior after one positive test", rtol=1e-9)
# Three hypotheses, two observations; the second observation is impossible under hypothesis 3.
from course.checks import expect_unchanged  # decided by the grader from the values, like expect_close
prior3 = np.array([0.5, 0.3, 0.2])
likelihood3 = np.array([[0.2, 0.5, 0.9], [0.2, 0.5, 0.0]])
posterior3 = bayes_posterior(prior3, likelihood3)
expect_close(posterior3, [0.2105263157894737, 0.7894736842105263, 0.0], name="posterior after two observations",
             rtol=1e-9, atol=1e-15)
expect_equal(float(posterior3[2]), 0.0, name="the posterior of the impossible hypothesis (exactly 0)")
expect_unchanged(prior3, [0.5, 0.3, 0.2], "bayes_posterior", "prior", name="the prior is unchanged after bayes_posterior")
expect_unchanged(likelihood3, [[0.2, 0.5, 0.9], [0.2, 0.5, 0.0]], "bayes_posterior", "likelihood",
                 name="the likelihood is unchanged after bayes_posterior")
print("✓ public checks passed: bayes_posterior (one observation, two observations, an impossible hypothesis)")

# %% nbgrader={"grade": true, "grade_id": "bayes_posterior_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): a diagnostic test, coins with biases on a grid including 0 and 1
# (30 and 2000 flips: a plain product underflows), dice-like hypotheses with a zero prior, one 1-D observation;
# compared with prior × likelihood enumerated in 50-digit decimal arithmetic and normalised.
# Try the same kind of checks on fresh random inputs: check("week02.bayes_posterior", bayes_posterior)
### BEGIN HIDDEN TESTS
grade("week02.bayes_posterior", bayes_posterior)
### END HIDDEN TESTS

# %%
check("week02.bayes_posterior", bayes_posterior);

# %% [markdown]
# ### Worked example: learning a coin's bias
#
# A uniform prior over 101 values of $\theta$, and flips of a coin whose true $\theta$ is 0.3. After each batch of
# flips the posterior narrows around the truth; its width shrinks like $1/\sqrt m$, the CLT's rate again.

# %%
rng = np.random.default_rng(10)
thetas = np.linspace(0.0, 1.0, 101)
flips = rng.random(2000) < 0.3            # True = heads
try:
    fig, ax = plt.subplots(figsize=(9, 3.6))
    for m in (0, 1, 5, 20, 100, 2000):
        observed = flips[:m]
        likelihoods = np.where(observed[:, None], thetas[None, :], 1 - thetas[None, :])   # (m, 101)
        posterior = (bayes_posterior(np.full(101, 1 / 101), likelihoods) if m else np.full(101, 1 / 101))
        ax.plot(thetas, posterior, label=f"after {m} flip{'s' if m != 1 else ''} ({observed.sum()} heads)")
    ax.axvline(0.3, color="k", ls="--", lw=1)
    ax.set_xlabel("θ, the probability of heads")
    ax.set_ylabel("posterior probability")
    ax.set_yscale("log")
    ax.set_ylim(1e-4, 1)
    ax.legend(fontsize=8)
    ax.set_title("Posterior over the coin's bias (uniform prior on a grid of 101 values)")
    plt.show()
except NotImplementedError:
    plt.close(fig)
    print("bayes_posterior is not implemented yet: finish Exercise 3, then run this cell again.")

# %% [markdown]
# ### Explorer: base rates in a population
#
# 1000 people (or 100, or 10 000), coloured by what the test says and whether they are ill. Move the prevalence
# down to 0.1% and watch the false positives swamp the true ones; then raise the specificity to 0.999. Which of
# sensitivity and specificity matters more for $P(\text{ill}\mid +)$ when the condition is rare? The posterior
# comes from **your** `bayes_posterior` once it passes its checks.

# %%
from course.explorers.bayes import bayes_explorer

bayes_explorer(bayes_posterior)

# %% [markdown]
# ## 7. Linear regression by batch gradient descent
#
# This is the seed project of this phase: *implement gradient descent from scratch for linear regression*. Week 01
# fitted a line with its `gradient_descent` and a given gradient; now you write the whole training loop. With the
# gradient from §2, one step of **batch gradient descent** uses all $n$ examples:
#
# $$\mathbf w \leftarrow \mathbf w - \eta\,\frac2n X^\top(X\mathbf w - \mathbf y).$$
#
# Each step costs about $2nd$ multiply-adds, one pass over the data: one **epoch**. Track the training loss as you
# go: a loss curve that goes down smoothly is the first sign that training works, one that rises says the
# learning rate is too large (above $2/L_{\max}$), and a plateau says the data are badly conditioned or the model
# has converged.

# %% [markdown]
# ### Exercise 4 — `linear_regression_gd`
#
# Start from $\mathbf w = \mathbf 0$ and take `n_epochs` full-batch steps. Return the final weights and the
# losses: `losses[k]` is the MSE of the weights after $k$ steps, so `losses[0]` is the MSE at
# $\mathbf w = \mathbf 0$ and there are `n_epochs + 1` of them.

# %% nbgrader={"grade": false, "grade_id": "linear_regression_gd", "locked": false, "schema_version": 3, "solution": true, "task": false}
def linear_regression_gd(X, y, lr, n_epochs):
    """Least-squares linear regression by full-batch gradient descent on the MSE, from w = 0.

    X        : array of shape (n, d), the design matrix (include a column of ones for an intercept).
    y        : array of shape (n,), the targets.
    lr       : learning rate.
    n_epochs : number of gradient steps (each uses all n examples).
    Returns (w, losses): w of shape (d,) after n_epochs steps; losses of shape (n_epochs + 1,), losses[k] =
    mean((X w_k - y)²) for the weights w_k after k steps (w_0 = 0). Do not modify X or y.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    w = np.zeros(X.shape[1])
    losses = np.empty(n_epochs + 1)
    residual = X @ w - y
    losses[0] = np.mean(residual ** 2)
    for k in range(1, n_epochs + 1):
        w = w - lr * 2 / len(y) * X.T @ residual
        residual = X @ w - y
        losses[k] = np.mean(residual ** 2)
    return w, losses
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "linear_regression_gd_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Three points on the line y = 1 + 2x, with an intercept column.
from course.checks import expect_unchanged  # decided by the grader from the values, like expect_close
X_line = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
y_line = np.array([1.0, 3.0, 5.0])
# One step from w = 0 with lr = 0.1: w = 0.1 * (2/3) * Xᵀy = (0.6, 0.8667).
w_one, losses_one = linear_regression_gd(X_line, y_line, 0.1, 1)
expect_close(w_one, [0.6, 0.8666666666666667], name="w after one step (lr 0.1)", rtol=1e-9)
expect_close(losses_one, [11.666666666666666, 3.2074074074074073], name="losses for one step (MSE at w_0 and w_1)",
             rtol=1e-9)
# The curvatures of this MSE are 0.56 and 4.77 (eigenvalues of (2/n) XᵀX): lr = 0.2 < 1/4.77 converges smoothly.
w_fit, losses_fit = linear_regression_gd(X_line, y_line, 0.2, 300)
expect_close(w_fit, [1.0, 2.0], name="w after 300 steps (it should reach intercept 1, slope 2)", rtol=1e-7, atol=1e-8)
expect_equal(np.shape(losses_fit), (301,), name="the shape of losses for 300 steps")
expect_true(np.all(np.diff(losses_fit) <= 1e-12), "with lr = 0.2 < 1/L the loss should never go up.",
            name="the losses never go up with lr = 0.2")
expect_unchanged(X_line, [[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], "linear_regression_gd", "X",
                 name="X is unchanged after linear_regression_gd")
expect_unchanged(y_line, [1.0, 3.0, 5.0], "linear_regression_gd", "y", name="y is unchanged after linear_regression_gd")
print("✓ public checks passed: linear_regression_gd (one exact step, convergence, monotone losses)")

# %% nbgrader={"grade": true, "grade_id": "linear_regression_gd_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random regression problems with 2 to 5 columns (intercept
# included), learning rates from 0.5/L to 1.5/L; one or two steps are compared number by number with the update
# rule, and longer runs (enough epochs to converge) with np.linalg.lstsq(X, y); losses[0] must be mean(y²) and
# losses[-1] the MSE of the returned w.
# Try the same kind of checks on fresh random inputs: check("week02.linear_regression_gd", linear_regression_gd)
### BEGIN HIDDEN TESTS
grade("week02.linear_regression_gd", linear_regression_gd)
### END HIDDEN TESTS

# %%
check("week02.linear_regression_gd", linear_regression_gd);

# %% [markdown]
# ### Worked example: diabetes progression, and why features are standardised
#
# scikit-learn's bundled **diabetes** data set has 442 patients, 10 features (age, sex, BMI, blood pressure, six
# blood measurements) and a measure of disease progression one year later. The features come pre-scaled to tiny
# values (each column has norm 1); we compare them as they are with **standardised** features
# $(x - \text{mean})/\text{std}$. Gradient descent's speed is set by the condition number
# $\kappa = \lambda_{\max}/\lambda_{\min}$ of the Hessian (week 01): with $\eta = 1/L_{\max}$ the slowest
# direction shrinks by $1 - 1/\kappa$ per step.

# %%
features, target = load_diabetes(return_X_y=True)
designs = {"as shipped (columns of norm 1)": np.column_stack([np.ones(len(target)), features]),
           "standardised": np.column_stack([np.ones(len(target)),
                                            (features - features.mean(axis=0)) / features.std(axis=0)])}
try:
    fig, ax = plt.subplots(figsize=(8, 4))
    for label, design in designs.items():
        curvatures = np.linalg.eigvalsh(2 / len(target) * design.T @ design)
        w_best = np.linalg.lstsq(design, target, rcond=None)[0]
        best_loss = np.mean((design @ w_best - target) ** 2)
        w_gd, losses_gd = linear_regression_gd(design, target, 1 / curvatures[-1], 2000)
        ax.semilogy(losses_gd - best_loss, label=f"{label}: κ = {curvatures[-1] / curvatures[0]:,.0f}")
        print(f"{label:32s} κ = {curvatures[-1] / curvatures[0]:9,.0f}; after 2000 epochs the MSE is "
              f"{losses_gd[-1]:8.1f} vs the least-squares {best_loss:.1f}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("MSE − least-squares MSE")
    ax.set_title("Batch gradient descent (η = 1/L) on the diabetes data")
    ax.legend()
    plt.show()
except NotImplementedError:
    plt.close(fig)
    print("linear_regression_gd is not implemented yet: finish Exercise 4, then run this cell again.")

# %% [markdown]
# Standardising does not change the best fit (only how the weights are expressed) but cuts $\kappa$ by two orders
# of magnitude, and gradient descent gets there in a fraction of the epochs. The remaining $\kappa \approx 470$
# comes from correlated features (total cholesterol and LDL, columns `s1` and `s2`): a long, flat valley that
# plain gradient descent crawls along. Scaling features is the first thing to try when training is slow.

# %% [markdown]
# ## 8. Mini-batch and stochastic gradient descent
#
# The MSE is an **average over examples**, and so is its gradient:
#
# $$\nabla L(\mathbf w) = \frac1n\sum_{i=1}^n \nabla\ell_i(\mathbf w), \qquad
#   \nabla\ell_i(\mathbf w) = 2\,\mathbf x_i(\mathbf x_i\cdot\mathbf w - y_i).$$
#
# A batch step reads the whole data set to move once. **Mini-batch SGD** estimates the gradient from a random
# **batch** $\mathcal B$ of $B$ examples, $\mathbf g = \frac1B\sum_{i\in\mathcal B}\nabla\ell_i(\mathbf w)
# = \frac2B X_{\mathcal B}^\top(X_{\mathcal B}\mathbf w - \mathbf y_{\mathcal B})$, and steps with it. That estimate
# is **unbiased** ($\mathbb E[\mathbf g] = \nabla L$) and, like any mean of $B$ draws (§3), its noise shrinks like
# $1/\sqrt B$. $B = n$ is batch gradient descent, $B = 1$ is "pure" **stochastic gradient descent**, and in
# practice $B$ is 32 to a few thousand, as many as the hardware processes at once.
#
# **Epochs and shuffling.** An epoch visits every example once: shuffle the indices, cut them into consecutive
# batches of $B$ (the last one smaller when $B$ does not divide $n$: use it, don't drop it), and step once per batch,
# $\lceil n/B\rceil$ updates per epoch. Shuffling makes each batch a random sample; **reshuffling every epoch** keeps
# the order from imprinting a pattern on the path (data sorted by class or by date would bias every pass in the
# same way). A seeded generator, `rng = np.random.default_rng(seed)` created once, makes runs reproducible.
#
# **Why decay the learning rate.** Near the minimum the full gradient vanishes, but the batch gradients do not:
# they point every which way, so SGD with a constant $\eta$ never settles, it rattles around the minimum in a
# cloud whose size grows with $\eta$ and shrinks with $B$. A decaying schedule shrinks the cloud. We use
#
# $$\eta_e = \frac{\eta}{1 + \text{decay}\cdot e}\qquad\text{in epoch } e = 0, 1, 2, \dots$$
#
# With decay > 0 it satisfies the classical conditions $\sum_e\eta_e = \infty$ (enough total movement to get
# anywhere) and $\sum_e\eta_e^2 < \infty$ (the accumulated noise stays finite) under which SGD converges.
#
# **Why bother?** Per epoch, SGD makes $\lceil n/B\rceil$ updates instead of one. Early in training, when the
# gradient is large and the noise relatively small, those many cheap, rough steps make far more progress than one
# exact step; for large data sets a single epoch of SGD can beat many of batch gradient descent. The learning rate
# must respect the batch's curvature: single examples can be much steeper than the average, so small batches
# need smaller learning rates.

# %% [markdown]
# ### Exercise 5 — `minibatch_sgd`
#
# Implement mini-batch SGD on the MSE from $\mathbf w = \mathbf 0$, and return the **path**: row 0 is the start,
# and one row follows every update, $1 + \texttt{n\_epochs}\cdot\lceil n/B\rceil$ rows in all. In every epoch $e$:
#
# 1. draw a fresh permutation of the indices from `rng = np.random.default_rng(seed)` (created **once**, before
#    the loop): `order = rng.permutation(n)`;
# 2. walk through `order` in consecutive batches of `batch_size` (the last may be smaller);
# 3. for each batch, step with the **mean** gradient over that batch's examples and the learning rate
#    `lr / (1 + decay * e)`.
#
# The hidden tests check properties every correct run has, whatever the random order: that each update is a
# gradient step on the right examples with the right learning rate, that every epoch uses every example exactly
# once in a fresh order, that the seed makes runs reproducible, and that the end point agrees with
# `np.linalg.lstsq`.

# %% nbgrader={"grade": false, "grade_id": "minibatch_sgd", "locked": false, "schema_version": 3, "solution": true, "task": false}
def minibatch_sgd(X, y, lr, n_epochs, batch_size, decay=0.1, seed=0):
    """Mini-batch SGD on the MSE of a linear model, from w = 0, reshuffling every epoch.

    X, y       : arrays of shapes (n, d) and (n,). Do not modify them.
    lr         : initial learning rate; epoch e (counting from 0) uses lr / (1 + decay * e).
    n_epochs   : number of passes over the data.
    batch_size : examples per update; the last batch of an epoch holds the n % batch_size left over, if any.
    decay      : how fast the learning rate decays (0 keeps it constant).
    seed       : seed of np.random.default_rng, created once; each epoch uses the order rng.permutation(n).
    Returns the path, an array of shape (n_epochs * ceil(n / batch_size) + 1, d): row 0 is w = 0, then the
    weights after every update. Each update is w - rate * (2 / len(batch)) * X_bᵀ (X_b w - y_b).
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    rng = np.random.default_rng(seed)
    n = len(y)
    w = np.zeros(X.shape[1])
    path = [w]
    for epoch in range(n_epochs):
        rate = lr / (1 + decay * epoch)
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            residual = X[batch] @ w - y[batch]
            w = w - rate * 2 / len(batch) * X[batch].T @ residual
            path.append(w)
    return np.array(path)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "minibatch_sgd_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# With batch_size = n every update is a full gradient step, whatever the order: the Exercise 4 data, 2 epochs,
# lr 0.1 then 0.1 / (1 + 0.5 * 1).
expect_close(minibatch_sgd(X_line, y_line, 0.1, 2, 3, decay=0.5, seed=0),
             [[0.0, 0.0], [0.6, 0.8666666666666667], [0.8044444444444444, 1.171851851851852]],
             name="path with batch_size = n = 3, 2 epochs, decay 0.5", rtol=1e-9, atol=1e-12)
# n = 5 and batch_size = 2: batches of 2, 2 and 1, so 3 updates per epoch; 4 epochs give 13 rows.
from course.checks import expect_unchanged  # decided by the grader from the values, like expect_close
X_five = np.column_stack([np.ones(5), np.arange(5.0) - 2])     # x = -2, -1, 0, 1, 2
y_five = 1.0 + 2.0 * X_five[:, 1]
path_a = minibatch_sgd(X_five, y_five, 0.05, 4, 2, decay=0.1, seed=1)
expect_equal(np.shape(path_a), (13, 2), name="the shape of the path for n = 5, batch_size = 2, 4 epochs")
expect_true(np.array_equal(path_a, minibatch_sgd(X_five, y_five, 0.05, 4, 2, decay=0.1, seed=1)),
            "the same seed should give the same path: draw the permutations from np.random.default_rng(seed).",
            name="the same seed gives the same path")
expect_true(not np.array_equal(path_a, minibatch_sgd(X_five, y_five, 0.05, 4, 2, decay=0.1, seed=2)),
            "a different seed should give a different path: the seed decides the shuffling.",
            name="a different seed gives a different path")
# One-hot rows and batch_size = 1: update k changes only the weight of the example it used, so the path shows
# the order of every epoch. Each epoch must visit every example once, in a fresh order.
orders = np.abs(np.diff(minibatch_sgd(np.eye(8), np.arange(1.0, 9.0), 0.1, 3, 1, decay=0.0, seed=4),
                        axis=0)).argmax(axis=1).reshape(3, 8)
expect_equal(np.sort(orders, axis=1), np.tile(np.arange(8), (3, 1)),
             name="each epoch of batch_size 1 uses every example exactly once")
expect_true(len({tuple(order) for order in orders}) == 3,
            "the same order of samples in every epoch: draw order = rng.permutation(n) inside the epoch loop, "
            "from the one generator made before it.", name="each epoch visits the examples in a fresh order")
# Data exactly on a line: SGD converges to it.
expect_close(minibatch_sgd(X_five, y_five, 0.1, 50, 2, decay=0.01, seed=3)[-1], [1.0, 2.0],
             name="the last row after 50 epochs on exact data (intercept 1, slope 2)", rtol=1e-8, atol=1e-8)
expect_unchanged(X_five, np.column_stack([np.ones(5), np.arange(5.0) - 2]), "minibatch_sgd", "X",
                 name="X is unchanged after minibatch_sgd")
expect_unchanged(y_five, 1.0 + 2.0 * (np.arange(5.0) - 2), "minibatch_sgd", "y", name="y is unchanged after minibatch_sgd")
print("✓ public checks passed: minibatch_sgd (full batch = GD with decay, path shape, seeds, fresh order per epoch, "
      "convergence)")

# %% nbgrader={"grade": true, "grade_id": "minibatch_sgd_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded), on random regression problems: batch_size = n (every update a
# full step with the decayed rate); batch_size = 1 (each update is identified as one example's step: every epoch
# uses every example once, in a fresh shuffled order, and the same seed gives the same path); n = 3B + 1 (the
# last, single-example batch of each epoch is used and averaged correctly); the end point against
# np.linalg.lstsq on exact data, and the final MSE within 2% of the minimum on noisy data.
# Try the same kind of checks on fresh random inputs: check("week02.minibatch_sgd", minibatch_sgd)
### BEGIN HIDDEN TESTS
grade("week02.minibatch_sgd", minibatch_sgd)
### END HIDDEN TESTS

# %%
check("week02.minibatch_sgd", minibatch_sgd);

# %% [markdown]
# ### Worked example: batch size against progress per epoch
#
# The standardised diabetes data again, 30 epochs for four batch sizes, each with a learning rate that suits it
# (larger batches tolerate larger steps). Measured per epoch, i.e. per pass over the data, the small batches race
# ahead: $B = 1$ gets within 100 of the minimum in one pass, where full-batch GD, smooth but with one update per
# epoch, needs about fifteen. Then progress slows for everyone: the flat direction of this badly conditioned
# problem ($\kappa \approx 470$) is slow for every method, and the small batches keep rattling around, less and
# less as the learning rate decays.

# %%
design = designs["standardised"]
w_best = np.linalg.lstsq(design, target, rcond=None)[0]
best_loss = np.mean((design @ w_best - target) ** 2)
try:
    fig, ax = plt.subplots(figsize=(8, 4))
    for batch, rate in [(1, 0.003), (8, 0.01), (64, 0.1), (len(target), 0.2)]:
        path = minibatch_sgd(design, target, rate, 30, batch, decay=0.1, seed=0)
        per_epoch = -(-len(target) // batch)
        excess = np.mean((path @ design.T - target) ** 2, axis=1) - best_loss
        ax.semilogy(np.arange(len(path)) / per_epoch, excess, lw=0.8,
                    label=f"B = {batch} (lr {rate}): {per_epoch} updates/epoch")
    ax.set_xlabel("epoch (passes over the 442 examples)")
    ax.set_ylabel("MSE − least-squares MSE")
    ax.set_title("Mini-batch SGD on the diabetes data (lr / (1 + 0.1 · epoch))")
    ax.legend(fontsize=8)
    plt.show()
except NotImplementedError:
    plt.close(fig)
    print("minibatch_sgd is not implemented yet: finish Exercise 5, then run this cell again.")

# %% [markdown]
# ### Explorer: batch size × learning rate
#
# A line $y \approx b + wx$ fitted to 100 noisy points, so the path of $(b, w)$ can be drawn over the MSE's
# contours, with full-batch GD in grey for comparison. Try: batch size 1 with learning rate 0.01, 0.05 and 0.2 (the
# last diverges); batch size 100 (full batch) at 0.3, then at 0.4 (above $2/L$); the same settings with decay 0
# and decay 1, and *reshuffle* to see a different random path. The explorer runs **your** `minibatch_sgd` once it
# passes its checks.

# %%
from course.explorers.sgd import sgd_explorer

sgd_explorer(minibatch_sgd)

# %% [markdown]
# ## 9. Checkpoint
#
# Four short questions, checked when the notebook is graded (the cell under each answer only checks its format),
# and one answer in your own words.

# %% [markdown]
# Some questions give each student numbers of their own, drawn from your student id, so that a neighbour's answer
# is not yours. On JupyterHub the id is your user name, filled in for you; on your own machine type the id your
# instructor uses for you between the quotes below (studying alone? leave it empty: you get the self-study numbers).

# %%
my_id = set_student_id("")
print(f"Your checkpoint numbers are drawn for the id {my_id!r}.")

# %% [markdown]
# **Q1.** A screening test, a condition's prevalence, and a positive result: the cell below prints your own numbers.
# What is the probability that a randomly chosen person who tests positive has the condition? Give a number
# between 0 and 1 (three significant digits are enough).

# %%
show_question("week02.checkpoint_q1")

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to a number between 0 and 1.
### BEGIN SOLUTION
q1 = parameters("week02.checkpoint_q1")     # {"one_in": ..., "sensitivity": ..., "specificity": ...}
prevalence = 1 / q1["one_in"]
positive = q1["sensitivity"] * prevalence + (1 - q1["specificity"]) * (1 - prevalence)
q1_answer = q1["sensitivity"] * prevalence / positive
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a probability; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, (int, float, np.integer, np.floating)) and not isinstance(q1_answer, bool)
            and 0 <= q1_answer <= 1, f"q1_answer should be a number between 0 and 1; got {q1_answer!r}.",
            name="q1_answer is a probability")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q1_answer, variant_answer("week02.checkpoint_q1"), name="the answer to question 1 (q1_answer)",
             rtol=5e-3)
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** The lifetimes of a type of light bulb have a standard deviation of 300 hours. How many bulbs must you
# test so that the standard error of their mean lifetime is 15 hours? (A whole number.)

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to a number.
### BEGIN SOLUTION
q2_answer = 400
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, (int, float, np.integer, np.floating)) and not isinstance(q2_answer, bool),
            f"q2_answer should be a number such as 25; got {q2_answer!r}.", name="q2_answer is a number")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q2_answer, 400, name="the answer to question 2 (q2_answer)", rtol=1e-9)
### END HIDDEN TESTS

# %% [markdown]
# **Q3.** $\mathbf f:\mathbb R^3\to\mathbb R^2$ is a layer and $g:\mathbb R^2\to\mathbb R$ a loss. What does the
# chain rule give for the gradient of $h(\mathbf x) = g(\mathbf f(\mathbf x))$?
#
# - (a) $J_{\mathbf f}(\mathbf x)\,\nabla g(\mathbf f(\mathbf x))$, a vector with 2 entries.
# - (b) $J_{\mathbf f}(\mathbf x)^\top\,\nabla g(\mathbf f(\mathbf x))$, a vector with 3 entries: the $3\times2$
#   transposed Jacobian times the loss's gradient.
# - (c) $\nabla g(\mathbf x)\,J_{\mathbf f}(\mathbf x)$, with $\nabla g$ evaluated at $\mathbf x$.
# - (d) The elementwise product of $\nabla g(\mathbf f(\mathbf x))$ and $\mathbf f'(\mathbf x)$.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q3_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, str) and q3_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q3_answer should be one of the letters "a", "b", "c", "d"; got {q3_answer!r}.',
            name="q3_answer is one of the letters a, b, c, d")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q3_answer, "b", name="the answer to question 3 (q3_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q4.** From a sample you compute the 95% confidence interval (2.1, 3.4) for a mean $\mu$. Which statement is
# correct?
#
# - (a) There is a 95% probability that $\mu$ lies between 2.1 and 3.4.
# - (b) If you repeated the sampling many times, about 95% of the intervals computed this way would contain $\mu$.
# - (c) 95% of the data lie between 2.1 and 3.4.
# - (d) A new sample's mean will lie between 2.1 and 3.4 with probability 95%.

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

# %% [markdown] nbgrader={"grade": false, "grade_id": "explain_sgd_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q5 (written, 3 points, graded by a person).** Explain in a short paragraph how batch gradient descent,
# mini-batch SGD and pure SGD ($B = 1$) differ: what each update costs, how noisy it is, how many updates an epoch
# gives, and why SGD is usually run with a decaying learning rate. When would you pick a small batch, and when a
# large one? Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "explain_sgd", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# All three step against a gradient of the average loss, but estimate it from different amounts of data. Batch
# gradient descent uses all n examples: the exact gradient, one update per epoch, each costing a full pass, and a
# smooth path that converges for a fixed learning rate below 2/L. Mini-batch SGD averages the gradients of B random
# examples: an unbiased estimate whose noise shrinks like 1/√B, ⌈n/B⌉ cheap updates per epoch, and a noisy path.
# Pure SGD (B = 1) is the extreme: the cheapest, noisiest updates, n per epoch. Because the noise does not vanish at
# the minimum, a constant learning rate leaves SGD rattling in a cloud around it whose size grows with the learning
# rate; decaying the rate shrinks the steps, and the cloud, over time, so the iterates converge. Small batches make
# fast early progress per pass over the data and suit large data sets or limited memory, but need smaller learning
# rates; large batches give accurate, smooth steps, use vectorised hardware well and tolerate larger learning rates,
# but make fewer updates per epoch.

# %% [markdown]
# ## Summary
#
# * **Chain rule.** The Jacobian of $\mathbf f:\mathbb R^n\to\mathbb R^m$ is $m\times n$ (a row per output); the
#   Jacobian of a composition is the product of the Jacobians, and the gradient of a scalar loss through
#   $\mathbf f$ is $J_{\mathbf f}^\top\nabla\ell$. Backpropagation evaluates that product from the loss backwards.
#   For the MSE, $\nabla L = \frac2n X^\top(X\mathbf w - \mathbf y)$ and the Hessian is $\frac2n X^\top X$.
# * **Statistics.** $\operatorname{Var}(\bar X) = \sigma^2/n$: the standard error $\sigma/\sqrt n$. The sample
#   variance divides by $n - 1$ (`ddof=1`).
# * **CLT.** Means of many independent draws with finite variance are approximately $\mathcal N(\mu, \sigma^2/n)$;
#   skewed populations need larger $n$, infinite-variance ones (Cauchy) never get there.
# * **Confidence intervals.** $\bar x \pm t_{n-1,(1+c)/2}\,s/\sqrt n$; "95%" is the coverage of the procedure. The
#   bootstrap gives intervals for any statistic; check its coverage by simulation.
# * **Bayes.** Posterior ∝ likelihood × prior; base rates matter (a 90%-sensitive test for a 1% condition gives a
#   15% posterior). With many observations, multiply in log space and normalise with the max-shift trick.
# * **Gradient descent for linear regression** needs a learning rate below $2/L$ and well-conditioned
#   (standardised) features; **mini-batch SGD** makes $\lceil n/B\rceil$ noisy, cheap updates per epoch, shuffles
#   every epoch, and decays its learning rate to settle at the minimum.
#
# Next week (Supervised learning I) builds on all of this: ridge and logistic regression trained with these
# gradients, decision trees, and the metrics that say how good a classifier is.
