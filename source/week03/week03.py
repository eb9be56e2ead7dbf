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
# # Week 03 — Supervised learning I: linear and logistic regression, decision trees, and how to measure them
#
# **Supervised learning** learns a function from examples that come with the right answer: pairs
# $(\mathbf x_i, y_i)$ where $\mathbf x_i$ holds the features of example $i$ and $y_i$ its label. When $y$ is a
# number (a price, a temperature) the task is **regression**; when it is a category (spam or not, malignant or
# benign) it is **classification**. This week builds the three classic model families from scratch, in NumPy,
# and the yardsticks that say how good a model is.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | the set-up: a loss, training error and test error | |
# | 2 | linear regression: closed form and gradient descent | |
# | 3 | ridge regression | `ridge_fit` |
# | 4 | bias, variance and model complexity (explorer) | |
# | 5 | regression metrics: MSE, RMSE, MAE, R², MAPE | `regression_metrics` |
# | 6 | logistic regression: sigmoid, log loss and its gradient | `logistic_loss_and_grad` |
# | 7 | fitting logistic regression; the decision boundary (explorer) | `logistic_fit` |
# | 8 | decision trees: Gini, entropy, the best split, depth (explorer) | `best_split` |
# | 9 | classification metrics, thresholds and the ROC curve (explorer) | `classification_metrics`, `roc_auc` |
# | 10 | multiclass: softmax regression, one-vs-rest, averaged metrics, the confusion matrix | `softmax_regression`, `averaged_scores`, `confusion_matrix_multiclass` |
# | 11 | checkpoint: bias and variance, and choosing a metric | three questions + one written answer |

# %% [markdown]
# ## How to work this week
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation. Use NumPy only: scikit-learn and torch are what your functions are compared with.
# 3. **Run the public test cell** under each exercise: small inputs whose expected values you can read, and a
#    message that says what is off (a shape, a sign, a factor, a NaN, ...).
# 4. Then try **fresh random inputs** compared with the library, as often as you like:
#    `check("week03.ridge_fit", ridge_fit)` (the same for the other functions).
# 5. **Hidden tests** run when the notebook is graded: the same kind of random inputs with another seed.
# 6. The explorers use **your** functions once they pass their checks, and scikit-learn until then; their status
#    line says whose code is running.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

from course.checks import expect_close, expect_equal, expect_choice, expect_true
from course.exercises import check, grade

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. The supervised learning set-up
#
# A model $f_\theta$ with parameters $\theta$ maps features to a prediction $\hat y = f_\theta(\mathbf x)$. A
# **loss** $\ell(\hat y, y)$ says how bad one prediction is: the squared error $(\hat y - y)^2$ for regression,
# the log loss for classification (§6). **Training** picks the parameters that minimise the average loss on the
# training examples, often plus a **regulariser** that keeps the parameters small:
#
# $$\hat\theta = \arg\min_\theta \; \frac1n\sum_{i=1}^n \ell\big(f_\theta(\mathbf x_i), y_i\big) + \lambda\,R(\theta).$$
#
# What we actually care about is the loss on **new** examples from the same source, the *generalisation error*.
# The training error is an optimistic estimate of it (the parameters were chosen to make it small), so we keep a
# **test set** aside, never touch it while fitting or tuning, and report the error on it at the end. (Choosing
# hyper-parameters such as a penalty or a depth needs a third split, a validation set, or cross-validation:
# next week.)
#
# Conventions used all week: `X` has shape `(n, d)`, one row per example; `y` has shape `(n,)`; a linear model
# has weights `w` (or `coef`) of shape `(d,)` and an intercept `b`, a float.

# %% [markdown]
# ## 2. Linear regression
#
# The model is $\hat y = \mathbf w\cdot\mathbf x + b$, or for all examples at once $\hat{\mathbf y} = X\mathbf w + b$.
# Its **cost function** is the mean squared error
#
# $$J(\mathbf w, b) = \frac1n\sum_{i=1}^n\big(\mathbf w\cdot\mathbf x_i + b - y_i\big)^2 .$$
#
# **Closed form.** $J$ is a convex quadratic, so its minimum is where both partial derivatives vanish:
#
# $$\frac{\partial J}{\partial b} = \frac2n\sum_i(\mathbf w\cdot\mathbf x_i + b - y_i) = 0
#   \;\Longrightarrow\; b = \bar y - \bar{\mathbf x}\cdot\mathbf w,
#   \qquad \nabla_{\mathbf w}J = \frac2n X^\top(X\mathbf w + b - \mathbf y) = \mathbf 0 .$$
#
# Substituting $b$ gives $X^\top X_c\mathbf w = X^\top\mathbf y_c$ with **centred** data
# $X_c = X - \bar{\mathbf x}$ (subtract each column's mean) and $\mathbf y_c = \mathbf y - \bar y$, and since the
# columns of $X_c$ sum to zero this is the same as $X_c^\top X_c\,\mathbf w = X_c^\top\mathbf y_c$: the normal
# equations of week 01 on centred data. So: **centre, solve for $\mathbf w$, then recover $b$.** (Appending a
# column of ones to $X$ and solving the normal equations gives the same answer; centring will matter for ridge.)
#
# **Gradient descent.** The same gradients drive gradient descent, $\mathbf w \leftarrow \mathbf w - \eta\nabla_{\mathbf w}J$
# and $b \leftarrow b - \eta\,\partial J/\partial b$. It needs no matrix solve, which is what makes it scale to
# huge data, but its speed depends on the condition number of $X^\top X$: features on very different scales
# (square metres and years, say) make a long narrow valley. **Standardising** each feature (subtract its mean,
# divide by its standard deviation) fixes that.
#
# ### Worked example: house prices
#
# The seed project for this topic: predict a house's price (thousands) from its floor area (m²) and its age
# (years). The data are simulated from a known rule so we can see whether the fit recovers it.

# %%
rng = np.random.default_rng(3)
n_houses = 200
area = rng.uniform(40, 200, size=n_houses)
age = rng.uniform(0, 60, size=n_houses)
X_houses = np.column_stack([area, age])
price = 50 + 3.0 * area - 1.2 * age + rng.normal(scale=25, size=n_houses)  # the rule the fit should find

# Closed form: centre, solve the normal equations, recover the intercept.
area_age_mean, price_mean = X_houses.mean(axis=0), price.mean()
X_centred = X_houses - area_age_mean
w_closed = np.linalg.solve(X_centred.T @ X_centred, X_centred.T @ (price - price_mean))
b_closed = price_mean - area_age_mean @ w_closed
print(f"closed form:      price ≈ {b_closed:6.2f} + {w_closed[0]:.3f}·area + {w_closed[1]:.3f}·age")

# Gradient descent on standardised features, then converted back to the original units.
scale = X_houses.std(axis=0)
Z = X_centred / scale
w_z, b_z, eta, history = np.zeros(2), 0.0, 0.1, []
for step in range(300):
    residual = Z @ w_z + b_z - price
    history.append(np.mean(residual ** 2))
    w_z -= eta * 2 / n_houses * Z.T @ residual
    b_z -= eta * 2 * residual.mean()
w_gd = w_z / scale
b_gd = b_z - area_age_mean @ w_gd
print(f"gradient descent: price ≈ {b_gd:6.2f} + {w_gd[0]:.3f}·area + {w_gd[1]:.3f}·age   (300 steps)")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
left.scatter(area, price, c=age, cmap="viridis", s=12)
grid_area = np.linspace(40, 200, 2)
for years in (0, 30, 60):
    left.plot(grid_area, b_closed + w_closed[0] * grid_area + w_closed[1] * years, lw=1.5,
              label=f"fitted price at age {years}")
left.set_xlabel("area (m²)")
left.set_ylabel("price (thousands)")
left.legend(fontsize=8)
left.set_title("Linear regression on two features (colour: age)")
right.semilogy(np.maximum(np.array(history) - np.mean((X_houses @ w_closed + b_closed - price) ** 2), 1e-12))
right.set_xlabel("gradient-descent step")
right.set_ylabel("MSE − minimal MSE")
right.set_title("Gradient descent on standardised features")
plt.tight_layout()
plt.show()

# %% [markdown]
# Without standardising, the curvature of the MSE along "area" is $2\operatorname{Var}(\text{area}) \approx 3700$,
# about six times that along "age" and nearly two thousand times that along the intercept (2): a learning rate small
# enough for the steepest direction ($\eta < 2/3700$) crawls along the others. Try it: replace `Z` by `X_centred`
# above and watch `eta = 0.1` diverge.

# %% [markdown]
# ## 3. Ridge regression
#
# With many features, or features that are nearly collinear, least squares becomes unstable: $X_c^\top X_c$ is
# nearly singular, the weights grow large with opposite signs, and predictions on new data swing wildly. When
# $d > n$ it has no unique solution at all. **Ridge regression** adds a penalty on the size of the weights:
#
# $$\min_{\mathbf w, b}\; \lVert\mathbf y - X\mathbf w - b\mathbf 1\rVert_2^2 + \alpha\,\lVert\mathbf w\rVert_2^2 ,\qquad \alpha \ge 0 .$$
#
# This is exactly the objective of scikit-learn's `Ridge(alpha)`: a **sum** of squared errors (not a mean), and
# the intercept $b$ is **not penalised** — shifting every target by 100 should shift the predictions by 100,
# not shrink the shift towards 0. Setting the derivatives to zero as in §2 gives
#
# $$\big(X_c^\top X_c + \alpha I\big)\,\mathbf w = X_c^\top\mathbf y_c, \qquad b = \bar y - \bar{\mathbf x}\cdot\mathbf w .$$
#
# For $\alpha > 0$ the matrix $X_c^\top X_c + \alpha I$ has every eigenvalue at least $\alpha$, so it is always
# invertible, and better conditioned the larger $\alpha$, even when $d > n$. Larger $\alpha$ shrinks $\mathbf w$ towards $\mathbf 0$
# (and the prediction towards $\bar y$); $\alpha = 0$ is ordinary least squares. Because the penalty treats all
# weights alike, in practice features are standardised first so that "large" means the same for each.
#
# ### Exercise 1 — `ridge_fit`
#
# Implement the closed form above with `np.linalg.solve` (not `inv`). Return `(coef, intercept)`: `coef` of shape
# `(d,)`, `intercept` a float. Do not modify `X` or `y` (`X - X.mean(axis=0)` makes a new array; `X -= ...` would
# not).

# %% nbgrader={"grade": false, "grade_id": "ridge_fit", "locked": false, "schema_version": 3, "solution": true, "task": false}
def ridge_fit(X, y, alpha):
    """Ridge regression with an unpenalised intercept (the objective of sklearn.linear_model.Ridge).

    X     : array of shape (n, d).
    y     : array of shape (n,).
    alpha : float >= 0, the penalty on ||coef||² (alpha = 0 is ordinary least squares).
    Returns (coef, intercept): coef of shape (d,) and a float, minimising
    ||y - X @ coef - intercept||² + alpha * ||coef||².
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    x_mean, y_mean = X.mean(axis=0), y.mean()
    X_centred = X - x_mean
    coef = np.linalg.solve(X_centred.T @ X_centred + alpha * np.eye(X.shape[1]), X_centred.T @ (y - y_mean))
    return coef, float(y_mean - x_mean @ coef)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ridge_fit_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
from course.checks import expect_unchanged  # decided by the grader from the values, like expect_close
X_small = np.array([[1.0], [2.0], [3.0], [4.0]])
y_small = np.array([3.0, 5.0, 6.0, 9.0])
coef, intercept = ridge_fit(X_small, y_small, 0.0)  # alpha = 0: the least-squares line y = 1 + 1.9 x
expect_close(coef, [1.9], name="coef for alpha = 0",
             slips={"fitting without an intercept (no centring)": [2.2333333333333334]})
expect_close(intercept, 1.0, name="intercept for alpha = 0", atol=1e-9)
coef, intercept = ridge_fit(X_small, y_small, 1.0)  # the slope shrinks, the line still passes through the means
expect_close(coef, [1.5833333333333333], name="coef for alpha = 1",
             slips={"penalising the intercept too (a column of ones inside the penalty)": [1.9090909090909092],
                    "the mean squared error, whose penalty is alpha * n on the sum of squares": [1.0555555555555556],
                    "fitting without an intercept (no centring)": [2.161290322580645]})
expect_close(intercept, 1.791666666666667, name="intercept for alpha = 1")
# The intercept is not penalised: adding 100 to every target adds 100 to the intercept and nothing else.
coef, intercept = ridge_fit(X_small, y_small + 100.0, 1.0)
expect_close(coef, [1.5833333333333333], name="coef after adding 100 to y (alpha = 1)")
expect_close(intercept, 101.791666666666667, name="intercept after adding 100 to y (alpha = 1)")
X_two = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [3.0, 2.0]])
coef, intercept = ridge_fit(X_two, np.array([1.0, 2.0, 2.5, 4.0, 6.0]), 2.0)
expect_close(coef, [0.8548387096774194, 0.8225806451612903], name="coef with two features, alpha = 2")
expect_close(intercept, 1.0806451612903225, name="intercept with two features, alpha = 2")
expect_unchanged(X_two, [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [3.0, 2.0]], "ridge_fit", "X",
                 name="X is unchanged after ridge_fit")
expect_unchanged(X_small, [[1.0], [2.0], [3.0], [4.0]], "ridge_fit", "X", name="the one-feature X is unchanged too")
expect_unchanged(y_small, [3.0, 5.0, 6.0, 9.0], "ridge_fit", "y", name="y is unchanged after ridge_fit")
print("✓ public checks passed: ridge_fit (alpha = 0 and 1, unpenalised intercept, two features)")

# %% nbgrader={"grade": true, "grade_id": "ridge_fit_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random X of shapes from (20, 1) to (10, 20) (more features
# than examples), intercepts far from 0, alpha from 0 to 1e4; compared with sklearn.linear_model.Ridge(alpha)'s
# coef_ and intercept_. X and y must not be modified.
# Try the same kind of checks on fresh random inputs: check("week03.ridge_fit", ridge_fit)
### BEGIN HIDDEN TESTS
grade("week03.ridge_fit", ridge_fit)
### END HIDDEN TESTS

# %%
check("week03.ridge_fit", ridge_fit);

# %% [markdown]
# ### Worked example: the ridge path on the diabetes data
#
# scikit-learn ships a small medical data set: ten measurements (age, body-mass index, blood pressure, six blood
# serum values) of 442 patients, and a measure of disease progression one year later. Its features are already
# centred and scaled. As $\alpha$ grows every coefficient is pulled towards 0; they do not all shrink at the same
# pace, and the ones that cancel each other (collinear serum measurements) collapse first.

# %%
from sklearn.datasets import load_diabetes

diabetes = load_diabetes()
alphas = np.logspace(-4, 3, 40)
try:
    path = np.array([ridge_fit(diabetes.data, diabetes.target, a)[0] for a in alphas])
    fig, ax = plt.subplots(figsize=(8, 4))
    for j, name in enumerate(diabetes.feature_names):
        ax.semilogx(alphas, path[:, j], label=name)
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel("alpha")
    ax.set_ylabel("coefficient")
    ax.set_title("Ridge coefficients shrink as alpha grows (your ridge_fit)")
    ax.legend(ncol=5, fontsize=7, loc="lower right")
    plt.show()
except NotImplementedError:
    print("ridge_fit is not implemented yet: finish Exercise 1, then run this cell again.")

# %% [markdown]
# ### Why squared loss? Gaussian maximum likelihood
#
# Least squares is not an arbitrary choice. Suppose the data come from $y_i = \mathbf w\cdot\mathbf x_i + b +
# \varepsilon_i$ with noise $\varepsilon_i$ drawn **independently** from the **same** normal distribution
# $\mathcal N(0, \sigma^2)$ (the *i.i.d.* assumption). The likelihood of the data is the product of the densities,
# and its negative logarithm is
#
# $$-\log L(\mathbf w, b, \sigma) = \frac n2\log(2\pi\sigma^2) + \frac1{2\sigma^2}\sum_{i=1}^n
#   \big(y_i - \mathbf w\cdot\mathbf x_i - b\big)^2 .$$
#
# For any fixed $\sigma$ the only term that depends on $(\mathbf w, b)$ is the sum of squared errors: **the maximum
# likelihood weights are the least-squares weights**. Setting the derivative in $\sigma$ to zero gives
# $\hat\sigma^2 = \frac1n\sum_i r_i^2$, the mean squared residual (biased low; dividing by $n - d - 1$ instead
# corrects that). Each assumption matters: independence (no two examples share noise: not true of neighbouring
# days in a time series), equal variance (if the noise grows with the target, weighted least squares is the MLE)
# and normality (with heavy-tailed, Laplace noise the MLE minimises the **absolute** error instead, which is why
# the MAE is robust to outliers). The cell below maximises the likelihood of the house data numerically, knowing
# nothing of least squares, and lands on the closed-form weights of §2.

# %%
from scipy.optimize import minimize


def negative_log_likelihood(theta):
    """theta = (b, w_area, w_age, log sigma): the Gaussian model's -log L on the house data."""
    b, w, log_sigma = theta[0], theta[1:3], theta[3]
    residuals = price - (X_houses @ w + b)
    return n_houses / 2 * np.log(2 * np.pi) + n_houses * log_sigma + (residuals @ residuals) / (2 * np.exp(2 * log_sigma))


