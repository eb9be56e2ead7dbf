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
# # Week 09 — Advanced deep learning I: transfer learning, attention, transformers
#
# Two ideas changed deep learning after 2012. The first is **transfer learning**: a network trained on one large
# task has learnt features (edges, strokes, parts of words) that are useful for other tasks, so a new task with
# only a handful of labels can start from them instead of from random weights. The second is **attention**: instead
# of reading a sequence one step at a time like last week's recurrent networks, every position looks at every other
# position and takes what it needs, all in parallel. Stacked into **transformers**, attention is the architecture
# behind BERT, GPT and today's language models. This week you write the pieces from scratch (attention, its heads,
# positional encodings, layer normalisation and its gradient, BERT's masking, freezing a network), check each one
# against PyTorch, and then use PyTorch to transfer a digit classifier to new digits, to train a small GPT on
# Python's own source code, and to fine-tune it for a text-classification task.
#
# | § | topic | you implement |
# |---|---|---|
# | 1 | transfer learning: feature extraction, fine-tuning, learning rates per layer group | `freeze_for_feature_extraction`, `param_groups` |
# | 2 | project: a digit network pretrained on 0–4, transferred to 5–9 with few labels | |
# | 3 | attention: queries, keys, values; scaled dot products; causal and padding masks | `scaled_dot_product_attention` |
# | 4 | multi-head attention | `multi_head_attention` |
# | 5 | positional encodings, sinusoidal and learned (explorer) | `sinusoidal_positions` |
# | 6 | the transformer block: residual connections, layer normalisation, the MLP | `layer_norm`, `layer_norm_backward` |
# | 7 | a tiny GPT trained on the standard library; sampling, temperature, top-k (explorers) | |
# | 8 | BERT: encoders, decoders and masked language modelling | `bert_mask` |
# | 9 | project: text classification with a pretrained transformer vs TF-IDF | |
# | 10 | checkpoint: attention and transfer learning | four questions + one written answer |

# %% [markdown]
# ## How to work this week
#
# 1. **Run the cells in order**, from the top (the imports cell first). If something looks odd, use
#    *Kernel → Restart Kernel and Run All Cells*.
# 2. Where a cell says `# YOUR CODE HERE` and `raise NotImplementedError()`, delete the `raise` line and write your
#    implementation. Exercises 3–8 are **NumPy** (PyTorch is what they are compared with); Exercises 1 and 2 take a
#    PyTorch model and only set flags and build lists, no training.
# 3. **Run the public test cell** under each exercise: small inputs whose expected values you can work out by hand.
# 4. Then try **fresh random inputs** compared with PyTorch in float64, as often as you like, e.g.
#    `check("week09.layer_norm", layer_norm)`. It prints ✓ or what went wrong.
# 5. **Hidden tests** run when the notebook is graded: randomized inputs compared with `torch.nn.functional`,
#    `torch.nn.MultiheadAttention` with copied weights, autograd, the closed form of the encodings, and statistical
#    checks with stated error rates for the random masking. If `check(...)` passes reliably, they will pass too.
# 6. The explorers run **your** attention and positional encodings once they pass their checks, and a reference
#    until then; they say whose code runs. The lesson cells after each exercise work either way.

# %%
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from course.checks import expect_close, expect_equal, expect_choice, expect_true, expect_unchanged
from course.exercises import check, grade
from course.exercises.week09 import SmallNet, lesson_reference

np.set_printoptions(precision=4, suppress=True)
pd.set_option("display.precision", 3)
torch.set_num_threads(1)    # these networks are small: one thread is as fast, and two fight on a busy 2-core machine

_told = set()


def mine_or_reference(function, *args):
    """Your function's result when it is written; a reference's until then (so the lesson runs either way)."""
    try:
        return function(*args)
    except NotImplementedError:
        if function.__name__ not in _told:
            print(f"({function.__name__} is not written yet: the lesson uses a reference implementation)")
            _told.add(function.__name__)
        return lesson_reference(function.__name__)(*args)


# %% [markdown]
# ## 1. Transfer learning
#
# Training a network from scratch needs many labelled examples: the 8 × 8 digits of last week had 1,500, ImageNet
# has 1.2 million. Most tasks have far fewer. But the first layers of a network trained on a large task learn things
# that are not specific to it: a convolutional network trained on photographs learns edge, colour and texture
# detectors in its first layers and parts of objects in later ones, and a language model learns spelling, syntax
# and which words go together. **Transfer learning** reuses those layers for a new task.
#
# Split the pretrained network into a **backbone** (every layer up to the last hidden representation) and a
# **head** (the last layer, which maps the representation to the old task's classes). For the new task, throw the
# head away and put a new one, with as many outputs as the new task has classes, on top of the backbone. Then:
#
# * **Feature extraction**: freeze the backbone (its parameters are not updated) and train only the new head. The
#   backbone is then a fixed function that turns each input into a feature vector, and the head is a linear model
#   on those features: fast, needs few labels, cannot overfit much. It works when the old task's features suit
#   the new one.
# * **Fine-tuning**: train the whole network, starting from the pretrained weights, usually with a **smaller
#   learning rate for the backbone** than for the new head: the backbone's weights are already good and should
#   move little, the head starts from random. Libraries do this with **parameter groups**, one learning rate per
#   group of layers (`torch.optim.SGD([{"params": ..., "lr": 1e-4}, {"params": ..., "lr": 1e-2}])`). Often the
#   first layers are kept frozen and only the last ones fine-tuned ("discriminative learning rates": smaller and
#   smaller towards the input).
# * **From scratch**: the baseline that both are measured against, with the same labels.
#
# How well features transfer depends on the **domain shift** between the two tasks: photos of cats to photos of
# dogs transfer almost perfectly, photos to X-ray images less so, and handwriting to text not at all. With little
# data and a small shift, feature extraction usually wins; with more data or a bigger shift, fine-tuning does; with
# lots of data, from scratch catches up. These are rules of thumb: §2 measures them on a small example.
#
# **Freezing in PyTorch.** Every parameter is a tensor with a flag `requires_grad`. When it is `False`, autograd
# does not compute its gradient: after `loss.backward()` its `.grad` stays `None`, and an optimiser step skips it
# (optimisers update only parameters that have a gradient). So freezing is one loop, and it also saves the time and
# memory of the frozen layers' backward pass. A frozen layer still runs forward, and (a detail that bites)
# `model.train()` still puts its batch-norm and dropout layers in training mode: freezing stops the weights, not the
# running statistics of batch norm.
#
# The networks in this week's exercises all have the two attributes this needs: `model.backbone` and
# `model.head`. `SmallNet` is a small stand-in (linear layers with layer norm and ReLU, then a linear head):

# %%
demo_net = SmallNet([4, 6], 3)
print(demo_net)
for name, parameter in demo_net.named_parameters():
    print(f"{name:22s} {str(tuple(parameter.shape)):8s} requires_grad={parameter.requires_grad}")

# %% [markdown]
# ### Exercise 1 — `freeze_for_feature_extraction`
#
# Given a model with `model.backbone` and `model.head`, freeze **every** parameter of the backbone (weights and
# biases, also those of normalisation layers) and leave every parameter of the head trainable. Return the list of
# the parameters that stay trainable (the head's), to hand to the optimiser. Do not create new parameters: change
# the flags of the model's own.

# %% nbgrader={"grade": false, "grade_id": "freeze_for_feature_extraction", "locked": false, "schema_version": 3, "solution": true, "task": false}
def freeze_for_feature_extraction(model):
    """Freeze model.backbone (requires_grad=False on all its parameters), keep model.head trainable.

    Returns the list of the parameters that remain trainable (the head's).
    """
    ### BEGIN SOLUTION
    for parameter in model.parameters():
        parameter.requires_grad = False
    for parameter in model.head.parameters():
        parameter.requires_grad = True
    return list(model.head.parameters())
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "freeze_for_feature_extraction_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# SmallNet([4, 6], 3): backbone = Linear(4, 6) (weight, bias), LayerNorm(6) (weight, bias), ReLU; head = Linear(6, 3).
net = SmallNet([4, 6], 3)
trainable = freeze_for_feature_extraction(net)
expect_equal([p.requires_grad for p in net.backbone.parameters()], [False, False, False, False],
             name="requires_grad of the backbone's four parameters (all frozen, biases too)")
expect_equal([p.requires_grad for p in net.head.parameters()], [True, True],
             name="requires_grad of the head's weight and bias (the head must stay trainable)")
expect_equal(len(trainable), 2, name="the number of parameters returned for the optimiser (the head's two)")
# One step of SGD: the backbone gets no gradient and stays as it was, the head moves.
backbone_before = [p.detach().clone().numpy() for p in net.backbone.parameters()]
head_before = net.head.weight.detach().clone().numpy()
optimiser = torch.optim.SGD(trainable, lr=0.5)
loss = F.cross_entropy(net(torch.ones(5, 4)), torch.tensor([0, 1, 2, 0, 1]))
loss.backward()
optimiser.step()
expect_true(all(p.grad is None for p in net.backbone.parameters()),
            "a frozen parameter received a gradient (its .grad should stay None).",
            name="the frozen parameters get no gradient (grad is None)")
expect_true(all(np.array_equal(p.detach().numpy(), b) for p, b in zip(net.backbone.parameters(), backbone_before)),
            "a frozen parameter changed in the optimiser step.", name="the frozen parameters do not change")
expect_true(not np.array_equal(net.head.weight.detach().numpy(), head_before),
            "the head's weight did not change in the optimiser step.", name="the head's weight changes")
print("✓ public checks passed: freeze_for_feature_extraction (flags, returned parameters, one SGD step)")

# %% nbgrader={"grade": true, "grade_id": "freeze_for_feature_extraction_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: networks with one to three hidden layers (each a linear layer and a layer norm), random data and one
# SGD step on the parameters you return. Checked: every backbone parameter has requires_grad False, gets no
# gradient and does not change; the head's have requires_grad True and take exactly the step torch computes.
# Try them yourself now: check("week09.freeze_for_feature_extraction", freeze_for_feature_extraction)
### BEGIN HIDDEN TESTS
grade("week09.freeze_for_feature_extraction", freeze_for_feature_extraction)
### END HIDDEN TESTS

# %% [markdown]
# ### Exercise 2 — `param_groups`
#
# For fine-tuning, return the optimiser's **parameter groups**: a list of two dicts, first
# `{"params": [the backbone's parameters], "lr": lr}`, then `{"params": [the head's parameters], "lr": head_lr}`.
# Every parameter of the model must be in exactly one group (torch refuses a parameter in two groups, and one in
# none is never updated). `torch.optim.SGD(param_groups(model, 1e-4, 1e-2))` then moves the backbone a hundred
# times more slowly than the head.

# %% nbgrader={"grade": false, "grade_id": "param_groups", "locked": false, "schema_version": 3, "solution": true, "task": false}
def param_groups(model, lr, head_lr):
    """[{"params": backbone parameters, "lr": lr}, {"params": head parameters, "lr": head_lr}] for torch.optim."""
    ### BEGIN SOLUTION
    return [{"params": list(model.backbone.parameters()), "lr": lr},
            {"params": list(model.head.parameters()), "lr": head_lr}]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "param_groups_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
