"""Which names and attributes an expression may reach, derived from torch's public API.

Hand-picking a few dozen functions would refuse learners legitimate operations, so
the lists are built from what torch exposes (public callables, dtypes and constants
of ``torch`` and its maths submodules, public ``Tensor`` methods and properties),
minus a deny-list of what reads or writes files, loads code, touches raw memory,
changes global state or takes arbitrary callables. A misspelt name is offered the
closest allowed one (``closest``). This module imports torch: it runs only inside the
sandbox worker.
"""

from __future__ import annotations

import difflib
import math
import pkgutil
import sys
import types
from collections.abc import Iterable

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim.lr_scheduler
import torch.utils.data

# Names that are public but must never be reachable, whatever module holds them.
DENIED = frozenset(
    {
        # files, pickles, code loading, compilers
        "load",
        "save",
        "from_file",
        "compile",
        "export",
        "hub",
        "jit",
        "package",
        "library",
        "ops",
        "classes",
        "serialization",
        "storage",
        "backends",
        "parse_ir",
        "parse_schema",
        "parse_type_comment",
        "merge_type_from_type_comment",
        "unify_type_list",
        "get_file_path",
        "import_ir_module",
        "import_ir_module_from_buffer",
        "frombuffer",
        "from_dlpack",
        "get_device_module",
        "cpp",
        "distributed",
        "multiprocessing",
        "cuda",
        "mps",
        "xpu",
        "mtia",
        "accelerator",
        "onnx",
        "fx",
        "profiler",
        "overrides",
        # raw memory and storages
        "as_strided",
        "as_strided_",
        "as_strided_scatter",
        "empty_strided",
        "set_",
        "data_ptr",
        "untyped_storage",
        "const_data_ptr",
        "share_memory_",
        "pin_memory",
        "is_pinned",
        "numpy",
        "dlpack",
        "to_dlpack",
        "cpu_",
        "cuda_",
        "record_stream",
        # arbitrary callables and hooks
        "apply_",
        "map_",
        "map2_",
        "register_hook",
        "register_post_accumulate_grad_hook",
        "vmap",
        "func",
        "while_loop",
        "fork",
        "wait",
        "classproperty",
        "thread_safe_generator",
        "boolean_dispatch",
        "handle_torch_function",
        "has_torch_function",
        "has_torch_function_unary",
        "has_torch_function_variadic",
        # global state: seeds, defaults, threads, modes (manual_seed and Generator are
        # open: the worker reseeds before every evaluation, see GENERATOR_ATTRS)
        "seed",
        "initial_seed",
        "use_deterministic_algorithms",
        "get_rng_state",
        "autocast",
        "no_grad",
        "enable_grad",
        "inference_mode",
        "clear_autocast_cache",
        "autocast_increment_nesting",
        "autocast_decrement_nesting",
        "profiler_allow_cudagraph_cupti_lazy_reinit_cuda12",
        "prepare_multiprocessing_environment",
        "default_generator",
        "init_num_threads",
        # devices other than the CPU
        "to_mkldnn",
        "ipu",
        "xla",
        "hpu",
    }
)
# Functions that format a caller's string with objects of the caller's choosing:
# F.assert_int_or_pair(arg, torch, "{0.__dict__[os]}") walks torch's attributes as it
# formats. tests/worker/test_format_carriers.py scans what stays allowed for any other.
FORMATS_CALLER_TEXT = frozenset({"assert_int_or_pair"})
DENIED = DENIED | FORMATS_CALLER_TEXT
DENIED_PREFIXES = ("set_", "_")