mle = minimize(negative_log_likelihood, x0=np.array([0.0, 0.0, 0.0, np.log(price.std())]), method="BFGS",
               options={"gtol": 1e-9})
b_mle, w_mle, sigma_mle = mle.x[0], mle.x[1:3], np.exp(mle.x[3])
residuals_closed = price - (X_houses @ w_closed + b_closed)
print(f"maximum likelihood: price ≈ {b_mle:6.2f} + {w_mle[0]:.3f}·area + {w_mle[1]:.3f}·age, sigma = {sigma_mle:.2f}")
print(f"least squares:      price ≈ {b_closed:6.2f} + {w_closed[0]:.3f}·area + {w_closed[1]:.3f}·age, "
      f"root mean squared residual = {np.sqrt(np.mean(residuals_closed ** 2)):.2f} (the noise was drawn with 25)")

# %% [markdown]
# ### The lasso: an L1 penalty that sets weights exactly to zero
#
# Ridge shrinks every weight but never makes one exactly 0. The **lasso** penalises the sum of absolute values
# instead; scikit-learn's `Lasso(alpha)` minimises
#
# $$\frac1{2n}\lVert\mathbf y - X\mathbf w - b\mathbf 1\rVert_2^2 + \alpha\,\lVert\mathbf w\rVert_1 ,$$
#
# (note the $\frac1{2n}$: a *mean*, halved, unlike `Ridge`'s sum). There is no closed form, but one weight at a time
# there is. Centre $X$ and $\mathbf y$ as in §2 (the intercept is not penalised), fix every weight but $w_j$, and
# let $\mathbf r_{-j} = \mathbf y_c - X_c\mathbf w + \mathbf x_j w_j$ be the residual without feature $j$. With
# $\rho_j = \mathbf x_j^\top\mathbf r_{-j}/n$ and $z_j = \mathbf x_j^\top\mathbf x_j/n$, the objective in $w_j$ is
# $\frac12 z_j w_j^2 - \rho_j w_j + \alpha|w_j|$ plus a constant, whose minimum is the **soft-threshold**
#
# $$w_j = \frac{\operatorname{sign}(\rho_j)\,\max(|\rho_j| - \alpha, 0)}{z_j} :$$
#
# when the correlation of feature $j$ with what is left to explain is at most $\alpha$, its weight is exactly 0.
# **Coordinate descent** cycles through $j = 1, \dots, d$ with this update until no weight moves; the objective is
# convex, so it converges to the lasso solution. At $\alpha \ge \alpha_{\max} = \max_j|\mathbf x_j^\top\mathbf
# y_c|/n$ every weight is 0. That is how the lasso **selects features**, and why week 1's "L1 gives sparse
# solutions" holds: the corners of the L1 ball sit on the axes.
#
# ### Exercise 1b — `lasso_cd`
#
# Implement coordinate descent for the lasso as above: centre, start from $\mathbf w = \mathbf 0$, sweep the
# coordinates in order with the soft-threshold update (keep the residual up to date as each weight changes), stop
# after a sweep in which no weight changed by more than `tol`, then recover the intercept. Return
# `(coef, intercept)`. Do not modify `X` or `y`.