net = SmallNet([4, 6], 3)
groups = param_groups(net, 0.01, 0.1)
expect_equal(len(groups), 2, name="the number of groups (backbone, head)")
expect_equal([g["lr"] for g in groups], [0.01, 0.1],
             name="the groups' learning rates, backbone first (not swapped: the pretrained backbone gets the small "
                  "one)")
expect_equal([len(list(g["params"])) for g in groups], [4, 2],
             name="the number of parameters in each group (the backbone has 4, the head 2)")
print("✓ public checks passed: param_groups")

# %% nbgrader={"grade": true, "grade_id": "param_groups_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: networks of one to three hidden layers, learning rates 0.1 to 2; torch.optim.SGD takes one step with
# your groups. Checked: every parameter is in one group, no group mixes backbone and head, each group's lr, and
# every parameter after the step equals what SGD with the right groups gives.
# Try them yourself now: check("week09.param_groups", param_groups)
### BEGIN HIDDEN TESTS
grade("week09.param_groups", param_groups)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. Project: pretrained on the digits 0–4, transferred to 5–9
#
# The source syllabus asks to "use a pretrained network for a custom task". Downloading ImageNet weights is not an
# option here (everything runs offline), so we make the situation ourselves, small: a convolutional network is
# **pretrained on the digits 0 to 4** (all the course's public 8 × 8 digits of those classes), and the **new task**
# is to tell the digits **5 to 9** apart with only a few labelled examples per class. The strokes that make a 3 are
# much like those that make an 8, so the features should transfer; the head has to be new (five new classes).
#
# The test set of the new task is 70 digits of each class 5–9; the labelled examples come from the other digits of
# those classes. First the pretraining (a few seconds):

# %%
from course.datasets import digits_public

images, labels = digits_public()
pixels = torch.tensor(images / 16, dtype=torch.float32)[:, None]        # (n, 1, 8, 8), values 0 to 1


class DigitNet(nn.Module):
    """backbone: two 3x3 convolutions with ReLU, 2x2 max pooling (32 x 4 x 4 = 512 numbers), then a dense layer to
    64 features; head: a linear layer from the 64 features to the classes."""

    def __init__(self, classes):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2), nn.Flatten(),                                   # 512 "stroke" features
            nn.Linear(512, 64), nn.ReLU())                                   # 64 features for the classes 0-4
        self.head = nn.Linear(64, classes)

    def forward(self, x):
        return self.head(self.backbone(x))


class CutAt(nn.Module):
    """The first layers of a pretrained backbone, and a new head on what they output."""

    def __init__(self, layers, width, classes):
        super().__init__()
        self.backbone, self.head = layers, nn.Linear(width, classes)

    def forward(self, x):
        return self.head(self.backbone(x))


def fit(model, optimiser, X, y, steps, batch_size=None, seed=0):
    """Adam or SGD steps on (X, y): mini-batches drawn at random, or the whole set when batch_size is None."""
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(steps):
        rows = torch.randint(0, len(X), (batch_size,), generator=generator) if batch_size else slice(None)
        loss = F.cross_entropy(model(X[rows]), y[rows])
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return model.eval()


def accuracy(model, X, y):
    with torch.no_grad():
        return float((model(X).argmax(dim=1) == y).float().mean())


source_rows = np.flatnonzero(labels < 5)
source_order = np.random.default_rng(1).permutation(source_rows)
source_train, source_val = source_order[:600], source_order[600:]
torch.manual_seed(0)
started = time.perf_counter()
pretrained_net = DigitNet(5)
fit(pretrained_net, torch.optim.Adam(pretrained_net.parameters(), lr=3e-3), pixels[source_train],
    torch.tensor(labels[source_train]), steps=300, batch_size=32)
pretrain_seconds = time.perf_counter() - started
source_accuracy = accuracy(pretrained_net, pixels[source_val], torch.tensor(labels[source_val]))
print(f"pretrained on {len(source_train)} digits 0-4 in {pretrain_seconds:.1f} s; accuracy on {len(source_val)} "
      f"other digits 0-4: {source_accuracy:.1%}; {sum(p.numel() for p in pretrained_net.parameters()):,} parameters")

# %% [markdown]
# Now the new task. For each labelled budget (1, 5 and 30 examples of each of the five new classes), four networks
# with a **new head** for the classes 5–9 are trained on the same examples for the same 60 steps of Adam (the whole
# labelled set at each step):
#
# * **feature extraction, 64 features**: the whole pretrained backbone, frozen with your
#   `freeze_for_feature_extraction`; only the new head learns (learning rate 0.01);
# * **feature extraction, 512 features**: the backbone cut after the convolutions and the pooling (the first six
#   layers), frozen, with a new head on their 512 outputs;
# * **fine-tuning**: the whole pretrained backbone, trained too, with your `param_groups` (0.001 for the backbone,
#   0.01 for the head);
# * **from scratch**: the same architecture from random weights (everything at 0.003).
#
# Each is repeated for two draws of the labelled examples; the table shows the mean test accuracy.

# %%
import copy

target_rows = np.flatnonzero(labels >= 5)
split_rng = np.random.default_rng(2)
target_test, target_pool = [], {}
for digit in range(5, 10):
    rows = split_rng.permutation(target_rows[labels[target_rows] == digit])
    target_test += rows[:70].tolist()
    target_pool[digit] = rows[70:]
X_test_target, y_test_target = pixels[target_test], torch.tensor(labels[target_test] - 5)


def transfer(method, per_class, draw):
    """Test accuracy on the digits 5-9 after 60 steps on per_class labelled digits of each class."""
    rng = np.random.default_rng(100 + draw)
    rows = np.concatenate([rng.choice(target_pool[d], per_class, replace=False) for d in range(5, 10)])
    X, y = pixels[rows], torch.tensor(labels[rows] - 5)
    torch.manual_seed(draw)                                        # the new head's random start
    if method == "feature extraction, 512 features":
        model = CutAt(copy.deepcopy(pretrained_net.backbone[:6]), 512, 5)
    else:
        model = DigitNet(5)
    if method == "from scratch":
        optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    else:
        if method != "feature extraction, 512 features":
            model.backbone.load_state_dict(pretrained_net.backbone.state_dict())
        if method.startswith("feature extraction"):
            optimiser = torch.optim.Adam(mine_or_reference(freeze_for_feature_extraction, model), lr=1e-2)
        else:
            optimiser = torch.optim.Adam(mine_or_reference(param_groups, model, 1e-3, 1e-2))
    fit(model, optimiser, X, y, steps=60)
    return accuracy(model, X_test_target, y_test_target)


started = time.perf_counter()
budgets = [1, 5, 30]
methods = ["feature extraction, 64 features", "feature extraction, 512 features", "fine-tuning", "from scratch"]
transfer_results = pd.DataFrame([{"labelled per class": n, "method": m,
                                  "test accuracy": np.mean([transfer(m, n, draw) for draw in range(2)])}
                                 for n in budgets for m in methods])
transfer_table = transfer_results.pivot(index="labelled per class", columns="method", values="test accuracy")
transfer_table = transfer_table[methods]
transfer_seconds = time.perf_counter() - started
print(f"{len(budgets) * len(methods) * 2} trainings in {transfer_seconds:.1f} s; test accuracy on "
      f"{len(target_test)} digits 5-9:")
transfer_table

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.6))
for method, marker in zip(methods, "osD^"):
    ax.plot(budgets, transfer_table[method], marker=marker, label=method)
ax.set_xscale("log")
ax.set_xticks(budgets, [str(b) for b in budgets])
ax.set_xlabel("labelled examples per class (of the digits 5-9)")
ax.set_ylabel("test accuracy")
ax.axhline(0.2, color="grey", ls=":", lw=1)
ax.text(1.05, 0.22, "chance", color="grey")
ax.set_ylim(0, 1)
ax.grid(alpha=0.3)
ax.legend(fontsize=8)
ax.set_title("transfer from the digits 0-4 to 5-9")
plt.show()

# %% [markdown]
# **What the table says, honestly.** Two things.
#
# *Which layer you cut at matters more than anything else.* The 64 features of the last hidden layer were trained
# to tell 0 to 4 apart and nothing else: a head on them is the worst of the four at every budget (with 30 examples
# per class it still gets only about three in four test digits right). The 512 outputs of the convolutions are
# stroke and corner detectors that every digit is made of: a head on them is far better, and with five or more
# examples per class within two points of the best. This is the general rule (Yosinski et al., 2014): early layers
# are generic, later layers specific to the pretraining task, so the more the new task differs, the earlier you cut
# (or the more you fine-tune). Fine-tuning the whole backbone sits in between: it can repair the specific layer,
# given enough examples.
#
# *On these tiny digits, training from scratch is the best.* An 8 × 8 digit is so simple that a small CNN learns
# 5–9 from a handful of examples: with one example per class it already gets about four in five test digits right.
# The pretrained features save little when the features are this easy to learn, the same reason an RBF SVM was a
# match for the CNN last week. Transfer learning pays off when the features are expensive: photographs with
# millions of pixels, where ImageNet features learned from 1.2 million images cannot be learned from thirty, and
# text, where a language model's knowledge of words comes from billions of them (§9 comes back to this). Measure the
# from-scratch baseline on your own task; do not assume it loses.
#
# ## 3. Attention
#
# A recurrent network squeezes everything it has read into one hidden state, and information from 50 steps back
# has been through 50 matrix multiplications. **Attention** (Bahdanau et al., 2015; Vaswani et al., 2017) lets each
# position look directly at every other position. Each position $i$ of a sequence emits three vectors, computed from
# its representation $x_i$ by three learned linear maps:
#
# * a **query** $q_i = x_i W_Q$: what this position is looking for;
# * a **key** $k_j = x_j W_K$: what position $j$ offers, to be matched against queries;
# * a **value** $v_j = x_j W_V$: what position $j$ hands over when it is attended to.
#
# Position $i$ scores every key by a dot product with its query, turns the scores into weights with a softmax, and
# takes the weighted average of the values:
#
# $$\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\!\Big(\frac{QK^\top}{\sqrt{d}}\Big)V,
#   \qquad \alpha_{ij} = \frac{\exp(q_i\cdot k_j/\sqrt d)}{\sum_{j'}\exp(q_i\cdot k_{j'}/\sqrt d)},\qquad
#   \text{out}_i = \sum_j \alpha_{ij} v_j,$$
#
# with $Q$ of shape $(L_q, d)$ (one query per row), $K$ of shape $(L_k, d)$, $V$ of shape $(L_k, d_v)$, the softmax
# taken along each row (over the keys), so that each query's weights sum to 1. It is a soft, differentiable
# dictionary look-up: the query is matched against all keys at once and gets a blend of the values.
#
# **Why divide by $\sqrt d$?** If the entries of $q$ and $k$ are independent with mean 0 and variance 1, their dot
# product $q\cdot k = \sum_{m=1}^d q_m k_m$ is a sum of $d$ terms of variance 1: its variance is $d$, its standard
# deviation $\sqrt d$. With $d = 64$, scores of ±16 are common, and a softmax of such scores is nearly one-hot: its
# gradient almost vanishes and learning stalls. Dividing by $\sqrt d$ brings the scores back to variance 1 whatever
# the width (measured below).
#
# **Masks.** Two kinds of positions must not be attended to:
#
# * in a model that predicts the next token (GPT), position $i$ must not see the future: a **causal mask** allows
#   key $j$ only when $j \le i$, a lower-triangular matrix;
# * in a batch of sequences of different lengths, the shorter ones are filled up with **padding** tokens, and no
#   query should attend to them: a **padding mask** allows only each sequence's real tokens.
#
# A mask is applied to the **scores**, before the softmax: a masked score becomes $-\infty$, its exponential 0, and
# the remaining weights still sum to 1. This week's convention is PyTorch's for `F.scaled_dot_product_attention`:
# a boolean mask with **True where attention is allowed**. (Careful: `nn.MultiheadAttention`'s boolean `attn_mask`
# means the opposite, True = *not* allowed; §4 meets it.) A query whose keys are *all* masked has no softmax (0/0):
# it never happens with causal or padding masks of real sequences (a token can always see itself), and the tests
# never ask for it.

