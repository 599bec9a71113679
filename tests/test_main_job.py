"""The README's main job and code example run end to end."""

import re
import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_main_job_on_synthetic_data(capsys, monkeypatch):
    monkeypatch.delenv("SKLECG_PHYSIONET_MIRROR", raising=False)
    main = runpy.run_path(str(ROOT / "examples" / "main_job.py"))["main"]
    scores = main(["--n-synthetic", "120", "--n-splits", "3", "--n-jobs", "1"])
    out = capsys.readouterr().out
    assert "synthetic records" in out
    assert "specificity" in out
    for label in ("N", "A", "O", "~", "macro avg", "weighted avg"):
        assert re.search(rf"^\s*{re.escape(label)}\s+\d", out, re.MULTILINE)
    assert 0.0 <= scores["challenge_f1"] <= 1.0
    # Four balanced synthetic classes: chance accuracy is 0.25.
    assert scores["accuracy"] > 0.4


@pytest.mark.realdata
def test_main_job_on_real_cinc2017_records(
    capsys, real_subset_mirror, tmp_path, monkeypatch
):
    # 300 real CinC 2017 records (a subset zip of the mirror), own data_home.
    monkeypatch.setenv("SKLECG_DATA", str(tmp_path))
    monkeypatch.setenv("SKLECG_PHYSIONET_MIRROR", str(real_subset_mirror))
    main = runpy.run_path(str(ROOT / "examples" / "main_job.py"))["main"]
    scores = main(["--n-splits", "3", "--n-jobs", "1"])
    out = capsys.readouterr().out
    assert "PhysioNet/CinC 2017 records from the mirror" in out
    assert "300 records" in out
    # A majority-class guess scores F1 0 on A and O: challenge F1 about 0.25.
    assert scores["challenge_f1"] > 0.3


def test_readme_example_runs():
    readme = (ROOT / "README.md").read_text()
    code = re.search(r"## Example\n\n```python\n(.*?)```", readme, re.DOTALL).group(1)
    assert len(code.splitlines()) <= 20
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["search"].best_params_["stft__n_fft"] in (64, 128)
