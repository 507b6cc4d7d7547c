"""Graphs differentiated twice, compared with PyTorch: ``results(torch)`` runs every case
with the library given (PyTorch in ``tools/golden_second_order.py``, which writes
``tests/golden/second_order_torch.npz``; tinygrad_scores in
``tests/test_second_order_vs_torch.py``) and returns {key: array}.

Each graph case is ``fn(*leaves)`` on float64 leaves built here from a NumPy seed, with
the special points where a derivative has a convention rather than a value: kinks and ties
(relu/abs/clamp/max at 0 or at equal entries), corners of hardtanh and friends, zeros in
products, powers at 0, zero residuals and norms. Per case it records the outputs, the
gradient of ``sum(out * r)`` (``r`` a fixed weighting) taken with ``create_graph=True``,
and the Hessian-vector product of that gradient with fixed directions ``v`` (a leaf whose
gradient has no graph gets zeros there, as an unused one). The functional API cases record
the results of ``torch.autograd.functional`` and ``torch.func`` on such functions, their
nesting spelt in the key (``functional_cases.flatten``). Seeded random compositions (plain
ops; views, scatters and in-place ops) run in float64, the plain ones in float32 too; the
``seed_`` cases record where a NaN or inf gradient goes.
"""

import zlib

import numpy as np
from functional_cases import flatten


