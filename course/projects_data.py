"""Offline data for the projects notebook: generated tables that behave like the real ones, from a seed.

- :func:`house_prices`: ~1,500 house sales with skewed areas, an outlying lot or two, a categorical
  neighbourhood, missing values, and a log-normal price with interactions (the area is worth more in some
  neighbourhoods; old houses are worth more only when kept in good condition).
- :func:`credit_applicants`: loan applications approved by a few threshold rules (what a decision tree can read
  back), with 8 % of the decisions flipped at random.
- :func:`churn_customers`: telecom customers, about 20 % of whom leave: month-to-month contracts, short tenure,
  high charges, many support calls and electronic cheques make leaving likelier.

Every generator takes ``seed`` (an int or a ``numpy.random.Generator``) and returns a pandas DataFrame whose
last column is the target. The notebook uses seed 0; the grader's held-out churn customers come from other seeds
(``course/exercises/projects.py``), so no notebook ever holds them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

NEIGHBOURHOODS = ("Old Town", "Riverside", "Hillcrest", "Docklands", "Parkview", "Millbrook")
_NEIGHBOURHOOD_SHARE = (0.12, 0.18, 0.15, 0.2, 0.2, 0.15)
_NEIGHBOURHOOD_LEVEL = (0.45, 0.25, 0.3, 0.05, 0.0, -0.25)       # log-price premium
_AREA_ELASTICITY = (0.95, 0.85, 0.9, 0.7, 0.75, 0.65)           # the interaction: area pays more in some
_DISTANCE_KM = (1.0, 3.0, 6.0, 4.0, 8.0, 14.0)

HOUSE_FEATURES = ("neighbourhood", "living_area", "lot_area", "bedrooms", "bathrooms", "year_built", "condition",
                  "garage_spaces", "distance_km", "has_garden")
CREDIT_FEATURES = ("income", "debt_to_income", "credit_history_years", "late_payments", "loan_amount",
                   "employment")
CHURN_FEATURES = ("tenure_months", "contract", "monthly_charges", "support_calls", "internet", "payment_method",
                  "senior", "paperless_billing", "late_payments")
CHURN_CATEGORIES = ("contract", "internet", "payment_method")


def _rng(seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def house_prices(n: int = 1500, seed=0) -> pd.DataFrame:
    """House sales: ten features (one categorical, some missing) and ``price`` (in euros, log-normal)."""
    rng = _rng(seed)
    hood = rng.choice(len(NEIGHBOURHOODS), size=n, p=_NEIGHBOURHOOD_SHARE)
    living = np.round(np.exp(rng.normal(np.log(105), 0.35, n)) + 25)                   # m², right-skewed
    lot = np.round(living * np.exp(rng.normal(1.0, 0.6, n)) * np.where(hood == 0, 0.4, 1.0))
    lot[rng.choice(n, 4, replace=False)] *= 25                                            # a farm or two
    bedrooms = np.clip(np.round(living / 35 + rng.normal(0, 0.7, n)), 1, 7).astype(int)
    bathrooms = np.clip(np.round(living / 70 + rng.normal(0, 0.5, n)), 1, 4).astype(int)
    year = np.round(np.clip(rng.normal(np.where(hood == 0, 1925, np.where(hood == 3, 2005, 1975)), 22), 1850,
                            2024)).astype(int)
    condition = np.clip(np.round(rng.normal(3.2, 1.0, n)), 1, 5).astype(int)
    garage = rng.choice(3, size=n, p=(0.35, 0.45, 0.2))
    distance = np.round(np.maximum(0.2, np.asarray(_DISTANCE_KM)[hood] * np.exp(rng.normal(0, 0.3, n))), 1)
    garden = (rng.random(n) < np.where(hood == 0, 0.3, 0.7)).astype(int)
    age = 2025 - year
    log_price = (np.log(2400) + np.asarray(_NEIGHBOURHOOD_LEVEL)[hood]
                 + np.asarray(_AREA_ELASTICITY)[hood] * np.log(living / 100) + np.log(100)
                 + 0.05 * np.log(lot / living) + 0.04 * bathrooms + 0.03 * garage + 0.05 * garden
                 + 0.07 * (condition - 3) - 0.012 * distance
                 - 0.004 * np.minimum(age, 60) + 0.003 * np.maximum(age - 60, 0) * (condition >= 4)
                 + rng.normal(0, 0.11, n))
    frame = pd.DataFrame({
        "neighbourhood": np.asarray(NEIGHBOURHOODS, dtype=object)[hood], "living_area": living,
        "lot_area": lot, "bedrooms": bedrooms, "bathrooms": bathrooms, "year_built": year.astype(float),
        "condition": condition, "garage_spaces": garage.astype(float), "distance_km": distance,
        "has_garden": garden, "price": np.round(np.exp(log_price), -2)})
    for column, share in (("lot_area", 0.06), ("year_built", 0.04), ("garage_spaces", 0.03)):
        frame.loc[rng.random(n) < share, column] = np.nan                 # not recorded
    return frame


def credit_applicants(n: int = 1000, seed=0) -> pd.DataFrame:
    """Loan applications and ``approved`` (0/1): a few threshold rules, 8 % of the decisions flipped."""
    rng = _rng(seed)
    income = np.round(np.exp(rng.normal(np.log(42000), 0.45, n)), -2)
    debt = np.round(np.clip(rng.beta(2, 5, n) * 0.9, 0, 0.9), 3)
    history = np.round(np.clip(rng.gamma(2.0, 4.0, n), 0, 40), 1)
    late = rng.poisson(0.6, n)
    loan = np.round(income * rng.uniform(0.1, 0.8, n), -2)
    employment = rng.choice(np.array(["employed", "self-employed", "unemployed"], dtype=object), n,
                            p=(0.72, 0.18, 0.10))
    approved = ((debt < 0.35) & (late <= 1) & ((history >= 2) | (income > 60000)) & (employment != "unemployed")
                | (debt < 0.2) & (income > 80000))
    flipped = rng.random(n) < 0.08
    return pd.DataFrame({"income": income, "debt_to_income": debt, "credit_history_years": history,
                         "late_payments": late, "loan_amount": loan, "employment": employment,
                         "approved": (approved ^ flipped).astype(int)})


def churn_logit(frame: pd.DataFrame) -> np.ndarray:
    """The log-odds of leaving that :func:`churn_customers` draws its labels from (the best any model can do)."""
    monthly = frame["contract"].to_numpy() == "month-to-month"
    two_year = frame["contract"].to_numpy() == "two year"
    tenure = frame["tenure_months"].to_numpy(float)
    return (-2.35 + 1.3 * monthly - 0.9 * two_year - 0.9 * np.log1p(tenure / 6) + 0.5 * monthly * (tenure < 6)
            + 0.025 * (frame["monthly_charges"].to_numpy(float) - 65)
            + 0.45 * np.minimum(frame["support_calls"].to_numpy(float), 6)
            + 0.55 * (frame["internet"].to_numpy() == "fibre") + 0.5 * (frame["payment_method"].to_numpy()
                                                                        == "electronic check")
            + 0.3 * frame["senior"].to_numpy(float) + 0.2 * frame["paperless_billing"].to_numpy(float)
            + 0.35 * frame["late_payments"].to_numpy(float) - 0.45)


def churn_customers(n: int = 3000, seed=0) -> pd.DataFrame:
    """Customers and ``churned`` (0/1, about 20 % ones) for the churn project and the capstone's challenge."""
    rng = _rng(seed)
    contract = rng.choice(np.array(["month-to-month", "one year", "two year"], dtype=object), n,
                          p=(0.55, 0.25, 0.20))
    tenure = np.clip(np.round(rng.exponential(np.where(contract == "month-to-month", 14, 36), n)), 0, 72)
    internet = rng.choice(np.array(["fibre", "dsl", "none"], dtype=object), n, p=(0.45, 0.35, 0.20))
    monthly = np.round(np.where(internet == "fibre", 85, np.where(internet == "dsl", 55, 22))
                       + rng.normal(0, 12, n), 2)
    frame = pd.DataFrame({
        "tenure_months": tenure.astype(int), "contract": contract, "monthly_charges": np.maximum(monthly, 15.0),
        "support_calls": rng.poisson(1.2, n),
        "internet": internet,
        "payment_method": rng.choice(np.array(["card", "bank transfer", "electronic check"], dtype=object), n,
                                     p=(0.4, 0.3, 0.3)),
        "senior": (rng.random(n) < 0.16).astype(int), "paperless_billing": (rng.random(n) < 0.6).astype(int),
        "late_payments": rng.poisson(0.4, n)})
    frame["churned"] = (rng.random(n) < 1 / (1 + np.exp(-churn_logit(frame)))).astype(int)
    return frame