# %%
rng = np.random.default_rng(0)
rows = []
for d in (4, 16, 64, 256):
    q_demo, k_demo = rng.normal(size=(20000, d)), rng.normal(size=(20000, d))
    scores = np.sum(q_demo * k_demo, axis=1)
    rows.append({"d": d, "std of q·k": scores.std(), "std of q·k / sqrt(d)": (scores / np.sqrt(d)).std(),
                 "largest softmax weight of 8 unscaled scores": np.mean(np.max(
                     np.exp(scores[:8000].reshape(-1, 8)) / np.exp(scores[:8000].reshape(-1, 8)).sum(1, keepdims=True),
                     axis=1))})
scaling = pd.DataFrame(rows).set_index("d")
scaling

# %% [markdown]
# The unscaled scores' spread grows as $\sqrt d$ (2, 4, 8, 16), and with $d = 256$ the largest of eight softmax
# weights is on average above 0.9: attention has collapsed onto one key. Scaled, the spread stays at 1.
#
# ### Exercise 3 — `scaled_dot_product_attention`
#
# `q` of shape `(..., Lq, d)`, `k` of shape `(..., Lk, d)`, `v` of shape `(..., Lk, dv)`, where `...` is any number of
# leading batch axes (none, a batch, a batch and heads), and an optional boolean `mask` that broadcasts to
# `(..., Lq, Lk)`, **True where query i may attend to key j**. Return `softmax(q kᵀ / sqrt(d))` with masked scores set
# to `-inf` before the softmax, times `v`: shape `(..., Lq, dv)`, what `F.scaled_dot_product_attention(q, k, v,
# attn_mask=mask)` gives. Make the softmax stable: subtract each row's largest score before `np.exp` (the tests
# include scores in the hundreds). `np.swapaxes(k, -1, -2)` transposes the last two axes of any batch; `@` multiplies
# matrices batch by batch.

# %% nbgrader={"grade": false, "grade_id": "scaled_dot_product_attention", "locked": false, "schema_version": 3, "solution": true, "task": false}
def scaled_dot_product_attention(q, k, v, mask=None):
    """softmax(q @ k^T / sqrt(d), masked where mask is False) @ v, over any leading batch axes.

    q : (..., Lq, d); k : (..., Lk, d); v : (..., Lk, dv); mask : booleans broadcasting to (..., Lq, Lk), True =
    may attend, or None. Returns (..., Lq, dv).
    """
    ### BEGIN SOLUTION
    d = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d)                # (..., Lq, Lk)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)           # stable: the largest exponent is 0
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)         # each query's weights sum to 1
    return weights @ v
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "scaled_dot_product_attention_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# One query, two keys, d = 4 (so sqrt(d) = 2): the scores are q·k / 2 = 1 and 0, the weights softmax(1, 0) =
# (e/(e + 1), 1/(e + 1)) = (0.731059, 0.268941), and with the values (1, 0) and (0, 1) that is the output.
q_one = np.array([[2.0, 0.0, 0.0, 0.0]])
k_two = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
v_two = np.array([[1.0, 0.0], [0.0, 1.0]])
expect_close(scaled_dot_product_attention(q_one, k_two, v_two), [[0.731059, 0.268941]], atol=1e-6,
             name="one query, two keys",
             slips={"leaving out the 1/sqrt(d) (softmax(2, 0))": [[0.880797, 0.119203]],
                    "dividing by d instead of sqrt(d) (softmax(0.5, 0))": [[0.622459, 0.377541]]})
expect_unchanged(q_one, [[2.0, 0.0, 0.0, 0.0]], "scaled_dot_product_attention", "q", name="q is left unchanged")
# A causal mask over three positions; all scores are 0, so each query averages the values it may see.
mask_causal = np.array([[True, False, False], [True, True, False], [True, True, True]])
v_three = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
expect_close(scaled_dot_product_attention(np.zeros((3, 2)), np.zeros((3, 2)), v_three, mask_causal),
             [[1.0, 0.0], [0.5, 0.5], [2 / 3, 2 / 3]], name="a causal mask (each query averages the keys up to it)",
             slips={"reading the mask the wrong way round (True means 'may attend')":
                    [[0.5, 1.0], [1.0, 1.0], [2 / 3, 2 / 3]],
                    "zeroing the masked weights after the softmax (mask the scores with -inf before it)":
                    [[1 / 3, 0.0], [1 / 3, 1 / 3], [2 / 3, 2 / 3]]})
# Leading axes: a batch of 2 with 3 heads, 5 queries, 4 keys, d = 8, dv = 6.
expect_equal(np.shape(scaled_dot_product_attention(np.ones((2, 3, 5, 8)), np.ones((2, 3, 4, 8)),
                                                   np.ones((2, 3, 4, 6)))), (2, 3, 5, 6),
             name="the output shape for q (2, 3, 5, 8), k (2, 3, 4, 8), v (2, 3, 4, 6)")
# Scores of 1000 and 0: a stable softmax puts all the weight on the first key (np.exp(1000) overflows).
expect_close(scaled_dot_product_attention(np.array([[2000.0]]), np.array([[1.0], [0.0]]), v_two), [[1.0, 0.0]],
             name="a score of 2000 (a stable softmax: subtract the largest score first)")
print("✓ public checks passed: scaled_dot_product_attention (scaling, a causal mask, batch axes, stability)")

# %% nbgrader={"grade": true, "grade_id": "scaled_dot_product_attention_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: no batch axis, a batch, a batch and heads; Lq = Lk and Lq ≠ Lk; d from 2 to 16 and dv ≠ d; no mask,
# causal masks, padding masks of shape (B, 1, Lk) or (B, 1, 1, Lk), both together, random masks (every query may
# attend to at least one key), and scores in the hundreds. Compared with F.scaled_dot_product_attention in float64.
# Try them yourself now: check("week09.scaled_dot_product_attention", scaled_dot_product_attention)
### BEGIN HIDDEN TESTS
grade("week09.scaled_dot_product_attention", scaled_dot_product_attention)
### END HIDDEN TESTS

# %%
check("week09.scaled_dot_product_attention", scaled_dot_product_attention);

# %% [markdown]
# A picture of a mask at work: six positions with random queries and keys, the weights without a mask, with a
# causal mask, and with a padding mask that hides the last two positions (a sequence of four tokens padded to six).
# Every row sums to 1; masked entries are exactly 0.

# %%
rng = np.random.default_rng(3)
q_demo, k_demo = rng.normal(size=(6, 8)), rng.normal(size=(6, 8))
masks = {"no mask": None, "causal mask": np.tril(np.ones((6, 6), dtype=bool)),
         "padding mask (4 real tokens)": np.arange(6)[None, :] < 4}
fig, axes = plt.subplots(1, 3, figsize=(10, 3.2))
for ax, (title, mask) in zip(axes, masks.items()):
    weights = mine_or_reference(scaled_dot_product_attention, q_demo, k_demo, np.eye(6), mask)   # v = I: the weights
    ax.imshow(weights, cmap="viridis", vmin=0, vmax=1)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("key j")
axes[0].set_ylabel("query i")
plt.show()

# %% [markdown]
# (Attending to the identity matrix as the values, `v = I`, returns the weights themselves: row $i$ of
# $\alpha I$ is $\alpha_i$. The explorer of §7 uses the same trick to run your function on a trained network.)
#
# ## 4. Multi-head attention
#
# One attention computes one weighted average per position: one kind of relation. A sentence has many at once
# (which noun an adjective belongs to, which verb a subject goes with, what came just before). **Multi-head
# attention** runs $h$ attentions side by side on smaller vectors and concatenates the results. With embedding size
# $E$ and $h$ heads of size $d_h = E/h$:
#
# 1. project: $Q = XW_Q$, $K = XW_K$, $V = XW_V$, each $(B, L, E)$;
# 2. split the **features** into heads: reshape to $(B, L, h, d_h)$ (head $m$ takes features $m d_h$ to
#    $(m+1)d_h - 1$ of every position) and move the head axis forward, $(B, h, L, d_h)$;
# 3. scaled dot-product attention in every head at once (your function, with $\sqrt{d_h}$);
# 4. merge: back to $(B, L, h, d_h)$ and reshape to $(B, L, E)$ (the heads' outputs side by side), then the
#    **output projection** $W_O$ mixes them: $\text{out} = \operatorname{concat}(\text{head}_1, \dots,
#    \text{head}_h)\,W_O$.
#
# The cost is the same as one attention of size $E$ (the heads are thinner), and there are $4E^2$ weights (plus
# $4E$ biases in PyTorch) whatever $h$. In `self-attention`, queries, keys and values all come from the same
# sequence $X$; in **cross-attention** (an encoder-decoder's decoder reading the encoder) the queries come from one
# sequence and the keys and values from another.
#
# ### Exercise 4 — `multi_head_attention`
#
# Self-attention of `x` `(B, L, E)` with weights `W_q`, `W_k`, `W_v`, `W_o` of shape `(E, E)` used as `x @ W` (no
# biases), `n_heads` dividing `E`, and an optional boolean `mask` `(L, L)` with this week's convention (True = may
# attend), applied in every head. Return `(B, L, E)`, what `torch.nn.MultiheadAttention(E, n_heads, bias=False,
# batch_first=True)` gives with `in_proj_weight` = the rows of `W_q.T`, `W_k.T`, `W_v.T` stacked, `out_proj.weight =
# W_o.T` and `attn_mask = ~mask` (its boolean masks mean "not allowed"). Use your `scaled_dot_product_attention`.

