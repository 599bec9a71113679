"""Tests of sklecg.features.STFTFeatures."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from scipy.signal import stft
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklecg.features import STFTFeatures


@parametrize_with_checks(
    [
        STFTFeatures(n_fft=2, hop_length=1),
        STFTFeatures(n_fft=2, hop_length=1, output="log_power", reduce="mean_freq"),
    ],
    expected_failed_checks=lambda est: est._expected_failed_checks,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _scipy_stft(X, fs, n_fft, hop, window="hann"):
    """Reference: scipy.signal.stft with the STFTFeatures framing."""
    return stft(
        X,
        fs=fs,
        window=window,
        nperseg=n_fft,
        noverlap=n_fft - hop,
        boundary=None,
        padded=False,
    )


def _assert_close(actual, expected):
    scale = np.abs(expected).max()
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5 * scale)


@pytest.fixture(scope="module")
def signals():
    rng = np.random.default_rng(0)
    t = np.arange(3000) / 300
    tone = np.sin(2 * np.pi * 25 * t)
    return (rng.normal(size=(7, 3000)) + 3 * tone).astype(np.float32)


@pytest.mark.parametrize("window", ["hann", ("tukey", 0.25), "hamming", "boxcar"])
@pytest.mark.parametrize(("n_fft", "hop"), [(256, 64), (128, 100), (64, 64)])
def test_matches_scipy_stft(signals, window, n_fft, hop):
    stft_ = STFTFeatures(fs=300, n_fft=n_fft, hop_length=hop, window=window)
    out = stft_.fit_transform(signals)
    freqs, times, Z = _scipy_stft(signals, 300, n_fft, hop, window)
    assert out.shape == Z.shape == (7, n_fft // 2 + 1, 1 + (3000 - n_fft) // hop)
    assert out.dtype == np.float32
    _assert_close(out, np.abs(Z))
    np.testing.assert_allclose(stft_.frequencies_, freqs)
    np.testing.assert_allclose(stft_.times_, times)


@pytest.mark.parametrize(
    ("output", "from_magnitude"),
    [
        ("power", np.square),
        ("log_power", lambda m: 10 * np.log10(m**2 + 1e-10)),
    ],
)
def test_power_outputs(signals, output, from_magnitude):
    out = STFTFeatures(n_fft=128, hop_length=32, output=output).fit_transform(signals)
    _assert_close(out, from_magnitude(np.abs(_scipy_stft(signals, 1, 128, 32)[2])))


def test_tone_peaks_at_its_frequency(signals):
    stft_ = STFTFeatures(fs=300, n_fft=300, hop_length=150, reduce="mean_time")
    spectrum = stft_.fit_transform(signals)
    assert np.all(stft_.frequencies_[spectrum.argmax(axis=1)] == 25.0)
    # "spectrum" scaling: a sinusoid of amplitude 3 shows about 3 / 2
    np.testing.assert_allclose(spectrum.max(axis=1), 1.5, rtol=0.1)


@pytest.mark.parametrize(
    ("reduce", "reference"),
    [
        ("mean_freq", lambda S: S.mean(axis=1)),
        ("mean_time", lambda S: S.mean(axis=2)),
        ("flatten", lambda S: S.reshape(len(S), -1)),
    ],
)
def test_reductions_and_feature_names(signals, reduce, reference):
    full = STFTFeatures(n_fft=64, hop_length=32).fit_transform(signals)
    stft_ = STFTFeatures(n_fft=64, hop_length=32, reduce=reduce)
    out = stft_.fit_transform(signals)
    np.testing.assert_allclose(out, reference(full), rtol=1e-5, atol=1e-6)
    names = stft_.get_feature_names_out()
    assert names.shape == (out.shape[1],)
    assert len(set(names)) == out.shape[1]
    frame = stft_.set_output(transform="pandas").transform(signals)
    assert list(frame.columns) == list(names)


def test_feature_names_spell_frames_and_frequencies(signals):
    by_frame = STFTFeatures(n_fft=64, hop_length=32, reduce="mean_freq").fit(signals)
    assert by_frame.get_feature_names_out()[-1] == f"stft_frame{by_frame.n_frames_ - 1}"
    flat = STFTFeatures(n_fft=64, hop_length=32, reduce="flatten").fit(signals)
    assert flat.get_feature_names_out()[1] == "stft_freq0_frame1"
    with pytest.raises(ValueError, match="2-D outputs only"):
        STFTFeatures(n_fft=64).fit(signals).get_feature_names_out()


@pytest.mark.parametrize(
    ("chunk_size", "n_jobs"), [(1, None), (3, 2), (7, None), (100, -1), (None, 2)]
)
def test_chunks_and_threads_do_not_change_the_result(signals, chunk_size, n_jobs):
    reference = STFTFeatures(n_fft=128, hop_length=64).fit_transform(signals)
    stft_ = STFTFeatures(n_fft=128, hop_length=64, chunk_size=chunk_size, n_jobs=n_jobs)
    np.testing.assert_array_equal(stft_.fit_transform(signals), reference)


def test_multi_lead(signals):
    X = np.stack([signals, -2 * signals], axis=1)
    out = STFTFeatures(n_fft=128, hop_length=64).fit_transform(X)
    single = STFTFeatures(n_fft=128, hop_length=64).fit_transform(signals)
    assert out.shape == (7, 2, *single.shape[1:])
    np.testing.assert_allclose(out[:, 1], 2 * single, rtol=1e-5)
    reduced = STFTFeatures(n_fft=128, hop_length=64, reduce="mean_time").fit(X)
    assert reduced.transform(X).shape == (7, 2 * 65)
    assert reduced.get_feature_names_out()[65] == "lead1_stft_freq0"


def test_window_array_and_default_hop(signals):
    window = np.hanning(66)[1:-1]
    stft_ = STFTFeatures(n_fft=64, window=window).fit(signals)
    assert stft_.n_frames_ == 1 + (3000 - 64) // 16
    _assert_close(
        stft_.transform(signals), np.abs(_scipy_stft(signals, 1, 64, 16, window)[2])
    )
    with pytest.raises(
        ValueError, match=r"shape \(n_fft,\) = \(64,\); got shape \(3,\)"
    ):
        STFTFeatures(n_fft=64, window=[1.0, 2.0, 3.0]).fit(signals)


def test_int_and_float16_input():
    X = (np.arange(40) % 7).reshape(2, 20)
    expected = STFTFeatures(n_fft=8).fit_transform(X.astype(np.float32))
    np.testing.assert_array_equal(STFTFeatures(n_fft=8).fit_transform(X), expected)
    half = STFTFeatures(n_fft=8).fit_transform(X.astype(np.float16))
    assert half.dtype == np.float32
    np.testing.assert_allclose(half, expected, rtol=1e-6)


@pytest.mark.parametrize(
    ("X", "message"),
    [
        (np.ones((2, 100)), r"signal of 100 samples but at least 256 .*n_fft=256"),
        (
            [np.ones(300), np.ones(400)],
            r"different lengths \(300 to 400 samples\).*Resampler",
        ),
        (np.array([[np.nan] * 300]), "300 NaN or infinite"),
        (np.ones((2, 2, 2, 300)), r"got an array of shape \(2, 2, 2, 300\)"),
    ],
)
def test_invalid_input_messages(X, message):
    with pytest.raises(ValueError, match=message):
        STFTFeatures().fit(X)


def test_transform_needs_the_fitted_length_and_leads():
    stft_ = STFTFeatures(n_fft=64).fit(np.ones((2, 3, 500)))
    with pytest.raises(
        ValueError, match="X has 400 features, but STFTFeatures is expecting 500"
    ):
        stft_.transform(np.ones((2, 3, 400)))
    with pytest.raises(ValueError, match=r"has 2 lead\(s\) per signal but 3"):
        stft_.transform(np.ones((2, 2, 500)))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"n_fft": 0}, "'n_fft' parameter"),
        ({"output": "db"}, "'output' parameter"),
        ({"reduce": "max"}, "'reduce' parameter"),
        ({"window": "no-such-window"}, "no-such-window"),
    ],
)
def test_invalid_parameters(params, message):
    with pytest.raises(ValueError, match=message):
        STFTFeatures(**params).fit(np.ones((2, 300)))


@pytest.mark.realdata
def test_cinc2017_spectrograms_match_scipy_per_record(cinc2017_small):
    from sklecg.preprocessing import Resampler

    X = Resampler(length=9000).fit_transform(cinc2017_small.data[:60])
    stft_ = STFTFeatures(fs=cinc2017_small.fs, n_fft=256, hop_length=64)
    out = stft_.fit_transform(X)
    assert out.shape == (60, 129, 1 + (9000 - 256) // 64)
    for record, spectrogram in zip(X, out):
        _assert_close(spectrogram, np.abs(_scipy_stft(record, 300, 256, 64)[2]))
    features = STFTFeatures(
        fs=300, n_fft=256, hop_length=64, reduce="mean_freq"
    ).fit_transform(X)
    np.testing.assert_allclose(features, out.mean(axis=1), rtol=1e-5, atol=1e-7)


def test_peak_memory_is_the_output_plus_one_chunk():
    X = np.random.default_rng(5).normal(size=(300, 9000)).astype(np.float32)
    stft_ = STFTFeatures(n_fft=256, hop_length=64).fit(X)
    tracemalloc.start()
    out = stft_.transform(X)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert out.nbytes > 20 * 2**20
    assert peak < out.nbytes + 6 * 2**20  # the default chunk budget is 4 MiB
