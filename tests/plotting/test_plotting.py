"""Displays render headless to non-trivial PNGs, on synthetic and real data.

Set ``SKLECG_PLOT_DIR`` to keep the PNGs for a look.
"""

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import cross_val_predict
from sklearn.pipeline import make_pipeline

from sklecg.nn import ConvNet, ECGClassifier
from sklecg.plotting import (
    ClassDistributionDisplay,
    EmbeddingDisplay,
    GradCAMDisplay,
    LengthDistributionDisplay,
    MeanSignalDisplay,
    NormalizedConfusionMatrixDisplay,
    SignalExamplesDisplay,
    SignalStatsDisplay,
    TrainingHistoryDisplay,
    describe_signals,
)
from sklecg.preprocessing import Resampler


@pytest.fixture
def save_png(tmp_path):
    """Save a figure as PNG, check it is non-trivial, close it."""
    folder = Path(os.environ.get("SKLECG_PLOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)

    def save(fig, name):
        path = folder / f"{name}.png"
        fig.savefig(path, dpi=80)
        plt.close(fig)
        pixels = plt.imread(path)[..., :3]
        assert path.stat().st_size > 10_000, "PNG suspiciously small"
        assert pixels.std() > 0.05, "PNG is (almost) blank"
        # drawn in several colours, not just black on white
        assert len(np.unique(pixels.reshape(-1, 3).round(1), axis=0)) > 10
        return path

    return save


@pytest.fixture(scope="module")
def synthetic():
    rng = np.random.default_rng(0)
    t = np.linspace(0, 1, 150)
    y = np.repeat(["N", "A", "O"], 20)
    freq = {"N": 3, "A": 6, "O": 9}
    X = np.stack([np.sin(2 * np.pi * freq[c] * t) for c in y])
    return X + rng.normal(0, 0.2, X.shape), y


def test_signal_examples(synthetic, save_png):
    X, y = synthetic
    disp = SignalExamplesDisplay.from_signals(X, y, n_examples=2, fs=150)
    assert disp.axes_.shape == (3, 2)
    assert [len(v) for v in disp.examples.values()] == [2, 2, 2]
    save_png(disp.figure_, "signal_examples_synthetic")


def test_signal_examples_fewer_than_requested_and_given_axes(synthetic, save_png):
    X, y = synthetic
    y = y.astype("U4")
    y[0] = "rare"
    fig, axes = plt.subplots(4, 3)
    disp = SignalExamplesDisplay.from_signals(X, y, n_examples=3, ax=axes)
    assert disp.figure_ is fig and len(disp.examples["rare"]) == 1
    assert not disp.axes_[list(disp.examples).index("rare"), 2].axison
    with pytest.raises(ValueError, match="ax must hold 12 Axes"):
        SignalExamplesDisplay.from_signals(X, y, n_examples=3, ax=axes[:2])
    save_png(fig, "signal_examples_axes")


@pytest.mark.parametrize("spread", ["std", "iqr"])
def test_mean_signal(synthetic, save_png, spread):
    X, y = synthetic
    disp = MeanSignalDisplay.from_signals(X, y, spread=spread)
    mask = y == "A"
    if spread == "std":
        np.testing.assert_allclose(disp.center["A"], X[mask].mean(0), rtol=1e-5)
        np.testing.assert_allclose(
            disp.high["A"] - disp.center["A"], X[mask].std(0), rtol=1e-4, atol=1e-6
        )
    else:
        np.testing.assert_allclose(disp.center["A"], np.median(X[mask], 0), rtol=1e-5)
    assert disp.counts == {"A": 20, "N": 20, "O": 20}
    assert disp.axes_.shape == (1,)  # three classes: overlaid
    save_png(disp.figure_, f"mean_signal_{spread}")
    panels = MeanSignalDisplay.from_signals(X, y, overlay=False)
    assert panels.axes_.shape == (3,)
    assert panels.axes_[1].get_title() == "N (n=20)"


def test_mean_signal_errors(synthetic):
    X, y = synthetic
    with pytest.raises(ValueError, match="spread must be"):
        MeanSignalDisplay.from_signals(X, y, spread="range")
    with pytest.raises(ValueError, match="Resampler"):
        MeanSignalDisplay.from_signals([np.ones(5), np.ones(6)], ["a", "b"])
    with pytest.raises(ValueError, match="one label per signal"):
        MeanSignalDisplay.from_signals(X, y[:-1])


def test_class_distribution(save_png):
    disp = ClassDistributionDisplay.from_labels(["N"] * 50 + ["A"] * 5 + ["O"] * 20)
    assert disp.classes.tolist() == ["A", "N", "O"]
    assert disp.counts.tolist() == [5, 50, 20]
    labels = [t.get_text() for t in disp.ax_.texts]
    assert "50\n(66.7 %)" in labels
    save_png(disp.figure_, "class_distribution")
    with pytest.raises(ValueError, match="non-empty 1-D"):
        ClassDistributionDisplay.from_labels([])


def test_length_distribution(save_png):
    rng = np.random.default_rng(0)
    lengths = np.concatenate([rng.integers(300, 900, 40), rng.integers(600, 1500, 20)])
    X = [np.zeros(n) for n in lengths]
    y = np.repeat(["N", "A"], [40, 20])
    disp = LengthDistributionDisplay.from_signals(X, y, fs=300)
    np.testing.assert_array_equal(disp.lengths, lengths)
    assert disp.ax_.get_xlabel() == "length (s)"
    legend = disp.ax_.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["A (n=20)", "N (n=40)"]
    assert legend.get_title().get_text() == "60 signals"
    save_png(disp.figure_, "length_distribution")
    # a single length (fixed-length data) still draws a bar
    one = LengthDistributionDisplay.from_signals(np.zeros((5, 100)))
    assert one.ax_.get_xlabel() == "length (samples)"
    save_png(one.figure_, "length_distribution_fixed")


def test_describe_signals_values_and_formats():
    X = [np.array([0.0, 1.0, 2.0]), np.array([4.0, 4.0]), np.array([1.0, 3.0])]
    stats = describe_signals(X, ["N", "A", "N"])
    n_row = stats[stats["class"] == "N"][0]
    pooled = np.array([0.0, 1.0, 2.0, 1.0, 3.0])
    assert n_row["n_signals"] == 2 and n_row["mean_length"] == 2.5
    for field, value in [
        ("mean", pooled.mean()),
        ("std", pooled.std()),
        ("min", 0.0),
        ("q25", 1.0),
        ("median", 1.0),
        ("q75", 2.0),
        ("max", 3.0),
    ]:
        assert n_row[field] == pytest.approx(value)
    assert stats["class"].tolist() == ["A", "N", "all"]
    text = describe_signals(X, ["N", "A", "N"], output="text")
    assert text.splitlines()[0].split()[:3] == ["class", "n_signals", "mean_length"]
    frame = describe_signals(X, ["N", "A", "N"], output="frame")
    assert frame.loc["N", "mean"] == pytest.approx(pooled.mean())
    # no labels: the "all" row only; multi-lead: the chosen lead
    assert describe_signals(np.ones((3, 2, 4)))["class"].tolist() == ["all"]
    two_leads = np.stack([np.zeros((3, 4)), np.ones((3, 4))], axis=1)
    assert describe_signals(two_leads, lead=1)["mean"][0] == 1.0
    with pytest.raises(ValueError, match="lead=2 is out of range"):
        describe_signals(two_leads, lead=2)
    with pytest.raises(ValueError, match="output must be"):
        describe_signals(X, output="html")


def test_signal_stats_display(synthetic, save_png):
    X, y = synthetic
    disp = SignalStatsDisplay.from_signals(X, y)
    assert len(disp.ax_.get_xticklabels()) == 4
    save_png(disp.figure_, "signal_stats")


def test_training_history_from_list(save_png):
    history = [
        {
            "epoch": e,
            "train_loss": 1 / e,
            "valid_loss": 1.2 / e + 0.02 * e,
            "valid_acc": 1 - 0.5 / e,
            "valid_loss_best": e == 4,
            "dur": 0.1,
            "batches": [],
            "event_lr": 0.001,
        }
        for e in range(1, 8)
    ]
    disp = TrainingHistoryDisplay.from_history(history)
    assert disp.losses == ["train_loss", "valid_loss"]
    assert disp.scores == ["valid_acc"]
    assert disp.axes_.shape == (2,)
    assert disp.axes_[0].lines[-1].get_xdata()[0] == 4  # best epoch marker
    save_png(disp.figure_, "history_list")
    only_loss = TrainingHistoryDisplay.from_history([{"epoch": 1, "train_loss": 1.0}])
    assert only_loss.axes_.shape == (1,)
    with pytest.raises(ValueError, match="history is empty"):
        TrainingHistoryDisplay.from_history([])
    with pytest.raises(ValueError, match="no '\\*_loss' column"):
        TrainingHistoryDisplay.from_history([{"epoch": 1, "acc": 0.4}])


def test_training_history_needs_a_network(synthetic):
    X, y = synthetic
    forest = RandomForestClassifier(n_estimators=2).fit(X, y)
    with pytest.raises(TypeError, match="needs a fitted skorch classifier"):
        TrainingHistoryDisplay.from_estimator(
            make_pipeline(Resampler(length=150), forest)
        )


def test_gradcam_display_from_cam(save_png):
    t = np.linspace(0, 2, 400)
    signal = np.sin(2 * np.pi * 3 * t)
    cam = np.exp(-((t - 1.2) ** 2) / 0.02)
    disp = GradCAMDisplay.from_cam(signal, cam, fs=200)
    np.testing.assert_allclose(disp.line_.get_array(), (cam[:-1] + cam[1:]) / 2)
    assert disp.colorbar_ is not None
    save_png(disp.figure_, "gradcam_synthetic")
    with pytest.raises(ValueError, match="same length"):
        GradCAMDisplay.from_cam(signal, cam[:-1])


def test_embedding_display_from_embeddings(save_png):
    rng = np.random.default_rng(0)
    E = np.vstack([rng.normal(m, 1, (30, 10)) for m in (0, 3, 6)])
    y = np.repeat(["N", "S", "V"], 30)
    disp = EmbeddingDisplay.from_embeddings(E, y, random_state=0)
    assert disp.points.shape == (90, 2)
    # t-SNE keeps the three well-separated clusters apart
    centers = np.array([disp.points[y == c].mean(0) for c in "NSV"])
    spread = max(disp.points[y == c].std(0).max() for c in "NSV")
    assert (
        np.min(
            np.linalg.norm(centers[:, None] - centers[None], axis=-1)[
                np.triu_indices(3, 1)
            ]
        )
        > spread
    )
    save_png(disp.figure_, "tsne_synthetic")
    with pytest.raises(ValueError, match="one label per row"):
        EmbeddingDisplay.from_embeddings(E, y[:-1])


def test_normalized_confusion_matrix(save_png):
    y_true = ["N"] * 6 + ["V"] * 4
    y_pred = ["N"] * 5 + ["V"] + ["V"] * 3 + ["N"]
    disp = NormalizedConfusionMatrixDisplay.from_predictions(y_true, y_pred)
    np.testing.assert_allclose(disp.confusion_matrix, [[5 / 6, 1 / 6], [1 / 4, 3 / 4]])
    assert disp.display_labels == ["N\n(n=6)", "V\n(n=4)"]
    assert [t.get_text() for t in disp.ax_.get_xticklabels()] == ["N", "V"]
    assert disp.text_[0, 0].get_text() == "0.83"
    save_png(disp.figure_, "confusion_synthetic")


# --------------------------------------------------------------- real data


@pytest.mark.realdata
def test_cinc2017_overview_plots(cinc2017_small, save_png):
    X, y = cinc2017_small.data, cinc2017_small.target
    examples = SignalExamplesDisplay.from_signals(X, y, n_examples=2, fs=300)
    assert sorted(examples.examples) == ["A", "N", "O", "~"]
    save_png(examples.figure_, "cinc2017_examples")
    classes = ClassDistributionDisplay.from_labels(y)
    assert classes.counts.sum() == 300
    save_png(classes.figure_, "cinc2017_classes")
    lengths = LengthDistributionDisplay.from_signals(X, y, fs=300)
    assert lengths.lengths.min() >= 2714 and np.median(lengths.lengths) == 9000
    save_png(lengths.figure_, "cinc2017_lengths")
    stats = describe_signals(X, y)
    assert stats["n_signals"].tolist()[-1] == 300
    assert np.all(stats["min"] <= stats["q25"]) and np.all(stats["q75"] <= stats["max"])
    save_png(SignalStatsDisplay(stats).plot().figure_, "cinc2017_stats")


@pytest.mark.realdata
def test_mitbih_beats_plots(mitbih_beats_small, save_png):
    data = mitbih_beats_small
    y = data.target_names[data.target]
    mean = MeanSignalDisplay.from_signals(data.data, y, fs=125)
    assert sorted(mean.center) == ["F", "N", "Q", "S", "V"]
    assert mean.axes_.shape == (5,)  # five classes: one panel each
    save_png(mean.figure_, "beats_mean")
    save_png(
        SignalExamplesDisplay.from_signals(data.data, y, fs=125).figure_,
        "beats_examples",
    )
    y_pred = cross_val_predict(
        RandomForestClassifier(n_estimators=20, random_state=0), data.data, y, cv=3
    )
    cm = NormalizedConfusionMatrixDisplay.from_predictions(y, y_pred)
    np.testing.assert_allclose(cm.confusion_matrix.sum(axis=1), 1)
    save_png(cm.figure_, "beats_confusion")


@pytest.fixture(scope="module")
def beats_net(mitbih_beats_small):
    data = mitbih_beats_small
    y = data.target_names[data.target]
    clf = ECGClassifier(
        ConvNet, max_epochs=6, lr=3e-3, validation_fraction=0.2, random_state=0
    )
    pipe = make_pipeline(Resampler(length=187), clf).fit(data.data[::2], y[::2])
    test = np.random.default_rng(0).choice(np.arange(1, len(y), 2), 300, replace=False)
    return pipe, data.data[test], y[test]


@pytest.mark.realdata
def test_network_plots_on_real_beats(beats_net, save_png):
    pipe, X, y = beats_net
    history = TrainingHistoryDisplay.from_estimator(pipe)
    assert history.losses == ["train_loss", "valid_loss"]
    assert "valid_acc" in history.scores
    bare = TrainingHistoryDisplay.from_estimator(pipe[-1])
    assert len(bare.history) == len(pipe[-1].history_)
    plt.close(bare.figure_)
    save_png(history.figure_, "beats_history")
    v_beat = int(np.flatnonzero(y == "V")[0])
    cam = GradCAMDisplay.from_estimator(pipe, X, index=v_beat, fs=125)
    assert cam.line_.get_array().shape == (186,)
    save_png(cam.figure_, "beats_gradcam_V")
    tsne = EmbeddingDisplay.from_estimator(pipe, X, y, random_state=0)
    assert tsne.points.shape == (300, 2)
    save_png(tsne.figure_, "beats_tsne")
    cm = NormalizedConfusionMatrixDisplay.from_estimator(pipe, X, y)
    assert [t.split("\n")[0] for t in cm.display_labels] == pipe.classes_.tolist()
    save_png(cm.figure_, "beats_confusion_net")