# %% nbgrader={"grade": false, "grade_id": "multi_head_attention", "locked": false, "schema_version": 3, "solution": true, "task": false}
def multi_head_attention(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    """Multi-head self-attention. x : (B, L, E); W_* : (E, E) applied as x @ W; mask : (L, L) booleans (True = may
    attend) or None. Returns (B, L, E)."""
    ### BEGIN SOLUTION
    b, length, e = x.shape
    d = e // n_heads

    def split(z):                                 # (B, L, E) -> (B, heads, L, d): each head a slice of features
        return z.reshape(b, length, n_heads, d).transpose(0, 2, 1, 3)

    heads = scaled_dot_product_attention(split(x @ W_q), split(x @ W_k), split(x @ W_v), mask)
    return heads.transpose(0, 2, 1, 3).reshape(b, length, e) @ W_o
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "multi_head_attention_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Two positions, E = 4, identity weights, 2 heads: head 1 sees features 0-1, (1, 0) and (0, 1), head 2 features
# 2-3, (2, 0) and (0, 3). Head 1's scores: 1/sqrt(2) on the diagonal, 0 off it: weights 0.6698 / 0.3302.
x_two = np.array([[[1.0, 0.0, 2.0, 0.0], [0.0, 1.0, 0.0, 3.0]]])
identity = np.eye(4)
expect_close(multi_head_attention(x_two, identity, identity, identity, identity, 2),
             [[[0.669762, 0.330238, 1.888386, 0.167422], [0.330238, 0.669762, 0.003439, 2.994841]]], atol=1e-6,
             name="two heads, identity weights",
             slips={"splitting the heads with a plain reshape to (B, heads, L, d) (reshape to (B, L, heads, d) and "
                    "swap the axes)": [[[1.669762, 0.0, 1.80443, 0.0], [0.0, 2.608859, 0.0, 2.971668]]],
                    "dividing the scores by sqrt(E) instead of sqrt(E / heads)":
                    [[[0.622459, 0.377541, 1.761594, 0.357609], [0.377541, 0.622459, 0.021974, 2.967039]]],
                    "one head of size 4 (each head sees only its own E / n_heads features)":
                    [[[0.924142, 0.075858, 1.848284, 0.227575], [0.006693, 0.993307, 0.013386, 2.979921]]]})
# A causal mask: the first position sees only itself, so its output is its own value, x[0, 0] (W = I).
expect_close(multi_head_attention(x_two, identity, identity, identity, identity, 2,
                                  np.array([[True, False], [True, True]]))[0, 0], [1.0, 0.0, 2.0, 0.0],
             name="the first position under a causal mask")
print("✓ public checks passed: multi_head_attention")

# %% nbgrader={"grade": true, "grade_id": "multi_head_attention_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: batches of 1 to 4, 2 to 7 positions, E from 4 to 16 with 1 to 8 heads, random weights, with and
# without a causal mask. Compared with torch.nn.MultiheadAttention (bias=False, batch_first=True) with your weights
# copied in, in float64.
# Try them yourself now: check("week09.multi_head_attention", multi_head_attention)
### BEGIN HIDDEN TESTS
grade("week09.multi_head_attention", multi_head_attention)
### END HIDDEN TESTS

# %% [markdown]
# **Attention does not know the order.** Shuffle the positions of the input and the output of self-attention (with
# no mask) is shuffled the same way, nothing else changes: each position's output depends on the *set* of the
# others, not on where they are. That is called *permutation equivariance*, checked here on random numbers:

# %%
rng = np.random.default_rng(4)
x_demo = rng.normal(size=(1, 5, 8))
W_demo = [rng.normal(size=(8, 8)) / np.sqrt(8) for _ in range(4)]
shuffle = np.array([3, 0, 4, 1, 2])
out = mine_or_reference(multi_head_attention, x_demo, *W_demo, 2)
out_shuffled = mine_or_reference(multi_head_attention, x_demo[:, shuffle], *W_demo, 2)
print("attention(shuffled x) == shuffled attention(x):", np.allclose(out_shuffled, out[:, shuffle]))

# %% [markdown]
# "dog bites man" and "man bites dog" would look the same. The order has to be put into the input: that is what
# positional encodings do.
#
# ## 5. Positional encodings
#
# Add to each token's embedding a vector that depends only on its **position**. Two ways:
#
# * **learned**: a table of $L_{\max}$ vectors, one per position, trained with everything else (GPT-2, BERT; our
#   GPT of §7). Simple and effective, but it knows nothing about positions beyond $L_{\max}$;
# * **sinusoidal** (Vaswani et al., 2017): fixed waves of geometrically spaced frequencies,
#
# $$\text{PE}[p, 2i] = \sin\!\big(p\,\omega_i\big),\qquad \text{PE}[p, 2i+1] = \cos\!\big(p\,\omega_i\big),
#   \qquad \omega_i = \frac{1}{10000^{2i/d}},\quad i = 0, \dots, \tfrac d2 - 1.$$
#
# Each pair of columns $(2i, 2i+1)$ is a point going round a circle at its own speed: the first pair once every
# $2\pi \approx 6$ positions, the last almost not at all over thousands. Like the digits of a clock (seconds,
# minutes, hours), the pairs together tell every position apart.
#
# **Relative positions are linear.** Moving $k$ positions on turns every pair by the angle $k\omega_i$:
#
# $$\big(\sin((p+k)\omega), \cos((p+k)\omega)\big) = \big(\sin(p\omega), \cos(p\omega)\big)
#   \begin{pmatrix}\cos k\omega & -\sin k\omega\\ \sin k\omega & \cos k\omega\end{pmatrix},$$
#
# so $\text{PE}[p+k] = \text{PE}[p]\,M_k$ for one block-diagonal rotation matrix $M_k$ that depends on $k$ but **not
# on $p$**. A linear layer (a query or key projection) can therefore express "the token three places back" the same
# way everywhere. And the dot product $\text{PE}[p]\cdot\text{PE}[p+k] = \sum_i \cos(k\omega_i)$ depends only on the
# distance $k$. The cell below builds $M_k$ (the public test uses it).

# %%
def rotation(k, d):
    """M_k: (d, d), block-diagonal, one 2x2 rotation by k * omega_i per pair of columns; PE[p + k] = PE[p] @ M_k."""
    M = np.zeros((d, d))
    for i in range(d // 2):
        angle = k / 10000 ** (2 * i / d)
        M[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]
    return M


# %% [markdown]
# ### Exercise 5 — `sinusoidal_positions`
#
# Return the `(n, d)` array of sinusoidal encodings of the positions `0 … n − 1` (`d` even): sines in the even
# columns, cosines in the odd ones, as above. No loops needed: an `(n, 1)` column of positions times a `(1, d/2)` row
# of frequencies gives all the angles.

# %% nbgrader={"grade": false, "grade_id": "sinusoidal_positions", "locked": false, "schema_version": 3, "solution": true, "task": false}
def sinusoidal_positions(n, d):
    """PE of shape (n, d): PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i + 1] = cos(p / 10000^(2i/d)); d even."""
    ### BEGIN SOLUTION
    positions = np.arange(n)[:, None]                              # (n, 1)
    frequencies = 1.0 / 10000.0 ** (np.arange(0, d, 2) / d)       # (d/2,): 2i/d for i = 0 .. d/2 - 1
    pe = np.zeros((n, d))
    pe[:, 0::2] = np.sin(positions * frequencies)
    pe[:, 1::2] = np.cos(positions * frequencies)
    return pe
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "sinusoidal_positions_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# n = 3, d = 4: the frequencies are 1 and 1/100. Position 0 is (sin 0, cos 0, sin 0, cos 0) = (0, 1, 0, 1).
expect_close(sinusoidal_positions(3, 4),
             [[0.0, 1.0, 0.0, 1.0], [0.84147098, 0.54030231, 0.00999983, 0.99995],
              [0.90929743, -0.41614684, 0.01999867, 0.99980001]], rtol=1e-6, atol=1e-8, name="PE for n = 3, d = 4",
             slips={"cos in the even columns and sin in the odd ones":
                    [[1.0, 0.0, 1.0, 0.0], [0.54030231, 0.84147098, 0.99995, 0.00999983],
                     [-0.41614684, 0.90929743, 0.99980001, 0.01999867]],
                    "all the sines first, then the cosines (interleave them: sin in column 2i, cos in 2i + 1)":
                    [[0.0, 0.0, 1.0, 1.0], [0.84147098, 0.00999983, 0.54030231, 0.99995],
                     [0.90929743, 0.01999867, -0.41614684, 0.99980001]]})
# Relative positions: PE[p + 5] = PE[p] @ M_5 for every p (M_5 from the rotation cell above).
pe_fifty = sinusoidal_positions(50, 8)
M_5 = rotation(5, 8)
expect_close(pe_fifty[5:], pe_fifty[:-5] @ M_5, atol=1e-9, name="PE[p + 5] = PE[p] @ M_5 for p = 0 .. 44")
# The dot product of two encodings depends only on their distance: PE[0]·PE[7] = PE[20]·PE[27].
expect_close(pe_fifty[0] @ pe_fifty[7], pe_fifty[20] @ pe_fifty[27], atol=1e-9,
             name="PE[0]·PE[7] = PE[20]·PE[27] (only the distance counts)")
print("✓ public checks passed: sinusoidal_positions (values, relative-position rotation)")

# %% nbgrader={"grade": true, "grade_id": "sinusoidal_positions_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: n from 1 to 2048 and d from 2 to 64, compared with the closed form computed position by position,
# and PE[p + 3] = PE[p] @ M_3 on every case with more than 3 positions.
# Try them yourself now: check("week09.sinusoidal_positions", sinusoidal_positions)
### BEGIN HIDDEN TESTS
grade("week09.sinusoidal_positions", sinusoidal_positions)
### END HIDDEN TESTS

# %% [markdown]
# ### Explorer: positional encodings
#
# Left, the encoding matrix (positions down, dimensions across): fast waves in the first columns, slow ones in the
# last. Middle, the cosine similarity of every pair of positions; right, the similarity of one position to all the
# others. Things to try:
#
# * the similarity of sinusoidal encodings is the same along every diagonal of the middle picture: it depends only
#   on the distance. Move the position slider and the right-hand curve just slides;
# * with a small $d$ (say 4) positions far apart can look alike (the curve comes back up); a larger $d$ makes
#   every position distinct;
# * switch to **learned**: the position embeddings that our GPT of §7 learnt on its own from Python source. They
#   are far less regular than the waves: neighbouring positions are only a little more alike than distant ones
#   (a mean cosine similarity of about 0.07 for neighbours and 0.02 twenty positions apart). Nothing told the model
#   that positions are ordered; it only had to make them distinguishable for its attention, and it did.

# %%
from course.explorers import positional_encoding_explorer

positional_encoding_explorer(sinusoidal_positions)

# %% [markdown]
# ## 6. The transformer block
#
# A transformer is a stack of identical **blocks**. Each block has two sub-layers, each wrapped in a **residual
# connection** and a **layer normalisation**. In the "pre-norm" form that GPT-2 and most models since use:
#
# $$x \leftarrow x + \operatorname{MultiHeadAttention}(\operatorname{LN}(x)),\qquad
#   x \leftarrow x + \operatorname{MLP}(\operatorname{LN}(x)),\qquad
#   \operatorname{MLP}(h) = \operatorname{GELU}(hW_1 + b_1)W_2 + b_2,$$
#
# with $W_1$ of shape $(E, 4E)$: the MLP widens each position to $4E$ features and back, position by position
# (attention mixes positions, the MLP transforms each one). The pieces and why:
#
# * **Residual connections** ($x + f(x)$, as in ResNets) give the gradient a direct path from the loss to every
#   layer: the Jacobian of $x + f(x)$ is $I + f'(x)$, so the identity part carries the gradient down the stack
#   without being multiplied down block after block. Each block only adds a correction to a "residual stream" that
#   runs from the embeddings to the output.
# * **Layer normalisation** (Ba et al., 2016) normalises each position's vector over its **features**, not over the
#   batch as batch norm does: $\mu = \frac1E\sum_m x_m$, $\sigma^2 = \frac1E\sum_m(x_m-\mu)^2$,
#   $\operatorname{LN}(x) = \gamma\odot\frac{x-\mu}{\sqrt{\sigma^2+\varepsilon}} + \beta$. It needs no batch
#   statistics, so training and evaluation are the same computation and it works for a batch of one and for
#   sequences of any length, where batch norm struggles.
# * The original transformer put the normalisation after the residual sum ("post-norm"); pre-norm keeps the residual
#   stream itself un-normalised and trains deep stacks more stably, without a learning-rate warm-up being critical.
#
# ### Exercise 6 — `layer_norm`
#
# `x` of shape `(..., E)`, `gamma` and `beta` of shape `(E,)`, `eps`. Normalise each vector along the **last axis**
# (the biased variance, dividing by E), then scale and shift: what `F.layer_norm(x, (E,), gamma, beta, eps)` gives.

# %% nbgrader={"grade": false, "grade_id": "layer_norm", "locked": false, "schema_version": 3, "solution": true, "task": false}
def layer_norm(x, gamma, beta, eps=1e-5):
    """gamma * (x - mean) / sqrt(var + eps) + beta, mean and (biased) var over the last axis of x : (..., E)."""
    ### BEGIN SOLUTION
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "layer_norm_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Each row of x has its own mean and variance: (1, 2, 3, 4) has mean 2.5 and variance 1.25; (2, 4, 6, 8) is twice it,
# and normalises to the same x_hat. gamma = 2, beta = 1, eps = 0.
x_rows = np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0]])
expect_close(layer_norm(x_rows, np.full(4, 2.0), np.ones(4), 0.0),
             [[-1.683282, 0.105573, 1.894427, 3.683282], [-1.683282, 0.105573, 1.894427, 3.683282]], atol=1e-6,
             name="layer_norm of two rows",
             slips={"the unbiased variance (divide by E, not E - 1)":
                    [[-1.32379, 0.225403, 1.774597, 3.32379], [-1.32379, 0.225403, 1.774597, 3.32379]],
                    "normalising over the batch (axis 0, as batch norm does) instead of over the features":
                    [[-1.0, -1.0, -1.0, -1.0], [3.0, 3.0, 3.0, 3.0]]})
