"""Week 01 explorers without a browser: drive the widgets from Python and check what the models computed."""
from __future__ import annotations

import dataclasses
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course.explorers import (SURFACES, GradientDescentRun, MatrixTransform, gradient_descent_explorer,  # noqa: E402
                              reference_gradient_descent, transform_explorer)
from course.explorers.gradient_descent import contour_grid  # noqa: E402
from course.explorers.timing import stopwatch  # noqa: E402
from course.explorers.transform import COMPLEX_NOTE  # noqa: E402


def same_direction(u, v) -> bool:
    return abs(abs(float(np.dot(u, v))) - np.linalg.norm(u) * np.linalg.norm(v)) < 1e-9


def png_of(box) -> str:
    (output,) = box.output.outputs
    return output["data"]["image/png"]


# ----------------------------------------------------------------------------- matrix as a transformation


def test_transform_model_shapes_and_identity():
    view = MatrixTransform().compute()
    assert view.grid_lines.shape == (14, 20, 2)          # lines x = -3..3 and y = -3..3, 20 points each
    assert view.circle.shape == (200, 2)
    np.testing.assert_allclose(view.grid_lines, view.original_grid_lines)
    assert view.determinant == pytest.approx(1.0)
    assert view.description == "det = 1.00: areas are scaled by 1.00"
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.determinant = 2.0
    with pytest.raises(ValueError):
        view.circle[0, 0] = 5.0                            # the arrays are read-only snapshots too


def test_transform_model_maps_points_through_the_matrix():
    model = MatrixTransform(1.0, 2.0, -0.5, 1.5)
    view = model.compute()
    np.testing.assert_allclose(view.grid_lines, view.original_grid_lines @ model.matrix.T)
    np.testing.assert_allclose(view.e1_image, [1.0, -0.5])
    np.testing.assert_allclose(view.e2_image, [2.0, 1.5])
    radii = np.linalg.norm(np.linalg.solve(model.matrix, view.circle.T), axis=0)
    np.testing.assert_allclose(radii, 1.0)                 # the ellipse is exactly the image of the unit circle


def test_eigenvectors_of_a_diagonal_matrix_are_the_axes():
    view = MatrixTransform(2.0, 0.0, 0.0, 0.5).compute()
    assert view.eigenvalues == pytest.approx((2.0, 0.5))
    assert same_direction(view.eigenvectors[0], [1.0, 0.0])
    assert same_direction(view.eigenvectors[1], [0.0, 1.0])


def test_eigenvectors_stay_on_their_line():
    model = MatrixTransform(2.0, 1.0, 1.0, 3.0)
    view = model.compute()
    assert len(view.eigenvectors) == 2 and view.note == ""
    for value, q in zip(view.eigenvalues, view.eigenvectors):
        np.testing.assert_allclose(model.matrix @ q, value * q, atol=1e-12)
        assert np.linalg.norm(q) == pytest.approx(1.0)


def test_rotation_has_no_real_eigenvectors():
    t = np.pi / 4
    view = MatrixTransform(np.cos(t), -np.sin(t), np.sin(t), np.cos(t)).compute()
    assert view.eigenvalues == () and view.eigenvectors == ()
    assert view.note == COMPLEX_NOTE
    assert "complex eigenvalues" in view.note


def test_shear_has_a_single_eigen_direction():
    view = MatrixTransform(1.0, 1.0, 0.0, 1.0).compute()
    assert len(view.eigenvectors) == 1 and same_direction(view.eigenvectors[0], [1.0, 0.0])
    assert "only one eigen-direction" in view.note


@pytest.mark.parametrize("entries, words", [
    ((2.0, 0.0, 0.0, 1.0), "det = 2.00: areas are scaled by 2.00"),
    ((1.0, 0.0, 0.0, -1.0), "orientation is flipped"),
    ((1.0, 2.0, 0.5, 1.0), "det = 0: the plane is squashed onto a line"),
    ((0.0, 0.0, 0.0, 0.0), "squashed onto a single point"),
])
def test_determinant_description(entries, words):
    assert words in MatrixTransform(*entries).compute().description