def _graph_cases(torch):
    F = torch.nn.functional
    rng = np.random.default_rng(21)

    def r(*shape):
        return rng.standard_normal(shape)

    def ints(*values):
        return torch.tensor(np.array(values, dtype=np.int64))

    kinks = np.array([-1.5, 0.0, 0.0, 0.7, -0.2, 2.0])  # zeros for relu/abs/sign
    ties = np.array([[1.0, 3.0, 3.0, -2.0], [0.5, 0.5, 0.5, 0.5], [-1.0, 2.0, -1.0, 0.0]])
    corners = np.array([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, -3.0, 6.0, 1.5])
    zeros_in = np.array([[1.5, 0.0, -2.0, 0.5], [0.0, 1.2, 0.0, -0.7], [0.3, -1.1, 0.8, 2.0]])
    logits = r(4, 5)
    logits[1, 2] = logits[1, 4]  # a tie in a row
    target = ints(1, 0, 3, 2)
    probs = rng.dirichlet(np.ones(5), 4)
    image = r(2, 3, 5, 5)
    residual_zero = [np.array([1.0, 2.0, -0.5, 0.3]), np.array([1.0, 1.5, -0.5, 0.3])]
    # residuals 0, 0.5, -0.5, 0, -1: zeros and the beta = delta = 0.5 corners
    x3, y3 = np.array([1.0, 4.0, -0.5]), np.array([1.0, 1.5, 0.0])
    residual_edges = [np.array([1.0, 2.0, -0.5, 0.3, 0.0]), np.array([1.0, 1.5, 0.0, 0.3, 1.0])]
    weight = torch.tensor(np.array([1.0, 2.0, 0.5, 1.5, 3.0]))  # class weights: constants

    cases = {
        # ---------------------------------------------------------------- kinks at 0
        "relu_at_0": (lambda x: F.relu(x) * x, [kinks]),
        "relu_tensor_method": (lambda x: x.relu() ** 2, [kinks]),
        "abs_at_0": (lambda x: x.abs() * x + x.abs(), [kinks]),
        "sign_at_0": (lambda x: x.sign() * x**2, [kinks]),
        "leaky_relu_at_0": (lambda x: F.leaky_relu(x, 0.1) * x + F.leaky_relu(x, 0.2), [kinks]),
        "elu_at_0": (lambda x: F.elu(x, alpha=0.5) * x + F.elu(x, alpha=0.5), [kinks]),
        "celu_at_0": (lambda x: F.celu(x, alpha=0.5) * x + F.celu(x, alpha=2.0), [kinks]),
        "selu_at_0": (lambda x: F.selu(x) * x + F.selu(x), [kinks]),
        "prelu_at_0": (lambda x, w: F.prelu(x, w) * x, [kinks, np.array([0.25])]),
        "threshold_at_it": (lambda x: F.threshold(x, 0.7, -1.0) * x, [kinks]),
        "gelu_silu_mish_at_0": (lambda x: F.gelu(x) * F.silu(x) + F.mish(x), [kinks]),
        "gelu_tanh_at_0": (lambda x: F.gelu(x, approximate="tanh") * x, [kinks]),
        "softplus_threshold": (
            lambda x: F.softplus(x, beta=2.0, threshold=1.0) * x,
            [np.array([-1.0, 0.0, 0.5, 0.49, 0.51, 3.0])],
        ),
        # ---------------------------------------------------------------- corners
        "hardtanh_corners": (lambda x: F.hardtanh(x) * x + F.hardtanh(x, -0.5, 0.5), [corners]),
        "relu6_corners": (lambda x: F.relu6(x) * x + F.relu6(x), [corners]),
        "hardswish_corners": (lambda x: F.hardswish(x) * x + F.hardswish(x), [corners]),
        "hardsigmoid_corners": (lambda x: F.hardsigmoid(x) * x + F.hardsigmoid(x), [corners]),
        "clamp_at_bounds": (lambda x: x.clamp(-1.0, 1.0) * x + x.clamp(min=0.5), [corners]),
        "clamp_tensor_bounds": (
            lambda x, lo, hi: torch.clamp(x, lo, hi) * x,
            [corners, np.full(10, -1.0), np.array([1.0, 1.0, -0.5, 0.0, 0.5, 2.0, 3.0, 0, 6, 1])],
        ),
        # ---------------------------------------------------------------- ties
        "max_full_ties": (lambda x: x.max() * x.sum() + x[1].max(), [ties]),
        "min_full_ties": (lambda x: x.min() * x.sum() + x[1].min(), [ties]),
        "max_dim_ties": (lambda x: x.max(dim=1)[0] * x.sum(1), [ties]),
        "min_dim_ties": (lambda x: x.min(1, keepdim=True).values * x, [ties]),
        "max_dim_indices": (lambda x: x.max(dim=1)[1], [ties]),
        "amax_ties": (lambda x: x.amax(1) * x.sum(1) + x.amax(), [ties]),
        "amin_ties": (lambda x: x.amin(dim=(0, 1)) * x + x.amin(0).sum(), [ties]),
        "maximum_ties": (
            lambda x, y: torch.maximum(x, y) * x + torch.minimum(x, y) * y,
            [ties, np.where(np.arange(12).reshape(3, 4) % 2 == 0, ties, -ties)],
        ),
        "fmax_fmin_ties": (
            lambda x, y: torch.fmax(x, y) * x + torch.fmin(x, y) ** 2,
            [ties, np.where(np.arange(12).reshape(3, 4) % 3 == 0, ties, 1.0)],
        ),
        "median_full_ties": (lambda x: x.median() * x, [np.array([2.0, 1.0, 2.0, 5.0, 2.0])]),
        "median_full_even": (lambda x: x.median() * x, [np.array([3.0, 1.0, 4.0, 1.5])]),
        "median_dim_ties": (lambda x: x.median(dim=1).values * x.sum(1), [ties]),
        "sort_stable_ties": (
            lambda x: torch.sort(x, dim=1, stable=True).values * x.sum(1, keepdim=True),
            [ties],
        ),
        "sort_descending": (
            lambda x: torch.sort(x, dim=0, descending=True, stable=True)[0] ** 2,
            [ties],
        ),
        "sort_indices": (lambda x: torch.sort(x, dim=1, stable=True).indices, [ties]),
        "topk_distinct": (lambda x: x.topk(2, dim=1).values ** 2, [r(3, 5)]),
        "topk_smallest": (lambda x: torch.topk(x, 3, largest=False)[0] * x[:3], [r(6)]),
        "kthvalue": (lambda x: x.kthvalue(2, dim=1).values ** 3, [r(3, 4)]),
        "cummax_ties": (lambda x: x.cummax(1).values * x, [ties]),
        "cummin_ties": (lambda x: torch.cummin(x, dim=0)[0] * x, [ties]),
        "cummax_indices": (lambda x: x.cummax(1).indices, [ties]),
        "where_condition": (
            lambda x, y: torch.where(x > 0, x * y, y**2),
            [kinks, r(6)],
        ),
        "where_scalar_branch": (lambda x: torch.where(x >= 0, x**2, 0.0) * x, [kinks]),
        "masked_fill": (lambda x: x.masked_fill(x == 0, 2.0) * x, [kinks]),
        "masked_select": (lambda x: x.masked_select(x > 0) ** 2, [zeros_in]),
        "logsumexp_ties": (lambda x: x.logsumexp(1) * x.sum(1), [ties]),
        # ---------------------------------------------------------------- powers at 0
        "pow_2_at_0": (lambda x: x**2 * x + x**3, [kinks]),
        "pow_0_at_0": (lambda x: x**0 * x + x**1, [kinks]),
        "pow_half_at_0": (lambda x: x**0.5, [np.array([0.0, 0.25, 4.0])]),
        "sqrt_at_0": (lambda x: x.sqrt() * x, [np.array([0.0, 0.25, 4.0])]),
        "pow_neg_at_0": (lambda x: x ** (-1.0), [np.array([0.0, 0.5, -2.0])]),
        "pow_tensor_exponent_at_0": (
            lambda x, e: x**e,
            [np.array([0.0, 0.0, 0.0, 1.5, 2.0, 0.5]), np.array([2.0, 0.0, 1.0, 0.5, 0.0, 3.0])],
        ),
        "pow_tensor_exponent_half": (
            lambda x, e: x**e * x,
            [np.array([0.0, 0.0, 1.5]), np.array([0.5, 2.5, 0.5])],
        ),
        "pow_scalar_base": (lambda e: 2.0**e * e, [np.array([0.0, 1.0, -1.5])]),
        "pow_zero_base_scalar": (lambda e: 0.0**e, [np.array([0.0, 1.0, 2.0, 0.5])]),
        "square_at_0": (lambda x: x.square() * x, [kinks]),
        # ---------------------------------------------------------------- softmax family
        "log_softmax": (lambda x: F.log_softmax(x, dim=1) * x, [logits]),
        "softmax_dim0": (lambda x: F.softmax(x, dim=0) ** 2, [logits]),
        "cross_entropy": (lambda x: F.cross_entropy(x, target), [logits]),
        "cross_entropy_sum": (lambda x: F.cross_entropy(x, target, reduction="sum"), [logits]),
        "cross_entropy_none": (lambda x: F.cross_entropy(x, target, reduction="none"), [logits]),
        "cross_entropy_smoothing": (
            lambda x: F.cross_entropy(x, target, label_smoothing=0.2),
            [logits],
        ),
        "cross_entropy_ignore_index": (
            lambda x: F.cross_entropy(x, ints(1, -100, 3, -100)),
            [logits],
        ),
        "cross_entropy_ignore_smoothing": (
            lambda x: F.cross_entropy(x, ints(1, 2, 2, 0), ignore_index=2, label_smoothing=0.1),
            [logits],
        ),
        "cross_entropy_weight": (
            lambda x: F.cross_entropy(x, target, weight=weight),
            [logits],
        ),
        "cross_entropy_weight_smoothing": (
            lambda x: F.cross_entropy(x, target, weight=weight, label_smoothing=0.3),
            [logits],
        ),
        "cross_entropy_weight_ignore": (
            lambda x: F.cross_entropy(x, ints(0, 4, 4, 1), weight=weight, ignore_index=4),
            [logits],
        ),
        "cross_entropy_probabilities": (
            lambda x, p: F.cross_entropy(x, p, label_smoothing=0.1),
            [logits, probs],
        ),
        "cross_entropy_4d": (
            lambda x: F.cross_entropy(x, torch.tensor(np.array([[[0, 1], [2, 1]]]))),
            [r(1, 3, 2, 2)],
        ),
        "nll_loss_weight": (
            lambda x: F.nll_loss(F.log_softmax(x, 1), target, weight=weight),
            [logits],
        ),
        # ---------------------------------------------------------------- norms
        "layer_norm": (
            lambda x, w, b: F.layer_norm(x, (5,), w, b) * x,
            [logits, r(5), r(5)],
        ),
        "layer_norm_2d_shape": (lambda x: F.layer_norm(x, (3, 4)) ** 2, [r(2, 3, 4)]),
        "layer_norm_constant_row": (
            lambda x: F.layer_norm(x, (4,)) * x,
            [np.array([[1.0, 1.0, 1.0, 1.0], [0.5, -1.0, 2.0, 0.0]])],
        ),
        "batch_norm_training": (
            lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True) * x,
            [r(6, 3), r(3), r(3)],
        ),
        "batch_norm_training_4d": (
            lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True, eps=1e-3) ** 2,
            [r(3, 2, 2, 2), r(2), r(2)],
        ),
        "batch_norm_eval": (
            lambda x, w, b: (
                F.batch_norm(
                    x,
                    torch.tensor(np.array([0.1, -0.2, 0.3])),
                    torch.tensor(np.array([1.0, 2.0, 0.5])),
                    w,
                    b,
                )
                * x
            ),
            [r(4, 3), r(3), r(3)],
        ),
        "group_norm": (
            lambda x, w, b: F.group_norm(x, 2, w, b) * x,
            [r(2, 4, 3), r(4), r(4)],
        ),
        "instance_norm": (lambda x: F.instance_norm(x) ** 2, [r(2, 3, 4)]),
        "normalize_at_0": (
            lambda x: F.normalize(x, dim=1) * x,
            [np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 0.5]])],
        ),
        # ---------------------------------------------------------------- losses at 0 residual
        "mse_zero_residual": (lambda x, y: F.mse_loss(x, y) * x.sum(), residual_zero),
        "l1_zero_residual": (
            lambda x, y: F.l1_loss(x, y) * x.sum() + F.l1_loss(x, y, reduction="none"),
            residual_zero,
        ),
        "smooth_l1_at_0_and_beta": (
            lambda x, y: F.smooth_l1_loss(x, y, beta=0.5, reduction="none") * x,
            residual_edges,
        ),
        "huber_at_0_and_delta": (
            lambda x, y: F.huber_loss(x, y, delta=0.5, reduction="none") * x,
            residual_edges,
        ),
        "smooth_l1_beta_0": (
            lambda x, y: F.smooth_l1_loss(x, y, beta=0.0) * x.sum(),
            [np.array([1.0, 2.0, -0.5]), np.array([1.0, 1.5, 0.0])],
        ),
        "huber_mean": (lambda x, y: F.huber_loss(x, y, delta=2.0) * x.sum(), [x3, y3]),
        "bce": (
            lambda p, y: F.binary_cross_entropy(
                p, y, weight=torch.tensor(np.array([1.0, 2.0, 0.5]))
            ),
            [np.array([0.2, 0.7, 0.5]), np.array([0.0, 1.0, 0.3])],
        ),
        "bce_with_logits": (
            lambda x, y: F.binary_cross_entropy_with_logits(
                x, y, pos_weight=torch.tensor(np.array([1.0, 3.0, 0.5]))
            ),
            [np.array([0.0, 1.5, -2.0]), np.array([0.0, 1.0, 0.3])],
        ),
        "kl_div": (
            lambda x, y: F.kl_div(F.log_softmax(x, 1), y, reduction="batchmean"),
            [logits, probs],
        ),
        "kl_div_log_target": (
            lambda x, y: F.kl_div(x, y, reduction="sum", log_target=True),
            [r(3), r(3)],
        ),
        # ---------------------------------------------------------------- statistics
        "var_unbiased": (lambda x: x.var(1) * x.sum(1), [logits]),
        "var_biased": (lambda x: x.var(0, unbiased=False) ** 2, [logits]),
        "var_correction": (lambda x: torch.var(x, dim=1, correction=2) * x[:, 0], [logits]),
        "var_full": (lambda x: x.var() * x, [logits]),
        "std_unbiased": (lambda x: x.std(1) * x.sum(1), [logits]),
        "std_correction_0": (lambda x: torch.std(x, dim=0, correction=0) ** 3, [logits]),
        "std_full_keepdim": (lambda x: x.std(dim=(0, 1), keepdim=True) * x, [logits]),
        "var_constant_row": (
            lambda x: x.var(1) * x.sum(1),
            [np.array([[2.0, 2.0, 2.0], [1.0, 0.0, 3.0]])],
        ),
        "mean_dims": (lambda x: x.mean((0, 2)) ** 2, [r(2, 3, 4)]),
        # ---------------------------------------------------------------- scans and products
        "cumsum": (lambda x: x.cumsum(1) * x, [zeros_in]),
        "cumprod_no_zero": (lambda x: x.cumprod(1) * x, [r(3, 4)]),
        "cumprod_one_zero": (lambda x: x.cumprod(0) * x, [zeros_in]),
        "cumprod_zeros_in_row": (lambda x: torch.cumprod(x, dim=1) ** 2, [zeros_in]),
        "cumprod_1d_two_zeros": (lambda x: x.cumprod(0), [np.array([2.0, 0.0, 3.0, 0.0, 1.5])]),
        "prod_no_zero": (lambda x: x.prod() * x, [r(2, 3)]),
        "prod_one_zero": (lambda x: x.prod() * x, [np.array([1.5, 0.0, -2.0, 0.5])]),
        "prod_two_zeros": (lambda x: x.prod() * x + x.prod(), [zeros_in[1]]),
        "prod_dim_zeros": (lambda x: x.prod(1) * x.sum(1) + x.prod(0).sum(), [zeros_in]),
        "prod_dim_keepdim": (lambda x: x.prod(0, keepdim=True) * x, [zeros_in]),
        # ---------------------------------------------------------------- norms of vectors
        "norm_at_0": (lambda x: x.norm() * x, [np.zeros(3)]),
        "norm_2": (lambda x: x.norm() * x, [r(2, 3)]),
        "norm_dim_zero_row": (
            lambda x: x.norm(dim=1) * x.sum(1),
            [np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 0.5]])],
        ),
        "norm_p1_at_0": (lambda x: x.norm(p=1) * x, [kinks]),
        "norm_p3": (lambda x: torch.norm(x, p=3, dim=0) ** 2, [r(3, 2)]),
        "norm_inf_ties": (lambda x: x.norm(p=float("inf")) * x, [np.array([1.0, -3.0, 3.0, 2.0])]),
        "atan2": (lambda y, x: torch.atan2(y, x) * y, [r(5), r(5)]),
        "atan2_axes": (
            lambda y, x: torch.atan2(y, x) * x,
            [np.array([0.0, 1.0, -1.0, 0.0]), np.array([1.0, 0.0, 0.0, -2.0])],
        ),
        "hypot": (lambda x, y: torch.hypot(x, y) * x, [r(4), r(4)]),
        # ---------------------------------------------------------------- layers
        "linear": (lambda x, w, b: F.linear(x, w, b).tanh(), [r(4, 3), r(2, 3), r(2)]),
        "linear_no_bias_3d": (lambda x, w: F.linear(x, w) ** 2, [r(2, 4, 3), r(5, 3)]),
        "matmul_chain": (lambda a, b: (a @ b @ a.T).sin(), [r(3, 4), r(4, 4)]),
        "bmm": (lambda a, b: torch.bmm(a, b) ** 2, [r(2, 3, 4), r(2, 4, 2)]),
        "conv2d": (
            lambda x, w, b: F.conv2d(x, w, b, padding=1).tanh(),
            [image, r(4, 3, 3, 3), r(4)],
        ),
        "conv2d_stride_groups": (
            lambda x, w: F.conv2d(x, w, stride=2, groups=3) ** 2,
            [image, r(3, 1, 2, 2)],
        ),
        "conv1d": (lambda x, w: F.conv1d(x, w, padding=1) ** 2, [r(2, 2, 6), r(3, 2, 3)]),
        "max_pool2d_ties": (
            lambda x: F.max_pool2d(x, 2) * F.max_pool2d(x, 2),
            [np.round(image * 2) / 2],
        ),
        "avg_pool2d": (lambda x: F.avg_pool2d(x, 2, stride=1) ** 2, [image]),
        "relu_network": (
            lambda x, w1, w2: (F.relu(x @ w1) @ w2).sum(1) ** 2,
            [r(4, 3), r(3, 5), r(5, 2)],
        ),
    }
    cases.update(_more_cases(torch, r, ints))
    cases.update(_random_graphs(torch))
    cases.update(_random_view_graphs(torch))
    cases.update(_module_cases(torch, r))
    return cases