expect_unchanged(x_rows, [[1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0]], "layer_norm", "x", name="x is left unchanged")
# Leading axes: a batch of 2 sequences of 3 positions with E = 5.
expect_equal(np.shape(layer_norm(np.ones((2, 3, 5)), np.ones(5), np.zeros(5))), (2, 3, 5),
             name="the shape for x (2, 3, 5)")
print("✓ public checks passed: layer_norm")

# %% nbgrader={"grade": true, "grade_id": "layer_norm_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: x of 2 to 4 axes with rows of different means and scales, eps from 1e-5 to 0.1. Compared with
# F.layer_norm in float64.
# Try them yourself now: check("week09.layer_norm", layer_norm)
### BEGIN HIDDEN TESTS
grade("week09.layer_norm", layer_norm)
### END HIDDEN TESTS

# %% [markdown]
# ### The backward pass
#
# The same algebra as batch norm's last week, with the means taken over the features of each vector instead of over
# the batch: with $\hat x = (x-\mu)/\sqrt{\sigma^2+\varepsilon}$ and $\text{d}\hat x = \gamma\odot\text{dout}$,
#
# $$\frac{\partial L}{\partial x} = \frac{1}{\sqrt{\sigma^2+\varepsilon}}\Big(\text{d}\hat x
#   - \operatorname{mean}(\text{d}\hat x) - \hat x\,\operatorname{mean}(\text{d}\hat x\odot\hat x)\Big),$$
#
# means over the last axis. $\gamma$ and $\beta$ are shared by every position of every sequence, so their gradients
# are sums over **all the other axes**: $\partial L/\partial\gamma = \sum\text{dout}\odot\hat x$,
# $\partial L/\partial\beta = \sum\text{dout}$.
#
# ### Exercise 7 — `layer_norm_backward`
#
# Given `dout` and `x` (both `(..., E)`), `gamma` and `eps`, return `(dx, dgamma, dbeta)` with the shapes of `x`,
# `(E,)` and `(E,)`, what autograd gives for `F.layer_norm(x, (E,), gamma, beta, eps)` with `out.backward(dout)`.

# %% nbgrader={"grade": false, "grade_id": "layer_norm_backward", "locked": false, "schema_version": 3, "solution": true, "task": false}
def layer_norm_backward(dout, x, gamma, eps=1e-5):
    """Gradients of layer_norm(x, gamma, beta, eps) given dout: returns (dx, dgamma, dbeta)."""
    ### BEGIN SOLUTION
    inv_std = 1 / np.sqrt(x.var(axis=-1, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=-1, keepdims=True)) * inv_std
    dx_hat = dout * gamma
    dx = inv_std * (dx_hat - dx_hat.mean(axis=-1, keepdims=True)
                    - x_hat * (dx_hat * x_hat).mean(axis=-1, keepdims=True))
    shared = tuple(range(x.ndim - 1))                 # every axis but the features
    return dx, (dout * x_hat).sum(axis=shared), dout.sum(axis=shared)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "layer_norm_backward_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Two features: whatever x is, layer norm gives (-1, 1) (eps = 0), so the output does not depend on x: dx = 0.
dx, dgamma, dbeta = layer_norm_backward(np.array([[1.0, 0.0]]), np.array([[1.0, 3.0]]), np.ones(2), 0.0)
expect_close(dx, [[0.0, 0.0]], atol=1e-12, name="dx for two features (the output is always (-1, 1))",
             slips={"treating the mean and variance as constants (dx = gamma * dout / std)": [[1.0, 0.0]]})
expect_close(dgamma, [-1.0, 0.0], name="dgamma = sum of dout * x_hat")
expect_close(dbeta, [1.0, 0.0], name="dbeta = sum of dout")
# Three features, x = (0, 1, 5), dout on the first one.
dx, _, _ = layer_norm_backward(np.array([[1.0, 0.0, 0.0]]), np.array([[0.0, 1.0, 5.0]]), np.ones(3), 0.0)
expect_close(dx, [[0.176347, -0.220433, 0.044087]], atol=1e-6, name="dx for x = (0, 1, 5)",
             slips={"treating the mean and variance as constants": [[0.46291, 0.0, 0.0]]})
# Leading axes: dgamma and dbeta sum over the batch AND the positions.
_, dgamma, dbeta = layer_norm_backward(np.ones((2, 3, 4)), np.arange(24.0).reshape(2, 3, 4), np.ones(4))
expect_equal(np.shape(dgamma), (4,), name="dgamma's shape for x (2, 3, 4)")
expect_close(dbeta, [6.0, 6.0, 6.0, 6.0], name="dbeta for dout of ones (2, 3, 4): six positions each")
print("✓ public checks passed: layer_norm_backward")

# %% nbgrader={"grade": true, "grade_id": "layer_norm_backward_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: the same inputs as for layer_norm with a random dout; dx, dgamma and dbeta compared with PyTorch's
# autograd of F.layer_norm in float64.
# Try them yourself now: check("week09.layer_norm_backward", layer_norm_backward)
### BEGIN HIDDEN TESTS
grade("week09.layer_norm_backward", layer_norm_backward)
### END HIDDEN TESTS

# %%
check("week09.layer_norm_backward", layer_norm_backward);

# %% [markdown]
# ## 7. A tiny GPT trained on Python's own source code
#
# A **GPT** (Radford et al., 2018) is a stack of transformer blocks with a **causal** mask, trained to predict the
# next token from the ones before it: the loss at position $t$ is $-\log p(x_{t+1}\mid x_1,\dots,x_t)$, and because
# of the mask every position of a training window gives one prediction, all in one forward pass (an RNN would need
# $T$ steps). We train one on characters. The text ships with every Python installation: the source code of 38
# modules of the standard library (`argparse`, `functools`, `typing`, `zipfile`, ...), read from the folder
# `sysconfig.get_paths()["stdlib"]`: code, comments and docstrings. Four other modules are held out to measure how
# well the model predicts text it has never seen. Characters outside printable ASCII become `?`; the vocabulary has
# 96 characters (newline and the printable ASCII characters). The file list is fixed, but the files' contents
# change a little from one Python release to the next, and so do the numbers below.

# %%
from course.explorers import tiny_gpt

train_source = tiny_gpt.stdlib_text(tiny_gpt.PRETRAIN_FILES)
held_out_source = tiny_gpt.stdlib_text(tiny_gpt.VALIDATION_FILES)[:32_769]      # 32,768 predictions
train_chars = torch.tensor(tiny_gpt.encode(train_source))
held_out_chars = torch.tensor(tiny_gpt.encode(held_out_source))
print(f"training text: {len(train_source):,} characters from {len(tiny_gpt.PRETRAIN_FILES)} files; held out: "
      f"{len(held_out_chars) - 1:,} characters of {', '.join(tiny_gpt.VALIDATION_FILES)}")
print(train_source[20_000:20_400])

# %% [markdown]
# **The baseline: a bigram model.** The simplest language model predicts each character from the one before it
# only: count how often each pair occurs in the training text (plus one, so that no pair has probability 0) and
# normalise each row. Its loss on the held-out text, in **nats per character** (the mean of $-\ln p$ of the true
# next character; a uniform guess over 96 characters scores $\ln 96 \approx 4.56$), is what the GPT has to beat:

# %%
def bigram_nats(train, held_out, vocabulary=len(tiny_gpt.ALPHABET)):
    counts = np.ones((vocabulary, vocabulary))                      # add-one smoothing
    np.add.at(counts, (train[:-1], train[1:]), 1)
    probabilities = counts / counts.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(probabilities[held_out[:-1], held_out[1:]])))


bigram_loss = bigram_nats(train_chars.numpy(), held_out_chars.numpy())
print(f"bigram model: {bigram_loss:.3f} nats per character on the held-out text (uniform: {np.log(96):.3f})")

