"""ECGClassifier: sklearn behaviour, training options and error messages;
searches, pipelines and every architecture on real MIT-BIH beats."""

import pickle

import joblib
import numpy as np
import pytest
import torch
from _nn_common import quick_net, subset, toy_signals
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline as ImbPipeline
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.manifold import TSNE
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback, EarlyStopping, ProgressBar

from sklecg.augmentation import Augmenter
from sklecg.features import STFTFeatures
from sklecg.nn import (
    CNNLSTM,
    ConvNet,
    CoupledCNN,
    ECGClassifier,
    FocalLoss,
    ResidualCNN,
    RhythmResNet,
    SimpleCNN,
    SpectrogramCNNLSTM,
)
from sklecg.nn._callbacks import random_crop
from sklecg.preprocessing import Resampler, SignalScaler

# checks that cannot pass by design (the reasons are the values)
EXPECTED_FAILED_CHECKS = {
    "check_no_attributes_set_in_init": (
        "skorch's NeuralNet.__init__ sets history_, initialized_, "
        "virtual_params_ and stores prefixed arguments as attributes"
    ),
    "check_sample_weight_equivalence_on_dense_data": (
        "mini-batch training sees repeated rows in more batches (and in "
        "BatchNorm statistics) than weighted rows; the loss itself matches "
        "repetition, see test_sample_weight_counts_as_repeated_rows"
    ),
    "check_fit2d_1feature": (
        "convolution/pooling networks need a minimum signal length; the "
        "error names that minimum instead of '1 feature(s)'"
    ),
}


class _RecordLR(Callback):
    """Append the learning rate in use at the start of every epoch."""

    def __init__(self, lrs):
        self.lrs = lrs

    def on_epoch_begin(self, net, **kwargs):
        self.lrs.append(net.optimizer_.param_groups[0]["lr"])


def small_net(**params):
    defaults = {"max_epochs": 3, "batch_size": 16, "random_state": 0}
    params = {"module": SimpleCNN, **defaults, **params}
    return ECGClassifier(**params)


@parametrize_with_checks(
    [
        ECGClassifier(
            ConvNet,
            module__filters=(4,),
            module__n_hidden=8,
            max_epochs=10,
            batch_size=64,
            lr=2e-2,
            validation_fraction=None,
            random_state=0,
        )
    ],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_string_labels_round_trip_and_proba_column_order():
    X, y = toy_signals()
    # the toy classes differ by where the bump is: a position-aware network
    net = small_net(module=ConvNet, max_epochs=8, lr=3e-3).fit(X, y)
    assert net.classes_.tolist() == ["N", "S", "V"]
    pred = net.predict(X)
    assert set(pred) <= {"N", "S", "V"}
    proba = net.predict_proba(X)
    assert proba.shape == (90, 3) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(pred, net.classes_[proba.argmax(axis=1)])
    assert net.score(X, y) > 0.9


def test_non_contiguous_int_labels():
    X, y = toy_signals(labels=(7, 2, 40))
    net = small_net().fit(X, y)
    assert net.classes_.tolist() == [2, 7, 40]
    assert set(net.predict(X)) <= {2, 7, 40}
    assert net.module_.classifier.out_features == 3


def test_sizes_are_inferred_for_multi_lead_and_float32_input():
    X, y = toy_signals(t=96)
    X3 = np.stack([X, -X], axis=1).astype(np.float32)  # (n, 2 leads, 96)
    net = small_net(module=ConvNet, max_epochs=1).fit(X3, y)
    assert net.input_shape_ == (2, 96) and net.n_features_in_ == 2
    assert net.module_.blocks[0][1].in_channels == 2
    assert net.prepare_input(X3[:4]).shape == (4, 2, 96)
    assert net.prepare_input(X3[:4]).dtype == torch.float32


def test_explicit_module_arguments_win_over_inferred_ones():
    X, y = toy_signals()
    net = small_net(module__n_hidden=16, max_epochs=1).fit(X, y)
    assert net.module_.classifier.in_features == 16
    assert net.embed(X).shape == (90, 16)


def test_embed_matches_forward_features():
    X, y = toy_signals()
    net = small_net(max_epochs=1).fit(X, y)
    emb = net.embed(X)
    with torch.no_grad():
        ref = net.module_.eval().forward_features(net.prepare_input(X)).numpy()
    np.testing.assert_allclose(emb, ref, rtol=1e-5, atol=1e-6)
    # logits of the classifier on the embedding give predict_proba
    logits = net.module_.classifier(torch.from_numpy(emb))
    np.testing.assert_allclose(
        torch.softmax(logits, -1).detach().numpy(), net.predict_proba(X), atol=1e-5
    )


def test_same_random_state_gives_identical_weights_and_rng_is_restored():
    X, y = toy_signals()
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = small_net(sampler_ratio=1.0, max_epochs=2).fit(X, y)
    assert torch.rand(1) == before  # global torch RNG untouched by fit
    b = small_net(sampler_ratio=1.0, max_epochs=2).fit(X, y)
    for pa, pb in zip(a.module_.parameters(), b.module_.parameters()):
        assert torch.equal(pa, pb)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    c = small_net(random_state=1, max_epochs=2).fit(X, y)
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))