def _more_cases(torch, r, ints):
    """Indexing with repeated indices, masks of -inf, losses at their edges, and smooth
    ops whose second derivative has a closed form PyTorch writes its own way."""
    F = torch.nn.functional
    neg_inf = torch.tensor(np.array([[0.0, -np.inf, 0.0, 0.0], [-np.inf, 0.0, 0.0, -np.inf]]))
    repeated = ints(0, 2, 2, 1, 0)

    def kinks_row():
        return np.array([-1.5, 0.0, 0.0, 0.7, -0.2, 2.0])

    return {
        # ---------------------------------------------------------------- indexing
        "index_repeated": (lambda x: x[repeated] ** 2, [r(3, 2)]),
        "index_select_repeated": (lambda x: x.index_select(0, repeated) * x.sum(0), [r(3, 2)]),
        "gather_repeated": (
            lambda x: x.gather(1, torch.tensor(np.array([[0, 0, 2], [1, 1, 1]]))) ** 3,
            [r(2, 3)],
        ),
        "scatter_add": (
            lambda x, s: x.scatter_add(1, torch.tensor(np.array([[0, 0], [2, 2]])), s) ** 2,
            [r(2, 3), r(2, 2)],
        ),
        "index_add": (lambda x, s: x.index_add(0, ints(1, 1), s) ** 2, [r(3, 2), r(2, 2)]),
        "embedding_padding": (
            lambda w: F.embedding(ints(0, 2, 2, 1), w, padding_idx=1) ** 2,
            [r(3, 2)],
        ),
        "take_along_dim": (
            lambda x: torch.take_along_dim(x, torch.tensor(np.array([[2, 2], [0, 1]])), 1) ** 2,
            [r(2, 3)],
        ),
        # ---------------------------------------------------------------- -inf masks
        "softmax_neg_inf_mask": (lambda x: F.softmax(x + neg_inf, dim=1) ** 2, [r(2, 4)]),
        "log_softmax_neg_inf_mask": (
            lambda x: F.log_softmax(x + neg_inf, dim=1).masked_fill(neg_inf < 0, 0.0) * x,
            [r(2, 4)],
        ),
        "logsumexp_neg_inf": (lambda x: (x + neg_inf).logsumexp(1) ** 2, [r(2, 4)]),
        "masked_fill_neg_inf_softmax": (
            lambda x: F.softmax(x.masked_fill(x < 0, float("-inf")), dim=0) * x,
            [np.array([0.5, -1.0, 2.0, 0.0])],
        ),
        "sdpa_mask": (
            lambda q, k, v: F.scaled_dot_product_attention(
                q,
                k,
                v,
                attn_mask=torch.tensor(np.array([[True, False, True], [True, True, False]])),
            ),
            [r(1, 2, 3), r(1, 3, 3), r(1, 3, 3)],
        ),
        "sdpa_causal": (
            lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True) ** 2,
            [r(2, 3, 2), r(2, 3, 2), r(2, 3, 2)],
        ),
        # ---------------------------------------------------------------- losses at edges
        "bce_at_0_and_1": (
            lambda p: F.binary_cross_entropy(p, torch.tensor(np.array([0.0, 1.0, 1.0, 0.0, 0.5]))),
            [np.array([0.0, 1.0, 0.3, 0.6, 0.5])],
        ),
        "kl_div_zero_target": (
            lambda x: F.kl_div(x, torch.tensor(np.array([0.0, 0.5, 0.5])), reduction="sum"),
            [np.array([-1.0, -0.5, -2.0])],
        ),
        "cross_entropy_all_ignored": (
            lambda x: F.cross_entropy(x, ints(-100, -100)) * 1.0,
            [r(2, 3)],
        ),
        "nll_loss_none": (
            lambda x: F.nll_loss(x, ints(0, 2, 1), reduction="none", ignore_index=2) ** 2,
            [r(3, 3)],
        ),
        "poisson_nll": (
            lambda x, y: F.poisson_nll_loss(x, y, log_input=False, full=True),
            [np.array([0.5, 1.0, 2.0]), np.array([0.0, 1.0, 3.0])],
        ),
        "gaussian_nll": (
            lambda x, v: F.gaussian_nll_loss(x, torch.tensor(np.array([0.0, 1.0, 1.0])), v),
            [np.array([0.5, 1.0, 2.0]), np.array([0.5, 1.0, 2.0])],
        ),
        "margin_ranking_at_margin": (
            lambda a, b: (
                F.margin_ranking_loss(a, b, torch.tensor(np.array([1.0, -1.0, 1.0]))) * a.sum()
            ),
            [np.array([1.0, 0.0, 2.0]), np.array([1.0, 0.0, 0.5])],
        ),
        "hinge_embedding": (
            lambda x: (
                F.hinge_embedding_loss(x, torch.tensor(np.array([1.0, -1.0, -1.0]))) * x.sum()
            ),
            [np.array([0.5, 1.0, 0.3])],
        ),
        "soft_margin": (
            lambda x: F.soft_margin_loss(x, torch.tensor(np.array([1.0, -1.0, 1.0]))),
            [np.array([0.0, 0.5, -2.0])],
        ),
        "cosine_embedding": (
            lambda a, b: F.cosine_embedding_loss(a, b, torch.tensor(np.array([1.0, -1.0]))),
            [r(2, 3), r(2, 3)],
        ),
        "triplet_margin": (
            lambda a, p, n: F.triplet_margin_loss(a, p, n, margin=1.0),
            [r(3, 4), r(3, 4), r(3, 4)],
        ),
        "cosine_similarity_zero": (
            lambda a, b: F.cosine_similarity(a, b) * a.sum(1),
            [np.array([[0.0, 0.0, 0.0], [1.0, 2.0, -1.0]]), r(2, 3)],
        ),
        "pairwise_distance_equal": (
            lambda a, b: F.pairwise_distance(a, b) * a.sum(1),
            [np.array([[1.0, 2.0], [0.5, -1.0]]), np.array([[1.0, 2.0], [0.0, 1.0]])],
        ),
        # ---------------------------------------------------------------- smooth ops
        "smooth_activations": (
            lambda x: (
                F.logsigmoid(x) * F.softsign(x) + F.tanhshrink(x) + F.glu(x.reshape(3, 2), 1).sum()
            ),
            [np.array([0.0, -1.5, 2.0, 0.3, -0.2, 1.0])],
        ),
        "lerp_addcmul_addcdiv": (
            lambda a, b, c: (
                torch.lerp(a, b, c) * torch.addcmul(a, b, c, value=0.5)
                + torch.addcdiv(a, b, c + 3.0)
            ),
            [r(4), r(4), r(4)],
        ),
        "einsum_outer": (
            lambda a, b: torch.einsum("ij,jk->ik", a, b).tanh() + torch.outer(a[0], b[:, 0]).sum(),
            [r(2, 3), r(3, 2)],
        ),
        "logaddexp_cross": (
            lambda a, b: torch.logaddexp(a, b) * torch.cross(a, b, dim=1).sum(1, keepdim=True),
            [r(2, 3), r(2, 3)],
        ),
        "conv_transpose2d": (
            lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1) ** 2,
            [r(1, 2, 3, 3), r(2, 3, 3, 3)],
        ),
        "interpolate_bilinear": (
            lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False) ** 2,
            [r(1, 2, 3, 3)],
        ),
        "adaptive_max_pool_ties": (
            lambda x: F.adaptive_max_pool2d(x, 2) * F.adaptive_avg_pool2d(x, 2),
            [np.round(r(1, 2, 4, 4))],
        ),
        "unfold_pad_reflect": (
            lambda x: F.unfold(F.pad(x, (1, 1, 1, 1), mode="reflect"), 2) ** 2,
            [r(1, 1, 3, 3)],
        ),
        "pixel_shuffle": (lambda x: F.pixel_shuffle(x, 2).sin(), [r(1, 4, 2, 2)]),
        "rms_like": (
            lambda x: x * torch.rsqrt((x * x).mean(-1, keepdim=True) + 1e-6),
            [r(3, 4)],
        ),
        "clamp_min_above_max": (
            lambda x, lo, hi: torch.clamp(x, lo, hi) * x,
            [np.array([0.5, -1.0, 3.0, 1.0]), np.ones(4), np.array([0.0, 0.0, 0.0, 1.0])],
        ),
        "sqrt_of_square_at_0": (lambda x: (x * x).sqrt(), [np.array([0.0, -1.0, 2.0])]),
        "abs_pow_at_0": (lambda x: x.abs() ** 1.5, [np.array([0.0, -1.0, 2.0])]),
        "div_by_norm": (lambda x: x / x.norm(dim=1, keepdim=True), [r(2, 3)]),
        # ---------------------------------------------------------------- more edges
        "std_constant_row": (
            lambda x: x.std(1) * x.sum(1),
            [np.array([[2.0, 2.0, 2.0], [1.0, 0.0, 3.0]])],
        ),
        "var_correction_equals_n": (lambda x: x.var(1, correction=3), [r(2, 3)]),
        "std_single_element": (lambda x: x.std(0, correction=0) * x.sum(0), [r(1, 3)]),
        "softmax_all_neg_inf_row": (
            lambda x: F.softmax(
                x.masked_fill(torch.tensor(np.array([[True] * 3, [False] * 3])), float("-inf")), 1
            ),
            [r(2, 3)],
        ),
        "logsumexp_all_neg_inf_row": (
            lambda x: (x + torch.tensor(np.array([[-np.inf] * 3, [0.0] * 3]))).logsumexp(1),
            [r(2, 3)],
        ),
        "group_norm_constant_group": (
            lambda x: F.group_norm(x, 2) * x,
            [np.array([[[1.0, 1.0], [1.0, 1.0], [0.5, -1.0], [2.0, 0.0]]])],
        ),
        "batch_norm_constant_channel": (
            lambda x: F.batch_norm(x, None, None, training=True) * x,
            [np.array([[1.0, 0.5], [1.0, -1.0], [1.0, 2.0]])],
        ),
        "clamp_tensor_min_only": (
            lambda x, lo: torch.clamp(x, min=lo) * x,
            [
                np.array([[0.0, 1.0, -1.0, 2.0]]),
                np.array([[0.0, 0.5, -1.0, 3.0], [0.0, 1.0, 0.0, 2.0]]),
            ],
        ),
        "clamp_tensor_max_broadcast": (
            lambda x, hi: torch.clamp(x, max=hi) ** 2,
            [np.array([[0.0, 1.0, -1.0, 2.0], [1.0, 1.0, 0.5, 0.0]]), np.array([1.0])],
        ),
        "maximum_broadcast_ties": (
            lambda x, y: torch.maximum(x, y) * x,
            [np.array([[0.0, 1.0, -1.0], [2.0, 0.0, 0.0]]), np.array([0.0])],
        ),
        "dropout_p0": (lambda x: F.dropout(x, p=0.0) ** 2, [r(3)]),
        "relu_of_relu_at_0": (
            lambda x: F.relu(F.relu(x) - 1.0) * x + F.relu(-x) ** 2,
            [np.array([0.0, 1.0, 2.0, -1.0])],
        ),
        "leaky_relu_negative_slope_neg": (lambda x: F.leaky_relu(x, -0.5) * x, [kinks_row()]),
        "abs_of_difference_ties": (
            lambda x, y: (x - y).abs() * x,
            [np.array([1.0, 2.0, 0.0]), np.array([1.0, 0.0, 0.0])],
        ),
    }


