"""Write docs/pytorch-coverage.md: which of PyTorch's commonly used names this package
provides, which it lacks, and every deliberate difference.

The names are listed here by hand (PyTorch is not installed, so it can't be asked);
whether each exists is found by introspecting the package, so the table can't drift from
the code: tests/test_module_layout.py fails when the file is out of date.

    python tools/pytorch_coverage.py           # rewrite the file
    python tools/pytorch_coverage.py --check   # exit 1 if it is out of date
"""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "pytorch-coverage.md"

NAMES = {
    "torch": """
        tensor as_tensor asarray from_numpy scalar_tensor zeros ones full empty zeros_like
        ones_like full_like empty_like rand_like randn_like randint_like eye arange range
        linspace logspace rand randn randint randperm normal bernoulli multinomial poisson
        manual_seed seed initial_seed get_rng_state set_rng_state Generator default_generator
        cat concat concatenate stack hstack vstack dstack column_stack atleast_1d atleast_2d
        atleast_3d split chunk tensor_split unbind gather scatter scatter_add scatter_reduce
        index_select index_add index_copy index_fill masked_select masked_fill take
        take_along_dim nonzero argwhere where reshape flatten unflatten squeeze unsqueeze
        transpose swapaxes swapdims permute movedim moveaxis t flip fliplr flipud rot90 roll
        narrow select tile repeat_interleave broadcast_to broadcast_tensors broadcast_shapes
        meshgrid diag diagonal diag_embed trace tril triu tril_indices triu_indices
        abs absolute neg negative positive sign sgn signbit exp exp2 expm1 log log2 log10 log1p
        sqrt rsqrt square pow float_power reciprocal sin cos tan asin acos atan atan2 arctan2
        sinh cosh tanh asinh acosh atanh sigmoid relu erf erfc erfinv lgamma digamma floor ceil
        round trunc fix frac clamp clip clamp_min clamp_max lerp hypot logaddexp logaddexp2
        maximum minimum fmax fmin max min amax amin aminmax argmax argmin add sub subtract rsub
        mul multiply div divide true_divide floor_divide remainder fmod addcmul addcdiv addmm
        addmv baddbmm matmul mm bmm mv dot vdot inner outer ger einsum tensordot kron cross
        cdist sum nansum mean nanmean prod std var std_mean var_mean logsumexp norm cumsum
        cumprod cummax cummin all any count_nonzero sort argsort msort topk kthvalue median
        nanmedian mode unique unique_consecutive bincount histc diff nan_to_num deg2rad
        rad2deg eq ne lt le gt ge greater greater_equal less less_equal not_equal equal isclose
        allclose isnan isinf isfinite isposinf isneginf isreal logical_and logical_or
        logical_not logical_xor bitwise_and bitwise_or bitwise_xor bitwise_not softmax
        log_softmax dropout clone detach numel is_tensor is_storage is_floating_point
        is_complex is_nonzero result_type promote_types can_cast get_default_dtype
        set_default_dtype finfo iinfo set_printoptions get_printoptions no_grad enable_grad
        set_grad_enabled is_grad_enabled inference_mode is_inference_mode_enabled
        use_deterministic_algorithms are_deterministic_algorithms_enabled set_num_threads
        get_num_threads save load device dtype Size Tensor float32 float64 float16 bfloat16
        int8 int16 int32 int64 uint8 bool float double half long int short complex64 cfloat
        compile jit fft linalg special distributions sparse autocast amp cuda backends nn optim
        utils autograd return_types searchsorted bucketize histogram accelerator onnx
        serialization set_default_device get_default_device func vmap
        hardshrink selu selu_ celu celu_ rrelu rrelu_ threshold threshold_ relu_ prelu
        det logdet slogdet inverse pinverse matrix_power matrix_exp svd qr cholesky
        set_float32_matmul_precision get_float32_matmul_precision get_num_interop_threads
        set_num_interop_threads version testing logit isin cosine_similarity
    """,
    "torch.Tensor": """
        item tolist numpy backward grad requires_grad requires_grad_ detach detach_
        register_hook retain_grad retains_grad is_leaf grad_fn data to cpu cuda type type_as
        float double half bfloat16 int long short char byte bool view view_as reshape
        reshape_as expand expand_as repeat tile contiguous is_contiguous size shape dim ndim
        numel nelement element_size stride data_ptr T mT H device is_cuda dtype
        add add_ sub sub_ mul mul_ div div_ pow pow_ neg neg_ abs abs_ exp exp_ log log_ sqrt
        sqrt_ zero_ fill_ copy_ clamp clamp_ clip clip_ uniform_ normal_ random_ bernoulli_
        exponential_ scatter scatter_ scatter_add scatter_add_ masked_fill masked_fill_
        index_fill index_fill_ index_add_ index_copy_ index_put_ apply_ map_ new_zeros new_ones
        new_full new_empty new_tensor sin cos tan tanh sigmoid relu softmax log_softmax sum
        mean prod max min amax amin argmax argmin std var norm cumsum cumprod all any sort
        argsort topk median unique flatten unflatten squeeze unsqueeze permute transpose t
        flip roll narrow split chunk unbind gather index_select masked_select take_along_dim
        nonzero eq ne lt le gt ge isnan isclose allclose equal matmul mm bmm dot outer
        floor ceil round trunc frac sign erf square rsqrt reciprocal lerp maximum minimum
        logsumexp where unfold as_strided storage share_memory_ pin_memory is_pinned
        is_floating_point is_complex is_sparse clone __format__ __len__ __iter__ __float__
        __int__ __bool__ __index__ __floordiv__ __mod__ __and__ __or__ __xor__ __invert__
        __matmul__ __setitem__ __getitem__
        hardshrink
    """,
    "torch.nn": """
        Module Parameter Linear Bilinear Identity Flatten Unflatten Sequential ModuleList
        ModuleDict ParameterList ParameterDict ReLU ReLU6 LeakyReLU ELU SELU CELU GELU SiLU
        Mish Softplus Softsign Hardtanh Hardswish Hardsigmoid Sigmoid Tanh Softmax LogSoftmax
        Softmin Dropout Dropout2d AlphaDropout BatchNorm1d BatchNorm2d LayerNorm GroupNorm
        InstanceNorm1d Embedding EmbeddingBag Conv1d Conv2d ConvTranspose2d MaxPool1d
        MaxPool2d AvgPool2d AdaptiveAvgPool2d Upsample RNN LSTM GRU RNNCell LSTMCell
        Transformer TransformerEncoder TransformerEncoderLayer MultiheadAttention
        GRUCell TransformerDecoder TransformerDecoderLayer
        CrossEntropyLoss NLLLoss MSELoss L1Loss SmoothL1Loss HuberLoss BCELoss
        BCEWithLogitsLoss KLDivLoss CosineEmbeddingLoss MarginRankingLoss TripletMarginLoss
        ConvTranspose1d AvgPool1d AdaptiveAvgPool1d AdaptiveMaxPool1d AdaptiveMaxPool2d
        MaxUnpool2d Unfold Fold PixelShuffle PixelUnshuffle InstanceNorm2d
        ZeroPad2d ConstantPad2d ReflectionPad2d ReplicationPad2d UpsamplingNearest2d
        UpsamplingBilinear2d LocalResponseNorm MultiMarginLoss
        Softshrink Hardshrink RReLU Softmax2d
        functional init utils modules parameter
    """,
    "torch.nn.modules": """
        module linear activation loss container dropout batchnorm normalization sparse
        flatten distance conv pooling rnn transformer padding upsampling instancenorm
        pixelshuffle adaptive fold channelshuffle lazy utils
    """,
    "torch.nn.functional": """
        relu relu6 leaky_relu elu selu celu gelu silu mish softplus softsign hardtanh
        hardswish hardsigmoid sigmoid tanh logsigmoid softmax log_softmax softmin glu linear
        bilinear dropout dropout2d alpha_dropout layer_norm batch_norm group_norm
        instance_norm normalize embedding one_hot pad conv1d conv2d conv_transpose2d
        max_pool1d max_pool2d avg_pool2d adaptive_avg_pool2d interpolate unfold fold
        cross_entropy nll_loss mse_loss l1_loss smooth_l1_loss huber_loss binary_cross_entropy
        binary_cross_entropy_with_logits kl_div cosine_similarity pairwise_distance
        triplet_margin_loss margin_ranking_loss poisson_nll_loss gaussian_nll_loss ctc_loss
        scaled_dot_product_attention multi_head_attention_forward
        conv_transpose1d avg_pool1d adaptive_avg_pool1d
        adaptive_max_pool1d adaptive_max_pool2d max_unpool2d pixel_shuffle pixel_unshuffle
        local_response_norm multi_margin_loss
        softshrink hardshrink rrelu relu_ elu_ leaky_relu_ hardtanh_ threshold_ celu_ selu_
        rrelu_
        gumbel_softmax
    """,
    "torch.nn.init": """
        uniform_ normal_ constant_ ones_ zeros_ eye_ xavier_uniform_ xavier_normal_
        kaiming_uniform_ kaiming_normal_ trunc_normal_ orthogonal_ calculate_gain
    """,
    "torch.nn.utils": """
        clip_grad_norm_ clip_grad_value_ parameters_to_vector vector_to_parameters
        weight_norm spectral_norm rnn
    """,
    "torch.optim": """
        Optimizer SGD Adam AdamW RMSprop Adagrad Adadelta Adamax NAdam RAdam LBFGS
        lr_scheduler
    """,
    "torch.optim.lr_scheduler": """
        LRScheduler StepLR MultiStepLR ExponentialLR CosineAnnealingLR ReduceLROnPlateau
        LambdaLR MultiplicativeLR OneCycleLR LinearLR ConstantLR CosineAnnealingWarmRestarts
        CyclicLR SequentialLR ChainedScheduler PolynomialLR
    """,
    "torch.utils.data": """
        Dataset IterableDataset TensorDataset DataLoader Subset ConcatDataset random_split
        default_collate Sampler RandomSampler SequentialSampler BatchSampler
        WeightedRandomSampler SubsetRandomSampler get_worker_info dataloader dataset
        sampler ChainDataset
    """,
    "torch.serialization": """
        save load add_safe_globals safe_globals get_safe_globals clear_safe_globals
        get_unsafe_globals_in_checkpoint
    """,
    "torch.accelerator": """
        is_available current_accelerator device_count current_device_index synchronize
    """,
    "torch.onnx": "export is_in_onnx_export",
    "torch.autograd": """
        Function grad backward gradcheck gradgradcheck no_grad enable_grad set_grad_enabled
        detect_anomaly set_detect_anomaly functional function forward_ad graph
    """,
    "torch.autograd.functional": "jacobian hessian vjp jvp hvp vhp",
    "torch.func": """
        grad grad_and_value vjp jvp jacrev jacfwd hessian functional_call vmap linearize
        stack_module_state functionalize
    """,
    "torch.cuda": """
        is_available device_count manual_seed manual_seed_all current_device synchronize
        empty_cache get_device_name amp
    """,
    "torch.backends": "mps cudnn cuda",
    "torch.amp": "GradScaler autocast",
    "torch.testing": "assert_close assert_allclose make_tensor",
    "torch.linalg": """
        norm vector_norm matrix_norm inv inv_ex solve solve_ex solve_triangular det slogdet
        cholesky cholesky_ex qr svd svdvals eigh eigvalsh eig eigvals pinv lstsq matrix_rank
        cond matrix_power matrix_exp multi_dot cross vecdot matmul diagonal lu lu_factor
        lu_solve householder_product tensorinv tensorsolve vander LinAlgError
    """,
    "torch.distributions": """
        Distribution Normal Categorical Bernoulli Uniform Independent OneHotCategorical
        MultivariateNormal Beta Gamma Dirichlet Exponential Laplace LogNormal Poisson Binomial
        TransformedDistribution kl_divergence register_kl constraints kl
    """,
}

