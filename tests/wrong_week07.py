"""Plausible wrong implementations of week 07's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it).
"""
import math

import numpy as np

from solutions import renamed_source


# ----------------------------------------------------------------------------- Value

class CorrectValue:
    """A correct engine (the notebook's design) that the wrong ones below change in one place each."""

    def __init__(self, data, _children=(), _op=""):
        self.data, self.grad, self._backward, self._prev = float(data), 0.0, (lambda: None), tuple(_children)

    def _make(self, data, children, local):
        """A new node whose _backward adds out.grad * local[i] into children[i]."""
        out = type(self)(data, children)

        def _backward():
            for child, derivative in zip(children, local):
                child.grad += derivative * out.grad
        out._backward = _backward
        return out

    @staticmethod
    def _lift(other, cls):
        return other if isinstance(other, CorrectValue) else cls(other)

    def __add__(self, other):
        other = self._lift(other, type(self))
        return self._make(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = self._lift(other, type(self))
        return self._make(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, c):
        return self._make(self.data ** c, (self,), (c * self.data ** (c - 1),))

    def exp(self):
        return self._make(math.exp(self.data), (self,), (math.exp(self.data),))

    def log(self):
        return self._make(math.log(self.data), (self,), (1 / self.data,))

    def tanh(self):
        t = math.tanh(self.data)
        return self._make(t, (self,), (1 - t * t,))

    def relu(self):
        return self._make(max(self.data, 0.0), (self,), (float(self.data > 0),))

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * self._lift(other, type(self)) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return type(self)(other) + (-self)

    def __rtruediv__(self, other):
        return type(self)(other) * self ** -1

    def backward(self):
        order, seen = [], set()

        def visit(node):
            if node not in seen:
                seen.add(node)
                for child in node._prev:
                    visit(child)
                order.append(node)
        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            node._backward()


class ValueAssignsGradients(CorrectValue):
    """grad = ... instead of grad += ...: a node used twice keeps only the last contribution."""

    def _make(self, data, children, local):
        out = type(self)(data, children)

        def _backward():
            for child, derivative in zip(children, local):
                child.grad = derivative * out.grad
        out._backward = _backward
        return out


class ValueTanhOfTheInput(CorrectValue):
    def tanh(self):
        return self._make(math.tanh(self.data), (self,), (1 - self.data ** 2,))


class ValuePowerRuleWithoutMinusOne(CorrectValue):
    def __pow__(self, c):
        return self._make(self.data ** c, (self,), (c * self.data ** c,))


class ValueLogDerivativeOfTheOutput(CorrectValue):
    def log(self):
        out = math.log(self.data)
        return self._make(out, (self,), (1 / out,))


class ValueReluPassesItsOutput(CorrectValue):
    def relu(self):
        return self._make(max(self.data, 0.0), (self,), (max(self.data, 0.0),))


class ValueBackwardWithoutTopologicalOrder(CorrectValue):
    """Recursion from the output: a node reached along two paths runs its _backward twice."""

    def backward(self):
        self.grad = 1.0
        self._walk()

    def _walk(self):
        self._backward()
        for child in self._prev:
            child._walk()


class ValueWithoutRsub(CorrectValue):
    __rsub__ = None


# ----------------------------------------------------------------------------- layers

def affine_forward_without_bias(x, W, b):
    return x @ W


def affine_forward_transposed(x, W, b):
    return x @ W.T + b if W.shape[0] == W.shape[1] else x @ W + b


def affine_backward_mean_bias(dout, x, W):
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)


def affine_backward_averaged_weights(dout, x, W):
    return dout @ W.T, x.T @ dout / len(x), dout.sum(axis=0)


def relu_backward_at_zero(dout, z):
    return dout * (z >= 0)


def relu_backward_mask_only(dout, z):
    return (z > 0).astype(float)


def _log_softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax_cross_entropy_unstable(logits, y):
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.log(p[np.arange(n), y]).mean()
    p[np.arange(n), y] -= 1
    return float(loss), p / n