def _compose(unary, binary, rng, prefix, count, steps):
    """``count`` graphs of ``steps`` ops drawn by ``rng``: each step applies a unary op to a
    live value or a binary op to two; three (3, 4) leaves on a grid of 0.5 (zeros, ties)."""
    cases = {}
    for n in range(count):
        plan = [
            (
                rng.integers(2),
                rng.integers(len(unary)),
                rng.integers(len(binary)),
                rng.integers(99, size=2),
            )
            for _ in range(steps)
        ]

        def fn(*leaves, plan=plan):
            live = list(leaves)
            for is_binary, u, b, (i, j) in plan:
                a = live[i % len(live)]
                live.append(binary[b](a, live[j % len(live)]) if is_binary else unary[u](a))
            return live[-1] + live[-2] * live[-3]

        arrays = [np.round(rng.standard_normal((3, 4)) * 2) / 2 for _ in range(3)]
        cases[f"{prefix}_{n:02d}"] = (fn, arrays)
    return cases


def _random_graphs(torch, count=60, steps=10):
    """Compositions of elementwise ops with kinks, scans, reductions, norms and losses,
    all of shape (3, 4), so that kinks and ties meet each other's derivatives."""
    F = torch.nn.functional
    unary = [
        lambda a: a.sin(),
        lambda a: a.tanh(),
        lambda a: a.sigmoid(),
        lambda a: F.relu(a),
        lambda a: a.abs(),
        lambda a: a * a,
        lambda a: F.softplus(a),
        lambda a: F.gelu(a),
        lambda a: F.silu(a),
        lambda a: F.elu(a),
        lambda a: F.leaky_relu(a, 0.1),
        lambda a: F.hardtanh(a),
        lambda a: a.clamp(-1.0, 1.0),
        lambda a: a.cumsum(-1),
        lambda a: F.softmax(a, -1),
        lambda a: F.log_softmax(a, 0),
        lambda a: a - a.mean(-1, keepdim=True),
        lambda a: a - a.max(-1, keepdim=True).values,
        lambda a: a.amax(0, keepdim=True) * a,
        lambda a: F.layer_norm(a, (4,)),
        lambda a: a.flip(0).t().reshape(3, 4),
        lambda a: (1 + a * a).log(),
        lambda a: a.exp().clamp(max=4.0),
        lambda a: torch.where(a > 0, a, a * a),
        lambda a: a.cumprod(1),
        lambda a: a.sort(-1).values,
        lambda a: a.var(-1, keepdim=True) * a,
        lambda a: a.norm(dim=0, keepdim=True) + a,
        lambda a: a.prod(0, keepdim=True) + a,
    ]
    binary = [
        lambda a, b: a + b,
        lambda a, b: a * b,
        lambda a, b: torch.maximum(a, b),
        lambda a, b: torch.minimum(a, b),
        lambda a, b: a / (1 + b * b),
        lambda a, b: a @ b.t() @ b / 4,
        lambda a, b: torch.atan2(a, 1 + b * b),
        lambda a, b: torch.where(a > b, a, b * 0.5),
        lambda a, b: F.mse_loss(a, b, reduction="none"),
        lambda a, b: F.smooth_l1_loss(a, b, reduction="none", beta=0.5),
    ]
    return _compose(unary, binary, np.random.default_rng(2113), "random_graph", count, steps)