def test_clone_gives_unfitted_twin_and_joblib_round_trip(tmp_path):
    X, y = toy_signals()
    net = small_net(optimizer__weight_decay=0.0).fit(X, y)
    twin = clone(net)
    assert twin.get_params()["optimizer__weight_decay"] == 0.0
    with pytest.raises(NotFittedError):
        check_is_fitted(twin)
    joblib.dump(net, tmp_path / "net.joblib")
    loaded = joblib.load(tmp_path / "net.joblib")
    np.testing.assert_array_equal(loaded.predict_proba(X), net.predict_proba(X))
    assert loaded.get_params()["device"] == "auto"


def test_unfitted_net_is_honestly_unfitted():
    X, _ = toy_signals()
    net = small_net()
    net.initialize()  # skorch would now consider it fitted (skorch #1118)
    for method in (net.predict, net.predict_proba, net.embed, net.prepare_input):
        with pytest.raises(NotFittedError):
            method(X)
    with pytest.raises(AttributeError, match="no attribute 'classes_' before fit"):
        net.classes_  # noqa: B018


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [
        (np.full((6, 64), np.nan), list("NSNSNS"), "NaN or infinite"),
        (np.zeros(64), ["N"], "Expected 2D array"),
        (np.zeros((6, 1, 2, 64)), list("NSNSNS"), "must be 2-D"),
        (np.zeros((6, 64)), list("NNNNNN"), "only one class"),
        (np.zeros((6, 64)), list("NSNSN"), "different numbers of samples"),
        (np.zeros((6, 64)), np.linspace(0, 1, 6), "Unknown label type"),
        ([np.zeros(64), np.zeros(50)], ["N", "S"], "Resampler"),
        (np.zeros((6, 64)), list("NSNSNS"), None),
    ],
)
def test_bad_fit_input_is_rejected(X, y, match):
    if match is None:  # spectrogram module on 1-D signals
        net = small_net(module=_spectrogram_module())
        match = "spectrograms of shape"
    else:
        net = small_net()
    with pytest.raises(ValueError, match=match):
        net.fit(X, y)


def _spectrogram_module():
    from sklecg.nn import SpectrogramCNNLSTM

    return SpectrogramCNNLSTM


def test_bad_predict_input_and_unseen_labels():
    X, y = toy_signals()
    net = small_net(module=ConvNet, max_epochs=1).fit(X, y)  # fixed length
    with pytest.raises(ValueError, match="X has 50 features, but ECGClassifier is"):
        net.predict(X[:, :50])
    with pytest.raises(
        ValueError,
        match=r"fitted on 1-lead signals of length 64 and received a 3-D array "
        r"of shape \(90, 2, 64\); pass an array of shape \(n_samples, 64\)\.",
    ):
        net.predict(np.stack([X, X], axis=1))
    with pytest.raises(ValueError, match=r"labels \['Q'\] that the model never saw"):
        net.partial_fit(X[:3], ["N", "S", "Q"])
    net.partial_fit(X, y)  # known labels: continues training
    assert len(net.history_) == 2


