"""Public test cells name common mistakes, not only the hidden tests (issue 10 §5).

Each case runs one public test cell of a week with a wrong implementation in place of the solution and
checks that the learner is told what the mistake is. The namespace a public cell sees is the week's own:
the solution notebook's code cells before it, run once per week in this process (headless, no figures).
Weeks 01-08 list their cases here; a newer week declares ``PUBLIC_CASES`` (the same tuples without the week)
in its tests/wrong_weekNN.py, next to the wrong variants they use.
"""
from __future__ import annotations

from functools import lru_cache

import pytest

from autograder.notebooks import nbgrader_meta, read_text_notebook
from course.checks import CheckFailure

from solutions import REPO, wrong_modules
import wrong_week02
import wrong_week03
import wrong_week04
import wrong_week05
import wrong_week07
import wrong_week08

CASES = [  # (week, public grade_id, function, wrong implementation, phrase the learner must read)
    ("week02", "t_confidence_interval_public", "t_confidence_interval", wrong_week02.interval_with_ddof_zero,
     "ddof=0 (dividing by n, not n - 1)"),
    ("week02", "t_confidence_interval_public", "t_confidence_interval",
     wrong_week02.interval_with_normal_quantile, "normal quantile 1.96"),
    ("week02", "t_confidence_interval_public", "t_confidence_interval",
     wrong_week02.interval_with_one_sided_quantile, "one-sided quantile"),
    ("week02", "t_confidence_interval_public", "t_confidence_interval",
     wrong_week02.interval_from_the_standard_deviation, "instead of the standard error"),
    ("week02", "minibatch_sgd_public", "minibatch_sgd", wrong_week02.sgd_shuffling_only_once,
     "same order of samples in every epoch"),
    ("week03", "ridge_fit_public", "ridge_fit", wrong_week03.ridge_penalising_intercept,
     "penalising the intercept"),
    ("week03", "ridge_fit_public", "ridge_fit", wrong_week03.ridge_with_mean_squared_error,
     "mean squared error"),
    ("week03", "ridge_fit_public", "ridge_fit", wrong_week03.ridge_without_intercept, "without an intercept"),
    ("week03", "lasso_cd_public", "lasso_cd", wrong_week03.lasso_without_half, "without the ½"),
    ("week03", "lasso_cd_public", "lasso_cd", wrong_week03.lasso_sum_of_squares, "without the 1/n"),
    ("week03", "lasso_cd_public", "lasso_cd", wrong_week03.lasso_without_intercept, "no intercept"),
    ("week03", "lasso_cd_public", "lasso_cd", wrong_week03.lasso_shrinks_like_ridge, "ridge-like shrinkage"),
    ("week03", "tfidf_public", "tfidf", wrong_week03.tfidf_unsmoothed, "no smoothing"),
    ("week03", "tfidf_public", "tfidf", wrong_week03.tfidf_without_plus_one, "no + 1"),
    ("week03", "tfidf_public", "tfidf", wrong_week03.tfidf_l1_rows, "L1 norm"),
    ("week04", "bootstrap_oob_public", "bootstrap_oob", wrong_week04.bootstrap_same_sample_for_every_tree,
     "every tree got the same bootstrap sample"),
    ("week04", "scaled_cv_scores_public", "scaled_cv_scores", wrong_week04.leaky_scaled_cv_scores,
     "the leaky version"),
    ("week04", "scaled_cv_scores_public", "scaled_cv_scores",
     wrong_week04.cv_scaling_test_fold_with_its_own_statistics, "test fold with its own mean and std"),
    ("week04", "scaled_cv_scores_public", "scaled_cv_scores", wrong_week04.cv_without_scaling,
     "skipping the scaling"),
    ("week04", "scaled_cv_scores_public", "scaled_cv_scores", wrong_week04.cv_scaling_with_ddof_1, "ddof=1"),
    ("week05", "kmeans_public", "kmeans", wrong_week05.kmeans_stale_labels, "assignment made before the last update"),
    ("week05", "kmeans_public", "kmeans", wrong_week05.kmeans_inertia_not_squared,
     "the inertia sums SQUARED distances"),
    ("week05", "silhouette_samples_public", "silhouette_samples", wrong_week05.silhouette_a_includes_self,
     "leave the point itself out"),
    ("week05", "silhouette_samples_public", "silhouette_samples", wrong_week05.silhouette_singleton_is_one,
     "its silhouette is 0 by convention"),
    ("week05", "davies_bouldin_public", "davies_bouldin", wrong_week05.davies_bouldin_min_ratio, "not the minimum"),
    ("week05", "linkage_matrix_public", "linkage_matrix", wrong_week05.linkage_always_single,
     "FARTHEST pair of points"),
    ("week07", "Value_public", "Value", wrong_week07.ValueAssignsGradients, "assigned with =, not accumulated"),
    ("week07", "Value_public", "Value", wrong_week07.ValueTanhOfTheInput, "1 - z² of its INPUT"),
    ("week07", "affine_backward_public", "affine_backward", wrong_week07.affine_backward_mean_bias,
     "db is the SUM over the rows"),
    ("week07", "relu_backward_public", "relu_backward", wrong_week07.relu_backward_at_zero,
     "passing the gradient at z == 0"),
    ("week07", "softmax_cross_entropy_public", "softmax_cross_entropy",
     wrong_week07.softmax_cross_entropy_not_divided, "without dividing by N"),
    ("week07", "sgd_momentum_step_public", "sgd_momentum_step", wrong_week07.momentum_as_average,
     "PyTorch adds the whole gradient"),
    ("week07", "adam_step_public", "adam_step", wrong_week07.adam_without_bias_correction, "no bias correction"),
    ("week07", "he_init_public", "he_init", wrong_week07.he_init_lecun_variance, "LeCun's"),
    ("week08", "conv2d_forward_public", "conv2d_forward", wrong_week08.conv_flipped_kernel, "a flipped kernel"),
    ("week08", "conv2d_forward_public", "conv2d_forward", wrong_week08.conv_without_bias, "leaving out the bias"),
    ("week08", "maxpool2d_forward_public", "maxpool2d_forward", wrong_week08.maxpool_average, "average pooling"),
    ("week08", "maxpool2d_backward_public", "maxpool2d_backward", wrong_week08.maxpool_backward_every_tie,
     "every tied maximum"),
    ("week08", "maxpool2d_backward_public", "maxpool2d_backward", wrong_week08.maxpool_backward_overwrites,
     "with = instead of adding"),
    ("week08", "batchnorm_forward_public", "batchnorm_forward", wrong_week08.batchnorm_swapped_momentum,
     "momentum weighs the NEW batch"),
    ("week08", "batchnorm_forward_public", "batchnorm_forward", wrong_week08.batchnorm_biased_running_var,
     "the biased batch variance"),
    ("week08", "batchnorm_backward_public", "batchnorm_backward", wrong_week08.batchnorm_backward_constant_statistics,
     "as constants"),
    ("week08", "dropout_public", "dropout", wrong_week08.dropout_unscaled, "keeping the entries unscaled"),
    ("week08", "dropout_public", "dropout", wrong_week08.dropout_keep_probability, "probability of KEEPING"),
    ("week08", "rnn_forward_public", "rnn_forward", wrong_week08.rnn_transposed_recurrence, "h @ Whh"),
    ("week08", "rnn_forward_public", "rnn_forward", wrong_week08.rnn_returns_previous_states,
     "return the states after each step"),
    ("week08", "rnn_forward_public", "rnn_forward", wrong_week08.rnn_ignores_h0, "ignoring h0"),
    ("week08", "lstm_cell_public", "lstm_cell", wrong_week08.lstm_gates_ifog, "i, f, o, g"),
    ("week08", "lstm_cell_public", "lstm_cell", wrong_week08.lstm_without_tanh_of_cell, "without the tanh"),
    ("week08", "clip_grad_norm_public", "clip_grad_norm", wrong_week08.clip_each_tensor, "by its own norm"),
    ("week08", "clip_grad_norm_public", "clip_grad_norm", wrong_week08.clip_always_rescales, "scaling up to max_norm"),
]
CASES += [(week, *case) for week, module in wrong_modules().items() for case in getattr(module, "PUBLIC_CASES", ())]