# Sparse tensors hand out their index and value tensors (indices(), crow_indices(), ...)
# as live aliases of their internals; torch checks them only when the tensor is built, so
# an in-place change makes to_dense() or dense + s write outside their memory. No card
# uses them, so no sparse tensor may exist in the sandbox: these names are refused, and
# the evaluator refuses any tensor whose layout is not strided, wherever it comes from.
SPARSE_REASON = (
    "sparse tensors are not available in the sandbox: their index tensors are live views "
    "of their internals, and once changed, torch reads and writes outside its memory"
)
SPARSE_NAMES = frozenset(
    {
        # torch: constructors, layouts, sparse maths and copies of sparse internals
        *("sparse", "sparse_coo_tensor", "sparse_compressed_tensor", "sparse_csr_tensor"),
        *("sparse_csc_tensor", "sparse_bsr_tensor", "sparse_bsc_tensor", "sparse_coo"),
        *("sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc", "smm", "dsmm", "hsmm"),
        *("hspmm", "spmm", "sspaddmm", "indices_copy", "values_copy", "crow_indices_copy"),
        *("col_indices_copy", "ccol_indices_copy", "row_indices_copy", "resize_as_sparse_"),
        # Tensor: conversions and the aliases of a sparse tensor's internals
        *("to_sparse", "to_sparse_coo", "to_sparse_csr", "to_sparse_csc", "to_sparse_bsr"),
        *("to_sparse_bsc", "indices", "values", "crow_indices", "col_indices"),
        *("ccol_indices", "row_indices", "coalesce", "is_coalesced", "sparse_dim"),
        *("dense_dim", "sparse_mask", "sparse_resize_", "sparse_resize_and_clear_"),
    }
)
# torch's internal kernels, public by name only: the public function or layer that calls
# each one checks its arguments first, and they do not. native_batch_norm in eval mode
# without running statistics dereferences a null pointer; fbgemm's packed weights are
# C++ objects seen as byte tensors, so an in-place change to one is a wild pointer.
INTERNAL_PREFIXES = ("native_", "fbgemm_", "mkldnn_", "quantized_")
INTERNAL_REASON = (
    "{name} is an internal kernel of torch that skips the checks of the public function "
    "calling it (use the F function or nn layer instead)"
)
# Quantized tensors: their kernels trust the quantizer and the storage to agree, and
# q.view(torch.uint8) of one made by quantize_per_tensor crashes the process. No card
# uses them, so no quantized tensor (nor a tensor of a quantized dtype) may exist.
QUANTIZED_REASON = (
    "quantized tensors are not available in the sandbox: torch's quantized kernels trust "
    "their arguments, and viewing one as another dtype crashes the process"
)
QUANTIZED_DTYPES = frozenset(
    {torch.qint8, torch.quint8, torch.qint32, torch.quint4x2, torch.quint2x4}
)
QUANTIZED_NAMES = frozenset(
    {
        *("quantize_per_tensor", "quantize_per_tensor_dynamic", "quantize_per_channel"),
        *("dequantize", "int_repr", "qscheme", "q_scale", "q_zero_point"),
        *("q_per_channel_scales", "q_per_channel_zero_points", "q_per_channel_axis"),
        *("qint8", "quint8", "qint32", "quint4x2", "quint2x4"),
    }
)
# Public ops that do not check their index arguments on the CPU.
UNCHECKED_REASONS = {
    "segment_reduce": (
        "torch.segment_reduce is not available: it does not check its offsets and "
        "lengths, and reads and writes outside the tensor"
    ),
    # The raw recurrent kernels take a flat list of weights whose shapes they never check
    # (a GRU with the wrong ones crashes the process); nn.LSTM, nn.GRU, nn.RNN check them.
    **{
        name: (
            f"torch.{name} is not available: it does not check the shapes of its weights "
            "and reads outside them (use the nn layer instead)"
        )
        for name in (
            *("lstm", "gru", "rnn_tanh", "rnn_relu"),
            *("lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"),
        )
    },
}
# Denied only in the module that holds them, because the same name elsewhere is maths:
# torch.cond runs Python callables, torch.linalg.cond is a condition number.
DENIED_IN: dict[types.ModuleType, frozenset[str]] = {torch: frozenset({"cond"})}

# torch.optim (issue 16): the four optimizers learners meet first, and two schedulers that
# take numbers. LambdaLR and its kind take a function from the answer: refused by name.
OPTIMIZERS = frozenset({"SGD", "Adam", "AdamW", "RMSprop"})
SCHEDULERS = frozenset({"StepLR", "ExponentialLR"})
SCHEDULERS_TAKING_FUNCTIONS = frozenset({"LambdaLR", "MultiplicativeLR", "SequentialLR"})
FUNCTION_TAKER_REASON = (
    "{name} takes a function, and the sandbox hands torch none from an answer "
    "(use StepLR or ExponentialLR)"
)
OPTIMIZER_ATTRS = frozenset(
    {"step", "zero_grad", "param_groups", "state", "defaults", "state_dict", "load_state_dict"}
)
SCHEDULER_ATTRS = frozenset(
    {"step", "get_last_lr", "last_epoch", "base_lrs", "optimizer", "state_dict"}
)
# torch.utils.data (issue 16): datasets of tensors, and a DataLoader that batches them in
# this process. Its other arguments start worker processes or take functions and samplers
# from the answer: each must keep its default.
DATALOADER_ARGUMENTS = frozenset({"dataset", "batch_size", "shuffle", "drop_last", "generator"})
DATALOADER_ATTRS = frozenset({"dataset", "batch_size", "drop_last"})
DATASET_ATTRS = frozenset({"tensors", "dataset", "indices"})
# Keyword arguments of an optimizer that are for accelerators or keep a graph through the
# step: refused when true.
OPTIMIZER_FLAGS = ("fused", "capturable", "differentiable", "foreach")


