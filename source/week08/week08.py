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

# %% [markdown]
# # Week 08 — Deep learning II: convolutional and recurrent networks, regularisation
#
# Last week's networks treated their input as a flat list of numbers. This week's networks know the *shape* of
# their data. A **convolutional network** slides small learned filters over an image, so a stroke detector learned
# in one corner works everywhere, with a few hundred weights instead of millions. A **recurrent network** reads a
# sequence one step at a time and carries a memory, the hidden state, from step to step, which lets it generate
# text and tell "not good" from "good". Both are deep, and deep networks overfit and train badly unless they are
# **regularised** and **normalised**: weight decay, dropout, batch normalisation, early stopping and data
# augmentation. You will build every layer's forward and backward pass from scratch in NumPy, compare them with
# PyTorch, and then use PyTorch to train a CNN on the digits, a character-level language model on Python's own
# documentation and a sentiment classifier.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | convolution: kernels as feature detectors, stride, padding, channels | `conv2d_forward` |
# | 2 | backpropagation through a convolution; parameter counts and receptive fields | `conv2d_backward` |
# | 3 | pooling | `maxpool2d_forward`, `maxpool2d_backward` |
# | 4 | explorer: an editable 3 × 3 kernel on a digit and on a photograph | |
# | 5 | batch normalisation; explorer: activations and gradients per layer | `batchnorm_forward`, `batchnorm_backward` |
# | 6 | regularisation: L1/L2 and weight decay, dropout, early stopping, data augmentation | `dropout` |
# | 7 | project: a CNN for the digits, end to end in PyTorch | `digits_cnn` (trained model, scored on held-out digits) |
# | 8 | recurrent networks: hidden state, backpropagation through time | `rnn_forward` |
# | 9 | vanishing and exploding gradients (explorer), gradient clipping | `clip_grad_norm` |
# | 10 | LSTM and GRU gates | `lstm_cell` |
# | 11 | projects: text generation and sentiment with recurrent networks | |
# | 12 | checkpoint: can you build and train a CNN from scratch in PyTorch? | four questions + one written answer |

# %% [markdown]
# ## How to work this week
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation in **NumPy** (no PyTorch in Exercises 1–10: PyTorch is what your code is compared with). The
#    project of §7 is the exception: there you use PyTorch.
# 3. **Run the public test cell** under each exercise: small inputs whose expected values you can work out by hand.
# 4. Then try **fresh random inputs** compared with PyTorch in float64, as often as you like, e.g.
#    `check("week08.conv2d_forward", conv2d_forward)`. It prints ✓ or what went wrong.
# 5. **Hidden tests** run when the notebook is graded: randomized inputs compared with `torch.nn.functional`,
#    `torch.nn` layers with copied weights and autograd. If `check(...)` passes reliably, they will pass too.
# 6. Two of the explorers run **your** `conv2d_forward` and `rnn_forward` once they pass their checks, and a
#    reference until then; they say whose code runs. The lesson cells after each exercise work either way.

# %%
# %matplotlib inline
import importlib
import inspect
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from course.checks import expect_close, expect_equal, expect_choice, expect_true, expect_unchanged
from course.exercises import check, grade, score_held_out

np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 3)
torch.set_num_threads(1)    # these networks are small: one thread is as fast, and two fight on a busy 2-core machine


def mine_or_reference(function, reference, *args):
    """Your function's result when it is written; the reference's until then (so the lesson runs either way)."""
    try:
        return function(*args)
    except NotImplementedError:
        print(f"({function.__name__} is not written yet: this cell uses a reference implementation)")
        return reference(*args)


# %% [markdown]
# ## 1. Convolution
#
# An 8 × 8 digit has 64 pixels; a phone photo has millions. A fully connected layer from a 224 × 224 × 3 image to
# 64 units already needs 9.6 million weights, and it has to learn "a vertical stroke" separately at every position.
# Images have two properties that a better layer can use:
#
# * **locality**: a pixel says most about its neighbours (strokes, edges and corners are local patterns);
# * **translation equivariance**: a stroke is a stroke wherever it is, so the same detector should be applied
#   everywhere.
#
# A **convolutional layer** does exactly that: it slides a small **kernel** (filter) of weights over the image and,
# at each position, takes the dot product of the kernel with the patch under it. For an image $x$ with $C$
# channels and a kernel $w$ of size $C \times k_h \times k_w$, output pixel $(r, q)$ is
#
# $$\text{out}[r, q] = b + \sum_{c=1}^{C}\sum_{i=0}^{k_h - 1}\sum_{j=0}^{k_w - 1} w[c, i, j]\;
#   x_{\text{pad}}[c,\; s\,r + i,\; s\,q + j].$$
#
# * **Stride** $s$: how far the kernel moves between outputs (a stride of 2 halves the resolution).
# * **Padding** $p$: zeros added around the image so that the kernel can sit on the border
#   ($x_{\text{pad}}$ is $x$ with $p$ rows/columns of zeros on every side); padding $p = (k-1)/2$ with stride 1
#   keeps the size ("same" padding).
# * **Output size**: $H_{\text{out}} = \lfloor (H + 2p - k_h)/s \rfloor + 1$, and the same for the width. When
#   $s$ does not divide $H + 2p - k_h$, the last rows and columns that do not fill a whole window are skipped.
# * **Channels**: a layer has $F$ kernels, one per output channel (feature map), each spanning *all* $C$ input
#   channels: the weights have shape $(F, C, k_h, k_w)$ and there is one bias per output channel.
#
# Strictly, this is **cross-correlation**: the mathematical convolution flips the kernel first. Every deep-learning
# library (PyTorch's `conv2d` included) computes the unflipped version and calls it convolution; since the kernel is
# learned, the flip would make no difference to what a network can do, but it does to your numbers.
#
# **Kernels as feature detectors.** A kernel responds most strongly to patches that look like it. The Sobel kernel
# $\begin{pmatrix}-1&0&1\\-2&0&2\\-1&0&1\end{pmatrix}$ is large where the image gets brighter from left to right (a
# vertical edge), zero on flat regions, and negative where it gets darker. The first layer of a trained CNN learns
# kernels that look like such edge and blob detectors; later layers combine them into strokes, loops and parts.
#
# ### Exercise 1 — `conv2d_forward`
#
# Input `x` of shape `(N, C, H, W)` (a batch of N images), weights `w` of shape `(F, C, kh, kw)`, bias `b` of
# shape `(F,)`, integers `stride` ≥ 1 and `padding` ≥ 0 (zeros on all four sides). Return the output of shape
# `(N, F, H_out, W_out)`, exactly what `torch.nn.functional.conv2d(x, w, b, stride, padding)` gives.
#
# A fast way without four nested loops: loop over the $k_h \times k_w$ kernel positions $(i, j)$ only. For a fixed
# $(i, j)$, the input pixels that meet $w[:, :, i, j]$ are the strided slice
# `xp[:, :, i : i + stride*H_out : stride, j : j + stride*W_out : stride]` of shape `(N, C, H_out, W_out)`; multiply
# it with `w[:, :, i, j]` (shape `(F, C)`) summing over `C` (`np.einsum("nchw,fc->nfhw", ...)`), and add up.
# `np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))` pads. Do not modify `x`.

# %% nbgrader={"grade": false, "grade_id": "conv2d_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def conv2d_forward(x, w, b, stride=1, padding=0):
    """2-D convolution (cross-correlation, as in PyTorch) of a batch of images.

    x : (N, C, H, W); w : (F, C, kh, kw); b : (F,); stride >= 1; padding >= 0 zeros on every side.
    Returns out : (N, F, H_out, W_out) with H_out = (H + 2*padding - kh) // stride + 1 (same for W), and
    out[n, f, r, q] = b[f] + sum over c, i, j of w[f, c, i, j] * x_padded[n, c, stride*r + i, stride*q + j].
    """
    ### BEGIN SOLUTION
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (width + 2 * padding - kw) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros((n, f, h_out, w_out))
    for i in range(kh):          # one kernel position at a time: it meets the pixels xp[.., i + stride*r, j + stride*q]
        for j in range(kw):
            patch = xp[:, :, i:i + stride * h_out:stride, j:j + stride * w_out:stride]      # (n, c, h_out, w_out)
            out += np.einsum("nchw,fc->nfhw", patch, w[:, :, i, j])
    return out + b[None, :, None, None]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "conv2d_forward_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# A 2x2 kernel [[1, 0], [0, -1]] on the numbers 0..15: each output is x[r, q] - x[r + 1, q + 1] = -5, plus the bias 1.
x_grid = np.arange(16.0).reshape(1, 1, 4, 4)
w_diagonal = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
expect_close(conv2d_forward(x_grid, w_diagonal, np.array([1.0])), np.full((1, 1, 3, 3), -4.0),
             name="a 2x2 kernel on a 4x4 image (bias 1)",
             slips={"a flipped kernel (true convolution; PyTorch's conv2d does not flip)": np.full((1, 1, 3, 3), 6.0),
                    "leaving out the bias": np.full((1, 1, 3, 3), -5.0)})
expect_unchanged(x_grid, np.arange(16.0).reshape(1, 1, 4, 4), "conv2d_forward", "x", name="x is left unchanged")
# A 3x3 kernel of ones with padding 1 counts the pixels of a 3x3 image of ones that lie under it.
expect_close(conv2d_forward(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), np.zeros(1), 1, 1),
             [[[[4.0, 6.0, 4.0], [6.0, 9.0, 6.0], [4.0, 6.0, 4.0]]]], name="padding 1 on a 3x3 image of ones")
# Stride 2, padding 1 on a 5x5 image: the output is floor((5 + 2 - 3) / 2) + 1 = 3 pixels wide.
expect_equal(np.shape(conv2d_forward(np.ones((2, 1, 5, 5)), np.ones((4, 1, 3, 3)), np.zeros(4), 2, 1)),
             (2, 4, 3, 3), name="the output shape for N = 2, F = 4, a 5x5 image, stride 2, padding 1")
# A 1x1 kernel mixes channels: the filters copy channel 0, copy channel 1, and add them.
x_two_channels = np.array([[[[1.0, 2.0], [3.0, 4.0]], [[10.0, 20.0], [30.0, 40.0]]]])
w_mix = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]).reshape(3, 2, 1, 1)
expect_close(conv2d_forward(x_two_channels, w_mix, np.zeros(3)),
             [[[[1.0, 2.0], [3.0, 4.0]], [[10.0, 20.0], [30.0, 40.0]], [[11.0, 22.0], [33.0, 44.0]]]],
             name="a 1x1 kernel across two channels")
print("✓ public checks passed: conv2d_forward (a 2x2 kernel, padding, stride, channels)")