def _random_view_graphs(torch, count=40, steps=8):
    """Like _random_graphs, with views, broadcasting, scatters and in-place ops on
    intermediates (the engine's version counters and PyTorch's rebased history)."""
    F = torch.nn.functional
    perm, rows = torch.tensor(np.array([3, 1, 0, 2])), torch.tensor(np.array([2, 0, 0]))

    def setitem(a, b):
        out = a * 1.0
        out[0] = b[1]
        out[:, 1] = b[:, 2] * b[2, 3]
        return out

    def inplace_chain(a, b):
        out = a * 2.0
        out.mul_(b)
        out.add_(b)
        out.clamp_(-2.0, 2.0)
        return out.relu_()  # relu_ keeps its output: nothing writes it afterwards

    unary = [
        lambda a: a[:, perm],
        lambda a: a.roll(1, 0).flip(1),
        lambda a: torch.cat([a[:, 2:], a[:, :2]], 1),
        lambda a: a.unsqueeze(0).expand(2, 3, 4).sum(0) * 0.5,
        lambda a: a.t().contiguous().view(3, 4),
        lambda a: a * a.sum(0, keepdim=True) + a[:, :1],
        lambda a: (a * 1.0).relu_() + a.abs().sqrt(),
        lambda a: a.masked_fill(a > 0.5, 0.5),
        lambda a: a.index_select(0, rows) * a,
        lambda a: a.gather(1, perm.expand(3, 4)) ** 2,
        lambda a: torch.stack([a[0], a[2], a[1]]).tanh(),
        lambda a: a.max(1, keepdim=True).values.expand(3, 4) - a,
        lambda a: a.cummax(0).values,
        lambda a: F.pad(a[:, 1:3], (1, 1), mode="replicate"),
        lambda a: torch.diagonal(a).sum() * a + a.tril(),
    ]
    binary = [
        setitem,
        inplace_chain,
        lambda a, b: a.index_add(0, rows, b * 0.5),
        lambda a, b: a.scatter_add(1, perm.expand(3, 4)[:, :2], b[:, :2]),
        lambda a, b: a @ b.t() @ a / 4,
        lambda a, b: torch.where(a > b, a * b, b[0]),
        lambda a, b: (a.unsqueeze(1) * b.unsqueeze(0).sum(1, keepdim=True)).squeeze(1),
        lambda a, b: torch.einsum("ij,kj->ik", a, b) @ a / 4,
        lambda a, b: F.softmax(a + b.mean(0), 1) * b,
        lambda a, b: torch.maximum(a, b[:1]) + torch.minimum(a, b[:, :1]),
    ]
    return _compose(unary, binary, np.random.default_rng(2114), "random_view_graph", count, steps)


