"""Week 03 §3's claims about Gaussian maximum likelihood and the lasso, checked against scikit-learn and SciPy."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Lasso


def _houses():
    """The house data of week 03 §2, drawn as the notebook draws them."""
    rng = np.random.default_rng(3)
    area, age = rng.uniform(40, 200, size=200), rng.uniform(0, 60, size=200)
    X = np.column_stack([area, age])
    return X, 50 + 3.0 * area - 1.2 * age + rng.normal(scale=25, size=200)


def test_the_gaussian_maximum_likelihood_weights_are_the_least_squares_weights():
    X, y = _houses()
    A = np.column_stack([np.ones(len(y)), X])
    least_squares = np.linalg.lstsq(A, y, rcond=None)[0]

    def nll(theta):
        r = y - A @ theta[:3]
        return len(y) / 2 * np.log(2 * np.pi) + len(y) * theta[3] + r @ r / (2 * np.exp(2 * theta[3]))
    mle = minimize(nll, x0=np.array([0.0, 0.0, 0.0, np.log(y.std())]), method="BFGS", options={"gtol": 1e-9}).x
    assert mle[:3] == pytest.approx(least_squares, rel=1e-4, abs=1e-3)
    residuals = y - A @ least_squares
    assert np.exp(mle[3]) == pytest.approx(np.sqrt(np.mean(residuals ** 2)), rel=1e-4)   # sigma² = SSE / n
    assert 20 < np.exp(mle[3]) < 30                                                       # "drawn with 25"


@pytest.mark.parametrize("alpha, kept", [(0.3, ["bmi", "bp", "s3", "s5"]), (1.0, ["bmi", "bp", "s5"])])
def test_the_lasso_keeps_the_features_the_lesson_names(alpha, kept):
    data = load_diabetes()
    coef = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(data.data, data.target).coef_
    assert [name for name, c in zip(data.feature_names, coef) if c != 0] == kept


def test_from_alpha_max_on_every_lasso_weight_is_zero():
    data = load_diabetes()
    X, y = data.data - data.data.mean(axis=0), data.target - data.target.mean()
    alpha_max = np.abs(X.T @ y).max() / len(y)
    assert not Lasso(alpha=alpha_max * 1.0001).fit(data.data, data.target).coef_.any()
    assert Lasso(alpha=alpha_max * 0.99, tol=1e-12).fit(data.data, data.target).coef_.any()


def test_the_one_feature_numbers_of_the_public_test():
    x, y = np.array([1.0, 2.0, 3.0, 4.0]), np.array([3.0, 5.0, 6.0, 9.0])
    rho, z = np.mean((x - x.mean()) * (y - y.mean())), np.var(x)
    assert (rho, z) == pytest.approx((2.375, 1.25))
    assert Lasso(alpha=0.5).fit(x[:, None], y).coef_ == pytest.approx([(rho - 0.5) / z])
