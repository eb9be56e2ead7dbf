"""The course's fixed splits of public data sets, shared by the notebooks and the graders' held-out challenges.

A held-out challenge (``course.exercises.Challenge``) scores a learner's ``predict`` on rows the notebook never
hands out. Each split below is fixed for the whole course and stratified by class: notebooks train and validate
on the ``*_public`` rows; the grader draws each student's test rows from the ``*_held_out`` rows and perturbs
them slightly, per student. The held-out labels never enter the learner's sandbox. scikit-learn ships the full
sets, so a learner *could* load them; the per-student perturbation keeps exact lookup from being the easy path,
and the lessons say why training on the held-out rows would only fool yourself.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

_SPLIT_SEED = 20261203
#: held-out rows per class, by data set
HELD_OUT_PER_CLASS = {"digits": 30, "breast_cancer": 50}


def _load(name: str):
    from sklearn import datasets
    return {"digits": datasets.load_digits, "breast_cancer": datasets.load_breast_cancer}[name]()


@lru_cache(maxsize=None)
def _split(name: str) -> tuple[np.ndarray, np.ndarray]:
    """(public rows, held-out rows) of a data set: the same for every notebook, grader and machine."""
    y = _load(name).target
    rng = np.random.default_rng(_SPLIT_SEED)
    held = np.concatenate([rng.choice(np.flatnonzero(y == c), HELD_OUT_PER_CLASS[name], replace=False)
                           for c in np.unique(y)])
    return np.setdiff1d(np.arange(len(y)), held), np.sort(held)


def _rows(name: str, which: int, images: bool = False) -> tuple[np.ndarray, np.ndarray]:
    data, rows = _load(name), _split(name)[which]
    X = data.images if images else data.data
    return X[rows].astype(float), data.target[rows].copy()


def digits_public() -> tuple[np.ndarray, np.ndarray]:
    """The digits a notebook may train and validate on: images (1497, 8, 8) in [0, 16] as float64, labels (1497,).
    Split them yourself into training and validation rows."""
    return _rows("digits", 0, images=True)


def digits_held_out() -> tuple[np.ndarray, np.ndarray]:
    """The 300 digits only graders use (30 per class): images (300, 8, 8) and labels. Not for notebooks."""
    return _rows("digits", 1, images=True)


def breast_cancer_public() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """scikit-learn's breast-cancer measurements a notebook may use: X (469, 30), y (469,) with 1 = benign,
    and the 30 feature names."""
    X, y = _rows("breast_cancer", 0)
    return X, y, list(_load("breast_cancer").feature_names)


def breast_cancer_held_out() -> tuple[np.ndarray, np.ndarray]:
    """The 100 tumours only graders use (50 malignant, 50 benign). Not for notebooks."""
    return _rows("breast_cancer", 1)