# %% nbgrader={"grade": false, "grade_id": "lasso_cd", "locked": false, "schema_version": 3, "solution": true, "task": false}
def lasso_cd(X, y, alpha, tol=1e-10, max_sweeps=10_000):
    """The lasso by cyclic coordinate descent (the objective of sklearn.linear_model.Lasso).

    X     : array of shape (n, d); y : array of shape (n,); alpha : float >= 0.
    Minimises (1 / (2n)) ||y - X @ coef - intercept||² + alpha * ||coef||₁, the intercept unpenalised.
    Stops after a sweep in which no weight moved by more than tol (or after max_sweeps sweeps).
    Returns (coef, intercept): coef of shape (d,) with exact zeros where the lasso drops a feature, and a float.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = X.shape
    x_mean, y_mean = X.mean(axis=0), y.mean()
    X_centred = X - x_mean
    z = (X_centred ** 2).sum(axis=0) / n
    coef = np.zeros(d)
    residual = y - y_mean                       # y_c - X_c @ coef, with coef = 0
    for _ in range(max_sweeps):
        largest_step = 0.0
        for j in range(d):
            if z[j] == 0:                       # a constant column: its weight stays 0
                continue
            rho = X_centred[:, j] @ residual / n + z[j] * coef[j]
            new = np.sign(rho) * max(abs(rho) - alpha, 0.0) / z[j]
            if new != coef[j]:
                residual -= X_centred[:, j] * (new - coef[j])
                largest_step = max(largest_step, abs(new - coef[j]))
                coef[j] = new
        if largest_step <= tol:
            break
    return coef, float(y_mean - x_mean @ coef)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "lasso_cd_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# One feature: rho = cov(x, y) = 2.375 and z = var(x) = 1.25 (both with 1/n), so w = (2.375 - alpha) / 1.25.
X_small = np.array([[1.0], [2.0], [3.0], [4.0]])
y_small = np.array([3.0, 5.0, 6.0, 9.0])
coef, intercept = lasso_cd(X_small, y_small, 0.5)
expect_close(coef, [1.5], name="coef for alpha = 0.5", rtol=1e-6,
             slips={"the objective (1/n)||r||² + alpha||w||₁, without the ½ (threshold alpha / 2)": [1.7],
                    "the sum of squares ½||r||² + alpha||w||₁, without the 1/n (threshold alpha / n)": [1.8],
                    "no intercept (X and y not centred)": [2.1666666666666665],
                    "a ridge-like shrinkage rho / (z + alpha) instead of the soft-threshold": [1.3571428571428572]})
expect_close(intercept, 2.0, name="intercept for alpha = 0.5", rtol=1e-6)
coef, intercept = lasso_cd(X_small, y_small, 3.0)  # alpha above alpha_max = 2.375: the weight is exactly 0
expect_equal(np.asarray(coef).tolist(), [0.0], name="coef for alpha = 3 (above alpha_max)")
expect_close(intercept, 5.75, name="intercept for alpha = 3 (the mean of y)")
X_lasso = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [3.0, 2.0], [2.0, 0.0]])
y_lasso = np.array([1.0, 2.0, 2.5, 4.0, 6.0, 3.5])
coef, intercept = lasso_cd(X_lasso, y_lasso, 0.1)
expect_close(coef, [1.115, 0.845], name="coef with two features, alpha = 0.1", rtol=1e-6)
expect_close(intercept, 0.79, name="intercept with two features, alpha = 0.1", rtol=1e-6)
coef, intercept = lasso_cd(X_lasso, y_lasso, 0.6)  # the second feature drops out
expect_close(coef, [0.8, 0.0], name="coef with two features, alpha = 0.6", rtol=1e-6, atol=1e-9)
expect_unchanged(X_lasso, [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0], [3.0, 2.0], [2.0, 0.0]], "lasso_cd", "X",
                 name="X is unchanged after lasso_cd")
expect_unchanged(y_lasso, [1.0, 2.0, 2.5, 4.0, 6.0, 3.5], "lasso_cd", "y", name="y is unchanged after lasso_cd")
print("✓ public checks passed: lasso_cd (soft-threshold, alpha above alpha_max, a feature dropped)")

# %% nbgrader={"grade": true, "grade_id": "lasso_cd_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random X of shapes from (25, 12) to (100, 4) with a sparse true
# weight vector, intercepts far from 0, alpha from 2 % of alpha_max (nearly every weight kept) to 150 % (all zero);
# compared with sklearn.linear_model.Lasso(alpha) run to convergence. X and y must not be modified.
# Try the same kind of checks on fresh random inputs: check("week03.lasso_cd", lasso_cd)
### BEGIN HIDDEN TESTS
grade("week03.lasso_cd", lasso_cd)
### END HIDDEN TESTS

# %% [markdown]
# **The lasso path on the diabetes data.** Where ridge shrank all ten coefficients together, the lasso drops them
# one by one as $\alpha$ grows: at $\alpha = 0.3$ four features are left (`bmi`, `bp`, `s3`, `s5`), at $\alpha = 1$
# three (`bmi`, `bp`, `s5`), and from $\alpha = \alpha_{\max}$ on none.

# %%
try:
    lasso_alphas = np.logspace(-2, 1, 30)
    lasso_path = np.array([lasso_cd(diabetes.data, diabetes.target, a)[0] for a in lasso_alphas])
    fig, (paths, counts) = plt.subplots(1, 2, figsize=(11, 3.8), width_ratios=[1.6, 1])
    for j, name in enumerate(diabetes.feature_names):
        paths.semilogx(lasso_alphas, lasso_path[:, j], label=name)
    paths.axhline(0, color="grey", lw=0.5)
    paths.set_xlabel("alpha")
    paths.set_ylabel("coefficient")
    paths.set_title("Lasso coefficients reach exactly 0 one by one (your lasso_cd)")
    paths.legend(ncol=5, fontsize=7, loc="lower right")
    counts.semilogx(lasso_alphas, (lasso_path != 0).sum(axis=1), drawstyle="steps-mid")
    counts.set_xlabel("alpha")
    counts.set_ylabel("features kept")
    counts.set_title("How many weights are not 0")
    plt.tight_layout()
    plt.show()
    for a in (0.3, 1.0):
        kept = [n for n, c in zip(diabetes.feature_names, lasso_cd(diabetes.data, diabetes.target, a)[0]) if c != 0]
        print(f"alpha = {a:g}: {len(kept)} features kept: {', '.join(kept)}")
except NotImplementedError:
    print("lasso_cd is not implemented yet: finish Exercise 1b, then run this cell again.")

# %% [markdown]
# ## 4. Bias, variance and model complexity
#
# Fit polynomials $\hat y = b + w_1x + w_2x^2 + \dots + w_px^p$ of increasing **degree** $p$ to 25 noisy points
# of a smooth curve (polynomial regression is linear regression on the features $x, x^2, \dots, x^p$, so
# `ridge_fit` does it). A straight line cannot follow the curve (**underfitting**); a degree-15 polynomial
# threads through every point, noise included, and swings wildly between and beyond them (**overfitting**).
#
# To make this precise, imagine drawing many training sets from the same source and fitting each one. At an
# input $x$ with true value $f(x)$ and noise of variance $\sigma^2$, the expected squared error of the fitted
# $\hat f$ on a new observation $y = f(x) + \varepsilon$ splits into three parts (add and subtract
# $\mathbb E\hat f(x)$; the cross terms average to zero):
#
# $$\mathbb E\big[(y - \hat f(x))^2\big] = \underbrace{\big(f(x) - \mathbb E\hat f(x)\big)^2}_{\text{bias}^2}
#   + \underbrace{\mathbb E\big[(\hat f(x) - \mathbb E\hat f(x))^2\big]}_{\text{variance}}
#   + \underbrace{\sigma^2}_{\text{noise}} .$$
#
# * **Bias** is the error of the *average* fit: a model too simple to represent $f$ is wrong in the same way on
#   every training set.
# * **Variance** is how much the fit changes from one training set to another: a flexible model chases each set's
#   noise.
# * **Noise** is the floor: no model can predict $\varepsilon$.
#
# More flexibility (a higher degree, a deeper tree, a smaller penalty) lowers the bias and raises the variance,
# so the test error is U-shaped while the training error only falls. A penalty such as ridge's $\alpha$ lets a
# flexible model keep its low bias while cutting its variance. Below, each panel shows a dozen of the fits of one
# degree to 1000 training sets and the average of all 1000. The numbers come from all of them, on the inner part of
# the range, $x \in [-0.8, 0.8]$ (unshaded): near $\pm 1$ many training sets have no point, and what a polynomial
# does beyond its last point is extrapolation, not its bias or variance where it has data. The average of $S$ fits
# still wobbles, so its squared distance from $f$ overstates bias² by variance$/S$; the estimate subtracts that.

# %%
from course.explorers.bias_variance import BiasVarianceStudy

study = BiasVarianceStudy(alpha=1e-6, noise=0.3)
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), sharey=True)
for ax, degree in zip(axes, (1, 4, 12)):
    study.degree = degree
    picture = study.compute()
    ax.plot(picture.x_grid, picture.fits[:12].T, color="C0", alpha=0.25, lw=1)
    ax.plot(picture.x_grid, picture.mean_fit, color="C0", lw=2.5, label="average fit")
    ax.plot(picture.x_grid, picture.truth, "k--", label="true curve")
    ax.scatter(picture.x_train, picture.y_train, s=10, color="C3", zorder=3, label="one training set")
    ax.axvspan(-1.05, picture.scored[0], color="grey", alpha=0.15, lw=0)
    ax.axvspan(picture.scored[1], 1.05, color="grey", alpha=0.15, lw=0)
    ax.set_xlim(-1.05, 1.05)
    k = degree - 1
    ax.set_title(f"degree {degree}: bias² {max(picture.bias2[k], 0):.3f}, variance {picture.variance[k]:.3f}",
                 fontsize=10)
    ax.set_ylim(-2.5, 2.5)
fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=3, fontsize=8)
plt.tight_layout(rect=(0, 0.08, 1, 1))
plt.show()

# %% [markdown]
# ### Explorer: degree and penalty against bias and variance
#
# Move the **degree** and watch bias² fall and variance rise on the right; find the degree with the smallest
# expected test error. Then set a high degree and raise **alpha**: the variance collapses, and with too much
# penalty the bias comes back (every fit flattens towards the mean). Raise the **noise** to see the floor move
# and the best degree drop. The fits run **your** `ridge_fit` once it passes its checks.

# %%
from course.explorers.bias_variance import bias_variance_explorer

bias_variance_explorer(ridge_fit)

# %% [markdown]
# ## 5. Regression metrics
#
# A loss is what the optimiser minimises; a **metric** is what you report, and it should match what matters to
# the people using the predictions. The standard ones, for targets $y_i$ and predictions $\hat y_i$,
# $i = 1..n$:
#
# | metric | formula | use it when | range |
# |---|---|---|---|
# | **MSE** | $\frac1n\sum_i (y_i - \hat y_i)^2$ | large errors are much worse than small ones | $[0, \infty)$ |
# | **RMSE** | $\sqrt{\text{MSE}}$ | you want MSE's ranking in the target's own units | $[0, \infty)$ |
# | **MAE** | $\frac1n\sum_i \lvert y_i - \hat y_i\rvert$ | robustness to outliers; a "typical" error | $[0, \infty)$ |
# | **R²** | $1 - \dfrac{\sum_i (y_i - \hat y_i)^2}{\sum_i (y_i - \bar y)^2} = 1 - \dfrac{\text{RSS}}{\text{TSS}}$ | the share of the target's variance explained | $(-\infty, 1]$ |
# | **MAPE** | $\frac1n\sum_i \dfrac{\lvert y_i - \hat y_i\rvert}{\lvert y_i\rvert}$ | errors relative to the size of the target | $[0, \infty)$ |
#
# * Squaring makes MSE dominated by the few largest errors: one outlier can decide it. MAE weighs every unit of
#   error alike.
# * **R² = 0** is what always predicting the mean $\bar y$ scores; a model worse than that has **negative** R²
#   (common on test data). R² = 1 only for perfect predictions.
# * MAPE is a **fraction** here, as in scikit-learn (`0.25` means 25 %; the syllabus's table multiplies by 100).
#   It explodes when some $y_i$ is near 0, and it is asymmetric: over-predicting can cost more than 100 %,
#   while under-predicting a positive $y_i$ with a non-negative $\hat y_i$ costs at most 100 % (a negative
#   prediction can cost more: $y = 1$, $\hat y = -1$ gives 200 %). scikit-learn divides by $\max(\lvert y_i\rvert, \epsilon)$ with $\epsilon$ the
#   machine epsilon, to avoid dividing by 0.
#
# ### Exercise 2 — `regression_metrics`
#
# Return a dict with the keys `"mse"`, `"rmse"`, `"mae"`, `"r2"` and `"mape"`, each a float, computed with NumPy
# from the formulas above (MAPE as a fraction, dividing by $\max(\lvert y_i\rvert, \epsilon)$ with
# `eps = np.finfo(float).eps`). `y_true` is never constant here.

# %% nbgrader={"grade": false, "grade_id": "regression_metrics", "locked": false, "schema_version": 3, "solution": true, "task": false}
def regression_metrics(y_true, y_pred):
    """MSE, RMSE, MAE, R² and MAPE of predictions, as a dict of floats.

    y_true, y_pred : arrays of shape (n,); y_true is not constant.
    Returns {"mse": ..., "rmse": ..., "mae": ..., "r2": ..., "mape": ...}, the same numbers as
    sklearn.metrics' mean_squared_error, root_mean_squared_error, mean_absolute_error, r2_score and
    mean_absolute_percentage_error (a fraction, not a percentage).
    """
    ### BEGIN SOLUTION
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    errors = y_true - y_pred
    mse = np.mean(errors ** 2)
    total = np.sum((y_true - y_true.mean()) ** 2)
    relative = np.abs(errors) / np.maximum(np.abs(y_true), np.finfo(float).eps)
    return {"mse": float(mse), "rmse": float(np.sqrt(mse)), "mae": float(np.mean(np.abs(errors))),
            "r2": float(1.0 - np.sum(errors ** 2) / total), "mape": float(np.mean(relative))}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "regression_metrics_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
scores = regression_metrics(np.array([3.0, -0.5, 2.0, 7.0]), np.array([2.5, 0.0, 2.0, 8.0]))
expect_true(isinstance(scores, dict), f"regression_metrics should return a dict; got {type(scores).__name__}.",
            name="regression_metrics returns a dict")
expect_close(scores.get("mse"), 0.375, name="regression_metrics(...)['mse'] for y = [3, -0.5, 2, 7]")
expect_close(scores.get("rmse"), 0.6123724356957945, name="regression_metrics(...)['rmse'] for y = [3, -0.5, 2, 7]")
expect_close(scores.get("mae"), 0.5, name="regression_metrics(...)['mae'] for y = [3, -0.5, 2, 7]")
expect_close(scores.get("r2"), 0.9486081370449679, name="regression_metrics(...)['r2'] for y = [3, -0.5, 2, 7]")
expect_close(scores.get("mape"), 0.3273809523809524, name="regression_metrics(...)['mape'] for y = [3, -0.5, 2, 7]")
perfect = regression_metrics(np.array([1.0, 2.0, 4.0]), np.array([1.0, 2.0, 4.0]))
expect_close([perfect[k] for k in ("mse", "rmse", "mae", "r2", "mape")], [0.0, 0.0, 0.0, 1.0, 0.0],
             name="mse, rmse, mae, r2, mape of perfect predictions")
mean_only = regression_metrics(np.array([1.0, 2.0, 6.0]), np.array([3.0, 3.0, 3.0]))
expect_close(mean_only["r2"], 0.0, name="r2 when every prediction is the mean of y_true", atol=1e-12)
print("✓ public checks passed: regression_metrics (a worked example, perfect predictions, the mean as prediction)")

# %% nbgrader={"grade": true, "grade_id": "regression_metrics_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random targets (some negative) with noisy, biased, perfect,
# worse-than-the-mean and outlier-ridden predictions, 2 to 200 of them; compared with sklearn.metrics.
# Try the same kind of checks on fresh random inputs: check("week03.regression_metrics", regression_metrics)
### BEGIN HIDDEN TESTS
grade("week03.regression_metrics", regression_metrics)
### END HIDDEN TESTS

# %%
check("week03.regression_metrics", regression_metrics);

# %% [markdown]
# ### Worked example: one outlier, and small targets
#
# Two predictors of the same 50 targets: one is off by about 1 everywhere, the other is exact except for one
# prediction that is off by 30. MSE prefers the first; MAE prefers the second. Neither is "right": it depends on
# whether a single large miss is a disaster (MSE) or just one bad day (MAE).

# %%
rng = np.random.default_rng(5)
targets = rng.uniform(10, 20, size=50)
steady = targets + rng.choice([-1.0, 1.0], size=50)
one_miss = targets.copy()
one_miss[7] += 30.0
try:
    for label, predictions in (("off by 1 everywhere ", steady), ("exact but one miss  ", one_miss)):
        m = regression_metrics(targets, predictions)
        print(f"{label}: MSE {m['mse']:6.2f}  RMSE {m['rmse']:5.2f}  MAE {m['mae']:5.2f}  "
              f"R² {m['r2']:6.3f}  MAPE {m['mape']:.1%}")
    small = regression_metrics(np.array([0.01, 5.0, 8.0]), np.array([0.5, 5.0, 8.0]))
    print(f"targets near zero: an error of 0.49 on y = 0.01 alone gives MAPE = {small['mape']:.0%}")
except NotImplementedError:
    print("regression_metrics is not implemented yet: finish Exercise 2, then run this cell again.")

# %% [markdown]
# ## 6. Logistic regression
#
# For classification with labels $y \in \{0, 1\}$ we want a **probability** $p = P(y = 1 \mid \mathbf x)$.
# Logistic regression takes a linear score, the **logit** $z = \mathbf w\cdot\mathbf x + b$, and squashes it into
# $(0, 1)$ with the **sigmoid**
#
# $$\sigma(z) = \frac{1}{1 + e^{-z}}, \qquad \sigma(-z) = 1 - \sigma(z), \qquad \sigma'(z) = \sigma(z)\big(1 - \sigma(z)\big).$$
#
# Read backwards, $z = \log\frac{p}{1 - p}$: the model says the **log-odds** are linear in the features. Each unit
# of feature $j$ multiplies the odds by $e^{w_j}$.
#
# **Log loss.** If the model says $p_i$ and the label is $y_i$, the probability it gave to what happened is
# $p_i^{y_i}(1 - p_i)^{1 - y_i}$. Maximising the likelihood of all labels, i.e. minimising the mean negative log of
# it, gives the **log loss** (binary cross-entropy):
#
# $$L(\mathbf w, b) = -\frac1n\sum_{i=1}^n \Big[y_i\log p_i + (1 - y_i)\log(1 - p_i)\Big], \qquad p_i = \sigma(z_i).$$
#
# A confident wrong answer ($p_i \to 0$ for $y_i = 1$) costs $-\log p_i \to \infty$; a confident right one costs
# almost nothing. Unlike the squared error of $\sigma(z)$, the log loss is **convex** in $(\mathbf w, b)$.
#
# **Computing it stably.** Written literally, $\log\sigma(z)$ fails for a large negative $z$: $\sigma(-800)$
# underflows to 0 and $\log 0 = -\infty$. Use $-\log\sigma(z) = \log(1 + e^{-z})$ and
# $-\log(1 - \sigma(z)) = -\log\sigma(-z) = \log(1 + e^{z})$, and compute $\log(1 + e^{t})$ as
# `np.logaddexp(0, t)` (week 01's log-sum-exp, with the max shift built in):
#
# $$\ell_i = \begin{cases}\log(1 + e^{-z_i}) & y_i = 1\\ \log(1 + e^{z_i}) & y_i = 0\end{cases}
#   \quad = \texttt{np.logaddexp(0, -z)} \text{ or } \texttt{np.logaddexp(0, z)} .$$
#
# **Gradient.** With $\ell = -y\log\sigma(z) - (1-y)\log(1-\sigma(z))$ and $\sigma' = \sigma(1-\sigma)$,
#
# $$\frac{\partial\ell}{\partial z} = -y(1 - \sigma(z)) + (1 - y)\sigma(z) = \sigma(z) - y = p - y ,$$
#
# prediction minus label, and by the chain rule ($\partial z_i/\partial\mathbf w = \mathbf x_i$,
# $\partial z_i/\partial b = 1$):
#
# $$\nabla_{\mathbf w}L = \frac1n X^\top(\mathbf p - \mathbf y), \qquad \frac{\partial L}{\partial b} = \frac1n\sum_i (p_i - y_i).$$
#
# The same form as linear regression's gradient, with $\mathbf p$ in place of $X\mathbf w + b$.

# %%
z = np.linspace(-8, 8, 400)
sigmoid = 1 / (1 + np.exp(-z))
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6))
left.plot(z, sigmoid, label=r"$\sigma(z)$")
left.plot(z, sigmoid * (1 - sigmoid), label=r"$\sigma'(z) = \sigma(1-\sigma)$")
left.axhline(0.5, color="grey", lw=0.5)
left.axvline(0, color="grey", lw=0.5)
left.set_xlabel("logit z")
left.legend()
left.set_title("The sigmoid turns a score into a probability")
p = np.linspace(0.001, 0.999, 400)
right.plot(p, -np.log(p), label="label y = 1: −log p")
right.plot(p, -np.log(1 - p), label="label y = 0: −log(1 − p)")
right.set_xlabel("predicted probability p of class 1")
right.set_ylabel("log loss of one example")
right.set_ylim(0, 6)
right.legend()
right.set_title("Confident mistakes are expensive")
plt.tight_layout()
plt.show()

# %% [markdown]
# ### Exercise 3 — `logistic_loss_and_grad`
#
# Return the **mean** log loss and its gradients `(loss, grad_w, grad_b)` for weights `w` (shape `(d,)`), intercept
# `b` (a float), features `X` (shape `(n, d)`) and labels `y` (shape `(n,)`, zeros and ones). It must stay finite
# and exact for logits in the hundreds: use `np.logaddexp` for the loss, and for the probabilities either
# `np.exp(-np.logaddexp(0, -z))` or `1 / (1 + np.exp(-z))` (the latter is correct but may warn about overflow).

# %% nbgrader={"grade": false, "grade_id": "logistic_loss_and_grad", "locked": false, "schema_version": 3, "solution": true, "task": false}
def logistic_loss_and_grad(w, b, X, y):
    """Mean log loss of logistic regression and its gradient.

    w : weights, shape (d,).   b : intercept, a float.
    X : features, shape (n, d). y : labels, shape (n,), each 0 or 1.
    Returns (loss, grad_w, grad_b): the mean over examples of -[y log p + (1 - y) log(1 - p)] with
    p = sigmoid(X @ w + b) (a float), its gradient with respect to w (shape (d,)) and to b (a float).
    Stable for logits of any size.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    z = X @ np.asarray(w, dtype=float) + b
    losses = np.where(y == 1, np.logaddexp(0.0, -z), np.logaddexp(0.0, z))
    p = np.exp(-np.logaddexp(0.0, -z))  # sigmoid(z) without overflow
    residual = (p - y) / len(y)
    return float(losses.mean()), X.T @ residual, float(residual.sum())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "logistic_loss_and_grad_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
