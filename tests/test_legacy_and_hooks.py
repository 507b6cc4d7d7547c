"""Module forward hooks, nn.EmbeddingBag, autograd.Variable and the legacy tensor types
(torch.FloatTensor, ...), as PyTorch documents them; 0-d arithmetic stays a tensor."""

import numpy as np
import pytest

import tinygrad_scores as torch
import tinygrad_scores.nn as nn
import tinygrad_scores.nn.functional as F
from tinygrad_scores.autograd import Variable


def test_forward_hook_sees_inputs_and_output_and_can_replace_it():
    layer = nn.Linear(2, 3)
    seen = []
    handle = layer.register_forward_hook(lambda m, inputs, out: seen.append((m, inputs, out)))
    x = torch.ones(4, 2)
    out = layer(x)
    assert seen[0][0] is layer and seen[0][1][0] is x and seen[0][2] is out
    handle.remove()
    layer(x)
    assert len(seen) == 1
    layer.register_forward_hook(lambda m, inputs, out: out * 0)
    assert np.all(layer(x).array == 0)


def test_forward_pre_hook_can_replace_the_inputs():
    layer = nn.Identity()
    layer.register_forward_pre_hook(lambda m, inputs: (inputs[0] + 1,))
    np.testing.assert_array_equal(layer(torch.zeros(2)).array, [1.0, 1.0])


def test_embedding_bag_sum_mean_max_with_offsets():
    weight = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]], requires_grad=True)
    text = torch.tensor([0, 1, 2, 3, 3])
    offsets = torch.tensor([0, 2, 2])  # bags: [0, 1], [], [2, 3, 3]
    mean = F.embedding_bag(text, weight, offsets)
    np.testing.assert_allclose(mean.array, [[2.0, 3.0], [0.0, 0.0], [19 / 3, 22 / 3]])
    total = F.embedding_bag(text, weight, offsets, mode="sum")
    np.testing.assert_allclose(total.array, [[4.0, 6.0], [0.0, 0.0], [19.0, 22.0]])
    biggest = F.embedding_bag(text, weight, offsets, mode="max")
    np.testing.assert_allclose(biggest.array, [[3.0, 4.0], [0.0, 0.0], [7.0, 8.0]])
    total.sum().backward()
    np.testing.assert_allclose(weight.grad.array[:, 0], [1.0, 1.0, 1.0, 2.0])


def test_embedding_bag_module_with_2d_input_and_padding():
    bag = nn.EmbeddingBag(5, 3, mode="mean", padding_idx=0)
    assert np.all(bag.weight.array[0] == 0)
    out = bag(torch.tensor([[0, 1], [2, 2]]))
    np.testing.assert_allclose(out.array[0], bag.weight.array[1])  # the pad is left out
    np.testing.assert_allclose(out.array[1], bag.weight.array[2])
    assert repr(bag) == "EmbeddingBag(5, 3, mode='mean', padding_idx=0)"


def test_variable_is_a_tensor_alias():
    x = torch.tensor([1.0, 2.0])
    v = Variable(x, requires_grad=True)
    assert isinstance(v, torch.Tensor) and isinstance(x, Variable)
    assert v.requires_grad and v.is_leaf
    (v * v).sum().backward()
    np.testing.assert_array_equal(v.grad.array, [2.0, 4.0])


def test_legacy_tensor_types():
    x = torch.FloatTensor([1, 2])
    assert x.dtype == torch.float32 and isinstance(x, torch.FloatTensor)
    assert not isinstance(x, torch.LongTensor)
    assert torch.LongTensor([1.7]).dtype == torch.int64
    assert torch.FloatTensor(2, 3).shape == (2, 3)
    assert torch.tensor([1, 2]).type(torch.FloatTensor).dtype == torch.float32
    assert torch.tensor([1.5]).type(torch.LongTensor).tolist() == [1]