def softmax_cross_entropy_not_divided(logits, y):
    log_p = _log_softmax(logits)
    n = len(y)
    d = np.exp(log_p)
    d[np.arange(n), y] -= 1
    return float(-log_p[np.arange(n), y].mean()), d


def softmax_cross_entropy_summed_loss(logits, y):
    log_p = _log_softmax(logits)
    n = len(y)
    d = np.exp(log_p)
    d[np.arange(n), y] -= 1
    return float(-log_p[np.arange(n), y].sum()), d / n


def softmax_cross_entropy_flipped(logits, y):
    log_p = _log_softmax(logits)
    n = len(y)
    d = np.exp(log_p)
    d[np.arange(n), y] -= 1
    return float(-log_p[np.arange(n), y].mean()), -d / n


# ----------------------------------------------------------------------------- mlp_gradients

def _mlp(params, X, y, mean=True, mask_layer1=True, keys=("W1", "b1", "W2", "b2", "W3", "b3")):
    z1 = X @ params["W1"] + params["b1"]
    h1 = np.maximum(z1, 0)
    z2 = h1 @ params["W2"] + params["b2"]
    h2 = np.maximum(z2, 0)
    logits = h2 @ params["W3"] + params["b3"]
    n = len(y)
    d = np.exp(_log_softmax(logits))
    d[np.arange(n), y] -= 1
    d = d / n if mean else d
    grads = {"W3": h2.T @ d, "b3": d.sum(0)}
    dz2 = (d @ params["W3"].T) * (z2 > 0)
    grads.update(W2=h1.T @ dz2, b2=dz2.sum(0))
    dz1 = dz2 @ params["W2"].T * ((z1 > 0) if mask_layer1 else 1.0)
    grads.update(W1=X.T @ dz1, b1=dz1.sum(0))
    return {k: grads[k] for k in keys}


def mlp_gradients_summed_loss(params, X, y):
    return _mlp(params, X, y, mean=False)


def mlp_gradients_without_first_relu_mask(params, X, y):
    return _mlp(params, X, y, mask_layer1=False)


def mlp_gradients_only_weights(params, X, y):
    return _mlp(params, X, y, keys=("W1", "W2", "W3"))


def mlp_gradients_steps_the_weights(params, X, y):
    """Right gradients, but it also takes a gradient step on the caller's parameters."""
    grads = _mlp(params, X, y)
    for k in params:
        params[k] -= 0.1 * grads[k]
    return grads


# ----------------------------------------------------------------------------- optimiser steps

def momentum_plain_sgd(w, grad, velocity, lr, momentum):
    return w - lr * grad, velocity


def momentum_as_average(w, grad, velocity, lr, momentum):
    v = momentum * velocity + (1 - momentum) * grad
    return w - lr * v, v


def momentum_other_convention(w, grad, velocity, lr, momentum):
    v = momentum * velocity - lr * grad
    return w + v, v


def momentum_in_place(w, grad, velocity, lr, momentum):
    velocity *= momentum
    velocity += grad
    w -= lr * velocity
    return w, velocity


def adam_without_bias_correction(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return w - lr * m / (np.sqrt(v) + eps), m, v


def adam_eps_inside_the_root(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return w - lr * (m / (1 - beta1 ** t)) / np.sqrt(v / (1 - beta2 ** t) + eps), m, v


def adam_returns_corrected_moments(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat


# ----------------------------------------------------------------------------- initialisation

def he_init_lecun_variance(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))


def he_init_global_random_state(fan_in, fan_out, rng):
    return np.random.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def he_init_uniform(fan_in, fan_out, rng):
    bound = np.sqrt(6.0 / fan_in)           # variance bound² / 3 = 2 / fan_in, but not normal
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


def he_init_transposed(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in))


def xavier_init_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_in, fan_out))


def xavier_init_std_as_bound(fan_in, fan_out, rng):
    bound = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


