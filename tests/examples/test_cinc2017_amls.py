"""Smoke test of examples/cinc2017_amls.py (the AMLS report) on real data."""

from __future__ import annotations

import numpy as np
import pytest
from _examples import run_quick

from sklecg.compression import HEADER_SIZE
from sklecg.nn import SpectrogramCNNLSTM, count_parameters

FIGURES = (
    "examples",
    "class_distribution",
    "lengths",
    "statistics",
    "mean_signal",
    "history",
    "confusion",
    "compression",
)


@pytest.fixture(scope="module")
def quick_run(physionet_mirror, sklecg_data_home, tmp_path_factory):
    """``(module, rows, figure folder)`` of one ``run(quick=True)``."""
    output = tmp_path_factory.mktemp("amls_figures")
    with pytest.MonkeyPatch.context() as patch:
        example, rows = run_quick(
            "cinc2017_amls", patch, physionet_mirror, sklecg_data_home, output=output
        )
    return example, rows, output


def _study(rows, name):
    return [row for row in rows if row["study"] == name]


def _assert_scores_in_unit_interval(rows, columns):
    for row in rows:
        for column in columns:
            if row.get(column) is not None:
                assert 0.0 <= row[column] <= 1.0, (row, column)


@pytest.mark.realdata
def test_statistics_table(quick_run):
    example, rows, _ = quick_run
    stats = {row["class"]: row for row in _study(rows, "statistics")}
    assert list(stats) == ["A", "N", "O", "~", "all"]
    assert stats["all"]["records"] == example.QUICK_RECORDS
    assert sum(stats[c]["records"] for c in "ANO~") == example.QUICK_RECORDS
    for row in stats.values():
        # CinC 2017 records last 9 to 61 s
        assert 9 <= row["mean length (s)"] <= 61
        assert row["min (mV)"] <= row["q25 (mV)"] <= row["median (mV)"]
        assert row["median (mV)"] <= row["q75 (mV)"] <= row["max (mV)"]
        assert row["std (mV)"] > 0


@pytest.mark.realdata
def test_model_table(quick_run):
    example, rows, _ = quick_run
    models = {row["model"]: row for row in _study(rows, "models")}
    cnn, augmented = "SpectrogramCNNLSTM", "SpectrogramCNNLSTM + Augmenter"
    forest = "RandomForest on STFT (mean over frequency)"
    assert set(models) == {cnn, augmented, forest, "majority class"}
    _assert_scores_in_unit_interval(
        models.values(), ["challenge F1", "macro F1", "accuracy", "F1 N", "F1 ~"]
    )
    # every row is scored on the same validation records (80/20 of 300)
    n_train = int(0.8 * example.QUICK_RECORDS)
    assert {row["training records"] for row in models.values()} == {n_train}
    n_frames = 1 + (example.CNN_LENGTH - 256) // 64
    module = SpectrogramCNNLSTM(n_outputs=4, n_freqs=129, n_frames=n_frames)
    assert models[cnn]["parameters"] == count_parameters(module)
    assert models[augmented]["parameters"] == count_parameters(module)
    assert models[cnn]["epochs"] == 1
    assert all(row["fit (s)"] > 0 for row in models.values())
    # the majority class scores F1 0 on A and O: the forest must beat it
    assert models["majority class"]["F1 A"] == 0.0
    assert models[forest]["macro F1"] > models["majority class"]["macro F1"]


@pytest.mark.realdata
def test_compression_table(quick_run):
    example, rows, _ = quick_run
    table = {row["setting"]: row for row in _study(rows, "compression")}
    assert list(table) == [
        "all training records (100%)",
        "subset (50%)",
        "subset (25%)",
        "subset (10%)",
        "compression (50%)",
        "compression (25%)",
        "compression (10%)",
    ]
    _assert_scores_in_unit_interval(
        table.values(),
        ["challenge F1 (raw validation)", "challenge F1 (compressed validation)"],
    )
    full = table["all training records (100%)"]
    n_train = full["training records"]
    raw_bytes = n_train * example.REPORT_LENGTH * 4
    assert full["on disk (MB)"] == pytest.approx(raw_bytes / 1e6)
    errors = []
    for ratio in example.RATIOS:
        subset = table[f"subset ({ratio:.0%})"]
        assert subset["training records"] == pytest.approx(ratio * n_train, abs=1)
        assert subset["MAE (µV)"] == subset["MSE (µV²)"] == 0
        compressed = table[f"compression ({ratio:.0%})"]
        assert compressed["training records"] == n_train
        # the file holds the header and one float32 per window and record
        n_segments = round(ratio * example.REPORT_LENGTH)
        size = HEADER_SIZE + n_train * n_segments * 4
        assert compressed["on disk (MB)"] == pytest.approx(size / 1e6)
        errors.append((compressed["MAE (µV)"], compressed["MSE (µV²)"]))
    # fewer windows, larger reconstruction errors
    assert np.all(np.diff(np.array(errors), axis=0) > 0)
    assert errors[0][0] > 0


@pytest.mark.realdata
def test_figures_written(quick_run):
    _, _, output = quick_run
    written = sorted(path.name for path in output.iterdir())
    assert written == sorted(f"amls_{name}.png" for name in FIGURES)
    for name in written:
        size = (output / name).stat().st_size
        assert 0 < size < 150_000, (name, size)
