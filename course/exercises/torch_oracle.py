"""What the oracles of the torch weeks (08-10) share: float64 tensors in and out, and a comparison that names
the learner's mistake when their result equals what that mistake gives."""
from __future__ import annotations

from typing import Any

import numpy as np
import torch


from course.exercises.judging import ATOL, RTOL, judge, matches, parts  # noqa: F401 (re-exported)


def as_tensor(array: Any, grad: bool = False) -> torch.Tensor:
    return torch.tensor(np.asarray(array, dtype=float), dtype=torch.float64, requires_grad=grad)


def as_array(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().numpy().copy()


