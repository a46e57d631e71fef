"""solvers.memory: bytes per number format, and ZeRO's per-GPU model-state memory against the
stage-by-stage formulas of Rajbhandari et al. (2020) and the paper's Ψ = 7.5B, N = 64 example."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers.memory import (
    BYTES_PER_PARAM,
    param_memory_bytes,
    ring_allreduce_factor,
    zero_memory_per_gpu,
)

FAST = settings(max_examples=60, deadline=None)

psis = st.floats(0, 1e13)
gpu_counts = st.integers(1, 4096)


def ref_zero(psi, n, stage, kp=2.0, kg=2.0, ko=12.0):
    """The ZeRO paper's table, one stage per line (K = 12 for mixed-precision Adam)."""
    if stage == 0:
        return (kp + kg + ko) * psi
    if stage == 1:
        return (kp + kg) * psi + ko * psi / n
    if stage == 2:
        return kp * psi + (kg + ko) * psi / n
    return (kp + kg + ko) * psi / n


# ------------------------------------------------------------------------- param memory


def test_bytes_per_param_table():
    assert dict(BYTES_PER_PARAM) == {
        "fp32": 4.0,
        "fp16": 2.0,
        "bf16": 2.0,
        "int8": 1.0,
        "int4": 0.5,
    }
    # bits / 8
    for dtype, bits in {"fp32": 32, "fp16": 16, "bf16": 16, "int8": 8, "int4": 4}.items():
        assert BYTES_PER_PARAM[dtype] == bits / 8
    with pytest.raises(TypeError):
        BYTES_PER_PARAM["fp8"] = 1.0  # type: ignore[index]


def test_param_memory_golden():
    assert param_memory_bytes(7e9, "fp16") == pytest.approx(1.4e10)  # 14 GB
    assert param_memory_bytes(7e9, "fp32") == pytest.approx(2.8e10)  # 28 GB
    assert param_memory_bytes(7e9, "int8") == pytest.approx(7e9)
    assert param_memory_bytes(7e9, "int4") == pytest.approx(3.5e9)
    assert param_memory_bytes(175e9, "bf16") == pytest.approx(350e9)
    assert param_memory_bytes(0, "fp32") == 0.0
    assert param_memory_bytes(3, "int4") == 1.5
    assert param_memory_bytes(n_params=25_557_032, dtype="fp32") == 102_228_128  # ResNet-50
    assert type(param_memory_bytes(10, "fp16")) is float


@given(n=psis)
@FAST
def test_param_memory_ratios(n):
    """fp32 = 2 × fp16 = 4 × int8 = 8 × int4; bf16 is the same size as fp16."""
    fp32 = param_memory_bytes(n, "fp32")
    assert fp32 == pytest.approx(4 * n)
    assert param_memory_bytes(n, "fp16") == pytest.approx(fp32 / 2)
    assert param_memory_bytes(n, "bf16") == param_memory_bytes(n, "fp16")
    assert param_memory_bytes(n, "int8") == pytest.approx(fp32 / 4)
    assert param_memory_bytes(n, "int4") == pytest.approx(fp32 / 8)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((10, "float16"), "dtype must be one of"),
        ((10, "FP16"), "dtype must be one of"),
        ((10, ""), "dtype must be one of"),
        ((-1, "fp16"), "n_params must be ≥ 0"),
        ((math.nan, "fp16"), "n_params must be a finite number"),
        ((math.inf, "fp32"), "n_params must be a finite number"),
        (("many", "fp32"), "n_params must be a finite number"),
    ],
)
def test_param_memory_rejects(args, match):
    with pytest.raises(ValueError, match=match):
        param_memory_bytes(*args)


def test_param_memory_error_lists_the_dtypes():
    with pytest.raises(ValueError, match=r"\['bf16', 'fp16', 'fp32', 'int4', 'int8'\]"):
        param_memory_bytes(1, "fp64")


# ------------------------------------------------------------------------- ZeRO


