"""Claims week 01's §11 (real, messy data with pandas) makes that a learner could check, checked.

Each test quotes the lesson's words it backs, so a test and its sentence change together. The lesson's own
cells (the generator, the repairs, the split) are run from the source notebook, so the numbers are the ones the
learner sees.
"""
from __future__ import annotations

import functools
import warnings
from pathlib import Path

import jupytext
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import OneHotEncoder, RobustScaler, StandardScaler

SOURCE = Path(__file__).resolve().parents[1] / "source"


def lesson(week: str) -> str:
    """The week's text with comment markers and line breaks removed, for quoting."""
    lines = (SOURCE / week / f"{week}.py").read_text().splitlines()
    return " ".join(line.lstrip("# ").strip() for line in lines)


def _cell(starting_with: str) -> str:
    cells = [cell.source for cell in jupytext.read(SOURCE / "week01" / "week01.py").cells
             if cell.cell_type == "code" and cell.source.lstrip().startswith(starting_with)]
    assert len(cells) == 1, f"one code cell should start with {starting_with!r}"
    return cells[0]


@functools.lru_cache(maxsize=None)
def _lesson_tables() -> dict:
    """flats, clean, train and test as the lesson makes them (its generator, repair and split cells)."""
    namespace = {"np": np}
    for start in ("import pandas as pd", "clean = flats.copy()", "train = clean.sample("):
        exec(_cell(start).replace("\nflats.head()", ""), namespace)
    return namespace


def test_the_raw_table_shows_each_planted_defect():
    text = lesson("week01")
    assert "`rent` has dtype `str`: it holds text like `\"1 480 €\"`" in text
    assert "`age` has a minimum of **−999**" in text
    assert ("`surface` has a maximum in the **thousands** of m² while its median is about 50" in text
            and "Its mean is far above its median" in text)
    assert "`city` has spellings like `\"PARIS \"`" in text
    flats = _lesson_tables()["flats"]
    assert pd.api.types.is_string_dtype(flats["rent"]) and "1 480 €" in set(flats["rent"])
    assert flats["age"].min() == -999
    surface = flats["surface"]
    assert 1000 <= surface.max() < 10000 and 45 <= surface.median() <= 55 and surface.mean() > 2 * surface.median()
    assert "PARIS " in set(flats["city"])


def test_the_repairs_leave_four_cities_numeric_rents_and_no_code():
    clean = _lesson_tables()["clean"]
    assert set(clean["city"]) == {"Paris", "Lyon", "Nantes", "Lille"}
    assert clean["rent"].dtype.kind == "i" and (clean["age"].dropna() >= 0).all()
    assert not (clean["age"] == -999).any()


def test_four_surface_typos_and_four_in_the_training_rows():
    assert "four typos dwarf the rest" in lesson("week01")
    assert "4 typos in 300 rows are more than 1 %" in lesson("week01")
    tables = _lesson_tables()
    assert (tables["clean"]["surface"] > 500).sum() == 4
    train = tables["train"]
    assert len(train) == 300 and (train["surface"] > 500).sum() == 4
    surface = train["surface"].dropna().to_numpy()
    assert np.percentile(surface, 99) > 1000                          # the 99th percentile is itself a typo
    q25, q75 = np.percentile(surface, [25, 75])
    assert np.sum(surface > q75 + 3 * (q75 - q25)) == 4               # the fences cap exactly the typos


def test_a_missing_age_goes_with_poor_energy_grades():
    assert ("flats whose age is missing more often have a poor energy grade (E–G)" in lesson("week01"))
    train = _lesson_tables()["train"]
    poor = train["energy"].isin(["E", "F", "G"])
    assert poor[train["age"].isna()].mean() > poor[train["age"].notna()].mean() + 0.1


def test_standard_scaling_squeezes_ordinary_flats_and_robust_scaling_does_not():
    text = lesson("week01")
    assert "squeezes every ordinary flat into a sliver near 0" in text
    assert "With standard scaling the ordinary flats fall into one or two bars; with robust scaling they keep their spread" in text
    surface = _lesson_tables()["train"]["surface"].dropna().to_numpy()[:, None]
    ordinary = surface[:, 0] < 500
    bins = np.linspace(-2, 6, 41)                                     # the lesson's figure
    standard = StandardScaler().fit_transform(surface)[ordinary, 0]
    robust = RobustScaler().fit_transform(surface)[ordinary, 0]
    assert np.ptp(standard) < 0.3 and np.count_nonzero(np.histogram(standard, bins)[0]) <= 2
    assert np.ptp(robust) > 3 and np.count_nonzero(np.histogram(robust, bins)[0]) >= 15


def test_the_median_imputer_averages_the_two_middle_values_and_unseen_categories_are_zeros():
    text = lesson("week01")
    assert "an even count averages the two middle values" in text
    assert "a test category never seen in training gives a row of zeros" in text
    train = pd.DataFrame({"x": [1.0, 2.0, 10.0, 20.0, np.nan], "c": ["a", "b", "a", "b", "a"]})
    test = pd.DataFrame({"x": [np.nan], "c": ["new"]})
    transformer = ColumnTransformer([
        ("numeric", SimpleImputer(strategy="median", add_indicator=True), ["x"]),
        ("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["c"])]).fit(train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert transformer.transform(test).tolist() == [[6.0, 1.0, 0.0, 0.0]]


def test_no_indicator_for_a_column_whose_nans_are_only_in_the_test_rows():
    assert ("a column whose NaNs are only in the test rows gets none" in lesson("week01"))
    imputer = SimpleImputer(strategy="median", add_indicator=True).fit(np.array([[1.0], [3.0]]))
    assert imputer.transform(np.array([[np.nan]])).tolist() == [[2.0]]