@pytest.mark.parametrize(
    "params",
    [{"module": SimpleCNN}, {"module": RhythmResNet, "module__filters": (8, 16)}],
)
def test_a_module_taking_any_length_predicts_on_any_length(params):
    X, y = toy_signals()
    net = small_net(**params, max_epochs=1).fit(X, y)
    assert net.get_params()["module__n_timesteps"] == 64
    for length in (40, 64, 150):
        signals = np.resize(X, (len(X), length))
        assert net.predict_proba(signals).shape == (90, 3)
        assert net.embed(signals[:, None]).shape[0] == 90  # 3-D, one lead
    with pytest.raises(ValueError, match="fitted on 1-lead signals of length 64"):
        net.predict(np.stack([X, X], axis=1))  # the number of leads still counts


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"validation_fraction": 1.5}, "validation_fraction must be"),
        ({"lr_scheduler": "cyclic"}, "lr_scheduler must be one of"),
        ({"optimizer": "adagrad"}, "optimizer 'adagrad' is unknown"),
        ({"module": None}, "exactly one of module"),
        ({"validation_fraction": 0.02}, "Cannot hold out a stratified"),
    ],
)
def test_bad_hyperparameters_are_rejected(params, match):
    X, y = toy_signals()
    with pytest.raises(ValueError, match=match):
        small_net(**params).fit(X, y)


def test_defaults_and_optimizer_choice():
    X, y = toy_signals()
    net = ECGClassifier(SimpleCNN, max_epochs=1).fit(X, y)
    assert type(net.optimizer_).__name__ == "AdamW"
    group = net.optimizer_.param_groups[0]
    assert group["lr"] == 1e-3 and group["weight_decay"] == 1e-3
    assert dict(net.callbacks_)["early_stopping"].patience == 5
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert net.get_params()["device"] == "auto" and net.device == expected
    assert clone(net).get_params()["device"] == "auto"
    assert next(net.module_.parameters()).device.type == expected
    for name, cls in [
        ("adam", "Adam"),
        ("RMSprop", "RMSprop"),
        (torch.optim.SGD, "SGD"),
    ]:
        net = small_net(optimizer=name, max_epochs=1).fit(X, y)
        assert type(net.optimizer_).__name__ == cls


def test_early_stopping_restores_best_weights_in_memory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    X, y = toy_signals()
    # a huge learning rate makes the validation loss blow up after epoch 1-2
    net = small_net(lr=0.5, optimizer="sgd", max_epochs=12, patience=2).fit(X, y)
    losses = net.history_[:, "valid_loss"]
    assert len(losses) < 12
    stopper = dict(net.callbacks_)["early_stopping"]
    assert stopper.best_epoch_ == int(np.argmin(losses)) + 1 < len(losses)
    for name, value in net.module_.state_dict().items():
        assert torch.equal(value, stopper.best_model_weights_[name])
    assert list(tmp_path.iterdir()) == []  # no checkpoint files written


def test_named_callbacks_are_searchable():
    X, y = toy_signals()
    grid = GridSearchCV(
        small_net(max_epochs=2, lr_scheduler="step"),
        {
            "callbacks__early_stopping__patience": [1, 3],
            "callbacks__lr_scheduler__step_size": [1],
        },
        cv=StratifiedKFold(2),
        n_jobs=2,
    ).fit(X, y)
    best = grid.best_estimator_
    assert dict(best.callbacks_)["lr_scheduler"].step_size == 1
    assert dict(best.callbacks_)["early_stopping"].patience in (1, 3)
    assert grid.predict(X[:5]).shape == (5,)


def test_lr_schedulers():
    X, y = toy_signals()
    net = small_net(lr_scheduler="step", lr_factor=0.5, lr_step_size=1, patience=None)
    net.fit(X, y)
    assert net.optimizer_.param_groups[0]["lr"] == pytest.approx(1e-3 * 0.5**3)
    net = small_net(lr_scheduler="plateau", lr_factor=0.2)
    policy = dict(net.fit(X, y).callbacks_)["lr_scheduler"].lr_scheduler_
    assert type(policy).__name__ == "ReduceLROnPlateau"
    assert (policy.factor, policy.patience) == (0.2, 10)
    net.set_params(callbacks__lr_scheduler__patience=4)
    policy = dict(net.fit(X, y).callbacks_)["lr_scheduler"].lr_scheduler_
    assert (policy.factor, policy.patience) == (0.2, 4)