def test_transform_view_follows_its_sliders():
    box = transform_explorer()
    assert set(box.controls) == {"a", "b", "c", "d", "preset"}
    first_png = png_of(box)
    assert box.result.determinant == pytest.approx(1.0)

    box.controls["a"].value = 2.0
    assert box.model.a == 2.0
    assert box.result.determinant == pytest.approx(2.0)
    assert png_of(box) != first_png                         # the Output widget got a new picture
    box.controls["d"].value = 0.5
    assert box.model.matrix.tolist() == [[2.0, 0.0], [0.0, 0.5]]
    assert same_direction(box.result.eigenvectors[0], [1, 0]) and same_direction(box.result.eigenvectors[1], [0, 1])
    assert "det = 1.00" in box.status.value and "updated in" in box.status.value and "ms" in box.status.value
    assert set(box.last_update) == {"compute_ms", "render_ms", "total_ms"}


def test_presets_set_the_sliders_and_draw_once():
    box = transform_explorer()
    pictures = []
    box.output.observe(lambda change: pictures.append(change["new"]), names="outputs")
    box.controls["preset"].value = "rotation 45°"
    assert len(pictures) == 1                                 # four sliders moved, one redraw
    assert box.controls["a"].value == pytest.approx(np.sqrt(0.5))
    assert box.controls["b"].value == pytest.approx(-np.sqrt(0.5))
    assert box.result.eigenvectors == () and "complex eigenvalues" in box.status.value
    box.controls["preset"].value = "projection (singular)"
    assert "squashed onto a line" in box.result.description
    box.controls["d"].value = 1.0                           # editing an entry leaves the preset behind
    assert box.controls["preset"].value == "custom"
    assert box.model.d == 1.0


def test_transform_widgets_are_labelled_and_findable():
    box = transform_explorer()
    for name, widget in box.controls.items():
        assert widget.description
        assert f"explorer-{name}" in widget._dom_classes
    for name in "abcd":
        assert "explorer-matrix-entry" in box.controls[name]._dom_classes
        assert box.controls[name].continuous_update
    assert "explorer-transform" in box._dom_classes
    assert "explorer-status" in box.status._dom_classes and "explorer-output" in box.output._dom_classes


# ----------------------------------------------------------------------------- gradient descent: the model