X_three = np.array([[1.0, 2.0], [0.0, 1.0], [-1.0, 0.5]])
y_three = np.array([1.0, 0.0, 1.0])
loss, grad_w, grad_b = logistic_loss_and_grad(np.array([0.5, -1.0]), 0.25, X_three, y_three)
expect_close(loss, 1.0085570311917242, name="loss for w = [0.5, -1], b = 0.25")
expect_close(grad_w, [-0.03270705399976609, -0.5244559237041573], name="grad_w for w = [0.5, -1], b = 0.25")
expect_close(grad_b, -0.37855241984182575, name="grad_b for w = [0.5, -1], b = 0.25")
# w = 0, b = 0: every p is 0.5, the loss is log 2 and the gradient is X^T (0.5 - y) / n.
loss, grad_w, grad_b = logistic_loss_and_grad(np.zeros(2), 0.0, X_three, y_three)
expect_close(loss, 0.6931471805599453, name="loss for w = 0, b = 0 (log 2)")
expect_close(grad_w, [0.0, -0.25], name="grad_w for w = 0, b = 0", atol=1e-12)
expect_close(grad_b, -0.16666666666666666, name="grad_b for w = 0, b = 0")
# Logits of ±1000, both examples confidently wrong: each costs log(1 + e^1000) = 1000, not inf.
loss, grad_w, grad_b = logistic_loss_and_grad(np.array([1000.0]), 0.0, np.array([[1.0], [-1.0]]),
                                              np.array([0.0, 1.0]))
expect_close(loss, 1000.0, name="loss with logits ±1000")
expect_close(grad_w, [1.0], name="grad_w with logits ±1000")
expect_close(grad_b, 0.0, name="grad_b with logits ±1000", atol=1e-12)
print("✓ public checks passed: logistic_loss_and_grad (a small example, w = 0, logits of ±1000)")

# %% nbgrader={"grade": true, "grade_id": "logistic_loss_and_grad_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random w, b, X (1 to 100 examples, 1 to 5 features) and labels,
# including w = 0 and logits in the hundreds with some confident mistakes; the loss and both gradients are
# compared with torch.nn.functional.binary_cross_entropy_with_logits and torch autograd (float64).
# Try the same kind of checks on fresh random inputs: check("week03.logistic_loss_and_grad", logistic_loss_and_grad)
### BEGIN HIDDEN TESTS
grade("week03.logistic_loss_and_grad", logistic_loss_and_grad)
### END HIDDEN TESTS

# %%
check("week03.logistic_loss_and_grad", logistic_loss_and_grad);

# %% [markdown]
# **Gradient check.** A derivation is only as good as its check: compare the gradient with central differences
# (week 01) at a random point. A relative error around $10^{-9}$ or below means the formula is right.
#
# **Log loss as a metric.** The same number scores predicted probabilities: `sklearn.metrics.log_loss(y, p)` is
# your loss with `p = sigmoid(z)` (scikit-learn clips `p` into $[\epsilon, 1 - \epsilon]$, so it stays finite
# where a probability is exactly 0 or 1). Accuracy only asks whether $p > 0.5$ was on the right side; log loss
# also rewards a model for being confident when it is right and *calibrated* (a 70 % forecast coming true 70 % of
# the time).

# %%
from sklearn.metrics import log_loss

rng = np.random.default_rng(6)
X_check, y_check = rng.normal(size=(30, 3)), (rng.random(30) < 0.5).astype(float)
w_check, b_check = rng.normal(size=3), 0.3
try:
    loss, grad_w, grad_b = logistic_loss_and_grad(w_check, b_check, X_check, y_check)
    h = 1e-6
    numerical = [(logistic_loss_and_grad(w_check + h * e, b_check, X_check, y_check)[0]
                  - logistic_loss_and_grad(w_check - h * e, b_check, X_check, y_check)[0]) / (2 * h)
                 for e in np.eye(3)]
    relative = np.linalg.norm(grad_w - numerical) / np.linalg.norm(grad_w)
    print("analytic grad_w: ", grad_w, "\nnumerical grad_w:", np.array(numerical), f"\nrelative error {relative:.1e}")
    probabilities = 1 / (1 + np.exp(-(X_check @ w_check + b_check)))
    print(f"your loss {loss:.12f} | sklearn.metrics.log_loss {log_loss(y_check, probabilities):.12f}")
except NotImplementedError:
    print("logistic_loss_and_grad is not implemented yet: finish Exercise 3, then run this cell again.")

# %% [markdown]
# ## 7. Fitting logistic regression
#
# There is no closed form: setting $\nabla L = 0$ gives equations that are nonlinear in $\mathbf w$. And without a
# penalty, if a hyperplane separates the two classes perfectly, the loss keeps falling as $\lVert\mathbf w\rVert$
# grows, towards 0 and infinite weights. So logistic regression is fitted with an L2 penalty. scikit-learn's
# `LogisticRegression(C=...)` minimises
#
# $$J(\mathbf w, b) = \tfrac12\lVert\mathbf w\rVert^2 + C\sum_{i=1}^n \ell_i(\mathbf w, b),$$
#
# a **sum** of log losses times $C$, the **inverse** regularisation strength: small $C$ means a strong penalty
# (small weights, soft probabilities), large $C$ means little penalty. Dividing by $Cn$ shows it is the mean log
# loss plus $\frac{1}{2Cn}\lVert\mathbf w\rVert^2$. The intercept $b$ is not penalised. From §6,
#
# $$\nabla_{\mathbf w}J = \mathbf w + C X^\top(\mathbf p - \mathbf y), \qquad \frac{\partial J}{\partial b} = C\sum_i (p_i - y_i).$$
#
# **Gradient descent** on $J$ works, but like any first-order method it can need thousands of steps when $C$ is
# large (the curvature grows with $C$). **Newton's method** uses the curvature too. Stack $\boldsymbol\theta =
# (\mathbf w, b)$ and append a column of ones, $A = [X \;\; \mathbf 1]$. Then the gradient is
# $\mathbf g = P\boldsymbol\theta + C A^\top(\mathbf p - \mathbf y)$ with $P = \operatorname{diag}(1, \dots, 1, 0)$
# (no penalty on $b$), and the Hessian, the matrix of second derivatives, is
#
# $$H = P + C A^\top S A, \qquad S = \operatorname{diag}\big(p_i(1 - p_i)\big),$$
#
# positive definite, so $J$ is strictly convex with a single minimum. Each Newton step solves $H\boldsymbol\delta = \mathbf g$
# and moves $\boldsymbol\theta \leftarrow \boldsymbol\theta - t\boldsymbol\delta$; with $t = 1$ it converges in a
# handful of steps near the minimum. Far from it a full step can overshoot, so **backtracking** halves $t$ until
# $J$ decreases enough, $J(\boldsymbol\theta - t\boldsymbol\delta) \le J(\boldsymbol\theta) - 10^{-4}\,t\,\mathbf g\cdot\boldsymbol\delta$.
# Stop when $\lVert\mathbf g\rVert$ is tiny.
#
# ### Exercise 4 — `logistic_fit`
#
# Minimise $J$ and return `(w, b)`. Newton's method with backtracking from $\boldsymbol\theta = \mathbf 0$ is the
# suggested route (about 10 iterations); gradient descent is fine too if it gets there (the tests ask for
# coefficients within about $10^{-4}$ of the true minimiser). Use `np.logaddexp` for $\ell_i$ inside $J$.

