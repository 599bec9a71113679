"""Shared fixtures: the local PhysioNet mirror and small real data sets.

Tests that need real data take the ``physionet_mirror`` fixture (or one built
on it) and are skipped with a reason when ``../shared/data/physionet`` (or
``SKLECG_PHYSIONET_MIRROR``) is absent.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import scipy.io
import torch
import wfdb
from threadpoolctl import threadpool_limits

matplotlib.use("Agg")
# One intra-op thread: the small test networks gain nothing from more, and on
# a shared 2-core machine OpenMP threads spin against each other (a 10x
# slow-down of a grid search was measured with 2 threads).
torch.set_num_threads(1)
# Likewise for OpenMP (HistGradientBoosting): on a loaded 2-core machine its
# threads were measured 100x slower than one thread.
threadpool_limits(limits=1, user_api="openmp")

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MIRROR = REPO_ROOT.parent / "shared" / "data" / "physionet"


def _mirror_path() -> Path | None:
    env = os.environ.get("SKLECG_PHYSIONET_MIRROR")
    for candidate in (env, DEFAULT_MIRROR):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def physionet_mirror() -> Path:
    """Folder holding the PhysioNet zips, or skip the test."""
    path = _mirror_path()
    if path is None:
        pytest.skip(
            "real-data test: the PhysioNet mirror ../shared/data/physionet is "
            "absent (set SKLECG_PHYSIONET_MIRROR to a folder holding "
            "training2017.zip and mit-bih-arrhythmia-database-1.0.0.zip)"
        )
    return path


@pytest.fixture(scope="session")
def sklecg_data_home(tmp_path_factory) -> Path:
    """A data_home shared by the whole test session.

    ``SKLECG_TEST_DATA_HOME`` reuses a persistent cache between runs (handy
    while developing); by default a fresh temporary folder is used, so the
    test run really parses the mirror once.
    """
    env = os.environ.get("SKLECG_TEST_DATA_HOME")
    if env:
        Path(env).mkdir(parents=True, exist_ok=True)
        return Path(env)
    return tmp_path_factory.mktemp("sklecg_data")


# --- real PhysioNet data sets (session-scoped: parsed once per test run) ----
# Treat them as read-only: every test of the session shares these objects.


def _stratified_subset(dataset, n_samples: int, per_item: tuple[str, ...]):
    """Seeded stratified subset of a fetcher Bunch (per-item fields indexed)."""
    from sklearn.model_selection import train_test_split
    from sklearn.utils import Bunch

    index, _ = train_test_split(
        np.arange(len(dataset.target)),
        train_size=n_samples,
        stratify=dataset.target,
        random_state=0,
    )
    index = np.sort(index)
    subset = Bunch(**dataset)
    for key in per_item:
        value = dataset[key]
        subset[key] = (
            [value[i] for i in index] if isinstance(value, list) else value[index]
        )
    return subset


@pytest.fixture(scope="session")
def cinc2017(physionet_mirror, sklecg_data_home):
    """The full CinC 2017 mirror: ``fetch_cinc2017()`` Bunch (7,000 records)."""
    from sklecg.datasets import fetch_cinc2017

    return fetch_cinc2017(
        data_home=sklecg_data_home, mirror=physionet_mirror, verbose=False
    )


@pytest.fixture(scope="session")
def cinc2017_small(cinc2017):
    """300 CinC 2017 records, stratified by label (seed 0): same Bunch keys.

    ``data`` is a list of 1-D float32 arrays (300 Hz, mV), ``target`` the
    label strings; ``record_names`` and ``lengths`` follow the subset.
    """
    return _stratified_subset(
        cinc2017, 300, ("data", "target", "record_names", "lengths")
    )


@pytest.fixture(scope="session")
def mitbih(physionet_mirror, sklecg_data_home):
    """The 48 raw MIT-BIH records: ``fetch_mitbih()`` Bunch."""
    from sklecg.datasets import fetch_mitbih

    return fetch_mitbih(
        data_home=sklecg_data_home, mirror=physionet_mirror, verbose=False
    )


@pytest.fixture(scope="session")
def mitbih_beats(physionet_mirror, sklecg_data_home):
    """All MIT-BIH beats, Kaggle layout: ``fetch_mitbih_beats()`` Bunch.

    ``data`` (n, 187) float32 in [0, 1] at 125 Hz, ``target`` int 0..4
    (``target_names`` N S V F Q), ``groups`` record numbers, ``rr`` (n, 3)
    RR features in seconds (``rr_feature_names``).
    """
    from sklecg.datasets import fetch_mitbih_beats

    return fetch_mitbih_beats(
        data_home=sklecg_data_home, mirror=physionet_mirror, verbose=False
    )


@pytest.fixture(scope="session")
def mitbih_beats_small(mitbih_beats):
    """3,000 MIT-BIH beats stratified by class (seed 0), with their groups,
    RR features, templates and windows: same Bunch keys as ``mitbih_beats``."""
    return _stratified_subset(
        mitbih_beats,
        3000,
        (
            "data",
            "target",
            "groups",
            "rr",
            "template",
            "window",
            "window_template",
            "symbols",
            "beat_samples",
        ),
    )


@pytest.fixture(scope="session")
def mitbih_table_small(mitbih_beats_small):
    """The named beat table of ``mitbih_beats_small`` (``make_beat_table``):
    what ``fetch_mitbih_beats(as_frame=True).data`` holds for those beats."""
    from sklecg.datasets import make_beat_table

    beats = mitbih_beats_small
    return make_beat_table(
        beats.data,
        beats.rr,
        template=beats.template,
        window=beats.window,
        window_template=beats.window_template,
    )


# --- small PhysioNet-layout zips for the fetcher tests -------------------------
CINC_ZIP = "training2017.zip"
MITBIH_ZIP = "mit-bih-arrhythmia-database-1.0.0.zip"
LOCK = ".sklecg-lock"


def leftovers(folder: Path) -> list[str]:
    """Everything a fetcher left in ``folder`` (recursively), but its locks."""
    return sorted(
        str(p.relative_to(folder)) for p in folder.rglob("*") if p.name != LOCK
    )


def write_zip(
    path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED
) -> Path:
    """Write ``members`` (name -> bytes) into the zip ``path``."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def fake_cinc2017_members(labels: str = "NAO~NAO~", gains=(1000, 500)) -> dict:
    """Members of a tiny CinC-2017-layout zip: random int16 records whose
    headers cycle through ``gains``, labelled with ``labels``."""
    rng = np.random.default_rng(0)
    members, reference = {}, []
    for i, label in enumerate(labels, 1):
        name = f"A{i:05d}"
        val = rng.integers(-2000, 2000, (1, 2714 + 100 * i)).astype(np.int16)
        buffer = io.BytesIO()
        scipy.io.savemat(buffer, {"val": val}, format="4")
        gain = gains[i % len(gains)]
        members[f"training2017/{name}.mat"] = buffer.getvalue()
        members[f"training2017/{name}.hea"] = (
            f"{name} 1 300 {val.size} 05:05:05 1/05/2000\n"
            f"{name}.mat 16+24 {gain}/mV 16 0 {val[0, 0]} 0 0 ECG\n"
        ).encode()
        reference.append(f"{name},{label}\n")
    members["training2017/REFERENCE.csv"] = "".join(reference).encode()
    members["training2017/RECORDS"] = "".join(
        r.split(",")[0] + "\n" for r in reference
    ).encode()
    return members


