"""Interactive explorers (ipywidgets): a pure model that computes what to show, and a thin view that draws it.

Week 01: ``transform_explorer`` (a 2x2 matrix as a transformation of the plane) and
``gradient_descent_explorer`` (gradient descent on a 2-D loss surface, optionally with the learner's own code).
"""
from course.explorers.gradient_descent import (SURFACES, BananaValley, DescentResult, GradientDescentRun,
                                               QuadraticBowl, Surface, gradient_descent_explorer,
                                               reference_gradient_descent)
from course.explorers.transform import PRESETS, MatrixTransform, TransformView, transform_explorer

__all__ = ["transform_explorer", "MatrixTransform", "TransformView", "PRESETS",
           "gradient_descent_explorer", "GradientDescentRun", "DescentResult", "Surface", "QuadraticBowl",
           "BananaValley", "SURFACES", "reference_gradient_descent"]