def test_zero_paper_example():
    """Ψ = 7.5B on N = 64 GPUs (ZeRO paper, Figure 1): 120 GB, 31.4 GB, 16.6 GB, 1.9 GB."""
    psi, n = 7.5e9, 64
    assert zero_memory_per_gpu(psi, n, 0) == pytest.approx(120e9)
    assert zero_memory_per_gpu(psi, n, 1) == pytest.approx(4 * psi + 12 * psi / 64)
    assert zero_memory_per_gpu(psi, n, 1) == pytest.approx(31.40625e9)
    assert zero_memory_per_gpu(psi, n, 2) == pytest.approx(2 * psi + 14 * psi / 64)
    assert zero_memory_per_gpu(psi, n, 2) == pytest.approx(16.640625e9)
    assert zero_memory_per_gpu(psi, n, 3) == pytest.approx(16 * psi / 64)
    assert zero_memory_per_gpu(psi, n, 3) == pytest.approx(1.875e9)
    assert [round(zero_memory_per_gpu(psi, n, s) / 1e9, 1) for s in range(4)] == [
        120.0,
        31.4,
        16.6,
        1.9,
    ]


def test_zero_one_gpu_is_plain_data_parallelism():
    for stage in range(4):
        assert zero_memory_per_gpu(1e9, 1, stage) == pytest.approx(16e9)


def test_zero_custom_byte_counts():
    # fp32 everything with SGD+momentum: 4 + 4 + 4 (master copy unnecessary, one momentum buffer)
    assert zero_memory_per_gpu(1e9, 4, 0, 4, 4, 4) == pytest.approx(12e9)
    assert zero_memory_per_gpu(1e9, 4, 1, 4, 4, 4) == pytest.approx(9e9)
    assert zero_memory_per_gpu(1e9, 4, 2, 4, 4, 4) == pytest.approx(6e9)
    assert zero_memory_per_gpu(1e9, 4, 3, 4, 4, 4) == pytest.approx(3e9)
    # which component each stage splits: give each a distinct power of two
    kw = {"bytes_param": 1, "bytes_grad": 2, "bytes_optim": 4}
    assert zero_memory_per_gpu(8, 8, 0, **kw) == 8 * 7
    assert zero_memory_per_gpu(8, 8, 1, **kw) == 8 * 3 + 4  # optimizer states split
    assert zero_memory_per_gpu(8, 8, 2, **kw) == 8 * 1 + 2 + 4  # + gradients
    assert zero_memory_per_gpu(8, 8, 3, **kw) == 1 + 2 + 4  # + parameters
    assert zero_memory_per_gpu(10, 5, 3, 0, 0, 0) == 0.0
    assert zero_memory_per_gpu(0, 5, 2) == 0.0
    assert zero_memory_per_gpu(1e9, 8.0, 2) == zero_memory_per_gpu(1e9, 8, 2)


@given(psi=psis, n=gpu_counts, stage=st.integers(0, 3))
@FAST
def test_zero_matches_paper_formulas(psi, n, stage):
    assert zero_memory_per_gpu(psi, n, stage) == pytest.approx(
        ref_zero(psi, n, stage), rel=1e-12, abs=1e-9
    )


@given(
    psi=psis,
    n=gpu_counts,
    stage=st.integers(0, 3),
    sizes=st.tuples(st.floats(0, 32), st.floats(0, 32), st.floats(0, 32)),
)
@FAST
def test_zero_matches_paper_formulas_any_sizes(psi, n, stage, sizes):
    kp, kg, ko = sizes
    got = zero_memory_per_gpu(psi, n, stage, bytes_param=kp, bytes_grad=kg, bytes_optim=ko)
    assert got == pytest.approx(ref_zero(psi, n, stage, kp, kg, ko), rel=1e-12, abs=1e-9)


@given(psi=st.floats(1, 1e13), n=st.integers(1, 2048), stage=st.integers(0, 3))
@FAST
def test_zero_memory_decreases_with_more_gpus(psi, n, stage):
    now, more = zero_memory_per_gpu(psi, n, stage), zero_memory_per_gpu(psi, n + 1, stage)
    if stage == 0:
        assert more == now
    else:
        assert more < now


@given(psi=st.floats(1, 1e13), n=st.integers(2, 4096))
@FAST
def test_zero_memory_decreases_with_each_stage(psi, n):
    per_stage = [zero_memory_per_gpu(psi, n, s) for s in range(4)]
    assert per_stage == sorted(per_stage, reverse=True)
    assert len(set(per_stage)) == 4
    # stage 3 is the whole replica split evenly; the total over all GPUs is one replica
    assert per_stage[3] * n == pytest.approx(per_stage[0], rel=1e-12)