# %% nbgrader={"grade": false, "grade_id": "logistic_fit", "locked": false, "schema_version": 3, "solution": true, "task": false}
def logistic_fit(X, y, C=1.0, n_iter=100):
    """L2-regularised logistic regression, the objective of sklearn's LogisticRegression(C=C).

    X : features, shape (n, d).  y : labels, shape (n,), each 0 or 1 (both occur).
    C : inverse regularisation strength (float > 0).  n_iter : the most iterations to take.
    Returns (w, b), w of shape (d,) and b a float, minimising
    0.5 * ||w||² + C * sum_i log_loss_i(w, b)   (b is not penalised).
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = X.shape
    A = np.column_stack([X, np.ones(n)])      # the last parameter is the intercept
    penalised = np.r_[np.ones(d), 0.0]        # ½||w||²: b is not penalised
    sign = 1.0 - 2.0 * y                      # loss_i = log(1 + exp(sign_i * z_i))

    def objective(theta):
        return 0.5 * np.sum(penalised * theta ** 2) + C * np.sum(np.logaddexp(0.0, sign * (A @ theta)))

    theta = np.zeros(d + 1)
    for _ in range(n_iter):
        p = np.exp(-np.logaddexp(0.0, -(A @ theta)))
        gradient = penalised * theta + C * A.T @ (p - y)
        if np.linalg.norm(gradient) < 1e-10 * max(1.0, C * n):
            break
        hessian = np.diag(penalised) + C * (A.T * (p * (1 - p))) @ A
        step = np.linalg.solve(hessian, gradient)
        t, current = 1.0, objective(theta)
        while objective(theta - t * step) > current - 1e-4 * t * (gradient @ step) and t > 1e-8:
            t /= 2                            # backtracking: a full step would overshoot
        theta = theta - t * step
    return theta[:d], float(theta[d])
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "logistic_fit_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# One feature, six examples, C = 1 (expected values from LogisticRegression(C=1, tol=1e-12)).
w, b = logistic_fit(np.arange(6.0)[:, None], np.array([0.0, 0.0, 1.0, 0.0, 1.0, 1.0]), 1.0)
expect_close(w, [0.767053722783571], name="w for x = 0..5, C = 1", rtol=1e-5, atol=1e-6)
expect_close(b, -1.917634306638827, name="b for x = 0..5, C = 1", rtol=1e-5, atol=1e-6)
# Two features, C = 10: a separable data set, so only the penalty keeps w finite.
X_two = np.array([[0.0, 1.0], [1.0, 0.5], [2.0, 2.0], [0.5, 2.5], [3.0, 1.0], [2.5, 3.0], [1.0, 1.5], [0.0, 0.0]])
w, b = logistic_fit(X_two, np.array([0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]), 10.0)
expect_close(w, [1.9642326701525268, 2.679375729664593], name="w for two features, C = 10", rtol=1e-5, atol=1e-6)
expect_close(b, -6.546654940845989, name="b for two features, C = 10", rtol=1e-5, atol=1e-6)
print("✓ public checks passed: logistic_fit (one feature with C = 1, separable data with C = 10)")

# %% nbgrader={"grade": true, "grade_id": "logistic_fit_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random data sets of 30 to 300 examples and 1 to 6 features with
# an intercept far from 0, C from 0.01 to 20; (w, b) is compared with LogisticRegression(C, tol=1e-12)'s coef_
# and intercept_ (within about 1e-4), and the message reports the objective and its gradient at your answer.
# Try the same kind of checks on fresh random inputs: check("week03.logistic_fit", logistic_fit)
### BEGIN HIDDEN TESTS
grade("week03.logistic_fit", logistic_fit)
### END HIDDEN TESTS

# %%
check("week03.logistic_fit", logistic_fit);

# %% [markdown]
# ### The decision boundary
#
# The model predicts class 1 when $p > 0.5$, i.e. when $z = \mathbf w\cdot\mathbf x + b > 0$. The **decision
# boundary** $\{\mathbf x : \mathbf w\cdot\mathbf x + b = 0\}$ is a straight line in 2-D (a hyperplane in general),
# perpendicular to $\mathbf w$; the contours of equal probability are parallel lines, closer together when
# $\lVert\mathbf w\rVert$ is larger, i.e. when the model is more confident. A smaller $C$ shrinks $\mathbf w$:
# the same kind of boundary, but softer probabilities. Curved boundaries come from curved features: logistic
# regression on $x_1, x_2, x_1^2, x_1x_2, x_2^2, \dots$ (the explorer's "feature degree").

# %%
from course.explorers.classification import make_dataset

X_blobs, y_blobs, _, _ = make_dataset("overlapping blobs")
grid = np.linspace(-4.5, 4.5, 150)
g1, g2 = np.meshgrid(grid, grid)
try:
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), sharey=True)
    for ax, C in zip(axes, (0.001, 0.05, 100.0)):
        w, b = logistic_fit(X_blobs, y_blobs.astype(float), C)
        probability = 1 / (1 + np.exp(-(w[0] * g1 + w[1] * g2 + b)))
        filled = ax.contourf(g1, g2, probability, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.6)
        ax.contour(g1, g2, probability, levels=[0.5], colors="k")
        ax.scatter(X_blobs[:, 0], X_blobs[:, 1], c=np.where(y_blobs == 1, "C3", "C0"), s=10, edgecolors="k",
                   linewidths=0.3)
        ax.set_title(f"C = {C:g}: w = [{w[0]:.2f}, {w[1]:.2f}], b = {b:.2f}", fontsize=10)
    fig.colorbar(filled, ax=axes, label="P(class 1)")
    plt.show()
except NotImplementedError:
    print("logistic_fit is not implemented yet: finish Exercise 4, then run this cell again.")

# %% [markdown]
# ### Worked example: a diagnostic classifier
#
# The syllabus suggests a spam detector; the same model on an offline data set: 569 breast tumour biopsies with
# 30 measurements each, labelled malignant or benign. Standardise with the **training** set's means and standard
# deviations (never the test set's), fit, and compare with scikit-learn.

# %%
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

cancer = load_breast_cancer()
y_cancer = (cancer.target == 0).astype(float)  # 1 = malignant, the class we want to find
X_train_c, X_test_c, y_train_c, y_test_c = train_test_split(cancer.data, y_cancer, test_size=0.3, random_state=0,
                                                            stratify=y_cancer)
mean_c, std_c = X_train_c.mean(axis=0), X_train_c.std(axis=0)
X_train_c, X_test_c = (X_train_c - mean_c) / std_c, (X_test_c - mean_c) / std_c

reference_model = LogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit(X_train_c, y_train_c)
test_scores = reference_model.predict_proba(X_test_c)[:, 1]  # used again in §9
print(f"scikit-learn: test accuracy {reference_model.score(X_test_c, y_test_c):.3f}")
try:
    w_c, b_c = logistic_fit(X_train_c, y_train_c, 1.0)
    accuracy = np.mean(((X_test_c @ w_c + b_c) > 0) == y_test_c)
    print(f"your logistic_fit: test accuracy {accuracy:.3f}; largest coefficient difference from scikit-learn "
          f"{np.abs(w_c - reference_model.coef_[0]).max():.1e}")
    top = np.argsort(-np.abs(w_c))[:4]
    print("largest weights (standardised features):",
          ", ".join(f"{cancer.feature_names[j]} {w_c[j]:+.2f}" for j in top))
except NotImplementedError:
    print("logistic_fit is not implemented yet: finish Exercise 4, then run this cell again.")

# %% [markdown]
# ### Explorer: the logistic decision boundary and C
#
# Pick a data set and a **feature degree** (1 is a straight boundary), then move **C**. With a high degree and a
# large C the boundary bends around individual training points: training accuracy climbs while test accuracy
# (triangles are test points) stops improving or drops; the right panel shows accuracy against C for the current
# degree. The fits run **your** `logistic_fit` once it passes its checks.

# %%
from course.explorers.classification import decision_regions_explorer

decision_regions_explorer(logistic_fit)

# %% [markdown]
# ## 8. Decision trees
#
# A decision tree predicts by asking a sequence of yes/no questions of the form "is feature $j$ at most $t$?".
# Each question splits the examples in a node into a left child ($x_j \le t$) and a right child; a **leaf**
# predicts the majority class of the training examples that reached it (and their class proportions as
# probabilities). Trees need no feature scaling, handle interactions naturally, and read like rules; they are
# also the building block of next week's random forests and boosting.
#
# **Impurity.** A good question makes the children *purer* than the parent. For a node whose examples have class
# proportions $p_1, \dots, p_K$:
#
# $$\text{Gini} = 1 - \sum_k p_k^2, \qquad \text{entropy} = -\sum_k p_k\log_2 p_k \quad (0\log 0 = 0).$$
#
# Both are 0 for a pure node and largest for an even mix. Gini is the chance that two examples drawn at random
# from the node have different classes; entropy is the number of bits needed to encode a label.
#
# **The best split.** For a split of $n$ examples into $n_L$ left and $n_R$ right, the quality is the children's
# impurity **weighted by their sizes**,
#
# $$I_{\text{split}} = \frac{n_L}{n}\,I(\text{left}) + \frac{n_R}{n}\,I(\text{right}),$$
#
# and the best split minimises it (equivalently, maximises the impurity decrease $I(\text{parent}) - I_{\text{split}}$,
# called the **information gain** for entropy). Only thresholds between two consecutive **distinct** sorted values
# of a feature give different splits; scikit-learn uses their **midpoints**, and so do we. Sorting a feature once
# and accumulating class counts from the left gives every split's counts in one pass: `np.cumsum` of one-hot
# labels in sorted order.
#
# **Growing.** Greedily: find the best split of the root, then of each child, recursively, until a node is pure
# or a limit is reached. Depth is the main knob: a deep tree can isolate every training example (zero training
# error, high variance); a shallow one is too coarse (high bias).

# %%
p = np.linspace(0, 1, 201)
with np.errstate(divide="ignore", invalid="ignore"):
    entropy = -np.nan_to_num(p * np.log2(p)) - np.nan_to_num((1 - p) * np.log2(1 - p))
fig, ax = plt.subplots(figsize=(5.5, 3.5))
ax.plot(p, 1 - p ** 2 - (1 - p) ** 2, label="Gini")
ax.plot(p, entropy, label="entropy (bits)")
ax.plot(p, entropy / 2, ":", label="entropy / 2, to compare shapes")
ax.set_xlabel("share of class 1 in the node")
ax.set_ylabel("impurity")
ax.legend(fontsize=8)
ax.set_title("Impurity of a two-class node")
plt.show()

# %% [markdown]
# ### Worked example by hand
#
# Six examples with one feature: $x = (1, 2, 3, 4, 5, 6)$ and labels $(0, 0, 1, 0, 1, 1)$. The parent's Gini is
# $1 - 0.5^2 - 0.5^2 = 0.5$. The five candidate thresholds are the midpoints $1.5, 2.5, \dots, 5.5$:

# %%
x_hand = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
y_hand = np.array([0, 0, 1, 0, 1, 1])


def gini(labels):
    shares = np.bincount(labels, minlength=2) / len(labels)
    return 1.0 - np.sum(shares ** 2)


print(" threshold | left labels  | right labels | Gini L | Gini R | weighted")
for t in (x_hand[:-1] + x_hand[1:]) / 2:
    left, right = y_hand[x_hand <= t], y_hand[x_hand > t]
    weighted = (len(left) * gini(left) + len(right) * gini(right)) / len(y_hand)
    print(f"   {t:4.1f}    | {str(left):12s} | {str(right):12s} | {gini(left):.3f}  | {gini(right):.3f}  "
          f"| {weighted:.3f}")

# %% [markdown]
# The thresholds 2.5 and 4.5 tie with a weighted Gini of $0.25$, a decrease of $0.25$ from the parent: each
# isolates a pure group of two and leaves a 3-to-1 mix on the other side.
# Both thresholds belong to the same feature. scikit-learn scans a feature's thresholds in increasing order and
# replaces its best split only by a strictly better one, so `DecisionTreeClassifier(max_depth=1)` returns the
# first, 2.5 (a tie between two features goes to the one it happens to visit first, in an order drawn from
# `random_state`). The tests of the next exercise accept any split that is as good as the best one.
#
# ### Exercise 5 — `best_split`
#
# Find the best split of a node over every feature and every midpoint: return `(feature, threshold)`, with
# `feature` an int column index and `threshold` a float, examples with `X[:, feature] <= threshold` going left.
# `y` holds integer class labels (two or more classes); `criterion` is `"gini"` or `"entropy"` (entropy in bits,
# though the base does not change which split wins). Skip features whose values are all equal. Loops over
# features are fine; avoid a Python loop over every threshold if you can (cumulative counts).

# %% nbgrader={"grade": false, "grade_id": "best_split", "locked": false, "schema_version": 3, "solution": true, "task": false}
def best_split(X, y, criterion="gini"):
    """The split of a decision-tree node that minimises the size-weighted impurity of its two children.

    X : features, shape (n, d).  y : integer class labels, shape (n,), at least two classes.
    criterion : "gini" or "entropy".
    Returns (feature, threshold): an int column index and a float threshold, the midpoint between two
    consecutive distinct values of that column; rows with X[:, feature] <= threshold go left.
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    n, d = X.shape
    _, labels = np.unique(y, return_inverse=True)
    one_hot = np.eye(labels.max() + 1)[labels]                 # (n, K)

    def impurity(counts):
        p = counts / counts.sum(axis=1, keepdims=True)
        if criterion == "gini":
            return 1.0 - np.sum(p ** 2, axis=1)
        safe = np.where(p > 0, p, 1.0)                           # 0 log 0 = 0
        return -np.sum(p * np.log2(safe), axis=1)

    best = (np.inf, None, None)
    for j in range(d):
        order = np.argsort(X[:, j], kind="stable")
        values = X[order, j]
        left = np.cumsum(one_hot[order], axis=0)[:-1]           # split after position i: rows 0..i go left
        right = one_hot.sum(axis=0) - left
        n_left = np.arange(1, n)
        weighted = (n_left * impurity(left) + (n - n_left) * impurity(right)) / n
        weighted[values[1:] == values[:-1]] = np.inf            # no threshold between equal values
        i = int(np.argmin(weighted))
        if weighted[i] < best[0]:
            best = (weighted[i], j, (values[i] + values[i + 1]) / 2)
    return best[1], float(best[2])
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "best_split_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Feature 0 separates the classes perfectly at 3.5; feature 1 does not.
X_pure = np.array([[1.0, 3.0], [2.0, 1.0], [3.0, 4.0], [4.0, 1.0], [5.0, 5.0], [6.0, 9.0]])
y_pure = np.array([0, 0, 0, 1, 1, 1])
feature, threshold = best_split(X_pure, y_pure, "gini")
expect_equal(int(feature), 0, name="feature for a perfectly separable column 0")
expect_close(threshold, 3.5, name="threshold for a perfectly separable column 0 (a midpoint)")
# Three classes; the best question is "x1 <= 2.5", which isolates the three examples of class 0.
X_three_classes = np.array([[2.0, 1.0], [1.0, 3.0], [3.0, 2.0], [2.0, 5.0], [1.0, 4.0], [3.0, 6.0], [2.0, 7.0],
                            [1.0, 0.5]])
y_three_classes = np.array([0, 1, 0, 1, 1, 2, 2, 0])
for criterion in ("gini", "entropy"):
    feature, threshold = best_split(X_three_classes, y_three_classes, criterion)
    expect_equal(int(feature), 1, name=f"feature for three classes ({criterion})")
    expect_close(threshold, 2.5, name=f"threshold for three classes ({criterion})")
expect_true(isinstance(feature, (int, np.integer)), f"the feature should be an int; got {type(feature).__name__}.",
            name="the feature is an int")
print("✓ public checks passed: best_split (a pure split, three classes with Gini and entropy)")

# %% nbgrader={"grade": true, "grade_id": "best_split_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random data sets of 12 to 100 examples, 2 to 5 features and 2
# or 3 classes, some with repeated values, one with a constant column, one where Gini and entropy disagree;
# compared with the root of DecisionTreeClassifier(max_depth=1, criterion=...). A different split that is exactly
# as good (a tie) is accepted.
# Try the same kind of checks on fresh random inputs: check("week03.best_split", best_split)
### BEGIN HIDDEN TESTS
grade("week03.best_split", best_split)
### END HIDDEN TESTS

# %%
check("week03.best_split", best_split);

# %% [markdown]
# ### Worked example: grow a tree with your `best_split`
#
# The seed project for trees is a credit-approval system. Simulated applicants have an income (thousands per
# year), a debt-to-income ratio and years in their job; the bank approved those with enough income for their debt
# and a stable job, with some noise. `grow_tree` (from the course package) calls a split function on each node,
# recursively. With your `best_split` it should agree with scikit-learn's tree of the same depth.

# %%
from sklearn.tree import DecisionTreeClassifier
from course.explorers.classification import grow_tree

rng = np.random.default_rng(7)
n_applicants = 400
income = np.round(rng.uniform(15, 120, size=n_applicants))
debt_ratio = np.round(rng.uniform(0, 0.8, size=n_applicants), 2)
years_in_job = np.round(rng.exponential(4, size=n_applicants))
X_credit = np.column_stack([income, debt_ratio, years_in_job])
approved = ((income * (1 - debt_ratio) > 35) & (years_in_job >= 1)) ^ (rng.random(n_applicants) < 0.08)
y_credit = approved.astype(int)
credit_features = ["income", "debt_ratio", "years_in_job"]


def print_rules(tree, names, node=0, indent=""):
    """The tree as nested if/else rules, with the share approved in each leaf."""
    if tree.feature[node] < 0:
        print(f"{indent}→ approve with probability {tree.positive_fraction[node]:.2f}")
        return
    name, threshold = names[tree.feature[node]], tree.threshold[node]
    print(f"{indent}if {name} <= {threshold:g}:")
    print_rules(tree, names, tree.left[node], indent + "    ")
    print(f"{indent}else:  # {name} > {threshold:g}")
    print_rules(tree, names, tree.right[node], indent + "    ")


try:
    credit_tree = grow_tree(X_credit, y_credit, best_split, "gini", max_depth=2)
    print_rules(credit_tree, credit_features)
    sklearn_tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X_credit, y_credit)
    same = np.mean((credit_tree.predict_proba(X_credit, 2) > 0.5) == sklearn_tree.predict(X_credit))
    print(f"\nagreement with DecisionTreeClassifier(max_depth=2) on the training data: {same:.0%}")
except NotImplementedError:
    print("best_split is not implemented yet: finish Exercise 5, then run this cell again.")

# %% [markdown]
# ### Depth, overfitting and pruning
#
# A tree grown until every leaf is pure memorises the training set. Limiting it is called **pruning**:
# *pre-pruning* stops early (`max_depth`, `min_samples_leaf`, `min_impurity_decrease`); *post-pruning* grows the
# full tree and then cuts back the branches that buy the least impurity decrease per leaf (scikit-learn's
# cost-complexity pruning, `ccp_alpha`). Either way the right amount is chosen on validation data. Below, the
# credit data split into training and test sets: training accuracy keeps rising with depth (the numbers count the
# leaves), while test accuracy levels off and then drops as the extra leaves memorise noise.

# %%
X_fit, X_hold, y_fit, y_hold = train_test_split(X_credit, y_credit, test_size=0.4, random_state=1)
depths = range(1, 13)
train_accuracy, test_accuracy, leaves = [], [], []
for depth in depths:
    tree = DecisionTreeClassifier(max_depth=depth, random_state=0).fit(X_fit, y_fit)
    train_accuracy.append(tree.score(X_fit, y_fit))
    test_accuracy.append(tree.score(X_hold, y_hold))
    leaves.append(tree.get_n_leaves())
fig, ax = plt.subplots(figsize=(6.5, 3.6))
ax.plot(depths, train_accuracy, "o-", label="training accuracy")
ax.plot(depths, test_accuracy, "o-", label="test accuracy")
for depth, count in zip(depths, leaves):
    ax.annotate(str(count), (depth, train_accuracy[depth - 1]), textcoords="offset points", xytext=(0, 6),
                fontsize=7, ha="center")
ax.set_xlabel("max_depth (numbers: leaves)")
ax.set_ylabel("accuracy")
ax.legend()
ax.set_title("Deeper trees fit the training data better, not the test data")
plt.show()

# %% [markdown]
# ### Explorer: tree depth and decision regions
#
# The same explorer as in §7, now on trees: every split is parallel to an axis, so the regions are boxes. Raise
# the **depth** and watch the boxes multiply around single points; compare Gini with entropy (usually almost the
# same tree). The tree is grown with **your** `best_split` once it passes its checks. Switch back to logistic
# regression to compare the two families on the same data.

# %%
decision_regions_explorer(logistic_fit, best_split, model="decision tree")