# Deliberate differences from PyTorch, by name: kept next to the table they annotate.
NOTES = {
    "torch.compile": "captures a training-step function on two eager calls and replays it "
    "(capture.py); a function it cannot follow runs eagerly with a warning; "
    "a Module is returned unchanged",
    "torch.Generator": "PyTorch's CPU generator: the same seed gives PyTorch's numbers, bit "
    "for bit on x86-64 with AVX2 (docs/random.md); `Generator(seed)` with an int is a "
    "shorthand for `Generator().manual_seed(seed)`",
    "torch.get_rng_state": "PyTorch's 5056-byte state: it loads in either library",
    "torch.nn.functional.rrelu": "training: the slopes PyTorch draws for the same seed "
    "(float32, float64)",
    "torch.empty": "the memory is zero-filled",
    "torch.empty_like": "the memory is zero-filled",
    "torch.device": "'cpu' only; any other device raises a RuntimeError saying so",
    "torch.Tensor.cuda": "raises a RuntimeError: this build runs on the CPU only",
    "torch.cuda": "present so that `torch.cuda.is_available()` answers False",
    "torch.cuda.manual_seed": "a no-op, as in PyTorch without CUDA",
    "torch.cuda.current_device": "raises: no CUDA device",
    "torch.cuda.synchronize": "raises: no CUDA device",
    "torch.cuda.get_device_name": "raises: no CUDA device",
    "torch.backends": "`mps.is_available()` is False; `cudnn` flags are settable and unused",
    "torch.float16": "storage and NumPy arithmetic only; the Numba kernels refuse float16",
    "torch.Tensor.half": "float16 storage (see torch.float16)",
    "torch.Tensor.unfold": "a copy of the windows, not a view: writing into it leaves self",
    "torch.sort": "always stable (PyTorch's `stable=True`), whatever `stable` says",
    "torch.topk": "results always sorted, whatever `sorted` says",
    "torch.unique": "always sorted",
    "torch.einsum": "'...' and size-1 broadcasting as PyTorch; no letter repeated in one "
    "operand (diagonals such as 'ii->')",
    "torch.norm": "vector norms (p = 2, 'fro', 1, inf, -inf, 0, any number) over any dims; "
    "no matrix norms such as 'nuc'; at a zero norm the second derivative is 0, not "
    "PyTorch's NaN (pytorch/functorch#1097)",
    "torch.linalg.lstsq": "the solution is pinv(A) @ B; residuals, rank and singular_values "
    "as PyTorch's CPU drivers return them",
    "torch.linalg.det": "the gradient at an exactly singular matrix is 0, as PyTorch 2.13 gives",
    "torch.linalg.qr": "mode='r' computes Q too (and refuses to differentiate, as PyTorch)",
    "torch.scatter": "`reduce='add'` only; `reduce='multiply'` raises NotImplementedError",
    "torch.Tensor.view": "refuses a non-contiguous layout as PyTorch does; `view(dtype)` is "
    "not provided",
    "torch.Tensor.type": "with no argument returns PyTorch's name, e.g. 'torch.FloatTensor'",
    "torch.Tensor.stride": "NumPy's strides, in elements",
    "torch.Tensor.is_contiguous": "NumPy's C-contiguity flag",
    "torch.trace": "called without a tensor it is this package's study tool, "
    "`autograd.trace` (`with torch.trace(): ...`)",
    "torch.use_deterministic_algorithms": "accepted; every kernel here is deterministic",
    "torch.dtype": "prints as `tinygrad_scores.float32`",
    "torch.return_types": "named tuples: unpack, index, `.values` / `.indices`",
    "torch.median": "the lower median, gradient shared among ties (as PyTorch)",
    "torch.set_num_threads": "caps the thread team of the parallel kernels (at most "
    "NUMBA_NUM_THREADS)",
    "torch.load": "never unpickles: a saved module or optimizer is rebuilt from its class's "
    "name and attributes; with `weights_only=True` this package's classes are allowed "
    "without `add_safe_globals` (PyTorch allows none of torch.nn's)",
    "torch.set_default_device": "'cpu' only; another device raises at once",
    "torch.onnx.export": "raises NotImplementedError (no ONNX export)",
    "torch.accelerator": "answers as PyTorch on a machine without an accelerator",
    "torch.distributions": "samples equal PyTorch's for the same seed (the same draws, "
    "tests/test_distributions.py); no ExponentialFamily base class",
    "torch.distributions.kl_divergence": "registered: each provided distribution with itself",
    "torch.nn.utils.weight_norm": "the deprecated hook form (weight_g, weight_v); "
    "torch.nn.utils.parametrizations is not provided",
    "torch.bfloat16": "can be named, compared and kept in a dict; a tensor of it raises "
    "NotImplementedError (NumPy has no bfloat16)",
    "torch.autocast": "`device_type='cuda'` warns and disables itself, as PyTorch without "
    "CUDA; `enabled=False` does nothing; CPU autocast raises NotImplementedError (no bfloat16)",
    "torch.amp.GradScaler": "the CUDA default warns and disables itself, as PyTorch without "
    "CUDA; `GradScaler('cpu')` scales, unscales, skips non-finite steps as PyTorch",
    "torch.amp.autocast": "see torch.autocast",
    "torch.set_float32_matmul_precision": "read back and sets "
    "`backends.cuda.matmul.allow_tf32`; the CPU kernels compute float32 in float32 anyway",
    "torch.cuda.amp": "PyTorch's deprecated GradScaler / autocast: warn, then disabled (no CUDA)",
    "torch.nn.modules": "each file holds the classes of PyTorch's file that exist here",
    "torch.autograd.functional.jacobian": "`vectorize=True` runs the same loop; "
    "`strategy='forward-mode'` raises NotImplementedError (no forward-mode AD)",
    "torch.autograd.functional.hessian": "`outer_jacobian_strategy='forward-mode'` raises "
    "NotImplementedError (no forward-mode AD)",
    "torch.autograd.functional.jvp": "by the double-vjp trick: two reverse passes",
    "torch.func.jvp": "by the double-vjp trick: two reverse passes",
    "torch.func.jacfwd": "computed by reverse mode (no forward-mode AD): one pass per output "
    "element",
    "torch.func.jacrev": "`chunk_size` is accepted and ignored",
    "torch.func.hessian": "`jacfwd(jacrev(f))`, both by reverse mode",
    "torch.func.vmap": "the loop over the batch that PyTorch's docs define it as: one call "
    "per sample (no batched ops); data-dependent Python works",
    "torch.vmap": "`torch.func.vmap`",
    "torch.Tensor.__getitem__": "integer, slice, mask and integer-array indexing; PyTorch's "
    "placement of advanced-index dims",
    # second derivatives where PyTorch's is a NaN artefact (tests/test_second_order_vs_torch.py)
    "torch.nn.functional.normalize": "the second derivative at a zero row is that of x / eps "
    "(PyTorch's is NaN, from its norm's double backward)",
    "torch.nn.functional.cosine_similarity": "the second derivative at a zero row is that of "
    "x / eps (PyTorch's is NaN)",
    "torch.nn.functional.poisson_nll_loss": "with `full=True` the target's gradient at a "
    "target of 0 is finite (PyTorch's is NaN: 0 * log 0 under its mask)",
    "torch.nn.functional.hardsigmoid": "the float64 gradient uses 1/6 exactly (PyTorch's CPU "
    "kernel multiplies by float32's 1/6); differentiable twice (PyTorch's is not)",
}