@pytest.mark.parametrize("scheduler", ["plateau", "cosine", None])
def test_lr_step_size_is_only_the_period_of_the_step_schedule(scheduler):
    X, y = toy_signals()
    net = small_net(lr_scheduler=scheduler, lr_step_size=4)
    with pytest.raises(ValueError, match="lr_step_size is the period of lr_sched"):
        net.fit(X, y)


def test_cosine_schedule_follows_half_a_cosine_over_max_epochs():
    X, y = toy_signals()
    net = small_net(lr_scheduler="cosine", max_epochs=4, patience=None)
    lrs = []
    net.set_params(callbacks=[("record_lr", _RecordLR(lrs))]).fit(X, y)
    expected = [1e-3 * (1 + np.cos(np.pi * epoch / 4)) / 2 for epoch in range(4)]
    np.testing.assert_allclose(lrs, expected, rtol=1e-6)
    assert net.optimizer_.param_groups[0]["lr"] == pytest.approx(0.0, abs=1e-12)


def test_class_weight_reaches_the_criterion():
    X, y = toy_signals()
    keep = np.r_[np.flatnonzero(y != "V"), np.flatnonzero(y == "V")[:10]]
    X, y = X[keep], y[keep]  # 30 N, 30 S, 10 V
    net = small_net(class_weight="balanced", class_weight_alpha=0.5, max_epochs=1)
    net.fit(X, y)
    expected = (70 / (3 * np.array([30, 30, 10]))) ** 0.5
    np.testing.assert_allclose(net.criterion_.weight.cpu().numpy(), expected, rtol=1e-6)
    focal = small_net(criterion=FocalLoss, criterion__gamma=1.0, class_weight={"V": 3})
    focal.set_params(max_epochs=1).fit(X, y)
    np.testing.assert_allclose(focal.criterion_.weight.cpu().numpy(), [1, 1, 3])
    assert isinstance(focal.criterion_, FocalLoss)


def test_balanced_sampling_changes_the_epoch_size():
    X, y = toy_signals()
    keep = np.r_[np.flatnonzero(y == "N"), np.flatnonzero(y != "N")[:10]]
    X, y = X[keep], y[keep]  # 30 N and 10 others
    net = small_net(sampler_ratio=1.0, max_epochs=1, validation_fraction=None)
    net.fit(X, y)
    batches = net.history_[-1, "batches"]
    n_seen = sum(b["train_batch_size"] for b in batches)
    counts = np.unique(y, return_counts=True)[1]
    assert n_seen == counts.max() * len(counts)


def test_verbose_log_and_quiet_mode(capsys):
    X, y = toy_signals()
    small_net(max_epochs=2).fit(X, y)
    assert capsys.readouterr().out == ""
    small_net(max_epochs=2, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "train_loss" in out and "valid_loss" in out
    assert len(out.strip().splitlines()) == 4  # header, rule, 2 epochs


def test_verbose_2_adds_a_batch_progress_bar_on_a_terminal(fake_stderr, capsys):
    X, y = toy_signals()
    err = fake_stderr(tty=True)
    net = small_net(max_epochs=2, verbose=2).fit(X, y)
    assert isinstance(dict(net.callbacks_)["progress_bar"], ProgressBar)
    assert "/7 [" in err.getvalue()  # 6 training + 1 validation batches of 16
    assert len(capsys.readouterr().out.strip().splitlines()) == 4  # as verbose=1
    loaded = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))
    assert clone(net).get_params()["verbose"] == 2


def test_verbose_2_prints_no_bar_elsewhere(fake_stderr, capsys):
    X, y = toy_signals()
    err = fake_stderr(tty=False)
    net = small_net(max_epochs=1, verbose=2).fit(X, y)
    assert "progress_bar" not in dict(net.callbacks_)
    assert err.getvalue() == ""
    assert "train_loss" in capsys.readouterr().out