def fake_mitbih_members(tmp_dir: Path) -> dict:
    """Members of a tiny MIT-BIH-layout zip: three 60-s two-lead records
    (record 102 without MLII, as in the real database) with annotations."""
    rng = np.random.default_rng(0)
    members, names = {}, ("100", "101", "102")
    for name in names:
        leads = ["V5", "V2"] if name == "102" else ["MLII", "V1"]
        beats = np.cumsum(rng.integers(250, 330, 75))
        beats = beats[beats < 21600 - 10]
        signal = rng.normal(0, 0.05, (21600, 2))
        signal[beats] += (1.0, 0.4)
        wfdb.wrsamp(
            name,
            fs=360,
            units=["mV", "mV"],
            sig_name=leads,
            p_signal=signal,
            fmt=["212", "212"],
            adc_gain=[200, 200],
            baseline=[1024, 1024],
            write_dir=str(tmp_dir),
        )
        symbols = np.array(list("NNNVNANF/NLRQ~"))[np.arange(beats.size) % 14]
        wfdb.wrann(
            name, "atr", np.r_[1, beats], ["+", *symbols], write_dir=str(tmp_dir)
        )
        for ext in ("dat", "hea", "atr"):
            members[f"mit-bih-arrhythmia-database-1.0.0/{name}.{ext}"] = (
                tmp_dir / f"{name}.{ext}"
            ).read_bytes()
    members["mit-bih-arrhythmia-database-1.0.0/RECORDS"] = "\n".join(names).encode()
    return members


