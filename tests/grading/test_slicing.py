"""Which cells a graded run may skip (issue 9 §1): the rules of autograder/slicing.py, cell by cell.

That skipping changes no score is tested on real submissions: every week's blank, solved and wrong notebook
(test_weeks_trusted.py) and the whole hostile suite (test_hostile.py) are graded both ways.
"""
from __future__ import annotations

from autograder.slicing import cell_facts, needed_cells

IMPORTS = ("import numpy as np\nimport matplotlib.pyplot as plt\nfrom course.checks import expect_close\n"
           "from course.exercises import grade")
ANSWER = "def softmax(z):\n    shifted = np.exp(z - z.max())\n    return shifted / shifted.sum()"
TEST = 'grade("week01.softmax", softmax)'


def kept(*cells: str, required=None) -> list[int]:
    """The cells kept, numbered from 0; by default the answer and test cells (named by their text) are required."""
    flags = required or [cell in (ANSWER, TEST) or cell.startswith("expect") for cell in cells]
    needed, _ = needed_cells(list(cells), flags)
    return sorted(needed)


def test_a_demo_no_test_reads_is_skipped_and_the_imports_it_shares_are_not_pulled_in_by_it():
    demo = "plt.plot(np.arange(10))\nplt.show()"
    assert kept(IMPORTS, demo, ANSWER, TEST) == [0, 2, 3]


def test_a_lesson_cell_that_defines_what_a_test_reads_is_kept_with_what_it_reads():
    cells = [IMPORTS, "rng = np.random.default_rng(0)", "X_demo = rng.normal(size=(3, 4))", "plt.plot([1])",
             ANSWER, "expect_close(softmax(X_demo), X_demo)"]
    assert kept(*cells) == [0, 1, 2, 4, 5]


def test_a_method_call_on_a_name_counts_as_a_change_of_it():
    cells = [IMPORTS, "model = Model()", "model.fit(data)", "other = 1", "expect_close(model.score, 1.0)"]
    assert kept(*cells) == [0, 1, 2, 4]


def test_the_locals_and_parameters_of_a_function_link_to_nothing():
    cells = [IMPORTS, "X = np.ones(3)\ny = 2", "def f(X, y):\n    coef = X * y\n    return coef", "expect_close(f(1, 2), 2)"]
    assert kept(*cells, required=[False, False, True, True]) == [0, 2, 3]


def test_a_free_variable_of_a_function_links_to_where_it_is_defined():
    cells = [IMPORTS, "scale = 3.0", "def f(x):\n    return x * scale", "expect_close(f(1), 3)"]
    assert kept(*cells, required=[False, False, True, True]) == [0, 1, 2, 3]


def test_calling_a_stable_function_does_not_link_the_cells_that_call_it():
    cells = [IMPORTS, ANSWER, "print(softmax(np.ones(3)))", "check_plot = plt.plot(softmax(np.ones(2)))", TEST]
    assert kept(*cells) == [0, 1, 4]


def test_cells_whose_effects_names_cannot_bound_always_run():
    for cell, why in [("%matplotlib inline", "get_ipython"), ("np.random.seed(0)", "global state"),
                      ("exec('x = 1')", "exec"), ("from math import *", "import *"),
                      ("import os\nos.environ['A'] = '1'", "global state"), ("def f():\n    global x\n    x = 1", "global"),
                      ("this is not python(", "does not parse")]:
        facts = cell_facts(cell)
        assert facts.always and why in facts.why, (cell, facts)
        assert kept(IMPORTS, cell, ANSWER, TEST) == [0, 1, 2, 3], cell


def test_draws_from_a_global_generator_are_kept_in_order_before_a_cell_that_draws_too():
    cells = [IMPORTS, "a = np.random.rand(3)", "b = np.random.rand(2)", "plt.plot([1])",
             "expect_close(np.random.rand(1), [0.5])"]
    assert kept(*cells) == [0, 1, 2, 4]
    assert "numpy" not in cell_facts("rng = np.random.default_rng(1)").random_states


def test_names_rebound_after_an_import_are_ordinary_names():
    cells = ["import numpy as np", "np = None", "plt_demo = 1", "expect_close(np, None)"]
    assert kept(*cells) == [0, 1, 3]


def test_comprehension_variables_are_local():
    cells = [IMPORTS, "i = 5", "squares = [i * i for i in range(3)]", "expect_close(squares, [0, 1, 4])"]
    assert kept(*cells) == [0, 2, 3]