@pytest.mark.parametrize("verbose", [-1, "yes", 1.5])
def test_verbose_must_be_a_non_negative_int(verbose):
    X, y = toy_signals()
    with pytest.raises(ValueError, match=r"verbose must be an int >= 0 \(0: quiet"):
        small_net(verbose=verbose).fit(X, y)


def test_cnn_lstm_and_spectrogram_module_fit():
    X, y = toy_signals(t=64)
    net = small_net(module=CNNLSTM, max_epochs=1).fit(X, y)
    assert net.predict(X).shape == (90,)
    spec = np.abs(np.fft.rfft(X.reshape(90, 8, 8), axis=-1)).transpose(0, 2, 1)
    net2d = small_net(module=_spectrogram_module(), max_epochs=1).fit(spec, y)
    assert net2d.input_shape_ == (1, 5, 8)
    assert net2d.module_.lstm.hidden_size == 192
    assert net2d.predict_proba(spec).shape == (90, 3)


def test_pickle_keeps_auto_device():
    X, y = toy_signals()
    net = small_net(max_epochs=1).fit(X, y)
    loaded = pickle.loads(pickle.dumps(net))
    assert loaded.get_params()["device"] == "auto"
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))
    assert isinstance(dict(loaded.callbacks_)["early_stopping"], EarlyStopping)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a CPU-only machine")
def test_net_saved_for_cuda_loads_on_a_cpu_only_machine():
    X, y = toy_signals()
    net = small_net(max_epochs=1).fit(X, y)
    expected = net.predict_proba(X)
    net.device = "cuda"  # the state a net pickled on a GPU machine carries
    with pytest.warns(UserWarning, match="no CUDA devices are available"):
        loaded = pickle.loads(pickle.dumps(net))
    assert str(loaded.device) == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X), expected)


def test_train_crop_length_feeds_random_windows_while_training_only():
    X, y = toy_signals()
    lengths = {True: set(), False: set()}
    net = small_net(
        module=RhythmResNet, module__filters=(8, 16), train_crop_length=40, max_epochs=2
    )

    def record(module, inputs, output):
        lengths[module.training].add(inputs[0].shape[-1])

    net.fit(X, y)
    net.module_.register_forward_hook(record)
    net.partial_fit(X, y)  # one more training epoch, hook in place
    net.predict(X[:4])
    assert lengths == {True: {40}, False: {X.shape[1]}}


def test_random_crop_takes_contiguous_windows_at_random_offsets():
    X = torch.arange(2 * 3 * 20, dtype=torch.float32).view(2, 3, 20)
    torch.manual_seed(0)
    crops = random_crop(X, 5)
    assert crops.shape == (2, 3, 5)
    starts = crops[:, 0, 0] - X[:, 0, 0]
    for signal, start in zip(range(2), starts.long().tolist(), strict=True):
        assert 0 <= start <= 15
        torch.testing.assert_close(crops[signal], X[signal, :, start : start + 5])
    offsets = {int(random_crop(X, 5)[0, 0, 0]) for _ in range(30)}
    assert len(offsets) > 5


def test_train_crop_length_is_reproducible_with_random_state():
    X, y = toy_signals()
    first = small_net(
        module=RhythmResNet, module__filters=(8, 16), train_crop_length=40
    ).fit(X, y)
    second = small_net(
        module=RhythmResNet, module__filters=(8, 16), train_crop_length=40
    ).fit(X, y)
    np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"train_crop_length": 0}, "train_crop_length must be None or a positive"),
        ({"train_crop_length": 2.5}, "train_crop_length must be None or a positive"),
        ({"train_crop_length": 10_000}, "is longer than the signals"),
        (
            {"module": SpectrogramCNNLSTM, "train_crop_length": 8},
            "this module takes spectrograms",
        ),
    ],
)
def test_bad_train_crop_length_is_rejected(params, match):
    X, y = toy_signals()
    if params.get("module") is SpectrogramCNNLSTM:
        X = np.abs(np.fft.rfft(X.reshape(len(X), 8, -1), axis=-1)).transpose(0, 2, 1)
    with pytest.raises(ValueError, match=match):
        small_net(**params).fit(X, y)


