"""Shared fixtures: a throw-away course root built from the real nbgrader_config.py."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]

# `make test` runs the suite on two pytest-xdist workers (--dist loadgroup): a test file stays on one worker, so
# its module fixtures (a notebook executed once, a cluster) are built once; the browser tests share one
# JupyterLab and the hostile-class tests one graded class. The per-week files whose tests are independent and
# each take up to two minutes are spread test by test, so that the two workers finish together.
SPREAD_TEST_BY_TEST = {"test_roundtrip.py", "test_weeks_trusted.py", "test_weeks.py", "test_run_all.py"}


# tryfirst: xdist's worker turns the marks into node ids in its own hook of this name, which must run after ours.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath))
        if path.name in SPREAD_TEST_BY_TEST:
            continue
        if path.parent.name == "browser":
            group = "browser"
        elif path.name.startswith("test_hostile"):
            group = "hostile-class"
        else:
            group = str(path.relative_to(REPO))
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_configure(config):
    # pytest 9.2's node ids drop the marks silently (pytest-xdist#1386): each worker would then build its own
    # JupyterLab and graded class, and the two classes' fork bombs and memory hogs would overload the machine.
    if config.getoption("dist", "no") == "loadgroup" and Version(pytest.__version__) >= Version("9.2"):
        raise pytest.UsageError(f"pytest {pytest.__version__} breaks pytest-xdist's --dist loadgroup "
                                "(pytest-xdist#1386): `make setup` installs the version pyproject.toml pins")


HEADER = """\
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
"""

MINI_WEEK = HEADER + textwrap.dedent('''
    # %% [markdown]
    # # A tiny week

    # %%
    from course.checks import expect_equal

    # %% nbgrader={"grade": false, "grade_id": "double", "locked": false, "schema_version": 3, "solution": true, "task": false}
    def double(x):
        """Return 2 * x."""
        ### BEGIN SOLUTION
        return x * 2  # the secret solution line
        ### END SOLUTION

    # %% nbgrader={"grade": true, "grade_id": "double_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
    expect_equal(double(1), 2)
    ### BEGIN HIDDEN TESTS
    expect_equal(double(21), 42)  # the secret hidden test
    ### END HIDDEN TESTS
''')


@pytest.fixture
def mini_course(tmp_path: Path):
    """A course root with one small week, `week99`; returns a function to (re)write its source."""
    shutil.copy2(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    week = tmp_path / "source" / "week99"
    week.mkdir(parents=True)

    def write(text: str = MINI_WEEK) -> Path:
        (week / "week99.py").write_text(text)
        return tmp_path
    write()
    return write