# %% [markdown]
# **The model**, in about forty lines: token embeddings plus **learned** position embeddings, pre-norm blocks
# (layer norm, causal multi-head self-attention with one matrix for the queries, keys and values together, a
# residual, layer norm, a 4× MLP with GELU, a residual), a final layer norm and a linear layer to the 96 logits.
# Inside, `F.scaled_dot_product_attention(..., is_causal=True)` is the function you wrote in §3.

# %%
class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(width), nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)             # W_Q, W_K, W_V side by side
        self.proj = nn.Linear(width, width)                # W_O
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(approximate="tanh"), nn.Linear(4 * width, width))

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q, k, v = (z.view(B, T, self.heads, C // self.heads).transpose(1, 2) for z in (q, k, v))   # split heads
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).reshape(B, T, C))                                     # merge heads
        return x + self.mlp(self.ln2(x))


class TinyGPT(nn.Module):
    def __init__(self, config=tiny_gpt.CONFIG):
        super().__init__()
        self.config = config
        self.tokens = nn.Embedding(config.vocabulary, config.width)
        self.positions = nn.Embedding(config.context, config.width)           # learned positions
        self.blocks = nn.ModuleList(Block(config.width, config.heads) for _ in range(config.layers))
        self.ln_f = nn.LayerNorm(config.width)
        self.lm_head = nn.Linear(config.width, config.vocabulary)

    def features(self, idx):
        x = self.tokens(idx) + self.positions(torch.arange(idx.shape[1]))
        for block in self.blocks:
            x = block(x)
        return self.ln_f(x)

    def forward(self, idx):
        return self.lm_head(self.features(idx))                             # (B, T, 96) next-character logits


def held_out_nats(model, text=held_out_chars):
    """Mean loss over consecutive windows of the held-out text (every character predicted once)."""
    context = model.config.context
    usable = (len(text) - 1) // context * context
    inputs, targets = text[:usable].reshape(-1, context), text[1:usable + 1].reshape(-1, context)
    with torch.no_grad():
        return float(F.cross_entropy(model.eval()(inputs).reshape(-1, model.config.vocabulary), targets.reshape(-1)))


# %% [markdown]
# **Training in the notebook.** A smaller configuration than the one we ship (2 blocks of width 64 instead of 3 of
# width 96, the same 4 heads, a context of 32 characters instead of 64) trains faster per second. Each step takes 32
# random windows of 32 characters: 1,024 next-character predictions. AdamW, a short warm-up then a cosine decay of the
# learning rate, gradient clipping at norm 1 (last week's §9).

# %%
def train_gpt(model, steps, lr=3e-3, batch=32, seed=0, warmup=50):
    generator = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01, betas=(0.9, 0.99))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * 0.5 * (1 + np.cos(np.pi * min(s, steps) / steps)))
    context, losses = model.config.context, []
    model.train()
    for _ in range(steps):
        starts = torch.randint(0, len(train_chars) - context - 1, (batch, 1), generator=generator)
        inputs, targets = train_chars[starts + torch.arange(context)], train_chars[starts + torch.arange(context) + 1]
        loss = F.cross_entropy(model(inputs).reshape(-1, model.config.vocabulary), targets.reshape(-1))
        optimiser.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        losses.append(loss.item())
    return losses


torch.manual_seed(0)
small_config = tiny_gpt.Config(layers=2, width=64, heads=4, context=32)
small_gpt = TinyGPT(small_config)
started = time.perf_counter()
small_losses = train_gpt(small_gpt, steps=400)
gpt_seconds = time.perf_counter() - started
small_gpt_loss = held_out_nats(small_gpt)
print(f"{sum(p.numel() for p in small_gpt.parameters()):,} parameters, 400 steps in {gpt_seconds:.1f} s: "
      f"held-out loss {small_gpt_loss:.3f} nats per character (bigram {bigram_loss:.3f})")

# %% [markdown]
# **The shipped model.** `bench/pretrain_week09_gpt.py` trained the larger configuration (3 blocks of width 96,
# 0.36 M parameters) with the same loop for 4,000 steps, about eight minutes on one thread, and saved its weights
# in `course/pretrained/week09_tiny_gpt.pt` (1.4 MB). They load into the class above:

# %%
gpt = TinyGPT()
gpt.load_state_dict(torch.load(tiny_gpt.WEIGHTS, weights_only=True))
gpt_loss = held_out_nats(gpt)
fig, ax = plt.subplots(figsize=(7, 3.2))
ax.plot(np.convolve(small_losses, np.ones(20) / 20, mode="valid"), label="training loss (notebook, mean of 20 steps)")
ax.axhline(small_gpt_loss, color="C0", ls="--", label=f"held out, trained here: {small_gpt_loss:.2f}")
ax.axhline(bigram_loss, color="C3", ls=":", label=f"held out, bigram model: {bigram_loss:.2f}")
ax.axhline(gpt_loss, color="C2", ls="-.", label=f"held out, shipped GPT (4,000 steps): {gpt_loss:.2f}")
ax.set_xlabel("step")
ax.set_ylabel("nats per character")
ax.set_ylim(0.8, 4.0)
ax.legend(fontsize=8)
ax.grid(alpha=0.3)
plt.show()
pd.DataFrame({"held-out nats per character": [np.log(96), bigram_loss, small_gpt_loss, gpt_loss]},
             index=["uniform guess", "bigram counts", "GPT trained here (2 x 64, context 32, 400 steps)",
                    "shipped GPT (3 x 96, 4,000 steps)"])

# %% [markdown]
# The GPT trained for a few seconds here already predicts the held-out code better than the bigram model, which has
# seen every pair of characters in 1.8 million; the shipped one, trained ten times longer and a bit larger, is far
# better still (a loss 1 nat lower means the true next character gets, on average, $e \approx 2.7$ times more
# probability). Its samples below have the indentation, the keywords, `self.`, the look of docstrings and of
# argument lists; they do not mean anything: 64 characters of context and 0.36 M parameters are not enough for
# that.
#
# **Sampling.** To generate, feed a prompt, turn the last position's logits into probabilities, draw a character,
# append it, repeat. Two knobs change the distribution before the draw:
#
# * **temperature** $\tau$: $p \propto \exp(\text{logit}/\tau)$. Below 1 it sharpens the distribution (safer, more
#   repetitive; $\tau \to 0$ is greedy decoding), above 1 it flattens it (more surprising, more mistakes);
# * **top-k**: keep only the $k$ most likely characters (renormalised), which cuts the long tail of unlikely ones
#   that sampling otherwise hits now and then.

# %%
def generate(model, prompt, length=200, temperature=1.0, top_k=None, seed=0):
    sampler = torch.Generator().manual_seed(seed)
    idx = torch.tensor(tiny_gpt.encode(prompt))[None]
    with torch.no_grad():
        for _ in range(length):
            logits = model(idx[:, -model.config.context:])[0, -1] / temperature
            if top_k:
                logits[logits < torch.topk(logits, top_k).values[-1]] = -float("inf")
            idx = torch.cat([idx, torch.multinomial(torch.softmax(logits, dim=0), 1, generator=sampler)[None]], dim=1)
    return tiny_gpt.decode(idx[0, len(prompt):])


for temperature, top_k in ((0.5, None), (1.0, None), (1.0, 5)):
    print(f"--- temperature {temperature}, top-k {top_k or 'off'}:")
    print("    def __init__(self" + generate(gpt, "    def __init__(self", 160, temperature, top_k) + "\n")

# %% [markdown]
# ### Explorer: temperature and top-k
#
# The shipped GPT continues your prompt (100 characters; the same seed gives the same text). The bars are the
# probabilities of the next character right after the prompt under the current temperature and top-k. Try a prompt
# that ends in `self.`, one that ends in the middle of a word (`retu`), and one with an open bracket; drag the
# temperature from 0.1 (one bar left: greedy, and often a loop of the same line) to 2 (a flat distribution and
# gibberish); set top-k to 3 at temperature 2.

# %%
from course.explorers import char_sampler_explorer

char_sampler_explorer()

# %% [markdown]
# ### Explorer: what each character attends to
#
# The heat map shows one head of one layer of the shipped GPT on a text you type (up to 48 characters): row $i$ is
# the attention weights of query $i$ over the keys $j \le i$; the bars below are the row of the query you pick. The
# queries and keys are the network's own; the weights are computed by **your** `scaled_dot_product_attention` once
# it passes its checks. The temperature divides the scores before the softmax (the same knob as for sampling, here
# inside attention), and the mask check box shows what the weights would be without the causal mask (the network
# was trained with it). Things to look for:
#
# * heads that look at the **previous character** (a bright line just below the diagonal) or at the character
#   itself;
# * heads that look back to the start of the line or to the last space: the length of the current word, the
#   indentation;
# * in layer 1 after `self.`, where the second `self` looks;
# * temperature 0.1 turns every row into a one-hot (the largest score wins), 10 into a uniform average.

# %%
from course.explorers import attention_map_explorer

attention_map_explorer(scaled_dot_product_attention)

# %% [markdown]
# ## 8. BERT: encoders, decoders and masked language modelling
#
# The original transformer (Vaswani et al., 2017) translated sentences with two stacks: an **encoder** whose
# self-attention has no mask (every word sees the whole source sentence) and a **decoder** with causal
# self-attention plus cross-attention to the encoder's output. The two families of pretrained models since keep one
# half each:
#
# | | GPT (decoder only) | BERT (encoder only) |
# |---|---|---|
# | attention | causal: position $i$ sees $1..i$ | bidirectional: every position sees all |
# | pretraining objective | next token: $-\log p(x_{t+1}\mid x_{\le t})$ at every position | masked language model: predict ~15 % hidden tokens from both sides |
# | good at | generating text, continuing a prompt | understanding a whole text: classification, tagging, retrieval |
# | used as | prompting, fine-tuning | a feature extractor or fine-tuned with a small head on the [CLS] token |
#
# An encoder cannot be trained on next-token prediction (with no mask, the answer is in its input); BERT (Devlin et
# al., 2019) instead **masks** some tokens and asks for them back. Each sequence is `[CLS] tokens … [SEP] [PAD] …`;
# the special tokens are never chosen. Of the ordinary tokens, each is chosen with probability $p = 0.15$, and a
# chosen token is
#
# * replaced by `[MASK]` with probability 0.8,
# * replaced by a random token (uniform over the vocabulary) with probability 0.1,
# * left unchanged with probability 0.1.
#
# The loss is the cross-entropy at the chosen positions only. Why not always `[MASK]`? Fine-tuning data contain no
# `[MASK]` tokens; with 10 % random and 10 % unchanged the model cannot tell which inputs are real, so it has to build
# a good representation of *every* token, not only of the masked ones. The labels use PyTorch's convention:
# `-100` at every position that is not chosen, which `F.cross_entropy(..., ignore_index=-100)` (its default) skips.
#
# ### Exercise 8 — `bert_mask`
#
# `tokens`: an integer array of any shape; `rng`: a NumPy generator, the only source of randomness; `p`,
# `vocab_size`, `mask_id` and `special_ids` (the ids never chosen: padding, [CLS], [SEP]). Return `(inputs, labels)`,
# two new integer arrays of the shape of `tokens`:
#
# * `labels` is the original token at each chosen position, `-100` everywhere else;
# * `inputs` is `tokens` with each chosen token replaced by `mask_id` (80 %), by `rng.integers(0, vocab_size)`
#   (10 %, which may draw the original token), or left as it was (10 %); unchanged where not chosen.
#
# Draw the choices independently per token (e.g. `rng.random(tokens.shape) < p`), so that about a fraction `p` of
# the ordinary tokens is chosen, not exactly. Do not modify `tokens`. (`np.isin(tokens, special_ids)` finds the
# special tokens.) The defaults are BERT's ids: `[PAD]` 0, `[CLS]` 101, `[SEP]` 102, `[MASK]` 103.

