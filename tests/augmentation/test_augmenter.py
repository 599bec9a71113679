"""Tests for sklecg.augmentation.Augmenter."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from imblearn.pipeline import make_pipeline
from imblearn.utils.estimator_checks import estimator_checks_generator
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

from sklecg.augmentation import Augmenter

RNG = np.random.RandomState(0)
ONLY = {"noise_std": 0.0, "scale_range": None, "max_shift": 0.0}


def _imbalanced(n_timesteps=200, shape=(), counts=(30, 10, 5)):
    y = np.repeat(np.array(["N", "A", "O"]), counts)
    X = RNG.randn(len(y), *shape, n_timesteps).astype(np.float32)
    return X, y


# ------------------------------------------------------------ estimator API
IMBLEARN_CHECKS = [
    pair
    for estimator in (
        Augmenter(random_state=0),
        Augmenter(
            random_state=0,
            shift_mode="edge",
            wander_amplitude=0.2,
            fs=100,
            crop_range=(0.7, 1.0),
            warp_range=(0.8, 1.2),
        ),
    )
    for pair in estimator_checks_generator(estimator, mark="xfail")
]


@pytest.mark.parametrize(
    ("estimator", "check"),
    IMBLEARN_CHECKS,
    ids=[f"{i}-{check.func.__name__}" for i, (_, check) in enumerate(IMBLEARN_CHECKS)],
)
def test_imblearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "check",
    [
        check_no_attributes_set_in_init,
        check_parameters_default_constructible,
        check_get_params_invariance,
        check_set_params,
    ],
)
def test_sklearn_api_checks(check):
    check("Augmenter", Augmenter())


# ------------------------------------------------------------ sampling_strategy
@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("auto", {"N": 30, "A": 30, "O": 30}),
        ("not majority", {"N": 30, "A": 30, "O": 30}),
        ("minority", {"N": 30, "A": 10, "O": 30}),
        ("not minority", {"N": 30, "A": 30, "O": 5}),
        ("all", {"N": 30, "A": 30, "O": 30}),
        ({"A": 12, "O": 40}, {"N": 30, "A": 12, "O": 40}),
        ({"N": 0.2, "O": 0.2}, {"N": 36, "A": 10, "O": 6}),
        ({"A": 1.0}, {"N": 30, "A": 20, "O": 5}),
        (lambda y: {"O": 7}, {"N": 30, "A": 10, "O": 7}),
    ],
)
def test_sampling_strategy_reaches_requested_counts(strategy, expected):
    X, y = _imbalanced()
    augmenter = Augmenter(sampling_strategy=strategy, random_state=0)
    X_res, y_res = augmenter.fit_resample(X, y)
    assert Counter(y_res.tolist()) == expected
    assert X_res.shape == (sum(expected.values()), 200)
    added = {k: v - Counter(y.tolist())[k] for k, v in expected.items()}
    assert {k: v for k, v in added.items() if v} == {
        k: v for k, v in augmenter.sampling_strategy_.items() if v
    }


def test_float_strategy_is_the_binary_imblearn_ratio():
    X, y = _imbalanced(counts=(40, 10, 0))
    _, y_res = Augmenter(sampling_strategy=0.5, random_state=0).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {"N": 40, "A": 20}


@pytest.mark.parametrize(
    ("strategy", "error", "match"),
    [
        ({"N": 0.2, "A": 3}, ValueError, "mixes int counts and float fractions"),
        ({"Z": 0.2}, ValueError, r"names class 'Z', absent from y"),
        ({"N": -0.5}, ValueError, "fractions must be >= 0"),
        ({"A": 4}, ValueError, "greater or equal to the original number"),
        ("majority", InvalidParameterError, "sampling_strategy"),
    ],
)
def test_bad_sampling_strategy(strategy, error, match):
    X, y = _imbalanced()
    with pytest.raises(error, match=match):
        Augmenter(sampling_strategy=strategy).fit_resample(X, y)


# ------------------------------------------------------------ layout, indices
def test_array_layout_originals_first_and_sample_indices():
    X, y = _imbalanced(shape=(2,))
    augmenter = Augmenter(random_state=0)
    X_res, y_res = augmenter.fit_resample(X.astype(np.float64), y)
    assert X_res.dtype == np.float32 and X_res.shape == (90, 2, 200)
    assert_array_equal(X_res[:45], X)
    index = augmenter.sample_indices_
    assert_array_equal(index[:45], np.arange(45))
    assert_array_equal(y_res, y[index])
    # copies are drawn evenly from their class: 20 copies of 10 "A" -> 2 each
    assert set(Counter(index[45:][y[index[45:]] == "A"].tolist()).values()) == {2}
    assert set(Counter(index[45:][y[index[45:]] == "O"].tolist()).values()) == {5}
    # each copy stays close to (but differs from) its source
    for row, source in zip(X_res[45:], index[45:]):
        assert not np.array_equal(row, X[source])


def test_list_in_list_out_with_variable_lengths():
    lengths = RNG.randint(150, 300, size=12)
    X = [RNG.randn(n) for n in lengths]
    y = ["a"] * 8 + ["b"] * 4
    augmenter = Augmenter(crop_range=(0.5, 0.9), warp_range=(0.8, 1.25), random_state=1)
    X_res, y_res = augmenter.fit_resample(X, y)
    assert isinstance(X_res, list) and isinstance(y_res, list)
    assert y_res == y + ["b"] * 4
    for x, x_orig in zip(X_res[:12], X):
        assert_array_equal(x, x_orig.astype(np.float32))
    for x, source in zip(X_res[12:], augmenter.sample_indices_[12:]):
        assert x.dtype == np.float32
        n = lengths[source]
        # warp then crop: round(n / s) with s in [0.8, 1.25], times [0.5, 0.9]
        assert 0.5 * n / 1.25 - 1 <= x.size <= 0.9 * n / 0.8 + 1


def test_pandas_series_target_keeps_its_type():
    pd = pytest.importorskip("pandas")
    X, y = _imbalanced()
    _, y_res = Augmenter(random_state=0).fit_resample(X, pd.Series(y, name="rhythm"))
    assert isinstance(y_res, pd.Series) and y_res.name == "rhythm"


def test_blockwise_processing_gives_the_same_copies(monkeypatch):
    from sklecg.augmentation import _augmenter

    X, y = _imbalanced()
    params = {"warp_range": (0.9, 1.1), "wander_amplitude": 0.1, "fs": 50.0}
    whole, _ = Augmenter(random_state=0, **params).fit_resample(X, y)
    monkeypatch.setattr(_augmenter, "_BLOCK", 4)
    blocks, _ = Augmenter(random_state=0, **params).fit_resample(X, y)
    assert_array_equal(whole, blocks)


def test_deterministic_for_a_random_state():
    X, y = _imbalanced()
    first, _ = Augmenter(random_state=3).fit_resample(X, y)
    again, _ = Augmenter(random_state=3).fit_resample(X, y)
    other, _ = Augmenter(random_state=4).fit_resample(X, y)
    assert_array_equal(first, again)
    assert not np.array_equal(first, other)


# ------------------------------------------------------------ transforms
def _copies(X, y, **params):
    augmenter = Augmenter(random_state=0, **params)
    X_res, _ = augmenter.fit_resample(X, y)
    return X_res[len(y) :], X[augmenter.sample_indices_[len(y) :]]


def test_noise_is_relative_to_each_signal_std():
    X, y = _imbalanced(n_timesteps=20000)
    X *= np.linspace(0.1, 10, len(y))[:, None].astype(np.float32)
    copies, sources = _copies(X, y, **{**ONLY, "noise_std": 0.1})
    ratio = (copies - sources).std(axis=1) / sources.std(axis=1)
    assert_allclose(ratio, 0.1, rtol=0.03)


def test_amplitude_scaling_within_range():
    X, y = _imbalanced()
    copies, sources = _copies(X, y, **{**ONLY, "scale_range": (0.5, 0.8)})
    factors = copies / sources
    assert_allclose(factors, np.broadcast_to(factors[:, :1], factors.shape), rtol=1e-5)
    assert np.all((factors >= 0.5 - 1e-6) & (factors <= 0.8 + 1e-6))


@pytest.mark.parametrize("mode", ["circular", "edge"])
def test_time_shift_modes(mode):
    X, y = _imbalanced(n_timesteps=100)
    copies, sources = _copies(X, y, **{**ONLY, "max_shift": 0.2, "shift_mode": mode})
    for copy, source in zip(copies, sources):
        candidates = []
        for k in range(-20, 21):
            index = np.arange(100) - k
            index = index % 100 if mode == "circular" else np.clip(index, 0, 99)
            candidates.append(np.array_equal(copy, source[index]))
        assert sum(candidates) >= 1


def test_multi_lead_signals_share_the_random_draws():
    X, y = _imbalanced(n_timesteps=100, shape=(3,))
    copies, sources = _copies(X, y, **{**ONLY, "max_shift": 0.3})
    assert copies.shape == (45, 3, 100)
    for copy, source in zip(copies, sources):
        shifts = [
            k for k in range(-30, 31) if np.array_equal(copy, np.roll(source, k, -1))
        ]
        assert len(shifts) == 1  # one shift moves all three leads together


def test_baseline_wander_is_a_slow_sinusoid_of_relative_amplitude():
    fs = 100.0
    X, y = _imbalanced(n_timesteps=3000)  # 30 s
    params = {**ONLY, "wander_amplitude": 0.5, "wander_freq": (0.1, 0.3), "fs": fs}
    copies, sources = _copies(X, y, **params)
    wander = copies - sources
    amplitude = 0.5 * sources.std(axis=1)
    # 30 s covers >= 3 periods at >= 0.1 Hz, so the peaks reach the amplitude
    assert_allclose(np.abs(wander).max(axis=1), amplitude, rtol=1e-2)
    spectrum = np.abs(np.fft.rfft(wander, axis=1))
    peak_hz = np.fft.rfftfreq(3000, 1 / fs)[spectrum.argmax(axis=1)]
    assert np.all((peak_hz >= 0.1 - 1 / 30) & (peak_hz <= 0.3 + 1 / 30))


def test_fixed_length_crop_and_warp_keep_the_length_and_the_slope():
    ramp = np.tile(np.arange(101, dtype=np.float32), (20, 1))
    y = np.array([0] * 15 + [1] * 5)
    copies, _ = _copies(ramp, y, **{**ONLY, "warp_range": (0.8, 1.2)})
    slope = np.diff(copies, axis=1)
    # slope s until the edge padding (slope 0) for s > 1
    assert copies.shape == (10, 101)
    for row in slope:
        s = row[0]
        assert 0.8 - 1e-4 <= s <= 1.2 + 1e-4
        rising = row[: np.count_nonzero(row) - 1]  # the last step hits the edge
        assert_allclose(rising, s, rtol=1e-3)
        assert np.all(row[np.count_nonzero(row) :] == 0)
    copies, _ = _copies(ramp, y, **{**ONLY, "crop_range": (0.5, 0.6)})
    first_slope = np.diff(copies, axis=1)[:, 0]
    assert np.all((first_slope >= 0.5 - 1e-4) & (first_slope <= 0.6 + 1e-4))
    assert np.all(copies[:, 0] >= 0) and np.all(copies[:, -1] <= 100)


def test_list_crop_is_an_exact_contiguous_window():
    X = [RNG.randn(100 + i) for i in range(6)]
    y = [0, 0, 0, 0, 1, 1]
    augmenter = Augmenter(**{**ONLY, "crop_range": (0.3, 0.6)}, random_state=0)
    X_res, _ = augmenter.fit_resample(X, y)
    for copy, source in zip(X_res[6:], augmenter.sample_indices_[6:]):
        assert 0.3 * X[source].size <= copy.size <= 0.6 * X[source].size
        windows = np.lib.stride_tricks.sliding_window_view(X[source], copy.size)
        assert np.any(np.all(np.isclose(windows, copy, atol=1e-6), axis=1))


def test_flat_signals_stay_finite():
    X = np.zeros((6, 50))
    y = [0, 0, 0, 0, 1, 1]
    X_res, _ = Augmenter(random_state=0).fit_resample(X, y)
    assert_array_equal(X_res, 0)


# ------------------------------------------------------------ validation
@pytest.mark.parametrize(
    ("X", "y", "params", "match"),
    [
        (np.full((4, 10), np.nan), [0, 0, 0, 1], {}, "NaN or infinite"),
        (np.zeros((4, 10)), [0, 0, 1], {}, "X has 4 signals but y has 3 labels"),
        (np.zeros(10), [0, 1] * 5, {}, "must be 2-D"),
        ([np.zeros((2, 5)), np.zeros((3, 6))], [0, 1], {}, "different numbers of"),
        (np.zeros((4, 10)), [0, 0, 0, 1], {"wander_amplitude": 0.1}, "pass fs="),
        (
            np.zeros((4, 10)),
            [0, 0, 0, 1],
            {"wander_amplitude": 0.1, "fs": 1.0, "wander_freq": (0.1, 0.8)},
            r"high <= 0.5",
        ),
        (np.zeros((4, 10)), [0, 0, 0, 1], {"scale_range": (1.2, 0.8)}, "low <= high"),
        (np.zeros((4, 10)), [0, 0, 0, 1], {"crop_range": (0.5, 1.5)}, "high <= 1.0"),
        (np.zeros((4, 10)), [0, 0, 0, 1], {"warp_range": (1,)}, "pair"),
    ],
)
def test_bad_input_messages(X, y, params, match):
    with pytest.raises(ValueError, match=match):
        Augmenter(**params).fit_resample(X, y)


@pytest.mark.parametrize(
    "params", [{"noise_std": -1}, {"max_shift": 2.0}, {"shift_mode": "reflect"}]
)
def test_invalid_parameters(params):
    with pytest.raises(InvalidParameterError):
        Augmenter(**params).fit(np.zeros((4, 10)), [0, 0, 0, 1])


def test_int_and_float16_signals_are_converted():
    for dtype in (np.int16, np.float16):
        X = (RNG.randn(6, 40) * 100).astype(dtype)
        X_res, _ = Augmenter(random_state=0).fit_resample(X, [0] * 4 + [1] * 2)
        assert X_res.dtype == np.float32
        assert_array_equal(X_res[:6], X.astype(np.float32))


# ------------------------------------------------------------ in a pipeline
class ProbeClassifier(ClassifierMixin, BaseEstimator):
    """Remembers the rows it is fitted on and asked to predict."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.fit_X_ = np.asarray(X)
        return self

    def predict(self, X):
        self.predict_X_ = np.asarray(X)
        return np.full(len(X), self.classes_[0])


