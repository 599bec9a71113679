"""Training and prediction throughput of ECGClassifier vs plain PyTorch.

Trains ``SimpleCNN`` on real MIT-BIH beats (187 samples, 5 AAMI classes) with
``ECGClassifier`` and with a hand-written PyTorch loop using the same module
class and initial weights, data, batch size, optimizer (AdamW, lr 1e-3,
weight decay 1e-3), loss and per-epoch shuffling. The comparison is fair:
the classifier runs without internal validation split and without early
stopping (``validation_fraction=None``, ``patience=None``), and the manual
loop also reads every batch loss back (``loss.item()``) as skorch does for
its history. Runs alternate between the two and the median is reported.

Prediction throughput (beats/s, CPU) compares ``ECGClassifier.predict`` with
a bare ``module(x).argmax()`` loop under ``torch.no_grad()``.

Run: ``python benchmarks/bench_nn.py [--n-beats 20000] [--epochs 2]``.
Needs the PhysioNet mirror (``../shared/data/physionet`` or
``SKLECG_PHYSIONET_MIRROR``).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

from sklecg.datasets import fetch_mitbih_beats
from sklecg.nn import ECGClassifier, SimpleCNN

MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data" / "physionet"


def load_beats(n_beats: int, data_home: str | None):
    mirror = os.environ.get("SKLECG_PHYSIONET_MIRROR", str(MIRROR))
    beats = fetch_mitbih_beats(data_home=data_home, mirror=mirror, verbose=False)
    X_train, X_test, y_train, y_test = train_test_split(
        beats.data,
        beats.target,
        train_size=n_beats,
        test_size=n_beats,
        stratify=beats.target,
        random_state=0,
    )
    return X_train, X_test, y_train.astype(np.int64), y_test.astype(np.int64)


def manual_epochs(X, y, epochs: int, batch_size: int, seed: int) -> float:
    """Seconds per epoch of a hand-written loop (same init as ECGClassifier)."""
    torch.manual_seed(seed)
    module = SimpleCNN(n_outputs=5, n_channels=1, n_timesteps=X.shape[1])
    optimizer = torch.optim.AdamW(module.parameters(), lr=1e-3, weight_decay=1e-3)
    criterion = torch.nn.CrossEntropyLoss()
    data = TensorDataset(torch.from_numpy(X[:, None]), torch.from_numpy(y))
    loader = DataLoader(data, batch_size=batch_size, shuffle=True)
    module.train()
    start = time.perf_counter()
    for _ in range(epochs):
        losses = []
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = criterion(module(xb), yb)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    return (time.perf_counter() - start) / epochs


def classifier_epochs(X, y, epochs: int, batch_size: int, seed: int):
    """Seconds per epoch of ECGClassifier.fit (wall) and of its epochs alone."""
    net = ECGClassifier(
        SimpleCNN,
        max_epochs=epochs,
        batch_size=batch_size,
        validation_fraction=None,
        patience=None,
        random_state=seed,
        device="cpu",
    )
    start = time.perf_counter()
    net.fit(X, y)
    wall = (time.perf_counter() - start) / epochs
    return wall, float(np.mean(net.history_[:, "dur"])), net


def predict_throughput(net, X, batch_size: int) -> tuple[float, float]:
    """Beats per second: ECGClassifier.predict and a bare module loop."""
    start = time.perf_counter()
    net.predict(X)
    wrapped = len(X) / (time.perf_counter() - start)
    module = net.module_.eval()
    inputs = torch.from_numpy(np.ascontiguousarray(X[:, None], dtype=np.float32))
    start = time.perf_counter()
    with torch.no_grad():
        for i in range(0, len(X), batch_size):
            module(inputs[i : i + batch_size]).argmax(1)
    bare = len(X) / (time.perf_counter() - start)
    return wrapped, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-beats", type=int, default=20_000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--data-home", default=os.environ.get("SKLECG_DATA_HOME"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    X_train, X_test, y_train, _ = load_beats(args.n_beats, args.data_home)
    X_train = X_train.astype(np.float32)
    # warm-up: first calls pay torch's lazy initialisation
    manual_epochs(X_train[:512], y_train[:512], 1, args.batch_size, 0)
    classifier_epochs(X_train[:512], y_train[:512], 1, args.batch_size, 0)

    manual, wall, epoch, wrapped, bare = [], [], [], [], []
    data = (X_train, y_train, args.epochs, args.batch_size)
    for repeat in range(args.repeats):
        # alternate which runs first, so that drifts of a shared CPU even out
        if repeat % 2:
            w, e, net = classifier_epochs(*data, repeat)
            manual.append(manual_epochs(*data, repeat))
        else:
            manual.append(manual_epochs(*data, repeat))
            w, e, net = classifier_epochs(*data, repeat)
        wall.append(w)
        epoch.append(e)
        p_wrapped, p_bare = predict_throughput(net, X_test, args.batch_size)
        wrapped.append(p_wrapped)
        bare.append(p_bare)

    print(
        f"MIT-BIH beats: {len(X_train)} train x 187 samples, batch "
        f"{args.batch_size}, {args.epochs} epoch(s) x {args.repeats} repeats, "
        f"{args.threads} torch thread(s), CPU; predict on {len(X_test)} beats"
    )
    print(f"{'':<38}{'median':>10}{'best':>10}{'ratio (median)':>16}")
    print("training, s/epoch")
    report("hand-written PyTorch loop", manual, manual, min)
    report("ECGClassifier.fit (wall / epochs)", wall, manual, min)
    report("ECGClassifier epoch (history dur)", epoch, manual, min)
    print("prediction, beats/s")
    report("bare module loop (no_grad)", bare, bare, max)
    report("ECGClassifier.predict", wrapped, bare, max)


def report(name, values, reference, best) -> None:
    med = np.median(values)
    print(
        f"  {name:<36}{med:>10.3f}{best(values):>10.3f}"
        f"{med / np.median(reference):>16.3f}"
    )


if __name__ == "__main__":
    main()