def _module_cases(torch, r):
    """nn modules differentiated through torch.func.functional_call with float64 leaves."""
    nn = torch.nn
    torch.manual_seed(0)
    lstm = nn.LSTM(3, 4, batch_first=True).double()
    lstm2 = nn.LSTM(2, 3, num_layers=2).double()
    gru = nn.GRU(3, 2).double()
    attention = nn.MultiheadAttention(4, 2, batch_first=True).double()
    conv = nn.Conv2d(2, 3, 3, padding=1, padding_mode="reflect").double()
    norm = nn.LayerNorm(4).double()

    def call(module, x, names, output=lambda out: out):
        def fn(x, *weights):
            out = torch.func.functional_call(module, dict(zip(names, weights)), (x,))
            return output(out)

        arrays = [x] + [
            r(*p.shape) * 0.5 for p in (dict(module.named_parameters())[n] for n in names)
        ]
        return fn, arrays

    def named(module):
        return [n for n, _ in module.named_parameters()]

    def attend(module, x, y, output=lambda out: out[0], **options):
        return (
            lambda q, kv, *w: output(
                torch.func.functional_call(
                    module, dict(zip(named(module), w)), (q, kv, kv), options
                )
            )
        ), [x, y] + [r(*p.shape) * 0.5 for _, p in module.named_parameters()]

    padding = torch.tensor(np.array([[False, False, True, False, True], [False] * 5]))
    causal = torch.tensor(np.triu(np.ones((3, 3), bool), 1))
    linear = nn.Linear(3, 2).double()

    rnn = nn.RNN(3, 2, nonlinearity="relu", num_layers=2, bidirectional=True).double()
    encoder = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0).double()
    embedding = nn.Embedding(5, 3, max_norm=None).double()
    return {
        "module_rnn_relu_bidirectional": call(rnn, r(3, 2, 3), named(rnn), lambda out: out[0]),
        "module_transformer_encoder": call(encoder, r(3, 2, 4), named(encoder)),
        "module_embedding": (
            lambda w: (
                torch.func.functional_call(
                    embedding, {"weight": w}, (torch.tensor(np.array([[0, 4, 4], [1, 0, 3]])),)
                )
                ** 2
            ),
            [r(5, 3)],
        ),
        "module_lstm": call(lstm, r(2, 3, 3), named(lstm), lambda out: out[0]),
        "module_lstm_state": call(lstm, r(2, 3, 3), named(lstm), lambda out: out[1][1]),
        "module_lstm_two_layers": call(lstm2, r(3, 1, 2), named(lstm2), lambda out: out[0]),
        "module_gru": call(gru, r(3, 2, 3), named(gru), lambda out: out[0]),
        "module_multihead_attention": attend(attention, r(2, 3, 4), r(2, 5, 4)),
        "module_attention_padding_mask_weights": attend(
            attention,
            r(2, 3, 4),
            r(2, 5, 4),
            output=lambda out: out[0] + out[1].sum(-1, keepdim=True),
            key_padding_mask=padding,
        ),
        "module_attention_causal_per_head": attend(
            attention,
            r(2, 3, 4),
            r(2, 3, 4),
            output=lambda out: out[1],
            attn_mask=causal,
            average_attn_weights=False,
        ),
        "module_linear": call(linear, r(4, 3), named(linear), lambda out: out.sin()),
        "module_conv2d_reflect": call(conv, r(1, 2, 4, 4), named(conv)),
        "module_layer_norm": call(norm, r(3, 4), named(norm)),
    }