def xavier_init_fan_in_only(fan_in, fan_out, rng):
    bound = np.sqrt(3.0 / fan_in)
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


WRONG = [
    ("week07.Value", ValueAssignsGradients, "Accumulate with +="),
    ("week07.Value", ValueTanhOfTheInput, "d tanh(a)/da = 1 - tanh(a)²"),
    ("week07.Value", ValuePowerRuleWithoutMinusOne, "d(a ** c)/da = c * a ** (c - 1)"),
    ("week07.Value", ValueLogDerivativeOfTheOutput, "d log(a)/da = 1/a"),
    ("week07.Value", ValueReluPassesItsOutput, "d relu(a)/da = 1 if a > 0 else 0"),
    ("week07.Value", ValueBackwardWithoutTopologicalOrder, "topological order"),
    ("week07.Value", ValueWithoutRsub, "__rsub__"),
    ("week07.affine_forward", affine_forward_without_bias, "without the bias"),
    ("week07.affine_forward", affine_forward_transposed, "use x @ W"),
    ("week07.affine_backward", affine_backward_mean_bias, "it is the SUM, dout.sum(axis=0)"),
    ("week07.affine_backward", affine_backward_averaged_weights, "each row's contribution adds up"),
    ("week07.relu_backward", relu_backward_at_zero, "where z == 0"),
    ("week07.relu_backward", relu_backward_mask_only, "the mask z > 0 alone"),
    ("week07.softmax_cross_entropy", softmax_cross_entropy_unstable, "Subtract each row's largest logit"),
    ("week07.softmax_cross_entropy", softmax_cross_entropy_not_divided, "without dividing by N"),
    ("week07.softmax_cross_entropy", softmax_cross_entropy_summed_loss, "the SUM over the batch"),
    ("week07.softmax_cross_entropy", softmax_cross_entropy_flipped, "points the other way"),
    ("week07.mlp_gradients", mlp_gradients_summed_loss, "times too large"),
    ("week07.mlp_gradients", mlp_gradients_without_first_relu_mask, "the ReLU mask of layer 1"),
    ("week07.mlp_gradients", mlp_gradients_only_weights, "has no gradient for b1, b2, b3"),
    ("week07.mlp_gradients", mlp_gradients_steps_the_weights, "changed its input params['W1'] in place"),
    ("week07.sgd_momentum_step", momentum_plain_sgd, "plain gradient descent"),
    ("week07.sgd_momentum_step", momentum_as_average, "torch adds the full gradient"),
    ("week07.sgd_momentum_step", momentum_other_convention, "the convention v = momentum * v - lr * grad"),
    ("week07.sgd_momentum_step", momentum_in_place, "changed"),
    ("week07.adam_step", adam_without_bias_correction, "without bias correction"),
    ("week07.adam_step", adam_eps_inside_the_root, "eps inside the square root"),
    ("week07.adam_step", adam_returns_corrected_moments, "WITH the bias correction"),
    ("week07.he_init", he_init_lecun_variance, "LeCun"),
    ("week07.he_init", he_init_global_random_state, "draw every random number from the rng"),
    ("week07.he_init", he_init_uniform, "draw from a normal distribution"),
    ("week07.he_init", he_init_transposed, "shape (64, 32)"),
    ("week07.xavier_init", xavier_init_normal, "a normal distribution has tails"),
    ("week07.xavier_init", xavier_init_std_as_bound, "the bound is sqrt(6/(fan_in + fan_out))"),
    ("week07.xavier_init", xavier_init_fan_in_only, "averages the two fans"),
]


WRONG_SUBMISSION = (
    {"he_init": renamed_source(he_init_lecun_variance, "he_init"),
     "adam_step": renamed_source(adam_without_bias_correction, "adam_step"),
     "checkpoint_q1": 'q1_answer = "a"', "checkpoint_q3": "q3_answer = 0.9"},
    {"he_init_public", "he_init_hidden", "adam_step_public", "adam_step_hidden",
     "checkpoint_q1_test", "checkpoint_q3_test"},
)