def test_bf16_precision_runs_the_network_in_bfloat16():
    X, y = toy_signals()
    seen = []
    net = small_net(module=ConvNet, precision="bf16", max_epochs=8, lr=3e-3)
    net.fit(X, y)
    hook = net.module_.blocks[0].register_forward_hook(
        lambda module, inputs, out: seen.append(out.dtype)
    )
    proba = net.predict_proba(X)
    hook.remove()
    assert seen and set(seen) == {torch.bfloat16}
    # weights stay float32; outputs are float64 probabilities
    assert {p.dtype for p in net.module_.parameters()} == {torch.float32}
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    # close to the full-precision network with the same weights
    fp32 = pickle.loads(pickle.dumps(net))
    fp32.precision = "fp32"  # an attribute, not set_params: keeps the weights
    np.testing.assert_allclose(fp32.predict_proba(X), proba, atol=0.05)
    assert np.mean(net.predict(X) == y) > 0.9


@pytest.mark.parametrize("precision", ["fp16", None, 16])
def test_unknown_precision_is_rejected(precision):
    X, y = toy_signals()
    with pytest.raises(
        ValueError, match=r"precision must be one of \['bf16', 'fp32'\]"
    ):
        small_net(precision=precision).fit(X, y)


@pytest.mark.parametrize("class_weight", [None, {"N": 0.5, "S": 1.0, "V": 3.0}])
def test_sample_weight_counts_as_repeated_rows(class_weight):
    X, y = toy_signals()
    weights = (np.arange(len(y)) // 3) % 3  # 0, 1 or 2 copies, every class
    repeated = np.repeat(np.arange(len(y)), weights)
    # lr=0 and one full batch: the logged loss is that of the initial weights
    fixed = {
        "module__dropout": 0.0,
        "lr": 0.0,
        "max_epochs": 1,
        "batch_size": -1,
        "validation_fraction": None,
        "class_weight": class_weight,
    }
    weighted = small_net(**fixed).fit(X, y, sample_weight=weights)
    copies = small_net(**fixed).fit(X[repeated], y[repeated])
    assert weighted.history_[-1, "train_loss"] == pytest.approx(
        copies.history_[-1, "train_loss"], rel=1e-5
    )
    # trained for real, weighted fits still predict the user's labels
    trained = small_net(module=ConvNet, max_epochs=2).fit(X, y, sample_weight=weights)
    assert set(trained.predict(X)) <= {"N", "S", "V"}


def test_sample_weight_inside_sklearn_meta_estimators():
    from sklearn.ensemble import AdaBoostClassifier

    X, y = toy_signals()
    net = small_net(module=ConvNet, max_epochs=8, lr=3e-3)
    boost = AdaBoostClassifier(net, n_estimators=2, random_state=0)
    assert boost.fit(X, y).predict(X[:4]).shape == (4,)


@pytest.mark.parametrize(
    ("sample_weight", "match"),
    [(-np.ones(90), "Negative values in data"), (np.ones(5), r"\(5,\)")],
)
def test_bad_sample_weight_is_rejected(sample_weight, match):
    X, y = toy_signals()
    with pytest.raises(ValueError, match=match):
        small_net().fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("max_epochs", [0, -3, 1.5, True])
def test_max_epochs_must_be_a_positive_int(max_epochs):
    X, y = toy_signals()
    net = small_net(max_epochs=max_epochs)
    with pytest.raises(ValueError, match="max_epochs must be a positive int"):
        net.fit(X, y)
    with pytest.raises(NotFittedError):
        net.predict(X)


def test_two_lead_net_given_one_lead_signals_says_what_it_was_fitted_on():
    X, y = toy_signals(n=30)
    net = small_net(max_epochs=1, validation_fraction=None).fit(
        np.stack([X, -X], axis=1), y
    )
    with pytest.raises(ValueError) as info:
        net.predict(X)
    assert str(info.value) == (
        "ECGClassifier was fitted on 2-lead signals of length 64 and received "
        "a 2-D array of shape (30, 64); pass an array of shape "
        "(n_samples, 2, 64)."
    )


# ------------------------------------------------------------ real data
@pytest.mark.realdata
def test_grid_search_over_a_pipeline(mitbih_beats_small):
    X, y = subset(mitbih_beats_small, 900)
    pipe = Pipeline(
        [
            ("resample", Resampler(length=128)),
            ("scale", SignalScaler()),
            ("net", quick_net()),
        ]
    )
    grid = GridSearchCV(
        pipe,
        {"net__lr": [1e-3, 3e-3], "net__module__dropout": [0.0, 0.5]},
        cv=StratifiedKFold(3),
        scoring="f1_macro",
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    pred = grid.predict(X)
    assert set(pred) <= set(y)
    assert grid.best_estimator_["net"].input_shape_ == (1, 128)
    assert grid.predict_proba(X).shape == (900, len(np.unique(y)))


@pytest.mark.realdata
@pytest.mark.parametrize(
    "sampler",
    [
        SMOTE(k_neighbors=1, random_state=0),
        Augmenter(sampling_strategy="not majority", random_state=0),
    ],
    ids=["SMOTE", "Augmenter"],
)
def test_grid_search_over_an_imblearn_pipeline(mitbih_beats_small, sampler):
    X, y = subset(mitbih_beats_small, 600)
    pipe = ImbPipeline([("sampler", sampler), ("net", quick_net(max_epochs=1))])
    grid = GridSearchCV(pipe, {"net__lr": [1e-3, 3e-3]}, cv=StratifiedKFold(3))
    grid.fit(X, y)
    assert set(grid.predict(X)) <= set(y)
    # the sampler ran while fitting: the net saw balanced classes
    net = grid.best_estimator_["net"]
    assert net.classes_.tolist() == sorted(set(y))


SIGNAL_ARCHITECTURES = [
    (SimpleCNN, {}),
    (ConvNet, {"module__filters": (16, 16, 16)}),
    (ResidualCNN, {}),
    (CoupledCNN, {"module__filters": (16, 32)}),
    (CNNLSTM, {"module__filters": (16, 32), "module__lstm_hidden": 32}),
]


@pytest.mark.realdata
@pytest.mark.parametrize(("module", "params"), SIGNAL_ARCHITECTURES)
def test_every_architecture_fits_real_beats(mitbih_beats_small, module, params):
    X, y = subset(mitbih_beats_small, 400)
    net = quick_net(module=module, max_epochs=1, **params).fit(X, y)
    assert net.input_shape_ == (1, 187)
    assert net.predict(X).shape == (400,)
    assert np.isfinite(net.history_[-1, "train_loss"])


@pytest.mark.realdata
def test_spectrogram_network_fits_real_beats(mitbih_beats_small):
    X, y = subset(mitbih_beats_small, 400)
    pipe = Pipeline(
        [
            ("stft", STFTFeatures(fs=125, n_fft=32, hop_length=8)),
            ("net", quick_net(module=SpectrogramCNNLSTM, max_epochs=1)),
        ]
    ).fit(X, y)
    net = pipe["net"]
    assert net.input_shape_[:2] == (1, 17)
    assert net.module_.lstm.hidden_size == 192
    assert pipe.predict_proba(X).shape == (400, len(np.unique(y)))


@pytest.mark.realdata
def test_imbalance_options_on_real_beats(mitbih_beats_small):
    X, y = subset(mitbih_beats_small, 600)
    net = quick_net(
        criterion=FocalLoss,
        class_weight="balanced",
        class_weight_alpha=0.5,
        sampler_ratio=0.5,
    ).fit(X, y)
    counts = np.unique(y, return_counts=True)[1]
    np.testing.assert_allclose(
        net.class_weight_, (len(y) / (len(counts) * counts)) ** 0.5, rtol=1e-5
    )
    assert set(net.predict(X)) <= set(y)


@pytest.mark.realdata
def test_embeddings_feed_tsne(mitbih_beats_small):
    X, y = subset(mitbih_beats_small, 200)
    net = quick_net(max_epochs=1, validation_fraction=None).fit(X, y)
    emb = net.embed(X)
    assert emb.shape == (200, 128) and emb.dtype == np.float32
    points = TSNE(n_components=2, perplexity=10, random_state=0).fit_transform(emb)
    assert points.shape == (200, 2) and np.isfinite(points).all()
