"""Plausible wrong implementations of week 09's graded functions, each with the diagnosis it must get.

Every hidden test must fail for at least one of these (tests/test_exercises.py checks it); PUBLIC_CASES are the
public cells that must name a mistake in words (tests/test_public_tests.py reads them).
"""
import numpy as np

from solutions import renamed_source


# ----------------------------------------------------------------------------- scaled dot-product attention

def _softmax(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def _attention(q, k, v, mask, scale=None, inverted=False, zero_after=False, axis=-1):
    d = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) * (1 / np.sqrt(d) if scale is None else scale)
    if mask is not None and not zero_after:
        scores = np.where(~mask if inverted else mask, scores, -1e30)
    weights = _softmax(scores, axis=axis)
    if mask is not None and zero_after:
        weights = weights * mask
    return weights @ v


def attention_unscaled(q, k, v, mask=None):
    return _attention(q, k, v, mask, scale=1.0)


def attention_divided_by_d(q, k, v, mask=None):
    return _attention(q, k, v, mask, scale=1 / q.shape[-1])


def attention_mask_inverted(q, k, v, mask=None):
    return _attention(q, k, v, mask, inverted=True)


def attention_masks_after_softmax(q, k, v, mask=None):
    return _attention(q, k, v, mask, zero_after=True)


def attention_softmax_over_queries(q, k, v, mask=None):
    return _attention(q, k, v, mask, axis=-2)


def attention_returns_weights(q, k, v, mask=None):
    d = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    return _softmax(scores)


def attention_naive_exp(q, k, v, mask=None):
    """No max subtracted: exp overflows on large scores."""
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    weights = np.exp(scores)
    if mask is not None:
        weights = weights * mask
    return weights / weights.sum(axis=-1, keepdims=True) @ v


# ----------------------------------------------------------------------------- multi-head attention

def _mha(x, W_q, W_k, W_v, W_o, n_heads, mask, reshape=False, scale_e=False, output=True, transpose=False):
    b, length, e = x.shape
    d = e // n_heads
    if transpose:
        W_q, W_k, W_v, W_o = W_q.T, W_k.T, W_v.T, W_o.T

    def split(z):
        return z.reshape(b, n_heads, length, d) if reshape else z.reshape(b, length, n_heads, d).transpose(0, 2, 1, 3)

    q, k, v = split(x @ W_q), split(x @ W_k), split(x @ W_v)
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(e if scale_e else d)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    z = _softmax(scores) @ v
    z = z.reshape(b, length, e) if reshape else z.transpose(0, 2, 1, 3).reshape(b, length, e)
    return z @ W_o if output else z


