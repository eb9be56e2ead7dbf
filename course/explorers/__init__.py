"""Interactive explorers (ipywidgets): a pure model that computes what to show, and a thin view that draws it.

Quick start: ``line_fit_explorer`` (a line or polynomial fit with train/test MSE and R²).
Week 01: ``transform_explorer`` (a 2x2 matrix as a transformation of the plane) and
``gradient_descent_explorer`` (gradient descent on a 2-D loss surface, optionally with the learner's own code).
Week 02: ``clt_explorer``, ``bayes_explorer``, ``sgd_explorer``.
Week 03: ``bias_variance_explorer``, ``decision_regions_explorer``, ``threshold_explorer``.
Week 04: ``svm_explorer``, ``boosting_explorer``, ``forest_explorer``.
Week 05: ``kmeans_explorer``, ``dbscan_explorer``, ``dendrogram_explorer``.
Week 06: ``pca_digits_explorer``, ``tsne_perplexity_explorer``, ``autoencoder_latent_explorer``.
Week 07: ``playground_explorer``, ``optimiser_race_explorer``.
Week 08: ``kernel_editor_explorer``, ``layer_statistics_explorer``, ``rnn_gradients_explorer``.
Week 09: ``attention_map_explorer``, ``char_sampler_explorer``, ``positional_encoding_explorer``.
Week 10: ``nms_explorer``, ``diffusion_explorer``.
Week 11: ``run_comparison_explorer``, ``batching_explorer``.
Week 12: ``drift_explorer``.
Pitfalls lab: ``leakage_explorer`` (feature selection before the split vs inside the folds, on pure noise).
Metrics: ``metric_board_explorer``, ``outlier_metrics_explorer``.
RL elective: ``gridworld_explorer`` (rewards, discount and ε on sliders; stepping through value iteration).
Projects: ``churn_cost_explorer`` (the churn model's threshold priced by the costs of a needless offer and a lost customer).
Time-series elective: ``backtest_explorer`` (TimeSeriesSplit's folds, gap and window; each baseline's forecasts).
Recommendation elective: ``recommender_explorer`` (rank and λ of a factorisation; one user's top-k list).
What they share (the learner's-function gate, the box, the status line, the PNG) lives in ``view``.

Names are imported on first use: the week 04 explorers load scikit-learn, which takes about a second, and
``import course.explorers`` should not pay for weeks a notebook does not show.
"""
from __future__ import annotations

import importlib

_EXPORTS = {name: module for module, names in {
    "line_fit": ("line_fit_explorer", "LineFit"),
    "transform": ("transform_explorer", "MatrixTransform", "TransformView", "PRESETS"),
    "gradient_descent": ("gradient_descent_explorer", "GradientDescentRun", "DescentResult", "Surface",
                         "QuadraticBowl", "BananaValley", "SURFACES", "reference_gradient_descent"),
    "clt": ("clt_explorer", "CLTSampler"),
    "bayes": ("bayes_explorer", "BaseRateScreening"),
    "sgd": ("sgd_explorer", "SGDRun"),
    "bias_variance": ("bias_variance_explorer", "BiasVarianceStudy"),
    "classification": ("decision_regions_explorer", "DecisionRegions"),
    "threshold": ("threshold_explorer", "ThresholdStudy"),
    "svm": ("svm_explorer", "SVMStudy"),
    "boosting": ("boosting_explorer", "BoostingStudy"),
    "forest": ("forest_explorer", "ForestStudy"),
    "kmeans_steps": ("kmeans_explorer", "KMeansSteps"),
    "density": ("dbscan_explorer", "DBSCANStudy"),
    "dendrogram_cut": ("dendrogram_explorer", "DendrogramCut"),
    "pca_digits": ("pca_digits_explorer", "PCADigits"),
    "tsne_map": ("tsne_perplexity_explorer", "TSNEPerplexity"),
    "autoencoder": ("autoencoder_latent_explorer", "LatentSize"),
    "playground": ("playground_explorer", "Playground"),
    "optimiser_race": ("optimiser_race_explorer", "OptimiserRace"),
    "kernel_editor": ("kernel_editor_explorer", "KernelEditor"),
    "rnn_gradients": ("rnn_gradients_explorer", "RNNGradients"),
    "layer_statistics": ("layer_statistics_explorer", "LayerStatistics"),
    "attention_map": ("attention_map_explorer", "AttentionMap"),
    "char_sampler": ("char_sampler_explorer", "CharSampler"),
    "positional_encoding": ("positional_encoding_explorer", "PositionalPatterns"),
    "nms_threshold": ("nms_explorer", "NMSThresholds"),
    "diffusion_steps": ("diffusion_explorer", "DiffusionSteps"),
    "run_comparison": ("run_comparison_explorer", "RunComparison"),
    "batching": ("batching_explorer", "MicroBatching"),
    "drift_monitor": ("drift_explorer", "DriftSimulator"),
    "leakage_lab": ("leakage_explorer", "LeakageLab"),
    "metric_board": ("metric_board_explorer", "outlier_metrics_explorer", "MetricBoard", "OutlierBoard"),
    "gridworld": ("gridworld_explorer", "GridworldStudy"),
    "churn_cost": ("churn_cost_explorer", "ChurnCostStudy"),
    "backtest": ("backtest_explorer", "BacktestStudy"),
    "recommender": ("recommender_explorer", "RecommenderStudy"),
}.items() for name in names}
_MODULES = {*_EXPORTS.values(), "view", "timing"}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_MODULES})