# %% [markdown]
# ## 9. Classification metrics
#
# For a binary classifier, with class 1 the "positive" class we care about (malignant, fraud, spam), every
# prediction falls in one cell of the **confusion matrix**:
#
# | | predicted 0 | predicted 1 |
# |---|---|---|
# | **actual 0** | true negative (TN) | false positive (FP) |
# | **actual 1** | false negative (FN) | true positive (TP) |
#
# | metric | formula | question it answers | range |
# |---|---|---|---|
# | **accuracy** | $\dfrac{TP + TN}{TP + TN + FP + FN}$ | how often is it right? (balanced classes only) | $[0, 1]$ |
# | **precision** | $\dfrac{TP}{TP + FP}$ | when it says positive, how often is it? (cost of false alarms) | $[0, 1]$ |
# | **recall** (sensitivity, TPR) | $\dfrac{TP}{TP + FN}$ | how many positives does it find? (cost of misses) | $[0, 1]$ |
# | **F1** | $\dfrac{2PR}{P + R} = \dfrac{2\,TP}{2\,TP + FP + FN}$ | one number balancing precision and recall | $[0, 1]$ |
# | **ROC-AUC** | area under the ROC curve | how well do the scores rank positives above negatives? | $[0, 1]$ |
# | **log loss** | $-\frac1n\sum_i [y_i\log p_i + (1-y_i)\log(1-p_i)]$ | are the probabilities right (calibrated)? | $[0, \infty)$ |
#
# **Imbalance.** With 1 % positives, a model that always says "negative" has 99 % accuracy and finds nothing:
# recall 0. Accuracy hides the class you care about; precision, recall and F1 for the rare class (and the
# precision-recall curve) do not.
#
# **Zero division.** When the model predicts no positives at all, $TP + FP = 0$ and precision is $0/0$.
# scikit-learn's `zero_division=0` convention reports 0 (and likewise recall 0 when there are no actual
# positives, and F1 0 when precision and recall are both 0). We follow it.
#
# ### Exercise 6 — `classification_metrics`
#
# Return a dict with the keys `"accuracy"`, `"precision"`, `"recall"` and `"f1"` (floats) for labels and
# predictions that are 0 or 1, class 1 being positive, with the zero-division convention above.

# %% nbgrader={"grade": false, "grade_id": "classification_metrics", "locked": false, "schema_version": 3, "solution": true, "task": false}
def classification_metrics(y_true, y_pred):
    """Accuracy, precision, recall and F1 of binary predictions (class 1 is positive), as a dict of floats.

    y_true, y_pred : arrays of shape (n,) holding 0s and 1s.
    Returns {"accuracy": ..., "precision": ..., "recall": ..., "f1": ...}: the numbers of sklearn.metrics'
    accuracy_score, precision_score, recall_score and f1_score with zero_division=0, i.e. precision is 0 when
    nothing is predicted positive, recall is 0 when there are no positives, and F1 is 0 when both are 0.
    """
    ### BEGIN SOLUTION
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    tp = np.sum((y_true == 1) & (y_pred == 1))
    fp = np.sum((y_true == 0) & (y_pred == 1))
    fn = np.sum((y_true == 1) & (y_pred == 0))
    precision = tp / (tp + fp) if tp + fp > 0 else 0.0
    recall = tp / (tp + fn) if tp + fn > 0 else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {"accuracy": float(np.mean(y_true == y_pred)), "precision": float(precision), "recall": float(recall),
            "f1": float(f1)}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "classification_metrics_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# TP = 3, FP = 2, FN = 1, TN = 2.
scores = classification_metrics(np.array([1, 1, 0, 0, 1, 0, 1, 0]), np.array([1, 0, 0, 1, 1, 1, 1, 0]))
expect_true(isinstance(scores, dict), f"classification_metrics should return a dict; got {type(scores).__name__}.",
            name="classification_metrics returns a dict")
for key, value in {"accuracy": 0.625, "precision": 0.6, "recall": 0.75, "f1": 0.6666666666666666}.items():
    expect_close(scores.get(key), value, name=f"classification_metrics(...)[{key!r}] with TP=3, FP=2, FN=1, TN=2")
# Nothing predicted positive: precision is 0/0, reported as 0 (zero_division=0), and so is F1.
never = classification_metrics(np.array([1, 0, 1, 0]), np.array([0, 0, 0, 0]))
for key, value in {"accuracy": 0.5, "precision": 0.0, "recall": 0.0, "f1": 0.0}.items():
    expect_close(never.get(key), value,
                 name=f"classification_metrics(...)[{key!r}] when nothing is predicted positive")
print("✓ public checks passed: classification_metrics (a confusion matrix by hand, nothing predicted positive)")

# %% nbgrader={"grade": true, "grade_id": "classification_metrics_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random labels and predictions, 1 to 200 of them, balanced and
# imbalanced, perfect, never predicting positive, and with no positive labels at all; compared with
# sklearn.metrics (accuracy_score, precision_score, recall_score, f1_score with zero_division=0).
# Try the same kind of checks on fresh random inputs: check("week03.classification_metrics", classification_metrics)
### BEGIN HIDDEN TESTS
grade("week03.classification_metrics", classification_metrics)
### END HIDDEN TESTS

# %%
check("week03.classification_metrics", classification_metrics);

# %% [markdown]
# ### Thresholds and the ROC curve
#
# A probabilistic classifier gives a **score** (here a probability); a **threshold** $t$ turns it into a
# decision, positive when the score is at least $t$. Lowering $t$ finds more positives (recall up) at the price
# of more false alarms (precision usually down). The threshold is a business decision: a cancer screen wants high
# recall, a spam filter high precision.
#
# The **ROC curve** plots the true positive rate $TPR = TP/(TP + FN)$ (recall) against the false positive rate
# $FPR = FP/(FP + TN)$ as $t$ sweeps from $+\infty$ (nothing positive, the point $(0, 0)$) down to $-\infty$
# (everything positive, $(1, 1)$). Each time $t$ passes a score, the curve steps up (a positive) or right
# (a negative); a group of tied scores moves both at once, a diagonal segment. A random ranking follows the
# diagonal; a perfect one goes straight up to $(0, 1)$.
#
# **AUC**, the area under it, has a clean meaning: the probability that a randomly chosen positive scores higher
# than a randomly chosen negative, ties counting ½,
#
# $$\text{AUC} = \frac{1}{n_+ n_-}\sum_{i:\,y_i = 1}\;\sum_{j:\,y_j = 0}\Big([s_i > s_j] + \tfrac12[s_i = s_j]\Big).$$
#
# It does not depend on any threshold, nor on the class balance, and only on the order of the scores. The double
# sum costs $n_+n_-$ comparisons; **ranks** do it in $O(n\log n)$: rank all scores from 1 (lowest) to $n$, giving
# tied scores the average of their ranks. Then the positives' ranks sum to $\frac{n_+(n_+ + 1)}{2}$ (their ranks
# among themselves) plus one for every negative they beat (½ per tie), so
#
# $$\text{AUC} = \frac{\sum_{i:\,y_i = 1}\operatorname{rank}(s_i) - n_+(n_+ + 1)/2}{n_+\,n_-}.$$
#
# ### Exercise 7 — `roc_auc`
#
# Return the ROC-AUC of `scores` for labels `y_true` (0 and 1, both present), handling ties exactly. Either
# formula above is fine (the pairwise one with broadcasting is simplest; ranks scale to large $n$).

# %% nbgrader={"grade": false, "grade_id": "roc_auc", "locked": false, "schema_version": 3, "solution": true, "task": false}
def roc_auc(y_true, scores):
    """Area under the ROC curve: P(score of a random positive > score of a random negative), ties count 1/2.

    y_true : array of shape (n,) of 0s and 1s, both present.  scores : array of shape (n,), higher = more positive.
    Returns a float, the number sklearn.metrics.roc_auc_score gives.
    """
    ### BEGIN SOLUTION
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    order = np.argsort(scores, kind="stable")
    _, first, counts = np.unique(scores[order], return_index=True, return_counts=True)
    ranks = np.empty(len(scores))
    ranks[order] = np.repeat(first + (counts + 1) / 2, counts)   # average 1-based rank of each tied group
    n_positive = np.sum(y_true == 1)
    n_negative = len(y_true) - n_positive
    return float((ranks[y_true == 1].sum() - n_positive * (n_positive + 1) / 2) / (n_positive * n_negative))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "roc_auc_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
expect_close(roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])), 0.75,
             name="roc_auc for scores [0.1, 0.4, 0.35, 0.8] (3 of 4 pairs ranked right)")
# A tie between a positive and a negative counts 1/2: pairs (0.5, 0.5) ½, the other three 1, so 3.5 / 4.
expect_close(roc_auc(np.array([0, 1, 0, 1]), np.array([0.5, 0.5, 0.2, 0.9])), 0.875,
             name="roc_auc with a tied positive and negative")
expect_close(roc_auc(np.array([1, 1, 0, 0]), np.array([0.1, 0.2, 0.3, 0.4])), 0.0,
             name="roc_auc when every negative outscores every positive", atol=1e-12)
expect_close(roc_auc(np.array([1, 0, 1, 0, 0]), np.full(5, 0.3)), 0.5, name="roc_auc when all scores are equal")
print("✓ public checks passed: roc_auc (a small example, a tie, reversed order, constant scores)")

# %% nbgrader={"grade": true, "grade_id": "roc_auc_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random scores for 2 to 200 labels, with many ties, 5 % positives,
# perfect and reversed rankings and constant scores; compared with sklearn.metrics.roc_auc_score.
# Try the same kind of checks on fresh random inputs: check("week03.roc_auc", roc_auc)
### BEGIN HIDDEN TESTS
grade("week03.roc_auc", roc_auc)
### END HIDDEN TESTS

# %%
check("week03.roc_auc", roc_auc);

# %% [markdown]
# ### Worked example: choosing a threshold for the tumour classifier
#
# The scikit-learn model of §7 scores the test biopsies. Missing a malignant tumour is far worse than a false
# alarm that leads to another test, so we look for the highest threshold that still finds at least 98 % of the
# malignant cases, and see what it costs in precision.

# %%
from sklearn.metrics import roc_curve

try:
    print(f"ROC-AUC of the test scores (your roc_auc): {roc_auc(y_test_c, test_scores):.4f}")
    for t in (0.5, 0.2, 0.05):
        m = classification_metrics(y_test_c, (test_scores >= t).astype(int))
        print(f"threshold {t:4.2f}: precision {m['precision']:.3f}, recall {m['recall']:.3f}, F1 {m['f1']:.3f}, "
              f"accuracy {m['accuracy']:.3f}")
except NotImplementedError:
    print("classification_metrics or roc_auc is not implemented yet: finish Exercises 6 and 7, then run this cell.")

fpr, tpr, thresholds = roc_curve(y_test_c, test_scores)
chosen = np.argmax(tpr >= 0.98)  # the first (highest) threshold reaching 98 % recall
fig, ax = plt.subplots(figsize=(4.8, 4.3))
ax.plot(fpr, tpr, label="logistic regression")
ax.plot([0, 1], [0, 1], ":", color="grey", label="random ranking")
ax.plot(fpr[chosen], tpr[chosen], "ko", label=f"threshold {thresholds[chosen]:.3f}: recall ≥ 98 %")
ax.set_xlabel("false positive rate")
ax.set_ylabel("true positive rate (recall)")
ax.set_title("ROC curve of the tumour classifier (test set)")
ax.legend(fontsize=8, loc="lower right")
plt.show()

# %% [markdown]
# ### Explorer: the threshold, the confusion matrix and the ROC point
#
# Scores for 1000 examples from a classifier whose positives score higher on average (scores, not calibrated
# probabilities); the ROC-AUC stays put when you change the share of positives. Move the **threshold** and
# follow the confusion matrix, precision and recall, and the operating point sliding along the ROC and
# precision-recall curves (the curves themselves do not change). Then make the positives **rare** (share 0.04)
# and watch accuracy stay high while precision collapses; make the classes **overlap** (separation 0) and watch
# the ROC curve fall onto the diagonal. The metrics come from **your** `classification_metrics` and `roc_auc`
# once they pass their checks.

# %%
from course.explorers.threshold import threshold_explorer

threshold_explorer(classification_metrics, roc_auc)

# %% [markdown]
# ## 10. Multiclass classification
#
# With $K > 2$ classes, labelled $0, 1, \dots, K-1$, a linear classifier keeps one weight vector and one
# intercept per class: the **scores** (logits) of example $\mathbf x$ are $z_k = \mathbf x\cdot\mathbf w_k + b_k$,
# one per class, and the **softmax** turns them into probabilities that are positive and sum to 1,
#
# $$p_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}.$$
#
# The predicted class is the one with the largest score. Adding the same constant to every $z_k$ leaves the
# probabilities unchanged, which gives two practical facts:
#
# * **Stability.** $e^{z}$ overflows to `inf` once $z > 709$ in float64; subtract each row's largest score
#   before `np.exp` (then the largest exponent is $e^0 = 1$) and the probabilities are the same, without
#   overflow.
# * **Identifiability.** Adding the same constant to every intercept $b_k$ changes no probability, so the
#   intercepts are determined only up to a common shift. The weights are too, without a penalty; with the
#   penalty below, $\mathbf W$ is unique and its columns sum to zero at the minimum.
#
# **Softmax regression** (multinomial logistic regression) minimises the mean **cross-entropy** plus a ridge
# penalty on the weights, with $Y$ the one-hot labels ($Y_{ik} = 1$ when $y_i = k$):
#
# $$J(\mathbf W, \mathbf b) = -\frac1n\sum_{i=1}^n \log p_{i, y_i} + \frac{\alpha}{2}\lVert\mathbf W\rVert^2,
# \qquad \nabla_{\mathbf W} J = \frac1n X^\top(P - Y) + \alpha\mathbf W,\qquad
# \nabla_{\mathbf b} J = \frac1n \mathbf 1^\top(P - Y).$$
#
# The gradient has the same form as for the binary logistic regression of §6: "predicted minus actual", now a
# matrix $P - Y$ of shape $(n, K)$. With $K = 2$ it is the binary model again. scikit-learn's
# `LogisticRegression` fits this model for multiclass labels (the default), minimising
# $\tfrac12\lVert\mathbf W\rVert^2 + C\sum_i(-\log p_{i,y_i})$; dividing by $nC$ shows it is our objective with
# $\alpha = 1/(nC)$, that is $C = 1/(\alpha n)$.
#
# **One-vs-rest** (OvR) is the other classic route: fit $K$ separate binary classifiers, "class $k$ or not", and
# predict the class whose classifier gives the highest score. Any binary classifier can be used that way
# (scikit-learn's `OneVsRestClassifier`), but its $K$ binary probabilities are fitted separately and need not sum
# to 1 (scikit-learn rescales them so that they do); softmax regression fits all the classes together, with one
# probability model.
#
# ### Exercise 8 — `softmax_regression`
#
# Fit $(\mathbf W, \mathbf b)$ by **full-batch gradient descent** on $J$, starting from $\mathbf W = 0$,
# $\mathbf b = 0$, with step size `lr` for `n_steps` steps: each step computes $P$ (stably) at the current
# parameters and then updates $\mathbf W$ and $\mathbf b$ together. `W` has shape `(d, n_classes)` (column $k$ is
# $\mathbf w_k$), `b` shape `(n_classes,)`. The checks use step sizes and step counts for which gradient descent
# has converged, and compare with scikit-learn's `LogisticRegression(C=1/(alpha*n))`: your `W`, your class
# probabilities, and your `b` after subtracting its mean (the common shift is not determined).