@given(psi=st.floats(1, 1e13), stage=st.integers(1, 3))
@FAST
def test_zero_large_n_limit(psi, stage):
    """As N → ∞ only the replicated part remains: 4Ψ, 2Ψ, 0."""
    limit = {1: 4 * psi, 2: 2 * psi, 3: 0.0}[stage]
    far = zero_memory_per_gpu(psi, 10**9, stage)
    assert far == pytest.approx(limit, rel=1e-8, abs=psi * 1e-7)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((1e9, 0, 1), {}, "n_gpus must be an integer ≥ 1"),
        ((1e9, -4, 1), {}, "n_gpus must be an integer ≥ 1"),
        ((1e9, 2.5, 1), {}, "n_gpus must be an integer ≥ 1"),
        ((1e9, True, 1), {}, "n_gpus must be an integer ≥ 1"),
        ((1e9, math.inf, 1), {}, "n_gpus must be a finite number"),
        ((1e9, "eight", 1), {}, "n_gpus must be a finite number"),
        ((1e9, 8, 4), {}, "stage must be 0, 1, 2 or 3"),
        ((1e9, 8, -1), {}, "stage must be 0, 1, 2 or 3"),
        ((1e9, 8, True), {}, "stage must be 0, 1, 2 or 3"),
        ((1e9, 8, "1"), {}, "stage must be 0, 1, 2 or 3"),
        ((-1, 8, 1), {}, "n_params must be ≥ 0"),
        ((math.nan, 8, 1), {}, "n_params must be a finite number"),
        ((1e9, 8, 1), {"bytes_param": -2}, "bytes_param must be ≥ 0"),
        ((1e9, 8, 1), {"bytes_grad": -2}, "bytes_grad must be ≥ 0"),
        ((1e9, 8, 1), {"bytes_optim": -12}, "bytes_optim must be ≥ 0"),
        ((1e9, 8, 1), {"bytes_optim": math.nan}, "bytes_optim must be a finite number"),
    ],
)
def test_zero_rejects(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        zero_memory_per_gpu(*args, **kwargs)


def test_ring_allreduce_factor_worked_examples():
    assert ring_allreduce_factor(1) == 0.0  # alone, nothing to send
    assert ring_allreduce_factor(8) == 1.75
    assert ring_allreduce_factor(64) == pytest.approx(1.96875)
    with pytest.raises(ValueError):
        ring_allreduce_factor(0)


@FAST
@given(st.integers(1, 10_000))
def test_ring_allreduce_factor_counts_the_shards_passed(n):
    # each of the two phases passes N − 1 shards of size 1/N
    assert ring_allreduce_factor(n) == pytest.approx(2 * (n - 1) * (1 / n))
    assert ring_allreduce_factor(n) < 2


# ------------------------------------------------------------ activations and communication

from solvers.memory import (  # noqa: E402
    activation_memory_bytes,
    allreduce_bytes_per_gpu,
    attention_scores_bytes,
    pipeline_bytes_per_step,
)


def _ring_simulation(n: int, size: float) -> float:
    """Bytes one GPU sends in a ring all-reduce, counted chunk by chunk."""
    chunk = size / n
    sent = 0.0
    for _ in range(n - 1):  # reduce-scatter
        sent += chunk
    for _ in range(n - 1):  # all-gather
        sent += chunk
    return sent


@pytest.mark.parametrize("n", [1, 2, 3, 4, 8, 64])
def test_ring_allreduce_matches_a_chunk_count(n):
    assert allreduce_bytes_per_gpu(4e8, n) == pytest.approx(_ring_simulation(n, 4e8))
    assert allreduce_bytes_per_gpu(4e8, n, "parameter_server") == pytest.approx(n * 4e8)
    with pytest.raises(ValueError):
        allreduce_bytes_per_gpu(4e8, n, "tree")


def test_activation_and_pipeline_bytes():
    assert activation_memory_bytes(32, (64, 112, 112), "fp16") == 51_380_224
    assert attention_scores_bytes(8, 12, 512, "fp32") == 8 * 12 * 512 * 512 * 4
    assert pipeline_bytes_per_step(8, 512, 1024, 4, "fp16") == 2 * 3 * 8 * 512 * 1024 * 2
    with pytest.raises(ValueError):
        activation_memory_bytes(0, (3,), "fp16")