def _code(cell) -> str:
    return "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))


@lru_cache(maxsize=None)
def _week(week: str) -> tuple[dict, dict]:
    """The namespace the solution notebook's code cells build up to the week's last public cell under test
    (each public cell's own source kept apart, by grade_id)."""
    wanted = {case[1] for case in CASES if case[0] == week}
    from IPython.display import display
    namespace: dict = {"__name__": "__main__", "display": display}   # as in a kernel
    cells = {}
    # as the grader runs lessons: explorers built, not drawn; only while these cells run (the notebooks that
    # later tests execute in subprocesses must draw their explorers)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSE_HEADLESS", "1")
        patch.setenv("MPLBACKEND", "Agg")
        for cell in read_text_notebook(REPO / "source" / week / f"{week}.py").cells:
            if cell.cell_type != "code":
                continue
            grade_id = nbgrader_meta(cell).get("grade_id", "")
            cells[grade_id] = _code(cell)
            if wanted <= cells.keys():
                return namespace, cells
            if not grade_id.endswith("_hidden"):
                exec(compile(cells[grade_id], f"{week}:{grade_id or 'lesson'}", "exec"), namespace)
    raise LookupError(f"{week} has no public cell {sorted(wanted - cells.keys())}")


@pytest.mark.parametrize("week, grade_id, function, wrong, phrase", CASES,
                         ids=[f"{case[1]}-{case[3].__name__}" for case in CASES])
def test_a_public_test_names_the_mistake(week, grade_id, function, wrong, phrase):
    namespace, cells = _week(week)
    exec(compile(cells[grade_id], grade_id, "exec"), dict(namespace))   # the solution passes
    with pytest.raises(CheckFailure, match=".") as failure:
        exec(compile(cells[grade_id], grade_id, "exec"), {**namespace, function: wrong})
    assert phrase in str(failure.value), str(failure.value)
