"""Pieces shared by the example scripts: data, subsets, timing, command line.

The scripts import them with ``from _common import ...``: run as
``python examples/<script>.py``, a script's folder is on ``sys.path``.
Tests and benchmarks import the scripts with :func:`load_example`, which puts
the folder there too.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import train_test_split
from sklearn.utils import Bunch
from threadpoolctl import threadpool_limits

from sklecg.datasets import fetch_cinc2017, fetch_mitbih_beats
from sklecg.utils import markdown_table

EXAMPLES = Path(__file__).resolve().parent
#: Default folder of the figures the scripts draw (``--output``).
FIGURES = EXAMPLES / "figures"


def physionet_mirror() -> str:
    """The PhysioNet mirror folder.

    Returns
    -------
    str
        ``SKLECG_PHYSIONET_MIRROR`` when set, else ``../shared/data/physionet``
        beside the repository.
    """
    default = EXAMPLES.parents[1] / "shared" / "data" / "physionet"
    return os.environ.get("SKLECG_PHYSIONET_MIRROR", str(default))


def stratified_subset(
    index: np.ndarray, y: np.ndarray, size: int | float | None, random_state: int = 0
) -> np.ndarray:
    """A sorted subset of ``index``, stratified by ``y[index]``.

    Parameters
    ----------
    index : ndarray of int
        Indices into ``y`` to choose from.
    y : ndarray
        Labels of all samples.
    size : int, float or None
        Number of indices to keep, or that fraction of them when a float;
        None, 1.0 or at least ``index.size`` keeps ``index`` as it is.
    random_state : int, default=0
        Seed of the draw.

    Returns
    -------
    ndarray of int
    """
    if size is None or size == 1.0 or size >= index.size:
        return index
    keep, _ = train_test_split(
        index, train_size=size, stratify=y[index], random_state=random_state
    )
    return np.sort(keep)


def load_cinc2017(
    data_home: str | None, size: int | None
) -> tuple[list[np.ndarray], np.ndarray]:
    """The CinC 2017 records and labels, optionally a stratified subset.

    Parameters
    ----------
    data_home : str or None
        Cache folder of the parsed data.
    size : int or None
        Number of records to keep (seed 0); None keeps all 7,000.

    Returns
    -------
    X : list of 1-D ndarray
    y : ndarray of str
    """
    X, y = fetch_cinc2017(
        data_home=data_home, mirror=physionet_mirror(), return_X_y=True, verbose=False
    )
    y = np.asarray(y)
    keep = stratified_subset(np.arange(y.size), y, size)
    return [X[i] for i in keep], y[keep]


def load_mitbih_beats(data_home: str | None, as_frame: bool = False) -> Bunch:
    """The MIT-BIH beats of ``fetch_mitbih_beats``, read from the mirror.

    Parameters
    ----------
    data_home : str or None
        Cache folder of the parsed data.
    as_frame : bool, default=False
        Whether ``data`` is the named beat table (a DataFrame).

    Returns
    -------
    Bunch
    """
    return fetch_mitbih_beats(
        data_home=data_home, as_frame=as_frame, mirror=physionet_mirror(), verbose=False
    )


def timed_fit_predict(estimator, X_train, y_train, X_test) -> tuple:
    """Fit a clone of ``estimator`` and predict ``X_test``, timing both.

    Returns
    -------
    model : the fitted clone
    predicted : ndarray of the predictions on ``X_test``
    fit_s, predict_s : float
        Wall-clock seconds of ``fit`` and of ``predict``.
    """
    model = clone(estimator)
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    predicted = model.predict(X_test)
    return model, predicted, fit_s, time.perf_counter() - start


def load_rows(path: Path) -> list[dict]:
    """The finished rows of a JSON-lines results file (none if it is absent)."""
    if not path.is_file():
        return []
    with path.open() as handle:
        return [json.loads(line) for line in handle if line.strip()]


def append_row(path: Path, row: dict) -> None:
    """Append one finished row to a JSON-lines file, on disk before returning.

    Resumable scripts write each row as it finishes, so that a stopped run
    loses at most the row in progress.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        handle.write(json.dumps(row) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def load_example(name: str) -> ModuleType:
    """The script ``examples/<name>.py`` as a module.

    The scripts are no package: the examples folder goes on ``sys.path``
    (where the scripts find ``_common``) and the script is imported by name.
    """
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    return importlib.import_module(name)


def _threads(threads: int | None) -> contextlib.AbstractContextManager:
    """Torch threads set and BLAS/OpenMP threads limited to ``threads``."""
    if threads is None:
        return contextlib.nullcontext()
    import torch  # only the scripts with ``--threads`` pay for it

    torch.set_num_threads(threads)
    return threadpool_limits(threads)


def _tables(
    rows: list[dict], group: str | None, tables: Sequence[str] | None
) -> list[tuple[str, list[dict]]]:
    """``[(title, rows)]``: the rows as :func:`run_cli` prints them."""
    if group is not None:
        names = dict.fromkeys(row[group] for row in rows)
        return [
            (
                name,
                [
                    {k: v for k, v in row.items() if k != group}
                    for row in rows
                    if row[group] == name
                ],
            )
            for name in names
        ]
    if tables is not None:
        return [(name, [row for row in rows if name in row]) for name in tables]
    return [("", rows)]


def run_cli(
    run: Callable[..., Any],
    doc: str,
    quick_help: str,
    *,
    argv: Sequence[str] | None = None,
    group: str | None = None,
    tables: Sequence[str] | None = None,
    output: Path | None = None,
    n_jobs: bool = False,
    threads: str | None = "torch and BLAS/OpenMP threads",
    options: Mapping[str, Mapping[str, Any]] | None = None,
    print_rows: bool = True,
) -> Any:
    """Command line of an example script: parse, run, print the tables.

    Parses ``--quick``, ``--data-home`` and, where asked for, ``--output``,
    ``--n-jobs``, ``--threads`` and the script's own ``options``; calls
    ``run`` with the parsed values as keywords (``data_home``, ``quick``,
    ``output``, ``n_jobs`` and the options' names) under that many torch and
    BLAS/OpenMP threads; prints the rows it returns as markdown tables, then
    the wall-clock and CPU time.

    Parameters
    ----------
    run : callable
        The script's ``run``; returns the table rows (dicts).
    doc : str
        The script's docstring; its first line describes the command.
    quick_help : str
        Help of ``--quick``.
    argv : sequence of str, optional
        The arguments; None reads ``sys.argv``.
    group : str, optional
        Row key: one table per value of it (in order of appearance), titled
        by the value, the key's column left out.
    tables : sequence of str, optional
        Row keys (without ``group``): one table per key, of the rows holding
        it, titled by the key. With neither, all rows form one table.
    output : Path, optional
        Default figure folder of ``--output``; None: no ``--output``.
    n_jobs : bool, default=False
        Whether there is ``--n-jobs`` (default 1).
    threads : str, optional
        Help of ``--threads`` (default 1); None: no ``--threads`` (and no
        thread limit).
    options : mapping, optional
        The script's further options, ``{flag: keywords of
        ArgumentParser.add_argument}``, e.g. ``{"--trees": {"type": int,
        "default": 100}}``; ``run`` gets each as the keyword argparse names
        it (``trees``).
    print_rows : bool, default=True
        Whether ``run`` returns table rows to print; False: ``run`` prints
        its own report and may return anything.

    Returns
    -------
    What ``run`` returns.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--data-home", default=None, help="cache of parsed data")
    if output is not None:
        parser.add_argument("--output", default=str(output), help="figure folder")
    if n_jobs:
        parser.add_argument("--n-jobs", type=int, default=1, help="joblib workers")
    if threads is not None:
        parser.add_argument("--threads", type=int, default=1, help=threads)
    for flag, keywords in (options or {}).items():
        parser.add_argument(flag, **keywords)
    args = vars(parser.parse_args(argv))
    start, cpu = time.perf_counter(), time.process_time()
    with _threads(args.pop("threads", None)):
        result = run(**args)
    if print_rows:
        for title, table in _tables(result, group, tables):
            print(f"\n{title}\n" if title else "")
            print(markdown_table(table))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    figures = f"figures in {args['output']}; " if output is not None else ""
    print(f"\n{figures}total {wall:.0f} s wall clock, {cpu:.0f} s CPU")
    return result