def mha_plain_reshape(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    return _mha(x, W_q, W_k, W_v, W_o, n_heads, mask, reshape=True)


def mha_scaled_by_embedding(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    return _mha(x, W_q, W_k, W_v, W_o, n_heads, mask, scale_e=True)


def mha_without_output_projection(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    return _mha(x, W_q, W_k, W_v, W_o, n_heads, mask, output=False)


def mha_transposed_weights(x, W_q, W_k, W_v, W_o, n_heads, mask=None):
    return _mha(x, W_q, W_k, W_v, W_o, n_heads, mask, transpose=True)


# ----------------------------------------------------------------------------- sinusoidal positions

def _pe(n, d, exponent=lambda i, d: 2 * i / d, swap=False, halves=False, start=0):
    p = np.arange(start, start + n)[:, None]
    angle = p / 10000.0 ** exponent(np.arange(d // 2)[None, :], d)
    first, second = (np.cos(angle), np.sin(angle)) if swap else (np.sin(angle), np.cos(angle))
    if halves:
        return np.concatenate([first, second], axis=1)
    pe = np.empty((n, d))
    pe[:, 0::2], pe[:, 1::2] = first, second
    return pe


def pe_exponent_i_over_d(n, d):
    return _pe(n, d, exponent=lambda i, d: i / d)


def pe_sin_cos_swapped(n, d):
    return _pe(n, d, swap=True)


def pe_halves(n, d):
    return _pe(n, d, halves=True)


def pe_from_one(n, d):
    return _pe(n, d, start=1)


def pe_column_exponent(n, d):
    p, j = np.arange(n)[:, None], np.arange(d)[None, :]
    angle = p / 10000.0 ** (j / d)
    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))


def pe_transposed(n, d):
    return _pe(n, d).T


# ----------------------------------------------------------------------------- layer norm

def _ln(x, gamma, beta, eps, ddof=0, eps_outside=False, axis=-1, affine=True):
    mean, var = x.mean(axis=axis, keepdims=True), x.var(axis=axis, ddof=ddof, keepdims=True)
    x_hat = (x - mean) / (np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps))
    return gamma * x_hat + beta if affine else x_hat


def layer_norm_unbiased(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, eps, ddof=1)


def layer_norm_eps_outside(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, eps, eps_outside=True)


def layer_norm_over_the_batch(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, eps, axis=0)


def layer_norm_without_affine(x, gamma, beta, eps=1e-5):
    return _ln(x, gamma, beta, eps, affine=False)


def _ln_backward(dout, x, gamma, eps, constant=False, no_gamma=False, sum_axes=None, swap=False):
    inv_std = 1 / np.sqrt(x.var(axis=-1, keepdims=True) + eps)
    x_hat = (x - x.mean(axis=-1, keepdims=True)) * inv_std
    dx_hat = dout if no_gamma else dout * gamma
    if constant:
        dx = dx_hat * inv_std
    else:
        dx = inv_std * (dx_hat - dx_hat.mean(axis=-1, keepdims=True)
                        - x_hat * (dx_hat * x_hat).mean(axis=-1, keepdims=True))
    axes = tuple(range(x.ndim - 1)) if sum_axes is None else sum_axes
    dgamma, dbeta = (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)
    return (dx, dbeta, dbeta) if swap else (dx, dgamma, dbeta)


def layer_norm_backward_constant_statistics(dout, x, gamma, eps=1e-5):
    return _ln_backward(dout, x, gamma, eps, constant=True)


def layer_norm_backward_without_gamma(dout, x, gamma, eps=1e-5):
    return _ln_backward(dout, x, gamma, eps, no_gamma=True)


def layer_norm_backward_sums_features(dout, x, gamma, eps=1e-5):
    return _ln_backward(dout, x, gamma, eps, sum_axes=-1)


def layer_norm_backward_dgamma_is_dbeta(dout, x, gamma, eps=1e-5):
    return _ln_backward(dout, x, gamma, eps, swap=True)


# ----------------------------------------------------------------------------- BERT's masking

def _bert(tokens, rng, p, vocab_size, mask_id, special_ids, specials_too=False, all_mask=False, label_all=False,
          label_inputs=False, global_rng=False, random_range=None):
    draw = np.random if global_rng else rng
    chosen = draw.random(tokens.shape) < p
    if not specials_too:
        chosen &= ~np.isin(tokens, special_ids)
    what = draw.random(tokens.shape)
    inputs = tokens.copy()
    inputs[chosen & ((what < 0.8) | all_mask)] = mask_id
    random_here = chosen & (what >= 0.8) & (what < 0.9) & (not all_mask)
    low, high = random_range or (0, vocab_size)
    inputs[random_here] = draw.integers(low, high, size=int(random_here.sum())) if not global_rng else \
        np.random.randint(low, high, size=int(random_here.sum()))
    labels = tokens.copy() if label_all else np.where(chosen, inputs if label_inputs else tokens, -100)
    return inputs, labels


def bert_chooses_specials(tokens, rng, p=0.15, vocab_size=30522, mask_id=103, special_ids=(0, 101, 102)):
    return _bert(tokens, rng, p, vocab_size, mask_id, special_ids, specials_too=True)


def bert_always_mask(tokens, rng, p=0.15, vocab_size=30522, mask_id=103, special_ids=(0, 101, 102)):
    return _bert(tokens, rng, p, vocab_size, mask_id, special_ids, all_mask=True)


def bert_labels_everywhere(tokens, rng, p=0.15, vocab_size=30522, mask_id=103, special_ids=(0, 101, 102)):
    return _bert(tokens, rng, p, vocab_size, mask_id, special_ids, label_all=True)


def bert_labels_are_inputs(tokens, rng, p=0.15, vocab_size=30522, mask_id=103, special_ids=(0, 101, 102)):
    return _bert(tokens, rng, p, vocab_size, mask_id, special_ids, label_inputs=True)


def bert_global_random(tokens, rng, p=0.15, vocab_size=30522, mask_id=103, special_ids=(0, 101, 102)):
    return _bert(tokens, rng, p, vocab_size, mask_id, special_ids, global_rng=True)


def bert_one_random_token(tokens, rng, p=0.15, vocab_size=30522, mask_id=103, special_ids=(0, 101, 102)):
    """One random id drawn once (rng.integers without a size) and written into every 'random' position."""
    chosen = (rng.random(tokens.shape) < p) & ~np.isin(tokens, special_ids)
    what = rng.random(tokens.shape)
    inputs = tokens.copy()
    inputs[chosen & (what < 0.8)] = mask_id
    inputs[chosen & (what >= 0.8) & (what < 0.9)] = rng.integers(0, vocab_size)
    return inputs, np.where(chosen, tokens, -100)


def bert_in_place(tokens, rng, p=0.15, vocab_size=30522, mask_id=103, special_ids=(0, 101, 102)):
    inputs, labels = _bert(tokens, rng, p, vocab_size, mask_id, special_ids)
    tokens[...] = inputs
    return tokens, labels


def bert_half_mask(tokens, rng, p=0.15, vocab_size=30522, mask_id=103, special_ids=(0, 101, 102)):
    """[MASK] for half of the chosen tokens, a random token for the other half."""
    chosen = (rng.random(tokens.shape) < p) & ~np.isin(tokens, special_ids)
    inputs = tokens.copy()
    what = rng.random(tokens.shape)
    inputs[chosen & (what < 0.5)] = mask_id
    rand = chosen & (what >= 0.5)
    inputs[rand] = rng.integers(0, vocab_size, size=int(rand.sum()))
    return inputs, np.where(chosen, tokens, -100)


# ----------------------------------------------------------------------------- transfer learning

def freeze_everything(model):
    for parameter in model.parameters():
        parameter.requires_grad = False
    return list(model.head.parameters())


def freeze_nothing(model):
    return list(model.head.parameters())


def freeze_only_weights(model):
    for name, parameter in model.named_parameters():
        if "weight" in name and not name.startswith("head"):
            parameter.requires_grad = False
    return list(model.head.parameters())


def freeze_returns_everything(model):
    for parameter in model.backbone.parameters():
        parameter.requires_grad = False
    return list(model.parameters())


def freeze_returns_nothing(model):
    for parameter in model.backbone.parameters():
        parameter.requires_grad = False


def groups_swapped(model, lr, head_lr):
    return [{"params": list(model.backbone.parameters()), "lr": head_lr},
            {"params": list(model.head.parameters()), "lr": lr}]


def groups_head_only(model, lr, head_lr):
    return [{"params": list(model.head.parameters()), "lr": head_lr}]


def groups_overlapping(model, lr, head_lr):
    return [{"params": list(model.parameters()), "lr": lr}, {"params": list(model.head.parameters()), "lr": head_lr}]


def groups_without_lr(model, lr, head_lr):
    return [{"params": list(model.backbone.parameters())}, {"params": list(model.head.parameters()), "lr": head_lr}]


WRONG = [
    ("week09.scaled_dot_product_attention", attention_unscaled, "leaving out the scaling"),
    ("week09.scaled_dot_product_attention", attention_divided_by_d, "dividing the scores by d"),
    ("week09.scaled_dot_product_attention", attention_mask_inverted, "the mask the wrong way round"),
    ("week09.scaled_dot_product_attention", attention_masks_after_softmax, "after the softmax"),
    ("week09.scaled_dot_product_attention", attention_softmax_over_queries, "a softmax over the queries"),
    ("week09.scaled_dot_product_attention", attention_returns_weights, "the attention weights'"),
    ("week09.scaled_dot_product_attention", attention_naive_exp, "exp overflows"),
    ("week09.multi_head_attention", mha_plain_reshape, "a plain reshape"),
    ("week09.multi_head_attention", mha_scaled_by_embedding, "sqrt(d_head)"),
    ("week09.multi_head_attention", mha_without_output_projection, "output projection"),
    ("week09.multi_head_attention", mha_transposed_weights, "transposed"),
    ("week09.sinusoidal_positions", pe_exponent_i_over_d, "the exponent i/d"),
    ("week09.sinusoidal_positions", pe_sin_cos_swapped, "cos on the even columns"),
    ("week09.sinusoidal_positions", pe_halves, "all the sines first"),
    ("week09.sinusoidal_positions", pe_from_one, "counted from 1"),
    ("week09.sinusoidal_positions", pe_column_exponent, "the pair index"),
    ("week09.sinusoidal_positions", pe_transposed, "one ROW per position"),
    ("week09.layer_norm", layer_norm_unbiased, "unbiased variance"),
    ("week09.layer_norm", layer_norm_eps_outside, "adding eps to the standard deviation"),
    ("week09.layer_norm", layer_norm_over_the_batch, "normalising over the batch"),
    ("week09.layer_norm", layer_norm_without_affine, "leaving out gamma and beta"),
    ("week09.layer_norm_backward", layer_norm_backward_constant_statistics, "as constants"),
    ("week09.layer_norm_backward", layer_norm_backward_without_gamma, "leaving gamma out of dx"),
    ("week09.layer_norm_backward", layer_norm_backward_sums_features, "sum over every OTHER axis"),
    ("week09.layer_norm_backward", layer_norm_backward_dgamma_is_dbeta, "that is dbeta"),
    ("week09.bert_mask", bert_chooses_specials, "special tokens"),
    ("week09.bert_mask", bert_always_mask, "every chosen token was replaced by [MASK]"),
    ("week09.bert_mask", bert_labels_everywhere, "-100"),
    ("week09.bert_mask", bert_labels_are_inputs, "ORIGINAL token"),
    ("week09.bert_mask", bert_global_random, "same seed"),
    ("week09.bert_mask", bert_one_random_token, "uniformly from the whole vocabulary"),
    ("week09.bert_mask", bert_in_place, "changed its input tokens in place"),
    ("week09.bert_mask", bert_half_mask, "replaced by [MASK]"),
    ("week09.freeze_for_feature_extraction", freeze_everything, "the head is frozen too"),
    ("week09.freeze_for_feature_extraction", freeze_nothing, "still have requires_grad=True"),
    ("week09.freeze_for_feature_extraction", freeze_only_weights, "weights AND biases"),
    ("week09.freeze_for_feature_extraction", freeze_returns_everything, "exactly the head's"),
    ("week09.freeze_for_feature_extraction", freeze_returns_nothing, "returned None"),
    ("week09.param_groups", groups_swapped, "swapped"),
    ("week09.param_groups", groups_head_only, "leave out"),
    ("week09.param_groups", groups_overlapping, "more than one parameter group"),
    ("week09.param_groups", groups_without_lr, "its own 'lr'"),
]


PUBLIC_CASES = [
    ("scaled_dot_product_attention_public", "scaled_dot_product_attention", attention_unscaled,
     "leaving out the 1/sqrt(d)"),
    ("scaled_dot_product_attention_public", "scaled_dot_product_attention", attention_mask_inverted,
     "True means 'may attend'"),
    ("scaled_dot_product_attention_public", "scaled_dot_product_attention", attention_masks_after_softmax,
     "after the softmax"),
    ("multi_head_attention_public", "multi_head_attention", mha_plain_reshape, "a plain reshape"),
    ("sinusoidal_positions_public", "sinusoidal_positions", pe_sin_cos_swapped, "cos in the even columns"),
    ("sinusoidal_positions_public", "sinusoidal_positions", pe_halves, "all the sines first"),
    ("layer_norm_public", "layer_norm", layer_norm_unbiased, "the unbiased variance"),
    ("layer_norm_public", "layer_norm", layer_norm_over_the_batch, "over the batch"),
    ("layer_norm_backward_public", "layer_norm_backward", layer_norm_backward_constant_statistics, "as constants"),
    ("bert_mask_public", "bert_mask", bert_chooses_specials, "special tokens"),
    ("bert_mask_public", "bert_mask", bert_always_mask, "80 %"),
    ("freeze_for_feature_extraction_public", "freeze_for_feature_extraction", freeze_everything,
     "the head must stay trainable"),
    ("param_groups_public", "param_groups", groups_swapped, "swapped"),
]


WRONG_SUBMISSION = (
    {"sinusoidal_positions": renamed_source(pe_halves, "sinusoidal_positions").replace(
        "return _pe(n, d, halves=True)",
        "angle = np.arange(n)[:, None] / 10000.0 ** (np.arange(0, d, 2)[None, :] / d)\n"
        "    return np.concatenate([np.sin(angle), np.cos(angle)], axis=1)"),
     "layer_norm": renamed_source(layer_norm_unbiased, "layer_norm").replace(
         "return _ln(x, gamma, beta, eps, ddof=1)",
         "return gamma * (x - x.mean(axis=-1, keepdims=True)) / np.sqrt(x.var(axis=-1, ddof=1, keepdims=True) "
         "+ eps) + beta"),
     "checkpoint_q1": "q1_answer = 64", "checkpoint_q3": 'q3_answer = "a"'},
    {"sinusoidal_positions_public", "sinusoidal_positions_hidden", "layer_norm_public", "layer_norm_hidden",
     "checkpoint_q1_test", "checkpoint_q3_test"},
)