# %% nbgrader={"grade": false, "grade_id": "softmax_regression", "locked": false, "schema_version": 3, "solution": true, "task": false}
def softmax_regression(X, y, n_classes, alpha, lr, n_steps):
    """Softmax regression by full-batch gradient descent on mean cross-entropy + (alpha/2)‖W‖² (b unpenalised).

    X : array (n, d).  y : int array (n,) with labels in 0 .. n_classes - 1.  alpha > 0, lr > 0, n_steps >= 0.
    Starts from W = 0, b = 0 and takes n_steps steps W -= lr * (X.T @ (P - Y) / n + alpha * W),
    b -= lr * (P - Y).sum(axis=0) / n, with P = softmax(X @ W + b) row by row and Y the one-hot labels.
    Returns (W, b): W of shape (d, n_classes), b of shape (n_classes,).
    """
    ### BEGIN SOLUTION
    n, d = X.shape
    Y = np.eye(n_classes)[y]
    W, b = np.zeros((d, n_classes)), np.zeros(n_classes)
    for _ in range(n_steps):
        Z = X @ W + b
        Z = Z - Z.max(axis=1, keepdims=True)   # the same probabilities, and no overflow
        P = np.exp(Z)
        P /= P.sum(axis=1, keepdims=True)
        G = (P - Y) / n
        W, b = W - lr * (X.T @ G + alpha * W), b - lr * G.sum(axis=0)
    return W, b
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "softmax_regression_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
X_three = np.array([[0.0], [1.0], [2.0]])
y_three = np.array([0, 1, 2])
# One step from W = 0, b = 0: P = 1/3 everywhere, so W = -lr * X.T @ (P - Y) / n and b = -lr * (P - Y).sum(0) / n.
W_one, b_one = softmax_regression(X_three, y_three, 3, alpha=0.1, lr=1.0, n_steps=1)
expect_close(W_one, [[-1 / 3, 0.0, 1 / 3]], name="W after one step (X = [[0], [1], [2]], y = [0, 1, 2])",
             atol=1e-12)
expect_close(b_one, [0.0, 0.0, 0.0], name="b after one step (each class occurs once)", atol=1e-12)
W_zero, b_zero = softmax_regression(X_three, y_three, 3, alpha=0.1, lr=1.0, n_steps=0)
expect_close(W_zero, np.zeros((1, 3)), name="W after 0 steps (the starting point)")
# Scores of ±500000 after one step: without subtracting each row's maximum first, np.exp overflows (NaN).
# Step 1 gives W = [[500, -500]]; then P = Y exactly, and each step only shrinks W by (1 - lr * alpha) = 0.9.
W_big, b_big = softmax_regression(np.array([[1000.0], [-1000.0]]), np.array([0, 1]), 2, alpha=0.1, lr=1.0,
                                  n_steps=3)
expect_close(W_big, [[405.0, -405.0]], name="W with scores near ±500000 (X = [[1000], [-1000]])")
expect_close(b_big, [0.0, 0.0], name="b with scores near ±500000", atol=1e-9)
print("✓ public checks passed: softmax_regression (one step by hand, zero steps, large scores)")

# %% nbgrader={"grade": true, "grade_id": "softmax_regression_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): 12 to 150 examples, 1 to 4 features, 3 to 5 classes, alpha
# from 0.05 to 0.5, with lr and n_steps for which gradient descent has converged; compared with scikit-learn's
# LogisticRegression(C=1/(alpha*n)) (W, the probabilities, and b after subtracting its mean).
# Try the same kind of checks on fresh random inputs: check("week03.softmax_regression", softmax_regression)
### BEGIN HIDDEN TESTS
grade("week03.softmax_regression", softmax_regression)
### END HIDDEN TESTS

# %%
check("week03.softmax_regression", softmax_regression);

# %% [markdown]
# ### Multiclass metrics: per class, then averaged
#
# The **multiclass confusion matrix** $M$ has one row per actual class and one column per predicted class:
# $M_{jk}$ counts the examples of class $j$ predicted as $k$, the diagonal holds the correct predictions, and
# accuracy is $\operatorname{trace}(M)/n$. Each class $k$ has its own one-vs-rest counts: $TP_k = M_{kk}$,
# $FP_k$ the rest of column $k$ (predicted $k$, actually another class), $FN_k$ the rest of row $k$. They give a
# precision, recall and F1 per class, with the zero-division convention of §9 (a class never predicted has
# precision 0, a class absent from `y_true` recall 0, and F1 $= 2TP/(2TP + FP + FN)$ is 0 when that is $0/0$).
#
# Three ways to sum them up in one number (scikit-learn's `average=`):
#
# | average | how | what it says |
# |---|---|---|
# | `"macro"` | the plain mean of the per-class scores | every class counts the same, however rare |
# | `"weighted"` | the mean weighted by each class's **support** (its number of true examples) | dominated by the large classes |
# | `"micro"` | pool $TP$, $FP$, $FN$ over the classes, then one precision, recall and F1 | every example counts the same |
#
# When every example has exactly one true and one predicted label among the classes scored, each error is one
# false positive (for the predicted class) and one false negative (for the true class), so $\sum_k FP_k =
# \sum_k FN_k$: micro precision, micro recall and micro F1 are all equal to the **accuracy**. Macro F1 is the
# mean of the per-class F1 scores, which is not the harmonic mean of macro precision and macro recall.
#
# ### Exercise 9 — `averaged_scores`
#
# Return `(precision, recall, f1)` (floats) averaged over the classes in `labels` with `average` one of
# `"macro"`, `"micro"`, `"weighted"`. Every value of `y_true` and `y_pred` is among `labels`; a label may occur in
# neither (it then scores 0 and still counts in the macro mean).

# %% nbgrader={"grade": false, "grade_id": "averaged_scores", "locked": false, "schema_version": 3, "solution": true, "task": false}
def averaged_scores(y_true, y_pred, labels, average):
    """Averaged multiclass precision, recall and F1, as sklearn.metrics.precision_recall_fscore_support gives.

    y_true, y_pred : int arrays (n,), every value among labels.  labels : list of the classes to score.
    average : "macro" (mean over classes), "micro" (pooled counts) or "weighted" (mean weighted by support).
    zero_division=0: a 0/0 precision, recall or F1 counts as 0. Returns (precision, recall, f1) as floats.
    """
    ### BEGIN SOLUTION
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    classes = np.asarray(labels)[:, None]
    tp = np.sum((y_true == classes) & (y_pred == classes), axis=1).astype(float)
    predicted = np.sum(y_pred == classes, axis=1).astype(float)
    support = np.sum(y_true == classes, axis=1).astype(float)

    def ratio(top, bottom):
        return np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)

    if average == "micro":
        tp, predicted, support = tp.sum(keepdims=True), predicted.sum(keepdims=True), support.sum(keepdims=True)
    scores = ratio(tp, predicted), ratio(tp, support), ratio(2 * tp, predicted + support)
    weights = support if average == "weighted" else np.ones_like(tp)
    return tuple(float(np.sum(weights * s) / np.sum(weights)) for s in scores)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "averaged_scores_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Class 0: TP 2, FP 2, FN 0; class 1: TP 1, FP 1, FN 1; class 2 (never predicted): TP 0, FP 0, FN 2.
y_true_m = np.array([0, 0, 1, 1, 2, 2])
y_pred_m = np.array([0, 0, 1, 0, 1, 0])
expect_close(averaged_scores(y_true_m, y_pred_m, [0, 1, 2], "micro"), [0.5, 0.5, 0.5],
             name="averaged_scores(..., average='micro') (equals the accuracy, 3/6)")
# Per class: precision (1/2, 1/2, 0), recall (1, 1/2, 0), F1 (2/3, 1/2, 0).
expect_close(averaged_scores(y_true_m, y_pred_m, [0, 1, 2], "macro"), [1 / 3, 1 / 2, 7 / 18],
             name="averaged_scores(..., average='macro')")
expect_close(averaged_scores(y_true_m, y_pred_m, [0, 1, 2], "weighted"), [1 / 3, 1 / 2, 7 / 18],
             name="averaged_scores(..., average='weighted') (equal supports: as macro)")
# Supports 3 and 1: weighted is (3 · class 0 + 1 · class 1) / 4.
expect_close(averaged_scores(np.array([0, 0, 0, 1]), np.array([0, 0, 1, 1]), [0, 1], "weighted"),
             [0.875, 0.75, 0.7666666666666667], name="averaged_scores(..., average='weighted'), supports 3 and 1")
print("✓ public checks passed: averaged_scores (micro, macro and weighted by hand, a class never predicted)")

# %% nbgrader={"grade": true, "grade_id": "averaged_scores_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): 1 to 200 labels of 2 to 5 classes (shuffled or non-contiguous
# label values), a class never predicted, a class absent from y_true, a label that occurs nowhere, each with the
# three averages; compared with sklearn.metrics.precision_recall_fscore_support(..., zero_division=0).
# Try the same kind of checks on fresh random inputs: check("week03.averaged_scores", averaged_scores)
### BEGIN HIDDEN TESTS
grade("week03.averaged_scores", averaged_scores)
### END HIDDEN TESTS

# %%
check("week03.averaged_scores", averaged_scores);

# %% [markdown]
# ### Exercise 10 — `confusion_matrix_multiclass`
#
# Return the confusion matrix as an int array of shape `(K, K)` for `K = len(labels)`: entry `[j, k]` counts the
# examples whose true label is `labels[j]` and predicted label is `labels[k]`, in the order of `labels` (which
# need not be sorted, nor be `0 .. K-1`).

# %% nbgrader={"grade": false, "grade_id": "confusion_matrix_multiclass", "locked": false, "schema_version": 3, "solution": true, "task": false}
def confusion_matrix_multiclass(y_true, y_pred, labels):
    """Counts M[j, k] of examples with true label labels[j] predicted as labels[k], as an int array (K, K).

    y_true, y_pred : int arrays (n,), every value among labels.  labels : list of the K classes, in the order of
    the rows and columns. The matrix sklearn.metrics.confusion_matrix(y_true, y_pred, labels=labels) gives.
    """
    ### BEGIN SOLUTION
    index = {label: position for position, label in enumerate(labels)}
    rows = np.array([index[label] for label in np.asarray(y_true).tolist()], dtype=int)
    columns = np.array([index[label] for label in np.asarray(y_pred).tolist()], dtype=int)
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    np.add.at(matrix, (rows, columns), 1)
    return matrix
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "confusion_matrix_multiclass_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
expect_equal(confusion_matrix_multiclass(y_true_m, y_pred_m, [0, 1, 2]), np.array([[2, 0, 0], [1, 1, 0], [1, 1, 0]]),
             name="confusion_matrix_multiclass (rows: actual, columns: predicted)")
expect_equal(confusion_matrix_multiclass(np.array([7, 3, 3]), np.array([3, 3, 7]), [7, 3]),
             np.array([[0, 1], [1, 1]]), name="confusion_matrix_multiclass with labels [7, 3] (in that order)")
print("✓ public checks passed: confusion_matrix_multiclass (a small matrix by hand, labels in a given order)")

# %% nbgrader={"grade": true, "grade_id": "confusion_matrix_multiclass_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): 1 to 100 labels of 2 to 5 classes, labels shuffled or
# non-contiguous, classes never predicted or absent; compared with sklearn.metrics.confusion_matrix(labels=...).
# Try the same kind of checks on fresh random inputs: check("week03.confusion_matrix_multiclass", confusion_matrix_multiclass)
### BEGIN HIDDEN TESTS
grade("week03.confusion_matrix_multiclass", confusion_matrix_multiclass)
### END HIDDEN TESTS

# %%
check("week03.confusion_matrix_multiclass", confusion_matrix_multiclass);

# %% [markdown]
# ### Worked example: three wine cultivars
#
# scikit-learn's wine data (178 wines from three cultivars, 13 chemical measurements, bundled with the library)
# standardised, split in half, and fitted with your `softmax_regression` (scikit-learn's `LogisticRegression`
# until yours is implemented). The table shows the per-class scores and the three averages, the matrix which
# cultivars are confused with which.

# %%
import pandas as pd
from sklearn.datasets import load_wine
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import train_test_split

wine = load_wine()
X_wine_train, X_wine_test, y_wine_train, y_wine_test = train_test_split(
    wine.data, wine.target, test_size=0.5, random_state=0, stratify=wine.target)
wine_mean, wine_std = X_wine_train.mean(axis=0), X_wine_train.std(axis=0)
X_wine_train, X_wine_test = (X_wine_train - wine_mean) / wine_std, (X_wine_test - wine_mean) / wine_std
wine_alpha = 0.05
try:
    W_wine, b_wine = softmax_regression(X_wine_train, y_wine_train, 3, alpha=wine_alpha, lr=0.5, n_steps=2000)
    wine_pred = np.argmax(X_wine_test @ W_wine + b_wine, axis=1)
    whose = "your softmax_regression"
except NotImplementedError:
    wine_model = LogisticRegression(C=1 / (wine_alpha * len(y_wine_train))).fit(X_wine_train, y_wine_train)
    wine_pred = wine_model.predict(X_wine_test)
    whose = "scikit-learn's LogisticRegression (softmax_regression is not implemented yet)"
print(f"predictions from {whose}; test accuracy {np.mean(wine_pred == y_wine_test):.3f}")

per_class = precision_recall_fscore_support(y_wine_test, wine_pred, labels=[0, 1, 2], zero_division=0)
table = pd.DataFrame({"precision": per_class[0], "recall": per_class[1], "f1": per_class[2],
                      "support": per_class[3]}, index=[f"cultivar {k}" for k in range(3)])