# %% nbgrader={"grade": false, "grade_id": "bert_mask", "locked": false, "schema_version": 3, "solution": true, "task": false}
def bert_mask(tokens, rng, p=0.15, vocab_size=30522, mask_id=103, special_ids=(0, 101, 102)):
    """BERT's masking: choose each non-special token with probability p; of those 80 % -> mask_id, 10 % -> a random
    token, 10 % unchanged. Returns (inputs, labels) with labels = the original token where chosen, -100 elsewhere."""
    ### BEGIN SOLUTION
    chosen = (rng.random(tokens.shape) < p) & ~np.isin(tokens, special_ids)
    labels = np.where(chosen, tokens, -100)
    what = rng.random(tokens.shape)                               # one draw per token decides what happens to it
    inputs = tokens.copy()
    inputs[chosen & (what < 0.8)] = mask_id
    randomised = chosen & (what >= 0.8) & (what < 0.9)
    inputs[randomised] = rng.integers(0, vocab_size, size=int(randomised.sum()))
    return inputs, labels
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "bert_mask_public", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# 400 sequences of 100 tokens: [CLS] (101), 60 ordinary tokens (ids 1000 to 1999), [SEP] (102), 38 x [PAD] (0).
batch_tokens = np.zeros((400, 100), dtype=np.int64)
batch_tokens[:, 0], batch_tokens[:, 61] = 101, 102
batch_tokens[:, 1:61] = 1000 + np.arange(24000).reshape(400, 60) % 1000
inputs, labels = bert_mask(batch_tokens, np.random.default_rng(0), 0.15, 30522, 103, (0, 101, 102))
chosen = labels != -100
expect_equal((np.shape(inputs), np.shape(labels)), ((400, 100), (400, 100)), name="the shapes of inputs and labels")
expect_equal(int(np.sum(chosen[:, [0, 61]])) + int(np.sum(chosen[:, 62:])), 0,
             name="the number of special tokens ([CLS], [SEP], [PAD]) chosen (special tokens are never chosen)")
expect_close(np.mean(chosen[:, 1:61]), 0.15, atol=0.01, name="the fraction of ordinary tokens chosen (p = 0.15)")
expect_close(np.mean(inputs[chosen] == 103), 0.8, atol=0.02,
             name="the share of chosen tokens replaced by [MASK] (80 %, not all of them)")
expect_close(np.mean(inputs[chosen] == batch_tokens[chosen]), 0.1, atol=0.02,
             name="the share of chosen tokens left unchanged (10 %)")
expect_equal(labels[chosen], batch_tokens[chosen], name="the labels at the chosen positions (the original tokens)")
expect_equal(inputs[~chosen], batch_tokens[~chosen], name="the inputs where nothing was chosen (unchanged)")
expect_equal(bert_mask(batch_tokens, np.random.default_rng(0), 0.15, 30522, 103, (0, 101, 102))[1], labels,
             name="the labels for a generator with the same seed (the same)")
print("✓ public checks passed: bert_mask (specials, 15 %, 80/10/10, labels, reproducible)")

# %% nbgrader={"grade": true, "grade_id": "bert_mask_hidden", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
# Hidden tests: batches of 30 to 30,000 tokens with [CLS], [SEP] and padding, vocabularies of 8 to 30,000, p = 0.15
# and 0.3. Checked by properties: specials never chosen; labels = the original tokens where chosen, -100 elsewhere;
# inputs unchanged where not chosen; the chosen fraction, the [MASK] share and the unchanged share each within 5.3
# binomial standard deviations of p, 0.8 (+ 0.1/V) and 0.1 (+ 0.1/V) (a correct function fails one of these checks
# about once in a million gradings); random replacements uniform over the vocabulary; the same seed gives the same
# result, another seed other positions.
# Try them yourself now: check("week09.bert_mask", bert_mask)
### BEGIN HIDDEN TESTS
grade("week09.bert_mask", bert_mask)
### END HIDDEN TESTS

# %% [markdown]
# The masking on a docstring, word by word, with a made-up vocabulary (one id per distinct word, after 4 special
# ids) and p = 0.3 so that more is masked:

# %%
words = ["[PAD]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(
    "return a new list containing all items from the iterable in ascending order".split()))
sentence = ["[CLS]"] + "return a new list containing all items from the iterable in ascending order".split() + ["[SEP]"]
ids = np.array([words.index(w) for w in sentence])
masked_ids, masked_labels = mine_or_reference(bert_mask, ids, np.random.default_rng(7), 0.3, len(words), 3, (0, 1, 2))
pd.DataFrame({"token": sentence, "input": [words[i] for i in masked_ids],
              "label": [words[i] if i != -100 else "" for i in masked_labels]}).T

# %% [markdown]
# ## 9. Project: text classification with a pretrained transformer
#
# The source syllabus's project is "text classification with BERT", and its checkpoint asks: *can you fine-tune a
# pretrained transformer for your task?* A pretrained model must come from somewhere: the course does not download
# weights, so the pretrained transformer is our own GPT of §7, pretrained on 1.8 million characters of
# standard-library source. (A packaged sentence-transformer would be stronger; the principle is the same.)
#
# **The task**: given the first sentence of a docstring from the standard library, say which family of modules it
# comes from: **text** (`re`, `string`, `textwrap`, `difflib`, `unicodedata`, `html` and the methods of `str`),
# **files** (`os`, `os.path`, `pathlib`, `shutil`, `glob`, `tempfile`, `fnmatch`, `filecmp`), **numbers** (`math`,
# `cmath`, `statistics`, `random`, `decimal`, `fractions`, `numbers`) or **time** (`datetime`, `time`, `calendar`,
# `zoneinfo`, `sched`). None of these modules is in the GPT's pretraining text. The sentences are read with
# `inspect` from the objects themselves; a sentence that occurs in two families is dropped.

# %%
import calendar, cmath, datetime, decimal, difflib, filecmp, fnmatch, fractions, glob, html  # noqa: E401
import inspect, math, numbers, os, pathlib, random, re, sched, shutil, statistics  # noqa: E401
import string, tempfile, textwrap, unicodedata, zoneinfo  # noqa: E401

FAMILIES = {"text": [re, string, textwrap, difflib, unicodedata, html, str],
            "files": [os, os.path, pathlib, shutil, glob, tempfile, fnmatch, filecmp],
            "numbers": [math, cmath, statistics, random, decimal, fractions, numbers],
            "time": [datetime, time, calendar, zoneinfo, sched]}


def first_sentence(doc):
    text = " ".join(doc.strip().split("\n\n")[0].split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


def docstrings(owner):
    """The docstrings of a module's (or class's) public functions and classes, and of those classes' methods."""
    for name, member in inspect.getmembers(owner):
        if name.startswith("_"):
            continue
        if inspect.isroutine(member) or inspect.isclass(member):
            yield inspect.getdoc(member)
        if inspect.isclass(member) and (getattr(member, "__module__", "") or "").split(".")[0] in (
                owner.__name__.split(".")[0], "_" + owner.__name__.split(".")[0], "_pydecimal"):
            for method_name, method in inspect.getmembers(member, inspect.isroutine):
                if not method_name.startswith("_"):
                    yield inspect.getdoc(method)


found = {}
for family, owners in FAMILIES.items():
    for owner in owners:
        for doc in docstrings(owner):
            if doc and 15 <= len(sentence := first_sentence(doc)) <= 120:
                found.setdefault(sentence, set()).add(family)
sentences = pd.DataFrame([(s, f.pop()) for s, f in sorted(found.items()) if len(f) == 1],
                         columns=["sentence", "family"])
print(sentences["family"].value_counts().to_dict(), f"({len(sentences)} sentences)")
sentences.sample(6, random_state=1)

# %%
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

family_names = sorted(FAMILIES)
family_index = sentences["family"].map(family_names.index).to_numpy()
text_train, text_test, y_text_train, y_text_test = train_test_split(
    sentences["sentence"].to_numpy(), family_index, test_size=0.5, stratify=family_index, random_state=0)
tfidf = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(text_train)
tfidf_model = LogisticRegression(C=10, max_iter=3000).fit(tfidf.transform(text_train), y_text_train)
tfidf_accuracy = tfidf_model.score(tfidf.transform(text_test), y_text_test)
print(f"{len(text_train)} training and {len(text_test)} test sentences; TF-IDF + logistic regression: "
      f"{tfidf_accuracy:.1%} (the most common family alone: {np.mean(y_text_test == np.bincount(y_text_train).argmax()):.1%})")

# %% [markdown]
# **The transformer as a classifier.** `GPTClassifier` puts a new head on the GPT's backbone: the final layer's
# states of all the characters of the sentence (cut to 48), **averaged**, then a linear layer to the four
# families. The GPT is causal, so the padding after a sentence changes nothing before it, and the average leaves it
# out. The same `backbone` / `head` split as `SmallNet` and `DigitNet`, so your functions of §1 apply unchanged. Three
# ways, on the same training sentences:
#
# * **feature extraction**: the pretrained backbone frozen; the averaged states are features for a logistic
#   regression (the same model as the TF-IDF baseline, on other features);
# * **fine-tuning**: the whole network trained from the pretrained weights with your `param_groups`
#   (backbone 3e-4, head 3e-3), 4 epochs of mini-batches of 32;
# * **from scratch**: the same network from random weights, trained the same way (everything at 1e-3).

# %%
class GPTClassifier(nn.Module):
    def __init__(self, backbone, classes):
        super().__init__()
        self.backbone = backbone                                   # a TinyGPT; its lm_head is not used
        self.head = nn.Linear(backbone.config.width, classes)

    def pooled(self, idx, lengths):
        states = self.backbone.features(idx)                       # (B, T, width)
        real = (torch.arange(idx.shape[1])[None, :] < lengths[:, None]).float()[..., None]
        return (states * real).sum(dim=1) / lengths[:, None]       # the mean over the real characters

    def forward(self, idx, lengths):
        return self.head(self.pooled(idx, lengths))


def encode_batch(texts, context=48):
    rows = [tiny_gpt.encode(t)[:context] for t in texts]
    idx = torch.zeros((len(rows), context), dtype=torch.long)
    for r, row in enumerate(rows):
        idx[r, :len(row)] = torch.tensor(row)
    return idx, torch.tensor([len(row) for row in rows], dtype=torch.float32)


idx_train, len_train = encode_batch(text_train)
idx_test, len_test = encode_batch(text_test)
targets_train = torch.tensor(y_text_train)


def pretrained_gpt():
    model = TinyGPT()
    model.load_state_dict(torch.load(tiny_gpt.WEIGHTS, weights_only=True))
    return model


def train_classifier(model, optimiser, epochs=4, batch=32, seed=0):
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(idx_train), generator=generator)
        for first in range(0, len(order), batch):
            rows = order[first:first + batch]
            loss = F.cross_entropy(model(idx_train[rows], len_train[rows]), targets_train[rows])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.eval()
    with torch.no_grad():
        return float((model(idx_test, len_test).argmax(dim=1).numpy() == y_text_test).mean())


