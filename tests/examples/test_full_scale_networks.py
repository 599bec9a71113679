"""examples/full_scale_networks.py: quick run on real beats, resumable rows."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _examples import load_example, run_quick


@pytest.mark.realdata
def test_full_scale_quick_run_resumes(
    physionet_mirror, sklecg_data_home, monkeypatch, tmp_path
):
    results = tmp_path / "full_scale_networks.jsonl"
    # a row finished by an earlier, interrupted run is kept, not retrained
    earlier = {"row": "random forest", "scores": {}, "parameters": None}
    example = load_example("full_scale_networks")
    earlier["scores"] = {key: 0.5 for key in example.scores(["N", "V"], ["N", "V"])}
    earlier.update({"epochs": None, "fit (s)": 1.0})
    results.write_text(json.dumps(earlier) + "\n")

    _, rows = run_quick(
        "full_scale_networks",
        monkeypatch,
        physionet_mirror,
        sklecg_data_home,
        output=tmp_path,
    )
    assert [row["model"] for row in rows] == list(example.QUICK_ROWS)
    records = example.load_rows(results)
    assert records[0] == earlier
    by_row = {record["row"]: record for record in records}
    assert by_row["pytorch_simple_cnn"]["parameters"] == 52_229
    assert by_row["usth_cnn"]["parameters"] == 52_357
    for record in records[1:]:
        assert record["test beats"] == example.QUICK_TEST
        assert record["epochs"] == example.QUICK_EPOCHS
        assert all(0.0 <= v <= 1.0 for v in record["scores"].values())
    simple = next(row for row in rows if row["model"] == "pytorch_simple_cnn")
    assert simple["report's number"] == "F1 (macro) 0.9012, F1 (w) 0.9807"
    assert simple["meets it"] in ("yes", "no")

    # a second run finds every row done and trains nothing
    again = example.run(data_home=sklecg_data_home, quick=True, output=tmp_path)
    assert again == rows
    assert len(example.load_rows(results)) == len(records)


def test_every_report_number_has_a_row():
    example = load_example("full_scale_networks")
    assert set(example.REPORTED) <= set(example.ROWS)
    assert len(set(example.ROWS)) == len(example.ROWS)
    for row in example.ROWS:
        assert example.make_estimator(row, epochs=1).get_params()


def test_minirocket_row_is_a_fitted_pipeline_on_raw_beats():
    pytest.importorskip("aeon", reason="MiniRocket needs the optional aeon package")
    example = load_example("full_scale_networks")
    assert example.MINIROCKET in example.ROWS
    rng = np.random.default_rng(0)
    y = np.repeat(["N", "V"], 30)
    X = rng.normal(size=(60, 187)).astype(np.float32)
    X[y == "V", 80:110] += 3.0  # a wide complex the features can see
    model = example.make_estimator(example.MINIROCKET, epochs=1).fit(X, y)
    assert list(model.classes_) == ["N", "V"]
    assert model[:-1].transform(X[:3]).shape[0] == 3
    assert (model.predict(X) == y).mean() == 1.0


def test_longer_rows_train_their_report_row_for_more_epochs():
    example = load_example("full_scale_networks")
    longer = "pytorch_simple_cnn, 30 epochs"
    assert longer in example.ROWS
    assert example.report_row(longer) == "pytorch_simple_cnn"
    assert example.row_epochs(longer) == 30
    assert example.row_epochs(longer, quick=True) == example.QUICK_EPOCHS
    assert example.row_epochs("pytorch_simple_cnn") == example.EPOCHS
    assert example.row_epochs(example.CONVNET_FIVE_BLOCKS) == 30
    # a comma in a row name that is no epoch count leaves the row as it is
    assert example.report_row("a, b epochs") == "a, b epochs"
    model = example.make_estimator(longer, example.row_epochs(longer))
    base = example.make_estimator("pytorch_simple_cnn", 30)
    assert model.get_params()["net__max_epochs"] == 30

    def plain(params):  # the values that are no estimators or callables
        kinds = (int, float, str, tuple, type(None))
        return {k: v for k, v in params.items() if isinstance(v, kinds)}

    assert plain(model.get_params()) == plain(base.get_params())
    assert model.get_params()["net__module"] is base.get_params()["net__module"]
    # the printed row is held to its report's number
    record = {
        "row": longer,
        "scores": {key: 0.99 for key in example.scores(["N"], ["N"])},
        "parameters": 52_229,
        "epochs": 30,
        "fit (s)": 1.0,
    }
    row = example._table_row(record)
    assert (row["report's number"], row["meets it"]) == (
        "F1 (macro) 0.9012, F1 (w) 0.9807",
        "yes",
    )
