"""Tests of ``load_heartbeat_csv`` (Kaggle "ECG Heartbeat Categorization" CSV)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sklecg.datasets import load_heartbeat_csv


def _write(path, X, y, **savetxt_kwargs):
    """Write beats in the Kaggle layout: signal columns, then the label."""
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", **savetxt_kwargs)
    return path


def _reference(path):
    """What numpy's generic text parser reads from the same file."""
    table = np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2)
    return table[:, :-1].astype(np.float32), table[:, -1].astype(np.int64)


@pytest.fixture
def beats():
    rng = np.random.default_rng(0)
    X = rng.random((50, 187))
    X[:, 120:] = 0.0  # zero padding, as in the Kaggle files
    y = rng.integers(0, 5, 50).astype(float)
    return X, y


def test_kaggle_layout_is_read_as_float32_beats_and_int_labels(tmp_path, beats):
    path = _write(tmp_path / "mitbih_train.csv", *beats)
    data = load_heartbeat_csv(path)
    X_ref, y_ref = _reference(path)
    assert data.data.dtype == np.float32 and data.data.shape == (50, 187)
    assert data.target.dtype == np.int64
    np.testing.assert_array_equal(data.data, X_ref)
    np.testing.assert_array_equal(data.target, y_ref)
    np.testing.assert_array_equal(data.target_names, ["N", "S", "V", "F", "Q"])
    assert data.fs == 125
    assert data.filename == str(path)
    assert "Kachuee" in data.DESCR


def test_fixed_width_parser_matches_a_text_parser_on_every_magnitude(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.random((200, 187)) * 10.0 ** rng.integers(-50, 38, (200, 187))
    X[:, ::7] = 0.0
    X[0, :4] = [1.0, 3.4e38, 1e-99, 0.1]
    path = _write(tmp_path / "beats.csv", X, np.arange(200) % 3)
    X_ref, y_ref = _reference(path)
    X_got, y_got = load_heartbeat_csv(path, return_X_y=True)
    np.testing.assert_array_equal(X_got, X_ref)
    np.testing.assert_array_equal(y_got, y_ref)


@pytest.mark.parametrize(
    "savetxt_kwargs",
    [{"fmt": "%.6g"}, {"fmt": "%.8f", "newline": "\r\n"}, {"fmt": "%.5e"}],
)
def test_other_numeric_layouts_and_negative_values_are_read_too(
    tmp_path, beats, savetxt_kwargs
):
    X, y = beats
    X = X - 0.5
    path = _write(tmp_path / "beats.csv", X, y, **savetxt_kwargs)
    X_got, y_got = load_heartbeat_csv(path, return_X_y=True)
    X_ref, y_ref = _reference(path)
    np.testing.assert_array_equal(X_got, X_ref)
    np.testing.assert_array_equal(y_got, y_ref)
    assert np.any(X_got < 0)


def test_return_X_y_matches_the_bunch(tmp_path, beats):
    path = _write(tmp_path / "mitbih_test.csv", *beats)
    X, y = load_heartbeat_csv(path, return_X_y=True)
    data = load_heartbeat_csv(path)
    np.testing.assert_array_equal(X, data.data)
    np.testing.assert_array_equal(y, data.target)


def test_ptbdb_files_get_normal_abnormal_names(tmp_path, beats):
    X, _ = beats
    path = _write(tmp_path / "ptbdb_abnormal.csv", X, np.ones(len(X)))
    data = load_heartbeat_csv(path)
    np.testing.assert_array_equal(data.target_names, ["normal", "abnormal"])
    assert set(data.target) == {1}


def test_target_names_can_be_given_or_fall_back_to_indices(tmp_path, beats):
    X, _ = beats
    path = _write(tmp_path / "mine.csv", X, np.arange(len(X)) % 7)
    np.testing.assert_array_equal(
        load_heartbeat_csv(path).target_names, [str(k) for k in range(7)]
    )
    names = list("abcdefg")
    np.testing.assert_array_equal(
        load_heartbeat_csv(path, target_names=names).target_names, names
    )
    with pytest.raises(ValueError, match=r"target_names must name every class 0..6"):
        load_heartbeat_csv(path, target_names=["a", "b"])


def test_n_timesteps_can_be_set_or_inferred(tmp_path, beats):
    X, y = beats
    path = _write(tmp_path / "short.csv", X[:, :40], y)
    assert load_heartbeat_csv(path, n_timesteps=40).data.shape == (50, 40)
    assert load_heartbeat_csv(path, n_timesteps=None).data.shape == (50, 40)
    with pytest.raises(ValueError, match=r"line 1 of .*short.csv has 41 values"):
        load_heartbeat_csv(path)


def test_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "mitbih_train.csv"
    with pytest.raises(FileNotFoundError, match=r"not found: .*mitbih_train\.csv"):
        load_heartbeat_csv(missing)


def _corrupt(path, line: int, column: int, text: str):
    """Replace one field of a CSV file."""
    lines = path.read_text().splitlines()
    fields = lines[line - 1].split(",")
    fields[column - 1] = text
    lines[line - 1] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("line", "column", "text", "match"),
    [
        (2, 5, "abc", r"line 2 of .*, column 5: 'abc' is not a number"),
        (4, 188, "nan", r"line 4 of .*, column 188 is 'nan'; NaN, infinite"),
        (2, 1, "1e39", r"line 2 of .*, column 1 is '1e39'; .* beyond the float32"),
        (3, 10, "inf", r"line 3 of .*, column 10 is 'inf'"),
        (3, 188, "0.5", r"line 3 of .*: the label \(last column\) is '0.5'"),
        (5, 188, "-1.0", r"line 5 of .*: the label \(last column\) is '-1.0'"),
        (5, 188, "1e6", r"line 5 of .*: the label .* '1e6'; it must be an integer cl"),
        # same width as a "%.18e" field, so the fixed-width parser sees it first
        (6, 3, "9.77941155433654785xe-01", r"line 6 of .*, column 3: '9.779"),
    ],
)
def test_bad_values_raise_value_error_naming_the_line(
    tmp_path, beats, line, column, text, match
):
    path = _write(tmp_path / "bad.csv", *beats)
    _corrupt(path, line, column, text)
    with pytest.raises(ValueError, match=match):
        load_heartbeat_csv(path)