def _without_dynamo() -> None:
    """torch.optim wraps its methods in ``torch._disable_dynamo``, which imports
    torch._dynamo (sympy and some 800 modules) on first call, after the wall has risen.
    Each wrapper first looks for the function it may call instead on the function itself
    (``__dynamo_disable``): the function itself, as no compiler ever runs here."""
    modules = [
        sys.modules[torch.optim.Optimizer.__module__],
        torch.optim.lr_scheduler,
        *(sys.modules[getattr(torch.optim, name).__module__] for name in OPTIMIZERS),
    ]
    for module in modules:
        owners = [module, *(v for v in vars(module).values() if isinstance(v, type))]
        for owner in owners:
            for value in list(vars(owner).values()):
                function = getattr(value, "__func__", value)
                while isinstance(function, types.FunctionType):
                    if not hasattr(function, "__dynamo_disable"):
                        setattr(function, "__dynamo_disable", function)
                    function = getattr(function, "__wrapped__", None)


_without_dynamo()

MODULE_SUBMODULES = {
    "linalg": torch.linalg,
    "fft": torch.fft,
    "special": torch.special,
    "nn": nn,
    "autograd": torch.autograd,
    "testing": torch.testing,
}
# The legacy typed constructors, torch.FloatTensor([1, 2]) in older code and docs.
LEGACY_CONSTRUCTORS = frozenset(
    {
        "FloatTensor",
        "DoubleTensor",
        "HalfTensor",
        "BFloat16Tensor",
        "ByteTensor",
        "CharTensor",
        "ShortTensor",
        "IntTensor",
        "LongTensor",
        "BoolTensor",
    }
)


def _allowed_name(name: str) -> bool:
    return not name.startswith(DENIED_PREFIXES) and name not in DENIED


def _memory_safe(name: str) -> bool:
    return refusal_reason(name) is None


def refusal_reason(name: str) -> str | None:
    """Why a torch function or Tensor method is refused, when the reason is not the
    deny-list's (files, code, raw memory, global state): sparse and quantized tensors,
    unchecked kernels."""
    if name in SPARSE_NAMES:
        return SPARSE_REASON
    if name in QUANTIZED_NAMES:
        return QUANTIZED_REASON
    if name.startswith(INTERNAL_PREFIXES):
        return INTERNAL_REASON.format(name=name)
    return UNCHECKED_REASONS.get(name)


CLOSE_ENOUGH = 0.7  # difflib's ratio: clmap→clamp 0.8, rleu→relu 0.75, x2→x 0.67 (none)
LONGEST_MISSPELT = 80  # longer than any torch name; difflib's work grows with the length


def closest(name: str, allowed: Iterable[str]) -> str | None:
    """The allowed name closest to a misspelt ``name`` (``clmap``: ``clamp``), if one is
    close enough; never one refused for memory safety."""
    if len(name) > LONGEST_MISSPELT:
        return None
    safe = [candidate for candidate in allowed if refusal_reason(candidate) is None]
    found = difflib.get_close_matches(name, safe, n=1, cutoff=CLOSE_ENOUGH)
    return found[0] if found else None


def _callable_or_value(obj: object) -> bool:
    """Functions, dtypes, layouts and plain numbers: what a maths namespace offers."""
    return isinstance(
        obj,
        types.BuiltinFunctionType
        | types.FunctionType
        | torch.dtype
        | torch.layout
        | torch.memory_format
        | float
        | int,
    ) and not isinstance(obj, bool)


def public_names(module: types.ModuleType, keep=_callable_or_value) -> frozenset[str]:
    denied = DENIED_IN.get(module, frozenset())
    return frozenset(
        name
        for name in dir(module)
        if _allowed_name(name)
        and name not in denied
        and (module is math or _memory_safe(name))
        and keep(getattr(module, name))
    )


