"""The README's main job (``make run``) and code example run end to end."""

import re
from pathlib import Path

import pytest
from _examples import load_example

from sklecg.nn import RhythmResNet, count_parameters

ROOT = Path(__file__).resolve().parents[2]
ROUTES = {"RR forest", "STFT forest", "RhythmResNet"}
SETTINGS = {
    "-",
    "filters=(8, 16, 16, 32, 32, 64)",
    "filters=(8, 16, 16, 32, 32, 64, 64)",
}


def mean_f1(row: dict) -> float:
    """The mean of a ``"0.700 ± 0.030"`` challenge-F1 cell."""
    return float(row["challenge F1"].split(" ± ")[0])


def check_figures(figures, folder: Path) -> None:
    names = sorted(p.name for p in figures)
    assert names == ["main_job_confusion.png", "main_job_training_curve.png"]
    for path in figures:
        assert path.parent == folder
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG")
        assert 5_000 < len(data) < 150_000


def check_search(result: dict, out: str) -> None:
    """The grid's table, the best parameters and the held-out report."""
    assert "Fitting 3 folds for each of 4 candidates, totalling 12 fits" in out
    assert "[12/12 folds" in out
    rows = result["cv_results"]
    assert sorted(r["rank"] for r in rows) == [1, 2, 3, 4]
    assert {r["route"] for r in rows} == ROUTES
    assert {r["setting"] for r in rows} == SETTINGS
    for row in rows:
        assert 0.0 <= mean_f1(row) <= 1.0
        assert 0.0 <= row["accuracy"] <= 1.0
        assert 0.0 <= row["specificity (macro)"] <= 1.0
    best = next(r for r in rows if r["rank"] == 1)
    assert result["best_params"] == {
        "route": best["route"],
        "setting": best["setting"],
    }
    assert mean_f1(best) == max(mean_f1(r) for r in rows)
    assert "| rank | route | setting | challenge F1 |" in out
    report = result["report"]
    assert "specificity" in report and report in out
    for label in ("N", "A", "O", "~", "macro avg", "weighted avg"):
        assert re.search(rf"^\s*{re.escape(label)}\s+\d", report, re.MULTILINE)
    held_out = {row["model"]: row for row in result["held_out"]}
    assert held_out["best of the search"]["route"] == best["route"]
    assert "challenge F1: " in out


def network_parameters(setting: str) -> int:
    """Parameters of the main job's network for 4 classes (any length)."""
    filters = tuple(int(f) for f in re.findall(r"\d+", setting))
    module = RhythmResNet(
        n_outputs=4, filters=filters, kernel_size=7, stem_kernel_size=7
    )
    return count_parameters(module)


@pytest.mark.realdata
def test_main_job_quick_on_real_cinc2017(
    physionet_mirror, sklecg_data_home, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("SKLECG_PHYSIONET_MIRROR", str(physionet_mirror))
    result = load_example("main_job").run(
        data_home=sklecg_data_home, quick=True, output=tmp_path
    )
    out = capsys.readouterr().out
    assert "PhysioNet/CinC 2017 records from the mirror" in out
    assert "240 records" in out and "held out 48" in out
    check_search(result, out)
    check_figures(result["figures"], tmp_path)
    held_out = {row["model"]: row for row in result["held_out"]}
    network = held_out.get("best network", held_out["best of the search"])
    assert network["route"] == "RhythmResNet"
    assert network["parameters"] == network_parameters(network["setting"])
    # The rhythm features separate AF from sinus rhythm even in the quick
    # run: a majority-class guess (all N) scores a challenge F1 of about 0.25.
    assert result["best_params"]["route"] == "RR forest"
    assert held_out["best of the search"]["challenge F1"] > 0.45
    rows = {r["route"]: r for r in result["cv_results"]}
    assert mean_f1(rows["RR forest"]) > mean_f1(rows["STFT forest"])


def test_main_job_synthetic_fallback(tmp_path, monkeypatch, capsys):
    # No training2017.zip in the mirror folder: synthetic records instead.
    monkeypatch.setenv("SKLECG_PHYSIONET_MIRROR", str(tmp_path))
    output = tmp_path / "figures"
    result = load_example("main_job").main(["--quick", "--output", str(output)])
    out = capsys.readouterr().out
    assert "synthetic records (make_ecg_classification)" in out
    assert "240 records (A: 60, N: 60, O: 60, ~: 60)" in out
    check_search(result, out)
    check_figures(result["figures"], output)
    # Four balanced classes: chance accuracy is 0.25.
    assert result["held_out"][0]["accuracy"] > 0.5
    assert re.search(
        rf"^figures in {re.escape(str(output))}; total \d+ s wall clock, \d+ s CPU$",
        out,
        re.MULTILINE,
    )


def test_readme_example_runs():
    readme = (ROOT / "README.md").read_text()
    code = re.search(r"## Example\n\n```python\n(.*?)```", readme, re.DOTALL).group(1)
    assert len(code.splitlines()) <= 20
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    results = namespace["search"].cv_results_
    scores = dict(zip(map(str, results["params"]), results["mean_test_score"]))
    network = max(v for k, v in scores.items() if "filters" in k)
    forest = next(v for k, v in scores.items() if "RandomForest" in k)
    # the network earns its place: it beats the forest on the raw records
    assert network > forest + 0.2
    assert "clf__module__filters" in namespace["search"].best_params_
