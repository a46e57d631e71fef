"""TinyCNN reference task: test accuracy of the NumPy net and its training time against PyTorch CPU.

The task: :func:`solvers.cnn.reference_net`, 2,000 training and 500 test images from
:func:`solvers.datasets.make_shapes`, batch 32, Adam lr 0.01, 5 epochs. PyTorch (when it can be
imported) trains the same network from the same initial weights on the same batches in the same
order, so its per-epoch losses must match NumPy's; their gap is reported as a correctness check.

Both frameworks run in child processes started with one BLAS/OpenMP thread
(OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=MKL_NUM_THREADS=1 before NumPy loads, and
``torch.set_num_threads(1)``), taking turns so load from other processes hits both alike; each
time is the best of several runs. torch is not a dependency of quizapp: to compare against a torch
installed elsewhere, point QUIZAPP_TORCH_PYTHON at that interpreter (it needs numpy and torch; this
repository is put on its PYTHONPATH).

``python -m benchmarks.tinycnn`` prints the rows; ``run()`` returns them for ``python -m benchmarks``.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from solvers.cnn import epoch_permutations, evaluate, reference_net, train
from solvers.datasets import make_shapes

TRAIN_N, TEST_N = 2000, 500
TRAIN_SEED, TEST_SEED, INIT_SEED, ORDER_SEED = 0, 1, 0, 0
BATCH, LR, EPOCHS = 32, 0.01, 5
TARGET_ACC = 0.98
TARGET_RATIO = 1.0
LOSS_GAP_TARGET = {"float64": 1e-6, "float32": 1e-3}
THREADS = 1
THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
DTYPES = ("float64", "float32")
ROUNDS = 2
REPEATS = 2
ROOT = Path(__file__).resolve().parents[1]
TORCH_MISSING = "torch not importable"


def task_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The reference task's (X_train, y_train, X_test, y_test)."""
    X, y = make_shapes(TRAIN_N, TRAIN_SEED)
    Xt, yt = make_shapes(TEST_N, TEST_SEED)
    return X, y, Xt, yt


def numpy_run(dtype: str) -> dict[str, Any]:
    """Train the NumPy reference net once; return seconds, test accuracy and per-epoch losses."""
    X, y, Xt, yt = task_data()
    net = reference_net(INIT_SEED, dtype=np.dtype(dtype))
    start = time.perf_counter()
    history = train(
        net, X, y, epochs=EPOCHS, batch_size=BATCH, optimizer="adam", lr=LR, seed=ORDER_SEED
    )
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "acc": evaluate(net, Xt, yt), "loss": list(history.loss)}