@pytest.mark.parametrize("name", list(SURFACES))
def test_surface_gradients_match_central_differences(name):
    surface = SURFACES[name]
    rng = np.random.default_rng(0)
    for x in rng.uniform(-2, 2, size=(5, 2)):
        h = 1e-6
        numeric = [(surface.value(x + h * e) - surface.value(x - h * e)) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(surface.grad(x), numeric, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(surface.grad(surface.minimiser), 0.0, atol=1e-12)
    assert surface.value(surface.minimiser) == pytest.approx(0.0)


def test_elongated_bowl_thresholds():
    result = GradientDescentRun(learning_rate=0.05).compute()
    assert result.curvature == pytest.approx(10.0)
    assert (result.smooth_limit, result.stable_limit) == pytest.approx((0.1, 0.2))
    assert result.path.shape == (31, 2) and result.losses.shape == (31,)
    np.testing.assert_array_equal(result.path[0], [-2.5, 1.5])


@pytest.mark.parametrize("lr, verdict", [(0.05, "converges"), (0.15, "oscillates"), (0.25, "diverges")])
def test_verdicts_on_the_elongated_bowl(lr, verdict):
    result = GradientDescentRun(surface="elongated bowl", learning_rate=lr).compute()
    assert result.verdict == verdict
    assert "2/L = 0.2" in result.explanation and "1/L = 0.1" in result.explanation


@pytest.mark.parametrize("lr, verdict", [(0.05, "converges"), (0.15, "oscillates"), (0.25, "diverges")])
def test_verdicts_hold_when_the_bowl_is_tilted(lr, verdict):
    assert GradientDescentRun(surface="tilted bowl", learning_rate=lr).compute().verdict == verdict


@pytest.mark.parametrize("surface, lr, steps", [("elongated bowl", 0.5, 300), ("elongated bowl", 0.25, 300),
                                                ("tilted bowl", 0.5, 300), ("banana valley", 0.5, 300)])
def test_divergence_is_quiet_and_truncated(surface, lr, steps):
    with warnings.catch_warnings():
        warnings.simplefilter("error")                       # any RuntimeWarning (overflow, invalid) fails
        result = GradientDescentRun(surface=surface, learning_rate=lr, steps=steps).compute()
    assert result.verdict == "diverges" and result.truncated
    assert np.isfinite(result.path).all() and np.isfinite(result.losses).all()
    assert len(result.path) < steps + 1 and np.abs(result.path).max() <= 1e6
    assert "stops there" in result.explanation


def test_banana_valley_says_its_curvature_varies():
    result = GradientDescentRun(surface="banana valley", learning_rate=0.02, steps=300).compute()
    assert result.verdict == "converges"
    assert "not a quadratic" in result.explanation


def test_contour_grid_is_computed_once_per_surface():
    assert contour_grid("elongated bowl") is contour_grid("elongated bowl")


# ----------------------------------------------------------------------------- the learner's optimiser


def learner_descent(grad, x0, lr, n_steps):
    path = [np.array(x0, dtype=float)]
    for _ in range(n_steps):
        path.append(path[-1] - lr * grad(path[-1]))
    return np.array(path)


def gradient_ascent(grad, x0, lr, n_steps):
    return learner_descent(lambda x: -grad(x), x0, lr, n_steps)


def final_point_only(grad, x0, lr, n_steps):
    return learner_descent(grad, x0, lr, n_steps)[-1]


def crashes(grad, x0, lr, n_steps):
    raise ValueError("oops, a typo")


def stand_in_checks(function):
    """A small stand-in for course.exercises.passes: compare with the reference on one quadratic."""
    A, x0 = np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, -2.0])
    try:
        path = np.asarray(function(lambda x: A @ x, x0.copy(), 0.1, 5))
    except Exception as error:
        return False, f"gradient_descent raised {type(error).__name__}: {error}"
    expected = reference_gradient_descent(lambda x: A @ x, x0, 0.1, 5)
    if path.shape != expected.shape:
        return False, f"the path should have shape {expected.shape}; got shape {path.shape}"
    if not np.allclose(path, expected):
        return False, "the first step should be -lr * grad(x0)"
    return True, ""


class Counting:
    def __init__(self, function):
        self.function, self.calls = function, 0

    def __call__(self, *args):
        self.calls += 1
        return self.function(*args)


def test_a_correct_optimiser_is_used():
    mine = Counting(learner_descent)
    checks = Counting(stand_in_checks)
    run = GradientDescentRun(optimiser=mine, validate=checks)
    result = run.compute()
    assert result.implementation == "yours" and result.running == "running: your gradient_descent"
    np.testing.assert_allclose(result.path, GradientDescentRun().compute().path)
    run.learning_rate = 0.15
    run.compute()
    assert checks.calls == 1 and mine.calls == 1 + 2          # checked once; then run on every update


@pytest.mark.parametrize("wrong, words", [(gradient_ascent, "the first step should be"),
                                          (final_point_only, "got shape (2,)")])
def test_a_wrong_optimiser_falls_back_to_the_reference(wrong, words):
    result = GradientDescentRun(optimiser=wrong, validate=stand_in_checks).compute()
    assert result.implementation == "reference"
    assert result.running.startswith(
        "running: the reference (your gradient_descent does not pass its checks yet: ")
    assert words in result.running
    np.testing.assert_allclose(result.path, GradientDescentRun().compute().path)


def test_an_optimiser_that_raises_falls_back():
    result = GradientDescentRun(optimiser=crashes, validate=lambda f: (True, "")).compute()
    assert result.implementation == "reference"
    assert "your gradient_descent raised ValueError: oops, a typo" in result.running
    result = GradientDescentRun(optimiser=crashes, validate=stand_in_checks).compute()
    assert "does not pass its checks yet: gradient_descent raised ValueError" in result.running


def test_an_optimiser_with_a_bad_path_at_run_time_falls_back():
    result = GradientDescentRun(optimiser=final_point_only, validate=lambda f: (True, "")).compute()
    assert result.implementation == "reference" and "returned shape (2,)" in result.running