def _evaluate(torch, name, fn, arrays, create_graph=True, dtype="float64"):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    dtype = getattr(torch, dtype)

    def tensor(a, requires_grad=False):
        return torch.tensor(a, dtype=dtype, requires_grad=requires_grad)

    leaves = [tensor(a, requires_grad=True) for a in arrays]
    outs = fn(*leaves)
    outs = outs if isinstance(outs, tuple) else (outs,)
    found = {f"{name}|input{i}": a for i, a in enumerate(arrays)}
    found.update({f"{name}|value{j}": o.detach().numpy().copy() for j, o in enumerate(outs)})
    floats = [o for o in outs if o.dtype == dtype]
    if not floats:
        return found
    loss = sum((o * tensor(rng.standard_normal(tuple(o.shape)))).sum() for o in floats)
    grads = torch.autograd.grad(loss, leaves, create_graph=create_graph, allow_unused=True)
    for i, (g, a) in enumerate(zip(grads, arrays)):
        found[f"{name}|grad{i}"] = np.zeros_like(a) if g is None else g.detach().numpy().copy()
    if not create_graph:
        return found
    directions = [rng.standard_normal(a.shape) for a in arrays]  # drawn whatever is used
    terms = [
        (g * tensor(v)).sum()
        for g, v in zip(grads, directions)
        if g is not None and g.requires_grad
    ]
    try:
        hvps = torch.autograd.grad(sum(terms), leaves, allow_unused=True) if terms else None
    except (RuntimeError, NotImplementedError) as error:  # PyTorch has no double backward
        found[f"{name}|hvp_error"] = np.array(str(error).splitlines()[0])
        return found
    for i, (h, a) in enumerate(zip(hvps or [None] * len(arrays), arrays)):
        found[f"{name}|hvp{i}"] = np.zeros_like(a) if h is None else h.detach().numpy().copy()
    return found