# %% nbgrader={"grade": true, "grade_id": "conv2d_forward_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: batches of 1 to 3 images with 1 to 3 channels, 1 to 4 filters, kernels from 1x1 to 5x5 (also not
# square), strides 1 to 3 (also one that does not divide the padded size), padding 0 to 2, random normal numbers.
# Compared with torch.nn.functional.conv2d in float64.
# Try them yourself now: check("week08.conv2d_forward", conv2d_forward)
### BEGIN HIDDEN TESTS
grade("week08.conv2d_forward", conv2d_forward)
### END HIDDEN TESTS

# %%
check("week08.conv2d_forward", conv2d_forward);

# %% [markdown]
# Three hand-made kernels on a digit (padding 1 keeps the 8 × 8 size). Red is positive, blue negative: the Sobel
# kernels light up on the left and right (vertical) or top and bottom (horizontal) edges of the strokes, and the
# Laplacian on their outlines.

# %%
from sklearn.datasets import load_digits

from course.explorers.kernel_editor import PRESETS, reference_conv2d

digit_image = load_digits().images[3] / 16.0
kernel_names = ["vertical edges (Sobel x)", "horizontal edges (Sobel y)", "outline (Laplacian)"]
kernels = np.array([PRESETS[name] for name in kernel_names], dtype=float)[:, None]      # (3, 1, 3, 3)
maps = mine_or_reference(conv2d_forward, reference_conv2d, digit_image[None, None], kernels, np.zeros(3), 1, 1)[0]
fig, axes = plt.subplots(1, 4, figsize=(10, 2.6))
axes[0].imshow(digit_image, cmap="gray_r")
axes[0].set_title("digit")
for ax, name, feature_map in zip(axes[1:], kernel_names, maps):
    limit = np.abs(feature_map).max()
    ax.imshow(feature_map, cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(name, fontsize=9)
for ax in axes:
    ax.axis("off")
plt.show()

# %% [markdown]
# ## 2. Backpropagation through a convolution
#
# Write the output's gradient as `dout` $= \partial L/\partial\,\text{out}$, shape `(N, F, H_out, W_out)`. Every
# output pixel is a sum of products $w[f, c, i, j]\,x_{\text{pad}}[n, c, s r + i, s q + j]$, so by the chain rule:
#
# * $\dfrac{\partial L}{\partial b[f]} = \sum_{n, r, q} \text{dout}[n, f, r, q]$ (the bias is added to every output
#   pixel of its channel);
# * $\dfrac{\partial L}{\partial w[f, c, i, j]} = \sum_{n, r, q} \text{dout}[n, f, r, q]\;
#   x_{\text{pad}}[n, c, s r + i, s q + j]$: the same strided slices as the forward pass, correlated with `dout`;
# * $\dfrac{\partial L}{\partial x_{\text{pad}}[n, c, s r + i, s q + j]}$ receives
#   $\sum_f \text{dout}[n, f, r, q]\, w[f, c, i, j]$ from each output it took part in: **scatter-add** the
#   products back into the slice they came from (`+=`, since windows overlap when the stride is smaller than the
#   kernel), then cut the padding off.
#
# The gradient of a convolution with respect to its input is itself a convolution (of the zero-dilated `dout` with
# the flipped kernel): that is how libraries compute it, and why the backward pass costs about as much as the
# forward.
#
# ### Exercise 2 — `conv2d_backward`
#
# Given `dout`, `x`, `w`, `stride` and `padding` (the same as in the forward pass), return `(dx, dw, db)` with the
# shapes of `x`, `w` and `(F,)`, equal to what PyTorch's autograd gives for `F.conv2d(x, w, b, stride, padding)`
# with `out.backward(dout)`. Pixels that no window covers (when the stride skips the last rows) get gradient 0.

# %% nbgrader={"grade": false, "grade_id": "conv2d_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def conv2d_backward(dout, x, w, stride=1, padding=0):
    """Gradients of conv2d_forward(x, w, b, stride, padding) given dout = dL/dout.

    dout : (N, F, H_out, W_out); x : (N, C, H, W); w : (F, C, kh, kw).
    Returns (dx, dw, db): shapes (N, C, H, W), (F, C, kh, kw) and (F,).
    """
    ### BEGIN SOLUTION
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    h_out, w_out = dout.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp = np.zeros(xp.shape)
    dw = np.zeros(w.shape)
    for i in range(kh):
        for j in range(kw):
            rows, cols = slice(i, i + stride * h_out, stride), slice(j, j + stride * w_out, stride)
            dw[:, :, i, j] = np.einsum("nfhw,nchw->fc", dout, xp[:, :, rows, cols])
            dxp[:, :, rows, cols] += np.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])   # scatter back, adding
    dx = dxp[:, :, padding:padding + h, padding:padding + width]
    return dx, dw, dout.sum(axis=(0, 2, 3))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "conv2d_backward_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# A 2x2 kernel of ones on the numbers 0..8, dout all ones: dw[i, j] sums the 2x2 window of x that starts at (i, j),
# dx counts how many windows cover each pixel, db counts the outputs.
x_small = np.arange(9.0).reshape(1, 1, 3, 3)
dx, dw, db = conv2d_backward(np.ones((1, 1, 2, 2)), x_small, np.ones((1, 1, 2, 2)), 1, 0)
expect_close(dw, [[[[8.0, 12.0], [20.0, 24.0]]]], name="dw for a 2x2 kernel of ones")
expect_close(dx, [[[[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]]], name="dx: windows covering each pixel")
expect_close(db, [4.0], name="db: the sum of dout", slips={"averaging dout instead of summing it": [1.0]})
# Padding 1: dx has the shape of x, not of the padded input.
dx, _, _ = conv2d_backward(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), 1, 1)
expect_close(dx, [[[[4.0, 6.0, 4.0], [6.0, 9.0, 6.0], [4.0, 6.0, 4.0]]]], name="dx with padding 1")
print("✓ public checks passed: conv2d_backward (dw, dx, db, padding)")

# %% nbgrader={"grade": true, "grade_id": "conv2d_backward_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: the same shapes, strides and paddings as for conv2d_forward, a random dout; dx, dw and db compared
# with PyTorch's autograd of F.conv2d in float64.
# Try them yourself now: check("week08.conv2d_backward", conv2d_backward)
### BEGIN HIDDEN TESTS
grade("week08.conv2d_backward", conv2d_backward)
### END HIDDEN TESTS

# %%
check("week08.conv2d_backward", conv2d_backward);

# %% [markdown]
# ### Parameter counts and receptive fields
#
# A convolution with $F$ kernels of size $C \times k \times k$ has $F\,(C k^2 + 1)$ parameters, whatever the size of
# the image: the same weights are shared by every position. The **receptive field** of an output pixel is the
# region of the input it depends on. Stacking layers grows it: a 3 × 3 convolution adds 2 pixels (times the product
# of the earlier strides) to it, and a 2 × 2 pooling with stride 2 adds 1 and doubles the step of everything after.
# Two 3 × 3 layers see 5 × 5 with $2 \cdot 9 = 18$ weights per channel pair instead of 25: deep stacks of small
# kernels are cheaper than one big kernel.
#
# The network of §7, layer by layer (PyTorch counts the parameters; the receptive field is computed from the
# kernel sizes and strides):

