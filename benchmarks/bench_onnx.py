"""Prediction throughput of an exported ONNX model vs ECGClassifier.predict.

One ``ECGClassifier`` per network (``SimpleCNN``, the ``ResidualCNN`` of the
heartbeat reports and ``RhythmResNet``) is fitted for one epoch on MIT-BIH
beats (187 samples at 125 Hz, 5 AAMI classes; throughput does not depend on
how well the network is trained) and exported with
:func:`sklecg.nn.export_onnx`. Then, on the same held-out beats, in the same
process and alternating which runs first, it times

- ``ECGClassifier.predict`` (labels, through skorch's batched inference), and
- ``onnxruntime.InferenceSession.run`` on the whole array followed by the
  label lookup in the ``classes`` metadata (what a deployed model does),

each with the same number of threads, and prints beats/s (median of
``--repeats``) and the ratio onnxruntime / ECGClassifier. The labels of the
two are compared too. Without the PhysioNet mirror (``../shared/data/physionet``
or ``SKLECG_PHYSIONET_MIRROR``) pass ``--synthetic`` to time random beats of
the same shape.

Run: ``python benchmarks/bench_onnx.py [--n-beats 20000] [--threads 1]``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import onnxruntime
import torch
from sklearn.model_selection import train_test_split

from sklecg.datasets import fetch_mitbih_beats
from sklecg.nn import ECGClassifier, ResidualCNN, RhythmResNet, SimpleCNN, export_onnx

MIRROR = Path(__file__).resolve().parents[2] / "shared" / "data" / "physionet"
NETWORKS = {
    "SimpleCNN": SimpleCNN,
    "ResidualCNN": ResidualCNN,
    "RhythmResNet": RhythmResNet,
}


def load_beats(n_beats: int, synthetic: bool, data_home: str | None):
    """Training and held-out beats (float32, 187 samples) with AAMI labels."""
    if synthetic:
        rng = np.random.default_rng(0)
        X = rng.normal(size=(2 * n_beats, 187)).astype(np.float32)
        y = rng.choice(list("NSVFQ"), size=2 * n_beats)
        return X[:n_beats], X[n_beats:], y[:n_beats], "random beats"
    mirror = os.environ.get("SKLECG_PHYSIONET_MIRROR", str(MIRROR))
    beats = fetch_mitbih_beats(data_home=data_home, mirror=mirror, verbose=False)
    X_train, X_test, y_train, _ = train_test_split(
        beats.data.astype(np.float32),
        beats.target_names[beats.target],
        train_size=n_beats,
        test_size=n_beats,
        stratify=beats.target,
        random_state=0,
    )
    return X_train, X_test, y_train, "MIT-BIH beats"


def onnx_predictor(path: Path, threads: int):
    """A function mapping signals to labels with an onnxruntime session."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        str(path), options, providers=["CPUExecutionProvider"]
    )
    meta = session.get_modelmeta().custom_metadata_map
    classes = np.asarray(json.loads(meta["classes"]))

    def predict(X: np.ndarray) -> np.ndarray:
        (proba,) = session.run(None, {"signals": X})
        return classes[proba.argmax(axis=1)]

    return predict


def beats_per_second(predict, X: np.ndarray) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    labels = predict(X)
    return len(X) / (time.perf_counter() - start), labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-beats", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--data-home", default=os.environ.get("SKLECG_DATA_HOME"))
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    X_train, X_test, y_train, source = load_beats(
        args.n_beats, args.synthetic, args.data_home
    )
    print(
        f"{source}: fitted 1 epoch on {len(X_train)}, predict on {len(X_test)} "
        f"x 187 samples; {args.threads} thread(s) for torch and onnxruntime, "
        f"CPU; median of {args.repeats} alternating repeats"
    )
    print(
        f"{'network':<14}{'ECGClassifier.predict':>24}{'onnxruntime':>14}"
        f"{'ratio':>8}{'labels equal':>14}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for name, module in NETWORKS.items():
            net = ECGClassifier(
                module,
                max_epochs=1,
                batch_size=args.batch_size,
                validation_fraction=None,
                patience=None,
                random_state=0,
                device="cpu",
            ).fit(X_train, y_train)
            onnx_predict = onnx_predictor(
                export_onnx(net, Path(folder) / f"{name}.onnx"), args.threads
            )
            # warm-up: first calls pay lazy initialisation in both runtimes
            net.predict(X_test[:256])
            onnx_predict(X_test[:256])
            torch_rates, onnx_rates = [], []
            for repeat in range(args.repeats):
                runs = [(torch_rates, net.predict), (onnx_rates, onnx_predict)]
                labels = []
                for rates, predict in runs[:: 1 if repeat % 2 else -1]:
                    rate, predicted = beats_per_second(predict, X_test)
                    rates.append(rate)
                    labels.append(predicted)
            equal = bool(np.array_equal(*labels))
            ratio = np.median(onnx_rates) / np.median(torch_rates)
            print(
                f"{name:<14}{np.median(torch_rates):>18.0f} b/s"
                f"{np.median(onnx_rates):>10.0f} b/s{ratio:>8.2f}{str(equal):>14}"
            )


if __name__ == "__main__":
    main()