def _functional_cases(torch):
    """torch.autograd.functional and torch.func on functions with kinks and ties."""
    F = torch.nn.functional
    af, func = torch.autograd.functional, torch.func

    def t(*values):
        return torch.tensor(np.array(values, dtype=np.float64))

    x, y = t(-1.0, 0.0, 0.5, 2.0), t(0.5, 0.0, -1.5, 2.0)
    v, m = t(0.3, -1.2, 0.7, 1.1), t([1.0, 3.0, 3.0], [0.0, -2.0, 0.0])

    def kinked(x):
        return (F.relu(x) ** 3 + x.abs() * x**2 + F.hardtanh(x) * x).sum()

    def tied(m):
        return m.amax(1).sum() * m.sum() + (m.max() * m).sum()

    def two(x, y):
        return (torch.maximum(x, y) ** 2 * y + F.leaky_relu(x * y, 0.1)).sum()

    def vector(x, y):
        return F.relu(x) * y**2, (x.clamp(-0.5, 0.5) * y).sum()

    def with_aux(x, y):
        out = (F.softplus(x) * y.abs() ** 2).sum()
        return out, {"relu": F.relu(x), "sum": x.sum()}

    return {
        "fn_hessian_kinked": af.hessian(kinked, x),
        "fn_hessian_tied": af.hessian(tied, m),
        "fn_hessian_two": af.hessian(two, (x, y)),
        "fn_jacobian_vector": af.jacobian(vector, (x, y)),
        "fn_jacobian_create_graph": af.jacobian(lambda x: F.relu(x) ** 2, x, create_graph=True),
        "fn_hvp": af.hvp(two, (x, y), (v, x)),
        "fn_vhp": af.vhp(two, (x, y), (v, x)),
        "fn_hvp_kinked": af.hvp(kinked, x, v),
        "fn_jvp": af.jvp(vector, (x, y), (v, y)),
        "fn_vjp": af.vjp(vector, (x, y), (v, t(2.0)[0])),
        "fn_vjp_tied": af.vjp(tied, m),
        "func_grad_of_grad": func.grad(lambda x: (func.grad(kinked)(x) * v).sum())(x),
        "func_grad_argnums": func.grad(two, argnums=(0, 1))(x, y),
        "func_grad_has_aux": func.grad(with_aux, argnums=1, has_aux=True)(x, y),
        "func_grad_and_value_aux": func.grad_and_value(with_aux, has_aux=True)(x, y),
        "func_jacrev": func.jacrev(vector, argnums=(0, 1))(x, y),
        "func_jacrev_aux": func.jacrev(lambda x: (F.relu(x) ** 2, x.abs()), has_aux=True)(x),
        "func_jacfwd": func.jacfwd(vector, argnums=0)(x, y),
        "func_jacfwd_aux": func.jacfwd(lambda x, y: (x.abs() * y, y.sum()), 1, has_aux=True)(x, y),
        "func_hessian": func.hessian(two, argnums=(0, 1))(x, y),
        "func_hessian_argnum1": func.hessian(two, argnums=1)(x, y),
        "func_hessian_kinked": func.hessian(kinked)(x),
        "func_jacrev_of_jacrev": func.jacrev(func.jacrev(kinked))(x),
        "func_vjp_aux": func.vjp(lambda x: (x.relu() * x, x.sum()), x, has_aux=True)[0::2],
        "func_jvp": func.jvp(lambda x, y: torch.maximum(x, y) * x, (x, y), (v, v)),
        "func_vmap_grad": func.vmap(func.grad(kinked))(torch.stack([x, y, v])),
        "func_vmap_hessian": func.vmap(func.hessian(kinked), in_dims=1)(torch.stack([x, y], 1)),
    }


def _nonfinite_seed_cases(torch):
    """Gradients of ops seeded with a NaN at one output and an inf at another: which
    inputs they reach (PyTorch masks with where / masked_fill, so 0 * inf never makes a
    NaN elsewhere). Left out, PyTorch's own artefacts: bilinear resizing reads a
    neighbour with weight 0, cumprod at a zero, and layer/group norm, cross_entropy,
    hardswish and mish order their products differently (an inf seed gives NaN or inf)."""
    F = torch.nn.functional
    idx = torch.tensor(np.array([[0, 0], [1, 3], [2, 2]]))
    ops = {
        "clamp": lambda a: a.clamp(-0.5, 0.5),
        "clamp_tensor": lambda a: torch.clamp(a, a[:1] * 0.5, a[:1] + 1),
        "relu": F.relu,
        "hardtanh": F.hardtanh,
        "leaky_relu": lambda a: F.leaky_relu(a, 0.1),
        "abs": torch.abs,
        "sum": lambda a: a.sum(1, keepdim=True).expand(3, 4),
        "max_dim": lambda a: a.max(1).values,
        "amax": lambda a: a.amax(1),
        "max_all": lambda a: a.max() * a,
        "min_all": lambda a: a.min() * a,
        "median_dim": lambda a: a.median(1).values,
        "sort": lambda a: a.sort(1).values,
        "cumsum": lambda a: a.cumsum(1),
        "cummax": lambda a: a.cummax(1).values,
        "softmax": lambda a: F.softmax(a, 1),
        "where": lambda a: torch.where(a > 0, a, 0.0),
        "masked_fill": lambda a: a.masked_fill(a > 0, 0.0),
        "index": lambda a: a[[0, 0, 2]],
        "gather": lambda a: a.gather(1, idx),
        "scatter_add": lambda a: a.scatter_add(1, idx, a[:, :2]),
        "max_pool": lambda a: F.max_pool2d(a[None], 2),
        "maximum": lambda a: torch.maximum(a, a[:1]) + torch.minimum(a, a[:, :1]),
        "pad_replicate": lambda a: F.pad(a[None], (1, 1), mode="replicate"),
        "pad_reflect": lambda a: F.pad(a[None], (2, 1), mode="reflect"),
        "nearest": lambda a: F.interpolate(a[None], scale_factor=2, mode="nearest"),
        "unfold": lambda a: F.unfold(a[None, None], 2, padding=1),
        "fold": lambda a: F.fold(a.reshape(1, 4, 3), (2, 4), 2),
        "tril": lambda a: a.tril(),
        "triu": lambda a: a.triu(1),
        "mse": lambda a: F.mse_loss(a, a.flip(0), reduction="none"),
        "smooth_l1": lambda a: F.smooth_l1_loss(a, a.flip(0), reduction="none"),
        "nll": lambda a: F.nll_loss(a, torch.tensor(np.array([0, 2, 3])), reduction="none"),
        "embedding": lambda a: F.embedding(torch.tensor(np.array([0, 0, 2])), a),
    }
    x = np.random.default_rng(3).standard_normal((3, 4))
    x[0, 1] = 0.0
    found = {}
    for name, op in ops.items():
        a = torch.tensor(x, requires_grad=True)
        out = op(a)
        seed = np.ones(tuple(out.shape))
        seed.flat[1], seed.flat[-1] = np.nan, np.inf
        (g,) = torch.autograd.grad(out, [a], torch.tensor(seed))
        found[f"seed_{name}|at"], found[f"seed_{name}|grad0"] = x, g.numpy().copy()
    return found


def results(torch, create_graph=True):
    """{key: array} for every case, computed with the library ``torch``; without
    ``create_graph`` only the graph cases' values and first-order gradients."""
    found = {}
    for name, (fn, arrays) in _graph_cases(torch).items():
        found.update(_evaluate(torch, name, fn, arrays, create_graph))
    for name, (fn, arrays) in _random_graphs(torch).items():  # float32 too: dtypes kept
        found.update(_evaluate(torch, f"float32_{name}", fn, arrays, create_graph, "float32"))
    if not create_graph:
        return found
    for name, value in _functional_cases(torch).items():
        found.update({f"{name}|{path}": a for path, a in flatten(value).items()})
    found.update(_nonfinite_seed_cases(torch))
    return found
