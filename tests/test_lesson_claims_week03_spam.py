"""Week 03 §11's claims about the spam project, checked with the week's own solutions (tfidf, logistic_fit)."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.metrics import accuracy_score, precision_score, recall_score
from sklearn.model_selection import train_test_split

from course.datasets import spam_corpus
from solutions import solution_namespace


@pytest.fixture(scope="module")
def detector():
    solutions = solution_namespace("week03")
    messages, is_spam = spam_corpus()
    m_train, m_test, y_train, y_test = train_test_split(messages, is_spam, test_size=0.25, stratify=is_spam,
                                                        random_state=0)
    vocabulary = CountVectorizer(min_df=2).fit(m_train)
    counts_train, counts_test = (vocabulary.transform(m).toarray() for m in (m_train, m_test))
    train, idf = solutions["tfidf"](counts_train)
    test, _ = solutions["tfidf"](counts_test, idf)
    w, b = solutions["logistic_fit"](train, y_train, C=10.0)
    return {"messages": messages, "is_spam": is_spam, "m_test": m_test, "y_test": y_test,
            "flagged": (test @ w + b > 0).astype(int), "w": w, "words": vocabulary.get_feature_names_out(),
            "idf": idf, "counts_train": counts_train}


def test_the_corpus_is_as_described(detector):
    assert len(detector["messages"]) == 800 and round(detector["is_spam"].mean(), 2) == 0.28
    assert any(m.startswith(("lol look:", "is this legit?", "fyi", "got this again")) for m, s in
               zip(detector["messages"], detector["is_spam"]) if s == 0)


def test_the_idf_is_the_one_scikit_learn_learns_from_the_training_messages(detector):
    assert detector["idf"] == pytest.approx(TfidfTransformer().fit(detector["counts_train"]).idf_)


def test_one_error_in_200_a_forwarded_spam(detector):
    y, flagged = detector["y_test"], detector["flagged"]
    assert len(y) == 200
    assert (accuracy_score(y, flagged), round(precision_score(y, flagged), 3), recall_score(y, flagged)) == \
        (0.995, 0.983, 1.0)
    (wrong,) = np.flatnonzero(flagged != y)
    assert y[wrong] == 0 and "win" in detector["m_test"][wrong].lower()


def test_the_words_the_lesson_names(detector):
    order = np.argsort(detector["w"])
    spam_like, ham_like = set(detector["words"][order[::-1][:8]]), set(detector["words"][order[:8]])
    assert {"refund", "reply", "reward", "yes", "number", "now"} <= spam_like
    assert {"lol", "legit", "look"} <= ham_like