def test_zero_dim_arithmetic_gives_writeable_tensors():
    correct = 0
    for _ in range(3):
        correct += (torch.tensor([1, 2]) == torch.tensor([1, 0])).sum()
    assert correct.item() == 3
    c = torch.tensor(2.0) * torch.tensor(3.0)
    assert isinstance(c.array, np.ndarray) and c.array.flags.writeable
    c += 1
    assert c.item() == 7.0


def test_step_lr_accepts_a_float_step_size():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, 1.0, gamma=0.1)
    opt.step()
    sched.step()
    assert sched.get_last_lr() == pytest.approx([0.1])


def test_clamp_gradient_at_its_edges_is_pytorchs():
    """PyTorch 2.13 (clamp_backward, clamp_backward_min_max): a tie goes to the input, with
    a number bound or a tensor one; a tensor bound gets the gradient only strictly outside
    (min only while min < max; max also wherever max < min). Found by
    tests/test_second_order_vs_torch.py (clamp_at_bounds): ties used to go to the bound."""
    x = torch.tensor([0.0, 0.5, 1.0, 2.0], requires_grad=True)
    x.clamp(0, 1).sum().backward()
    np.testing.assert_array_equal(x.grad.array, [1.0, 1.0, 1.0, 0.0])
    x = torch.tensor([0.0, 0.5, 1.0, 2.0, -1.0], requires_grad=True)
    lo = torch.zeros(5, requires_grad=True)
    hi = torch.ones(5, requires_grad=True)
    torch.clamp(x, lo, hi).sum().backward()
    np.testing.assert_array_equal(x.grad.array, [1.0, 1.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(lo.grad.array, [0.0, 0.0, 0.0, 0.0, 1.0])
    np.testing.assert_array_equal(hi.grad.array, [0.0, 0.0, 0.0, 1.0, 0.0])
    x = torch.tensor([0.5, -1.0, 3.0], requires_grad=True)
    lo = torch.tensor([1.0, 1.0, 1.0], requires_grad=True)
    hi = torch.tensor([0.0, 0.0, 0.0], requires_grad=True)
    torch.clamp(x, lo, hi).sum().backward()  # min > max: every element is max, max gets it
    np.testing.assert_array_equal(x.grad.array, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(lo.grad.array, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(hi.grad.array, [1.0, 1.0, 1.0])
    y = torch.tensor([0.0, 1.0], requires_grad=True)
    y.clamp(1, 0).sum().backward()  # number bounds, min > max: no tie, no gradient
    np.testing.assert_array_equal(y.grad.array, [0.0, 0.0])


def test_numpy_style_axis_and_keepdims_aliases():
    x = torch.tensor([[1.0, 5.0], [3.0, 2.0]])
    assert torch.max(x, axis=0).values.tolist() == [3.0, 5.0]
    assert torch.argmax(x, axis=1).tolist() == [1, 0]
    assert x.sum(axis=0, keepdims=True).tolist() == [[4.0, 7.0]]
    assert torch.sum(x, dim=1, keepdims=True).shape == (2, 1)
    with pytest.raises(TypeError, match="alias"):
        x.sum(dim=0, axis=0)


def test_default_collate_keeps_a_field_of_strings_as_a_tuple():
    from tinygrad_scores.utils.data import default_collate

    numbers, words = default_collate([[1, "a"], [2, "b"]])
    assert numbers.tolist() == [1, 2] and words == ("a", "b")
    assert default_collate(["a", "b"]) == ["a", "b"]


def test_std_of_a_constant_has_zero_gradient_and_0d_flip():
    """PyTorch's std_backward masks the 1 / (2 std) where std is 0 (no NaN); flipping a
    0-d tensor along dim 0 is the tensor itself."""
    x = torch.zeros(3, requires_grad=True)
    x.std().backward()
    np.testing.assert_array_equal(x.grad.array, [0.0, 0.0, 0.0])
    x = torch.tensor([1.0, 2.0, 4.0], dtype=torch.float64, requires_grad=True)
    x.std().backward()  # d std / dx_i = (x_i - mean) / ((n - 1) std)
    mean, std = 7 / 3, np.sqrt(((1 - 7 / 3) ** 2 + (2 - 7 / 3) ** 2 + (4 - 7 / 3) ** 2) / 2)
    np.testing.assert_allclose(x.grad.array, (np.array([1.0, 2.0, 4.0]) - mean) / (2 * std))
    y = torch.tensor(2.0, requires_grad=True)
    flipped = y.flip(0)
    flipped.backward()
    assert flipped.item() == 2.0 and y.grad.item() == 1.0


def test_named_results_print_as_pytorch():
    result = torch.tensor([3.0, 1.0, 2.0]).sort(descending=True)
    assert repr(result) == (
        "tinygrad_scores.return_types.sort(\n"
        "values=tensor([3., 2., 1.]),\n"
        "indices=tensor([0, 2, 1]))"
    )
    values, indices = result
    assert result.values is values and result.indices is indices


def test_no_grad_on_a_generator_and_bool_subtraction():
    @torch.no_grad()
    def steps(x):
        for _ in range(2):
            yield (x * 2).requires_grad

    x = torch.ones(2, requires_grad=True)
    assert list(steps(x)) == [False, False] and torch.is_grad_enabled()
    with pytest.raises(RuntimeError, match="with a bool tensor is not supported"):
        1 - torch.tensor([True])
    with pytest.raises(RuntimeError, match="two bool tensors"):
        torch.tensor([True]) - torch.tensor([False])


def test_integer_scalars_wrap_around_as_in_pytorch():
    u = torch.tensor([1, 2], dtype=torch.uint8)
    assert (u + (-1)).tolist() == [0, 1]
    u[0] = -1
    assert u.tolist() == [255, 2]
    assert (torch.tensor([100, 101], dtype=torch.int8) + 200).tolist() == [44, 45]


def test_rounded_division_stays_in_the_graph_with_zero_gradient():
    x = torch.tensor([3.0, 5.0], requires_grad=True)
    y = x.div(2, rounding_mode="floor")
    assert y.requires_grad and y.tolist() == [1.0, 2.0]
    (y * 3).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


def test_autograd_grad_of_an_intermediate_runs_only_to_it():
    x = torch.ones(3, requires_grad=True)
    h = x * x
    h.sum().backward()  # frees what Mul saved
    (g,) = torch.autograd.grad((h * 2).sum(), h)  # needs nothing behind h
    assert g.tolist() == [2.0, 2.0, 2.0]
    s = (x + 1).sum()
    s.backward()
    s.backward()  # nothing saved: a second pass works, as in PyTorch
    assert x.grad.tolist() == [4.0, 4.0, 4.0]


def test_backward_inputs_may_be_an_intermediate():
    x = torch.ones(3, requires_grad=True)
    h = x * 2
    (h * 3).sum().backward(inputs=[h])
    assert h.grad.tolist() == [3.0, 3.0, 3.0] and x.grad is None


def test_in_place_ops_that_would_skip_a_views_graph_are_refused():
    a = torch.ones(3, requires_grad=True)
    w = torch.tensor(2.0, requires_grad=True)
    x = a * 1
    v = x[:2]
    with pytest.raises(RuntimeError, match="shares its storage with a view"):
        x.mul_(w)
    base = torch.zeros(3)
    with pytest.raises(RuntimeError, match="shares its storage with a view"):
        base[:2].add_(w * 2)
    assert v.shape == (2,)


def test_hook_results_and_custom_function_outputs_never_alias():
    keep = torch.ones(3)
    x = torch.ones(3, requires_grad=True)
    x.register_hook(lambda g: keep)
    (x * 1).sum().backward()
    (x * 1).sum().backward()
    assert keep.tolist() == [1.0, 1.0, 1.0] and x.grad.tolist() == [2.0, 2.0, 2.0]

    class Same(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            return t

        @staticmethod
        def backward(ctx, g):
            return g

    a = torch.ones(3, requires_grad=True)
    b = a * 1
    c = Same.apply(b)
    c.add_(1)
    assert b.tolist() == [1.0, 1.0, 1.0]
