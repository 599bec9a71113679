"""fetch_mitbih and fetch_mitbih_beats: the real database and a tiny fake zip."""

import time
import zipfile

import numpy as np
import pytest
import wfdb
from scipy.signal import resample_poly

from sklecg.datasets import fetch_mitbih, fetch_mitbih_beats

MITBIH_ZIP = "mit-bih-arrhythmia-database-1.0.0.zip"
KAGGLE_COUNTS = {"N": 90589, "S": 2779, "V": 7236, "F": 803, "Q": 8039}
AAMI = {"N": "NLRej", "S": "AaJS", "V": "VE", "F": "F", "Q": "/fQ"}


def _wfdb_reference(zip_path, name, tmp_path):
    """Record ``name`` and its annotations read by wfdb from the zip."""
    with zipfile.ZipFile(zip_path) as archive:
        for ext in ("dat", "hea", "atr"):
            member = f"mit-bih-arrhythmia-database-1.0.0/{name}.{ext}"
            (tmp_path / f"{name}.{ext}").write_bytes(archive.read(member))
    record = wfdb.rdrecord(str(tmp_path / name))
    return record, wfdb.rdann(str(tmp_path / name), "atr")


def _reference_beat(signal_360, beat_samples, k, length=187):
    """Beat ``k`` cut one at a time, straight from the description."""
    x = resample_poly(signal_360.astype(np.float64), 25, 72)
    window = beat_samples[k] // 3600
    rr = [
        (beat_samples[j] - beat_samples[j - 1]) / 360
        for j in range(1, len(beat_samples))
        if beat_samples[j] // 3600 == window
    ]
    span = min(length, int(round(1.2 * np.median(rr) * 125)))
    start = int(round(beat_samples[k] * 125 / 360))
    segment = x[start : start + span]
    out = np.zeros(length)
    out[: segment.size] = (segment - segment.min()) / (segment.max() - segment.min())
    return out


def _reference_window(signal_360, r_peak):
    """One lead from 45 samples (0.36 s) before to 90 after an R peak at 125 Hz,
    scaled to [0, 1]."""
    x = resample_poly(signal_360.astype(np.float64), 25, 72)
    start = int(round(r_peak * 125 / 360))
    window = x[np.clip(np.arange(start - 45, start + 90), 0, x.size - 1)]
    return (window - window.min()) / (window.max() - window.min())