def test_a_short_row_raises_value_error_naming_the_line(tmp_path, beats):
    path = _write(tmp_path / "bad.csv", *beats)
    lines = path.read_text().splitlines()
    lines[6] = lines[6].rsplit(",", 1)[0]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"line 7 of .* has 187 values but 188"):
        load_heartbeat_csv(path)


def test_empty_file_and_bad_n_timesteps_raise_value_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("\n")
    with pytest.raises(ValueError, match=r"empty.csv is empty"):
        load_heartbeat_csv(path)
    with pytest.raises(ValueError, match=r"n_timesteps must be a positive integer"):
        load_heartbeat_csv(path, n_timesteps=0)


@pytest.mark.realdata
def test_real_mitbih_beats_round_trip_through_the_kaggle_layout(
    tmp_path, mitbih_beats_small
):
    """MIT-BIH beats written like the Kaggle files read back bit for bit."""
    beats = mitbih_beats_small
    path = _write(tmp_path / "mitbih_test.csv", beats.data, beats.target)
    data = load_heartbeat_csv(path)
    assert data.data.shape == (len(beats.target), 187)
    np.testing.assert_array_equal(data.data, beats.data)
    np.testing.assert_array_equal(data.target, beats.target)
    np.testing.assert_array_equal(data.target_names, beats.target_names)
    assert data.data.min() >= 0.0 and data.data.max() <= 1.0


@pytest.mark.parametrize(
    "header",
    [
        ",".join(str(k) for k in range(1, 189)),  # 1..n
        ",".join(f"sample_{k}" for k in range(187)) + ",label",
    ],
)
def test_a_header_line_is_skipped(tmp_path, beats, header):
    X, y = beats
    path = _write(tmp_path / "named.csv", X, y, header=header, comments="")
    assert path.read_text().startswith(header + "\n")
    X_got, y_got = load_heartbeat_csv(path, return_X_y=True)
    np.testing.assert_array_equal(X_got, X.astype(np.float32))
    np.testing.assert_array_equal(y_got, y.astype(np.int64))
    assert load_heartbeat_csv(path, n_timesteps=None).data.shape == (50, 187)


def test_integers_that_are_not_column_numbers_are_a_beat(tmp_path):
    path = tmp_path / "ints.csv"
    path.write_text("0,2,1\n0,3,0\n")
    X, y = load_heartbeat_csv(path, n_timesteps=2, return_X_y=True)
    np.testing.assert_array_equal(X, [[0, 2], [0, 3]])
    np.testing.assert_array_equal(y, [1, 0])


def test_bad_rows_after_a_header_name_the_file_line_and_column(tmp_path, beats):
    pd = pytest.importorskip("pandas")
    X, y = beats
    path = tmp_path / "indexed.csv"
    pd.DataFrame(np.column_stack([X, y])).to_csv(path)  # header, row index
    _corrupt(path, 4, 6, "abc")
    with pytest.raises(ValueError, match=r"line 4 of .*, column 6: 'abc' is not"):
        load_heartbeat_csv(path)
    path.write_text(path.read_text().splitlines()[0] + "\n0,0.5,1.0\n")
    with pytest.raises(ValueError, match=r"line 2 .* 2 values after the row index"):
        load_heartbeat_csv(path)


def test_a_file_holding_only_a_header_raises_value_error(tmp_path):
    path = tmp_path / "header_only.csv"
    path.write_text("0,1,2,3\n\n")
    with pytest.raises(ValueError, match=r"header_only.csv holds a header line but"):
        load_heartbeat_csv(path)


@pytest.fixture
def kaggle_beats():
    """Five beats of the Kaggle layout: 187 samples in [0, 1], classes 0-4."""
    rng = np.random.default_rng(0)
    return rng.random((5, 187)), np.arange(5.0)


@pytest.mark.parametrize("index", [False, True])
def test_pandas_to_csv_header_and_index_are_not_read_as_a_beat(
    tmp_path, kaggle_beats, index
):
    X, y = kaggle_beats
    path = tmp_path / "mitbih_test.csv"
    pd.DataFrame(np.column_stack([X, y])).to_csv(path, index=index)
    first = path.read_text().splitlines()[0]
    assert first == "," * index + ",".join(str(k) for k in range(188))
    for n_timesteps in (187, None):
        beats = load_heartbeat_csv(path, n_timesteps=n_timesteps)
        assert beats.data.shape == (5, 187)
        np.testing.assert_allclose(beats.data, X, rtol=1e-6)
        np.testing.assert_array_equal(beats.target, [0, 1, 2, 3, 4])
        np.testing.assert_array_equal(beats.target_names, ["N", "S", "V", "F", "Q"])