def test_pipeline_predict_never_sees_augmented_signals():
    X, y = _imbalanced()
    pipe = make_pipeline(Augmenter(random_state=0), ProbeClassifier()).fit(X, y)
    probe = pipe[-1]
    assert probe.fit_X_.shape[0] == 90  # trained with the copies
    pipe.predict(X)
    assert_array_equal(probe.predict_X_, X)  # predict sees exactly the input


def test_cross_validation_scores_untouched_test_folds():
    X, y = _imbalanced()
    seen = []

    def probe_scorer(estimator, X_test, y_test):
        estimator.predict(X_test)
        rows = estimator[-1].predict_X_
        # every test row is an original row, and there are no extras
        matches = (rows[:, None, :] == X[None, :, :]).all(axis=2)
        assert np.all(matches.sum(axis=1) == 1)
        seen.append((len(rows), estimator[-1].fit_X_.shape[0]))
        return 0.0

    cv = StratifiedKFold(n_splits=5)
    pipe = make_pipeline(Augmenter(random_state=0), ProbeClassifier())
    cross_validate(pipe, X, y, cv=cv, scoring=probe_scorer)
    # 45 rows in 5 folds: 9 untouched test rows; 36 training rows grown to 72
    assert seen == [(9, 72)] * 5


def test_augmenter_clones_and_pickles():
    import pickle

    X, y = _imbalanced()
    augmenter = Augmenter(sampling_strategy={"O": 0.4}, random_state=0)
    restored = pickle.loads(pickle.dumps(clone(augmenter)))
    assert_array_equal(restored.fit_resample(X, y)[0], augmenter.fit_resample(X, y)[0])