def _nn_class(obj: object) -> bool:
    return isinstance(obj, type) and issubclass(obj, nn.Module)


TORCH_NAMES = public_names(torch) | frozenset(
    {
        *("Size", "Tensor", "finfo", "iinfo", "dtype", "device", "newaxis", "Generator"),
        "optim",
        "utils",
        *MODULE_SUBMODULES,
        *LEGACY_CONSTRUCTORS,
    }
)
MODULE_NAMES: dict[types.ModuleType, frozenset[str]] = {
    torch: TORCH_NAMES,
    torch.linalg: public_names(torch.linalg),
    torch.fft: public_names(torch.fft),
    torch.special: public_names(torch.special),
    F: public_names(F),
    nn: public_names(nn, _nn_class) | frozenset({"functional", "init", "Parameter"}),
    nn.init: public_names(nn.init, lambda obj: isinstance(obj, types.FunctionType)),
    torch.autograd: frozenset({"grad", "functional"}),
    torch.autograd.functional: frozenset({"jacobian", "hessian", "vjp", "jvp"}),
    # assert_close only: it compares tensors and raises AssertionError with the mismatch.
    torch.testing: frozenset({"assert_close"}),
    torch.optim: OPTIMIZERS | {"lr_scheduler"},
    torch.optim.lr_scheduler: SCHEDULERS,
    # torch.utils: data only, and of it what holds tensors and takes them in batches.
    torch.utils: frozenset({"data"}),
    torch.utils.data: frozenset({"TensorDataset", "DataLoader", "Subset", "random_split"}),
    math: public_names(math),
}


def _submodules(module: types.ModuleType) -> frozenset[str]:
    """The submodules a package holds, imported or not (``torch.utils.cpp_extension``):
    listed once, at import, before the worker's wall closes the files."""
    return frozenset(found.name for found in pkgutil.iter_modules(getattr(module, "__path__", ())))


# A name that is neither a module's nor one of its submodules does not exist (a misspelling).
SUBMODULES = {module: _submodules(module) for module in MODULE_NAMES}


def _tensor_members() -> frozenset[str]:
    return frozenset(
        name for name in dir(torch.Tensor) if _allowed_name(name) and _memory_safe(name)
    )


TENSOR_ATTRS = _tensor_members()
SIZE_ATTRS = frozenset({"numel", "count", "index"})
DTYPE_ATTRS = frozenset({"is_floating_point", "is_complex", "is_signed", "itemsize"})
INFO_ATTRS = frozenset({"bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"})
NUMBER_ATTRS = frozenset({"real", "imag", "conjugate", "is_integer", "bit_length"})
SEQUENCE_ATTRS = frozenset({"index", "count"})
# A random generator: seeding it is all. Not get_state/set_state (a state is raw bytes
# torch reads back), not seed() (it reads the system's entropy), not graph-safe states.
GENERATOR_ATTRS = frozenset({"manual_seed", "device"})
# A layer's state, for reading, and the switches learners use. Not its hooks (register_*),
# not apply(fn), not to()/share_memory(); load_state_dict takes only a dict of tensors
# that state_dict() made (evaluator.check_call), since nothing in the sandbox reads a file.
MODULE_INSTANCE_METHODS = frozenset(
    {
        *("parameters", "eval", "train", "zero_grad", "forward", "requires_grad_"),
        *("named_parameters", "buffers", "named_buffers", "children", "named_children"),
        *("modules", "named_modules", "state_dict", "load_state_dict"),
    }
)
# The dicts an expression meets (a state_dict()) are read, never changed: no update, pop,
# setdefault or clear, and no item assignment (only tensor elements can be assigned).
DICT_ATTRS = frozenset({"keys", "values", "items", "get"})
# Class methods of layers that build one from a tensor: nn.Embedding.from_pretrained(w).
MODULE_CLASS_METHODS = frozenset({"from_pretrained"})


def module_instance_attrs(module: nn.Module) -> frozenset[str]:
    """An ``nn.Linear(3, 2)``'s parameters, buffers and plain settings, and a few methods."""
    names = set(dict(module.named_parameters(recurse=False)))
    names |= set(dict(module.named_buffers(recurse=False)))
    names |= {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and isinstance(value, int | float | bool | str | tuple)
    }
    return frozenset(names | MODULE_INSTANCE_METHODS)