for average in ("macro", "weighted", "micro"):
    p, r, f, _ = precision_recall_fscore_support(y_wine_test, wine_pred, average=average, zero_division=0)
    table.loc[f"{average} average"] = [p, r, f, len(y_wine_test)]
display(table.round(3))
display(pd.DataFrame(confusion_matrix(y_wine_test, wine_pred), index=[f"actual {k}" for k in range(3)],
                     columns=[f"predicted {k}" for k in range(3)]))

# %% [markdown]
# ## 11. Project: a spam detector
#
# The source syllabus's project for logistic regression: tell spam from ordinary messages. The course generates
# its messages (`course.datasets.spam_corpus`: 800 short texts from templates, 28 % spam, with realistic trouble:
# ham that mentions prizes, money and links, spam that poses as a friend, a friend forwarding a spam, dropped words
# and typos), so nothing is downloaded. Text is not a matrix yet; the classic recipe makes it one:
#
# 1. **Bag of words.** A vocabulary of the words seen in the training messages, and for each message the count
#    of each word: an $n \times d$ matrix of counts, most of them 0. Word order is lost; for spam it hardly matters.
# 2. **TF-IDF.** A word that appears in every message ("the") says nothing; a rare one ("refund") says a lot.
#    Weight each count by the word's **inverse document frequency**, then scale each message's row to unit length
#    so that long messages do not dominate. With $n$ training documents, $\mathrm{df}_j$ the number of them that
#    contain word $j$, and the smoothing scikit-learn uses (as if one extra document contained every word once):
#
# $$\mathrm{idf}_j = \ln\frac{1 + n}{1 + \mathrm{df}_j} + 1, \qquad
#   \mathbf t_i = \frac{\mathbf c_i \odot \mathrm{idf}}{\lVert\mathbf c_i \odot \mathrm{idf}\rVert_2}
#   \quad(\mathbf t_i = \mathbf 0 \text{ when the message has no known word}).$$
#
# 3. **A linear classifier** on those rows: your `logistic_fit` of §7.
#
# The idf is learnt from the **training** messages only and reused, unchanged, for new ones: recomputing it on the
# test messages would be the leakage of week 4.
#
# ### Exercise 11 — `tfidf`
#
# `tfidf(counts)` returns `(weights, idf)` for a training count matrix; `tfidf(counts, idf)` applies a given idf
# to new documents and returns it unchanged. Match `sklearn.feature_extraction.text.TfidfTransformer()` with its
# defaults. Do not modify `counts`.

# %% nbgrader={"grade": false, "grade_id": "tfidf", "locked": false, "schema_version": 3, "solution": true, "task": false}
def tfidf(counts, idf=None):
    """TF-IDF weights of documents, as sklearn's TfidfTransformer() (smooth idf, rows scaled to unit L2 norm).

    counts : array (n_documents, n_words) of word counts.
    idf    : None to learn the idf from these documents, or an array (n_words,) learnt earlier.
    Returns (weights, idf): weights of shape (n_documents, n_words), rows of norm 1 (or all 0), and the idf used.
    """
    ### BEGIN SOLUTION
    counts = np.asarray(counts, dtype=float)
    if idf is None:
        document_frequency = (counts > 0).sum(axis=0)
        idf = np.log((1 + len(counts)) / (1 + document_frequency)) + 1
    weights = counts * idf
    lengths = np.linalg.norm(weights, axis=1, keepdims=True)
    return np.divide(weights, lengths, out=np.zeros_like(weights), where=lengths > 0), idf
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "tfidf_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# scikit-learn's own example: 6 documents, 3 words; word 0 is in every document, so its idf is 1.
counts_example = np.array([[3, 0, 1], [2, 0, 0], [3, 0, 0], [4, 0, 0], [3, 2, 0], [3, 0, 2]])
weights_example, idf_example = tfidf(counts_example)
expect_close(idf_example, [1.0, 2.252762968495368, 1.8472978603872037], name="idf of the three words",
             slips={"no smoothing, idf = ln(n / df) + 1": [1.0, 2.791759469228055, 2.09861228866811],
                    "no + 1, idf = ln((1 + n) / (1 + df))": [0.0, 1.252762968495368, 0.8472978603872037]})
expect_close(weights_example[0], [0.85151334721046, 0.0, 0.5243329281310096], name="the first document's weights",
             slips={"rows scaled by their L1 norm (the sum)": [0.6189015171764912, 0.0, 0.38109848282350883],
                    "no scaling of the rows": [3.0, 0.0, 1.8472978603872037]})
expect_close(weights_example[4], [0.5542289327998063, 0.8323642772534078, 0.0], name="the fifth document's weights")
new_weights, same_idf = tfidf(np.array([[0, 1, 1], [0, 0, 0]]), idf_example)
expect_close(new_weights, [[0.0, 0.7732623667832087, 0.6340862024337309], [0.0, 0.0, 0.0]],
             name="two new documents with the training idf (one with no known word)")
expect_close(same_idf, idf_example, name="the idf returned when one is given (unchanged)")
expect_unchanged(counts_example, [[3, 0, 1], [2, 0, 0], [3, 0, 0], [4, 0, 0], [3, 2, 0], [3, 0, 2]], "tfidf",
                 "counts", name="counts is unchanged after tfidf")
print("✓ public checks passed: tfidf (smoothed idf, unit rows, new documents, an empty document)")

# %% nbgrader={"grade": true, "grade_id": "tfidf_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests (run when the notebook is graded): random count matrices from 2 to 50 documents and 3 to 20 words,
# with a word in every document, a word in none of the training documents, a document with no known word, and new
# documents weighted with the training idf; compared with TfidfTransformer().fit(train).transform(...).
# Try the same kind of checks on fresh random inputs: check("week03.tfidf", tfidf)
### BEGIN HIDDEN TESTS
grade("week03.tfidf", tfidf)
### END HIDDEN TESTS

# %% [markdown]
# ### The detector, end to end
#
# Split first, stratified; learn the vocabulary (words seen in at least two training messages) and the idf on the
# training messages only; fit your `logistic_fit` on their TF-IDF rows; judge on the 200 test messages with the
# metrics of §9. On spam the two errors cost differently: a spam let through is a nuisance, a friend's message lost
# in the spam folder is worse, so **precision** (of what is flagged, how much is spam) matters at least as much as
# recall.

# %%
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.metrics import accuracy_score, precision_score, recall_score

from course.datasets import spam_corpus

messages, is_spam = spam_corpus()
print(pd.Series(is_spam).map({0: "ham", 1: "spam"}).value_counts().to_string())
print(pd.DataFrame({"message": messages[:6], "spam": is_spam[:6]}).to_string(index=False))
messages_train, messages_test, spam_train, spam_test = train_test_split(messages, is_spam, test_size=0.25,
                                                                        stratify=is_spam, random_state=0)
vocabulary = CountVectorizer(min_df=2).fit(messages_train)
counts_train = vocabulary.transform(messages_train).toarray()
counts_test = vocabulary.transform(messages_test).toarray()
print(f"{counts_train.shape[1]} words in the vocabulary; {counts_train.shape[0]} training and "
      f"{counts_test.shape[0]} test messages")

# %%
try:
    tfidf_train, spam_idf = tfidf(counts_train)
    tfidf_test, _ = tfidf(counts_test, spam_idf)
    spam_w, spam_b = logistic_fit(tfidf_train, spam_train, C=10.0)
    flagged = (tfidf_test @ spam_w + spam_b > 0).astype(int)
    print(f"test accuracy {accuracy_score(spam_test, flagged):.3f}, precision {precision_score(spam_test, flagged):.3f}, "
          f"recall {recall_score(spam_test, flagged):.3f}")
    words = vocabulary.get_feature_names_out()
    order = np.argsort(spam_w)
    print("most spam-like words:", ", ".join(words[order[::-1][:8]]))
    print("most ham-like words: ", ", ".join(words[order[:8]]))
    for text, truth, guess in zip(messages_test, spam_test, flagged):
        if truth != guess:
            print(f"  wrong: {text!r} is {'spam' if truth else 'ham'}, flagged as {'spam' if guess else 'ham'}")
except NotImplementedError as missing:
    print(f"not implemented yet ({missing}): finish tfidf (and logistic_fit in §7), then run this cell again.")

# %% [markdown]
# One error in 200 (accuracy 0.995: precision 0.983, recall 1): a forwarded spam, whose text *is* spam while the
# message is not. No bag of words can tell; the sender could. The spam-like words are the ones the templates
# suggest ("refund", "reply", "reward", "yes", "number", "now"), the ham-like ones include "lol", "legit" and
# "look", the words friends put in front of a forward. A real filter adds the sender, the links' domains and the
# user's own corrections, and is tuned for precision with the threshold of §9's ROC curve.

# %% [markdown]
# ## 12. Checkpoint: bias and variance, and choosing a metric
#
# Three short questions, checked when the notebook is graded (the cell under each answer only checks its
# format), and one answer in your own words.
#
# **Q1.** A bank flags fraudulent card payments; 0.5 % of payments are fraud. Which evaluation is most useful?
#
# - (a) Accuracy on the test set: it counts every payment.
# - (b) Precision and recall (or F1, or the precision-recall curve) for the fraud class on the test set.
# - (c) Accuracy on the training set, since the test set has too few frauds.
# - (d) The mean squared error between the 0/1 labels and the 0/1 predictions.

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
# **Q2.** On a test set a classifier has TP = 40, FP = 10, FN = 20 and TN = 930. What is its F1 score? (A number;
# three decimals are enough.)

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to a number.
### BEGIN SOLUTION
q2_answer = 2 * 40 / (2 * 40 + 10 + 20)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, (int, float, np.integer, np.floating)) and not isinstance(q2_answer, bool),
            f"q2_answer should be a number such as 0.5; got {q2_answer!r}.", name="q2_answer is a number")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q2_answer, 0.7272727272727273, name="the answer to question 2 (q2_answer)", rtol=0, atol=6e-4)
### END HIDDEN TESTS

# %% [markdown]
# **Q3.** A degree-15 polynomial regression has training MSE 0.01 and test MSE 3.2; a degree-3 one has training
# MSE 0.09 and test MSE 0.12 on the same data (noise variance about 0.09). What describes the degree-15 model,
# and what would help it?
#
# - (a) High bias: add more features (raise the degree further).
# - (b) High bias: lower the ridge penalty alpha towards 0.
# - (c) High variance: raise the ridge penalty alpha (or lower the degree, or get more data).
# - (d) Neither: the training error is what matters, so it is the better model.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q3_answer = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, str) and q3_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q3_answer should be one of the letters "a", "b", "c", "d"; got {q3_answer!r}.',
            name="q3_answer is one of the letters a, b, c, d")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q3_answer, "c", name="the answer to question 3 (q3_answer)")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "explain_bias_variance_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q4 (written, 3 points, graded by a person).** In a short paragraph: what are the bias and the variance of a
# model, and how do the three knobs of this week (the polynomial degree, ridge's alpha, a tree's depth) move each
# of them? How would you choose the value of such a knob without looking at the test set? Write your answer in
# the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "explain_bias_variance", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# Bias is the error of the model's average prediction, averaged over the training sets it could have been trained
# on: a model too simple to represent the truth (a line for a curve, a depth-1 tree) is wrong in the same way
# every time. Variance is how much the fitted model changes from one training set to another: a very flexible
# model follows the noise of its particular sample. The expected test error is bias² + variance + the noise
# variance. Raising the polynomial degree or a tree's depth adds flexibility: bias falls, variance rises, and the
# test error is U-shaped while the training error keeps falling. Raising ridge's alpha works the other way: it
# shrinks the weights, cutting variance at the price of some bias (too much alpha flattens every fit towards the
# mean). To choose the knob, hold out a validation set (or use k-fold cross-validation) from the training data,
# fit each candidate value on the rest, pick the value with the smallest validation error, and only then report
# the error on the untouched test set.

# %% [markdown]
# ## Summary
#
# * **Linear regression** minimises the mean squared error; centre the data, solve the normal equations for
#   $\mathbf w$, and recover $b = \bar y - \bar{\mathbf x}\cdot\mathbf w$. Gradient descent reaches the same answer,
#   fast on standardised features.
# * **Ridge** adds $\alpha\lVert\mathbf w\rVert^2$ (never on the intercept): $(X_c^\top X_c + \alpha I)\mathbf w =
#   X_c^\top\mathbf y_c$, always solvable, and shrinking the weights trades variance for bias.
# * **Bias-variance:** expected test error = bias² + variance + noise. Degree and depth raise flexibility (less
#   bias, more variance); penalties lower it. Training error alone always favours the most flexible model.
# * **Regression metrics:** MSE/RMSE punish large errors, MAE is robust, R² compares with predicting the mean (and
#   can be negative), MAPE is relative and breaks near zero targets.
# * **Logistic regression:** $p = \sigma(\mathbf w\cdot\mathbf x + b)$, log loss, gradient $\frac1n X^\top(\mathbf p - \mathbf y)$;
#   compute the loss with `logaddexp`. scikit-learn's objective is $\tfrac12\lVert\mathbf w\rVert^2 + C\sum\ell_i$;
#   Newton's method fits it in a few steps; the decision boundary $\mathbf w\cdot\mathbf x + b = 0$ is a hyperplane.
# * **Decision trees:** greedy splits minimising the size-weighted Gini or entropy of the children, at midpoints
#   between sorted distinct values; depth controls overfitting, pruning limits it.
# * **Classification metrics:** the confusion matrix gives accuracy, precision, recall and F1 (0 on zero division);
#   accuracy misleads on imbalanced data; the threshold trades precision against recall; ROC-AUC is the chance a
#   positive outranks a negative, independent of the threshold.
# * **Multiclass:** softmax regression gives $K$ scores and probabilities $p_k \propto e^{z_k}$ (subtract the row
#   maximum before `np.exp`); its gradient is $\frac1n X^\top(P - Y) + \alpha\mathbf W$, and it matches
#   `LogisticRegression(C=1/(alpha n))`. One-vs-rest fits $K$ binary models instead. Per-class precision, recall
#   and F1 come from the $K\times K$ confusion matrix; macro averages classes equally, weighted by support, and
#   micro pools the counts (equal to accuracy for single-label data).
#
# Next week (Supervised learning II): many trees at once (random forests and out-of-bag error, gradient boosting
# with early stopping), support vector machines and kernels, cross-validation, and the pitfalls that make a good
# score lie: leakage, imbalance and scaling.