@pytest.fixture
def fake_mirror(tmp_path) -> Path:
    """A mirror folder with tiny fake CinC 2017 and MIT-BIH zips (no real
    data needed): 8 CinC records, 3 MIT-BIH records."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    scratch = tmp_path / "wfdb"
    scratch.mkdir()
    write_zip(folder / CINC_ZIP, fake_cinc2017_members())
    write_zip(folder / MITBIH_ZIP, fake_mitbih_members(scratch))
    return folder


def subset_zip(source: Path, target: Path, keep, text_filter) -> Path:
    """Copy the members of zip ``source`` whose base name passes ``keep`` into
    ``target``; text index files (REFERENCE.csv, RECORDS) are filtered line by
    line with ``text_filter``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            base = info.filename.rsplit("/", 1)[-1]
            if base in ("REFERENCE.csv", "RECORDS"):
                lines = src.read(info).decode().splitlines(keepends=True)
                dst.writestr(info, "".join(filter(text_filter, lines)))
            elif base and keep(base):
                dst.writestr(info, src.read(info))
    return target


@pytest.fixture(scope="session")
def real_subset_mirror(physionet_mirror, tmp_path_factory) -> Path:
    """A mirror folder holding parts of the real zips: the first 300 CinC 2017
    records listed in REFERENCE.csv and MIT-BIH records 100, 101 and 102."""
    folder = tmp_path_factory.mktemp("real_subset_mirror")
    with zipfile.ZipFile(physionet_mirror / CINC_ZIP) as archive:
        reference = archive.read("training2017/REFERENCE.csv").decode().split()
    chosen = {line.split(",")[0] for line in reference[:300]}

    def cinc(name):
        return name[:6] in chosen

    def mitbih(name):
        return name[:3] in ("100", "101", "102")

    subset_zip(physionet_mirror / CINC_ZIP, folder / CINC_ZIP, cinc, cinc)
    subset_zip(physionet_mirror / MITBIH_ZIP, folder / MITBIH_ZIP, mitbih, mitbih)
    return folder


@pytest.fixture
def url_mirror(fake_mirror) -> str:
    """``fake_mirror`` as a ``file://`` base URL, with the ``SHA256SUMS`` list
    (``sha256sum`` format) that a mirror serves beside its zips."""
    import hashlib

    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"
        for path in sorted(fake_mirror.glob("*.zip"))
    ]
    (fake_mirror / "SHA256SUMS").write_text("".join(lines))
    return fake_mirror.as_uri() + "/"


class _TerminalStream(io.StringIO):
    """A StringIO that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def fake_stderr(monkeypatch):
    """Replace ``sys.stderr`` for one test: ``fake_stderr(tty=True)`` installs
    and returns a StringIO that is a terminal (progress bars are drawn),
    ``fake_stderr(tty=False)`` one that is not (a log file, CI)."""

    def install(tty: bool) -> io.StringIO:
        stream = _TerminalStream() if tty else io.StringIO()
        monkeypatch.setattr(sys, "stderr", stream)
        return stream

    return install
