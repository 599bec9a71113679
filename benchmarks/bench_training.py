"""Training speed of ECGClassifier against a plain PyTorch loop, fp32 and bf16.

For each network -- SimpleCNN (the USTH 1-D CNN), SC4001 model 11, the
PyTorch report's Residual and Coupled CNNs, CNNLSTM on 187-sample beats and
RhythmResNet on 30-s records at 100 Hz (3,000 samples) -- one process
measures:

* the training throughput (beats or records per second) of
  ``ECGClassifier.fit`` and of a hand-written loop over the same module,
  optimizer (AdamW, lr 1e-3, weight decay 1e-3), batch size (128), loss and
  per-epoch shuffling; both read every batch loss back (``loss.item()``) as
  skorch does. The classifier runs without validation split or early
  stopping. Each is timed on its second epoch (the first warms up the
  allocator), and the better of ``--repeats`` runs is kept;
* their ratio (the target is >= 0.95: the wrapper costs nothing);
* the training FLOPs per example (forward and backward, counted by
  ``torch.utils.flop_counter``) and the GFLOP/s achieved;
* the same with ``precision="bf16"`` (``torch.autocast`` with bfloat16),
  and the bf16 / fp32 speed-up of ``ECGClassifier``;
* the seconds per full-data epoch (87,518 training beats of the MIT-BIH
  intra-patient split; 5,600 CinC 2017 records for RhythmResNet).

The fp32 matrix-multiply GFLOP/s of the machine, measured in the same run,
is printed first so that the achieved rates can be read as a fraction of
it. Data are random (speed does not depend on values).

Run: ``python benchmarks/bench_training.py [--threads 1] [--n-beats 8192]``.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import time

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from sklecg.nn import CNNLSTM, REPORT_NETWORKS, ECGClassifier, RhythmResNet
from sklecg.utils import markdown_table

BATCH = 128
FULL_EPOCH = {"beat": 87_518, "record": 5_600}


def _networks() -> dict:
    """name -> (module class, module kwargs, input length, kind of example)."""

    def preset(name):
        network = REPORT_NETWORKS[name]
        return network.module, network.module_params, 187, "beat"

    return {
        "SimpleCNN (USTH)": preset("usth_cnn"),
        "SC4001 model 11": preset("sc4001_model_11"),
        "Residual CNN (PyTorch report)": preset("pytorch_residual_cnn"),
        "Coupled CNN (PyTorch report)": preset("pytorch_coupled_cnn"),
        "CNNLSTM": (CNNLSTM, {}, 187, "beat"),
        "RhythmResNet": (RhythmResNet, {}, 3000, "record"),
    }


def _build(module_cls, kwargs: dict, length: int) -> torch.nn.Module:
    """The module for 5 classes, told the input length when it takes one."""
    sizes = {"n_outputs": 5}
    if "n_timesteps" in inspect.signature(module_cls).parameters:
        sizes["n_timesteps"] = length
    return module_cls(**sizes, **kwargs)


def matmul_gflops(size: int = 2048, seconds: float = 1.0) -> float:
    """fp32 GFLOP/s of square matrix products on this machine."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b  # warm-up
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        a @ b
        n += 1
    return 2 * size**3 * n / (time.perf_counter() - start) / 1e9


def _autocast(precision: str):
    if precision == "bf16":
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def training_flops(module: torch.nn.Module, x: torch.Tensor, y, precision) -> float:
    """FLOPs of one forward and backward pass, per example."""
    with FlopCounterMode(display=False) as counter:
        with _autocast(precision):
            logits = module(x)
        torch.nn.functional.cross_entropy(logits.float(), y).backward()
    module.zero_grad()
    return counter.get_total_flops() / len(x)


def plain_epoch_seconds(module_cls, kwargs, X, y, precision: str) -> float:
    """Seconds of the second epoch of a hand-written training loop."""
    torch.manual_seed(0)
    module = _build(module_cls, kwargs, X.shape[-1]).train()
    optimizer = torch.optim.AdamW(module.parameters(), lr=1e-3, weight_decay=1e-3)
    X, y = torch.from_numpy(X[:, None]), torch.from_numpy(y)
    durations = []
    for _ in range(2):
        start = time.perf_counter()
        for batch in torch.randperm(len(y)).split(BATCH):
            with _autocast(precision):
                logits = module(X[batch])
            loss = torch.nn.functional.cross_entropy(logits.float(), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss.item()
        durations.append(time.perf_counter() - start)
    return durations[-1]


def classifier_epoch_seconds(module_cls, kwargs, X, y, precision: str) -> float:
    """Seconds of the second epoch of ``ECGClassifier.fit`` (skorch's ``dur``)."""
    net = ECGClassifier(
        module_cls,
        **{f"module__{key}": value for key, value in kwargs.items()},
        max_epochs=2,
        batch_size=BATCH,
        validation_fraction=None,
        patience=None,
        precision=precision,
        random_state=0,
    )
    net.fit(X, y)
    return net.history_[-1, "dur"]


def run(n_beats: int, n_records: int, repeats: int) -> tuple[float, list[dict]]:
    rng = np.random.default_rng(0)
    peak = matmul_gflops()
    rows = []
    for name, (module_cls, kwargs, length, kind) in _networks().items():
        n = n_beats if kind == "beat" else n_records
        X = rng.normal(size=(n, length)).astype(np.float32)
        y = rng.integers(0, 5, size=n).astype(np.int64)
        module = _build(module_cls, kwargs, length)
        sample = torch.from_numpy(X[:BATCH, None]), torch.from_numpy(y[:BATCH])
        speed = {}
        for precision in ("fp32", "bf16"):
            flops = training_flops(module, *sample, precision)
            plain = min(
                plain_epoch_seconds(module_cls, kwargs, X, y, precision)
                for _ in range(repeats)
            )
            wrapped = min(
                classifier_epoch_seconds(module_cls, kwargs, X, y, precision)
                for _ in range(repeats)
            )
            speed[precision] = n / wrapped
            rows.append(
                {
                    "network": name,
                    "examples": f"{kind}s of {length}",
                    "precision": precision,
                    "plain loop (examples/s)": n / plain,
                    "ECGClassifier (examples/s)": n / wrapped,
                    "ECGClassifier / plain": plain / wrapped,
                    "bf16 / fp32 (ECGClassifier)": speed[precision] / speed["fp32"],
                    "training GFLOP/s": flops * n / wrapped / 1e9,
                    "of fp32 matmul": flops * n / wrapped / 1e9 / peak,
                    "s per full-data epoch": FULL_EPOCH[kind] * wrapped / n,
                }
            )
            print(f"{name} {precision}: {n / wrapped:.0f} {kind}s/s", flush=True)
    return peak, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--n-beats", type=int, default=8192)
    parser.add_argument("--n-records", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    peak, rows = run(args.n_beats, args.n_records, args.repeats)
    print(
        f"\nfp32 matmul (2048 x 2048): {peak:.1f} GFLOP/s, {args.threads} thread(s)\n"
    )
    print(markdown_table(rows))


if __name__ == "__main__":
    main()
