"""Tests of sklecg.datasets.make_beat_table, window_span and as_frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sklecg.datasets import RR_COLUMNS, make_beat_table, window_groups, window_span


def _arrays(n=3, n_samples=4, leads=2, n_window=5):
    rng = np.random.default_rng(0)
    return {
        "beat": rng.random((n, n_samples)),
        "rr": 0.5 + rng.random((n, 4)),
        "template": rng.random((n, n_samples)),
        "window": rng.random((n, leads, n_window)),
        "window_template": rng.random((n, leads, n_window)),
    }


def test_every_group_is_named_and_holds_its_array():
    arrays = _arrays()
    beat, rr = arrays.pop("beat"), arrays.pop("rr")
    table = make_beat_table(beat, rr, **arrays)
    assert isinstance(table, pd.DataFrame)
    assert (table.dtypes == np.float32).all()
    assert table.shape == (3, 4 + 4 + 4 + 2 * 2 * 5)
    np.testing.assert_allclose(table[[f"beat_{i}" for i in range(4)]], beat, rtol=1e-6)
    np.testing.assert_allclose(table[list(RR_COLUMNS)], rr, rtol=1e-6)
    for group in ("window", "window_template"):
        for lead in range(2):
            columns = [f"{group}_lead{lead}_{i}" for i in range(5)]
            np.testing.assert_allclose(
                table[columns], arrays[group][:, lead], rtol=1e-6
            )
    assert list(RR_COLUMNS) == ["pre_rr", "post_rr", "local_rr", "average_rr"]


def test_optional_groups():
    arrays = _arrays()
    table = make_beat_table(arrays["beat"], arrays["rr"])
    assert list(table.columns) == [f"beat_{i}" for i in range(4)] + list(RR_COLUMNS)
    with_template = make_beat_table(
        arrays["beat"], arrays["rr"], template=arrays["template"]
    )
    assert "template_3" in with_template and "window_lead0_0" not in with_template


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"beat": np.zeros(4)},
            r"beat must be an array of shape \(n_beats, n_samples\)",
        ),
        ({"rr": np.ones((3, 3))}, r"rr must have the 4 columns pre_rr"),
        ({"rr": np.ones((2, 4))}, r"rr must be .* n_beats=3"),
        ({"template": np.zeros((3, 5))}, r"template must have the shape of beat"),
        ({"window_template": None}, r"pass window and window_template together"),
        (
            {"window": np.zeros((3, 5))},
            r"window must be .*\(n_beats, n_leads, n_window\)",
        ),
        (
            {"window_template": np.zeros((3, 1, 5))},
            r"window_template must have the shape",
        ),
    ],
)
def test_errors_say_what_is_wrong(change, message):
    arrays = {**_arrays(), **change}
    beat, rr = arrays.pop("beat"), arrays.pop("rr")
    with pytest.raises(ValueError, match=message):
        make_beat_table(beat, rr, **arrays)


@pytest.mark.parametrize(
    ("fs", "span"), [(125, (45, 90)), (250, (90, 180)), (360, (130, 259))]
)
def test_window_span(fs, span):
    assert window_span(fs) == span


@pytest.mark.realdata
def test_fetch_as_frame_is_the_table_of_the_arrays(physionet_mirror, sklecg_data_home):
    from sklecg.datasets import fetch_mitbih_beats

    kwargs = {
        "data_home": sklecg_data_home,
        "mirror": physionet_mirror,
        "verbose": False,
    }
    arrays = fetch_mitbih_beats(**kwargs)
    framed = fetch_mitbih_beats(as_frame=True, **kwargs)
    table = framed.data
    assert table.shape == (arrays.data.shape[0], 187 * 2 + 4 + 4 * 135)
    assert list(table.columns) == framed.feature_names
    np.testing.assert_array_equal(table[["pre_rr", "post_rr"]], arrays.rr[:, :2])
    np.testing.assert_array_equal(
        table[[f"window_template_lead1_{i}" for i in range(135)]],
        arrays.window_template[:, 1],
    )
    assert isinstance(framed.target, pd.Series) and framed.target.name == "target"
    np.testing.assert_array_equal(framed.target, arrays.target)
    assert list(framed.frame.columns) == [*framed.feature_names, "target"]
    if int(pd.__version__.split(".")[0]) >= 3:  # copy-on-write: one table in memory
        beat_column = framed.frame["beat_0"].to_numpy()
        assert np.shares_memory(beat_column, table["beat_0"].to_numpy())
    np.testing.assert_array_equal(framed.groups, arrays.groups)
    assert not {"rr", "template", "window", "window_template"} & set(framed)
    X, y = fetch_mitbih_beats(as_frame=True, return_X_y=True, **kwargs)
    assert isinstance(X, pd.DataFrame) and isinstance(y, pd.Series)
    with pytest.raises(ValueError, match="as_frame must be True or False"):
        fetch_mitbih_beats(as_frame="yes", **kwargs)


def test_window_groups_name_the_table_columns():
    arrays = _arrays(leads=3)
    beat, rr = arrays.pop("beat"), arrays.pop("rr")
    table = make_beat_table(beat, rr, **arrays)
    for lead in range(3):
        window, template = window_groups(lead)
        np.testing.assert_allclose(
            table[[f"{window}_{i}" for i in range(5)]],
            arrays["window"][:, lead],
            rtol=1e-6,
        )
        np.testing.assert_allclose(
            table[[f"{template}_{i}" for i in range(5)]],
            arrays["window_template"][:, lead],
            rtol=1e-6,
        )