def torch_run(dtype: str) -> dict[str, Any]:
    """Train the same network in PyTorch from the NumPy net's initial weights, same batch order.

    Raises:
        ImportError: torch is not installed.
    """
    import torch

    torch.set_num_threads(THREADS)
    tdtype = {"float64": torch.float64, "float32": torch.float32}[dtype]
    X, y, Xt, yt = task_data()
    ref = reference_net(INIT_SEED, dtype=np.dtype(dtype))
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1),
        torch.nn.Flatten(),
        torch.nn.Linear(16, 4),
    ).to(tdtype)
    torch_params = [p for m in net for p in m.parameters()]
    with torch.no_grad():
        for tp, p in zip(torch_params, ref.parameters(), strict=True):
            tp.copy_(torch.from_numpy(p.value))
    Xtr = torch.from_numpy(X.astype(dtype))
    ytr = torch.from_numpy(y)
    orders = torch.from_numpy(epoch_permutations(TRAIN_N, EPOCHS, ORDER_SEED))
    start = time.perf_counter()
    opt = torch.optim.Adam(net.parameters(), lr=LR)
    losses = []
    for order in orders:
        loss_sum, correct = 0.0, 0
        for s in range(0, TRAIN_N, BATCH):
            idx = order[s : s + BATCH]
            xb, yb = Xtr[idx], ytr[idx]
            logits = net(xb)
            loss = torch.nn.functional.cross_entropy(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            correct += int((logits.argmax(dim=1) == yb).sum().item())
        losses.append(loss_sum / TRAIN_N)
    seconds = time.perf_counter() - start
    with torch.no_grad():
        pred = net(torch.from_numpy(Xt.astype(dtype))).argmax(dim=1).numpy()
    return {
        "seconds": seconds,
        "acc": float(np.mean(pred == yt)),
        "loss": losses,
        "threads": torch.get_num_threads(),
        "version": torch.__version__,
    }


def blas_threads() -> int | None:
    """Threads NumPy's bundled OpenBLAS will use, read from the library itself (None if unknown)."""
    libs = Path(np.__file__).resolve().parent.parent / "numpy.libs"
    for lib in sorted(libs.glob("*openblas*.so*")):
        try:
            handle = ctypes.CDLL(str(lib))
        except OSError:
            continue
        for symbol in (
            "scipy_openblas_get_num_threads64_",
            "openblas_get_num_threads64_",
            "openblas_get_num_threads",
        ):
            fn = getattr(handle, symbol, None)
            if fn is not None:
                fn.restype = ctypes.c_int
                return int(fn())
    return None


def _worker(kind: str, dtypes: list[str], repeats: int) -> dict[str, Any]:
    results: dict[str, Any] = {"blas_threads": blas_threads()}
    runner = numpy_run if kind == "numpy" else torch_run
    for dtype in dtypes:
        runs = [runner(dtype) for _ in range(repeats)]
        best = min(runs, key=lambda r: r["seconds"])
        results[dtype] = best
    return results


def _spawn(kind: str, python: str) -> dict[str, Any]:
    """Run one worker in a fresh interpreter with one BLAS thread; {"error": …} if it failed."""
    env = dict(os.environ)
    env.update({name: str(THREADS) for name in THREAD_ENV})
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    cmd = [python, "-m", "benchmarks.tinycnn", "--worker", kind, "--repeats", str(REPEATS)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        return {"error": lines[-1] if lines else f"exit status {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _merge(best: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Keep, per dtype, the faster of two rounds' results."""
    if best is None or "error" in new or "error" in best:
        return new if best is None or "error" in best else best
    merged = dict(best)
    for dtype in DTYPES:
        if new[dtype]["seconds"] < best[dtype]["seconds"]:
            merged[dtype] = new[dtype]
    return merged


def run() -> list[dict]:
    """Run the reference task in NumPy and (if importable) PyTorch; one row per figure."""
    torch_python = os.environ.get("QUIZAPP_TORCH_PYTHON") or sys.executable
    np_best: dict[str, Any] | None = None
    torch_best: dict[str, Any] | None = None
    for _ in range(ROUNDS):
        np_best = _merge(np_best, _spawn("numpy", sys.executable))
        if torch_best is None or "error" not in torch_best:
            torch_best = _merge(torch_best, _spawn("torch", torch_python))
    assert np_best is not None and torch_best is not None
    if "error" in np_best:
        return [
            {"name": "tinycnn: NumPy run", "value": np_best["error"], "target": "", "ok": False}
        ]
    return _rows(np_best, torch_best)


def _rows(np_res: dict[str, Any], torch_res: dict[str, Any]) -> list[dict]:
    rows: list[dict] = []
    task = f"{TRAIN_N}/{TEST_N} images, batch {BATCH}, Adam {LR}, {EPOCHS} epochs"
    torch_ok = "error" not in torch_res
    for dtype in DTYPES:
        res = np_res[dtype]
        rows.append(
            {
                "name": f"tinycnn: NumPy test accuracy, {dtype} ({task})",
                "value": f"{res['acc']:.1%}",
                "target": f"≥ {TARGET_ACC:.0%}",
                "ok": res["acc"] >= TARGET_ACC,
            }
        )
        rows.append(
            {
                "name": f"tinycnn: NumPy train time, {dtype}",
                "value": f"{res['seconds']:.3f} s",
                "target": "",
                "ok": None,
            }
        )
        if not torch_ok:
            missing = torch_res["error"].startswith(TORCH_MISSING)
            rows.append(
                {
                    "name": f"tinycnn: NumPy/PyTorch time, {dtype}",
                    "value": f"{'skipped' if missing else 'failed'} ({torch_res['error']})",
                    "target": f"≤ {TARGET_RATIO}×",
                    "ok": None if missing else False,
                }
            )
            continue
        tres = torch_res[dtype]
        ratio = res["seconds"] / tres["seconds"]
        gap = max(abs(a - b) for a, b in zip(res["loss"], tres["loss"], strict=True))
        rows += [
            {
                "name": f"tinycnn: PyTorch {torch_res[dtype]['version']} train time, {dtype}",
                "value": f"{tres['seconds']:.3f} s (test accuracy {tres['acc']:.1%})",
                "target": "",
                "ok": None,
            },
            {
                "name": f"tinycnn: NumPy/PyTorch time, {dtype}",
                "value": f"{ratio:.2f}×",
                "target": f"≤ {TARGET_RATIO}×",
                "ok": ratio <= TARGET_RATIO,
            },
            {
                "name": f"tinycnn: max per-epoch loss gap NumPy vs PyTorch, {dtype}",
                "value": f"{gap:.1e}",
                "target": f"≤ {LOSS_GAP_TARGET[dtype]:.0e}",
                "ok": gap <= LOSS_GAP_TARGET[dtype],
            },
        ]
    torch_threads = torch_res[DTYPES[0]]["threads"] if torch_ok else "—"
    rows.append(
        {
            "name": "tinycnn: threads (NumPy OpenBLAS / torch)",
            "value": f"{np_res['blas_threads'] or '?'} / {torch_threads} "
            f"({'='.join([THREAD_ENV[0], str(THREADS)])}, torch.set_num_threads({THREADS}))",
            "target": f"{THREADS} / {THREADS}",
            "ok": None,
        }
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the rows, or (with --worker) run one framework's trainings and print JSON."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tinycnn")
    parser.add_argument("--worker", choices=("numpy", "torch"))
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args(argv)
    if args.worker:
        try:
            result = _worker(args.worker, list(DTYPES), args.repeats)
        except ImportError as exc:
            if args.worker != "torch":
                raise
            result = {"error": f"{TORCH_MISSING}: {exc}"}
        print(json.dumps(result))
        return 0
    for row in run():
        mark = {True: "ok", False: "MISS", None: "-"}[row["ok"]]
        print(f"{row['name']}: {row['value']}  [{row['target']}] {mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