classifier_rows, started = {}, time.perf_counter()
torch.manual_seed(0)
frozen = GPTClassifier(pretrained_gpt(), len(family_names))
mine_or_reference(freeze_for_feature_extraction, frozen)
with torch.no_grad():
    features_train, features_test = frozen.pooled(idx_train, len_train), frozen.pooled(idx_test, len_test)
probe = LogisticRegression(C=1.0, max_iter=3000).fit(features_train.numpy(), y_text_train)
classifier_rows["pretrained GPT, frozen: features + logistic regression"] = probe.score(features_test.numpy(),
                                                                                         y_text_test)
torch.manual_seed(0)
tuned = GPTClassifier(pretrained_gpt(), len(family_names))
classifier_rows["pretrained GPT, fine-tuned"] = train_classifier(
    tuned, torch.optim.AdamW(mine_or_reference(param_groups, tuned, 3e-4, 3e-3), weight_decay=0.01))
torch.manual_seed(0)
scratch = GPTClassifier(TinyGPT(), len(family_names))
classifier_rows["the same network from scratch"] = train_classifier(scratch, torch.optim.AdamW(scratch.parameters(),
                                                                                               lr=1e-3))
classifier_rows["TF-IDF + logistic regression"] = tfidf_accuracy
classifier_seconds = time.perf_counter() - started
classification = pd.DataFrame({"test accuracy": classifier_rows})
print(f"the three transformer variants in {classifier_seconds:.1f} s")
classification

# %% [markdown]
# **Honest reading.** Pretraining helps the transformer: with a few hundred labelled sentences, the networks that
# start from the GPT's weights are about ten points ahead of the same network trained from scratch, and the frozen
# features with a linear model already do that work (four epochs of fine-tuning add about a point). But the plain
# **TF-IDF + logistic regression baseline is the best** of all here, by more than twenty points. The task is mostly about *words* ("file",
# "path", "directory", "date", "square root"), which a bag of words sees directly, and our GPT is tiny, has read
# source code rather than English, and sees only characters. A real pretrained sentence encoder (BERT-sized, trained
# on billions of words) would very likely beat TF-IDF on a task like this; always put the cheap baseline in the
# table, it is often hard to beat with little data.
#
# ## 10. Checkpoint
#
# Four short questions, checked when the notebook is graded (the cell under each answer only checks its format),
# and one answer in your own words.
#
# **Q1.** How many parameters does `torch.nn.MultiheadAttention(embed_dim=256, num_heads=8)` have (with its default
# biases)? Answer with an integer.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q1", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q1_answer to an integer.
### BEGIN SOLUTION
q1_answer = 4 * 256 * 256 + 4 * 256
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a positive integer; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q1_answer, (int, np.integer)) and not isinstance(q1_answer, bool) and q1_answer > 0,
            f"q1_answer should be a positive integer; got {q1_answer!r}.", name="q1_answer is a positive integer")
print("q1_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_equal(q1_answer, 263168, name="the answer to question 1 (q1_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q2.** The entries of a query $q$ and a key $k$ are independent standard normal numbers, and $d = 64$. What is
# the standard deviation of the **unscaled** score $q\cdot k$? Answer with a number.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q2", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q2_answer to a number.
### BEGIN SOLUTION
q2_answer = 8.0
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q2_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a number; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q2_answer, (int, float, np.integer, np.floating)) and not isinstance(q2_answer, bool),
            f"q2_answer should be a number; got {q2_answer!r}.", name="q2_answer is a number")
print("q2_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_close(q2_answer, 8.0, rtol=1e-3, name="the answer to question 2 (q2_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q3.** Why does scaled dot-product attention divide the scores by $\sqrt d$?
#
# - (a) So that each query's attention weights sum to 1.
# - (b) Because the dot products of $d$-dimensional vectors grow like $\sqrt d$: without the division, a wide model's
#   softmax is nearly one-hot, its gradients nearly vanish, and training stalls.
# - (c) To make attention depend on the order of the positions.
# - (d) So that a query cannot attend to keys in the future.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q3", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q3_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q3_answer = "b"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q3_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q3_answer, str) and q3_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q3_answer should be one of the letters "a", "b", "c", "d"; got {q3_answer!r}.',
            name="q3_answer is one of the letters a, b, c, d")
print("q3_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q3_answer, "b", name="the answer to question 3 (q3_answer)")
### END HIDDEN TESTS

# %% [markdown]
# **Q4.** You have 300 labelled photographs of 3 kinds of plant disease and a CNN pretrained on a million everyday
# photographs. What is the best first thing to try?
#
# - (a) Train the same architecture from random weights on the 300 photographs: pretrained features are about cats
#   and cars, not leaves.
# - (b) Keep the pretrained head (1,000 classes) and map its outputs to the 3 diseases by hand.
# - (c) Replace the head by a new 3-class layer, freeze the backbone and train the head (feature extraction); then,
#   if validation accuracy allows, fine-tune the last blocks too with a learning rate about ten times smaller than
#   the head's.
# - (d) Fine-tune every layer with the learning rate used for the pretraining.

# %% nbgrader={"grade": false, "grade_id": "checkpoint_q4", "locked": false, "schema_version": 3, "solution": true, "task": false}
# Set q4_answer to "a", "b", "c" or "d".
### BEGIN SOLUTION
q4_answer = "c"
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checkpoint_q4_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
# Checks only that the answer is a letter; whether it is right is decided when the notebook is graded.
expect_true(isinstance(q4_answer, str) and q4_answer.strip().lower() in ("a", "b", "c", "d"),
            f'q4_answer should be one of the letters "a", "b", "c", "d"; got {q4_answer!r}.',
            name="q4_answer is one of the letters a, b, c, d")
print("q4_answer has the right format.")
### BEGIN HIDDEN TESTS
expect_choice(q4_answer, "c", name="the answer to question 4 (q4_answer)")
### END HIDDEN TESTS

# %% [markdown] nbgrader={"grade": false, "grade_id": "explain_fine_tuning_question", "locked": true, "schema_version": 3, "solution": false, "task": false}
# **Q5 (written, 3 points, graded by a person).** *Can you fine-tune a pretrained transformer for your task?* You
# must sort 2,000 customer e-mails (1,500 labelled) into 5 departments, and you may use a pretrained encoder
# (BERT-like, 6 layers, 512 tokens of context). In a short paragraph or two: how you would turn the encoder into a
# classifier (what goes into the head, and from which positions), what you would freeze or not and with which
# learning rates, what you hold out and compare against (name a baseline), and two things that could make the
# fine-tuned model worse than the baseline and how you would notice. Write your answer in the cell below.

# %% [markdown] nbgrader={"grade": true, "grade_id": "explain_fine_tuning", "locked": false, "points": 3, "schema_version": 3, "solution": true, "task": false}
# Tokenise each e-mail with the encoder's own tokenizer (the same vocabulary it was pretrained with), cut or window
# it to 512 tokens, and add a new head: a linear layer (with dropout) from the final state of the [CLS] token, or
# the mean of the final states over the real (non-padding) tokens, to 5 logits; cross-entropy loss. First train
# only the head with the encoder frozen (feature extraction: fast, a first number); then fine-tune everything with
# AdamW, a small learning rate for the encoder (about 2e-5, smaller still for the lower layers) and a larger one
# for the new head (about 1e-3), a warm-up and linear decay, 2–4 epochs, batches of 16–32, with the padding masked
# out of the attention.
#
# Hold out a stratified validation set (say 300 of the 1,500) to choose the epochs and learning rates and a test
# set touched once. Compare against TF-IDF + logistic regression on the same split (and the majority class): if the
# fine-tuned model does not beat it, it is not worth its cost. It can be worse when the learning rate is too high
# (catastrophic forgetting: the training loss falls but validation accuracy drops, or training diverges), when 1,500
# examples let it overfit (validation loss rising after an epoch or two: stop early, freeze more), when the e-mails
# are longer than 512 tokens and the useful part is cut off, or when the domain (jargon, another language) is far
# from the pretraining text. Watch training and validation curves and look at the misclassified e-mails.

# %% [markdown]
# ## Summary
#
# * **Transfer learning** reuses a pretrained backbone with a new head. **Feature extraction** freezes the backbone
#   (`requires_grad = False`: no gradient, no update) and trains the head; **fine-tuning** trains everything, the
#   backbone with a smaller learning rate (**parameter groups**). Early layers transfer, late ones are specific to
#   the pretraining task: from 0–4 to 5–9, a head on the convolutions' features beats one on the last hidden layer by
#   far. On 8 × 8 digits a small CNN from scratch is still the best: measure that baseline.
# * **Attention**: $\operatorname{softmax}(QK^\top/\sqrt d)V$, each query a weighted average of the values, the
#   weights from query-key dot products; $\sqrt d$ keeps the scores at unit scale. **Masks** (True = may attend)
#   set scores to $-\infty$ before the softmax: causal for next-token models, padding for batches.
# * **Multi-head attention** splits the features into $h$ heads, attends in each, concatenates and mixes with $W_O$:
#   $4E^2$ weights whatever $h$. Attention alone ignores order: **positional encodings**, learned or sinusoidal
#   (a rotation per pair of columns, so $\text{PE}[p+k] = \text{PE}[p]M_k$).
# * A **transformer block**: $x + \text{MHA}(\text{LN}(x))$, then $x + \text{MLP}(\text{LN}(x))$. **Layer norm**
#   normalises each position over its features (no batch statistics); residuals keep the gradients alive.
# * **GPT** = causal decoder trained on the next token; our 0.36 M-parameter GPT on 1.8 M characters of Python
#   source predicts held-out code far better than bigram counts. Sampling: **temperature** and **top-k**.
#   **BERT** = bidirectional encoder trained by **masked language modelling** (15 % of the tokens; 80/10/10).
# * **Fine-tuning a pretrained transformer** for classification beat the same network from scratch, but not a
#   TF-IDF baseline on our small, word-driven task: measure the baseline.
#
# Next week: vision (detection, segmentation), language (embeddings, sequence to sequence) and generative models.
