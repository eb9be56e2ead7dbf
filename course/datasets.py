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


# ----------------------------------------------------------------------------- a generated spam corpus

_HAM = ["are we still meeting on {day}", "can you send me the {doc} before {day}", "thanks for the {doc}, see you {day}",
        "lunch {day}? the usual place", "running late, be there in {minutes} minutes",
        "the {doc} looks good, a few comments inline", "call me when you are free {day}",
        "did you book the {place} for {day}", "happy birthday! dinner {day} at the {place}?",
        "reminder: {doc} review {day} at {hour}", "can we move our call to {hour}", "i left the {thing} at the {place}",
        # ham that looks like spam: links, money and prizes from people you know
        "your {doc} is ready to download at {link}", "the {place} has a {prize} draw {day}, want to join",
        "i paid {money} for the {thing}, can you send half", "won the {prize} at the {place} quiz!"]
_SPAM = ["WIN a free {prize} now, click {link}", "congratulations you have won {money}! claim at {link}",
         "urgent: your account is locked, verify at {link}", "cheap {thing} offer, only {money} today",
         "you are selected for a {prize}, reply YES to claim", "free entry to win {money} cash, text WIN now",
         "limited offer: {prize} for {money}, click {link} before {day}",
         "your parcel is waiting, pay {money} at {link}", "earn {money} a week from home, no experience",
         "final notice: claim your {prize} reward {day}",
         # spam that looks like ham
         "hi it is me, new number, call me {day}", "are you free {day}? i have an offer for you at {link}",
         "thanks for the {doc}, your {money} refund is at {link}"]
_FILL = {"day": ["monday", "tuesday", "friday", "tomorrow", "tonight", "next week"],
         "doc": ["report", "slides", "invoice", "contract", "notes", "draft"],
         "minutes": ["5", "10", "15", "20"], "place": ["office", "cafe", "station", "restaurant", "library"],
         "hour": ["9am", "noon", "3pm", "5pm"], "thing": ["keys", "laptop", "phone", "charger", "umbrella"],
         "prize": ["iphone", "holiday", "gift card", "voucher", "cruise"],
         "money": ["£500", "$1000", "£99", "$250", "£1500"],
         "link": ["bit.ly/win", "claim-now.com", "secure-login.net", "prize.biz"]}


def spam_corpus(n: int = 800, spam_share: float = 0.3, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """Short text messages, generated from templates (so the course needs no download), and labels (1 = spam).

    Not trivially separable: some ham looks like spam (links, money and prizes from friends; one ham message in
    twenty forwards a spam: "lol look what i got: WIN a free ..."), some spam looks like ham ("hi it is me, new
    number"), a tenth of the messages borrow a few words of the other class, and words are sometimes dropped or
    misspelt.
    """
    rng = np.random.default_rng(seed)
    messages, labels = [], (rng.random(n) < spam_share).astype(int)

    def fill(template: str) -> str:
        return template.format(**{key: rng.choice(values) for key, values in _FILL.items()})

    for label in labels:
        words = fill(rng.choice(_SPAM if label else _HAM)).split()
        if not label and rng.random() < 0.05:   # a friend forwards a spam: the text is spam, the message is not
            words = str(rng.choice(["", "lol look:", "is this legit?", "fyi", "got this again"])).split() + \
                fill(rng.choice(_SPAM)).split()
        if rng.random() < 0.1:                  # the other class's words
            words += fill(rng.choice(_HAM if label else _SPAM)).split()[: int(rng.integers(2, 5))]
        words = [w for w in words if rng.random() > 0.08]                              # dropped words
        words = [w[:-1] if len(w) > 4 and rng.random() < 0.05 else w for w in words]  # typos
        messages.append(" ".join(words) if words else "ok")
    return messages, labels