def _check_beats_against_records(beats, records):
    """Labels, RR features and one segment per record agree with the raw data."""
    codes = {s: c for c, syms in enumerate(AAMI.values()) for s in syms}
    for name, group_leads, samples, symbols, signal in zip(
        records.record_names,
        records.lead_names,
        records.annotation_samples,
        records.annotation_symbols,
        records.data,
    ):
        is_beat = np.isin(symbols, list(codes))
        beat_samples, beat_symbols = samples[is_beat], symbols[is_beat]
        mine = beats.groups == int(name)
        # every beat but the first and last, in order, with its AAMI code
        np.testing.assert_array_equal(beats.beat_samples[mine], beat_samples[1:-1])
        np.testing.assert_array_equal(beats.symbols[mine], beat_symbols[1:-1])
        expected = [codes[s] for s in beat_symbols[1:-1]]
        np.testing.assert_array_equal(beats.target[mine], expected)
        np.testing.assert_allclose(
            beats.rr[mine, :2],
            np.column_stack(
                [np.diff(beat_samples)[:-1] / 360, np.diff(beat_samples)[1:] / 360]
            ),
            rtol=1e-6,
        )
        rr = np.diff(beat_samples) / 360
        for k in (1, len(beat_samples) // 2, len(beat_samples) - 2):
            # 5-minute average: intervals ending within 150 s of the beat
            near = np.abs(beat_samples[1:] - beat_samples[k]) <= 150 * 360
            np.testing.assert_allclose(
                beats.rr[mine][k - 1, 3], rr[near].mean(), rtol=1e-5
            )
            # template: median of the segments within 150 s of the block centre
            centre = (beat_samples[k] // 3600 + 0.5) * 3600
            inner = beat_samples[1:-1]
            members = np.abs(inner - centre) <= 150 * 360
            np.testing.assert_allclose(
                beats.template[mine][k - 1],
                np.median(beats.data[mine][members], axis=0),
                atol=1e-6,
            )
        lead = list(group_leads).index("MLII") if "MLII" in group_leads else 0
        k = len(beat_samples) // 2
        np.testing.assert_allclose(
            beats.data[mine][k - 1],
            _reference_beat(signal[lead], beat_samples, k),
            atol=1e-5,
        )
        # two-lead window: the segmented lead first, 0.36 s before R to 0.72 after
        for j, index in enumerate([lead, 1 - lead]):
            np.testing.assert_allclose(
                beats.window[mine][k - 1, j],
                _reference_window(signal[index], beat_samples[k]),
                atol=1e-5,
            )
        centre = (beat_samples[k] // 3600 + 0.5) * 3600
        members = np.abs(beat_samples[1:-1] - centre) <= 150 * 360
        np.testing.assert_allclose(
            beats.window_template[mine][k - 1],
            np.median(beats.window[mine][members], axis=0),
            atol=1e-6,
        )


def test_fake_records_and_beats(fake_mirror, tmp_path):
    records = fetch_mitbih(data_home=tmp_path, mirror=fake_mirror, verbose=False)
    assert records.data.shape == (3, 2, 21600) and records.data.dtype == np.float32
    assert records.fs == 360
    assert [list(leads) for leads in records.lead_names] == [
        ["MLII", "V1"],
        ["MLII", "V1"],
        ["V5", "V2"],
    ]
    np.testing.assert_array_equal(records.groups, [100, 101, 102])
    assert records.annotation_symbols[0][0] == "+"
    beats = fetch_mitbih_beats(data_home=tmp_path, mirror=fake_mirror, verbose=False)
    assert beats.data.shape[1] == 187
    assert set(beats.groups) == {100, 101, 102}
    assert "~" not in beats.symbols and "+" not in beats.symbols
    _check_beats_against_records(beats, records)


def test_beats_parameters_are_cached_separately(fake_mirror, tmp_path):
    default = fetch_mitbih_beats(data_home=tmp_path, mirror=fake_mirror, verbose=False)
    raw_rate = fetch_mitbih_beats(
        fs=360, length=300, data_home=tmp_path, mirror=fake_mirror, verbose=False
    )
    assert raw_rate.data.shape == (default.data.shape[0], 300) and raw_rate.fs == 360
    files = {p.name for p in (tmp_path / "mitbih").glob("beats_*.npz")}
    assert files == {"beats_fs125_length187.npz", "beats_fs360_length300.npz"}
    X, y = fetch_mitbih_beats(
        data_home=tmp_path, mirror=fake_mirror, return_X_y=True, verbose=False
    )
    np.testing.assert_array_equal(X, default.data)
    np.testing.assert_array_equal(y, default.target)


@pytest.mark.realdata
def test_real_records(mitbih, physionet_mirror, tmp_path):
    assert mitbih.data.shape == (48, 2, 650000) and mitbih.data.dtype == np.float32
    assert len(set(mitbih.record_names)) == 48
    assert list(mitbih.lead_names[0]) == ["MLII", "V5"]
    record, annotation = _wfdb_reference(physionet_mirror / MITBIH_ZIP, "100", tmp_path)
    np.testing.assert_array_equal(
        mitbih.data[0, :, :5000], record.p_signal[:5000].T.astype(np.float32)
    )
    np.testing.assert_array_equal(mitbih.annotation_samples[0], annotation.sample)
    np.testing.assert_array_equal(mitbih.annotation_symbols[0], annotation.symbol)
    assert "Moody" in mitbih.DESCR


@pytest.mark.realdata
def test_real_beats_match_kaggle_counts(mitbih_beats):
    n = mitbih_beats.data.shape[0]
    assert mitbih_beats.data.shape == (n, 187) and mitbih_beats.data.dtype == np.float32
    assert mitbih_beats.data.min() == 0.0 and mitbih_beats.data.max() == 1.0
    assert list(mitbih_beats.target_names) == list(KAGGLE_COUNTS)
    counts = np.bincount(mitbih_beats.target, minlength=5)
    for name, count in zip(mitbih_beats.target_names, counts):
        assert abs(count / KAGGLE_COUNTS[name] - 1) <= 0.03, (name, count)
    assert abs(n / sum(KAGGLE_COUNTS.values()) - 1) <= 0.03
    assert len(np.unique(mitbih_beats.groups)) == 48
    assert mitbih_beats.rr.shape == (n, 4) and (mitbih_beats.rr > 0).all()
    assert mitbih_beats.template.shape == (n, 187)
    assert mitbih_beats.template.dtype == np.float32
    assert 0.0 <= mitbih_beats.template.min() <= mitbih_beats.template.max() <= 1.0
    for key in ("window", "window_template"):
        assert mitbih_beats[key].shape == (n, 2, 135)
        assert mitbih_beats[key].dtype == np.float32
        assert 0.0 <= mitbih_beats[key].min() <= mitbih_beats[key].max() <= 1.0
    assert list(mitbih_beats.rr_feature_names) == [
        "pre_rr",
        "post_rr",
        "local_rr",
        "average_rr",
    ]


@pytest.mark.realdata
def test_real_beats_agree_with_records(mitbih_beats, mitbih):
    _check_beats_against_records(mitbih_beats, mitbih)


@pytest.mark.realdata
def test_real_beats_cached_call_is_identical(
    mitbih_beats, physionet_mirror, sklecg_data_home
):
    again = fetch_mitbih_beats(
        data_home=sklecg_data_home, mirror=physionet_mirror, verbose=False
    )
    keys = ("data", "target", "groups", "rr", "template", "window", "window_template")
    for key in (*keys, "symbols", "beat_samples"):
        np.testing.assert_array_equal(again[key], mitbih_beats[key])


@pytest.mark.realdata
def test_real_beats_cache_is_10x_faster(real_subset_mirror, tmp_path):
    """Records 100-102: the cached call returns identical arrays >= 10x faster."""
    start = time.perf_counter()
    first = fetch_mitbih_beats(
        data_home=tmp_path, mirror=real_subset_mirror, verbose=False
    )
    first_s = time.perf_counter() - start
    start = time.perf_counter()
    second = fetch_mitbih_beats(
        data_home=tmp_path, mirror=real_subset_mirror, verbose=False
    )
    second_s = time.perf_counter() - start
    np.testing.assert_array_equal(first.data, second.data)
    np.testing.assert_array_equal(first.target, second.target)
    assert set(second.groups) == {100, 101, 102}
    assert first_s >= 10 * second_s, (first_s, second_s)


@pytest.mark.parametrize("kwargs", [{"fs": 0}, {"length": 18.5}, {"fs": True}])
def test_beat_parameters_are_validated(kwargs, tmp_path):
    name = next(iter(kwargs))
    with pytest.raises(ValueError, match=f"{name} must be a positive integer; got"):
        fetch_mitbih_beats(data_home=tmp_path, **kwargs)