def test_checks_that_cannot_run_mean_the_reference_runs():
    def broken_checks(function):
        raise RuntimeError("checks are broken")
    result = GradientDescentRun(optimiser=learner_descent, validate=broken_checks).compute()
    assert result.implementation == "reference" and "checks are broken" in result.running


def test_default_validation_asks_course_exercises(monkeypatch):
    import course.exercises
    asked = []

    def fake_passes(key, function):
        asked.append((key, function))
        return False, "gradient_descent is not implemented yet"
    monkeypatch.setattr(course.exercises, "passes", fake_passes)
    result = GradientDescentRun(optimiser=learner_descent).compute()
    assert asked == [("week01.gradient_descent", learner_descent)]
    assert result.running == ("running: the reference (your gradient_descent does not pass its checks yet: "
                              "gradient_descent is not implemented yet)")


# ----------------------------------------------------------------------------- gradient descent: the view


def test_gradient_descent_view_shows_the_three_regimes():
    box = gradient_descent_explorer(learning_rate=0.01)
    assert set(box.controls) == {"surface", "learning_rate", "steps", "start_x", "start_y"}
    pictures = {png_of(box)}
    for lr, verdict in [(0.05, "converges"), (0.15, "oscillates"), (0.25, "diverges")]:
        box.controls["learning_rate"].value = lr
        assert box.model.learning_rate == lr
        assert box.result.verdict == verdict
        assert f"<b>{verdict}</b>" in box.status.value and "updated in" in box.status.value
        pictures.add(png_of(box))
    assert len(pictures) == 4                                # every change produced a new picture


def test_gradient_descent_view_follows_steps_start_and_surface():
    box = gradient_descent_explorer()
    box.controls["steps"].value = 50
    assert box.model.steps == 50 and box.result.path.shape == (51, 2)
    box.controls["start_x"].value = 1.0
    box.controls["start_y"].value = -2.0
    assert box.model.start == (1.0, -2.0)
    np.testing.assert_array_equal(box.result.path[0], [1.0, -2.0])
    box.controls["surface"].value = "banana valley"
    assert box.model.surface == "banana valley" and box.result.surface == "banana valley"
    assert box.result.curvature > 20


def test_gradient_descent_view_runs_the_learners_code_and_says_so():
    box = gradient_descent_explorer(learner_descent, validate=stand_in_checks)
    assert "running: your gradient_descent" in box.status.value
    box = gradient_descent_explorer(gradient_ascent, validate=stand_in_checks)
    assert "does not pass its checks yet: the first step should be" in box.status.value
    box = gradient_descent_explorer(crashes, validate=lambda f: (True, ""))
    assert "raised ValueError: oops, a typo" in box.status.value


def test_gradient_descent_widgets_are_labelled_and_findable():
    box = gradient_descent_explorer()
    for name, widget in box.controls.items():
        assert widget.description
        assert "explorer-" + name.replace("_", "-") in widget._dom_classes
    lr = box.controls["learning_rate"]
    assert "explorer-lr" in lr._dom_classes and lr.continuous_update
    stops = [value for _, value in lr.options]
    assert min(stops) <= 0.01 and max(stops) >= 0.25             # all three regimes are reachable
    assert {0.05, 0.1, 0.2} <= set(stops)                         # the lesson's values (1/L, 2/L) exactly
    assert lr.value == 0.05 and len(stops) <= 25                  # a key press moves to the next stop
    ratios = np.diff(np.log10(stops))
    assert ratios.max() <= 0.41 and ratios.min() > 0              # no stop farther than 0.4 decade from the next
    assert "explorer-gradient-descent" in box._dom_classes


def test_stopwatch_reports_milliseconds():
    with stopwatch() as watch:
        sum(range(1000))
    frozen = watch.ms
    assert 0 <= frozen < 1000 and watch.ms == frozen


def test_explorers_do_not_draw_in_headless_runs(monkeypatch):
    """The grader runs lesson cells with COURSE_HEADLESS=1: explorers are built but not computed or drawn."""
    from course.explorers import gradient_descent_explorer, transform_explorer
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    for box in (transform_explorer(), gradient_descent_explorer()):
        assert box.result is None and not box.output.outputs and "headless" in box.status.value
        box.update()
        assert box.result is not None and box.output.outputs