# %%
def cnn_for_digits():
    """The CNN of §7: 1x8x8 -> 16x8x8 -> 32x8x8 -> pool 32x4x4 -> 64x4x4 -> pool 64x2x2 -> 10 classes."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.3), nn.Linear(64 * 2 * 2, 10))


def layer_table(model, input_shape=(1, 1, 8, 8)):
    rows, x, field, jump = [], torch.zeros(input_shape), 1, 1
    for layer in model:
        x = layer(x)
        if isinstance(layer, (nn.Conv2d, nn.MaxPool2d)):
            k = layer.kernel_size if isinstance(layer.kernel_size, int) else layer.kernel_size[0]
            s = layer.stride if isinstance(layer.stride, int) else layer.stride[0]
            field, jump = field + (k - 1) * jump, jump * s
        rows.append({"layer": type(layer).__name__, "output shape": tuple(x.shape[1:]),
                     "parameters": sum(p.numel() for p in layer.parameters()),
                     "receptive field": f"{field}x{field}" if x.dim() == 4 else "all"})
    return pd.DataFrame(rows)


with torch.no_grad():
    table = layer_table(cnn_for_digits().eval())
print(f"{table['parameters'].sum()} parameters in all")
table

# %% [markdown]
# The three convolutions hold 160 + 4,640 + 18,496 parameters; a fully connected layer from the 64 pixels to 1,024
# units (the size of the first feature maps) alone would need 66,560. After the last convolution each unit sees
# 10 × 10 pixels, more than the whole 8 × 8 digit.
#
# ## 3. Pooling
#
# A **max-pooling** layer with window `size` and `stride` replaces each window of each channel by its maximum
# (no weights). It shrinks the feature maps, so later layers see more of the image for the same cost, and it makes
# the output insensitive to small shifts: a stroke detected one pixel to the left still wins its window. Average
# pooling takes the mean instead; global average pooling (one number per channel) often replaces the last fully
# connected layers.
#
# Backward, only the maximum of each window influenced the output, so the window's gradient goes **to that one
# entry** and the others get 0. **Ties:** when several entries of a window share the maximum, the gradient goes to
# the **first** of them in row-major order (the one `np.argmax` finds in the flattened window), as PyTorch does.
# When windows overlap (stride < size), an entry can be the maximum of several windows and collects all their
# gradients.
#
# ### Exercise 3 — `maxpool2d_forward`
#
# `x` of shape `(N, C, H, W)`, a square window `size` and a `stride` (`None` means `stride = size`); no padding.
# Return `(N, C, H_out, W_out)` with `H_out = (H - size) // stride + 1`, as `F.max_pool2d(x, size, stride)`.

# %% nbgrader={"grade": false, "grade_id": "maxpool2d_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def maxpool2d_forward(x, size=2, stride=None):
    """Max pooling over size x size windows moved by stride (default: size), no padding.

    x : (N, C, H, W). Returns (N, C, (H - size) // stride + 1, (W - size) // stride + 1).
    """
    ### BEGIN SOLUTION
    stride = size if stride is None else stride
    h_out = (x.shape[2] - size) // stride + 1
    w_out = (x.shape[3] - size) // stride + 1
    out = np.full(x.shape[:2] + (h_out, w_out), -np.inf)
    for i in range(size):
        for j in range(size):
            out = np.maximum(out, x[:, :, i:i + stride * h_out:stride, j:j + stride * w_out:stride])
    return out
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "maxpool2d_forward_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
x_pool = np.array([[1.0, 3.0, 2.0, 0.0], [4.0, 2.0, 1.0, 5.0], [0.0, 1.0, 3.0, 2.0], [2.0, 2.0, 0.0, 1.0]])[None, None]
expect_close(maxpool2d_forward(x_pool, 2), [[[[4.0, 5.0], [2.0, 3.0]]]], name="2x2 max pooling of a 4x4 image",
             slips={"average pooling (take the maximum)": [[[[2.5, 2.0], [1.25, 1.5]]]]})
expect_close(maxpool2d_forward(x_pool, 3, 1), [[[[4.0, 5.0], [4.0, 5.0]]]], name="3x3 windows with stride 1")
expect_equal(np.shape(maxpool2d_forward(np.zeros((2, 3, 5, 5)), 2)), (2, 3, 2, 2),
             name="the shape for a 5x5 input and 2x2 windows (the last row and column are left out)")
print("✓ public checks passed: maxpool2d_forward")

# %% nbgrader={"grade": true, "grade_id": "maxpool2d_forward_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: batches with 1 to 3 channels, windows 2 and 3, strides 1 to 3 (overlapping windows, and sizes that
# leave rows out), random normal numbers and small integers (ties). Compared with F.max_pool2d in float64.
# Try them yourself now: check("week08.maxpool2d_forward", maxpool2d_forward)
### BEGIN HIDDEN TESTS
grade("week08.maxpool2d_forward", maxpool2d_forward)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 4 — `maxpool2d_backward`
#
# Given `dout` (the output's gradient), the input `x`, `size` and `stride`, return `dx` of the shape of `x`: each
# window's `dout` entry added to the position of the window's first maximum (row-major), as PyTorch's autograd of
# `F.max_pool2d` does. The hidden tests include ties (inputs of small integers) and overlapping windows.

# %% nbgrader={"grade": false, "grade_id": "maxpool2d_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def maxpool2d_backward(dout, x, size=2, stride=None):
    """Gradient of maxpool2d_forward(x, size, stride) given dout: each window's gradient goes to its first maximum.

    dout : (N, C, H_out, W_out); x : (N, C, H, W). Returns dx : (N, C, H, W).
    """
    ### BEGIN SOLUTION
    stride = size if stride is None else stride
    n, c = x.shape[:2]
    dx = np.zeros(x.shape)
    batch, channel = np.meshgrid(np.arange(n), np.arange(c), indexing="ij")
    for r in range(dout.shape[2]):
        for q in range(dout.shape[3]):
            window = x[:, :, r * stride:r * stride + size, q * stride:q * stride + size].reshape(n, c, -1)
            i, j = np.divmod(window.argmax(axis=2), size)        # argmax: the FIRST maximum, row by row
            np.add.at(dx, (batch, channel, r * stride + i, q * stride + j), dout[:, :, r, q])
    return dx
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "maxpool2d_backward_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# The four windows' maxima are 4, 5, 2 (twice: the first one, at the bottom left, gets the gradient) and 3.
dx = maxpool2d_backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), x_pool, 2)
expect_close(dx, [[[[0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 2.0], [0.0, 0.0, 4.0, 0.0], [3.0, 0.0, 0.0, 0.0]]]],
             name="dx for 2x2 windows, with a tie in the bottom-left window",
             slips={"sending the gradient to every tied maximum (only the first gets it)":
                    [[[[0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.0, 2.0], [0.0, 0.0, 4.0, 0.0], [3.0, 3.0, 0.0, 0.0]]]]})
# Overlapping windows (stride 1): the 5 is the maximum of both windows and collects 1 + 2.
dx = maxpool2d_backward(np.array([[[[1.0, 2.0]]]]), np.array([[[[0.0, 5.0, 0.0], [0.0, 0.0, 0.0]]]]), 2, 1)
expect_close(dx, [[[[0.0, 3.0, 0.0], [0.0, 0.0, 0.0]]]], name="dx when two windows share their maximum",
             slips={"writing each window's gradient with = instead of adding it":
                    [[[[0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]]]})
print("✓ public checks passed: maxpool2d_backward (a tie, overlapping windows)")

# %% nbgrader={"grade": true, "grade_id": "maxpool2d_backward_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: the same inputs as for maxpool2d_forward with a random dout, compared with PyTorch's autograd of
# F.max_pool2d in float64 (ties: the first maximum in row-major order gets the gradient).
# Try them yourself now: check("week08.maxpool2d_backward", maxpool2d_backward)
### BEGIN HIDDEN TESTS
grade("week08.maxpool2d_backward", maxpool2d_backward)
### END HIDDEN TESTS

# %%
check("week08.maxpool2d_backward", maxpool2d_backward);

# %% [markdown]
# ## 4. Explorer: a 3 × 3 kernel of your own
#
# Pick a preset or type any nine numbers, and see the feature map it makes on a digit and on one of the two
# photographs that scikit-learn ships (in grey, reduced four times). Things to try:
#
# * the **Sobel** kernels: edges of one orientation only, with a sign that says which side is brighter;
# * **blur**: every entry 1/9, the local average: the kernel's entries sum to 1, so flat regions keep their
#   brightness; **sharpen** also sums to 1 but adds the difference from the neighbours;
# * the **Laplacian** sums to 0: flat regions vanish and only outlines remain;
# * change one entry of the identity kernel and watch the picture shift or double.
#
# A CNN learns its kernels from data, but the first layer's usually end up looking like these.

# %%
from course.explorers import kernel_editor_explorer

kernel_editor_explorer(conv2d_forward)

# %% [markdown]
# ## 5. Batch normalisation
#
# Deep networks train faster when each layer's inputs keep a stable scale. **Batch normalisation** (Ioffe &
# Szegedy, 2015) normalises every channel over the current mini-batch and then lets the network choose the scale
# and shift it wants back:
#
# $$\mu = \frac1m\sum_k x_k,\qquad \sigma^2 = \frac1m\sum_k (x_k-\mu)^2,\qquad
#   \hat x = \frac{x-\mu}{\sqrt{\sigma^2+\varepsilon}},\qquad y = \gamma\,\hat x + \beta,$$
#
# where the sums run over the $m$ values of a channel in the batch: over the batch for an input of shape $(N, C)$,
# and over the batch **and both spatial axes** for images $(N, C, H, W)$ (so every position of a feature map is
# normalised the same way, and $m = NHW$). $\gamma$ and $\beta$ (one per channel) are learned.
#
# **Training and evaluation differ.** At test time there may be a single example, and a prediction must not depend
# on the others in its batch. So during training the layer keeps **running averages** of the batch statistics,
#
# $$\text{running\_mean} \leftarrow (1-m_{\text{om}})\,\text{running\_mean} + m_{\text{om}}\,\mu,\qquad
#   \text{running\_var} \leftarrow (1-m_{\text{om}})\,\text{running\_var} + m_{\text{om}}\,\tfrac{m}{m-1}\sigma^2,$$
#
# with momentum $m_{\text{om}}$ (0.1 by default), and at evaluation time it normalises with those instead of the
# batch's. Note PyTorch's conventions: `momentum` weighs the *new* batch, and the running variance is updated with
# the **unbiased** batch variance ($\frac{m}{m-1}\sigma^2$), while the normalisation itself uses the biased one.
# Forgetting `model.eval()` before predicting is one of the most common bugs in deep learning code.
#
# ### Exercise 5 — `batchnorm_forward`
#
# Inputs: `x` of shape `(N, C)` or `(N, C, H, W)`; `gamma`, `beta`, `running_mean`, `running_var` of shape `(C,)`;
# `train` (bool), `momentum`, `eps`. Return `(out, new_running_mean, new_running_var)`: in training mode `out` uses
# the batch statistics and the running statistics are updated as above; in evaluation mode `out` uses the running
# statistics, which come back unchanged (as new arrays or copies). Do not modify any input: PyTorch's
# `F.batch_norm` updates `running_mean` in place, your function returns new arrays instead.

# %% nbgrader={"grade": false, "grade_id": "batchnorm_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def batchnorm_forward(x, gamma, beta, running_mean, running_var, train, momentum=0.1, eps=1e-5):
    """Batch normalisation per channel (axis 1), over every other axis.

    x : (N, C) or (N, C, H, W); gamma, beta, running_mean, running_var : (C,).
    Returns (out, new_running_mean, new_running_var). Training: batch statistics, running statistics updated with
    momentum (the variance unbiased). Evaluation: the running statistics, returned unchanged.
    """
    ### BEGIN SOLUTION
    axes = (0,) + tuple(range(2, x.ndim))                 # every axis but the channels
    shape = (1, -1) + (1,) * (x.ndim - 2)                 # a channel vector, broadcast against x
    if train:
        mean, var = x.mean(axis=axes), x.var(axis=axes)
        count = x.size // x.shape[1]
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var * count / (count - 1)
    else:
        mean, var = running_mean, running_var
        running_mean, running_var = running_mean.copy(), running_var.copy()
    x_hat = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape), running_mean, running_var
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "batchnorm_forward_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Two features with means 2 and 20 and variances 1 and 100 in a batch of four: x_hat is -1 or +1 (eps = 0 here).
x_bn = np.array([[1.0, 10.0], [1.0, 10.0], [3.0, 30.0], [3.0, 30.0]])
out, new_mean, new_var = batchnorm_forward(x_bn, np.array([2.0, 1.0]), np.array([0.0, 5.0]), np.zeros(2),
                                           np.ones(2), True, 0.1, 0.0)
expect_close(out, [[-2.0, 4.0], [-2.0, 4.0], [2.0, 6.0], [2.0, 6.0]], name="out in training mode")
expect_close(new_mean, [0.2, 2.0], name="the new running mean (0.9 * 0 + 0.1 * the batch mean)",
             slips={"new = 0.1 * running + 0.9 * batch (momentum weighs the NEW batch)": [1.8, 18.0]})
expect_close(new_var, [0.9 + 0.1 * 4 / 3, 0.9 + 0.1 * 400 / 3], name="the new running variance",
             slips={"the biased batch variance (the running variance uses the unbiased one, x 4/3 here)":
                    [1.0, 10.9]})
# Evaluation: the running statistics normalise, whatever the batch.
out, same_mean, same_var = batchnorm_forward(np.array([[3.0, 6.0]]), np.ones(2), np.zeros(2), np.array([2.0, 4.0]),
                                             np.array([1.0, 4.0]), False, 0.1, 0.0)
expect_close(out, [[1.0, 1.0]], name="out in evaluation mode (a batch of one)")
expect_close(same_var, [1.0, 4.0], name="the running variance after evaluation (unchanged)")
print("✓ public checks passed: batchnorm_forward (training, running statistics, evaluation)")

# %% nbgrader={"grade": true, "grade_id": "batchnorm_forward_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: inputs (N, C) and (N, C, H, W) with channels of different means and scales, both modes, momentum
# 0.05 to 0.3, eps 1e-5 or 1e-3. Compared with F.batch_norm in float64 (out and the running statistics).
# Try them yourself now: check("week08.batchnorm_forward", batchnorm_forward)
### BEGIN HIDDEN TESTS
grade("week08.batchnorm_forward", batchnorm_forward)
### END HIDDEN TESTS

# %% [markdown]
# ### The backward pass
#
# In training mode $\mu$ and $\sigma^2$ depend on every $x_k$ of the batch, and the gradient has to go through them
# too. With $\text{d}\hat x = \gamma\,\text{dout}$ and means over the $m$ values of a channel,
#
# $$\frac{\partial L}{\partial x} = \frac{1}{\sqrt{\sigma^2+\varepsilon}}\Big(\text{d}\hat x
#   - \operatorname{mean}(\text{d}\hat x) - \hat x\,\operatorname{mean}(\text{d}\hat x\,\hat x)\Big),\qquad
#   \frac{\partial L}{\partial\gamma} = \sum \text{dout}\,\hat x,\qquad \frac{\partial L}{\partial\beta} = \sum\text{dout}.$$
#
# The two subtracted terms remove the parts of the gradient that would only shift or scale the whole batch, which
# the normalisation undoes anyway. (Derive it from $\partial\mu/\partial x_k = 1/m$ and
# $\partial\sigma^2/\partial x_k = 2(x_k-\mu)/m$.)
#
# ### Exercise 6 — `batchnorm_backward`
#
# Given `dout`, `x`, `gamma` and `eps` of a training-mode forward pass, return `(dx, dgamma, dbeta)` (shapes of `x`,
# `(C,)`, `(C,)`), as PyTorch's autograd of `F.batch_norm(x, None, None, gamma, beta, training=True, eps=eps)`.

# %% nbgrader={"grade": false, "grade_id": "batchnorm_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def batchnorm_backward(dout, x, gamma, eps=1e-5):
    """Gradients of training-mode batch normalisation: returns (dx, dgamma, dbeta).

    dout, x : (N, C) or (N, C, H, W); gamma : (C,).
    """
    ### BEGIN SOLUTION
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mean = x.mean(axis=axes, keepdims=True)
    inv_std = 1 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    x_hat = (x - mean) * inv_std
    dx_hat = dout * gamma.reshape(shape)
    # The batch mean and variance depend on every x: subtract the mean of dx_hat and its part along x_hat.
    dx = inv_std * (dx_hat - dx_hat.mean(axis=axes, keepdims=True)
                    - x_hat * (dx_hat * x_hat).mean(axis=axes, keepdims=True))
    return dx, (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "batchnorm_backward_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# One feature, x = 1, 1, 3, 3 (mean 2, variance 1: x_hat = -1, -1, 1, 1), gamma 2, eps 0, dout on the first example.
dx, dgamma, dbeta = batchnorm_backward(np.array([[1.0], [0.0], [0.0], [0.0]]), np.array([[1.0], [1.0], [3.0], [3.0]]),
                                       np.array([2.0]), 0.0)
expect_close(dx, [[1.0], [-1.0], [0.0], [0.0]], name="dx for a batch of four",
             slips={"treating the batch mean and variance as constants (dx = gamma * dout / std)":
                    [[2.0], [0.0], [0.0], [0.0]]})
expect_close(dgamma, [-1.0], name="dgamma = sum of dout * x_hat")
expect_close(dbeta, [1.0], name="dbeta = sum of dout")
print("✓ public checks passed: batchnorm_backward")

# %% nbgrader={"grade": true, "grade_id": "batchnorm_backward_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: inputs (N, C) and (N, C, H, W), a random dout, eps 1e-5 or 1e-3; dx, dgamma and dbeta compared
# with PyTorch's autograd of F.batch_norm(training=True) in float64.
# Try them yourself now: check("week08.batchnorm_backward", batchnorm_backward)
### BEGIN HIDDEN TESTS
grade("week08.batchnorm_backward", batchnorm_backward)
### END HIDDEN TESTS

# %%
check("week08.batchnorm_backward", batchnorm_backward);

# %% [markdown]
# **What it does to a deep network.** Ten layers of 100 tanh units, weights drawn with a standard deviation of
# $0.5/\sqrt{100}$ (too small), 500 random inputs: without normalisation the activations shrink layer after layer
# and the gradients with them; normalising each layer's pre-activations (with $\gamma = 1, \beta = 0$) keeps them
# at the same scale all the way down.

# %%
def activation_spread(normalise, layers=10, width=100, scale=0.5, seed=0):
    rng = np.random.default_rng(seed)
    h, spreads = rng.normal(size=(500, width)), []
    for _ in range(layers):
        z = h @ (rng.normal(size=(width, width)) * scale / np.sqrt(width))
        if normalise:
            z = (z - z.mean(axis=0)) / np.sqrt(z.var(axis=0) + 1e-5)
        h = np.tanh(z)
        spreads.append(h.std())
    return spreads


spread = pd.DataFrame({"without batch norm": activation_spread(False), "with batch norm": activation_spread(True)},
                      index=pd.RangeIndex(1, 11, name="layer"))
spread.T

# %% [markdown]
# By the tenth layer the activations without normalisation have a standard deviation several hundred times
# smaller than the first layer's (it halves at every layer); with batch normalisation it stays near 0.63 throughout.
# Batch norm also lets you use larger learning rates and makes the network less sensitive to its initialisation. Its
# batch-dependence is a nuisance for small batches and for recurrent networks, where **layer normalisation**
# (normalise each example over its features instead) is used.
#
# ### Explorer: activations and gradients, layer by layer
#
# The same experiment with 8 layers of 100 units, as histograms: one curve per layer (layer 1 at the bottom), the
# activations on the left and the size of the gradient that reaches each layer from a random gradient at the top
# (in powers of ten) on the right. Try every initialisation with tanh and with ReLU, then switch batch norm on:
#
# * weights that are **too small** make the activations and the gradients shrink layer after layer (vanishing);
# * **too large** ones saturate tanh (activations pile up at ±1) and make a ReLU network's activations and
#   gradients explode;
# * **He** initialisation ($\sqrt{2/n}$, last week) keeps a ReLU network's spread the same from layer to layer, and
#   **Xavier** ($\sqrt{1/n}$) keeps a tanh network's roughly (it still shrinks slowly: tanh's slope is below 1
#   away from 0);
# * with **batch norm** every initialisation gives the same activations: the normalisation undoes the weights'
#   scale.

# %%
from course.explorers import layer_statistics_explorer

layer_statistics_explorer(initialisation="too small (0.5/√n)")

# %% [markdown]
# ## 6. Regularisation
#
# A network with more parameters than training examples can memorise them. **Regularisation** is everything that
# makes it prefer simple explanations:
#
# * **L2 penalty / weight decay**: add $\frac\lambda2\lVert\theta\rVert^2$ to the loss; the gradient step then
#   also shrinks every weight by a factor $(1 - \eta\lambda)$. For plain SGD the two are the same thing; for Adam
#   they are not (Adam rescales the penalty's gradient along with the rest), and **AdamW** (Loshchilov & Hutter)
#   applies the decay directly to the weights, which is what `weight_decay` means in `torch.optim.AdamW`.
# * **L1 penalty** $\lambda\lVert\theta\rVert_1$: pushes weights to exactly zero (sparse weights), as the Lasso
#   did in week 03.
# * **Dropout** (Srivastava et al., 2014): during training, zero each activation independently with probability
#   $p$. The network cannot rely on any single unit, a bit like training an ensemble of thinned networks that
#   share weights. **Inverted dropout**, what every library does, divides the kept activations by $1-p$ during
#   training, so that each activation's expected value is unchanged: $\mathbb E[\text{out}] = (1-p)\cdot
#   \frac{x}{1-p} + p\cdot 0 = x$. Then at evaluation time dropout is simply the **identity**.
# * **Early stopping**: watch the validation loss during training and keep the weights from the epoch where it
#   was lowest; training longer only fits the noise of the training set.
# * **Data augmentation**: train on transformed copies of the examples (shifts, small rotations, noise, brightness
#   changes) that should not change the label. It teaches the invariances directly and is the most effective
#   regulariser for images.
#
# ### Exercise 7 — `dropout`
#
# `dropout(x, p, rng, train=True)`: in training mode, drop each entry of `x` independently with probability `p`
# (0 ≤ p < 1) and divide the kept ones by `1 - p`; with `train=False` return `x` unchanged (a copy is fine). Draw
# the random numbers from the generator `rng` you are given (e.g. `rng.random(x.shape)`), so that the same seed
# gives the same mask. Do not modify `x`.

# %% nbgrader={"grade": false, "grade_id": "dropout", "locked": false, "schema_version": 3, "solution": true, "task": false}
def dropout(x, p, rng, train=True):
    """Inverted dropout: zero each entry with probability p and scale the others by 1 / (1 - p) when training;
    the identity when not. rng : a numpy Generator, the only source of randomness."""
    ### BEGIN SOLUTION
    if not train or p == 0:
        return x.copy()
    keep = rng.random(x.shape) >= p                   # each entry kept with probability 1 - p
    return np.where(keep, x / (1 - p), 0.0)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "dropout_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
x_ones = np.ones((200, 500))
dropped = dropout(x_ones, 0.5, np.random.default_rng(0))
expect_close(np.unique(dropped), [0.0, 2.0], name="the values after dropout with p = 0.5 on ones: 0 or 1 / (1 - p)",
             slips={"keeping the entries unscaled (divide the kept ones by 1 - p)": [0.0, 1.0]})
expect_close(np.mean(dropped == 0), 0.5, atol=0.01, name="the fraction of entries dropped with p = 0.5")
expect_close(np.mean(dropout(x_ones, 0.2, np.random.default_rng(1)) == 0), 0.2, atol=0.01,
             name="the fraction of entries dropped with p = 0.2",
             slips={"using p as the probability of KEEPING an entry": 0.8})
expect_close(dropout(x_ones[:3, :4] * 7, 0.5, np.random.default_rng(2), False), np.full((3, 4), 7.0),
             name="dropout at evaluation time (train=False) is the identity")
expect_close(dropout(x_ones, 0.5, np.random.default_rng(3)), dropout(x_ones, 0.5, np.random.default_rng(3)),
             name="two generators with the same seed give the same mask")
expect_unchanged(x_ones, np.ones((200, 500)), "dropout", "x", name="x is left unchanged")
print("✓ public checks passed: dropout (scaling, drop rate, evaluation, reproducible)")

# %% nbgrader={"grade": true, "grade_id": "dropout_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: x of up to 100,000 non-zero entries, p from 0 to 0.8, both modes. Checked: every entry is 0 or
# x / (1 - p); the fraction dropped is within 5.3 binomial standard deviations of p (a correct dropout fails this
# about once in ten million runs); evaluation and p = 0 return x; the same seed gives the same result, another seed
# another mask.
# Try them yourself now: check("week08.dropout", dropout)
### BEGIN HIDDEN TESTS
grade("week08.dropout", dropout)
### END HIDDEN TESTS

# %% [markdown]
# **Regularisation at work.** A network with 64 → 256 → 256 → 10 units (about 85,000 parameters) trained on only
# 200 digits overfits: training accuracy reaches 100 % while validation accuracy lags. We train it for 60 epochs
# (mini-batches of 20) four ways and record the validation accuracy at the end and at its best epoch (early
# stopping would keep that one). The data are this week's public digits (see §7).

# %%
from course.datasets import digits_public

images, labels = digits_public()
rng_split = np.random.default_rng(8)
order = rng_split.permutation(len(images))
small_train, small_val = order[:200], order[200:700]
X_small = torch.tensor(images[small_train].reshape(-1, 64) / 16, dtype=torch.float32)
y_small = torch.tensor(labels[small_train])
X_small_val = torch.tensor(images[small_val].reshape(-1, 64) / 16, dtype=torch.float32)


def shifted(batch, generator):
    """Data augmentation: each 8x8 image (a row of 64 pixels) moved by up to one pixel in each direction, the
    pixels that come in being blank: pad by one, then cut an 8x8 window at a random offset from 0 to 2."""
    n = len(batch)
    padded = F.pad(batch.reshape(n, 8, 8), (1, 1, 1, 1))
    rows = torch.randint(0, 3, (n, 1), generator=generator) + torch.arange(8)
    cols = torch.randint(0, 3, (n, 1), generator=generator) + torch.arange(8)
    return padded[torch.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]].reshape(n, 64)


def train_small_mlp(drop=0.0, weight_decay=0.0, shift=False, epochs=60, seed=0):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Dropout(drop), nn.Linear(256, 256), nn.ReLU(),
                          nn.Dropout(drop), nn.Linear(256, 10))
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=weight_decay)
    history = []
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(X_small), generator=generator)
        for first in range(0, len(order), 20):
            batch = order[first:first + 20]
            inputs = shifted(X_small[batch], generator) if shift else X_small[batch]
            loss = F.cross_entropy(model(inputs), y_small[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        model.eval()
        with torch.no_grad():
            history.append(float((model(X_small_val).argmax(1).numpy() == labels[small_val]).mean()))
    with torch.no_grad():
        train_accuracy = float((model(X_small).argmax(1) == y_small).float().mean())
    return {"train accuracy": train_accuracy, "validation accuracy": history[-1], "best validation": max(history),
            "best epoch": int(np.argmax(history)) + 1}


regularised = pd.DataFrame({"none": train_small_mlp(), "weight decay 1.0": train_small_mlp(weight_decay=1.0),
                            "dropout 0.5": train_small_mlp(drop=0.5),
                            "shifts (augmentation)": train_small_mlp(shift=True)}).T
regularised["best epoch"] = regularised["best epoch"].astype(int)
regularised

# %% [markdown]
# Read the table with its sample size in mind: 500 validation digits, so one percentage point is five digits, and
# another seed moves each number by about half a point. The unregularised network fits its 200 training digits
# perfectly and still gets about 94 % of the validation digits right. Dropout and weight decay change that by less
# than a point here: this network is big, but the problem is easy. The one-pixel shifts *hurt* (several points):
# a fully connected network has no idea that neighbouring pixels are neighbours, so a shifted digit is a new
# pattern to learn, and the validation digits are centred anyway. Augmentation has to produce what test data could
# look like, for a model that can use it: for the CNN of §7, whose held-out digits arrive perturbed, it helps. The
# "best epoch" column is early stopping: the best validation accuracy is reached before the last epoch, and it is
# higher than the final one.
#
# ## 7. Project: a CNN for the digits, end to end
#
# Now put the pieces together in PyTorch. The data are the course's **public digits**: 1497 of scikit-learn's 1797
# 8 × 8 digits (`course.datasets.digits_public()`, images of shape `(n, 8, 8)` with values 0 to 16, and labels).
# The other 300 are held out by the course: when your notebook is graded, your `predict` function receives those
# images, slightly perturbed (a little noise, a little brighter or darker), and the grader scores your predictions
# against labels that never enter your notebook. (scikit-learn ships all 1797 digits, so you *could* find the held
# out ones; training on them would only fool yourself, and the perturbation keeps exact look-up from working.)
#
# Hold out a validation set of your own to choose the architecture and the number of epochs; the cell below makes
# one (20 %, stratified by class).

# %%
from sklearn.model_selection import train_test_split

X_train_cnn, X_val_cnn, y_train_cnn, y_val_cnn = train_test_split(images, labels, test_size=0.2, stratify=labels,
                                                                  random_state=0)
print(f"training {X_train_cnn.shape}, validation {X_val_cnn.shape}; pixel values {images.min():.0f} to "
      f"{images.max():.0f}")

# %% [markdown]
# A recipe that works (§2 printed its layers): three 3 × 3 convolutions with batch norm and ReLU, two 2 × 2 max
# poolings, dropout and a linear layer to 10 classes; inputs divided by 16; Adam with a one-cycle learning-rate
# schedule; 40 epochs of mini-batches of 64; data augmentation by random one-pixel shifts, small brightness changes
# and a little noise (so that the model is not thrown by the perturbed held-out images). Every step of a training
# loop, in order:
#
# ```python
# model.train()                      # dropout on, batch norm uses (and updates) batch statistics
# logits = model(batch)              # forward
# loss = F.cross_entropy(logits, y)  # mean loss of the batch
# optimiser.zero_grad()              # gradients accumulate unless cleared
# loss.backward()                    # backpropagation (what you wrote in §1–§6, for every layer)
# optimiser.step()                   # the update
# ```
#
# and `model.eval()` with `torch.no_grad()` to predict.
#
# ### Exercise — `digits_cnn` (graded on the held-out digits)
#
# Train a CNN on `X_train_cnn, y_train_cnn` (you may also use the validation rows once you have chosen your
# settings) and define **`predict(images)`**: a function that takes a NumPy array of shape `(n, 8, 8)` with values
# in [0, 16] and returns `n` integer labels as a NumPy array. Keep training under 30 seconds (print the time).
# The public test below checks the format and your validation accuracy; the held-out score gives full marks at
# 98 % and partial credit below.

# %% nbgrader={"grade": false, "grade_id": "digits_cnn", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Train your CNN here and define predict(images) -> integer labels.
def predict(images_to_label):
    raise NotImplementedError("train your CNN in this cell, then define predict(images) to return its labels")


### BEGIN SOLUTION
# The next lines repeat what the cells above define (imports, the split, the network), so that this answer also
# runs on its own; in your answer you can use those cells' names directly.
import time

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.model_selection import train_test_split
from torch import nn

from course.datasets import digits_public

X_train_cnn, X_val_cnn, y_train_cnn, y_val_cnn = train_test_split(*digits_public(), test_size=0.2,
                                                                  stratify=digits_public()[1], random_state=0)


def cnn_for_digits():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.3), nn.Linear(64 * 2 * 2, 10))


def augment(batch, generator):
    """Random shifts of up to one pixel, brightness x 0.8 to 1.2 and a little noise: what should not change a digit.
    batch : (n, 1, 8, 8). A shift pads by one pixel and cuts an 8x8 window at a random offset."""
    n = len(batch)
    padded = F.pad(batch[:, 0], (1, 1, 1, 1))
    rows = torch.randint(0, 3, (n, 1), generator=generator) + torch.arange(8)
    cols = torch.randint(0, 3, (n, 1), generator=generator) + torch.arange(8)
    moved = padded[torch.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]][:, None]
    brightness = 0.8 + 0.4 * torch.rand(n, 1, 1, 1, generator=generator)
    return moved * brightness + 0.05 * torch.randn(batch.shape, generator=generator)


torch.set_num_threads(1)
torch.manual_seed(0)
generator = torch.Generator().manual_seed(0)
cnn = cnn_for_digits()
train_inputs = torch.tensor(X_train_cnn / 16, dtype=torch.float32)[:, None]
train_targets = torch.tensor(y_train_cnn)
epochs, batch_size = 40, 64
optimiser = torch.optim.Adam(cnn.parameters(), lr=3e-3, weight_decay=1e-4)
steps_per_epoch = (len(train_inputs) + batch_size - 1) // batch_size
schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=1e-2, total_steps=epochs * steps_per_epoch)
started = time.perf_counter()
for epoch in range(epochs):
    cnn.train()
    order = torch.randperm(len(train_inputs), generator=generator)
    for first in range(0, len(order), batch_size):
        batch = order[first:first + batch_size]
        loss = F.cross_entropy(cnn(augment(train_inputs[batch], generator)), train_targets[batch])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
cnn_seconds = time.perf_counter() - started
cnn.eval()


def predict(images):
    """Integer labels (n,) for digits of shape (n, 8, 8) with values in [0, 16]."""
    inputs = torch.tensor(np.asarray(images, dtype=float) / 16, dtype=torch.float32).reshape(-1, 1, 8, 8)
    with torch.no_grad():
        return cnn(inputs).argmax(dim=1).numpy()


print(f"trained for {epochs} epochs in {cnn_seconds:.1f} s")
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "digits_cnn_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Your predict on your own validation digits: the format, and an accuracy that shows the model learnt something.
validation_predictions = predict(X_val_cnn)
validation_accuracy = float(np.mean(np.asarray(validation_predictions) == y_val_cnn))
print(f"validation accuracy: {validation_accuracy:.2%} on {len(y_val_cnn)} digits")
expect_equal(np.shape(validation_predictions), (300,), name="predict returns one label per image, shape (300,)")
expect_true(np.issubdtype(np.asarray(validation_predictions).dtype, np.integer),
            "predict should return integer labels (e.g. logits.argmax(dim=1).numpy()); got dtype "
            f"{np.asarray(validation_predictions).dtype}.", name="predict returns integers")
expect_true(validation_accuracy >= 0.95, f"the validation accuracy should be at least 95 %; it is "
            f"{validation_accuracy:.1%}: train longer, check model.eval() and the input scaling (divide by 16).",
            name="the validation accuracy is at least 95 %")
print("✓ public checks passed: predict (format, validation accuracy)")

# %% nbgrader={"grade": true, "grade_id": "digits_cnn_held_out", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
# Hidden test: the grader draws 250 of the 300 digits the course holds out (course.datasets: notebooks never get
# them), gives each its own brightness (x0.9 to x1.1) and pixel noise (your own draw), sends only the images here
# and scores your labels against its own: accuracy >= 0.98 gives 3 points, >= 0.95 gives 2, >= 0.90 gives 1.
# The feedback tells you your score, never the labels.
### BEGIN HIDDEN TESTS
score_held_out("week08.digits_cnn", predict)
### END HIDDEN TESTS

# %% [markdown]
# **How good is that?** The reference solution above trains in about 3 seconds on one thread (well inside the 30 s
# budget) and reaches more than 99 % on the 300 validation digits (the figures are printed under the cells above).
# Two honest comparisons, on the same split: an RBF support-vector machine (week 04) comes within about a point and
# trains in a fraction of a second, and logistic regression on the raw pixels is two to three points behind. On tiny
# 8 × 8 images a CNN has little to exploit; on real photographs (CIFAR-10, ImageNet) the gap between CNNs and
# everything else is enormous, which is why they took over computer vision after 2012.

# %%
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC

flat_train, flat_val = X_train_cnn.reshape(-1, 64) / 16, X_val_cnn.reshape(-1, 64) / 16
baselines = {}
for name, model in {"SVC (RBF kernel)": SVC(), "logistic regression": LogisticRegression(max_iter=2000)}.items():
    started = time.perf_counter()
    model.fit(flat_train, y_train_cnn)
    baselines[name] = {"validation accuracy": model.score(flat_val, y_val_cnn),
                       "training seconds": time.perf_counter() - started}
pd.DataFrame(baselines).T

# %% [markdown]
# ## 8. Recurrent networks
#
# Text, speech, prices and sensor logs are **sequences** $x_1, x_2, \dots, x_T$ of varying length. A **recurrent
# neural network** reads them one step at a time and keeps a **hidden state** $h_t$, a summary of everything seen so
# far, updated by the same weights at every step:
#
# $$h_t = \tanh\!\left(x_t W_{xh} + h_{t-1} W_{hh} + b\right),\qquad t = 1, \dots, T,$$
#
# from an initial state $h_0$ (often zeros). An output layer reads whatever it needs from the states: the last one
# for a label of the whole sequence (sentiment), every one for a prediction at each step (the next character).
# Weight sharing across time is to sequences what convolution is to images: the same rule wherever it applies, and
# a number of parameters that does not grow with the length.
#
# **Backpropagation through time (BPTT).** Unrolled over $T$ steps, an RNN is a deep network with $T$ layers that
# share their weights, and backpropagation through it is ordinary backpropagation: the gradient reaching $h_{t-1}$
# is the gradient at $h_t$ pushed back through one step,
#
# $$\frac{\partial L}{\partial h_{t-1}} = \Big(\frac{\partial L}{\partial h_t}\odot(1-h_t^2)\Big)\,W_{hh}^\top
#   \;(+\text{ the direct gradient from step } t-1\text{'s own output}),$$
#
# and the weights' gradients are sums over the steps. In practice long sequences are cut into chunks
# (**truncated BPTT**), carrying the state forward but not the gradient.
#
# ### Exercise 8 — `rnn_forward`
#
# `x` of shape `(T, N, D)` (time first, a batch of N sequences with D features), `h0` of shape `(N, H)`, `Wxh` of
# shape `(D, H)`, `Whh` of shape `(H, H)`, `b` of shape `(H,)`. Return all hidden states $h_1, \dots, h_T$ as an
# array of shape `(T, N, H)`. This is `torch.nn.RNN` with `weight_ih_l0 = Wxh.T`, `weight_hh_l0 = Whh.T`,
# `bias_ih_l0 = b` and `bias_hh_l0 = 0` (PyTorch stores weights as (out, in) and has two biases).

# %% nbgrader={"grade": false, "grade_id": "rnn_forward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def rnn_forward(x, h0, Wxh, Whh, b):
    """A tanh RNN over a batch of sequences: h_t = tanh(x_t Wxh + h_{t-1} Whh + b).

    x : (T, N, D); h0 : (N, H); Wxh : (D, H); Whh : (H, H); b : (H,). Returns the states h_1..h_T : (T, N, H).
    """
    ### BEGIN SOLUTION
    h, states = h0, []
    for x_t in x:
        h = np.tanh(x_t @ Wxh + h @ Whh + b)
        states.append(h)
    return np.stack(states)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "rnn_forward_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# One unit: h1 = tanh(0.5 * 1) = 0.462117, h2 = tanh(0.5 * 2 + 1.0 * h1) = tanh(1.462117) = 0.898063.
hs = rnn_forward(np.array([[[1.0]], [[2.0]]]), np.zeros((1, 1)), np.array([[0.5]]), np.array([[1.0]]), np.zeros(1))
expect_close(hs, [[[0.46211716]], [[0.89806301]]], rtol=1e-6, name="two steps of a one-unit RNN",
             slips={"returning h_0 and h_1 (return the states after each step, h_1 to h_T)": [[[0.0]], [[0.46211716]]]})
# Two units, Whh moves unit 0 into unit 1: h1 = (tanh 1, 0), h2 = (0, tanh(tanh 1)).
hs = rnn_forward(np.array([[[1.0]], [[0.0]]]), np.zeros((1, 2)), np.array([[1.0, 0.0]]),
                 np.array([[0.0, 1.0], [0.0, 0.0]]), np.zeros(2))
expect_close(hs, [[[0.76159416, 0.0]], [[0.0, 0.64201499]]], rtol=1e-6, name="a state that moves from unit 0 to 1",
             slips={"h_{t-1} @ Whh.T (rows of Whh belong to the previous state: h @ Whh)":
                    [[[0.76159416, 0.0]], [[0.0, 0.0]]],
                    "returning h_0 and h_1 (return the states after each step)": [[[0.0, 0.0]], [[0.76159416, 0.0]]]})
# The initial state counts: with h0 = 1 and no input, h1 = tanh(1).
expect_close(rnn_forward(np.zeros((1, 1, 1)), np.ones((1, 1)), np.ones((1, 1)), np.ones((1, 1)), np.zeros(1)),
             [[[0.76159416]]], rtol=1e-6, name="one step from h0 = 1", slips={"ignoring h0": [[[0.0]]]})
print("✓ public checks passed: rnn_forward")

# %% nbgrader={"grade": true, "grade_id": "rnn_forward_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: sequences of 1 to 20 steps, batches of 1 to 4, 1 to 4 inputs and 1 to 6 hidden units, random
# weights and h0. Compared with torch.nn.RNN (tanh) with the weights copied in, in float64.
# Try them yourself now: check("week08.rnn_forward", rnn_forward)
### BEGIN HIDDEN TESTS
grade("week08.rnn_forward", rnn_forward)
### END HIDDEN TESTS

# %% [markdown]
# ## 9. Vanishing and exploding gradients
#
# Push the gradient back $k$ steps and it has been multiplied by $k$ Jacobians
# $\operatorname{diag}(1-h_t^2)\,W_{hh}^\top$. Their product behaves roughly like a power of $W_{hh}$: when the
# largest singular value of $W_{hh}$ times the typical tanh slope is below 1, the gradient shrinks geometrically with
# the distance (**vanishes**), and the network cannot learn that something 50 steps ago matters; above 1 it can grow
# geometrically (**explodes**), and one update throws the weights far away. The tanh slope is at most 1, so
# saturated units make vanishing more likely.
#
# The explorer runs a tanh RNN with 32 units on a random sequence (your `rnn_forward` once it passes its checks) and
# backpropagates a loss on the last state. The recurrent matrix is a random orthogonal matrix times the slider's
# value, which is then exactly its spectral radius. The blue curve is the LSTM's remedy (§10): along the cell state
# the gradient is multiplied by the forget gate at each step, which the network can hold near 1.
#
# Try: radius 0.9 with T = 50 and then T = 200 (vanishing), radius 1.5 to 2 (exploding), and the forget-gate bias
# from 0 to 4 (a common initialisation trick: a positive forget bias keeps the memory open at the start of training).

# %%
from course.explorers import rnn_gradients_explorer

rnn_gradients_explorer(rnn_forward)

# %% [markdown]
# **Gradient clipping** is the standard fix for explosions: before each update, if the norm of *all* gradients
# together exceeds a threshold, scale them all down to that norm,
#
# $$g \leftarrow g\cdot\min\Big(1,\ \frac{\text{max\_norm}}{\lVert g\rVert + 10^{-6}}\Big),\qquad
#   \lVert g\rVert = \sqrt{\textstyle\sum_{\text{tensors}}\sum_{\text{entries}} g^2}.$$
#
# Clipping the global norm keeps the gradient's direction (clipping each tensor on its own, or each entry, does
# not). It does nothing for vanishing gradients: those need a different architecture (gates, residual connections)
# or a different initialisation.
#
# ### Exercise 9 — `clip_grad_norm`
#
# `grads` is a list of arrays (one per parameter tensor), `max_norm` a positive number. Return
# `(clipped, total_norm)`: a list of new arrays (the inputs unchanged) scaled as above, and the norm **before**
# clipping, as `torch.nn.utils.clip_grad_norm_` computes (it clips in place and returns the total norm; the
# $10^{-6}$ is its guard against dividing by zero).

# %% nbgrader={"grade": false, "grade_id": "clip_grad_norm", "locked": false, "schema_version": 3, "solution": true, "task": false}
def clip_grad_norm(grads, max_norm):
    """Scale every gradient by min(1, max_norm / (total_norm + 1e-6)), total_norm the L2 norm of all together.

    grads : list of arrays. Returns (clipped, total_norm): a list of new arrays and the norm before clipping.
    """
    ### BEGIN SOLUTION
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in grads], total
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "clip_grad_norm_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Gradients (3, 0) and (0, 4): together they have norm 5; clipped to norm 1 they become (0.6, 0) and (0, 0.8).
g_first, g_second = np.array([3.0, 0.0]), np.array([[0.0, 4.0]])
clipped, total_norm = clip_grad_norm([g_first, g_second], 1.0)
expect_close(total_norm, 5.0, name="the total norm before clipping",
             slips={"the sum of squares without the square root": 25.0})
expect_close(clipped[0], [0.6, 0.0], rtol=1e-6, name="the first gradient, clipped",
             slips={"clipping each gradient by its own norm": [1.0, 0.0]})
expect_close(clipped[1], [[0.0, 0.8]], rtol=1e-6, name="the second gradient, clipped (its shape kept)")
expect_unchanged(g_first, [3.0, 0.0], "clip_grad_norm", "grads", name="the gradients passed in are left unchanged")
# A gradient already shorter than max_norm is left as it is.
expect_close(clip_grad_norm([np.array([0.3, 0.4])], 1.0)[0][0], [0.3, 0.4], rtol=1e-5,
             name="a gradient of norm 0.5 < 1",
             slips={"scaling up to max_norm (clipping only ever scales down)": [0.6, 0.8]})
print("✓ public checks passed: clip_grad_norm")

# %% nbgrader={"grade": true, "grade_id": "clip_grad_norm_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: one to four gradients of various shapes, total norms far above, near and below max_norm, and all
# zeros. Compared with torch.nn.utils.clip_grad_norm_ on parameters whose .grad holds copies, in float64.
# Try them yourself now: check("week08.clip_grad_norm", clip_grad_norm)
### BEGIN HIDDEN TESTS
grade("week08.clip_grad_norm", clip_grad_norm)
### END HIDDEN TESTS

# %% [markdown]
# ## 10. LSTM and GRU: gates
#
# The **long short-term memory** cell (Hochreiter & Schmidhuber, 1997) adds a second state, the **cell** $c_t$,
# that is changed only by elementwise products and sums, and three **gates** with values in (0, 1) that decide what
# to forget, what to write and what to show. From one matrix product $z = x_t W + h_{t-1} U + b$ of width $4H$,
# split into four blocks in PyTorch's order $(i, f, g, o)$:
#
# $$i = \sigma(z_i),\quad f = \sigma(z_f),\quad g = \tanh(z_g),\quad o = \sigma(z_o),\qquad
#   c_t = f\odot c_{t-1} + i\odot g,\qquad h_t = o\odot\tanh(c_t).$$
#
# * the **input gate** $i$ scales the candidate $g$ written into the cell;
# * the **forget gate** $f$ scales what the cell keeps: $\partial c_t/\partial c_{t-1} = f$ (elementwise), so the
#   gradient along the cell is a product of forget gates, which the network can hold near 1 for as long as it
#   needs to remember (the blue curve of the explorer);
# * the **output gate** $o$ decides what of the cell the rest of the network sees.
#
# The **GRU** (Cho et al., 2014) does with two gates and no separate cell: an update gate $u$ and a reset gate
# $r$, $\tilde h = \tanh(x_t W + (r\odot h_{t-1}) U + b)$, $h_t = (1-u)\odot\tilde h + u\odot h_{t-1}$ (PyTorch's
# `nn.GRU`, which places $r$ slightly differently). It has a quarter fewer parameters than an LSTM and often works
# as well; the sentiment project of §11 uses one.
#
# ### Exercise 10 — `lstm_cell`
#
# One step of an LSTM for a batch: `x` `(N, D)`, `h` and `c` `(N, H)`, `W` `(D, 4H)`, `U` `(H, 4H)`, `b` `(4H,)`, the
# gate blocks in the order i, f, g, o along the last axis. Return `(h_new, c_new)`, as `torch.nn.LSTMCell` with
# `weight_ih = W.T`, `weight_hh = U.T`, `bias_ih = b`, `bias_hh = 0`.

# %% nbgrader={"grade": false, "grade_id": "lstm_cell", "locked": false, "schema_version": 3, "solution": true, "task": false}
def lstm_cell(x, h, c, W, U, b):
    """One LSTM step. x : (N, D); h, c : (N, H); W : (D, 4H); U : (H, 4H); b : (4H,), gates in the order i, f, g, o.
    Returns (h_new, c_new), both (N, H)."""
    ### BEGIN SOLUTION
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    i, f, g, o = np.split(x @ W + h @ U + b, 4, axis=1)
    c_new = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c_new), c_new
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "lstm_cell_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# One unit, only the candidate g sees the input: i = f = o = sigmoid(0) = 0.5, g = tanh(1),
# c_new = 0.5 * 1 + 0.5 * tanh(1) = 0.880797, h_new = 0.5 * tanh(0.880797) = 0.353409.
h_new, c_new = lstm_cell(np.ones((1, 1)), np.zeros((1, 1)), np.ones((1, 1)), np.array([[0.0, 0.0, 1.0, 0.0]]),
                         np.zeros((1, 4)), np.zeros(4))
expect_close(c_new, [[0.88079708]], rtol=1e-6, name="c_new for one unit",
             slips={"the gates in the order i, f, o, g (PyTorch's is i, f, g, o)": [[0.5]]})
expect_close(h_new, [[0.35340920]], rtol=1e-6, name="h_new for one unit",
             slips={"h_new = o * c_new without the tanh": [[0.44039854]]})
print("✓ public checks passed: lstm_cell")

# %% nbgrader={"grade": true, "grade_id": "lstm_cell_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: batches of 1 to 8, 1 to 5 inputs, 1 to 6 units, random weights and states. Compared with
# torch.nn.LSTMCell with the weights copied in, in float64 (h_new and c_new).
# Try them yourself now: check("week08.lstm_cell", lstm_cell)
### BEGIN HIDDEN TESTS
grade("week08.lstm_cell", lstm_cell)
### END HIDDEN TESTS

# %%
check("week08.lstm_cell", lstm_cell);

# %% [markdown]
# ## 11. Projects: text generation and sentiment
#
# ### Text generation with a character-level LSTM
#
# A **language model** predicts the next character from the ones before; sampling from its predictions one
# character at a time generates text. Our corpus ships with every Python installation: the documentation strings of
# twenty standard-library modules and of their functions and classes (`inspect.getdoc`), about 180,000 characters
# of English about programming. The model: an embedding of each character, an LSTM with 128 units, a linear layer to
# the next character's logits; trained for 700 steps on random chunks of 64 characters with gradient clipping at
# norm 1 (§9), which takes about 8 seconds (one thread).

# %%
modules = ["collections", "itertools", "functools", "os", "re", "json", "random", "statistics", "textwrap", "string",
           "math", "pathlib", "datetime", "inspect", "argparse", "logging", "subprocess", "shutil", "heapq",
           "dataclasses"]
documents = []
for module_name in modules:
    module = importlib.import_module(module_name)
    documents.append(inspect.getdoc(module) or "")
    for _, member in inspect.getmembers(module):
        if inspect.isfunction(member) or inspect.isclass(member) or inspect.isbuiltin(member):
            doc = inspect.getdoc(member)
            if doc and len(doc) > 80:
                documents.append(doc)
corpus = "\n\n".join(dict.fromkeys(documents))        # each docstring once (aliases share theirs)
alphabet = sorted(set(corpus))
index_of = {character: k for k, character in enumerate(alphabet)}
encoded = torch.tensor([index_of[character] for character in corpus])
split = int(0.9 * len(encoded))
train_text, val_text = encoded[:split], encoded[split:]
print(f"{len(corpus):,} characters, {len(alphabet)} distinct; a sample:\n{corpus[5000:5300]}")


# %%
class CharLSTM(nn.Module):
    def __init__(self, vocabulary, embedding=32, hidden=128):
        super().__init__()
        self.embed = nn.Embedding(vocabulary, embedding)
        self.lstm = nn.LSTM(embedding, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocabulary)

    def forward(self, characters, state=None):
        outputs, state = self.lstm(self.embed(characters), state)
        return self.head(outputs), state


def chunks(text, length, count, generator):
    starts = torch.randint(0, len(text) - length - 1, (count,), generator=generator)
    return (torch.stack([text[s:s + length] for s in starts]),
            torch.stack([text[s + 1:s + length + 1] for s in starts]))


def nats_per_character(model, text, length=2000):
    with torch.no_grad():
        logits, _ = model(text[:length][None])
        return float(F.cross_entropy(logits[0, :-1], text[1:length]))


torch.manual_seed(0)
text_generator = torch.Generator().manual_seed(0)
language_model = CharLSTM(len(alphabet))
optimiser = torch.optim.Adam(language_model.parameters(), lr=5e-3)
started, text_losses = time.perf_counter(), []
for step in range(700):
    inputs, targets = chunks(train_text, 64, 32, text_generator)
    logits, _ = language_model(inputs)
    loss = F.cross_entropy(logits.reshape(-1, len(alphabet)), targets.reshape(-1))
    optimiser.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(language_model.parameters(), 1.0)
    optimiser.step()
    text_losses.append(loss.item())
text_seconds = time.perf_counter() - started
text_validation = nats_per_character(language_model, val_text)
print(f"{text_seconds:.1f} s; training loss {np.mean(text_losses[-50:]):.2f}, validation {text_validation:.2f} nats "
      f"per character (a uniform guess: ln {len(alphabet)} = {np.log(len(alphabet)):.2f})")


# %% [markdown]
# Sampling: feed a prompt, then repeatedly draw the next character from the softmax of the logits divided by a
# **temperature** (below 1: safer, more repetitive; above 1: more surprising, more misspelt), feeding each drawn
# character back in with the LSTM's state.

# %%
def generate(model, prompt, length=250, temperature=0.8, seed=0):
    sampler = torch.Generator().manual_seed(seed)
    text, state = prompt, None
    with torch.no_grad():
        logits, state = model(torch.tensor([[index_of[c] for c in prompt]]), state)
        for _ in range(length):
            probabilities = torch.softmax(logits[0, -1] / temperature, dim=0)
            character = torch.multinomial(probabilities, 1, generator=sampler)
            text += alphabet[int(character)]
            logits, state = model(character.reshape(1, 1), state)
    return text


for temperature in (0.5, 1.0):
    print(f"--- temperature {temperature}:\n{generate(language_model, 'Return the ', temperature=temperature)}\n")

# %% [markdown]
# After a few seconds the model has learnt to spell common words, to put spaces and punctuation, and phrases that
# sound like documentation; it has not learnt meaning. Its validation loss, under 2 nats per character, is far
# below the uniform guess (ln 95 ≈ 4.55), and keeps falling with more training and a bigger model. The same recipe,
# with attention instead of recurrence and vastly more data and compute, is how large language models are trained
# (weeks 09 and 10).
#
# ### Sentiment: why word order matters
#
# A classifier for the opinion of short reviews. We generate the reviews from a small grammar, so that the labels
# are exact and nothing is downloaded: "the food was not really good but the staff was friendly". A review is
# positive when its **last** clause is (after "but", the second opinion wins), and "not" flips an opinion. A
# bag-of-words model sees which words occur, not in which order, so it cannot tell which clause comes last or which
# adjective a "not" belongs to; a recurrent network reads the words in order.

# %%
POSITIVE = ["good", "great", "tasty", "friendly", "fun", "lovely", "clever", "fresh"]
NEGATIVE = ["bad", "awful", "boring", "rude", "bland", "dull", "slow", "stale"]
SUBJECTS = ["the food", "the film", "the staff", "the book", "the game", "the hotel", "the plot", "the music"]


def clause(rng):
    positive, negated = rng.random() < 0.5, rng.random() < 0.4
    adjective = rng.choice(POSITIVE if positive else NEGATIVE)
    words = f"{rng.choice(SUBJECTS)} was {'not ' if negated else ''}{rng.choice(['', 'really ', 'very '])}{adjective}"
    return words.replace("  ", " "), positive != negated


def review(rng):
    text, label = clause(rng)
    if rng.random() < 0.5:
        second, label = clause(rng)
        text = f"{text} but {second}"
    return text, int(label)


review_rng = np.random.default_rng(0)
reviews = pd.DataFrame([review(review_rng) for _ in range(4000)], columns=["review", "positive"])
reviews.head(6)

# %%
from sklearn.feature_extraction.text import CountVectorizer

train_reviews, test_reviews = reviews.iloc[:3000], reviews.iloc[3000:]
bag = CountVectorizer().fit(train_reviews["review"])
bag_model = LogisticRegression(max_iter=2000).fit(bag.transform(train_reviews["review"]), train_reviews["positive"])
bag_accuracy = bag_model.score(bag.transform(test_reviews["review"]), test_reviews["positive"])

vocabulary = {word: k + 1 for k, word in enumerate(sorted({w for r in reviews["review"] for w in r.split()}))}


def encode(texts):
    """Word indices, padded with 0 on the LEFT so that every review ends at the last step."""
    rows = [[vocabulary[w] for w in text.split()] for text in texts]
    width = max(map(len, rows))
    return torch.tensor([[0] * (width - len(row)) + row for row in rows])


class GRUSentiment(nn.Module):
    def __init__(self, vocabulary_size, embedding=16, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(vocabulary_size, embedding, padding_idx=0)
        self.gru = nn.GRU(embedding, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, words):
        states, _ = self.gru(self.embed(words))
        return self.head(states[:, -1]).squeeze(1)      # the last state has read the whole review


torch.manual_seed(0)
sentiment_model = GRUSentiment(len(vocabulary) + 1)
optimiser = torch.optim.Adam(sentiment_model.parameters(), lr=1e-2)
review_words, review_labels = encode(train_reviews["review"]), torch.tensor(train_reviews["positive"].values).float()
started = time.perf_counter()
for epoch in range(12):
    order = torch.randperm(len(review_words))
    for first in range(0, len(order), 64):
        batch = order[first:first + 64]
        loss = F.binary_cross_entropy_with_logits(sentiment_model(review_words[batch]), review_labels[batch])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
sentiment_seconds = time.perf_counter() - started
with torch.no_grad():
    gru_predictions = (sentiment_model(encode(test_reviews["review"])) > 0).numpy().astype(int)
gru_accuracy = float(np.mean(gru_predictions == test_reviews["positive"].values))
pd.DataFrame({"test accuracy": [bag_accuracy, gru_accuracy]},
             index=["bag of words + logistic regression", f"GRU ({sentiment_seconds:.1f} s of training)"])

# %% [markdown]
# The bag of words gets little more than half of the reviews right (chance is a half): it knows which adjectives
# occur and that "not" is present, but not where. The GRU, reading in order, gets nearly all of them. (Bigrams such as
# "not good" would help the bag of words with negation but still not with "but"; real reviews are messier than our
# grammar, and modern systems use transformers, which read in order too.) Reviews it gets wrong, if any:

# %%
test_reviews[gru_predictions != test_reviews["positive"].values].head()

# %% [markdown]
# ## 12. Checkpoint
#
# Four short questions, checked when the notebook is graded (the cell under each answer only checks its format),
# and one answer in your own words.
#
# **Q1.** A batch of 8 colour images of 32 × 32 pixels, shape `(8, 3, 32, 32)`, goes through
# `nn.Conv2d(3, 16, kernel_size=5, stride=2, padding=2)`. What is the output's shape? Answer with a tuple of four
# integers.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to a tuple of four integers, e.g. (8, 3, 32, 32).
### BEGIN SOLUTION
q1_answer = (8, 16, 16, 16)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a tuple of four integers; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, tuple) and len(q1_answer) == 4
            and all(isinstance(v, (int, np.integer)) for v in q1_answer),
            f"q1_answer should be a tuple of four integers; got {q1_answer!r}.",
            name="q1_answer is a tuple of four integers")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_equal(q1_answer, (8, 16, 16, 16), name="the answer to question 1 (q1_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** How many parameters (weights and biases) does that layer, `nn.Conv2d(3, 16, kernel_size=5, stride=2,
# padding=2)`, have?

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to an integer.
### BEGIN SOLUTION
q2_answer = 16 * 3 * 5 * 5 + 16
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a positive integer; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, (int, np.integer)) and not isinstance(q2_answer, bool) and q2_answer > 0,
            f"q2_answer should be a positive integer; got {q2_answer!r}.", name="q2_answer is a positive integer")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_equal(q2_answer, 1216, name="the answer to question 2 (q2_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q3.** A network with `nn.Dropout(p=0.5)` was trained with PyTorch. You call `model.eval()` and predict. What
# does the dropout layer do to its input now?
#
# - (a) It zeroes half of the entries at random, as in training.
# - (b) It multiplies every entry by 0.5, to make up for the entries kept during training.
# - (c) Nothing: it passes its input through unchanged, because the kept entries were already scaled by
#   1 / (1 − p) during training.
# - (d) It zeroes the same entries as in the last training batch.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q3_answer = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, str) and q3_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q3_answer should be one of the letters "a", "b", "c", "d"; got {q3_answer!r}.',
            name="q3_answer is one of the letters a, b, c, d")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q3_answer, "c", name="the answer to question 3 (q3_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q4.** A tanh RNN is trained on sequences of 100 steps, and the label depends on the first few inputs. Its
# recurrent matrix has spectral radius 0.8. Which gradient vanishes, and why?
#
# - (a) The gradient of the loss with respect to the output layer's weights, because the output layer is far from
#   the loss.
# - (b) The gradient reaching the hidden states of the early steps, because it is multiplied by one Jacobian
#   $\operatorname{diag}(1-h_t^2)W_{hh}^\top$ per step, each of which shrinks it (norm below 1), so it decays
#   geometrically over the 100 steps.
# - (c) The gradient with respect to the bias, because tanh(0) = 0.
# - (d) None: backpropagation through time computes exact gradients, so nothing can vanish.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q4", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q4_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q4_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q4_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q4_answer, str) and q4_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q4_answer should be one of the letters "a", "b", "c", "d"; got {q4_answer!r}.',
            name="q4_answer is one of the letters a, b, c, d")
print("q4_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q4_answer, "b", name="the answer to question 4 (q4_answer)")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "explain_cnn_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q5 (written, 3 points, graded by a person).** *Can you build and train a CNN from scratch in PyTorch?* Describe,
# in a short paragraph or two, how you would build and train a CNN for a new image data set of 64 × 64 colour
# pictures in 20 classes, with 5,000 labelled images: the layers you would stack and why (with the shape after each
# stage), the loss and the optimiser, what you would hold out and watch during training, which of this week's
# regularisers you would use first, and two bugs you would check for if the validation accuracy stayed near 5 %.
# Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "explain_cnn", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# Input (3, 64, 64), scaled to about 0–1 and normalised per channel. Three or four blocks of
# [3×3 convolution with padding 1 → batch norm → ReLU → (another conv) → 2×2 max pooling], doubling the channels
# as the resolution halves: (32, 32, 32) → (64, 16, 16) → (128, 8, 8) → (256, 4, 4); then global average pooling to
# 256 numbers, dropout 0.3–0.5 and a linear layer to 20 logits. Small kernels stacked grow the receptive field
# cheaply, pooling buys invariance to small shifts, and weight sharing keeps the parameter count in the hundreds
# of thousands, sensible for 5,000 images. Loss: cross-entropy on the logits (`F.cross_entropy`, no softmax
# layer). Optimiser: AdamW (learning rate about 1e-3, weight decay about 1e-4) or SGD with momentum 0.9, with a
# cosine or one-cycle schedule, mini-batches of 64.
#
# Hold out a stratified validation set (say 15 %) and a test set touched once at the end; watch training and
# validation loss and accuracy per epoch and keep the weights of the best validation epoch (early stopping). With
# only 5,000 images the first regulariser is data augmentation (random crops/shifts, horizontal flips if they do
# not change the class, colour jitter), then dropout and weight decay; a pretrained network (transfer learning)
# would beat all of it. If validation accuracy stays near 5 % (chance for 20 classes): check that the labels are
# aligned with the images (shuffled together, not separately) and that the loss actually falls on a tiny subset
# the model should be able to memorise; check `model.train()`/`model.eval()`, that `optimiser.zero_grad()` is
# called each step, that inputs are scaled, that there is no softmax before `cross_entropy`, and the learning
# rate (too high: the loss diverges; too low: nothing moves).

# %% [markdown]
# ## Summary
#
# * A **convolution** slides $F$ kernels of shape $(C, k_h, k_w)$ over the (padded) input with a stride; output size
#   $\lfloor (H + 2p - k)/s\rfloor + 1$; $F(Ck_hk_w + 1)$ parameters whatever the image size. Deep-learning
#   "convolution" is cross-correlation. Its backward pass correlates `dout` with the input (for `dw`) and
#   scatter-adds `dout` times the kernel back (for `dx`).
# * **Max pooling** keeps each window's maximum; its gradient goes to that maximum only (the first, on ties).
#   Stacked small kernels and pooling grow the **receptive field**.
# * **Batch normalisation** normalises each channel over the batch (and the spatial axes), then scales and shifts;
#   at evaluation time it uses running statistics (`model.eval()`!). Its backward pass goes through the batch mean
#   and variance.
# * **Regularisation**: L2/weight decay (AdamW decouples it), L1, **inverted dropout** (scale by $1/(1-p)$ in
#   training, identity at evaluation), early stopping, data augmentation.
# * A small **CNN** reaches over 99 % on the 8 × 8 digits in a few seconds (the reference solution: 99.7 % of the
#   validation digits after about 3 s of training on one thread), about a point better than an RBF SVM there; CNNs win
#   by far on real images.
# * An **RNN** carries a hidden state $h_t = \tanh(x_tW_{xh} + h_{t-1}W_{hh} + b)$; BPTT is backpropagation through
#   the unrolled network. Gradients **vanish or explode** geometrically with the distance; **clip** the global
#   gradient norm against explosions; **LSTM/GRU gates** (a cell updated by $c_t = f\odot c_{t-1} + i\odot g$) against
#   vanishing.
# * Recurrent networks read in order: they **generate** text character by character and understand negation and
#   "but" where a bag of words cannot.
#
# This closes Phase 4. Next: transformers and attention, which replaced recurrence for most sequence tasks.