def _resolve(path):
    import importlib

    import tinygrad_scores  # noqa: F401  (the package's own imports fill its namespaces)

    module_path = path.replace("torch", "tinygrad_scores", 1)
    if module_path == "tinygrad_scores.Tensor":
        return tinygrad_scores.Tensor
    return importlib.import_module(module_path)


def generate():
    """The markdown text of the coverage table."""
    lines = [
        "# PyTorch coverage",
        "",
        "GENERATED by `python tools/pytorch_coverage.py` from the package itself: do not edit "
        "by hand.",
        'The names are those of PyTorch\'s API a training script commonly uses; "yes" means',
        'the name exists here (found by introspection), "missing" means using it raises',
        "`NotImplementedError: tinygrad_scores has no torch.<name>`. Notes give every",
        "deliberate difference from PyTorch's behaviour.",
        "",
    ]
    summary = []
    tables = []
    for namespace, text in NAMES.items():
        owner = _resolve(namespace)
        names = text.split()
        present = [n for n in names if hasattr(owner, n)]
        summary.append(f"| `{namespace}` | {len(present)} | {len(names) - len(present)} |")
        rows = [f"## `{namespace}`", "", "| name | here | note |", "|---|---|---|"]
        for name in names:
            full = f"{namespace}.{name}"
            note = NOTES.get(full, "").replace("|", "\\|")
            rows.append(f"| `{name}` | {'yes' if name in present else 'missing'} | {note} |")
        missing = [n for n in names if n not in present]
        rows += [
            "",
            f"Missing ({len(missing)}): " + (", ".join(f"`{n}`" for n in missing) or "none"),
            "",
        ]
        tables.append("\n".join(rows))
    lines += ["| namespace | provided | missing |", "|---|---|---|", *summary, ""]
    lines += tables
    listed = {f"{ns}.{x}" for ns, text in NAMES.items() for x in text.split()}
    unused = sorted(set(NOTES) - listed)
    if unused:
        raise ValueError(f"notes for names not in the table: {unused}")
    return "\n".join(lines).rstrip() + "\n"


def main(argv):
    text = generate()
    if "--check" in argv:
        current = OUTPUT.read_text() if OUTPUT.exists() else ""
        if current != text:
            print(
                f"{OUTPUT.relative_to(ROOT)} is out of date: run python tools/pytorch_coverage.py"
            )
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