# ------------------------------------------------------------ real data
@pytest.mark.realdata
def test_real_mitbih_beats_reach_requested_counts(mitbih_beats_small):
    X, y = mitbih_beats_small.data, mitbih_beats_small.target
    counts = Counter(y.tolist())
    target = {1: 400, 3: 300}
    augmenter = Augmenter(sampling_strategy=target, random_state=0)
    X_res, y_res = augmenter.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {**counts, **target}
    copies = X_res[len(y) :]
    sources = X[augmenter.sample_indices_[len(y) :]]
    # copies are recognisably their source beat (circular shift up to 10 %)
    aligned = [
        max(np.corrcoef(np.roll(c, k), s)[0, 1] for k in range(-19, 20))
        for c, s in zip(copies[:50], sources[:50])
    ]
    assert np.median(aligned) > 0.9
    # AMLS-style: add ~20 % to classes 0 and 2
    fraction = Augmenter(sampling_strategy={0: 0.2, 2: 0.2}, random_state=0)
    _, y_frac = fraction.fit_resample(X, y)
    assert Counter(y_frac.tolist()) == {
        **counts,
        0: counts[0] + round(0.2 * counts[0]),
        2: counts[2] + round(0.2 * counts[2]),
    }


@pytest.mark.realdata
def test_real_cinc_variable_length_records(cinc2017_small):
    X, y = cinc2017_small.data, list(cinc2017_small.target)
    augmenter = Augmenter(
        sampling_strategy={"A": 0.5, "~": 1.0},
        crop_range=(0.8, 1.0),
        wander_amplitude=0.3,
        fs=cinc2017_small.fs,
        random_state=0,
    )
    X_res, y_res = augmenter.fit_resample(X, y)
    counts = Counter(y)
    assert Counter(y_res) == {
        **counts,
        "A": counts["A"] + round(0.5 * counts["A"]),
        "~": 2 * counts["~"],
    }
    for copy, source in zip(X_res[len(y) :], augmenter.sample_indices_[len(y) :]):
        assert 0.8 * len(X[source]) - 1 <= copy.size <= len(X[source])
        assert np.isfinite(copy).all()
